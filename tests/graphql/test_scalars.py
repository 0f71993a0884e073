"""``BigInt``: sums of points past GraphQL's 32-bit Int go out as JSON numbers, exact up
to 2^53 - 1; past that (no sum of points gets there) they are an error, not a rounded
number."""

from __future__ import annotations

import pytest

from loyalnest.graphql.core.scalars import MAX_SAFE, SCALARS, BigInt


def test_big_ints_go_out_exactly_and_past_2_53_are_refused() -> None:
    scalar = SCALARS[BigInt]
    assert scalar.serialize is not None
    assert scalar.parse_value is not None
    assert scalar.serialize(2_700_000_000) == 2_700_000_000
    assert scalar.serialize(-(2**40)) == -(2**40)
    with pytest.raises(ValueError, match="2\\^53"):
        scalar.serialize(MAX_SAFE + 1)
    assert scalar.parse_value(MAX_SAFE) == MAX_SAFE
    for bad in (MAX_SAFE + 1, 1.5, "12", True):
        with pytest.raises(ValueError, match="2\\^53"):
            scalar.parse_value(bad)
