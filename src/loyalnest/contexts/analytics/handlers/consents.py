"""Customers' consents, honoured in the transaction that records them (see
``commands.consents``)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics.commands import consents as commands
from loyalnest.contexts.privacy.events import ConsentChanged
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(ConsentChanged)
async def honour_consents(uow: UnitOfWork, events: Sequence[ConsentChanged]) -> None:
    await commands.honour_consents(uow, events)
