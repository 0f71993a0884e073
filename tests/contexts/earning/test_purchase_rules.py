"""The purchase rule's arithmetic (eligible amount, points for an amount, what a
refund takes back): examples plus properties (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalnest.contexts.earning import rules

# The session's Dramatiq worker threads (started by other tests) draw from the global
# `random` while hypothesis generates examples here; hypothesis sees the global state
# move and blames the strategies. Nothing in these strategies uses `random`.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)

D = Decimal

money = st.decimals(min_value=D("-1000000"), max_value=D("1000000"), places=2, allow_nan=False)
positive_money = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2, allow_nan=False)
rates = st.decimals(min_value=D("0"), max_value=D("100"), places=4, allow_nan=False)
roundings = st.sampled_from(["down", "nearest", "up"])


def _eligible(subtotal: str, shipping: str = "0", tax: str = "0", **flags: bool) -> Decimal:
    return rules.eligible_amount(
        subtotal=D(subtotal),
        shipping=D(shipping),
        tax=D(tax),
        taxes_included=flags.get("taxes_included", False),
        earn_on_shipping=flags.get("earn_on_shipping", False),
        earn_on_tax=flags.get("earn_on_tax", False),
    )


class TestEligibleAmount:
    def test_default_is_the_subtotal_without_shipping_or_tax(self):
        assert _eligible("100.00", shipping="10.00", tax="8.00") == D("100.00")

    def test_shipping_counts_only_when_the_merchant_says_so(self):
        assert _eligible("100.00", shipping="10.00", earn_on_shipping=True) == D("110.00")

    def test_tax_added_when_prices_exclude_it_and_merchant_earns_on_tax(self):
        assert _eligible("100.00", tax="8.00", earn_on_tax=True) == D("108.00")

    def test_tax_removed_when_prices_include_it(self):
        assert _eligible("110.00", tax="10.00", taxes_included=True) == D("100.00")

    def test_tax_kept_when_prices_include_it_and_merchant_earns_on_tax(self):
        assert _eligible("110.00", tax="10.00", taxes_included=True, earn_on_tax=True) == D("110.00")

    @pytest.mark.parametrize("subtotal", ["-5.00", "0.00"])
    def test_never_negative(self, subtotal):
        assert _eligible(subtotal, tax="3.00", taxes_included=True) == D("0")

    @given(
        subtotal=money,
        shipping=money,
        tax=money,
        taxes_included=st.booleans(),
        earn_on_shipping=st.booleans(),
        earn_on_tax=st.booleans(),
    )
    def test_property_never_negative(
        self, subtotal, shipping, tax, taxes_included, earn_on_shipping, earn_on_tax
    ):
        amount = rules.eligible_amount(
            subtotal=subtotal,
            shipping=shipping,
            tax=tax,
            taxes_included=taxes_included,
            earn_on_shipping=earn_on_shipping,
            earn_on_tax=earn_on_tax,
        )
        assert amount >= 0


class TestPointsForAmount:
    @pytest.mark.parametrize(
        ("amount", "rate", "rounding", "expected"),
        [
            ("123.45", "1", "down", 123),
            ("123.99", "1", "down", 123),
            ("123.50", "1", "nearest", 124),
            ("123.49", "1", "nearest", 123),
            ("123.01", "1", "up", 124),
            ("10.00", "2.5", "down", 25),
            ("0.99", "1", "down", 0),
            ("0", "1", "up", 0),
            ("-10", "1", "up", 0),
            ("10", "0", "up", 0),
        ],
    )
    def test_examples(self, amount, rate, rounding, expected):
        assert rules.points_for_amount(D(amount), D(rate), rounding) == expected

    @given(a=money, b=money, rate=rates, rounding=roundings)
    def test_property_monotonic_in_amount(self, a, b, rate, rounding):
        low, high = sorted((a, b))
        assert rules.points_for_amount(low, rate, rounding) <= rules.points_for_amount(high, rate, rounding)

    @given(amount=money, rate=rates, rounding=roundings)
    def test_property_never_negative(self, amount, rate, rounding):
        assert rules.points_for_amount(amount, rate, rounding) >= 0


class TestReversalTarget:
    def test_proportional(self):
        assert rules.reversal_target(100, D("100.00"), D("25.00")) == 25

    def test_full_and_over_refund_take_everything(self):
        assert rules.reversal_target(99, D("99.99"), D("99.99")) == 99
        assert rules.reversal_target(99, D("99.99"), D("150.00")) == 99

    def test_nothing_earned_or_refunded_takes_nothing(self):
        assert rules.reversal_target(0, D("100"), D("50")) == 0
        assert rules.reversal_target(100, D("100"), D("0")) == 0

    def test_order_with_no_eligible_amount_takes_all_it_earned(self):
        assert rules.reversal_target(5, D("0"), D("1")) == 5

    def test_three_thirds_add_up_to_the_whole(self):
        earned, eligible = 100, D("100.00")
        refunded = D("0")
        taken = 0
        for part in ("33.33", "33.33", "33.34"):
            refunded += D(part)
            target = rules.reversal_target(earned, eligible, refunded)
            assert target >= taken
            taken = target
        assert taken == earned

    @given(earned=st.integers(0, 10**9), eligible=positive_money, refunded=money)
    def test_property_never_exceeds_earned(self, earned, eligible, refunded):
        target = rules.reversal_target(earned, eligible, refunded)
        assert 0 <= target <= earned

    @given(earned=st.integers(0, 10**9), eligible=positive_money)
    def test_property_full_refund_takes_exactly_earned(self, earned, eligible):
        assert rules.reversal_target(earned, eligible, eligible) == earned

    @given(
        earned=st.integers(0, 10**6),
        eligible=positive_money,
        parts=st.lists(
            st.decimals(min_value=D("0.01"), max_value=D("500"), places=2), min_size=1, max_size=8
        ),
    )
    def test_property_cumulative_partial_refunds(self, earned, eligible, parts):
        """Each refund takes target(running total) - already taken: the increments are never
        negative, sum to at most what was earned, and to exactly that once fully refunded."""
        refunded = D("0")
        taken = 0
        for part in parts:
            refunded += part
            target = rules.reversal_target(earned, eligible, refunded)
            increment = target - taken
            assert increment >= 0
            taken += increment
        assert taken <= earned
        if refunded >= eligible:
            assert taken == earned
        else:  # refunding the rest lands exactly on what was earned, never past it
            rest = rules.reversal_target(earned, eligible, refunded + (eligible - refunded)) - taken
            assert rest >= 0
            assert taken + rest == earned
