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
