"""Latency of a load run, as the bench reports print it (p50, p99, max)."""

from __future__ import annotations

from dataclasses import dataclass

from loyalnest.devtools.loadgen import LoadResult


@dataclass
class Latency:
    p50_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, result: LoadResult) -> Latency:
        worst = max(result.latencies) if result.latencies else 0.0
        return cls(result.percentile(0.50) * 1000, result.percentile(0.99) * 1000, worst * 1000)

    def __str__(self) -> str:
        return f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms"
