"""The states, limits and keys of imports (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

SOURCES = ("SMILE", "LOYALTYLION", "YOTPO", "GENERIC")

AWAITING_UPLOAD = "awaiting_upload"
UPLOADED = "uploaded"
VALIDATING = "validating"
READY = "ready"
# validated, and nothing in it can be imported (a refused file, or no valid row)
INVALID = "invalid"
IMPORTING = "importing"
COMPLETED = "completed"
FAILED = "failed"
REVERTING = "reverting"
REVERTED = "reverted"
STATUSES = (
    AWAITING_UPLOAD,
    UPLOADED,
    VALIDATING,
    READY,
    INVALID,
    IMPORTING,
    COMPLETED,
    FAILED,
    REVERTING,
    REVERTED,
)

# a file sent inside a GraphQL request; larger ones go to an upload link
MAX_INLINE_BYTES = 50 * 1024 * 1024
# a file sent to an upload link
MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024
UPLOAD_LINK_TTL = timedelta(hours=1)
# the row errors an import keeps in its record (all of them are in its error report)
FIRST_ERRORS = 100
# the error report's rows (a file of a million bad rows does not need a million-row report)
MAX_REPORTED_ERRORS = 100_000
# rows staged, matched or applied per transaction
CHUNK_ROWS = 5_000
# a worker that took an import and went quiet this long died: another takes over
STALE_AFTER = timedelta(minutes=5)


def upload_expires_at(now: datetime) -> datetime:
    return now + UPLOAD_LINK_TTL


def import_key(file_sha256: str, generation: int) -> str:
    """What an import's postings are keyed by: the file's content (the same file
    imported again posts nothing twice) and how many imports of it were reverted (a
    re-import after a revert posts again)."""
    return f"{file_sha256[:32]}:{generation}"


def posting_key(key: str, customer_id: int) -> str:
    return f"import:{key}:{customer_id}"


def reversal_key(key: str, customer_id: int) -> str:
    return f"import-revert:{key}:{customer_id}"


def spent_key(key: str, customer_id: int) -> str:
    """The debit of what a customer spent with the old app (lifetime less balance)."""
    return f"{posting_key(key, customer_id)}:spent"


def pending_key(key: str, customer_id: int) -> str:
    """The points still pending with the old app, held here and posted under this key
    when released: among the import's own keys, so a revert takes them back too."""
    return f"{posting_key(key, customer_id)}:pending"


def history_key(key: str, customer_id: int, line: int) -> str:
    """A history file's row (``line``) posted for the customer."""
    return f"{posting_key(key, customer_id)}:h{line}"


# reasons a history row gives for points that expired (not posted: lots expire by date);
# our own export writes ``expire`` (the entry's kind, then any text after a colon)
_EXPIRY_REASONS = frozenset({"expire", "expired", "expiry", "expiration", "points expired"})


# reasons a history row gives for points taken back from an earning (a refunded or
# cancelled order): posted as a ``reversal``, so what the customer earned goes down as
# it did there; our own export writes ``reversal``
_REVERSAL_REASONS = frozenset({"reversal", "refund", "refunded", "order refunded", "cancelled", "canceled"})


def _said(reason: str | None) -> tuple[str, str]:
    said = (reason or "").strip().lower()
    return said, said.split(":", 1)[0].strip()


def is_expiry(reason: str | None) -> bool:
    said, kind = _said(reason)
    return said in _EXPIRY_REASONS or kind in _EXPIRY_REASONS


# reasons a history row gives for points spent on a reward (our export writes ``redeem``)
_REDEMPTION_REASONS = frozenset({"redeem", "redemption", "redeemed", "reward"})


def is_redemption(reason: str | None) -> bool:
    said, kind = _said(reason)
    return said in _REDEMPTION_REASONS or kind in _REDEMPTION_REASONS


def redemption_ref(import_id: int, line: int) -> str:
    """The source reference of a redemption a history file brings (one per row): what a
    return of it names, to refill the lots it emptied."""
    return f"import:{import_id}:h{line}"


def is_reversal(reason: str | None) -> bool:
    said, kind = _said(reason)
    return said in _REVERSAL_REASONS or kind in _REVERSAL_REASONS


def consent_actor(import_id: int) -> str:
    """Who recorded the consents an import's file states (and takes them back on its
    revert), as the audit trail and the consents history name it."""
    return f"import:{import_id}"
