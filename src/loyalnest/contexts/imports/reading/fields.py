"""Cell parsers: a cell's text (stripped, never empty: empty cells are absent values and
never reach a parser) to a typed value, or ``BadValue`` with the reason the merchant
reads in the error report.

Choices, since the files come from many tools and countries:

- points are whole numbers written with digits only. Thousands separators are refused,
  not guessed: "1,234" and "1.234" mean different numbers in different locales, and a
  wrong guess moves a balance by a factor of 1000. A decimal point followed only by
  zeros ("120.0", spreadsheets) is accepted. Balances lie in 0..1,000,000,000; history
  amounts are signed within the same magnitude.
- dates: ``YYYY-MM-DD`` (optionally followed by a time, which a date field drops),
  ``YYYY/MM/DD``, ``MM/DD/YYYY`` and ``MM/DD`` (US order, as Yotpo writes; a day-first
  date with a day over 12 is an error, not a swap), ``DD.MM.YYYY`` (dots are day-first
  everywhere). Two-digit years are refused. Datetimes: ISO 8601, or one of the dates
  above followed by a time; without an offset they are UTC.
  A day-first file whose days are all 12 or less cannot be told from a US one and is read
  month-first (the preview shows the dates read, so the merchant can see it).
- bounds: birthdays, enrolment and history dates from 1900-01-01 to tomorrow (a shop a
  day ahead of UTC); expiry dates from 1900-01-01 (already expired is history) to
  2100-12-31. A date in 2999 is a row error ("date out of range").
- a birthday in year 1004 is Smile's "year unknown": month and day are kept.
- booleans (consents): true/false, t/f, yes/no, y/n, 1/0, x (a ticked box),
  subscribed/unsubscribed/not subscribed, opted in/opted out, any case; an empty cell is
  "not said" (None), never "no".
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, time
from functools import partial
from urllib.parse import parse_qs, urlsplit

from loyalnest.contexts.imports.reading.records import Birthday

MAX_POINTS = 1_000_000_000
MAX_EMAIL = 254
MAX_NAME = 255
MAX_TIER = 100
MAX_REFERRAL_CODE = 64
MAX_REFERRAL_URL = 2048
MAX_REASON = 500
EARLIEST = date(1900, 1, 1)
LATEST_EXPIRY = date(2100, 12, 31)
SMILE_UNKNOWN_YEAR = 1004
# a named tuple's own __new__ is a Python function: a third of a birthday's parse time
_birthday = partial(tuple.__new__, Birthday)
_MAX_SHOPIFY_ID = 2**63 - 1
_SHOPIFY_GID = "gid://shopify/customer/"

# dot-separated atoms, one @, a dotted domain; no spaces or characters an address cannot
# hold unquoted (quoted local parts are legal, but no shop's customer has one)
_ATOM = r"[^@\s\"(),:;<>\[\]\\.]+"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})+")
_BOOLEANS = {
    **dict.fromkeys(("true", "yes", "y", "1", "subscribed", "opted in", "opted_in", "t", "x"), True),
    **dict.fromkeys(
        ("false", "no", "n", "0", "unsubscribed", "not subscribed", "opted out", "opted_out", "f"), False
    ),
}
_REFERRAL_PARAMS = ("ref", "code", "referral_code", "referral")


class BadValue(ValueError):
    """A cell that cannot be taken; the message is the reason the merchant reads."""


def email(cell: str) -> str:
    value = cell.lower()
    if len(value) > MAX_EMAIL:
        raise BadValue(f"bad email: longer than {MAX_EMAIL} characters")
    if _EMAIL.fullmatch(value) is None:
        raise BadValue("bad email: not an email address")
    return value


def shopify_customer_id(cell: str) -> int:
    digits = cell[len(_SHOPIFY_GID) :] if cell.lower().startswith(_SHOPIFY_GID) else cell
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise BadValue("bad Shopify customer id: digits expected")
    value = int(digits)
    if not 0 < value <= _MAX_SHOPIFY_ID:
        raise BadValue("bad Shopify customer id: out of range")
    return value


def reference(cell: str) -> int:
    """A row's reference in a history file (our exports write ledger entry ids)."""
    if not (cell.isascii() and cell.isdigit()) or len(cell) > 18:
        raise BadValue("bad entry reference: up to 18 digits expected")
    return int(cell)


def _whole_number(cell: str) -> int:
    """A signed whole number, digits only (see the module docstring)."""
    text = cell
    sign = 1
    if text[0] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if "." in text:
        whole, _, fraction = text.partition(".")
        if fraction.strip("0") or not whole or "," in whole:
            if "," in text or len(fraction) == 3:
                raise BadValue("points must be a whole number without thousands separators (write 1234567)")
            raise BadValue("points must be a whole number")
        text = whole
    if not (text.isascii() and text.isdigit()):
        if any(sep in text for sep in ", '\u00a0\u202f"):
            raise BadValue("points must be a whole number without thousands separators (write 1234567)")
        raise BadValue("points must be a whole number")
    if len(text) > 10:
        raise BadValue(f"points out of range: more than {MAX_POINTS:,}")
    return sign * int(text)


def points(cell: str) -> int:
    """A balance-like amount: 0..MAX_POINTS."""
    if cell.isdigit() and cell.isascii() and len(cell) <= 9:  # the fast path: plain digits under 10^9
        return int(cell)
    value = _whole_number(cell)
    if value < 0:
        raise BadValue("negative points")
    if value > MAX_POINTS:
        raise BadValue(f"points out of range: more than {MAX_POINTS:,}")
    return value


def signed_points(cell: str) -> int:
    """A history amount: signed, magnitude at most MAX_POINTS (0 allowed here; the
    history reader skips zero rows)."""
    value = _whole_number(cell)
    if abs(value) > MAX_POINTS:
        raise BadValue(f"points out of range: more than {MAX_POINTS:,}")
    return value


