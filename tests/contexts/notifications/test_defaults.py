"""The shipped default templates: every type x channel x locale exists, is complete for
its channel, uses only its type's variables, renders with the samples (and the other
branches: tier down, failed redemption, no birthday points...), is a translation rather
than an English copy, and SMS texts fit the size bound below."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from babel import Locale
from jinja2 import Environment, meta

from loyalnest.contexts.notifications import defaults, registry, rendering
from loyalnest.contexts.notifications.locales import LOCALES, RTL
from loyalnest.contexts.notifications.rendering import Branding, Draft

BRANDING = Branding(sender_name="Maple & Moss", reply_to=None, logo_url=None, primary_color="#0F766E")

CUSTOMER_TYPES = [name for name, t in registry.TYPES.items() if t.audience == "customer"]

COMBINATIONS = [
    (type_name, channel, locale)
    for type_name, message_type in registry.TYPES.items()
    for channel in message_type.channels
    for locale in LOCALES
]

# Values beside the registry samples that take the templates' other branches.
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "points_earned": [{"points": 1, "customer_first_name": ""}],
    "points_expiring": [{"points": 1}, {"points": 2}, {"points": 5}],
    "reward_issued": [{"value": None}],
    "points_returned": [{"reason": "failed"}, {"points": 1}],
    "tier_changed": [
        {"direction": "down"},
        {"direction": "down", "tier_name": "", "perks": []},
        {"previous_tier_name": ""},
    ],
    "birthday": [{"points": 0}, {"points": 1}],
    "import_finished": [{"errors": 0}],
    # a guest (no name, no balance: how invites and welcome codes are sent), no advocate name
    "referral_invite": [{"advocate_first_name": "", "customer_first_name": "", "points_balance": 0}],
    "referral_friend_code": [{"customer_first_name": "", "points_balance": 0, "unsubscribe_url": ""}],
    "referral_rewarded": [
        {"points": 0, "reward_title": "$10 off your next order"},
        {"friend_first_name": ""},
        {"points": 1},
    ],
    # the privacy types: a data request (no points lost), an erasure of 1 point, no name;
    # the staff ones' other sources and request types
    "privacy_request_confirm": [
        {"request_type": "data_request", "points_forfeited": 0},
        {"points_forfeited": 1, "customer_first_name": ""},
    ],
    "privacy_data_request_ready": [{"source": "storefront"}],
    "privacy_request_overdue": [{"request_type": "customer_redact"}, {"request_type": "shop_redact"}],
}

# SMS bound: one GSM-7 segment (160 septets; the extension characters count two) when
# the text is GSM-7, else two concatenated UCS-2 segments of 67 characters (134: 70 per
# segment minus the 3 the concatenation header takes). Measured with the registry samples.
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SMS_GSM7_LIMIT = 160
SMS_UCS2_LIMIT = 2 * 67


def sms_size(text: str) -> tuple[str, int, int]:
    """(encoding, size in its units, limit)."""
    if all(c in GSM7 or c in GSM7_EXTENSION for c in text):
        return "gsm7", sum(2 if c in GSM7_EXTENSION else 1 for c in text), SMS_GSM7_LIMIT
    return "ucs2", len(text.encode("utf-16-le")) // 2, SMS_UCS2_LIMIT


def draft(type_name: str, channel: str, locale: str) -> Draft:
    found = defaults.default_draft(type_name, channel, locale)
    assert found is not None, f"no default for {type_name}/{channel}/{locale}"
    return found


def fields(d: Draft) -> Iterator[tuple[str, str]]:
    for name in ("subject", "html", "text"):
        value = getattr(d, name)
        if value is not None:
            yield name, value


def variable_sets(type_name: str) -> list[dict[str, Any]]:
    message_type = registry.get(type_name)
    samples = rendering.sample_variables(message_type)
    return [samples] + [{**samples, **variant} for variant in VARIANTS.get(type_name, [])]


def render(type_name: str, channel: str, locale: str, variables: dict[str, Any]) -> rendering.Rendered:
    return rendering.render(
        registry.get(type_name),
        channel,
        draft(type_name, channel, locale),
        locale=locale,
        variables=variables,
        branding=BRANDING,
        timezone="America/Toronto",
        # what the shipped templates say, not how fast a busy test machine renders them
        # (tests/contexts/notifications/test_rendering.py times renders)
        timeout=5.0,
    )


# --- presence and shape ----------------------------------------------------------------


@pytest.mark.parametrize(("type_name", "channel", "locale"), COMBINATIONS)
def test_every_type_channel_and_locale_has_a_complete_default(
    type_name: str, channel: str, locale: str
) -> None:
    d = draft(type_name, channel, locale)
    if channel == "email":
        assert d.subject
        assert d.subject.strip()
        assert d.html
        assert d.text
        assert "<html" not in d.html.lower()
        assert "<body" not in d.html.lower()
        url = "shop_url" if registry.get(type_name).audience == "customer" else "dashboard_url"
        phrases = defaults.phrases(locale)
        assert phrases is not None
        url = phrases["types"][type_name].get("button_url", url)  # an invite's button is its link
        assert f'href="{{{{ {url} }}}}"' in d.html  # the button
        assert f": {{{{ {url} }}}}" in d.text
        if "code" in {v.name for v in registry.get(type_name).variables}:
            assert "{{ code }}" in d.html
            assert "{{ code }}" in d.text
    else:
        assert d.subject is None
        assert d.html is None
        assert d.text
        assert "{{ shop_name }}" in d.text


def test_no_default_outside_the_shipped_set() -> None:
    assert defaults.default_draft("rate_limit_alert", "sms", "en") is None  # email-only type
    assert defaults.default_draft("points_earned", "email", "pt-BR") is None  # the caller falls back
    assert defaults.default_draft("points_earned", "email", "xx") is None
    assert defaults.default_draft("no_such_type", "email", "en") is None
    assert defaults.default_draft("points_earned", "push", "en") is None


def test_every_locale_module_has_exactly_the_registry_types() -> None:
    for locale in LOCALES:
        phrases = defaults.phrases(locale)
        assert phrases is not None, locale
        assert set(phrases["types"]) == set(registry.TYPES), locale


PLACEHOLDER = re.compile(r"\{[^}]*\}")


def test_every_locale_has_the_unsubscribe_page_topics_and_reasons() -> None:
    for locale in LOCALES:
        phrases = defaults.phrases(locale)
        assert phrases is not None, locale
        page = phrases["unsubscribe_page"]
        assert set(page) == set(defaults.UNSUBSCRIBE_PAGE_KEYS), locale
        # one topic per customer type (staff messages have no unsubscribe link)
        assert set(phrases["topics"]) == set(CUSTOMER_TYPES), locale
        assert set(phrases["reasons"]) == {*defaults.EARN_TRIGGERS, "purchase"}, locale
        for key, words in [*page.items(), *phrases["topics"].items(), *phrases["reasons"].items()]:
            assert isinstance(words, str), (locale, key)
            assert words.strip() == words, (locale, key)
            assert words, (locale, key)
            assert "<" not in words, (locale, key)  # plain text: the page and the renderer escape
            assert "{{" not in words, (locale, key)
        for key in ("question", "done"):
            assert sorted(PLACEHOLDER.findall(page[key])) == ["{channel}", "{topic}"], (locale, key)
        for key in UNSUBSCRIBE_PLAIN_KEYS:
            assert PLACEHOLDER.findall(page[key]) == [], (locale, key)
        assert PLACEHOLDER.findall(phrases["reasons"]["order"]) == ["{number}"], locale
        for trigger, words in phrases["reasons"].items():
            if trigger != "order":
                assert PLACEHOLDER.findall(words) == [], (locale, trigger)
        assert all(PLACEHOLDER.findall(t) == [] for t in phrases["topics"].values()), locale


UNSUBSCRIBE_PLAIN_KEYS = ("title", "button", "done_title", "refused_title", "refused", "email", "sms", "any")


def test_the_unsubscribe_words_fall_back_like_the_templates() -> None:
    assert defaults.unsubscribe_page("de-AT") == defaults.unsubscribe_page("de")
    assert defaults.unsubscribe_page("zh-cn") == defaults.unsubscribe_page("zh-CN")
    assert defaults.unsubscribe_page("xx") == defaults.unsubscribe_page("en")
    assert defaults.unsubscribe_page("") == defaults.unsubscribe_page("en")
    assert defaults.topic("pt-BR", "birthday") == defaults.topic("pt", "birthday")
    # a staff type or an unknown one: "these messages"
    assert defaults.topic("de", "weekly_summary") == "diese Nachrichten"
    assert defaults.topic("de", None) == "diese Nachrichten"
    assert defaults.topic("en", "no_such_type") == "these messages"


# --- variables, check and render --------------------------------------------------------


@pytest.mark.parametrize(("type_name", "channel", "locale"), COMBINATIONS)
def test_defaults_pass_the_template_check(type_name: str, channel: str, locale: str) -> None:
    assert rendering.check(registry.get(type_name), channel, draft(type_name, channel, locale)) == []


@pytest.mark.parametrize(("type_name", "channel", "locale"), COMBINATIONS)
def test_defaults_use_only_declared_variables(type_name: str, channel: str, locale: str) -> None:
    # independent of rendering.check: Jinja's own list of the names a template reads
    declared = {v.name for v in registry.get(type_name).all_variables} | {"plural"}
    env = Environment()
    env.filters.update(dict.fromkeys(rendering.OUR_FILTERS, str))  # meta compiles the filters it meets
    for name, source in fields(draft(type_name, channel, locale)):
        used = meta.find_undeclared_variables(env.parse(source))
        assert used <= declared, f"{type_name}/{channel}/{locale} {name}: {sorted(used - declared)}"


@pytest.mark.parametrize(("type_name", "channel", "locale"), COMBINATIONS)
def test_defaults_render_with_samples_and_every_branch(type_name: str, channel: str, locale: str) -> None:
    for variables in variable_sets(type_name):
        out = render(type_name, channel, locale, variables)
        for part in (out.subject, out.html, out.text):
            if part is not None:
                assert "{{" not in part
                assert "{%" not in part
                assert "}}" not in part
        assert out.text.strip()
        if channel == "email":
            assert out.subject
            assert out.html
            assert "\n" not in out.subject
            if "code" in variables:
                assert variables["code"] in out.html
                assert variables["code"] in out.text
            if locale in RTL:
                assert 'dir="rtl"' in out.html


def test_branches_change_the_message() -> None:
    for locale in LOCALES:
        samples = rendering.sample_variables(registry.get("tier_changed"))
        up = render("tier_changed", "email", locale, samples)
        down = render("tier_changed", "email", locale, {**samples, "direction": "down"})
        ended = render("tier_changed", "email", locale, {**samples, "direction": "down", "tier_name": ""})
        assert len({up.subject, down.subject}) == 2, locale
        assert len({up.text, down.text, ended.text}) == 3, locale
        assert "Free shipping" in up.text
        assert "Double points in December" in up.html
        samples = rendering.sample_variables(registry.get("points_returned"))
        unused = render("points_returned", "sms", locale, samples)
        failed = render("points_returned", "sms", locale, {**samples, "reason": "failed"})
        assert unused.text != failed.text, locale
        samples = rendering.sample_variables(registry.get("birthday"))
        with_points = render("birthday", "sms", locale, samples)
        without = render("birthday", "sms", locale, {**samples, "points": 0})
        assert len(without.text) < len(with_points.text), locale


def test_reward_code_expiring_says_the_points_come_back() -> None:
    # the promise needs the points in every part a customer may read
    for locale in LOCALES:
        for channel in ("email", "sms"):
            for name, source in fields(draft("reward_code_expiring", channel, locale)):
                if name != "subject":
                    assert "points_spent|points" in source, (locale, channel, name)


def test_points_are_written_with_the_points_filter() -> None:
    # a bare {{ points }} would print "5" without the word in its plural form
    for type_name, channel, locale in COMBINATIONS:
        for name, source in fields(draft(type_name, channel, locale)):
            for variable in ("points", "points_spent", "points_balance"):
                assert "{{ " + variable + " }}" not in source, (type_name, channel, locale, name)


# --- translations ------------------------------------------------------------------------


def leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            if name != "button_url":  # a variable's name, not words
                yield from leaves(item)
    elif isinstance(value, tuple):  # (condition variable, paragraph)
        yield from leaves(value[1])
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)


TEMPLATE_PARTS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]+>")


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != "en"])
def test_translations_are_not_english_copies(locale: str) -> None:
    for type_name, message_type in registry.TYPES.items():
        for channel in message_type.channels:
            en = draft(type_name, channel, "en")
            for name, source in fields(draft(type_name, channel, locale)):
                assert source != getattr(en, name), (type_name, channel, locale, name)
    # no English phrase survives anywhere in the locale's table (markers aside: "@code")
    english = {
        phrase
        for phrase in leaves(defaults.phrases("en"))
        if not phrase.startswith("@") and re.search(r"[A-Za-z]{3}", TEMPLATE_PARTS.sub("", phrase))
    }
    translated = defaults.phrases(locale)
    assert translated is not None
    copies = [phrase for phrase in leaves(translated["types"]) if phrase in english]
    copies += [
        translated[key]
        for key in ("hello", "balance", "code_label", "shop_button")
        if translated[key] in english
    ]
    assert copies == []
    assert defaults.footer(locale) != defaults.footer("en")
    assert defaults.unsubscribe_label(locale) != defaults.unsubscribe_label("en")
    # the unsubscribe page's sentences and the topics (single words such as "SMS" or
    # "Bonus" may be the same word in another language)
    page, en_page = defaults.unsubscribe_page(locale), defaults.unsubscribe_page("en")
    for key in ("question", "done", "done_title", "refused_title", "refused"):
        assert page[key] != en_page[key], (locale, key)
    for type_name in CUSTOMER_TYPES:
        assert defaults.topic(locale, type_name) != defaults.topic("en", type_name), (locale, type_name)
    assert defaults.earn_reason(locale, "order", "7") != defaults.earn_reason("en", "order", "7")


def test_footer_and_unsubscribe_label() -> None:
    for locale in LOCALES:
        footer, label = defaults.footer(locale), defaults.unsubscribe_label(locale)
        assert footer.strip()
        assert label.strip()
        assert "{" not in footer
        assert "<" not in footer
    assert defaults.footer("xx") == defaults.footer("en")
    assert defaults.unsubscribe_label("pt-BR") == defaults.unsubscribe_label("en")  # exact locales only


# --- points names ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_points_name_covers_the_locale_plural_categories(locale: str) -> None:
    names = defaults.points_name(locale)
    needed = set(Locale.parse(locale.replace("-", "_")).plural_form.tags) | {"other"}
    assert needed <= set(names), sorted(needed - set(names))
    assert all(word.strip() for word in names.values())


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("en", 1, "1 point"),
        ("en", 1250, "1,250 points"),
        ("pl", 1, "1 punkt"),
        ("pl", 2, "2 punkty"),
        ("pl", 5, "5 punktów"),
        ("pl", 22, "22 punkty"),
        ("ru", 21, "21 балл"),
        ("ru", 3, "3 балла"),
        ("ru", 11, "11 баллов"),
        ("uk", 5, "5 балів"),
        ("cs", 4, "4 body"),
        ("cs", 5, "5 bodů"),
        ("fr", 0, "0 point"),
        ("de", 2, "2 Punkte"),
        ("he", 2, "2 נקודות"),
        ("ar", 2, "نقطتان"),
        ("ar", 5, "نقاط"),
    ],
)
def test_points_render_in_the_right_plural_form(locale: str, n: int, expected: str) -> None:
    samples = rendering.sample_variables(registry.get("points_earned"))
    out = render("points_earned", "sms", locale, {**samples, "points": n})
    assert expected in out.text


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("pl", 1, "1 punkt"),
        ("pl", 3, "3 punkty"),
        ("pl", 12, "12 punktów"),
        ("pl", 22, "22 punkty"),
        ("pl", 25, "25 punktów"),
        ("ru", 1, "1 балл"),
        ("ru", 4, "4 балла"),
        ("ru", 11, "11 баллов"),
        ("ru", 21, "21 балл"),
        ("ru", 500, "500 баллов"),
        ("ar", 2, "نقطتان"),
        ("ar", 3, "3 نقاط"),
        ("ar", 11, "11 نقطة"),
        ("ar", 100, "100 نقطة"),
    ],
)
def test_referral_rewards_count_points_in_the_right_plural_form(locale: str, n: int, expected: str) -> None:
    samples = rendering.sample_variables(registry.get("referral_rewarded"))
    for channel in ("email", "sms"):
        out = render("referral_rewarded", channel, locale, {**samples, "points": n})
        assert expected in out.text, (channel, out.text)
        if channel == "email":
            assert out.subject is not None
            assert expected in out.subject
            assert out.html is not None
            assert f"{expected}</strong>" in out.html


def test_referral_messages_take_their_branches() -> None:
    invite = rendering.sample_variables(registry.get("referral_invite"))
    rewarded = rendering.sample_variables(registry.get("referral_rewarded"))
    for locale in LOCALES:
        named = render("referral_invite", "email", locale, invite)
        anonymous = render("referral_invite", "email", locale, {**invite, "advocate_first_name": ""})
        assert "Sam" in named.subject, locale
        assert "Sam" not in anonymous.text, locale
        assert named.subject != anonymous.subject, locale
        points = render("referral_rewarded", "sms", locale, rewarded)
        reward = render(
            "referral_rewarded", "sms", locale, {**rewarded, "points": 0, "reward_title": "Tote bag"}
        )
        assert "500" in points.text, locale
        assert "Tote bag" in reward.text, locale
        assert "Tote bag" not in points.text, locale
        no_friend = render("referral_rewarded", "email", locale, {**rewarded, "friend_first_name": ""})
        assert "Sam" in render("referral_rewarded", "email", locale, rewarded).text, locale
        assert "Sam" not in no_friend.text, locale


def test_privacy_messages_take_their_branches() -> None:
    confirm = rendering.sample_variables(registry.get("privacy_request_confirm"))
    ready = rendering.sample_variables(registry.get("privacy_data_request_ready"))
    overdue = rendering.sample_variables(registry.get("privacy_request_overdue"))
    copy_request = {**confirm, "request_type": "data_request", "points_forfeited": 0}
    for locale in LOCALES:
        erase = render("privacy_request_confirm", "email", locale, confirm)
        copy = render("privacy_request_confirm", "email", locale, copy_request)
        assert erase.subject != copy.subject, locale
        assert erase.text != copy.text, locale
        assert erase.html is not None
        # no unsubscribe link, even in the preview's samples: these cannot be opted out of
        assert "https://example.com/u" not in erase.html + erase.text
        assert 'href="https://maple-and-moss.myshopify.com/apps/loyalnest/privacy/confirm?t=7QK4M2XD"' in (
            erase.html
        )
        # the points lost are said for an erasure, and only there
        fewer = render("privacy_request_confirm", "email", locale, {**confirm, "points_forfeited": 5})
        assert fewer.text != erase.text, locale
        copy_with_points = render(
            "privacy_request_confirm", "email", locale, {**copy_request, "points_forfeited": 5}
        )
        assert copy_with_points.text == copy.text, locale
        webhook = render("privacy_data_request_ready", "email", locale, ready)
        storefront = render("privacy_data_request_ready", "email", locale, {**ready, "source": "storefront"})
        assert webhook.text != storefront.text, locale
        assert ready["shopify_customer_id"] in webhook.text
        kinds = {
            render("privacy_request_overdue", "email", locale, {**overdue, "request_type": kind}).text
            for kind in ("data_request", "customer_redact", "shop_redact")
        }
        assert len(kinds) == 3, locale


def test_guest_footers_are_translated() -> None:
    for locale in LOCALES:
        line = defaults.guest_footer(locale)
        assert line.strip()
        assert "{" not in line
        assert "<" not in line
        assert line != defaults.footer(locale)
        if locale != "en":
            assert line != defaults.guest_footer("en"), locale
    assert defaults.guest_footer("xx") == defaults.guest_footer("en")


def test_points_name_of_unknown_locale_falls_back() -> None:
    assert defaults.points_name("pt-BR") == defaults.points_name("pt")
    assert defaults.points_name("xx") == defaults.points_name("en")


# --- SMS size ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_sms_fits_one_gsm7_or_two_ucs2_segments(locale: str) -> None:
    for type_name, message_type in registry.TYPES.items():
        if "sms" not in message_type.channels:
            continue
        for variables in variable_sets(type_name):
            text = render(type_name, "sms", locale, variables).text
            encoding, size, limit = sms_size(text)
            assert size <= limit, f"{type_name}/{locale} {encoding} {size}>{limit}: {text}"
            assert str(variables["shop_name"]) in text


def test_sms_size_counts_like_a_carrier() -> None:
    assert sms_size("a" * 160) == ("gsm7", 160, 160)
    assert sms_size("€") == ("gsm7", 2, 160)  # an extension character takes two septets
    assert sms_size("ą") == ("ucs2", 1, 134)
    assert sms_size("😀") == ("ucs2", 2, 134)  # a surrogate pair takes two


def test_money_and_missing_value_render() -> None:
    samples = rendering.sample_variables(registry.get("reward_issued"))
    euro = {**samples, "value": registry.Money(Decimal("10.00"), "EUR")}
    assert "10,00\xa0€" in render("reward_issued", "email", "de", euro).text
    assert "None" not in render("reward_issued", "email", "de", {**samples, "value": None}).text


# --- points_earned's reason, worded in the message's locale -----------------------------------


@pytest.mark.parametrize(
    ("locale", "trigger", "number", "expected"),
    [
        ("en", "order", "1042", "Order #1042"),
        ("pl", "order", "1042", "Zamówienie nr 1042"),
        ("ja", "order", "1042", "ご注文番号 1042"),
        ("ar", "order", "1042", "الطلب رقم 1042"),
        ("de", "order", "", "Einkauf"),  # an order without its number
        ("en", "birthday", "", "Birthday"),
        ("pl", "birthday", "", "Urodziny"),
        ("ja", "birthday", "", "お誕生日"),
        ("ar", "birthday", "", "عيد الميلاد"),
        ("en", "referral", "", "Referral reward"),
        ("fr", "referral", "", "Récompense de parrainage"),
        ("he", "review", "", "ביקורת"),
        ("ko", "signup", "", "회원 가입"),
        ("es", "rfm_nudge", "", "Bonificación"),  # a trigger without words of its own
        ("pt-BR", "signup", "", "Cadastro"),  # pt's words
    ],
)
def test_points_earned_words_its_reason_in_the_messages_locale(
    locale: str, trigger: str, number: str, expected: str
) -> None:
    samples = rendering.sample_variables(registry.get("points_earned"))
    variables = {**samples, "trigger": trigger, "order_number": number, "reason": "Order #999 (stored)"}
    shipped = locale if locale in LOCALES else "pt"
    for channel in ("email", "sms"):
        out = rendering.render(
            registry.get("points_earned"),
            channel,
            draft("points_earned", channel, shipped),
            locale=locale,
            variables=variables,
            branding=BRANDING,
            timeout=5.0,
        )
        assert expected in out.text, (channel, out.text)
        assert "stored" not in out.text
        if out.html is not None:
            assert expected in out.html


def test_a_merchants_own_template_reads_the_localised_reason() -> None:
    mt = registry.get("points_earned")
    own = Draft(
        subject="{{ reason }}",
        html="<p>{{ reason }} · {% if trigger == 'order' %}#{{ order_number }}{% endif %}</p>",
        text="{{ reason }} / {{ trigger }} / {{ order_number }}",
    )
    assert rendering.check(mt, "email", own) == []
    samples = rendering.sample_variables(mt)
    out = rendering.render(mt, "email", own, locale="de", variables=samples, branding=BRANDING, timeout=5.0)
    assert out.subject == "Bestellung Nr. 1042"
    assert out.text.startswith("Bestellung Nr. 1042 / order / 1042")
    assert "Bestellung Nr. 1042 · #1042" in (out.html or "")
    # a row queued before triggers were stored: its reason as it was, trigger and number empty
    legacy = {**samples, "reason": "Order #77"}
    del legacy["trigger"], legacy["order_number"]
    out = rendering.render(mt, "email", own, locale="de", variables=legacy, branding=BRANDING, timeout=5.0)
    assert out.text.startswith("Order #77 /  /\n")
    # the reason is a value: escaped in the HTML like any other
    hostile = {**samples, "trigger": "order", "order_number": "<b>1</b>"}
    out = rendering.render(mt, "email", own, locale="en", variables=hostile, branding=BRANDING, timeout=5.0)
    assert "<b>1</b>" not in (out.html or "")
    assert "&lt;b&gt;1&lt;/b&gt;" in (out.html or "")


def test_the_registry_declares_what_the_handler_stores() -> None:
    from datetime import UTC, datetime

    from loyalnest.contexts.earning.events import EarnedPart, OrderContext, PointsEarned
    from loyalnest.contexts.notifications import handlers

    mt = registry.get("points_earned")
    event = PointsEarned(
        merchant_id=1,
        customer_id=2,
        rule="order",
        source_ref="order:1042",
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        parts=(EarnedPart("order:1042", "earn", "rule", None, 425),),
        order=OrderContext(1042, Decimal("42.50"), Decimal("42.50"), "USD"),
    )
    stored = handlers._earning_facts(event)
    assert stored == {"points": 425, "trigger": "order", "order_number": "1042"}
    declared = {v.name: v for v in mt.variables}
    assert set(stored) <= set(declared)
    for name in ("reason", "trigger", "order_number"):
        assert declared[name].type == "string"
        assert declared[name].sample
    assert declared["trigger"].sample in defaults.EARN_TRIGGERS
    for trigger in defaults.EARN_TRIGGERS:
        assert f"'{trigger}'" in declared["trigger"].description
