"""The custom-segment rule language: named errors with positions, canonical printing that
parses back to the same tree (property), no input that crashes the parser (property),
and the reference evaluation on hand-picked facts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS
from loyalnest.contexts.analytics.rules.segments.evaluation import (
    BLANK,
    CustomerFacts,
    can_match_unscored,
    matches,
)
from loyalnest.contexts.analytics.rules.segments.language import (
    MAX_RULE_LENGTH,
    And,
    Compare,
    Has,
    InList,
    Not,
    Or,
    Rule,
    RuleError,
    format_rule,
    from_json,
    local_conjuncts,
    parse_rule,
    to_json,
)
from loyalnest.contexts.analytics.rules.segments.names import LOCALES, SEGMENT_NAMES, segment_name

OPS = ("=", "!=", "<", "<=", ">", ">=")

scores = st.integers(1, 5)
amounts = st.integers(-(10**6), 10**9)
texts = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != "")


def _condition() -> st.SearchStrategy[Rule]:
    score_field = st.sampled_from(("r", "f", "m"))
    amount_field = st.sampled_from(("points_balance", "lifetime_points", "last_order_days"))
    return st.one_of(
        st.builds(Compare, score_field, st.sampled_from(OPS), scores),
        st.builds(Compare, amount_field, st.sampled_from(OPS), amounts),
        st.builds(Compare, st.just("segment"), st.sampled_from(("=", "!=")), st.sampled_from(SEGMENTS)),
        st.builds(Compare, st.just("tier"), st.sampled_from(("=", "!=")), texts),
        st.builds(InList, score_field, st.lists(scores, min_size=1, max_size=4).map(tuple)),
        st.builds(InList, amount_field, st.lists(amounts, min_size=1, max_size=4).map(tuple)),
        st.builds(
            InList, st.just("segment"), st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map(tuple)
        ),
        st.builds(InList, st.just("tier"), st.lists(texts, min_size=1, max_size=3).map(tuple)),
        st.builds(Has, texts.map(str.lower).filter(lambda s: s.strip() != "" and s.lower() == s)),
    )


rules: st.SearchStrategy[Rule] = st.recursive(
    _condition(),
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=12,
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(rules)
def test_printing_parses_back_to_the_same_tree(rule: Rule) -> None:
    printed = format_rule(rule)
    assume(len(printed) <= MAX_RULE_LENGTH)
    assert parse_rule(printed) == rule
    assert from_json(to_json(rule)) == rule
    assert format_rule(parse_rule(printed)) == printed


TOKENS = st.sampled_from(
    ["r", "f", "m", "segment", "tier", "tags", "has", "in", "and", "or", "not", "(", ")", ",", "=", "!=",
     "<", "<=", ">", ">=", "!", "5", "-3", "0", '"x"', '"', "\\", "champions", "points_balance", "1a", " "]
)  # fmt: skip


@settings(max_examples=600)
@given(st.one_of(st.text(max_size=80), st.lists(TOKENS, max_size=25).map(" ".join)))
def test_bad_input_never_crashes(source: str) -> None:
    try:
        rule = parse_rule(source)
    except RuleError as error:
        refused: RuleError | None = error
    else:
        refused = None
        assert parse_rule(format_rule(rule)) == rule
    if refused is not None:
        assert 0 <= refused.position <= max(len(source), MAX_RULE_LENGTH)
        assert refused.code
        assert str(refused)


@pytest.mark.parametrize(
    ("source", "code", "position"),
    [
        ("", "empty", 0),
        ("r >= 6", "bad_value", 5),
        ("spend > 5", "unknown_field", 0),
        ("r >", "unexpected_end", 3),
        ("(r = 1", "unexpected_end", 6),
        ("r = 1)", "unexpected_token", 5),
        ('tier < "Gold"', "bad_operator", 5),
        ('tier = "Gold', "unterminated_string", 7),
        ("r ! 1", "unexpected_character", 2),
        ("segment = vip", "bad_value", 10),
        ("tags = vip", "unexpected_token", 5),
        ("r = 1 r = 2", "unexpected_token", 6),
        ("points_balance = 12abc", "unexpected_character", 17),
        ("r in ()", "unexpected_token", 6),
        ("(" * 100 + "r = 1" + ")" * 100, "too_deep", 32),
        ("not " * 5000 + "r = 1", "too_long", MAX_RULE_LENGTH),
        ("not " * 40 + "r = 1", "too_deep", 128),
        ("r = 1 @", "unexpected_character", 6),
    ],
)
def test_named_errors_with_positions(source: str, code: str, position: int) -> None:
    with pytest.raises(RuleError) as raised:
        parse_rule(source)
    assert (raised.value.code, raised.value.position) == (code, position)
    assert f"(at character {position + 1})" in str(raised.value)


def test_keywords_fields_and_segments_are_case_insensitive_and_canonical() -> None:
    rule = parse_rule('R >= 4 AND Segment IN (Champions, "LOYAL") Or NOT Tags HAS "VIP" and tier = Gold')
    assert format_rule(rule) == (
        'r >= 4 and segment in ("champions", "loyal") or not tags has "vip" and tier = "Gold"'
    )
    assert parse_rule("r = 1 and (f = 2 and m = 3)") == And(
        (Compare("r", "=", 1), And((Compare("f", "=", 2), Compare("m", "=", 3))))
    )


def test_reference_evaluation() -> None:
    facts = CustomerFacts(
        r=4, f=2, m=5, segment="loyal", last_order_days=12, tier="Gold", points_balance=700,
        lifetime_points=900, tags=frozenset({"vip"}),
    )  # fmt: skip
    assert matches(parse_rule('r >= 4 and tier = "GOLD" and tags has "VIP"'), facts)
    assert matches(parse_rule("segment in (loyal, champions) and points_balance > 500"), facts)
    assert not matches(parse_rule("last_order_days > 30 or f in (3, 4)"), facts)
    # missing facts make comparisons false, and not turns that into true
    assert not matches(parse_rule("r >= 1"), BLANK)
    assert matches(parse_rule("not r >= 1"), BLANK)
    assert not matches(parse_rule('tier != "Gold"'), BLANK)
    assert matches(parse_rule("segment = other and points_balance = 0"), BLANK)


def test_segment_names_in_every_shipped_locale_with_fallback() -> None:
    assert len(LOCALES) == 22
    assert set(SEGMENT_NAMES) == set(LOCALES)
    for locale in LOCALES:
        names = [segment_name(slug, locale) for slug in SEGMENTS]
        assert all(names)
        assert len(set(names)) >= 11
        if locale != "en":
            assert names != [segment_name(slug, "en") for slug in SEGMENTS]
    assert segment_name("at_risk", "pt-BR") == "Em risco"
    assert segment_name("lost", "zh_cn") == "已流失"
    assert segment_name("loyal", "de-AT") == "Treue Kunden"
    assert segment_name("champions", "xx-YY") == "Champions"
    assert segment_name("other", None) == "Other"
    assert segment_name("cant_lose_them", "not a tag!") == "Can't Lose Them"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("r >= 4", False),
        ("not r >= 4", True),
        ('segment = champions and tags has "vip"', False),
        ('segment = other and tags has "vip"', True),
        ('tags has "vip"', True),
        ('r >= 4 or tier = "Gold"', True),
        ("last_order_days < 30 or (f = 1 and points_balance > 5)", False),
        ("not (r = 5 and points_balance > 5)", True),
    ],
)
def test_which_rules_can_match_customers_without_scores(source: str, expected: bool) -> None:
    assert can_match_unscored(parse_rule(source)) is expected


@settings(max_examples=300)
@given(rules, st.sets(st.text(max_size=3), max_size=2), st.integers(-5, 900), st.sampled_from((None, "Gold")))
def test_a_rule_that_cannot_match_unscored_never_does(
    rule: Rule, tags: set[str], balance: int, tier: str | None
) -> None:
    unscored = CustomerFacts(tags=frozenset(t.lower() for t in tags), points_balance=balance, tier=tier)
    if not can_match_unscored(rule):
        assert not matches(rule, unscored)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("r >= 4 or m = 1", "r >= 4 or m = 1"),
        ('segment = champions and tags has "vip" and f > 2', 'segment = "champions" and f > 2'),
        ('r = 5 and (tier = "Gold" or f = 1)', "r = 5"),
        ('tags has "vip" or r = 5', None),
        ('not (tags has "vip" and r = 5)', None),
    ],
)
def test_rfm_conjuncts_a_refresh_can_filter_on_in_sql(source: str, expected: str | None) -> None:
    local = local_conjuncts(parse_rule(source))
    assert (None if local is None else format_rule(local)) == expected


@settings(max_examples=300)
@given(rules, st.integers(1, 5), st.integers(1, 5), st.sampled_from(SEGMENTS), st.integers(0, 400))
def test_a_match_always_meets_its_rfm_conjuncts(rule: Rule, r: int, f: int, segment: str, days: int) -> None:
    facts = CustomerFacts(r=r, f=f, m=r, segment=segment, last_order_days=days, tags=frozenset({"a"}))
    local = local_conjuncts(rule)
    if local is not None and matches(rule, facts):
        assert matches(local, facts)
