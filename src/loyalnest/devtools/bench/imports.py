"""``loyalnest bench import --rows N``: an import of N customers end to end, as a
merchant runs it, measured against the real stack (one API process, one worker).

A Smile-format file of N customers (names, emails, balances) is written to a temporary
file; a shop is installed; staff ask for an upload link (``createImportUpload``, not a
dry run), PUT the file there streamed, and the import is polled through GraphQL until
it is completed. Printed: the seconds from the first byte sent to completed (and the
split: upload, validation, import), rows per second, and the peak resident memory of
the API and worker processes (``VmHWM``). Target: 1,000,000 rows in under 60 s, memory
under 300 MB.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import typer

from loyalnest.devtools.bench import processes
from loyalnest.devtools.bench.seeding import drop_shop, seed_shop

TARGET_SECONDS = 60.0
TARGET_MEMORY_MB = 300.0
_FIRST = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim")
_LAST = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Lee")

_CREATE = """
mutation { createImportUpload(source: SMILE, fileName: "bench.csv", dryRun: false) {
  import { id } uploadUrl userErrors { code message } } }
"""
_READ = (
    "query ($id: ID!) { import(id: $id) { status rowsDone lastError counts { valid created pointsPosted } } }"
)


def write_file(path: Path, rows: int, *, seed: int = 7) -> int:
    """A Smile customer export of ``rows`` customers; returns its size."""
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("First Name,Last Name,Email,Points Balance\r\n")
        chunk: list[str] = []
        for n in range(rows):
            chunk.append(
                f"{_FIRST[n % 10]},{_LAST[(n // 10) % 10]},c{n}.{tag}@example.org,{rng.randint(0, 5000)}\r\n"
            )
            if len(chunk) == 10_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    return path.stat().st_size


def _peak_mb(pid: int) -> float:
    """The process tree's largest peak resident set (VmHWM), in MB."""
    peaks = []
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return max(peaks, default=0.0)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().split()
            except OSError:
                continue
            if int(stat[3]) == pid:
                found.append(int(entry.name))
                found.extend(_children(int(entry.name)))
    return found


async def _stream(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            yield chunk


async def run(rows: int, api: str) -> dict[str, float | int | str]:
    from loyalnest.http.auth import mint_session_token
    from loyalnest.settings import get_settings

    merchant = await seed_shop()
    token = mint_session_token(get_settings(), merchant.shop_domain)
    headers = {"Authorization": f"Bearer {token}"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        size = write_file(path, rows)
        async with httpx.AsyncClient(base_url=api, timeout=600) as client:
            created = (await client.post("/graphql", json={"query": _CREATE}, headers=headers)).json()
            payload = created["data"]["createImportUpload"]
            import_id = payload["import"]["id"]
            # the link names the public base URL; the bench's API listens elsewhere
            url = "/" + payload["uploadUrl"].split("://", 1)[1].split("/", 1)[1]
            started = time.perf_counter()
            put = await client.put(url, content=_stream(path), headers={"Content-Length": str(size)})
            put.raise_for_status()
            uploaded = time.perf_counter()
            validated_at = None
            while True:
                answer = (
                    await client.post(
                        "/graphql", json={"query": _READ, "variables": {"id": import_id}}, headers=headers
                    )
                ).json()
                found = (answer.get("data") or {}).get("import")
                if found is None:  # say why, and ask again: one failed read is no result
                    print(f"import status unreadable: {answer.get('errors')}", file=sys.stderr)
                    await asyncio.sleep(1)
                    continue
                if found["status"] == "IMPORTING" and validated_at is None:
                    validated_at = time.perf_counter()
                if found["status"] in ("COMPLETED", "FAILED", "INVALID"):
                    break
                await asyncio.sleep(0.25)
            done = time.perf_counter()
    await drop_shop(merchant.id)
    return {
        "status": found["status"],
        "rows": rows,
        "file_mb": round(size / 1024 / 1024, 1),
        "valid": found["counts"]["valid"],
        "created": found["counts"]["created"],
        "points_posted": found["counts"]["pointsPosted"],
        "upload_s": round(uploaded - started, 1),
        "validation_s": round((validated_at or done) - uploaded, 1),
        "import_s": round(done - (validated_at or done), 1),
        "total_s": round(done - started, 1),
        "rows_per_s": round(rows / (done - started)),
        "last_error": found["lastError"] or "",
    }


def bench_import(
    rows: Annotated[int, typer.Option(help="Customers in the file.")] = 1_000_000,
) -> None:
    """An import of N customers end to end (upload link, validation, import) against the
    real API and worker; prints the time, rows/s and the processes' peak memory."""
    from loyalnest.settings import get_settings

    settings = get_settings()
    with processes.bench_stack(settings) as stack:
        api = processes.start_api(stack, processes.free_port())
        processes.start_worker(stack)
        api_process, worker_process = stack.processes
        asyncio.run(processes.wait_until_serving(api, "/health", timeout=60, process=api_process))
        report = asyncio.run(run(rows, api))
        report["api_peak_mb"] = round(_peak_mb(api_process.pid))
        report["worker_peak_mb"] = round(_peak_mb(worker_process.pid))
    for name, value in report.items():
        print(f"{name:>16}: {value}")
    peak = max(float(report["api_peak_mb"]), float(report["worker_peak_mb"]))
    met = float(report["total_s"]) <= TARGET_SECONDS and peak <= TARGET_MEMORY_MB
    print(
        f"{'target':>16}: {rows:,} rows in < {TARGET_SECONDS:.0f} s, < {TARGET_MEMORY_MB:.0f} MB: "
        f"{'met' if met else 'not met'}"
    )
    sys.stdout.flush()


def register(bench_app: typer.Typer) -> None:
    """Add ``import`` to ``loyalnest bench``."""
    bench_app.command("import")(bench_import)
