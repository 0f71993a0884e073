"""Property tests of the pure RFM rules: segments (first match wins, every score triple
named, the SQL map agrees), quintiles (scores 1..5, monotone, equal values share a
score, cut points are percentile_disc's), thresholds (monotone, the shipped defaults),
time weighting (log-sum-exp equals the direct sum, invariant under a common shift), and
configuration validation (named errors)."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.rules import rfm as rules
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENT_RULES, segment_case_sql

score = st.integers(min_value=1, max_value=5)
values = st.lists(st.integers(min_value=0, max_value=40).map(float), min_size=1, max_size=200)


@given(score, score, score)
def test_a_segment_is_the_first_matching_rule_or_other(r, f, m):
    segment = analytics.segment_for(r, f, m)
    matching = [rule.slug for rule in SEGMENT_RULES if rule.matches(r, f, m)]
    assert segment == (matching[0] if matching else "other")
    assert segment in analytics.SEGMENTS
    assert segment in analytics.SHOPIFY_RFM_GROUP


def test_the_issue_examples_and_the_sql_case_name_every_triple_alike():
    assert analytics.segment_for(5, 5, 5) == "champions"
    assert analytics.segment_for(5, 1, 1) == "new_customers"  # before potential_loyalist
    assert analytics.segment_for(3, 1, 1) == "promising"
    assert analytics.segment_for(5, 2, 1) == "potential_loyalist"
    assert analytics.segment_for(1, 5, 5) == "cant_lose_them"  # before at_risk
    assert analytics.segment_for(1, 3, 3) == "at_risk"
    assert analytics.segment_for(1, 1, 1) == "lost"
    assert analytics.segment_for(1, 1, 5) == "other"
    case = segment_case_sql("r", "f", "m")
    assert case.count("WHEN") == len(SEGMENT_RULES)
    assert case.endswith("ELSE 'other' END")


def test_every_segment_but_hibernating_can_hold_a_customer():
    """The order makes every named segment reachable by some scores, except Hibernating,
    whose whole range the issue's About to Sleep covers (see ``SEGMENT_RULES``)."""
    reached = {analytics.segment_for(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    assert set(analytics.SEGMENTS) - reached == {"hibernating"}


@given(values)
def test_quintile_scores_are_1_to_5_monotone_and_equal_values_share_them(data):
    cuts = rules.quintile_cuts(data)
    assert cuts is not None
    assert list(cuts) == sorted(cuts)
    scores = {v: rules.quintile_score(v, cuts) for v in data}
    assert all(1 <= s <= 5 for s in scores.values())
    ordered = sorted(scores)
    assert all(scores[a] <= scores[b] for a, b in itertools.pairwise(ordered))
    # the lowest values score 1; with distinct values every quintile holds about a fifth
    assert scores[min(data)] == 1
    if len(set(data)) == len(data) and len(data) >= 5:
        counts = [sum(1 for v in data if rules.quintile_score(v, cuts) == s) for s in range(1, 6)]
        assert max(counts) - min(counts) <= 1


@given(values)
def test_cut_points_are_percentile_disc(data):
    ordered = sorted(data)
    n = len(ordered)
    for p, cut in zip(rules.QUINTILE_POINTS, rules.quintile_cuts(data), strict=True):  # type: ignore[arg-type]
        # the first value whose cumulative share reaches p
        first = next(v for i, v in enumerate(ordered, 1) if i / n >= p or math.isclose(i / n, p))
        assert cut == first


@given(st.floats(min_value=0, max_value=2000), st.floats(min_value=0, max_value=2000))
def test_threshold_recency_never_rises_with_age(a, b):
    young, old = sorted((a, b))
    t = rules.DEFAULTS
    assert rules.recency_score(young, t) >= rules.recency_score(old, t)


@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100))
def test_threshold_frequency_never_falls_with_orders(a, b):
    few, many = sorted((a, b))
    for preset in rules.PRESETS.values():
        assert rules.frequency_score(few, preset) <= rules.frequency_score(many, preset)


