"""Reads of the privacy context."""

from __future__ import annotations

from loyalnest.contexts.privacy import repository
from loyalnest.platform.db import read_session


async def shop_redacted(shop_domain: str) -> bool:
    async with read_session() as session:
        return await repository.shop_redacted(session, shop_domain)
