"""Pure rules of nudges: the z-test against known values, the variant choice (stable per
customer, shares following the weights), validation with named fields, text fallback."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalnest.contexts.analytics.rules import nudges as rules
from loyalnest.contexts.analytics.rules.nudges import VariantSpec
from loyalnest.platform.errors import ValidationFailed


def test_normal_cdf_matches_the_tables() -> None:
    assert rules.normal_cdf(0) == pytest.approx(0.5)
    assert rules.normal_cdf(1.959964) == pytest.approx(0.975, abs=1e-6)
    assert rules.normal_cdf(-1.644854) == pytest.approx(0.05, abs=1e-6)


def test_two_proportion_z_test_against_known_values() -> None:
    # statsmodels.stats.proportion.proportions_ztest([200, 250], [1000, 1000]): z = -2.6774, p = 0.007419
    assert rules.two_proportion_p_value(200, 1000, 250, 1000) == pytest.approx(0.007419, abs=2e-6)
    # symmetric in the two groups
    assert rules.two_proportion_p_value(250, 1000, 200, 1000) == pytest.approx(0.007419, abs=2e-6)
    # by hand: p = 0.09 vs 0.06, pooled 0.075, se = sqrt(0.075 * 0.925 * 2 / 500) = 0.0166583,
    # z = 0.03 / se = 1.80094, two-sided p = 2 * (1 - 0.964139) = 0.071719
    assert rules.two_proportion_p_value(45, 500, 30, 500) == pytest.approx(0.071719, abs=2e-6)
    # equal rates: no evidence at all
    assert rules.two_proportion_p_value(10, 100, 10, 100) == pytest.approx(1.0)
    # a huge difference keeps a tiny, positive p-value (erfc, not 1 - cdf)
    tiny = rules.two_proportion_p_value(900, 1000, 100, 1000)
    assert tiny is not None
    assert 0 < tiny < 1e-100


def test_z_test_is_undefined_without_data_or_variance() -> None:
    assert rules.two_proportion_p_value(0, 0, 5, 100) is None
    assert rules.two_proportion_p_value(0, 100, 0, 100) is None
    assert rules.two_proportion_p_value(100, 100, 50, 50) is None
    assert rules.significant(None) is False
    assert rules.significant(0.049) is True
    assert rules.significant(0.05) is False


@given(
    st.integers(1, 10**9),
    st.integers(1, 10**9),
    st.integers(1, 10**12),
    st.lists(st.integers(1, rules.MAX_WEIGHT), min_size=1, max_size=rules.MAX_VARIANTS),
)
@settings(max_examples=300, deadline=None)
def test_variant_choice_is_stable_and_always_a_live_variant(
    merchant_id: int, nudge_id: int, customer_id: int, weights: list[int]
) -> None:
    weighted = [(100 + i, w) for i, w in enumerate(weights)]
    first = rules.choose_variant(merchant_id, nudge_id, customer_id, weighted)
    assert first in {vid for vid, _ in weighted}
    # the same inputs, any number of times (and in any process: SHA-256, not hash())
    assert all(rules.choose_variant(merchant_id, nudge_id, customer_id, weighted) == first for _ in range(3))
    assert 0 <= rules.bucket(merchant_id, nudge_id, customer_id) < 1


def test_variant_shares_follow_the_weights() -> None:
    weighted = [(1, 50), (2, 30), (3, 20)]
    n = 20_000
    counts = Counter(rules.choose_variant(7, 42, customer, weighted) for customer in range(n))
    for variant_id, weight in weighted:
        expected = n * weight / 100
        # within 4 standard deviations of a binomial share
        sd = math.sqrt(n * (weight / 100) * (1 - weight / 100))
        assert abs(counts[variant_id] - expected) < 4 * sd, (variant_id, counts)


def test_choice_differs_between_nudges_so_tests_are_independent() -> None:
    weighted = [(1, 1), (2, 1)]
    same = sum(
        rules.choose_variant(7, 1, c, weighted) == rules.choose_variant(7, 2, c, weighted)
        for c in range(4000)
    )
    assert 1700 < same < 2300  # about half: the two nudges' splits are unrelated


def test_variants_are_validated_with_the_field_named() -> None:
    with pytest.raises(ValidationFailed) as error:
        rules.clean_variants([])
    assert error.value.field == "variants"
    with pytest.raises(ValidationFailed):
        rules.clean_variants([VariantSpec(name=f"v{i}", weight=1) for i in range(11)])
    with pytest.raises(ValidationFailed, match="weight"):
        rules.clean_variants([VariantSpec(name="a", weight=0)])
    with pytest.raises(ValidationFailed, match="control"):
        rules.clean_variants(
            [VariantSpec(name="a", weight=1, control=True), VariantSpec("b", 1, control=True)]
        )
    with pytest.raises(ValidationFailed, match="twice"):
        rules.clean_variants([VariantSpec(name="A", weight=1), VariantSpec(name="a", weight=1)])
    cleaned = rules.clean_variants([VariantSpec(name="A", weight=3), VariantSpec(name="B", weight=1)])
    assert [(v.name, v.control, v.position) for v in cleaned] == [("A", True, 0), ("B", False, 1)]


@pytest.mark.parametrize(
    "url",
    ["http://shop.example/x", "javascript:alert(1)", "//evil.example/x", "", "https://", "/a b", "ftp://x"],
)
def test_call_to_action_urls_are_https_or_paths(url: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        rules.check_url(url)
    assert error.value.field == "ctaUrl"


def test_good_urls_pass() -> None:
    assert (
        rules.check_url("https://shop.example/collections/sale?x=1")
        == "https://shop.example/collections/sale?x=1"
    )
    assert rules.check_url(" /collections/new ") == "/collections/new"


def test_texts_need_the_default_locale_and_fit_their_length() -> None:
    with pytest.raises(ValidationFailed, match="default locale"):
        rules.clean_texts([("fr", "Bonjour")], field="titles", max_length=10, required_locale="en")
    with pytest.raises(ValidationFailed, match="at most"):
        rules.clean_texts([("en", "x" * 11)], field="titles", max_length=10, required_locale="en")
    with pytest.raises(ValidationFailed, match="twice"):
        rules.clean_texts(
            [("fr_ca", "a"), ("fr-CA", "b")], field="titles", max_length=10, required_locale=None
        )
    assert rules.clean_texts([("EN", " Hi ")], field="t", max_length=10, required_locale="en") == {"en": "Hi"}


def test_text_falls_back_to_the_language_then_the_default_locale() -> None:
    texts = {"en": "Hi", "fr": "Salut", "pt-BR": "Oi"}
    assert rules.text_for(texts, "en", "fr-CA") == "Salut"
    assert rules.text_for(texts, "en", "pt-PT") == "Oi"
    assert rules.text_for(texts, "en", "de") == "Hi"
    assert rules.text_for(texts, "en", None) == "Hi"
    assert rules.text_for(texts, "en", "not a locale!") == "Hi"


def test_audiences() -> None:
    assert rules.check_audience("at_risk", None) is None
    assert rules.check_audience("segment", "custom:12") == "custom:12"
    assert rules.check_audience("segment", "champions") == "champions"
    for kind, segment, field in [
        ("segment", None, "segment"),
        ("segment", "vip", "segment"),
        ("loyal", "champions", "segment"),
        ("whales", None, "type"),
    ]:
        with pytest.raises(ValidationFailed) as error:
            rules.check_audience(kind, segment)
        assert error.value.field == field
    assert rules.audience_segments("at_risk", None) == ("at_risk", "cant_lose_them")
    assert rules.audience_segments("segment", "custom:3") == ("custom:3",)
    assert rules.custom_segment_id("custom:3") == 3
    assert rules.custom_segment_id("loyal") is None


def test_email_windows_are_30_days() -> None:
    assert rules.email_window(date(1970, 1, 1)) == 0
    assert rules.email_window(date(1970, 1, 30)) == 0
    assert rules.email_window(date(1970, 1, 31)) == 1
