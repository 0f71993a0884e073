"""Pure rules of the products concern: Shopify GIDs, the export CSV (with formula
injection neutralised), export names and the signed download token."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from loyalnest.platform import signed_tokens

# segments a product's buyers "slip" into (productsSlipping), and how recent a move counts
SLIPPING_SEGMENTS = ("at_risk", "cant_lose_them")
SLIPPING_WINDOW_DAYS = 30

# customers read, decrypted and written per step of an export (one progress update each)
EXPORT_BATCH = 1000

EXPORT_COLUMNS = (
    "customer_id",
    "email",
    "first_name",
    "last_name",
    "points_balance",
    "tier",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "segment",
    "last_order_at",
)

# a spreadsheet treats a cell starting with these as a formula (OWASP CSV injection);
# tab and carriage return too, as some spreadsheets strip them before looking
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CUSTOM = re.compile(r"custom:([0-9]{1,18})")


def product_gid(product_id: int) -> str:
    return f"gid://shopify/Product/{product_id}"


def customer_gid(shopify_customer_id: int) -> str:
    return f"gid://shopify/Customer/{shopify_customer_id}"


def custom_segment_id(segment: str) -> int | None:
    """The id in ``custom:<id>``, or None for anything else."""
    match = _CUSTOM.fullmatch(segment)
    return int(match.group(1)) if match else None


def neutralise_cell(value: str) -> str:
    """A cell a spreadsheet will show as text: one starting like a formula gets a
    leading apostrophe (names and emails are the customer's own input)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_rows(rows: Iterable[Sequence[object]], *, header: bool = False) -> str:
    """``rows`` as CSV text (RFC 4180, CRLF), every cell neutralised; None is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(["" if cell is None else neutralise_cell(str(cell)) for cell in row])
    return buffer.getvalue()


def export_filename(segment: str, export_id: int, created_at: datetime) -> str:
    """``segment-champions-2026-12-03-42.csv`` (ASCII only: a header value)."""
    slug = re.sub(r"[^a-z0-9]+", "-", segment.lower()).strip("-") or "segment"
    return f"segment-{slug}-{created_at.date().isoformat()}-{export_id}.csv"


# --- the download token -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DownloadClaim:
    merchant_id: int
    export_id: int
    expires_at: datetime


def sign_download(key: bytes, merchant_id: int, export_id: int, expires_at: datetime) -> str:
    """A URL-safe token naming the export, valid until ``expires_at`` (HMAC-SHA256)."""
    return signed_tokens.sign(key, (merchant_id, export_id), expires_at)


def verify_download(keys: Sequence[bytes], token: str, *, now: datetime) -> DownloadClaim | None:
    """The claim of a well-formed, unexpired token signed with one of ``keys``; None
    otherwise."""
    claim = signed_tokens.verify(keys, token, arity=2, now=now)
    if claim is None:
        return None
    (merchant_id, export_id), expires_at = claim
    return DownloadClaim(merchant_id, export_id, expires_at)
