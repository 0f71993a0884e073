"""Shopify's calculated query cost (``extensions.cost``) as the client reads it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from loyalnest.integrations.shopify_admin.throttle import ThrottleStatus


@dataclass(frozen=True)
class QueryCost:
    """Shopify's ``extensions.cost``."""

    requested: int | None
    actual: int | None
    throttle_status: ThrottleStatus | None

    @property
    def utilisation_pct(self) -> float | None:
        """How full the bucket was after this call: 100 * (1 - available / maximum)."""
        status = self.throttle_status
        if status is None or status.maximum_available <= 0:
            return None
        used = 1 - status.currently_available / status.maximum_available
        return round(100 * min(1.0, max(0.0, used)), 2)


def parse_cost(extensions: Any) -> QueryCost | None:
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    if not isinstance(cost, Mapping):
        return None
    status = None
    raw = cost.get("throttleStatus")
    if isinstance(raw, Mapping):
        try:
            status = ThrottleStatus(
                maximum_available=float(raw["maximumAvailable"]),
                currently_available=float(raw["currentlyAvailable"]),
                restore_rate=float(raw["restoreRate"]),
            )
        except (KeyError, TypeError, ValueError):
            status = None
        if status is not None and (status.maximum_available <= 0 or status.restore_rate <= 0):
            status = None
    return QueryCost(
        requested=_int_or_none(cost.get("requestedQueryCost")),
        actual=_int_or_none(cost.get("actualQueryCost")),
        throttle_status=status,
    )


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)
