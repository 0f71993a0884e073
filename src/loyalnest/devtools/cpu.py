"""Where the CPU went during a benchmark: seconds used by each process tree, read from
/proc (Linux; elsewhere the accounting is simply empty). Knowing that the worker used
one full core while PostgreSQL used a third of one says what limits a figure."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

_PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of one process."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[1] is ppid; utime and stime are the 14th and 15th fields of the line
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _all() -> dict[int, tuple[str, int, float]]:
    found: dict[int, tuple[str, int, float]] = {}
    if not _PROC.is_dir():
        return found
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def _tree_pids(processes: dict[int, tuple[str, int, float]], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    found, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid in processes:
            found.add(pid)
        stack.extend(children.get(pid, ()))
    return found


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    try:
        values = [int(v) for v in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / _TICKS, total / _TICKS


@dataclass
class CpuSnapshot:
    """CPU seconds so far of each process, grouped by label (pid -> seconds)."""

    groups: dict[str, dict[int, float]] = field(default_factory=dict)
    busy: float = 0.0
    total: float = 0.0


def snapshot(
    trees: dict[str, int], names: dict[str, str], *, alone: dict[str, int] | None = None
) -> CpuSnapshot:
    """CPU seconds so far of the processes of each named tree (by root pid), of single
    processes (``alone``, children not counted), and of all processes with a given
    command name (e.g. every ``postgres`` backend)."""
    processes = _all()
    shot = CpuSnapshot()
    for label, pid in (alone or {}).items():
        shot.groups[label] = {pid: processes[pid][2]} if pid in processes else {}
    for label, root in trees.items():
        shot.groups[label] = {pid: processes[pid][2] for pid in _tree_pids(processes, root)}
    for label, command in names.items():
        shot.groups[label] = {pid: cpu for pid, (name, _, cpu) in processes.items() if name == command}
    shot.busy, shot.total = _machine()
    return shot


def usage(before: CpuSnapshot, after: CpuSnapshot) -> str:
    """ "api 3.1 s, worker 5.0 s, postgres 1.2 s ... of 16.0 s (2 cores x 8.0 s, 93% busy)".

    Per process: what it used between the two snapshots (all of it if it started in
    between; a process that ended in between is missing)."""
    if not after.total:
        return "CPU accounting unavailable (no /proc)"
    parts = []
    accounted = 0.0
    for label, pids in after.groups.items():
        earlier = before.groups.get(label, {})
        used = sum(max(cpu - earlier.get(pid, 0.0), 0.0) for pid, cpu in pids.items())
        accounted += used
        parts.append(f"{label} {used:.1f} s")
    total = after.total - before.total
    busy = after.busy - before.busy
    # whatever else ran meanwhile (other programs, the kernel): a noisy machine shows here
    parts.append(f"everything else {max(busy - accounted, 0.0):.1f} s")
    cores = os.cpu_count() or 1
    share = 100 * busy / total if total else 0.0
    return f"{', '.join(parts)}; machine {busy:.1f} of {total:.1f} CPU s busy ({cores} cores, {share:.0f}%)"
