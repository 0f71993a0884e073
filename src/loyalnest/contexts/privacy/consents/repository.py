"""All SQL of consents; every statement is scoped by the shop."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.privacy.consents.rules import Latest


@dataclass(frozen=True, slots=True)
class ConsentRow:
    id: int
    customer_id: int
    type: str
    granted: bool
    source: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime


_COLUMNS = "id, customer_id, type, granted, source, actor, occurred_at, recorded_at"


def _row(r: Sequence[object]) -> ConsentRow:
    return ConsentRow(
        id=int(r[0]),  # type: ignore[call-overload]
        customer_id=int(r[1]),  # type: ignore[call-overload]
        type=str(r[2]),
        granted=bool(r[3]),
        source=str(r[4]),
        actor=str(r[5]),
        occurred_at=r[6],  # type: ignore[arg-type]
        recorded_at=r[7],  # type: ignore[arg-type]
    )


async def lock_customer(session: AsyncSession, merchant_id: int, customer_id: int) -> None:
    """Serialise the changes of one customer's consents until commit (two at once would
    both read the same latest row and both append)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('privacy_consents:' || :m || ':' || :c, 0))"),
        {"m": str(merchant_id), "c": str(customer_id)},
    )


async def latest_of(session: AsyncSession, merchant_id: int, customer_id: int) -> dict[str, Latest]:
    """The latest row of each type the customer has a row of (one index scan)."""
    result = await session.execute(
        text(
            "SELECT DISTINCT ON (type) type, granted, occurred_at, source FROM privacy_consents"
            " WHERE merchant_id = :m AND customer_id = :c ORDER BY type DESC, id DESC"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    return {str(r[0]): Latest(granted=bool(r[1]), occurred_at=r[2], source=str(r[3])) for r in result.all()}


async def last_two_of(
    session: AsyncSession, merchant_id: int, customer_id: int
) -> dict[str, list[ConsentRow]]:
    """Each type's latest row and the one before it, newest first (what a retraction
    compares and restores)."""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY type ORDER BY id DESC) AS n"
            " FROM privacy_consents WHERE merchant_id = :m AND customer_id = :c) AS r"
            " WHERE n <= 2 ORDER BY type, id DESC"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    found: dict[str, list[ConsentRow]] = {}
    for r in result.all():
        row = _row(r)
        found.setdefault(row.type, []).append(row)
    return found


async def standing_by(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], actor: str
) -> list[int]:
    """Of these customers, those whose current state of some type ``actor`` recorded
    (one statement for a chunk of customers: a retraction touches only them)."""
    result = await session.execute(
        text(
            "SELECT DISTINCT customer_id FROM ("
            " SELECT DISTINCT ON (customer_id, type) customer_id, actor FROM privacy_consents"
            " WHERE merchant_id = :m AND customer_id = ANY(CAST(:ids AS bigint[]))"
            " ORDER BY customer_id, type, id DESC) AS latest"
            " WHERE actor = :a ORDER BY customer_id"
        ),
        {"m": merchant_id, "ids": list(customer_ids), "a": actor},
    )
    return [int(r[0]) for r in result.all()]


async def forget(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> None:
    """The whole history of customers that no longer exist (removed by the context that
    created them, before they did anything)."""
    await session.execute(
        text(
            "DELETE FROM privacy_consents"
            " WHERE merchant_id = :m AND customer_id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"m": merchant_id, "ids": list(customer_ids)},
    )


async def current_rows(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> list[ConsentRow]:
    """The latest row of each type of each customer (a DataLoader batch)."""
    result = await session.execute(
        text(
            f"SELECT DISTINCT ON (customer_id, type) {_COLUMNS} FROM privacy_consents"
            " WHERE merchant_id = :m AND customer_id = ANY(CAST(:ids AS bigint[]))"
            " ORDER BY customer_id DESC, type DESC, id DESC"
        ),
        {"m": merchant_id, "ids": list(customer_ids)},
    )
    return [_row(r) for r in result.all()]


async def append(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    *,
    type_: str,
    granted: bool,
    source: str,
    actor: str,
    occurred_at: datetime,
) -> int:
    result = await session.execute(
        text(
            "INSERT INTO privacy_consents"
            " (merchant_id, customer_id, type, granted, source, actor, occurred_at)"
            " VALUES (:m, :c, :t, :g, :s, :a, :o) RETURNING id"
        ),
        {
            "m": merchant_id,
            "c": customer_id,
            "t": type_,
            "g": granted,
            "s": source,
            "a": actor,
            "o": occurred_at,
        },
    )
    return int(result.scalar_one())


async def history(
    session: AsyncSession, merchant_id: int, customer_id: int, *, first: int, before_id: int | None
) -> tuple[list[ConsentRow], int]:
    """Up to ``first + 1`` rows of the customer's history, newest first, older than
    ``before_id``; and how many rows the history holds."""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM privacy_consents WHERE merchant_id = :m AND customer_id = :c"
            " AND (CAST(:b AS bigint) IS NULL OR id < :b) ORDER BY id DESC LIMIT :n"
        ),
        {"m": merchant_id, "c": customer_id, "b": before_id, "n": first + 1},
    )
    rows = [_row(r) for r in result.all()]
    total = await session.execute(
        text("SELECT count(*) FROM privacy_consents WHERE merchant_id = :m AND customer_id = :c"),
        {"m": merchant_id, "c": customer_id},
    )
    return rows, int(total.scalar_one())
