"""The pure rules of tiers: the ladder's validation, periods, evaluation under each
retention policy, the multiplier's bonus and progress, with properties checked over
generated ladders and metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalnest.contexts.tiers import rules
from loyalnest.platform.errors import ValidationFailed

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
LADDER = [rules.Rung(1, 1, Decimal(100)), rules.Rung(2, 2, Decimal(300)), rules.Rung(3, 3, Decimal(1000))]


def policy(retention: str, period: str = "calendar_year", tz: str = "UTC") -> rules.Policy:
    return rules.Policy(period, retention, ZoneInfo(tz))


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "10.01", "1.255", "NaN", "Infinity", "0.99"])
def test_multipliers_outside_1_to_10_or_with_3_decimals_are_refused(value):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_multiplier(value)
    assert refused.value.field == "multiplier"


@pytest.mark.parametrize(
    ("value", "kept"), [("1", "1.00"), ("1.5", "1.50"), ("10", "10.00"), ("2.25", "2.25")]
)
def test_multipliers_are_kept_with_two_decimals(value, kept):
    assert str(rules.check_multiplier(value)) == kept


@pytest.mark.parametrize("thresholds", [[100, 100], [100, 50], [100, 300, 200], list(range(1, 12))])
def test_ladders_that_do_not_strictly_increase_or_exceed_ten_tiers_are_refused(thresholds):
    with pytest.raises(ValidationFailed):
        rules.check_ladder([Decimal(t) for t in thresholds])


def test_names_fall_back_like_reward_titles():
    default, names = rules.clean_names([("EN", " Gold "), ("fr-ca", "Or")], "en")
    assert (default, names) == ("en", {"en": "Gold", "fr-CA": "Or"})
    assert rules.text_for(names, default, "fr-CA") == "Or"
    assert rules.text_for(names, default, "fr") == "Or"  # any fr-*
    assert rules.text_for(names, default, "de") == "Gold"
    assert rules.text_for(names, default, "??") == "Gold"
    with pytest.raises(ValidationFailed):
        rules.clean_names([("en", "Gold")], "fr")


# --- the multiplier ----------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**9), st.decimals(min_value=1, max_value=10, places=2))
def test_the_multiplier_bonus_never_exceeds_what_the_multiplier_stands_for(base, multiplier):
    bonus = rules.multiplier_bonus(base, multiplier)
    exact = Decimal(base) * (multiplier - 1)
    assert 0 <= bonus <= exact < bonus + 1


def test_the_label_names_the_tier_and_its_multiplier():
    assert rules.multiplier_label("Gold", Decimal("1.5")) == "Gold ×1.50"  # noqa: RUF001


# --- periods -------------------------------------------------------------------------------------


def test_windows_and_retention_dates_by_period_in_the_shops_timezone():
    tz = ZoneInfo("America/New_York")
    # 2 a.m. UTC on 1 Jan is still 31 Dec in New York: last year's window
    early = datetime(2027, 1, 1, 2, tzinfo=UTC)
    assert rules.window_start("calendar_year", early, tz) == datetime(2026, 1, 1, 5, tzinfo=UTC)
    assert rules.period_end("calendar_year", early, tz) == datetime(2027, 1, 1, 5, tzinfo=UTC)
    assert rules.period_key("calendar_year", early, tz) == "2026"
    assert rules.window_start("rolling_12_months", NOW, tz) == datetime(2025, 6, 15, 12, tzinfo=UTC)
    assert rules.window_start("lifetime", NOW, tz) is None
    assert rules.period_key("lifetime", NOW, tz) == "lifetime"
    # earned in 2026: kept through 2027
    assert rules.retain_until("calendar_year", NOW, tz) == datetime(2028, 1, 1, 5, tzinfo=UTC)
    assert rules.retain_until("rolling_12_months", NOW, tz) == datetime(2027, 6, 15, 12, tzinfo=UTC)
    assert rules.add_months(datetime(2024, 2, 29, tzinfo=UTC), 12) == datetime(2025, 2, 28, tzinfo=UTC)


# --- evaluation -------------------------------------------------------------------------------------


def test_climbing_reaches_the_highest_supported_tier_and_only_its_entry_reward():
    outcome = rules.evaluate(LADDER, rules.Standing(), Decimal(500), NOW, policy("never"))
    assert outcome.standing.tier_id == 2
    assert outcome.move == rules.Move(None, 2, "qualified")
    assert outcome.entered == 2
    assert outcome.standing.qualified_at == NOW


@pytest.mark.parametrize(
    ("retention", "tier", "reason"),
    [("never", 3, None), ("immediate", 1, "refund")],
)
def test_a_refund_below_the_tier_under_never_and_immediate(retention, tier, reason):
    held = rules.Standing(tier_id=3, qualified_at=NOW - timedelta(days=10))
    outcome = rules.evaluate(LADDER, held, Decimal(150), NOW, policy(retention), refund=True)
    assert outcome.standing.tier_id == tier
    assert (outcome.move.reason if outcome.move else None) == reason
    assert outcome.entered is None


def test_end_of_next_period_keeps_the_tier_then_drops_one_tier_a_period():
    qualified = datetime(2026, 3, 1, tzinfo=UTC)
    held = rules.Standing(tier_id=3, qualified_at=qualified)
    # the metric fell (a new year, nothing bought): kept through the next calendar year
    kept = rules.evaluate(
        LADDER, held, Decimal(0), datetime(2027, 1, 1, 1, tzinfo=UTC), policy("end_of_next_period")
    )
    assert kept.move is None
    assert kept.standing.tier_id == 3
    assert kept.standing.retain_until == datetime(2028, 1, 1, tzinfo=UTC)
    # the grace is over: one tier down, itself kept for one more period
    later = datetime(2028, 1, 1, 1, tzinfo=UTC)
    dropped = rules.evaluate(LADDER, kept.standing, Decimal(0), later, policy("end_of_next_period"))
    assert dropped.move == rules.Move(3, 2, "retention_expired")
    assert dropped.standing.retain_until == datetime(2029, 1, 1, tzinfo=UTC)
    # years without evaluation: one tier per period, all at once
    far = datetime(2031, 6, 1, tzinfo=UTC)
    gone = rules.evaluate(LADDER, kept.standing, Decimal(0), far, policy("end_of_next_period"))
    assert gone.move == rules.Move(3, None, "retention_expired")
    assert gone.standing.tier_id is None


def test_end_of_next_period_is_cancelled_when_the_metric_comes_back():
    held = rules.Standing(
        tier_id=2, qualified_at=NOW - timedelta(days=200), retain_until=NOW + timedelta(days=100)
    )
    back = rules.evaluate(LADDER, held, Decimal(300), NOW, policy("end_of_next_period", "rolling_12_months"))
    assert (back.standing.tier_id, back.standing.retain_until, back.move) == (2, None, None)


def test_a_manual_tier_overrides_evaluation_until_it_ends():
    manual = rules.Standing(
        tier_id=3, manual_tier_id=3, manual_until=NOW + timedelta(days=1), manual_reason="VIP"
    )
    held = rules.evaluate(LADDER, manual, Decimal(150), NOW, policy("immediate"))
    assert (held.standing.tier_id, held.move, held.standing.earned_tier_id) == (3, None, 1)
    ended = rules.evaluate(LADDER, manual, Decimal(150), NOW + timedelta(days=2), policy("never"))
    assert ended.standing.tier_id == 1
    assert ended.standing.manual_tier_id is None
    assert ended.move == rules.Move(3, 1, "retention_expired")


def test_a_deleted_tiers_holders_go_to_what_the_metric_supports_without_an_entry_reward():
    outcome = rules.evaluate(LADDER, rules.Standing(tier_id=99), Decimal(350), NOW, policy("never"))
    assert (outcome.standing.tier_id, outcome.move, outcome.entered) == (
        2,
        rules.Move(99, 2, "qualified"),
        None,
    )


ladders = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=10, unique=True).map(
    lambda ts: [rules.Rung(i + 1, i + 1, Decimal(t)) for i, t in enumerate(sorted(ts))]
)
metrics = st.integers(min_value=0, max_value=20_000).map(Decimal)
retentions = st.sampled_from(rules.RETENTIONS)
periods = st.sampled_from(rules.PERIODS)


@given(ladders, metrics, metrics, retentions, periods)
def test_evaluation_properties(ladder, first, second, retention, period):
    pol = policy(retention, period)
    once = rules.evaluate(ladder, rules.Standing(), first, NOW, pol)
    # from nothing: exactly the supported tier
    supported = rules.supported(ladder, first)
    assert once.standing.tier_id == (supported.id if supported else None)
    # evaluating again with the same metric changes nothing (idempotent)
    again = rules.evaluate(ladder, once.standing, first, NOW, pol)
    assert again.move is None
    assert again.standing.tier_id == once.standing.tier_id
    # a later metric: never above what it supports unless kept by retention; never
    # below what it supports
    later = rules.evaluate(ladder, once.standing, second, NOW + timedelta(days=1), pol)
    rank = {r.id: r.rank for r in ladder}
    now_supported = rules.supported(ladder, second)
    held_rank = rank.get(later.standing.tier_id, 0) if later.standing.tier_id else 0
    assert held_rank >= (now_supported.rank if now_supported else 0)
    if retention == "immediate":
        assert later.standing.tier_id == (now_supported.id if now_supported else None)
    if retention == "never":
        assert held_rank == max(
            rank.get(once.standing.tier_id or 0, 0), now_supported.rank if now_supported else 0
        )


@given(ladders, metrics, st.sampled_from(["calendar_year", "rolling_12_months", "lifetime"]))
def test_progress_properties(ladder, value, period):
    held = rules.supported(ladder, value)
    p = rules.progress(
        ladder,
        metric="points",
        value=value,
        tier_id=held.id if held else None,
        retain_until_at=None,
        policy=policy("immediate", period),
        now=NOW,
    )
    assert 0 <= p.percent <= 100
    if p.next_tier_id is None:
        assert held is not None
        assert held.rank == len(ladder)
        assert p.to_next is None
    else:
        nxt = next(r for r in ladder if r.id == p.next_tier_id)
        assert p.to_next == nxt.threshold - value > 0
        # reaching it exactly gets the tier
        assert rules.supported(ladder, value + p.to_next) == nxt
    # the tier supported by the metric needs nothing more to be kept
    assert p.to_keep is None


def test_progress_says_what_is_needed_and_by_when():
    tz = ZoneInfo("UTC")
    p = rules.progress(
        LADDER,
        metric="money",
        value=Decimal("257.50"),
        tier_id=1,
        retain_until_at=None,
        policy=policy("immediate"),
        now=NOW,
    )
    assert (p.next_tier_id, p.to_next, p.next_by) == (2, Decimal("42.50"), datetime(2027, 1, 1, tzinfo=UTC))
    assert rules.describe("money", p.to_next, p.next_by, tz, "USD") == "spend 42.50 USD more by 31 Dec 2026"
    # holding Gold with a metric under it (kept until the end of next year)
    keep = rules.progress(
        LADDER,
        metric="points",
        value=Decimal(180),
        tier_id=2,
        retain_until_at=datetime(2028, 1, 1, tzinfo=UTC),
        policy=policy("end_of_next_period"),
        now=NOW,
    )
    assert (keep.to_keep, keep.keep_by) == (Decimal(120), datetime(2028, 1, 1, tzinfo=UTC))
    assert (
        rules.describe("points", keep.to_keep, keep.keep_by, tz, "USD")
        == "earn 120 points more by 31 Dec 2027"
    )
    assert rules.describe("orders", Decimal(1), None, tz, "USD") == "place 1 order more"
