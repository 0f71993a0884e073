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


def _tree(processes: dict[int, tuple[str, int, float]], root: int) -> float:
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in processes:
            total += processes[pid][2]
        stack.extend(children.get(pid, ()))
    return total


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
    trees: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    busy: float = 0.0
    total: float = 0.0


def snapshot(
    trees: dict[str, int], names: dict[str, str], *, alone: dict[str, int] | None = None
) -> CpuSnapshot:
    """CPU seconds so far of each named process tree (by root pid), of single processes
    (``alone``, children not counted), and of all processes with a given command name
    (e.g. every ``postgres`` backend)."""
    processes = _all()
    shot = CpuSnapshot()
    for label, pid in (alone or {}).items():
        shot.trees[label] = processes[pid][2] if pid in processes else 0.0
    for label, pid in trees.items():
        shot.trees[label] = _tree(processes, pid)
    for label, command in names.items():
        shot.names[label] = sum(cpu for name, _, cpu in processes.values() if name == command)
    shot.busy, shot.total = _machine()
    return shot


def usage(before: CpuSnapshot, after: CpuSnapshot) -> str:
    """ "api 3.1 s, worker 5.0 s, postgres 1.2 s ... of 16.0 s (2 cores x 8.0 s, 93% busy)"."""
    if not after.total:
        return "CPU accounting unavailable (no /proc)"
    parts = [f"{label} {after.trees[label] - before.trees.get(label, 0.0):.1f} s" for label in after.trees]
    parts += [f"{label} {after.names[label] - before.names.get(label, 0.0):.1f} s" for label in after.names]
    total = after.total - before.total
    busy = after.busy - before.busy
    cores = os.cpu_count() or 1
    share = 100 * busy / total if total else 0.0
    return f"{', '.join(parts)}; machine {busy:.1f} of {total:.1f} CPU s busy ({cores} cores, {share:.0f}%)"
