"""All SQL of the backfill runs; every statement is scoped by merchant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class RunRow:
    merchant_id: int
    id: int
    status: str
    since: datetime | None
    award_points_days: int
    requested_by: str
    phase: str
    bulk_operation_id: str | None
    lines_done: int
    customers_imported: int
    orders_imported: int
    orders_awarded: int
    error_code: str | None
    error_message: str | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


_COLUMNS = ", ".join(RunRow.__slots__)


async def insert_run(
    session: AsyncSession,
    merchant_id: int,
    *,
    since: datetime | None,
    award_points_days: int,
    requested_by: str,
) -> RunRow | None:
    """A queued run, or None when the shop has one queued or running (the partial
    unique index decides, in a savepoint so the caller's transaction goes on)."""
    try:
        async with session.begin_nested():
            result = await session.execute(
                text(
                    "INSERT INTO imports_shopify_backfills"
                    " (merchant_id, since, award_points_days, requested_by) "
                    f"VALUES (:m, :since, :days, :by) RETURNING {_COLUMNS}"
                ),
                {"m": merchant_id, "since": since, "days": award_points_days, "by": requested_by},
            )
            return RunRow(*result.one())
    except IntegrityError:
        return None


async def get_run(
    session: AsyncSession, merchant_id: int, run_id: int, *, lock: bool = False
) -> RunRow | None:
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM imports_shopify_backfills WHERE merchant_id = :m AND id = :id"
            + (" FOR UPDATE" if lock else "")
        ),
        {"m": merchant_id, "id": run_id},
    )
    row = result.one_or_none()
    return None if row is None else RunRow(*row)


async def latest_run(session: AsyncSession, merchant_id: int) -> RunRow | None:
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM imports_shopify_backfills WHERE merchant_id = :m"
            " ORDER BY id DESC LIMIT 1"
        ),
        {"m": merchant_id},
    )
    row = result.one_or_none()
    return None if row is None else RunRow(*row)


async def has_runs(session: AsyncSession, merchant_id: int) -> bool:
    result = await session.execute(
        text("SELECT EXISTS (SELECT 1 FROM imports_shopify_backfills WHERE merchant_id = :m)"),
        {"m": merchant_id},
    )
    return bool(result.scalar())


async def start_run(session: AsyncSession, merchant_id: int, run_id: int) -> RunRow | None:
    """queued -> running (a redelivered message of a running run resumes it); None for
    a run that has ended."""
    result = await session.execute(
        text(
            "UPDATE imports_shopify_backfills"
            " SET status = 'running', started_at = coalesce(started_at, now()) "
            f"WHERE merchant_id = :m AND id = :id AND status IN ('queued', 'running') RETURNING {_COLUMNS}"
        ),
        {"m": merchant_id, "id": run_id},
    )
    row = result.one_or_none()
    return None if row is None else RunRow(*row)


async def set_operation(
    session: AsyncSession, merchant_id: int, run_id: int, *, phase: str, bulk_operation_id: str | None
) -> None:
    """The phase's bulk operation started: its id, and no line of it done yet."""
    await session.execute(
        text(
            "UPDATE imports_shopify_backfills SET phase = :phase, bulk_operation_id = :op, lines_done = 0 "
            "WHERE merchant_id = :m AND id = :id"
        ),
        {"m": merchant_id, "id": run_id, "phase": phase, "op": bulk_operation_id},
    )


async def add_progress(
    session: AsyncSession,
    merchant_id: int,
    run_id: int,
    *,
    lines: int,
    customers: int = 0,
    orders: int = 0,
    awarded: int = 0,
) -> None:
    await session.execute(
        text(
            "UPDATE imports_shopify_backfills SET lines_done = lines_done + :lines, "
            "customers_imported = customers_imported + :c, orders_imported = orders_imported + :o, "
            "orders_awarded = orders_awarded + :a WHERE merchant_id = :m AND id = :id"
        ),
        {"m": merchant_id, "id": run_id, "lines": lines, "c": customers, "o": orders, "a": awarded},
    )


async def finish_run(
    session: AsyncSession,
    merchant_id: int,
    run_id: int,
    *,
    status: str,
    error_code: str | None = None,
    error_message: str | None = None,
) -> None:
    await session.execute(
        text(
            "UPDATE imports_shopify_backfills SET status = :status, finished_at = now(), "
            "phase = CASE WHEN :completed THEN 'done' ELSE phase END, "
            "error_code = :code, error_message = :message "
            "WHERE merchant_id = :m AND id = :id AND status IN ('queued', 'running')"
        ),
        {
            "m": merchant_id,
            "id": run_id,
            "status": status,
            "completed": status == "completed",
            "code": error_code,
            "message": None if error_message is None else error_message[:500],
        },
    )
