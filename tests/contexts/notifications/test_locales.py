"""The shipped locales, how a customer's tag is normalised, the fallback chain a message
follows to find its template, and which locales are written right to left — checked
against Babel's CLDR data so the list cannot drift from what formatting uses."""

from __future__ import annotations

import pytest

from loyalnest.contexts.notifications import locales
from loyalnest.contexts.notifications.formatting import babel_locale

# the list
PROMISED = [
    "en", "es", "de", "ja", "fr", "pt", "ru", "it", "nl", "pl", "tr",
    "fa", "zh-CN", "vi", "id", "cs", "ar", "ko", "uk", "hu", "sv", "he",
]  # fmt: skip


def test_the_22_promised_locales_are_shipped_once_each():
    assert len(locales.LOCALES) == 22
    assert len(set(locales.LOCALES)) == 22
    assert set(locales.LOCALES) == set(PROMISED)
    assert all(locales.is_shipped(tag) for tag in PROMISED)
    assert not locales.is_shipped("pt-BR")


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("pt_br", "pt-BR"),
        ("PT-br", "pt-BR"),
        ("zh-cn", "zh-CN"),
        ("zh_CN", "zh-CN"),
        (" de ", "de"),
        ("EN", "en"),
        ("es-419", "es-419"),
        ("zh-Hans-CN", "zh-Hans-CN"),
        ("fil", "fil"),
        ("", None),
        (None, None),
        ("1x", None),
        ("e", None),
        ("english", None),
        ("-", None),
    ],
)
def test_tags_are_normalized_as_we_compare_them(raw, normalized):
    assert locales.normalize(raw) == normalized


@pytest.mark.parametrize(
    ("customer", "shop", "chain"),
    [
        ("pt-BR", "de", ["pt-BR", "pt", "de", "en"]),
        ("pt_br", "de", ["pt-BR", "pt", "de", "en"]),
        ("pt-BR", "pt-PT", ["pt-BR", "pt", "pt-PT", "en"]),
        ("fr", "fr", ["fr", "en"]),
        ("en-GB", "en", ["en-GB", "en"]),
        ("zh-cn", None, ["zh-CN", "zh", "en"]),
        (None, "fr-CA", ["fr-CA", "fr", "en"]),
        (None, None, ["en"]),
        ("", "es", ["es", "en"]),
        ("??", "es", ["es", "en"]),
        ("ar-EG", "he", ["ar-EG", "ar", "he", "en"]),
    ],
)
def test_the_fallback_chain_goes_customer_language_shop_then_english(customer, shop, chain):
    assert locales.fallback_chain(customer, shop) == chain


def test_the_chain_has_no_duplicates_and_always_reaches_english():
    for customer in (None, "en", "en-US", "pt-BR", "ja"):
        for shop in (None, "en", "pt-BR", "de"):
            chain = locales.fallback_chain(customer, shop)
            assert len(chain) == len(set(chain))
            assert "en" in chain
            if customer is not None:
                assert chain[0] == customer
    # an English customer of a Brazilian shop reads English first
    assert locales.fallback_chain("en", "pt-BR") == ["en", "pt-BR", "pt"]


@pytest.mark.parametrize("tag", ["ar", "he", "fa", "ar-EG", "fa-IR", "he-IL"])
def test_arabic_hebrew_and_persian_are_right_to_left(tag):
    assert locales.is_rtl(tag)


@pytest.mark.parametrize("tag", ["en", "de", "ja", "zh-CN", "pt-BR", "tr", "ru"])
def test_other_shipped_locales_are_left_to_right(tag):
    assert not locales.is_rtl(tag)


@pytest.mark.parametrize("tag", locales.LOCALES)
def test_every_shipped_locale_is_known_to_babel_with_its_own_direction(tag):
    parsed = babel_locale(tag)
    # a real locale of that language, not the English fallback
    assert parsed.language == locales.language(tag)
    assert (parsed.text_direction == "rtl") == locales.is_rtl(tag)


@pytest.mark.parametrize(
    ("tag", "babel"),
    [
        ("zh-CN", {"zh_Hans_CN", "zh_CN"}),
        ("pt-BR", {"pt_BR"}),
        ("he", {"he"}),
        ("fa", {"fa"}),
        ("es-419", {"es_419"}),
        ("iw", {"he_IL", "he"}),  # the old code for Hebrew, still sent by some browsers
        ("pt_br", {"pt_BR"}),
    ],
)
def test_our_tags_parse_as_babel_locales(tag, babel):
    assert str(babel_locale(tag)) in babel


@pytest.mark.parametrize("tag", ["xx", "xx-YY", "", None, "not a tag"])
def test_a_tag_babel_does_not_know_formats_in_english(tag):
    assert str(babel_locale(tag)) == "en"


def test_an_unknown_region_keeps_its_language():
    assert babel_locale("de-XX").language == "de"
