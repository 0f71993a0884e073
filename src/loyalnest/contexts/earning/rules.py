"""Pure rules of earning: the ways to earn and their defaults, when a birthday is
celebrated, and how a review webhook's signature is checked. No I/O."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loyalnest.platform.errors import ValidationFailed

SIGNUP = "signup"
NEWSLETTER = "newsletter"
BIRTHDAY = "birthday"
REVIEW = "review"
CUSTOM = "custom"
# Purchases earn under the program settings of the merchants context; the rules here
# are every other way. Order is how they are listed.
TRIGGERS = (SIGNUP, NEWSLETTER, BIRTHDAY, REVIEW, CUSTOM)

# The brief's defaults. "custom" is the amount an ``awardPoints`` call gives when it
# names none.
DEFAULT_POINTS = {SIGNUP: 200, NEWSLETTER: 100, BIRTHDAY: 200, REVIEW: 100, CUSTOM: 100}
# One award is at most this (the table's CHECK says the same).
MAX_POINTS = 1_000_000
MAX_REASON_LENGTH = 500

# A birthday set (or moved to another day) less than this many days before it falls
# waits for the next year: no points for a birthday entered the week it happens.
BIRTHDAY_NOTICE_DAYS = 30


def validate_points(points: int, *, field: str = "points") -> None:
    if points <= 0 or points > MAX_POINTS:
        raise ValidationFailed(f"points must be between 1 and {MAX_POINTS:,}", field=field)


def validate_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("a reason is required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"reason is limited to {MAX_REASON_LENGTH} characters", field="reason")
    if "\x00" in reason:
        raise ValidationFailed("reason must not contain NUL characters", field="reason")
    return reason


# --- birthdays -------------------------------------------------------------------------


def shop_zone(iana_timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(iana_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")  # a shop whose zone we cannot read celebrates in UTC


def shop_today(now: datetime, iana_timezone: str) -> date:
    """The calendar day it is in the shop's timezone at ``now``."""
    return now.astimezone(shop_zone(iana_timezone)).date()


def birthdays_celebrated_on(day: date) -> list[str]:
    """The birthdays ("MM-DD") celebrated on ``day``: its own, and on Feb 28 of a year
    without Feb 29 also the Feb 29 ones."""
    days = [f"{day.month:02d}-{day.day:02d}"]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        days.append("02-29")
    return days


def birthday_set_before(celebrated: date, iana_timezone: str) -> datetime:
    """A birthday celebrated on ``celebrated`` earns only if it was set before this
    instant: the start, in the shop's timezone, of the day 29 days before it, so a
    birthday set ``BIRTHDAY_NOTICE_DAYS`` or more calendar days ahead counts."""
    last_day_too_late = celebrated - timedelta(days=BIRTHDAY_NOTICE_DAYS - 1)
    return datetime.combine(last_day_too_late, time.min, tzinfo=shop_zone(iana_timezone))


# --- review webhooks -----------------------------------------------------------------------

SIGNATURE_PREFIX = "sha256="


def review_signature(secret: str, body: bytes) -> str:
    """What a review app sends: HMAC-SHA256 of the raw body with the shop's secret,
    base64 (hex is accepted too, see ``signature_matches``)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check of a signature header, written as base64 or hex (review apps
    differ), optionally prefixed "sha256="."""
    if not header:
        return False
    given = header.strip()
    if given.lower().startswith(SIGNATURE_PREFIX):
        given = given[len(SIGNATURE_PREFIX) :]
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    expected_b64 = base64.b64encode(digest).decode()
    expected_hex = digest.hex()
    # both compared, whichever matches, so the time taken says nothing about either
    b64_ok = hmac.compare_digest(given.encode(), expected_b64.encode())
    hex_ok = hmac.compare_digest(given.lower().encode(), expected_hex.encode())
    return b64_ok or hex_ok
