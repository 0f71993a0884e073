"""All SQL of the imports context: the import jobs and their staged rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection, refresh_statistics


@dataclass(frozen=True, slots=True)
class ImportRecord:
    merchant_id: int
    id: int
    source: str
    status: str
    mapping: dict[str, Any]
    file_name: str | None
    file_bytes: int | None
    upload_expires_at: datetime | None
    file_sha256: str | None
    dry_run: bool
    counts: dict[str, Any]
    rows_done: int
    rows_total: int | None
    errors: list[Any]
    has_error_report: bool
    last_error: str | None
    requested_by: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    reverted_at: datetime | None
    history_file_name: str | None = None
    history_file_bytes: int | None = None
    create_tiers: bool = False
    history_sha256: str | None = None
    expects_history: bool = False


_COLUMNS = (
    "merchant_id, id, source, status, mapping, file_name, "
    "file_bytes, upload_expires_at, file_sha256, dry_run,"
    " counts, rows_done, rows_total, errors, error_report_enc "
    "IS NOT NULL, last_error, requested_by, attempts,"
    " created_at, started_at, heartbeat_at, finished_at, reverted_at,"
    " history_file_name, history_file_bytes, create_tiers, history_sha256, expects_history"
)


def _record(row: Any) -> ImportRecord:
    return ImportRecord(*row)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


async def create(
    session: AsyncSession,
    *,
    merchant_id: int,
    source: str,
    status: str,
    mapping: dict[str, str],
    file_name: str | None,
    dry_run: bool,
    requested_by: str,
    upload_expires_at: datetime | None,
    now: datetime,
    create_tiers: bool = False,
    expects_history: bool = False,
) -> ImportRecord:
    row = (
        await session.execute(
            text(
                "INSERT INTO imports (merchant_id, source, status, mapping, file_name, dry_run, requested_by,"
                " upload_expires_at, created_at, create_tiers, expects_history) VALUES (:m, "
                ":source, :status, CAST(:mapping AS jsonb), :name,"
                f" :dry, :by, :expires, :now, :create_tiers, :expects_history) RETURNING {_COLUMNS}"
            ),
            {
                "create_tiers": create_tiers,
                "expects_history": expects_history,
                "m": merchant_id,
                "source": source,
                "status": status,
                "mapping": _json(mapping),
                "name": file_name,
                "dry": dry_run,
                "by": requested_by,
                "expires": upload_expires_at,
                "now": now,
            },
        )
    ).one()
    return _record(row)


async def get(session: AsyncSession, merchant_id: int, import_id: int) -> ImportRecord | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM imports WHERE merchant_id = :m AND id = :id"),
            {"m": merchant_id, "id": import_id},
        )
    ).one_or_none()
    return None if row is None else _record(row)


async def list_page(
    session: AsyncSession, merchant_id: int, *, first: int, after: int | None
) -> tuple[list[ImportRecord], bool]:
    rows = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM imports WHERE merchant_id = :m AND (CAST(:after AS bigint) IS NULL"
                " OR id < :after) ORDER BY id DESC LIMIT :limit"
            ),
            {"m": merchant_id, "after": after, "limit": first + 1},
        )
    ).all()
    found = [_record(r) for r in rows]
    return found[:first], len(found) > first


async def count(session: AsyncSession, merchant_id: int) -> int:
    return int(
        (
            await session.execute(
                text("SELECT count(*) FROM imports WHERE merchant_id = :m"), {"m": merchant_id}
            )
        ).scalar_one()
    )


async def uploaded(
    session: AsyncSession, merchant_id: int, import_id: int, *, file_bytes: int, sha256: str, now: datetime
) -> bool:
    """The file of an import waiting for it arrived (False: the import is not waiting
    any more, or its link expired)."""
    result = await session.execute(
        text(
            "UPDATE imports SET status = 'uploaded', file_bytes = :size, file_sha256 = :sha"
            " WHERE merchant_id = :m AND id = :id AND status = 'awaiting_upload'"
            " AND (upload_expires_at IS NULL OR upload_expires_at > :now)"
        ),
        {"m": merchant_id, "id": import_id, "size": file_bytes, "sha": sha256, "now": now},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def history_received(
    session: AsyncSession,
    merchant_id: int,
    import_id: int,
    *,
    file_name: str | None,
    file_bytes: int,
    sha256: str,
) -> bool:
    """The import's points-history file is in (before its customer file: validation
    starts with that one). False: the import is not waiting for it (its link used)."""
    result = await session.execute(
        text(
            "UPDATE imports SET history_file_name = :name, history_file_bytes = :size, history_sha256 = :sha"
            " WHERE merchant_id = :m AND id = :id AND status = 'awaiting_upload'"
            " AND history_sha256 IS NULL"
        ),
        {"m": merchant_id, "id": import_id, "name": file_name, "size": file_bytes, "sha": sha256},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim(
    session: AsyncSession,
    merchant_id: int,
    import_id: int,
    *,
    from_statuses: Sequence[str],
    to_status: str,
    now: datetime,
    stale: datetime,
) -> ImportRecord | None:
    """Take the import for a worker: from one of ``from_statuses`` (or ``to_status`` with
    a worker gone quiet since ``stale``) to ``to_status``. None: not in a state to take,
    or another import of the shop is running (one at a time)."""
    try:
        async with session.begin_nested():
            row = (
                await session.execute(
                    text(
                        f"UPDATE imports SET status = :to, started_at = coalesce(started_at, :now),"
                        f" heartbeat_at = :now, attempts = attempts + 1, last_error = NULL"
                        f" WHERE merchant_id = :m AND id = :id AND (status = ANY(:from)"
                        f" OR (status = :to AND heartbeat_at < :stale)) RETURNING {_COLUMNS}"
                    ),
                    {
                        "m": merchant_id,
                        "id": import_id,
                        "to": to_status,
                        "from": list(from_statuses),
                        "now": now,
                        "stale": stale,
                    },
                )
            ).one_or_none()
    except IntegrityError:
        return None  # another import of the shop is running
    return None if row is None else _record(row)


async def progress(
    session: AsyncSession, merchant_id: int, import_id: int, *, rows_done: int, now: datetime
) -> None:
    await session.execute(
        text("UPDATE imports SET rows_done = :done, heartbeat_at = :now WHERE merchant_id = :m AND id = :id"),
        {"m": merchant_id, "id": import_id, "done": rows_done, "now": now},
    )


async def finish(
    session: AsyncSession,
    merchant_id: int,
    import_id: int,
    *,
    status: str,
    now: datetime,
    counts: dict[str, Any] | None = None,
    rows_total: int | None = None,
    errors: list[Any] | None = None,
    error_report_enc: str | None = None,
    last_error: str | None = None,
) -> None:
    await session.execute(
        text(
            "UPDATE imports SET status = CAST(:status AS varchar), finished_at = :now, heartbeat_at = :now,"
            " counts = coalesce(CAST(:counts AS jsonb), counts),"
            " rows_total = coalesce(CAST(:total AS bigint), rows_total),"
            " errors = coalesce(CAST(:errors AS jsonb), errors),"
            " error_report_enc = coalesce(CAST(:report AS text), error_report_enc),"
            " last_error = CAST(:error AS text),"
            " reverted_at = CASE WHEN CAST(:status AS varchar) = 'reverted' THEN :now ELSE reverted_at END"
            " WHERE merchant_id = :m AND id = :id"
        ),
        {
            "m": merchant_id,
            "id": import_id,
            "status": status,
            "now": now,
            "counts": None if counts is None else _json(counts),
            "total": rows_total,
            "errors": None if errors is None else _json(errors),
            "report": error_report_enc,
            "error": last_error,
        },
    )


async def error_report(session: AsyncSession, merchant_id: int, import_id: int) -> str | None:
    return (
        await session.execute(
            text("SELECT error_report_enc FROM imports WHERE merchant_id = :m AND id = :id"),
            {"m": merchant_id, "id": import_id},
        )
    ).scalar_one_or_none()


async def reverted_before(session: AsyncSession, merchant_id: int, file_sha256: str) -> int:
    """How many imports of this file the shop reverted (the generation of its keys)."""
    return int(
        (
            await session.execute(
                text(
                    "SELECT count(*) FROM imports WHERE merchant_id = :m AND file_sha256 = :sha"
                    " AND status = 'reverted'"
                ),
                {"m": merchant_id, "sha": file_sha256},
            )
        ).scalar_one()
    )


# --- staged rows ------------------------------------------------------------------------

STAGED_COLUMNS = (
    "merchant_id",
    "import_id",
    "line",
    "shopify_customer_id",
    "customer_email_enc",
    "email_bidx",
    "customer_first_name_enc",
    "customer_last_name_enc",
    "points",
    "accepts_email_marketing",
    "accepts_sms_marketing",
    "customer_id",
    "lifetime_points",
    "tier_id",
    "tier_name",
    "birthday_enc",
    "referral_code",
    "email_ident",
    "points_pending",
)


# one index probe per value (a LATERAL subquery; ``OFFSET 0`` keeps the planner from
# pulling it up into a join): a join planned from the statistics of the table
# the validation is filling read every staged row of the import per chunk (0.24 s a
# chunk at 300,000 rows, growing with them: two minutes of a million rows' validation).
# The first line is taken outside the probe: ``min()`` inside is planned as a walk of
# the import's lines in order until one matches, all of them for a value not staged.
_STAGED_LINES = """
SELECT k.bidx, NULL::bigint, min(f.line) FROM unnest($3::text[]) AS k(bidx)
CROSS JOIN LATERAL (
    SELECT r.line FROM import_rows r
    WHERE r.merchant_id = $1 AND r.import_id = $2 AND r.email_bidx = k.bidx OFFSET 0
) AS f GROUP BY k.bidx
UNION ALL
SELECT NULL, k.id, min(f.line) FROM unnest($4::bigint[]) AS k(id)
CROSS JOIN LATERAL (
    SELECT r.line FROM import_rows r
    WHERE r.merchant_id = $1 AND r.import_id = $2 AND r.shopify_customer_id = k.id OFFSET 0
) AS f GROUP BY k.id
"""


async def staged_lines(
    session: AsyncSession,
    merchant_id: int,
    import_id: int,
    *,
    emails: Sequence[str],
    shopify_ids: Sequence[int],
) -> tuple[dict[str, int], dict[int, int]]:
    """The first staged line of each of these email indexes and Shopify ids (the rows of
    the import's earlier chunks): ({email index: line}, {Shopify id: line})."""
    if not emails and not shopify_ids:
        return {}, {}
    connection = await driver_connection(session)
    records = await connection.fetch(
        _STAGED_LINES, merchant_id, import_id, sorted(set(emails)), sorted(set(shopify_ids))
    )
    by_email = {str(b): int(line) for b, i, line in records if b is not None}
    by_id = {int(i): int(line) for b, i, line in records if i is not None}
    return by_email, by_id


_CUSTOMER_LINES = """
SELECT k.id, min(f.line) FROM unnest($3::bigint[]) AS k(id)
CROSS JOIN LATERAL (
    SELECT r.line FROM import_rows r
    WHERE r.merchant_id = $1 AND r.import_id = $2 AND r.customer_id = k.id AND (r.applied OR NOT $4)
    OFFSET 0
) AS f GROUP BY k.id
"""


async def customer_lines(
    session: AsyncSession,
    merchant_id: int,
    import_id: int,
    customer_ids: Sequence[int],
    *,
    applied_only: bool = False,
) -> dict[int, int]:
    """{customer id: the first line of the import naming them}, among its rows staged
    (matched at validation) or applied (matched or created then); ``applied_only``:
    among the rows applied (earlier chunks of a running import)."""
    if not customer_ids:
        return {}
    connection = await driver_connection(session)
    records = await connection.fetch(
        _CUSTOMER_LINES, merchant_id, import_id, sorted(set(customer_ids)), applied_only
    )
    return {int(c): int(line) for c, line in records}


async def add_errors(
    session: AsyncSession, merchant_id: int, import_id: int, errors: list[dict[str, Any]], *, limit: int
) -> None:
    """Row errors found after validation, after the first ones (``limit`` kept in all)."""
    connection = await driver_connection(session)
    await connection.execute(
        "UPDATE imports SET errors = (SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM"
        " jsonb_array_elements(coalesce(errors, '[]'::jsonb) || $3::jsonb) WITH ORDINALITY AS x(e, n)"
        " WHERE n <= $4) WHERE merchant_id = $1 AND id = $2",
        merchant_id,
        import_id,
        _json(errors),
        limit,
    )


async def stage(session: AsyncSession, records: Sequence[tuple[Any, ...]]) -> None:
    """Rows in ``STAGED_COLUMNS`` order, by COPY (a validation of a million rows)."""
    connection = await driver_connection(session)
    await connection.copy_records_to_table("import_rows", records=records, columns=STAGED_COLUMNS)


async def clear_staged(session: AsyncSession, merchant_id: int, import_id: int) -> int:
    params = {"m": merchant_id, "id": import_id}
    await session.execute(
        text("DELETE FROM import_history_rows WHERE merchant_id = :m AND import_id = :id"), params
    )
    result = await session.execute(
        text("DELETE FROM import_rows WHERE merchant_id = :m AND import_id = :id"), params
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


HISTORY_COLUMNS = (
    "merchant_id",
    "import_id",
    "line",
    "shopify_customer_id",
    "email_ident",
    "points",
    "occurred_at",
    "reason",
    "expires_at",
    "entry_ref",
    "takes_from_ref",
    "shortfall",
)


async def stage_history(session: AsyncSession, records: Sequence[tuple[Any, ...]]) -> None:
    """History rows in ``HISTORY_COLUMNS`` order, by COPY."""
    connection = await driver_connection(session)
    await connection.copy_records_to_table("import_history_rows", records=records, columns=HISTORY_COLUMNS)


# each history row to the customer row it belongs to: by Shopify id first, then email
_MATCH_HISTORY_BY_ID = """
UPDATE import_history_rows h SET row_line = r.line
FROM import_rows r
WHERE h.merchant_id = $1 AND h.import_id = $2 AND h.row_line IS NULL
  AND r.merchant_id = $1 AND r.import_id = $2 AND h.shopify_customer_id IS NOT NULL
  AND r.shopify_customer_id = h.shopify_customer_id
"""
_MATCH_HISTORY_BY_EMAIL = """
UPDATE import_history_rows h SET row_line = r.line
FROM import_rows r
WHERE h.merchant_id = $1 AND h.import_id = $2 AND h.row_line IS NULL
  AND r.merchant_id = $1 AND r.import_id = $2 AND h.email_ident IS NOT NULL
  AND r.email_ident = h.email_ident
"""
_UNMATCHED_HISTORY = """
SELECT line FROM import_history_rows
WHERE merchant_id = $1 AND import_id = $2 AND row_line IS NULL ORDER BY line LIMIT $3
"""
_DROP_UNMATCHED_HISTORY = """
WITH gone AS (
    DELETE FROM import_history_rows WHERE merchant_id = $1 AND import_id = $2 AND row_line IS NULL
    RETURNING 1
)
SELECT count(*) FROM gone
"""


async def match_history(
    session: AsyncSession, merchant_id: int, import_id: int, *, report: int
) -> tuple[int, list[int]]:
    """Tie history rows to customer rows; the rows that belong to nobody in the
    customer file are removed: returns (how many, the first ``report`` of their lines)."""
    connection = await driver_connection(session)
    await connection.execute(_MATCH_HISTORY_BY_ID, merchant_id, import_id)
    await connection.execute(_MATCH_HISTORY_BY_EMAIL, merchant_id, import_id)
    lines = [int(r[0]) for r in await connection.fetch(_UNMATCHED_HISTORY, merchant_id, import_id, report)]
    dropped = int(await connection.fetchval(_DROP_UNMATCHED_HISTORY, merchant_id, import_id))
    return dropped, lines


@dataclass(frozen=True, slots=True)
class HistoryRow:
    row_line: int
    line: int
    points: int
    occurred_at: datetime | None
    reason: str | None
    expires_at: datetime | None
    entry_ref: int | None = None
    takes_from_ref: int | None = None
    shortfall: int | None = None


async def history_of(
    session: AsyncSession, merchant_id: int, import_id: int, row_lines: Sequence[int]
) -> list[HistoryRow]:
    """The history rows of these customer rows, each customer's in the order they
    happened (undated rows where the file has them)."""
    if not row_lines:
        return []
    connection = await driver_connection(session)
    records = await connection.fetch(
        "SELECT row_line, line, points, occurred_at, reason, expires_at, entry_ref, takes_from_ref, shortfall"
        " FROM import_history_rows"
        " WHERE merchant_id = $1 AND import_id = $2 AND row_line = ANY($3::bigint[])"
        " ORDER BY row_line, occurred_at NULLS LAST, line",
        merchant_id,
        import_id,
        list(row_lines),
    )
    return [HistoryRow(*r) for r in records]


@dataclass(frozen=True, slots=True)
class StagedRow:
    line: int
    shopify_customer_id: int | None
    # sealed as the customers' own (rows staged since 0033)
    customer_email_enc: str | None
    email_bidx: str | None
    customer_first_name_enc: str | None
    customer_last_name_enc: str | None
    # under the staged rows' own AAD (rows staged before 0033)
    email_enc: str | None
    first_name_enc: str | None
    last_name_enc: str | None
    points: int
    customer_id: int | None
    created_customer: bool
    accepts_email_marketing: bool | None
    accepts_sms_marketing: bool | None
    lifetime_points: int | None
    tier_id: int | None
    tier_name: str | None
    birthday_enc: str | None
    referral_code: str | None
    prior_tier_id: int | None
    tier_placed: bool
    birthday_set: bool
    code_kept: bool
    points_pending: int


_STAGED_ROW_COLUMNS = (
    "line, shopify_customer_id, customer_email_enc, email_bidx, customer_first_name_enc,"
    " customer_last_name_enc, email_enc, first_name_enc, last_name_enc, points, customer_id,"
    " created_customer, accepts_email_marketing, accepts_sms_marketing, lifetime_points, tier_id,"
    " tier_name, birthday_enc, referral_code, prior_tier_id, tier_placed, birthday_set, code_kept,"
    " points_pending"
)


async def pending(session: AsyncSession, merchant_id: int, import_id: int, *, limit: int) -> list[StagedRow]:
    """The next rows not applied yet, in file order, locked for this worker."""
    rows = (
        await session.execute(
            text(
                f"SELECT {_STAGED_ROW_COLUMNS}"
                " FROM import_rows WHERE merchant_id = :m AND import_id = :id AND NOT applied"
                " ORDER BY line LIMIT :limit FOR UPDATE SKIP LOCKED"
            ),
            {"m": merchant_id, "id": import_id, "limit": limit},
        )
    ).all()
    return [StagedRow(*r) for r in rows]


async def applied_after(
    session: AsyncSession, merchant_id: int, import_id: int, *, after: int, limit: int
) -> list[StagedRow]:
    """Rows an import applied, in file order after line ``after`` (what a revert takes back)."""
    rows = (
        await session.execute(
            text(
                f"SELECT {_STAGED_ROW_COLUMNS}"
                " FROM import_rows WHERE merchant_id = :m AND import_id = :id AND applied"
                " AND line > :after ORDER BY line LIMIT :limit"
            ),
            {"m": merchant_id, "id": import_id, "after": after, "limit": limit},
        )
    ).all()
    return [StagedRow(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What applying one row did (what its revert takes back)."""

    line: int
    # None: skipped, an earlier row of the file was imported into its customer
    customer_id: int | None
    created: bool
    tier_id: int | None = None
    prior_tier_id: int | None = None
    tier_placed: bool = False
    birthday_set: bool = False
    code_kept: bool = False


async def mark_applied(
    session: AsyncSession, merchant_id: int, import_id: int, outcomes: Sequence[RowOutcome]
) -> None:
    """Each row applied and what it did: one statement for the chunk."""
    if not outcomes:
        return
    connection = await driver_connection(session)
    await connection.execute(
        "UPDATE import_rows r SET applied = true, customer_id = o.customer_id, created_customer = o.created,"
        " prior_tier_id = o.prior_tier_id, tier_placed = o.tier_placed, birthday_set = o.birthday_set,"
        " code_kept = o.code_kept, tier_id = o.tier_id"
        " FROM unnest($3::bigint[], $4::bigint[], $5::boolean[], $6::bigint[], $7::boolean[],"
        " $8::boolean[], $9::boolean[], $10::bigint[])"
        " AS o(line, customer_id, created, prior_tier_id, tier_placed, birthday_set, code_kept, tier_id)"
        " WHERE r.merchant_id = $1 AND r.import_id = $2 AND r.line = o.line"
        # the chunk's range of lines: whatever join is planned, it reads the chunk's rows,
        # not every row of the import (a hash join over them all: 0.6 s at 300,000)
        " AND r.line BETWEEN $11 AND $12",
        merchant_id,
        import_id,
        [o.line for o in outcomes],
        [o.customer_id for o in outcomes],
        [o.created for o in outcomes],
        [o.prior_tier_id for o in outcomes],
        [o.tier_placed for o in outcomes],
        [o.birthday_set for o in outcomes],
        [o.code_kept for o in outcomes],
        [o.tier_id for o in outcomes],
        min(o.line for o in outcomes),
        max(o.line for o in outcomes),
    )


async def staged_counts(session: AsyncSession, merchant_id: int, import_id: int) -> tuple[int, int, int]:
    """(rows, rows matched to a customer already, points) of an import's staged rows."""
    row = (
        await session.execute(
            text(
                "SELECT count(*), count(customer_id), coalesce(sum(points), 0) FROM import_rows"
                " WHERE merchant_id = :m AND import_id = :id"
            ),
            {"m": merchant_id, "id": import_id},
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def set_dry_run(session: AsyncSession, merchant_id: int, import_id: int, *, dry_run: bool) -> None:
    await session.execute(
        text("UPDATE imports SET dry_run = :dry WHERE merchant_id = :m AND id = :id"),
        {"m": merchant_id, "id": import_id, "dry": dry_run},
    )


async def start_applying(
    session: AsyncSession, merchant_id: int, import_id: int, *, key: str, counted: Sequence[str]
) -> None:
    """An import's first attempt at applying: its key kept, what applying counts (and
    ``rows_done``) from zero."""
    await session.execute(
        text(
            "UPDATE imports SET counts = counts || CAST(:start AS jsonb), rows_done = 0"
            " WHERE merchant_id = :m AND id = :id"
        ),
        {"m": merchant_id, "id": import_id, "start": _json({"key": key, **dict.fromkeys(counted, 0)})},
    )


async def chunk_applied(
    session: AsyncSession,
    merchant_id: int,
    import_id: int,
    *,
    rows: int,
    added: dict[str, int],
    now: datetime,
) -> None:
    """A chunk's rows and counts added to the import's, in the chunk's transaction (the
    chunks of an import commit side by side: each adds, none writes a total)."""
    connection = await driver_connection(session)
    await connection.execute(
        "UPDATE imports SET rows_done = rows_done + $3, heartbeat_at = $4,"
        " counts = counts || (SELECT jsonb_object_agg(a.key, coalesce((counts ->> a.key)::bigint, 0)"
        " + a.value) FROM unnest($5::text[], $6::bigint[]) AS a(key, value))"
        " WHERE merchant_id = $1 AND id = $2",
        merchant_id,
        import_id,
        rows,
        now,
        list(added),
        list(added.values()),
    )


async def save_counts(
    session: AsyncSession, merchant_id: int, import_id: int, counts: dict[str, Any]
) -> None:
    await session.execute(
        text("UPDATE imports SET counts = CAST(:counts AS jsonb) WHERE merchant_id = :m AND id = :id"),
        {"m": merchant_id, "id": import_id, "counts": _json(counts)},
    )


async def forget_customer(session: AsyncSession, merchant_id: int, customer_id: int) -> int:
    result = await session.execute(
        text(
            "UPDATE import_rows SET email_enc = NULL, first_name_enc = NULL, last_name_enc = NULL,"
            " birthday_enc = NULL, email_ident = NULL, customer_email_enc = NULL, email_bidx = NULL,"
            " customer_first_name_enc = NULL, customer_last_name_enc = NULL"
            " WHERE merchant_id = :m AND customer_id = :c"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def refresh_staged_statistics() -> None:
    """Fresh planner statistics for the staged rows (see ``platform.db.refresh_statistics``)."""
    await refresh_statistics(("import_rows",))
