"""Shared by the Shopify Admin client tests, their fixtures and the burst process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Fast, bounded retries for tests: three attempts, millisecond backoff.
TEST_ADMIN_CONFIG: dict[str, Any] = {
    "api_version": "2025-10",
    "timeout_seconds": 3.0,
    "connect_timeout_seconds": 1.0,
    "max_attempts": 3,
    "max_throttle_retries": 5,
    "max_throttle_wait_seconds": 10.0,
    "backoff_base_seconds": 0.01,
    "backoff_max_seconds": 0.05,
}


@dataclass(frozen=True)
class AdminShop:
    id: int
    domain: str
    token: str
    plan: str
