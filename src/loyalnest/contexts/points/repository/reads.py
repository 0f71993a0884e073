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
_ENTRIES_BEFORE = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2 AND id < $4
ORDER BY id DESC LIMIT $3
"""


async def list_entries(
    connection: Any, merchant_id: int, customer_id: int, *, before_id: int | None, limit: int
) -> list[LedgerRow]:
    """Newest first, keyset-paginated on the id (on a ``platform.db.plain_connection``)."""
    if before_id is None:
        records = await connection.fetch(_ENTRIES, merchant_id, customer_id, limit)
    else:
        records = await connection.fetch(_ENTRIES_BEFORE, merchant_id, customer_id, limit, before_id)
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
