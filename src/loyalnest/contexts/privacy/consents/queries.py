"""Reads of consents, each in a short read session of its own."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.privacy.consents import repository
from loyalnest.contexts.privacy.consents.commands import states
from loyalnest.contexts.privacy.consents.dto import ConsentChangeDTO, ConsentDTO, ConsentHistoryPage
from loyalnest.platform.db import read_session


async def get_consents(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, list[ConsentDTO]]:
    """Every type's current state of each customer (defaults for types without a row):
    one statement for the whole batch."""
    async with read_session() as session:
        rows = await repository.current_rows(session, merchant_id, customer_ids)
    by_customer: dict[int, list[repository.ConsentRow]] = {}
    for row in rows:
        by_customer.setdefault(row.customer_id, []).append(row)
    return {cid: states(by_customer.get(cid, [])) for cid in customer_ids}


async def consent_history(
    merchant_id: int, customer_id: int, *, first: int, after: int | None = None
) -> ConsentHistoryPage:
    """The customer's consents history, newest first, from after the row ``after``."""
    async with read_session() as session:
        rows, total = await repository.history(
            session, merchant_id, customer_id, first=first, before_id=after
        )
    return ConsentHistoryPage(
        items=[
            ConsentChangeDTO(
                id=r.id,
                type=r.type,
                granted=r.granted,
                source=r.source,
                actor=r.actor,
                occurred_at=r.occurred_at,
                recorded_at=r.recorded_at,
            )
            for r in rows[:first]
        ],
        has_next=len(rows) > first,
        total=total,
    )
