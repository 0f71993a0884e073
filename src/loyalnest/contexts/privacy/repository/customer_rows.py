"""A customer's rows, everywhere: what a data request exports.

Like the shop deletion (``shop_rows``), this walks the catalog instead of naming
tables, so a table a later issue adds is in the export without a line here: every
table with a column that names a customer of ours (``customer_id``, or ``<role>_customer_id``
such as a referral's advocate and friend), read by that column within the shop. Three
kinds of rows name the customer otherwise and are read by name: the profile itself
(``customers``, by its id), the privacy requests about them (by the Shopify customer id
they name) and audit entries whose target is the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.privacy.repository.requests import LOG_TABLE

# bigint/integer columns called customer_id or *_customer_id, in tables that also hold
# merchant_id (every tenant table does)
_CUSTOMER_COLUMNS = """
SELECT c.relname, a.attname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND (a.attname = 'customer_id' OR a.attname LIKE '%\\_customer\\_id')
  AND a.attname <> 'shopify_customer_id'
  AND a.atttypid IN ('bigint'::regtype, 'integer'::regtype)
  AND EXISTS (
    SELECT 1 FROM pg_attribute m
    WHERE m.attrelid = c.oid AND m.attname = 'merchant_id' AND NOT m.attisdropped
  )
ORDER BY c.relname, a.attname
"""

PROFILE_TABLE = "customers"
AUDIT_TABLE = "audit_entries"


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rows of ``table`` are about the customer: ``where`` with the parameters
    ``:m`` (the shop), ``:c`` (our customer id, ``:ct`` as text) and ``:s`` (the
    Shopify customer id)."""

    table: str
    where: str


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def selections(session: AsyncSession) -> list[Selection]:
    """Every table holding rows about a customer, and how to find them, by table name."""
    columns: dict[str, list[str]] = {}
    for table, column in (await session.execute(text(_CUSTOMER_COLUMNS))).all():
        columns.setdefault(str(table), []).append(str(column))
    found = [
        Selection(table, " OR ".join(f"{_quoted(column)} = :c" for column in names))
        for table, names in columns.items()
    ]
    found += [
        Selection(PROFILE_TABLE, "id = :c"),
        Selection(LOG_TABLE, "customer_ref = :s"),
        Selection(AUDIT_TABLE, "target_type = 'Customer' AND target_id = :ct"),
    ]
    return sorted(found, key=lambda s: s.table)


async def read(
    session: AsyncSession, selection: Selection, *, merchant_id: int, customer_id: int, shopify_id: int | None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(column names, rows) of the customer's rows in one table, oldest first where the
    table has an ``id``."""
    sql = f"SELECT * FROM {_quoted(selection.table)} WHERE merchant_id = :m AND ({selection.where})"
    result = await session.execute(
        text(sql), {"m": merchant_id, "c": customer_id, "ct": str(customer_id), "s": shopify_id}
    )
    names = list(result.keys())
    rows = [tuple(row) for row in result.all()]
    if "id" in names:
        position = names.index("id")
        rows.sort(key=lambda row: row[position])
    return names, rows
