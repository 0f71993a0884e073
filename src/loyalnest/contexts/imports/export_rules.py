"""Pure rules of customer exports: the formats and their columns, how each value is
written, the file names, and the limits and lifetimes.

The contract: every column of every format is one our own importer reads back
(``reading.presets``) into the same value, so an export imported into another shop
(or into LoyalNest again) carries what the shop knew. GENERIC carries every field the
importer recognises, under our canonical names; SMILE and LOYALTYLION use those
vendors' header names as the presets know them, for the fields each vendor has, plus
the Shopify customer id and the two marketing consents every preset reads (matching by
Shopify id survives a changed email; consents are never lost in a move).

Values: points are whole numbers; dates ``YYYY-MM-DD`` (a birthday whose year is
unknown is written with Smile's year 1004, which every preset reads as "year
unknown"); moments ISO 8601 with their offset; consents ``yes``/``no``, empty when the
customer never stated one (the importer reads empty as "not said", never "no"). Free
text (names, tier names) that a spreadsheet would run as a formula (starting with
``= + - @``, a tab or a carriage return) gets a leading apostrophe, as the error report
does: the file is opened in spreadsheets, and a customer chooses their own name.
Emails and codes are written as they are (the importer's rules keep formulas out of
them). UTF-8 without a BOM (other tools' importers choke on one), CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loyalnest.contexts.imports.reading.fields import EARLIEST, MAX_REASON, SMILE_UNKNOWN_YEAR

GENERIC = "GENERIC"
SMILE = "SMILE"
LOYALTYLION = "LOYALTYLION"
FORMATS = (GENERIC, SMILE, LOYALTYLION)

QUEUED = "queued"
RUNNING = "running"
COMPLETED = "completed"
FAILED = "failed"
EXPIRED = "expired"
STATUSES = (QUEUED, RUNNING, COMPLETED, FAILED, EXPIRED)
# an export that stands still (its progress subscription ends)
SETTLED = (COMPLETED, FAILED, EXPIRED)

CUSTOMERS_FILE = "customers"
HISTORY_FILE = "history"
FILES = (CUSTOMERS_FILE, HISTORY_FILE)

# customers per batch (each batch: one read of every context, one progress update)
BATCH_SIZE = 5_000
# ledger entries per read of the history
HISTORY_PAGE = 10_000
# how long a completed export's files may be downloaded (the hourly sweep removes them after)
FILE_TTL = timedelta(days=7)
# how long one download link works (ask for the export again for a fresh one)
LINK_TTL = timedelta(hours=1)
# a worker that took an export and went quiet this long died: another takes over (a
# redelivered message), or a new export of the shop may be asked for
STALE_AFTER = timedelta(minutes=5)
# ... and this long, nothing will take it over any more (its message's retries are
# spent): the sweep ends it as failed
ABANDONED_AFTER = timedelta(hours=1)

# the fields of a customer row, in the order GENERIC writes them (the importer's
# canonical names: ``reading.presets.CUSTOMER_COLUMNS`` without ``full_name``)
FIELDS: tuple[str, ...] = (
    "shopify_customer_id",
    "email",
    "first_name",
    "last_name",
    "points_balance",
    "points_pending",
    "lifetime_points",
    "points_spent",
    "tier_name",
    "birthday",
    "referral_code",
    "referral_url",
    "accepts_email_marketing",
    "accepts_sms_marketing",
    "enrolled_at",
)

# (header, field) of each format's customer file, in column order
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    GENERIC: tuple((field, field) for field in FIELDS),
    # Smile's customer export uses its API's names
    SMILE: (
        ("email", "email"),
        ("first_name", "first_name"),
        ("last_name", "last_name"),
        ("points_balance", "points_balance"),
        ("vip_tier", "tier_name"),
        ("date_of_birth", "birthday"),
        ("referral_url", "referral_url"),
        ("shopify_customer_id", "shopify_customer_id"),
        ("accepts_email_marketing", "accepts_email_marketing"),
        ("accepts_sms_marketing", "accepts_sms_marketing"),
    ),
    # LoyaltyLion's export (Analytics → Exports): approved points are the balance
    LOYALTYLION: (
        ("Email", "email"),
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Points approved", "points_balance"),
        ("Points pending", "points_pending"),
        ("Points spent", "points_spent"),
        ("Points lifetime", "lifetime_points"),
        ("Tier", "tier_name"),
        ("Birthday", "birthday"),
        ("Referral URL", "referral_url"),
        ("Enrolled at", "enrolled_at"),
        ("Shopify Customer ID", "shopify_customer_id"),
        ("Accepts email marketing", "accepts_email_marketing"),
        ("Accepts SMS marketing", "accepts_sms_marketing"),
    ),
}

# the points-history file (``reading.presets.HISTORY``): one signed ledger entry a row
HISTORY_COLUMNS: tuple[str, ...] = (
    "email",
    "shopify_customer_id",
    "points",
    "occurred_at",
    "reason",
    "expires_at",
    # the ledger entry's id; for a debit the ``entry`` whose lot it took from first (a
    # refund takes back its own order's points, not the oldest), for a returned
    # redemption the redemption it gives back to: read back, the lots come out the same
    "entry",
    "takes_from",
    # what a debit asked for and could not take (a refund of points already spent):
    # read back, lifetime earned goes down by all of it, as it did here
    "shortfall",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_FIELDS = frozenset({"first_name", "last_name", "tier_name"})


@dataclass(frozen=True, slots=True)
class ExportedCustomer:
    """One customer as an export writes them (read from the contexts that own each
    fact). ``None``: the shop does not know it (an empty cell)."""

    shopify_customer_id: int | None
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    points_balance: int = 0
    points_pending: int = 0
    lifetime_points: int = 0
    points_spent: int = 0
    tier_name: str | None = None
    birthday: date | None = None
    referral_code: str | None = None
    referral_url: str | None = None
    accepts_email_marketing: bool | None = None
    accepts_sms_marketing: bool | None = None
    enrolled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ExportedEntry:
    """One ledger entry as the history file writes it."""

    email: str | None
    shopify_customer_id: int | None
    points: int
    occurred_at: datetime
    kind: str
    reason: str | None
    expires_at: datetime | None
    entry: int | None = None
    takes_from: int | None = None
    shortfall: int = 0


def check_format(value: str) -> bool:
    return value in FORMATS


def header(format: str) -> list[str]:
    return [name for name, _ in COLUMNS[format]]


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows, not evaluates."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def birthday_cell(value: date) -> str:
    """``YYYY-MM-DD``; a birthday stored without a real year (before 1900) is written
    with year 1004, the importer's (and Smile's) "year unknown"."""
    if value.year < EARLIEST.year:
        return f"{SMILE_UNKNOWN_YEAR:04d}-{value.month:02d}-{value.day:02d}"
    return value.isoformat()


def cell(field: str, value: object) -> str:
    """One value as its cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return birthday_cell(value)
    text = str(value)
    return neutralise(text) if field in _TEXT_FIELDS else text


