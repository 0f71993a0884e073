"""A shop with data in as many tables as the product fills, and the raw database's view
of a shop's rows: found through the catalog, not through the product's code."""

from __future__ import annotations

import base64
import contextlib
import io
import uuid
import zipfile
import zlib
from typing import Any

from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.earning import api as earning
from loyalnest.devtools.bench.program import seed_program
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.key_rotation import encrypted_columns
from loyalnest.platform.redis import get_async_redis, key
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.campaigns import support as campaigns_support
from tests.contexts.support import scalar

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


# --- a person, their traces, and the raw database's and Redis's view of them ----------

_SCANNED_TYPES = ("text", "character varying", "json", "jsonb", "bytea")


def person() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    year, month, day = int(tag[:4], 16), int(tag[4:6], 16), int(tag[6:], 16)
    return {
        "email": f"zephyrine.{tag}@example.org",
        "first_name": f"Zephyrine{tag}",
        "last_name": f"Quillfeather{tag}",
        "phone": f"+1555{int(tag, 16) % 10_000_000:07d}",
        # a date no other test's customer has (the scan reads every shop)
        "birthday": f"{1901 + year % 39}-{1 + month % 12:02d}-{1 + day % 28:02d}",
    }


def _readable(value: str, contexts: list[bytes]) -> list[str]:
    """The value, and whatever any configured key opens it to (each declared context)."""
    found = [value]
    if ":" not in value[:40]:
        return found
    keyring = get_keyring()
    for context in contexts:
        try:
            plain = keyring.decrypt_bytes(value, context=context)
        except Exception:
            continue
        if plain[:1] == b"\x78":
            with contextlib.suppress(zlib.error):
                plain = zlib.decompress(plain)
        if plain[:2] == b"PK":  # a zip archive (a data request's): every file in it
            with contextlib.suppress(zipfile.BadZipFile), zipfile.ZipFile(io.BytesIO(plain)) as archive:
                found.extend(archive.read(name).decode(errors="replace") for name in archive.namelist())
        found.append(plain.decode(errors="replace"))
        with contextlib.suppress(ValueError, zlib.error):  # compressed, then base64 (exports)
            found.append(zlib.decompress(base64.b64decode(plain, validate=True)).decode(errors="replace"))
    return found


async def database_mentions(needles: list[str]) -> list[str]:
    """Every (table.column) whose value shows one of ``needles`` (case-insensitive)."""
    declared: dict[tuple[str, str], list[bytes]] = {}
    for spec in encrypted_columns():
        declared.setdefault((spec.table, spec.column), []).append(spec.context)
    hits: list[str] = []
    lowered = [n.lower() for n in needles]
    async with read_session() as session:
        columns = (
            await session.execute(
                text(
                    "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
                    " JOIN information_schema.tables t USING (table_schema, table_name)"
                    " WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
                    " AND c.data_type = ANY(:types) ORDER BY 1, 2"
                ),
                {"types": list(_SCANNED_TYPES)},
            )
        ).all()
        for table, column, data_type in columns:
            cast = f"encode(\"{column}\", 'escape')" if data_type == "bytea" else f'"{column}"::text'
            values = (
                await session.execute(text(f'SELECT {cast} FROM "{table}" WHERE "{column}" IS NOT NULL'))
            ).scalars()
            contexts = declared.get((table, column), [])
            for value in values:
                for readable in _readable(str(value), contexts):
                    if any(n in readable.lower() for n in lowered):
                        hits.append(f"{table}.{column}")
                        break
    return sorted(set(hits))


async def redis_mentions(needles: list[str]) -> list[str]:
    client = get_async_redis()
    hits = []
    lowered = [n.lower() for n in needles]
    async for name in client.scan_iter(match=key("*"), count=1000):
        shown = [name.decode(errors="replace")]
        if await client.type(name) == b"string":
            shown.append((await client.get(name) or b"").decode(errors="replace"))
        if any(n in s.lower() for s in shown for n in lowered):
            hits.append(name.decode(errors="replace"))
    return hits


async def customer_with_history(shop: Any, drain: Any, person: dict[str, str], shopify_id: int) -> int:
    body = payloads.customer(
        shopify_id,
        email=person["email"],
        first_name=person["first_name"],
        last_name=person["last_name"],
        phone=person["phone"],
        birthday=person["birthday"],
    )
    await campaigns_support.enable_rule(shop.id, "custom")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    for n in range(3):
        order = payloads.order(shopify_id * 10 + n, subtotal=f"{60 + 70 * n}.00", customer_body=body)
        assert (await shop.webhook("orders/create", order)).status_code == 200
    await drain()
    customer_id = int(
        await scalar(
            "select id from customers where merchant_id = :m and shopify_customer_id = :s",
            m=shop.id,
            s=shopify_id,
        )
    )
    async with unit_of_work() as uow:  # a staff note naming them, in the ledger and the audit trail
        await earning.award_custom(
            uow,
            merchant_id=shop.id,
            customer_id=customer_id,
            points_given=25,
            reason=f"sorry {person['first_name']} {person['last_name']}, {person['email']}",
            actor="staff:1",
            idempotency_key=uuid.uuid4().hex,
        )
    return customer_id
