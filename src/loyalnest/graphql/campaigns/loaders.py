"""Per-request DataLoaders of the campaigns context."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.graphql.core.loaders import loader

# what ``campaigns.campaign`` and ``campaigns.results`` are keyed by: a mutation
# changing a campaign forgets it
CAMPAIGN = "campaign"


@loader("campaigns.campaign", invalidate_on=CAMPAIGN)
async def campaigns_by_id(merchant_id: int, ids: Sequence[int]) -> list[campaigns.CampaignDTO | None]:
    found = await campaigns.get_campaigns(merchant_id, list(ids))
    return [found.get(i) for i in ids]


@loader("campaigns.results", invalidate_on=CAMPAIGN)
async def results_by_campaign(
    merchant_id: int, ids: Sequence[int]
) -> list[campaigns.CampaignResultsDTO | None]:
    found = await campaigns.get_results(merchant_id, list(ids))
    return [found.get(i) for i in ids]
