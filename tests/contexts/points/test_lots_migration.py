"""Migration 0005 on a database with balances from before lots: every account holding
points gets one lot with its whole balance and no expiry, so the lot invariant holds
from the first moment; shops keep their earning rate."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.migrations import alembic_config
from loyalnest.platform.db import asyncpg_url


def _url(database_url: str, name: str) -> str:
    base, _, query = database_url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + ("?" + query if query else "")


async def _run(url: str, *statements: str) -> list[list[tuple]]:
    engine = create_async_engine(asyncpg_url(url), isolation_level="AUTOCOMMIT")
    results = []
    async with engine.connect() as connection:
        for statement in statements:
            result = await connection.execute(text(statement))
            results.append([tuple(row) for row in result.all()] if result.returns_rows else [])
    await engine.dispose()
    return results


@pytest.fixture
def database(settings) -> Iterator[str]:
    name = f"loyalnest_lots_{uuid.uuid4().hex[:8]}"
    admin = _url(settings.database_url, "postgres")
    asyncio.run(_run(admin, f'CREATE DATABASE "{name}"'))
    yield _url(settings.database_url, name)
    asyncio.run(_run(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_existing_balances_become_one_lot_each_without_expiry(database):
    config = alembic_config(database)
    command.upgrade(config, "0004")
    asyncio.run(
        _run(
            database,
            "INSERT INTO merchants (id, shop_domain, name, currency) OVERRIDING SYSTEM VALUE"
            " VALUES (1, 'a.myshopify.com', 'A', 'USD')",
            "INSERT INTO program_settings (merchant_id, points_per_currency_unit) VALUES (1, 2.5)",
            "INSERT INTO points_accounts (merchant_id, customer_id, balance, lifetime_earned)"
            " VALUES (1, 10, 70, 100), (1, 11, 0, 40), (1, 12, 5, 5)",
            "INSERT INTO points_ledger (merchant_id, customer_id, delta, kind, source, idempotency_key,"
            " balance_after) VALUES (1, 10, 100, 'earn', 'order', 'a', 100),"
            " (1, 10, -30, 'adjust', 'staff', 'b', 70), (1, 11, 40, 'earn', 'order', 'c', 40),"
            " (1, 11, -40, 'adjust', 'staff', 'd', 0), (1, 12, 5, 'earn', 'order', 'e', 5)",
        )
    )
    command.upgrade(config, "0005")
    [found, rate, columns] = asyncio.run(
        _run(
            database,
            "SELECT customer_id, entry_id, points, remaining, expires_at, activity_days FROM points_lots"
            " ORDER BY customer_id",
            "SELECT points_per_currency_unit, expiry_policy, pending_days FROM program_settings",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'points_ledger'"
            " AND column_name IN ('expires_at', 'remaining')",
        )
    )
    assert found == [(10, None, 70, 70, None, None), (12, None, 5, 5, None, None)]
    assert [(str(r[0]), r[1], r[2]) for r in rate] == [("2.5000", "never", 0)]
    assert columns == []
    # new shops start at 10 points per unit
    [_, [(default,)]] = asyncio.run(
        _run(
            database,
            "INSERT INTO merchants (id, shop_domain, name, currency) OVERRIDING SYSTEM VALUE"
            " VALUES (2, 'b.myshopify.com', 'B', 'USD')",
            "INSERT INTO program_settings (merchant_id) VALUES (2) RETURNING points_per_currency_unit",
        )
    )
    assert str(default) == "10.0000"
    command.downgrade(config, "0004")
    command.upgrade(config, "0005")
