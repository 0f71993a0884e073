"""Exact money: Decimal amounts parsed from Shopify's string fields, never floats."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any, Literal

Rounding = Literal["down", "nearest", "up"]
_ROUNDING = {"down": ROUND_DOWN, "nearest": ROUND_HALF_UP, "up": ROUND_UP}

ZERO = Decimal("0")


def parse_amount(value: Any) -> Decimal:
    """Parse a Shopify money string ("12.34") into a Decimal; bad input raises ValueError."""
    if value is None or isinstance(value, bool | float):
        # floats are refused on purpose: a float amount has already lost exactness
        raise ValueError(f"not a money amount: {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a money amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not a money amount: {value!r}")
    return amount


def round_points(value: Decimal, rounding: Rounding) -> int:
    """Round a fractional point amount to whole points with the merchant's rule."""
    return int(value.quantize(Decimal("1"), rounding=_ROUNDING[rounding]))
