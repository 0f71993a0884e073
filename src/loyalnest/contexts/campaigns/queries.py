"""Reads of the campaigns context; each opens its own read session."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.campaigns import effects, repository, rules
from loyalnest.contexts.campaigns.dto import (
    CampaignDTO,
    CampaignPage,
    CampaignResultsDTO,
    CampaignSettingsDTO,
    to_campaign_dto,
    to_results_dto,
    to_settings_dto,
)
from loyalnest.platform.db import read_session
from loyalnest.platform.paging import window
from loyalnest.platform.uow import UnitOfWork

# what ``list_campaigns`` lists when no status is asked for: everything but the archive
LISTED_BY_DEFAULT = (rules.SCHEDULED, rules.ACTIVE, rules.PAUSED, rules.ENDED)


async def get_campaigns(merchant_id: int, campaign_ids: Sequence[int]) -> dict[int, CampaignDTO]:
    """The shop's campaigns by id (any status); unknown ids are absent."""
    async with read_session() as session:
        rows = await repository.get_campaigns(session, merchant_id, campaign_ids)
    return {row.id: to_campaign_dto(row) for row in rows}


async def list_campaigns(
    merchant_id: int,
    *,
    statuses: Sequence[str] | None = None,
    after_id: int | None = None,
    before_id: int | None = None,
    first: int = 20,
    backward: bool = False,
) -> CampaignPage:
    """The shop's campaigns oldest first, in ``statuses`` (default: all but archived)."""
    async with read_session() as session:
        rows = await repository.list_campaigns(
            session,
            merchant_id,
            statuses=list(statuses or LISTED_BY_DEFAULT),
            after_id=after_id,
            before_id=before_id,
            backward=backward,
            limit=first + 1,
        )
    page = window(
        rows, first, backward=backward, after_given=after_id is not None, before_given=before_id is not None
    )
    return CampaignPage(
        items=[to_campaign_dto(row) for row in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def count_campaigns(merchant_id: int, *, statuses: Sequence[str] | None = None) -> int:
    async with read_session() as session:
        return await repository.count_campaigns(session, merchant_id, list(statuses or LISTED_BY_DEFAULT))


async def get_results(merchant_id: int, campaign_ids: Sequence[int]) -> dict[int, CampaignResultsDTO]:
    """Each campaign's results (DataLoader batch); a campaign of another shop is absent."""
    async with read_session() as session:
        found = {r.campaign_id: r for r in await repository.get_results(session, merchant_id, campaign_ids)}
        known = {row.id for row in await repository.get_campaigns(session, merchant_id, campaign_ids)}
    return {cid: to_results_dto(cid, found.get(cid)) for cid in campaign_ids if cid in known}


async def get_settings(merchant_id: int) -> CampaignSettingsDTO:
    async with read_session() as session:
        return to_settings_dto(await repository.get_settings(session, merchant_id, transactional=False))


async def active_campaigns_for(merchant_id: int, customer_id: int | None) -> list[CampaignDTO]:
    """The campaigns running now whose audience includes the customer (tiers, tags),
    highest priority first; ``customer_id`` None (not enrolled yet): those for everyone."""
    async with read_session() as session:
        # a read: the unit of work only carries the session (nothing is committed)
        uow = UnitOfWork(session)
        _, ids = await effects.campaigns_for_customer(uow, merchant_id, customer_id)
        rows = (
            {row.id: row for row in await repository.get_campaigns(session, merchant_id, ids)} if ids else {}
        )
    return [to_campaign_dto(rows[i]) for i in ids if i in rows]
