"""Pure ledger arithmetic: lifetime totals (lots and expiry: ``test_lot_rules``)."""

from __future__ import annotations

from loyalnest.contexts.points import rules


class TestLifetimeChange:
    def test_earning_kinds_count(self):
        assert rules.lifetime_change("earn", 10, -10) == 10
        assert rules.lifetime_change("adjust", 5, -5) == 5

    def test_spending_does_not_reduce_lifetime(self):
        assert rules.lifetime_change("adjust", -5, 5) == 0
        assert rules.lifetime_change("redeem", -5, 5) == 0

    def test_reversal_takes_back_the_requested_amount_even_with_a_shortfall(self):
        assert rules.lifetime_change("reversal", -3, 10) == -10
