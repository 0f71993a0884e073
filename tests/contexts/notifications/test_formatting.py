"""Locale formatting (Babel/CLDR) behind the template filters: numbers, money, dates and
times in a time zone, plural categories, the points name in its plural form, and the
JSON forms a stored delivery hands back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from loyalnest.contexts.notifications.formatting import Formatter, plural_categories
from loyalnest.contexts.notifications.registry import Money

NBSP = "\u00a0"
NNBSP = "\u202f"

POLISH = {"one": "punkt", "few": "punkty", "many": "punktów", "other": "punktu"}
RUSSIAN = {"one": "балл", "few": "балла", "many": "баллов", "other": "балла"}
ARABIC = {
    "zero": "نقطة-0",
    "one": "نقطة",
    "two": "نقطتان",
    "few": "نقاط",
    "many": "نقطة-كثير",
    "other": "نقطة-أخرى",
}


@pytest.mark.parametrize(
    ("locale", "value", "text"),
    [
        ("en", 1250, "1,250"),
        ("de", 1250, "1.250"),
        ("fr", 1250, f"1{NNBSP}250"),
        ("pl", 1250, f"1{NBSP}250"),
        ("pt-BR", Decimal("1234.5"), "1.234,5"),
        ("ja", 1250, "1,250"),
        ("en", "3450210", "3,450,210"),  # the JSON form
        ("en", 0, "0"),
    ],
)
def test_numbers_follow_the_locale(locale, value, text):
    assert Formatter(locale).number(value) == text


@pytest.mark.parametrize("value", ["abc", True, [1], "NaN", "Infinity"])
def test_a_value_that_is_not_a_number_is_refused(value):
    with pytest.raises(TypeError):
        Formatter("en").number(value)


@pytest.mark.parametrize(
    ("locale", "money", "text"),
    [
        ("en", Money(Decimal("10.00"), "USD"), "$10.00"),
        ("de", Money(Decimal("10.00"), "EUR"), f"10,00{NBSP}€"),
        ("ja", Money(Decimal("1000"), "JPY"), "￥1,000"),
        ("en", {"amount": "10.5", "currency": "usd"}, "$10.50"),  # the JSON form
    ],
)
def test_money_is_formatted_with_its_currency(locale, money, text):
    assert Formatter(locale).money(money) == text


def test_money_needs_a_currency():
    with pytest.raises(TypeError):
        Formatter("en").money(Decimal("10"))


def test_dates_are_medium_by_default_and_accept_the_other_widths():
    day = date(2027, 1, 15)
    assert Formatter("en").date(day) == "Jan 15, 2027"
    assert Formatter("de").date(day) == "15.01.2027"
    assert Formatter("ja").date(day) == "2027/01/15"
    assert Formatter("en").date(day, "long") == "January 15, 2027"
    assert Formatter("en").date("2027-01-15") == "Jan 15, 2027"
    with pytest.raises(ValueError, match="unknown format"):
        Formatter("en").date(day, "yyyy")


def test_a_datetime_shows_in_the_shop_time_zone_or_the_one_asked_for():
    moment = datetime(2026, 12, 24, 18, 30, tzinfo=UTC)
    assert Formatter("en").datetime(moment) == f"Dec 24, 2026, 6:30:00{NNBSP}PM"
    new_york = Formatter("en", timezone="America/New_York")
    assert new_york.datetime(moment) == f"Dec 24, 2026, 1:30:00{NNBSP}PM"
    assert new_york.datetime(moment, "Asia/Tokyo") == f"Dec 25, 2026, 3:30:00{NNBSP}AM"
    assert Formatter("de").datetime(moment) == "24.12.2026, 18:30:00"
    # the JSON form, and a naive time taken as UTC
    assert new_york.datetime("2026-12-24T18:30:00+00:00") == new_york.datetime(moment)
    assert new_york.datetime(datetime(2026, 12, 24, 18, 30)) == new_york.datetime(moment)
    with pytest.raises(ValueError, match="unknown time zone"):
        new_york.datetime(moment, "Mars/Olympus")


def test_the_date_of_a_moment_is_the_day_in_the_shop_time_zone():
    late = datetime(2026, 12, 24, 23, 30, tzinfo=UTC)
    assert Formatter("en").date(late) == "Dec 24, 2026"
    assert Formatter("en", timezone="Asia/Tokyo").date(late) == "Dec 25, 2026"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 punkt"),
        (2, "2 punkty"),
        (4, "4 punkty"),
        (5, "5 punktów"),
        (12, "12 punktów"),
        (22, "22 punkty"),
    ],
)
def test_polish_points_take_the_cldr_plural_form(n, text):
    assert Formatter("pl", points_names=POLISH).points(n) == text


def test_polish_fractions_use_the_other_form():
    assert Formatter("pl", points_names=POLISH).points(Decimal("1.5")) == "1,5 punktu"


@pytest.mark.parametrize(
    ("n", "word"), [(1, "балл"), (2, "балла"), (5, "баллов"), (11, "баллов"), (21, "балл")]
)
def test_russian_points(n, word):
    assert Formatter("ru", points_names=RUSSIAN).points(n) == f"{n} {word}"


@pytest.mark.parametrize(
    ("n", "category"), [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (11, "many"), (100, "other")]
)
def test_arabic_has_all_six_categories(n, category):
    formatter = Formatter("ar", points_names=ARABIC)
    assert formatter.category(n) == category
    assert formatter.points(n) == f"{n} {ARABIC[category]}"


def test_japanese_has_only_other_and_no_space_before_the_counter():
    formatter = Formatter("ja", points_names={"other": "ポイント"})
    assert {formatter.category(n) for n in (0, 1, 2, 5, 1250)} == {"other"}
    assert formatter.points(1250) == "1,250ポイント"


def test_english_points_default_to_point_and_points():
    assert Formatter("en").points(1) == "1 point"
    assert Formatter("en").points(1250) == "1,250 points"
    assert Formatter("en").points(0) == "0 points"


def test_a_missing_category_uses_other():
    # the shop named only the other form of its points
    assert Formatter("pl", points_names={"other": "Gwiazdki"}).points(1) == "1 Gwiazdki"


def test_plural_picks_the_form_for_the_number():
    pl = Formatter("pl")
    forms = {"one": "punkt", "few": "punkty", "many": "punktów", "other": "punktu"}
    assert [pl.plural(n, **forms) for n in (1, 3, 5)] == ["punkt", "punkty", "punktów"]
    # no few form given: other
    assert pl.plural(3, one="a", other="b") == "b"
    ja = Formatter("ja")
    assert ja.plural(1, one="a", other="b") == "b"


def test_plural_needs_other_and_known_categories():
    with pytest.raises(TypeError, match="other"):
        Formatter("en").plural(1, one="point")
    with pytest.raises(TypeError, match="severalish"):
        Formatter("en").plural(1, severalish="x", other="y")


@pytest.mark.parametrize(
    ("locale", "categories"),
    [
        ("en", {"one", "other"}),
        ("ja", {"other"}),
        ("pl", {"one", "few", "many", "other"}),
        ("ar", {"zero", "one", "two", "few", "many", "other"}),
    ],
)
def test_the_categories_of_a_locale(locale, categories):
    assert plural_categories(locale) == categories


def test_an_unknown_locale_formats_in_english():
    assert Formatter("xx").number(1250) == "1,250"
    assert Formatter("xx").locale == "xx"  # kept: the layout still says lang="xx"
