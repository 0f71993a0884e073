"""Work of the privacy context that opens its own transaction for a caller that has
none (the confirmation link's page)."""

from __future__ import annotations

from loyalnest.contexts.privacy import commands
from loyalnest.contexts.privacy.repository.requests import RequestRow
from loyalnest.platform.uow import unit_of_work


async def confirm_link(token: str) -> RequestRow:
    """``commands.confirm_by_link`` in a transaction of its own (``LinkRefused``: nothing
    changed)."""
    async with unit_of_work() as uow:
        return await commands.confirm_by_link(uow, token)
