"""Migration 0013: it creates the campaigns tables with their constraints (the shop's
cap at least 1, a multiplier in (1, 10], a window that ends after it starts), and its
downgrade removes them, leaving 0012's schema."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.migrations import alembic_config
from loyalnest.platform.db import asyncpg_url
from tests.test_migrations import _table_names, empty_database  # noqa: F401  (the fixture)

TABLES = {
    "campaigns",
    "campaign_settings",
    "campaign_results",
    "campaign_customers",
    "campaign_orders",
}


async def _refused(url: str, statements: list[str]) -> list[bool]:
    engine = create_async_engine(asyncpg_url(url))
    refused = []
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "INSERT INTO merchants (id, shop_domain, name, currency, plan)"
                " VALUES (1, 'm.myshopify.com', 'M', 'USD', 'free')"
            )
        )
        for statement in statements:
            savepoint = await connection.begin_nested()
            try:
                await connection.execute(text(statement))
                refused.append(False)
            except Exception:
                refused.append(True)
            await savepoint.rollback()
    await engine.dispose()
    return refused


CAMPAIGN = (
    "INSERT INTO campaigns (merchant_id, name, default_locale, status, starts_at, ends_at, effect_kind,"
    " multiplier, triggers, stacking)"
    " VALUES (1, 'c', 'en', 'active', now(), {ends}, 'multiplier', {multiplier}, ARRAY['order'], 'stackable')"
)


def test_0013_creates_the_campaign_tables_and_its_downgrade_removes_them(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0013")
    assert asyncio.run(_table_names(empty_database)) >= TABLES
    refused = asyncio.run(
        _refused(
            empty_database,
            [
                "INSERT INTO campaign_settings (merchant_id, max_total_multiplier) VALUES (1, 0.99)",
                "INSERT INTO campaign_settings (merchant_id, max_total_multiplier) VALUES (1, 1)",
                CAMPAIGN.format(ends="NULL", multiplier="1"),
                CAMPAIGN.format(ends="NULL", multiplier="10.01"),
                CAMPAIGN.format(ends="now() - interval '1 day'", multiplier="2"),
                CAMPAIGN.format(ends="NULL", multiplier="2"),
            ],
        )
    )
    assert refused == [True, False, True, True, True, False]
    command.downgrade(config, "0012")
    assert not TABLES & asyncio.run(_table_names(empty_database))
