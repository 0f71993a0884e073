"""Alembic is the only way the schema changes: upgrading an empty database to head must
give exactly what the models describe (no pending autogenerate diff), and downgrade
must undo it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.migrations import alembic_config, head_revision
from loyalnest.models import metadata
from loyalnest.platform.db import asyncpg_url


def _admin_url(database_url: str) -> str:
    base, _, query = database_url.partition("?")
    return base.rsplit("/", 1)[0] + "/postgres" + ("?" + query if query else "")


def _database_url(database_url: str, name: str) -> str:
    base, _, query = database_url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + ("?" + query if query else "")


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(asyncpg_url(url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


@pytest.fixture
def empty_database(settings) -> Iterator[str]:
    name = f"loyalnest_migrations_{uuid.uuid4().hex[:8]}"
    admin = _admin_url(settings.database_url)
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    yield _database_url(settings.database_url, name)
    asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _diff_and_revision(url: str) -> tuple[list, str | None]:
    engine = create_async_engine(asyncpg_url(url))
    async with engine.connect() as connection:

        def _inspect(sync_connection):
            context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
            return compare_metadata(context, metadata), context.get_current_revision()

        result = await connection.run_sync(_inspect)
    await engine.dispose()
    return result


async def _table_names(url: str) -> set[str]:
    engine = create_async_engine(asyncpg_url(url))
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        names = {row[0] for row in rows}
    await engine.dispose()
    return names


def test_upgrade_from_empty_matches_models_and_downgrade_undoes_it(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")

    diff, revision = asyncio.run(_diff_and_revision(empty_database))
    assert diff == [], f"models and migrations disagree; autogenerate would emit: {diff}"
    assert revision == head_revision()
    assert set(metadata.tables) <= asyncio.run(_table_names(empty_database))

    command.downgrade(config, "base")
    assert asyncio.run(_table_names(empty_database)) == {"alembic_version"}


async def _execute(url: str, *statements: str) -> list[list[tuple]]:
    engine = create_async_engine(asyncpg_url(url))
    results = []
    async with engine.begin() as connection:
        for statement in statements:
            result = await connection.execute(text(statement))
            results.append([tuple(row) for row in result] if result.returns_rows else [])
    await engine.dispose()
    return results


def test_a_shops_history_before_tiers_counts_toward_them(empty_database):
    """0011 and 0012 on a database with history: orders seen before count toward spend
    (their earning amount, less refunds), points earned and taken back toward the
    points metric, and every customer with history gets a standing for the first
    re-tier. Test orders and cancelled ones count for nothing."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0010")
    asyncio.run(
        _execute(
            empty_database,
            "INSERT INTO merchants (id, shop_domain, name, currency)"
            " VALUES (1, 'a.myshopify.com', 'A', 'USD')",
            "INSERT INTO order_points (merchant_id, shopify_order_id, customer_id, eligible_amount,"
            " refunded_amount, cancelled, skip_reason, updated_at) VALUES"
            " (1, 10, 7, 100.00, 30.00, false, NULL, '2026-05-01T00:00:00Z'),"
            " (1, 11, 7, 50.00, 0, true, NULL, '2026-05-02T00:00:00Z'),"
            " (1, 12, 8, 80.00, 0, false, 'test_order', '2026-05-03T00:00:00Z'),"
            " (1, 13, NULL, 20.00, 0, false, NULL, '2026-05-04T00:00:00Z')",
            "INSERT INTO points_ledger (merchant_id, customer_id, delta, kind, source, idempotency_key,"
            " balance_after, created_at) VALUES"
            " (1, 7, 1000, 'earn', 'order', 'order:10:earn', 1000, '2026-05-01T00:00:00Z'),"
            " (1, 7, -300, 'reversal', 'order', 'refund:1', 700, '2026-05-02T00:00:00Z'),"
            " (1, 9, 200, 'earn', 'signup', 'signup:9', 200, '2026-05-03T00:00:00Z'),"
            " (1, 9, -50, 'redeem', 'reward', 'reward-redemption:1:spend', 150, '2026-05-04T00:00:00Z')",
        )
    )
    command.upgrade(config, "head")
    entries, standings, spend = asyncio.run(
        _execute(
            empty_database,
            "SELECT customer_id, points, amount, orders FROM tier_metric_entries ORDER BY customer_id, id",
            "SELECT customer_id FROM customer_tiers ORDER BY customer_id",
            "SELECT shopify_order_id, spend_amount, spend_refunded FROM order_points"
            " ORDER BY shopify_order_id",
        )
    )
    assert [(c, p, str(a), o) for c, p, a, o in entries] == [
        (7, 1000, "0.0000", 0),
        (7, -300, "0.0000", 0),
        (7, 0, "70.0000", 1),
        (9, 200, "0.0000", 0),
    ]
    assert standings == [(7,), (9,)]
    assert [(o, None if s is None else str(s), str(r)) for o, s, r in spend] == [
        (10, "100.0000", "30.0000"),
        (11, None, "0.0000"),
        (12, None, "0.0000"),
        (13, None, "0.0000"),
    ]