def test_the_shipped_default_thresholds():
    t = rules.DEFAULTS
    assert [rules.recency_score(d, t) for d in (0, 7, 7.01, 30, 60, 90, 91)] == [5, 5, 4, 4, 3, 2, 1]
    assert [rules.frequency_score(n, t) for n in (1, 2, 3, 4, 6, 7, 10, 11)] == [1, 2, 2, 3, 3, 4, 4, 5]
    aov = Decimal("100")
    spends = ("49.99", "50", "99.99", "100", "199.99", "200", "499.99", "500")
    assert [rules.monetary_score(Decimal(s), aov, t) for s in spends] == [1, 2, 2, 3, 3, 4, 4, 5]
    assert rules.PRESETS["subscription"].recency_days[0] == 14


@given(
    st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=30),
    st.integers(min_value=7, max_value=3650),
    st.integers(min_value=-2000, max_value=4000),
)
def test_log_space_weights_equal_the_direct_sum_and_shift_together(ages, half_life, shift_days):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    times = [now - timedelta(days=a) for a in ages]
    exps = [rules.weight_exponent(t, half_life) for t in times]
    weighted = rules.rescale_to_now(rules.log_weighted_sum(exps), now, half_life)
    direct = sum(0.5 ** (a / half_life) for a in ages)
    assert math.isclose(weighted, direct, rel_tol=1e-9)
    # moving every order and "now" by the same time changes nothing once rescaled:
    # which is why stored sums never need rewriting as time passes
    moved = [t + timedelta(days=shift_days) for t in times]
    later = now + timedelta(days=shift_days)
    again = rules.rescale_to_now(
        rules.log_weighted_sum([rules.weight_exponent(t, half_life) for t in moved]), later, half_life
    )
    assert math.isclose(again, weighted, rel_tol=1e-9)


@given(st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=10))
def test_a_recent_order_outweighs_an_old_one(ages):
    """Ten orders three years ago weigh less than four this quarter (90-day half-life)."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    old = [rules.weight_exponent(now - timedelta(days=1095), 90)] * 10
    recent = [rules.weight_exponent(now - timedelta(days=a % 90), 90) for a in ages[:4]]
    if len(recent) == 4:
        assert rules.log_weighted_sum(recent) > rules.log_weighted_sum(old)


def test_invalid_configurations_are_named():
    def codes(**kw):
        config = rules.RfmConfig(**kw)
        return [(e.field, e.code) for e in rules.validate_config(config)]

    assert codes() == []
    bad = rules.Thresholds((7, 30, 30, 90), (1, 3, 6, 10), rules.DEFAULTS.monetary_ratios)
    assert codes(thresholds=bad) == [("recencyDays", "THRESHOLDS_NOT_INCREASING")]
    negative = rules.Thresholds((7, 30, 60, 90), (0, 3, 6, 10), rules.DEFAULTS.monetary_ratios)
    assert codes(thresholds=negative) == [("frequencyMax", "NEGATIVE_THRESHOLD")]
    short = rules.Thresholds((7, 30, 60), (1, 3, 6, 10), rules.DEFAULTS.monetary_ratios)  # type: ignore[arg-type]
    assert codes(thresholds=short) == [("recencyDays", "WRONG_THRESHOLD_COUNT")]
    assert codes(lookback_days=29) == [("lookbackDays", "LOOKBACK_OUT_OF_RANGE")]
    assert codes(lookback_days=3651) == [("lookbackDays", "LOOKBACK_OUT_OF_RANGE")]
    assert codes(half_life_days=6) == [("halfLifeDays", "HALF_LIFE_OUT_OF_RANGE")]
    assert codes(mode="deciles") == [("mode", "INVALID_MODE")]
    assert codes(preset="toys") == [("preset", "UNKNOWN_PRESET")]


@given(st.sampled_from(sorted(rules.PRESETS)))
def test_every_preset_is_valid(preset):
    assert rules.validate_config(rules.RfmConfig(mode="thresholds").with_preset(preset)) == []
