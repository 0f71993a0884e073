"""Deleting old rows a bounded batch at a time (the privacy context's retention pass
asks each context to delete its own; the statement's shape is the same everywhere).

It works across shops at once: housekeeping by age, not a tenant's read or write. Shops
may set their own limits, so a pass covers ``Shops``: the few with a limit of their
own (``only``), or every shop but those (the default limit's pass).

Rows are taken by ``ctid``, the first ``limit`` matching in the table's physical order:
append-mostly tables keep their oldest rows at the front, so each batch finds them
early; a batch is one statement of the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class Shops:
    """The shops a pass covers: ``only`` the ``ids``, or every shop except them."""

    ids: tuple[int, ...] = ()
    only: bool = False

    def clause(self, parameter: str) -> str:
        """The condition on ``merchant_id`` (``parameter``: the placeholder of ``ids``)."""
        if self.only:
            return f" AND merchant_id = ANY({parameter}::bigint[])"
        if self.ids:
            return f" AND merchant_id <> ALL({parameter}::bigint[])"
        return f" AND cardinality({parameter}::bigint[]) = 0"


EVERY_SHOP = Shops()


async def delete_older(
    session: AsyncSession,
    table: str,
    predicate: str,
    cutoff: datetime,
    *,
    limit: int,
    shops: Shops = EVERY_SHOP,
) -> int:
    """Delete up to ``limit`` rows of ``table`` of ``shops`` where ``predicate`` holds
    (a code constant; ``$1`` is ``cutoff``); returns how many went."""
    connection = await driver_connection(session)
    where = f"({predicate}){shops.clause('$3')}"
    status = await connection.execute(
        f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {where} LIMIT $2))",
        cutoff,
        limit,
        list(shops.ids),
    )
    return int(status.rsplit(" ", 1)[-1])


async def count_older(
    session: AsyncSession, table: str, predicate: str, cutoff: datetime, *, shops: Shops = EVERY_SHOP
) -> int:
    """How many rows ``delete_older`` would delete, in all."""
    connection = await driver_connection(session)
    where = f"({predicate}){shops.clause('$2')}"
    return int(
        await connection.fetchval(f"SELECT count(*) FROM {table} WHERE {where}", cutoff, list(shops.ids))
    )
