"""``bench_read(rows)``: how fast the import's reading layer turns a customer CSV into
records, and how much memory it holds doing it (the issue's budget: a million rows end to
end in under 60 s on two cores, under 300 MB whatever the file's size; reading is the
first part of that, so it should take a small share of the 60 s).

The file is generated first, into a temporary file in chunks (so generating costs no
memory the read would be blamed for), with the columns a Smile export has and one bad
email in every thousand rows, so the error path is on the clock too. Then the clock runs
over ``read_customers`` (duplicate check included) consuming every record. Memory: the
RSS before the read (the interpreter and what it imported), its growth during the read
(sampled every 100,000 records) and the process's peak (``getrusage``).
"""

from __future__ import annotations

import resource
import tempfile
import time
from typing import Any

from loyalnest.contexts.imports.reading import CustomerRecord, Source, read_customers

HEADER = "Email,First Name,Last Name,Points Balance,VIP Tier,Date Of Birth\r\n"
TIERS = ("Bronze", "Silver", "Gold")
_CHUNK_ROWS = 10_000


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _row(n: int) -> str:
    email = f"customer{n}@example.com" if n % 1000 != 999 else f"customer{n}.example.com"
    return (
        f"{email},Ann{n % 97},Smith-{n % 89},{(n * 37) % 100_000},{TIERS[n % 3]},"
        f"19{50 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}\r\n"
    )


def write_sample(path: str, rows: int) -> int:
    """A customer CSV of ``rows`` rows at ``path``; returns its size in bytes."""
    size = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for start in range(0, rows, _CHUNK_ROWS):
            chunk = "".join(_row(n) for n in range(start, min(start + _CHUNK_ROWS, rows)))
            out.write(chunk)
        size = out.tell()
    return size


def bench_read(rows: int, *, check_duplicates: bool = True) -> dict[str, Any]:
    """Generate ``rows`` customer rows, read them back, and report the figures.
    ``check_duplicates=False`` measures the stream alone: its memory stays flat."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as sample:
        size = write_sample(sample.name, rows)
        rss_before = rss_peak = _rss_mb()
        records = errors = 0
        started = time.perf_counter()
        cpu_started = time.process_time()
        with open(sample.name, "rb") as stream:
            reader = read_customers(stream, Source.SMILE, tiers=TIERS, check_duplicates=check_duplicates)
            for item in reader:
                if type(item) is CustomerRecord:
                    records += 1
                    if records % 100_000 == 0:  # the duplicate check's memory grows with the file
                        rss_peak = max(rss_peak, _rss_mb())
                else:
                    errors += 1
            bytes_read = reader.bytes_read
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": rows,
        "check_duplicates": check_duplicates,
        "file_mb": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        # on a machine shared with other work, CPU time is the steadier figure
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(rows / seconds),
        "records": records,
        "row_errors": errors,
        "bytes_read": bytes_read,
        "rss_before_mb": round(rss_before, 1),
        "rss_growth_during_read_mb": round(rss_peak - rss_before, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }


if __name__ == "__main__":
    import sys

    print(
        bench_read(
            int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
            check_duplicates="--no-duplicates" not in sys.argv,
        )
    )