def customer_cells(format: str, customer: ExportedCustomer) -> list[str]:
    return [cell(field, getattr(customer, field)) for _, field in COLUMNS[format]]


def history_reason(kind: str, reason: str | None) -> str:
    """The entry's kind, then its reason text: ``adjust: goodwill`` (never a formula:
    it starts with the kind)."""
    text = kind if not reason else f"{kind}: {' '.join(reason.split())}"
    return text[:MAX_REASON]


def history_cells(entry: ExportedEntry) -> list[str]:
    return [
        entry.email or "",
        "" if entry.shopify_customer_id is None else str(entry.shopify_customer_id),
        str(entry.points),
        entry.occurred_at.isoformat(),
        history_reason(entry.kind, entry.reason),
        "" if entry.expires_at is None else entry.expires_at.isoformat(),
        "" if entry.entry is None else str(entry.entry),
        "" if entry.takes_from is None else str(entry.takes_from),
        str(entry.shortfall) if entry.shortfall else "",
    ]


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as CSV (RFC 4180: quoted as needed, CRLF), UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def file_name(format: str, export_id: int, created_at: datetime, file: str) -> str:
    """``loyalnest-customers-generic-20261205-42.csv``, ``loyalnest-points-history-20261205-42.csv``."""
    day = created_at.strftime("%Y%m%d")
    if file == HISTORY_FILE:
        return f"loyalnest-points-history-{day}-{export_id}.csv"
    return f"loyalnest-customers-{format.lower()}-{day}-{export_id}.csv"


def progress_channel(merchant_id: int, export_id: int) -> str:
    return f"imports:export-progress:{merchant_id}:{export_id}"


def eta(
    status: str, rows_done: int, rows_total: int | None, started_at: datetime | None, now: datetime
) -> datetime | None:
    """When a running export should be done, at the pace it kept so far."""
    if status != RUNNING or not rows_total or started_at is None or rows_done <= 0:
        return None
    elapsed = (now - started_at).total_seconds()
    left = max(rows_total - rows_done, 0)
    return now + timedelta(seconds=elapsed / rows_done * left)
