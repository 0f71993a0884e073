"""A shop with data in as many tables as the product fills, and the raw database's view
of a shop's rows: found through the catalog, not through the product's code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.bench.program import seed_program
from loyalnest.platform.db import read_session
from tests import payloads

# every base table with a column naming a shop: ``merchant_id`` or a foreign key to merchants
_SHOP_COLUMNS = """
SELECT c.table_name, c.column_name
FROM information_schema.columns c
JOIN information_schema.tables t USING (table_schema, table_name)
WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
  AND (c.column_name = 'merchant_id' OR (c.table_name, c.column_name) IN (
      SELECT kcu.table_name, kcu.column_name
      FROM information_schema.referential_constraints rc
      JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
      JOIN information_schema.constraint_column_usage ccu USING (constraint_schema, constraint_name)
      WHERE ccu.table_name = 'merchants' AND ccu.column_name = 'id'
  ))
ORDER BY 1, 2
"""


async def shop_rows(merchant_id: int) -> dict[str, int]:
    """{table: rows naming the shop} over every table of the schema (zeros left out),
    plus the ``merchants`` row itself."""
    counts: dict[str, int] = {}
    async with read_session() as session:
        columns: dict[str, list[str]] = {}
        for table, column in (await session.execute(text(_SHOP_COLUMNS))).all():
            columns.setdefault(table, []).append(column)
        for table, names in columns.items():
            where = " OR ".join(f'"{name}" = :m' for name in names)
            found = (
                await session.execute(
                    text(f'SELECT count(*) FROM "{table}" WHERE {where}'), {"m": merchant_id}
                )
            ).scalar()
            if found:
                counts[table] = int(found)
        merchant = (
            await session.execute(text("SELECT count(*) FROM merchants WHERE id = :m"), {"m": merchant_id})
        ).scalar()
        if merchant:
            counts["merchants"] = int(merchant)
    return counts


async def populate(shop: Any, drain: Any, *, orders: int = 12) -> None:
    """Tiers and campaigns (through their commands), orders with customers through the
    signed webhook route, a refund, a cancellation, and the RFM pass: ledger, lots,
    orders, tier history, notifications, campaign counters, analytics rows, audit."""
    await seed_program(shop.id, tier_count=3, campaign_count=10)
    for n in range(orders):
        body = payloads.order(
            9_000 + n, subtotal=f"{40 + 25 * n}.00", customer_body=payloads.customer(800 + n % 5)
        )
        assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    refund = payloads.refund(70_001, 9_003, subtotal="20.00")
    assert (await shop.webhook("refunds/create", refund)).status_code == 200
    assert (await shop.webhook("products/update", {"id": 555, "tags": "new, summer"})).status_code == 200
    await drain()
    await analytics.recompute_rfm(shop.id)
    await drain()
