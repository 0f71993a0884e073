"""Reads of the backfill runs (their own short read session)."""

from __future__ import annotations

from loyalnest.contexts.imports import backfill_repository as repository
from loyalnest.contexts.imports.backfill_dto import ShopifyBackfillDTO, to_dto
from loyalnest.platform.db import read_session


async def latest_backfill(merchant_id: int) -> ShopifyBackfillDTO | None:
    """The shop's most recent backfill run (any status), or None."""
    async with read_session() as session:
        row = await repository.latest_run(session, merchant_id)
    return None if row is None else to_dto(row)
