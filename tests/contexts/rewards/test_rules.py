"""The pure rules of the rewards context: locales and titles, reward terms, windows,
the code format."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalnest.contexts.rewards import rules
from loyalnest.platform.errors import ValidationFailed

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-us", "en-US"),
        ("en_GB", "en-GB"),
        (" pt-br ", "pt-BR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("fil", "fil"),
        ("de-CH-1996", "de-CH-1996"),
    ],
)
def test_locales_are_normalised(raw, expected):
    assert rules.normalise_locale(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "e", "english", "en-", "-en", "en--US", "en US", "en-US!", "12", "en-\x00", "a" * 40, "ü"]
)
def test_things_that_are_not_locale_tags_are_refused(raw):
    with pytest.raises(ValidationFailed) as error:
        rules.normalise_locale(raw, field="defaultLocale")
    assert error.value.field == "defaultLocale"


def test_titles_are_cleaned_and_the_default_must_have_one():
    default, titles = rules.clean_titles([("EN", " Ten off "), ("fr-ca", "Dix de rabais")], "en")
    assert default == "en"
    assert titles == {"en": "Ten off", "fr-CA": "Dix de rabais"}


@pytest.mark.parametrize(
    ("titles", "default", "field", "message"),
    [
        ([], "en", "titles", "at least one title"),
        ([("en", "A"), ("EN", "B")], "en", "titles", "two titles for locale en"),
        ([("en", "   ")], "en", "titles", "1-255 characters"),
        ([("en", "x" * 256)], "en", "titles", "1-255 characters"),
        ([("en", "bad\x00title")], "en", "titles", "control characters"),
        ([("en", "bad\ntitle")], "en", "titles", "control characters"),
        ([("fr", "Dix")], "en", "defaultLocale", "no title for the default locale en"),
        ([("en", "Ten")], "english", "defaultLocale", "not a locale tag"),
        ([("e n", "Ten")], "en", "titles", "not a locale tag"),
        ([(f"x{i:02d}", "t") for i in range(51)], "x00", "titles", "at most 50"),
    ],
)
def test_bad_titles_are_refused(titles, default, field, message):
    with pytest.raises(ValidationFailed) as error:
        rules.clean_titles(titles, default)
    assert (error.value.field, message in error.value.message) == (field, True), error.value.message


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (None, "Ten off"),
        ("en", "Ten off"),
        ("fr-CA", "Dix (Canada)"),
        ("fr-ca", "Dix (Canada)"),
        ("fr-BE", "Dix"),  # the language
        ("fr", "Dix"),
        ("pt-PT", "Dez (Brasil)"),  # same language, other region
        ("de", "Ten off"),  # the default
        ("not a locale", "Ten off"),
        ("", "Ten off"),
    ],
)
def test_title_falls_back_to_the_language_then_the_default(locale, expected):
    titles = {"en": "Ten off", "fr": "Dix", "fr-CA": "Dix (Canada)", "pt-BR": "Dez (Brasil)"}
    assert rules.title_for(titles, "en", locale) == expected


def _terms(**changes):
    base = {
        "kind": "fixed_amount",
        "points_cost": 500,
        "value": Decimal("5"),
        "variant_gid": None,
        "minimum_order_amount": None,
        "usage_limit_per_customer": None,
        "starts_at": None,
        "ends_at": None,
        "code_validity_days": 30,
    }
    return rules.Terms(**{**base, **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"kind": "percentage", "value": Decimal("100")},
        {"kind": "percentage", "value": Decimal("12.5")},
        {"kind": "free_shipping", "value": None},
        {"kind": "free_product", "value": None, "variant_gid": "gid://shopify/ProductVariant/1"},
        {"minimum_order_amount": Decimal("25.00"), "usage_limit_per_customer": 3},
        {"starts_at": NOW, "ends_at": NOW + timedelta(days=1), "code_validity_days": 365},
        {"points_cost": rules.MAX_POINTS_COST},
    ],
)
def test_valid_terms(changes):
    rules.check_terms(_terms(**changes))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"points_cost": 0}, "pointsCost"),
        ({"points_cost": -5}, "pointsCost"),
        ({"points_cost": rules.MAX_POINTS_COST + 1}, "pointsCost"),
        ({"value": None}, "value"),
        ({"value": Decimal("0")}, "value"),
        ({"value": Decimal("-1")}, "value"),
        ({"value": Decimal("1.005")}, "value"),
        ({"value": Decimal("NaN")}, "value"),
        ({"value": Decimal("1e12")}, "value"),
        ({"kind": "percentage", "value": Decimal("100.01")}, "value"),
        ({"kind": "free_shipping", "value": Decimal("5")}, "value"),
        ({"kind": "free_product", "value": None}, "productVariantId"),
        (
            {"kind": "free_product", "value": None, "variant_gid": "gid://shopify/Product/1"},
            "productVariantId",
        ),
        ({"kind": "free_product", "value": None, "variant_gid": "123"}, "productVariantId"),
        ({"variant_gid": "gid://shopify/ProductVariant/1"}, "productVariantId"),
        ({"minimum_order_amount": Decimal("0")}, "minimumOrderAmount"),
        ({"minimum_order_amount": Decimal("9.999")}, "minimumOrderAmount"),
        ({"usage_limit_per_customer": 0}, "usageLimitPerCustomer"),
        ({"usage_limit_per_customer": 1001}, "usageLimitPerCustomer"),
        ({"starts_at": NOW, "ends_at": NOW}, "endsAt"),
        ({"starts_at": NOW + timedelta(days=1), "ends_at": NOW}, "endsAt"),
        ({"starts_at": datetime(2026, 1, 1)}, "startsAt"),  # no time zone
        ({"code_validity_days": 0}, "codeValidityDays"),
        ({"code_validity_days": 366}, "codeValidityDays"),
    ],
)
def test_invalid_terms_name_their_field(changes, field):
    with pytest.raises(ValidationFailed) as error:
        rules.check_terms(_terms(**changes))
    assert error.value.field == field


def test_availability_follows_archive_and_window():
    day = timedelta(days=1)
    assert rules.unavailable_reason(None, None, None, NOW) is None
    assert rules.unavailable_reason(None, NOW - day, NOW + day, NOW) is None
    assert rules.unavailable_reason(None, NOW, None, NOW) is None  # starts inclusive
    assert "archived" in rules.unavailable_reason(NOW, None, None, NOW)
    assert "not available yet" in rules.unavailable_reason(None, NOW + day, None, NOW)
    assert "no longer available" in rules.unavailable_reason(None, None, NOW, NOW)  # ends exclusive


def test_codes_are_random_and_well_formed():
    codes = {rules.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"LN-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code) for code in codes)
    assert rules.points_short(30, 100) == 70
    assert rules.points_short(130, 100) == 0