def text(cell: str, limit: int = MAX_NAME) -> str:
    if len(cell) > limit:
        raise BadValue(f"longer than {limit} characters")
    return cell


def boolean(cell: str) -> bool:
    value = _BOOLEANS.get(cell.lower())
    if value is None:
        raise BadValue("yes or no expected (true/false, yes/no, 1/0, subscribed/unsubscribed)")
    return value


def _int(part: str) -> int:
    if not (part.isascii() and part.isdigit()):
        raise ValueError(part)
    return int(part)


def date_parts(cell: str) -> tuple[int | None, int, int]:
    """(year or None, month, day) of a date cell, validated as a calendar date; a time
    after the date (``T`` or a space) is ignored."""
    value = cell
    if len(value) > 10:
        value = value.split("T", 1)[0].split(" ", 1)[0]
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            year, month, day = _int(value[:4]), _int(value[5:7]), _int(value[8:10])
        elif "/" in value:
            parts = value.split("/")
            if len(parts) == 2:
                year, month, day = None, _int(parts[0]), _int(parts[1])
            elif len(parts) == 3 and len(parts[0]) == 4:
                year, month, day = _int(parts[0]), _int(parts[1]), _int(parts[2])
            elif len(parts) == 3 and len(parts[2]) == 4:
                year, month, day = _int(parts[2]), _int(parts[0]), _int(parts[1])
            else:
                raise ValueError(value)
        elif "." in value:
            parts = value.split(".")
            if len(parts) != 3 or len(parts[2]) != 4:
                raise ValueError(value)
            year, month, day = _int(parts[2]), _int(parts[1]), _int(parts[0])
        else:
            raise ValueError(value)
    except ValueError:
        raise BadValue("not a date: write YYYY-MM-DD (or MM/DD/YYYY)") from None
    if not 1 <= month <= 12:
        raise BadValue(f"not a date: no month {month} (dates with slashes are read MM/DD/YYYY)")
    try:
        date(2000 if year is None else year, month, day)  # 2000: a leap year, so 02/29 stands
    except ValueError:
        raise BadValue(f"not a date: no day {day} in month {month}") from None
    return year, month, day


def _in_range(value: date, earliest: date, latest: date) -> None:
    if not earliest <= value <= latest:
        raise BadValue(f"date out of range: {value.isoformat()} is not within {earliest} to {latest}")


def birthday(cell: str, latest: date) -> Birthday:
    """A birthday on or before ``latest`` (tomorrow: the merchant's today may be ours+1)."""
    if len(cell) == 10 and cell[4] == "-":  # the fast path: YYYY-MM-DD
        try:
            value = date.fromisoformat(cell)
        except ValueError:
            pass
        else:
            if value.year == SMILE_UNKNOWN_YEAR:
                return _birthday((value.month, value.day, None))
            if EARLIEST <= value <= latest:
                return _birthday((value.month, value.day, value.year))
            _in_range(value, EARLIEST, latest)
    known, month, day = date_parts(cell)
    if known is None or known == SMILE_UNKNOWN_YEAR:
        return Birthday(month, day, None)
    _in_range(date(known, month, day), EARLIEST, latest)
    return Birthday(month, day, known)


def moment(cell: str, earliest: date, latest: date) -> datetime:
    """A datetime (UTC when the cell gives no offset) whose date lies in the bounds."""
    try:
        value = datetime.fromisoformat(cell)
    except ValueError:
        head, _, clock = cell.partition(" ")
        if "T" in head:
            head, _, clock = head.partition("T")
        year, month, day = date_parts(head)
        if year is None:
            raise BadValue("not a date: the year is missing") from None
        try:
            at = time.fromisoformat(clock.strip()) if clock.strip() else time()
        except ValueError:
            raise BadValue("not a time: write HH:MM or HH:MM:SS") from None
        value = datetime.combine(date(year, month, day), at)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    _in_range(value.date(), earliest, latest)
    return value


def tier(cell: str, tiers: dict[str, str] | None) -> str:
    """A tier name; with the program's tiers (lower-cased name → name) it must be one of
    them, any case, and comes back as the program spells it."""
    if len(cell) > MAX_TIER:
        raise BadValue(f"tier name longer than {MAX_TIER} characters")
    if tiers is None:
        return cell
    found = tiers.get(cell.lower())
    if found is None:
        known = ", ".join(sorted(tiers.values())) or "none"
        raise BadValue(f"unknown tier (the program's tiers: {known})")
    return found


def tier_table(names: Collection[str] | None) -> dict[str, str] | None:
    return None if names is None else {name.strip().lower(): name for name in names}


def referral_code(cell: str) -> str:
    if len(cell) > MAX_REFERRAL_CODE or any(c.isspace() for c in cell):
        raise BadValue(f"bad referral code: at most {MAX_REFERRAL_CODE} characters, no spaces")
    return cell


def referral_url(cell: str) -> tuple[str, str]:
    """(the URL, the code in it): the ``ref``/``code`` query parameter, else the last
    path segment (Smile's short links are ``https://<smile domain>/<code>?...``)."""
    if len(cell) > MAX_REFERRAL_URL:
        raise BadValue(f"bad referral URL: longer than {MAX_REFERRAL_URL} characters")
    if "/" not in cell and "?" not in cell:
        return cell, referral_code(cell)  # the code alone
    parts = urlsplit(cell if "//" in cell else f"//{cell}")
    query = parse_qs(parts.query)
    for name in _REFERRAL_PARAMS:
        if query.get(name):
            return cell, referral_code(query[name][0].strip())
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise BadValue("bad referral URL: no code in it")
    return cell, referral_code(segments[-1])
