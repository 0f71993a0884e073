"""Reads for GraphQL and DataLoaders: balances and ledger pages (on a
``platform.db.plain_connection``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loyalnest.contexts.points.repository.postings import LEDGER_COLUMNS, LedgerRow, ledger_row


@dataclass(frozen=True, slots=True)
class AccountRow:
    customer_id: int
    balance: int
    lifetime_earned: int


# --- reads (GraphQL, DataLoaders) -----------------------------------------------------

_ACCOUNTS = """
SELECT customer_id, balance, lifetime_earned FROM points_accounts
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
"""


async def get_accounts(connection: Any, merchant_id: int, customer_ids: Sequence[int]) -> list[AccountRow]:
    """On a ``platform.db.plain_connection`` (DataLoader batch)."""
    records = await connection.fetch(_ACCOUNTS, merchant_id, list(customer_ids))
    return [AccountRow(int(c), int(b), int(lt)) for c, b, lt in records]


_ENTRIES = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2
ORDER BY id DESC LIMIT $3
"""
# A page between two ids (either may be null), read from the newest end or, paging
# backwards, from the oldest (ascending, reversed by the caller): both are one range
# scan of (merchant_id, customer_id, id).
_ENTRIES_BETWEEN = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2
  AND ($4::bigint IS NULL OR id < $4) AND ($5::bigint IS NULL OR id > $5)
ORDER BY id DESC LIMIT $3
"""
_ENTRIES_BETWEEN_OLDEST_FIRST = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2
  AND ($4::bigint IS NULL OR id < $4) AND ($5::bigint IS NULL OR id > $5)
ORDER BY id LIMIT $3
"""


async def list_entries(
    connection: Any,
    merchant_id: int,
    customer_id: int,
    *,
    before_id: int | None,
    limit: int,
    after_id: int | None = None,
    oldest_first: bool = False,
) -> list[LedgerRow]:
    """Keyset-paginated on the id: entries with ``after_id < id < before_id``, newest
    first, or the oldest ``limit`` of them first with ``oldest_first`` (on a
    ``platform.db.plain_connection``)."""
    if oldest_first:
        records = await connection.fetch(
            _ENTRIES_BETWEEN_OLDEST_FIRST, merchant_id, customer_id, limit, before_id, after_id
        )
    elif before_id is None and after_id is None:
        records = await connection.fetch(_ENTRIES, merchant_id, customer_id, limit)
    else:
        records = await connection.fetch(
            _ENTRIES_BETWEEN, merchant_id, customer_id, limit, before_id, after_id
        )
    return [ledger_row(r) for r in records]


_COUNT_ENTRIES = """
SELECT customer_id, count(*) FROM points_ledger
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
GROUP BY customer_id
"""


async def count_entries(connection: Any, merchant_id: int, customer_ids: Sequence[int]) -> dict[int, int]:
    """{customer id: ledger rows} for customers with any (DataLoader batch, on a
    ``platform.db.plain_connection``)."""
    records = await connection.fetch(_COUNT_ENTRIES, merchant_id, sorted(set(customer_ids)))
    return {int(customer_id): int(n) for customer_id, n in records}


_ENTRIES_BY_ID = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND id = ANY($2::bigint[])
"""


async def get_entries(connection: Any, merchant_id: int, entry_ids: Sequence[int]) -> list[LedgerRow]:
    """The shop's ledger rows with these ids (DataLoader batch, on a
    ``platform.db.plain_connection``)."""
    records = await connection.fetch(_ENTRIES_BY_ID, merchant_id, sorted(set(entry_ids)))
    return [ledger_row(r) for r in records]


# one index range scan per customer (merchant_id, customer_id, id), newest first
_ENTRIES_FOR_CUSTOMERS = f"""
SELECT e.* FROM unnest($2::bigint[]) AS c(customer_id)
CROSS JOIN LATERAL (
    SELECT {LEDGER_COLUMNS} FROM points_ledger l
    WHERE l.merchant_id = $1 AND l.customer_id = c.customer_id
    ORDER BY l.id DESC LIMIT $3
) e
ORDER BY e.customer_id, e.id DESC
"""


async def list_entries_for_customers(
    connection: Any, merchant_id: int, customer_ids: Sequence[int], *, limit: int
) -> list[LedgerRow]:
    """The newest ``limit`` entries of each customer in one query (DataLoader batch, on
    a ``platform.db.plain_connection``)."""
    records = await connection.fetch(_ENTRIES_FOR_CUSTOMERS, merchant_id, sorted(set(customer_ids)), limit)
    return [ledger_row(r) for r in records]
