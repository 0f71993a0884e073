"""Per-request DataLoaders of consents."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.loaders import CUSTOMER, loader


@loader("privacy.consents", invalidate_on=CUSTOMER)
async def consents_by_customer(merchant_id: int, ids: Sequence[int]) -> list[list[privacy.ConsentDTO]]:
    found = await privacy.get_consents(merchant_id, list(ids))
    return [found[i] for i in ids]
