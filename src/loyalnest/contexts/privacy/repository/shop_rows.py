"""The shop's rows, everywhere: the one place in the product that walks the catalog
instead of naming tables. Completeness is its whole point, so every table holding a
column named ``merchant_id`` or a foreign key to ``merchants``, present and future, is
found there, and a new context's tables are covered without a line here (the
raw-database test checks the same catalog). Rows go in batches, each statement
bounded, children before the tables they reference, the ``merchants`` row last.
"""

from __future__ import annotations

import graphlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.privacy.repository.requests import LOG_TABLE

# Every base table of the schema with a column naming a shop: ``merchant_id``, or any
# single-column foreign key to ``merchants`` (a referral names the shop it referred).
_SHOP_COLUMNS = """
SELECT c.relname, a.attname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND (
    a.attname = 'merchant_id'
    OR EXISTS (
        SELECT 1 FROM pg_constraint k
        WHERE k.contype = 'f' AND k.conrelid = c.oid AND k.confrelid = 'merchants'::regclass
          AND k.conkey = ARRAY[a.attnum]
    )
  )
ORDER BY c.relname, a.attname
"""

_FOREIGN_KEYS = """
SELECT child.relname, parent.relname
FROM pg_constraint k
JOIN pg_class child ON child.oid = k.conrelid
JOIN pg_class parent ON parent.oid = k.confrelid
JOIN pg_namespace n ON n.oid = child.relnamespace
WHERE k.contype = 'f' AND n.nspname = current_schema() AND child.oid <> parent.oid
"""


async def shop_tables(session: AsyncSession) -> list[tuple[str, tuple[str, ...]]]:
    """(table, the columns naming a shop) of every table holding shop rows, the
    ``merchants`` table and the request log left out, in deletion order: a table
    before every table it references."""
    columns: dict[str, list[str]] = {}
    for table, column in (await session.execute(text(_SHOP_COLUMNS))).all():
        if table in ("merchants", LOG_TABLE):
            continue
        columns.setdefault(str(table), []).append(str(column))
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for table in columns:
        sorter.add(table)
    for child, parent in (await session.execute(text(_FOREIGN_KEYS))).all():
        if child in columns and parent in columns:
            sorter.add(str(parent), str(child))  # the child goes first
    ordered = list(sorter.static_order())
    return [(table, tuple(columns[table])) for table in ordered]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def delete_shop_rows(
    session: AsyncSession, table: str, columns: tuple[str, ...], merchant_id: int, *, limit: int
) -> int:
    """Delete up to ``limit`` rows of ``table`` naming the shop; returns how many."""
    where = " OR ".join(f"{_quoted(c)} = :m" for c in columns)
    sql = (
        f"DELETE FROM {_quoted(table)} WHERE ctid = ANY(ARRAY("
        f"SELECT ctid FROM {_quoted(table)} WHERE {where} LIMIT :limit))"
    )
    result = await session.execute(text(sql), {"m": merchant_id, "limit": limit})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def delete_merchant(session: AsyncSession, merchant_id: int) -> int:
    result = await session.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": merchant_id})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
