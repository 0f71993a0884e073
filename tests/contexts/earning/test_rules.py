"""Pure rules of earning: defaults and bounds, which birthdays a day celebrates, the
30-day notice, review signatures, and reading Judge.me / Yotpo payloads."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalnest.contexts.earning import reviews, rules
from loyalnest.contexts.earning.reviews import ReviewPayloadError, parse_review
from loyalnest.platform.errors import ValidationFailed
from tests.contexts.earning.review_payloads import judgeme, yotpo


def test_defaults_match_the_brief():
    assert rules.DEFAULT_POINTS == {
        "signup": 200,
        "newsletter": 100,
        "birthday": 200,
        "review": 100,
        "custom": 100,
    }
    assert rules.TRIGGERS == ("signup", "newsletter", "birthday", "review", "custom")


@pytest.mark.parametrize("points", [0, -1, rules.MAX_POINTS + 1])
def test_points_out_of_bounds_are_refused(points):
    with pytest.raises(ValidationFailed) as refused:
        rules.validate_points(points)
    assert refused.value.field == "points"


@pytest.mark.parametrize("points", [1, 250, rules.MAX_POINTS])
def test_points_in_bounds_pass(points):
    rules.validate_points(points)


@pytest.mark.parametrize(("reason", "message"), [("", "required"), ("  ", "required"), ("x" * 501, "500")])
def test_bad_reasons_are_refused(reason, message):
    with pytest.raises(ValidationFailed, match=message):
        rules.validate_reason(reason)


def test_reason_is_trimmed():
    assert rules.validate_reason("  posted on Instagram ") == "posted on Instagram"


# --- birthdays -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "celebrated"),
    [
        (date(2025, 2, 28), ["02-28", "02-29"]),  # no Feb 29 this year: celebrated on the 28th
        (date(2024, 2, 28), ["02-28"]),  # leap year: Feb 29 has its own day
        (date(2024, 2, 29), ["02-29"]),
        (date(2025, 3, 1), ["03-01"]),
        (date(2100, 2, 28), ["02-28", "02-29"]),  # 2100 is not a leap year
        (date(2000, 2, 28), ["02-28"]),  # 2000 is
        (date(2026, 12, 31), ["12-31"]),
    ],
)
def test_birthdays_celebrated_on(day, celebrated):
    assert rules.birthdays_celebrated_on(day) == celebrated


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2200, 12, 31)))
def test_every_birthday_is_celebrated_exactly_once_a_year(day):
    """Over a whole year every month-day (Feb 29 included) is celebrated on exactly one day."""
    year = day.year
    seen: dict[str, int] = {}
    current = date(year, 1, 1)
    while current.year == year:
        for month_day in rules.birthdays_celebrated_on(current):
            seen[month_day] = seen.get(month_day, 0) + 1
        current += timedelta(days=1)
    assert len(seen) == 366
    assert set(seen.values()) == {1}


def test_a_birthday_needs_30_days_notice_in_the_shops_timezone():
    celebrated = date(2026, 7, 31)
    cutoff = rules.birthday_set_before(celebrated, "America/New_York")
    # set on July 1 (30 days before) counts; set on July 2 (29 days before) waits
    assert cutoff == datetime(2026, 7, 2, 4, 0, tzinfo=UTC)  # midnight in New York, EDT
    set_july_1_late = datetime(2026, 7, 2, 3, 59, tzinfo=UTC)  # 23:59 on July 1 in New York
    assert set_july_1_late < cutoff
    assert (celebrated - date(2026, 7, 1)).days == rules.BIRTHDAY_NOTICE_DAYS


def test_shop_today_follows_the_shops_timezone():
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert rules.shop_today(now, "UTC") == date(2026, 3, 10)
    assert rules.shop_today(now, "Asia/Tokyo") == date(2026, 3, 11)
    assert rules.shop_today(now, "Pacific/Pago_Pago") == date(2026, 3, 10)
    # a zone we cannot read is UTC rather than a crash
    assert rules.shop_today(now, "Not/AZone") == date(2026, 3, 10)


# --- signatures ----------------------------------------------------------------------------

BODY = b'{"review": {"id": 1}}'
SECRET = "s3cret-for-tests"


def _digest() -> bytes:
    return hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()


@pytest.mark.parametrize(
    "header",
    [
        base64.b64encode(_digest()).decode(),
        _digest().hex(),
        _digest().hex().upper(),
        "sha256=" + _digest().hex(),
        " " + base64.b64encode(_digest()).decode() + " ",
    ],
)
def test_signatures_in_base64_or_hex_match(header):
    assert rules.signature_matches(SECRET, BODY, header)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        base64.b64encode(_digest()).decode().lower(),  # base64 is case-sensitive
        hmac.new(b"other", BODY, hashlib.sha256).hexdigest(),
        hmac.new(SECRET.encode(), BODY + b" ", hashlib.sha256).hexdigest(),
        "é" * 10,
    ],
)
def test_other_signatures_do_not(header):
    assert not rules.signature_matches(SECRET, BODY, header)


def test_review_signature_is_what_signature_matches_accepts():
    assert rules.signature_matches(SECRET, BODY, rules.review_signature(SECRET, BODY))


# --- review payloads -----------------------------------------------------------------------


def test_judgeme_payload():
    facts = parse_review("judgeme", judgeme())
    assert facts == reviews.ReviewFacts(
        provider="judgeme",
        review_id="12345",
        product_id="7001",
        reviewer_email="Ann@Example.com",
        rating=5,
        published=True,
        verified_buyer=True,
    )


def test_judgeme_review_unwrapped_is_read_too():
    assert parse_review("judgeme", judgeme()["review"]).review_id == "12345"


@pytest.mark.parametrize(
    "overrides", [{"published": False}, {"hidden": True}, {"curated": "spam"}, {"published": "false"}]
)
def test_judgeme_unpublished(overrides):
    assert parse_review("judgeme", judgeme(**overrides)).published is False


def test_yotpo_payload_with_string_values():
    facts = parse_review("yotpo", yotpo())
    assert facts == reviews.ReviewFacts(
        provider="yotpo",
        review_id="219",
        product_id="sku-77",
        reviewer_email="bob@example.com",
        rating=4,
        published=True,
        verified_buyer=True,
    )


def test_yotpo_payload_with_typed_values_and_nested_product():
    body = yotpo(score=5, deleted=False, archived=False, verified_buyer=False, id=219)
    del body["data"]["external_product_id"]
    body["data"]["product"] = {"external_id": "p-1"}
    facts = parse_review("yotpo", body)
    assert (facts.rating, facts.published, facts.verified_buyer, facts.product_id) == (5, True, False, "p-1")


@pytest.mark.parametrize(
    "overrides", [{"deleted": "true"}, {"archived": True}, {"published": False}, {"status": "pending"}]
)
def test_yotpo_unpublished(overrides):
    assert parse_review("yotpo", yotpo(**overrides)).published is False


def test_yotpo_store_review_has_no_product():
    assert parse_review("yotpo", yotpo(external_product_id="yotpo_site_reviews")).product_id is None


@pytest.mark.parametrize(
    ("provider", "body", "message"),
    [
        ("judgeme", judgeme(id=None), "review id is missing"),
        ("judgeme", judgeme(product_external_id=None), "product id is missing"),
        ("judgeme", judgeme(reviewer={"name": "no email"}), "reviewer email is missing"),
        ("judgeme", judgeme(reviewer={"email": "not an email"}), "not an email"),
        ("judgeme", judgeme(rating=9), "rating"),
        ("judgeme", judgeme(rating="five"), "rating"),
        ("judgeme", judgeme(product_external_id="a b"), "not an id"),
        ("judgeme", judgeme(product_external_id="x" * 101), "not an id"),
        ("judgeme", {"review": "text"}, "review is not an object"),
        ("yotpo", yotpo(customer_email=None), "reviewer email is missing"),
        ("yotpo", yotpo(external_product_id=""), "product id is missing"),
        ("yotpo", yotpo(id=True), "review id is missing"),
        ("yotpo", yotpo(deleted="maybe"), "not a boolean"),
        ("yotpo", {"data": []}, "data is not an object"),
        ("yotpo", [1, 2], "body is not an object"),
        ("stamped", {}, "unknown review provider"),
    ],
)
def test_unusable_payloads_are_refused(provider, body, message):
    with pytest.raises(ReviewPayloadError, match=message):
        parse_review(provider, body)
