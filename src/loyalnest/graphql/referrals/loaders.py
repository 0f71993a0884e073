"""Per-request DataLoaders of the referrals context."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.referrals import api as referrals
from loyalnest.graphql.core.loaders import loader

# what ``referrals.referral`` is keyed by: approving or rejecting one forgets it
REFERRAL = "referral"


@loader("referrals.referral", invalidate_on=REFERRAL)
async def referrals_by_id(merchant_id: int, ids: Sequence[int]) -> list[referrals.ReferralDTO | None]:
    found = await referrals.get_referrals(merchant_id, list(ids))
    return [found.get(i) for i in ids]


@loader("referrals.code")
async def codes_by_customer(merchant_id: int, customer_ids: Sequence[int]) -> list[str | None]:
    found = await referrals.get_codes(merchant_id, list(customer_ids))
    return [found.get(i) for i in customer_ids]


@loader("referrals.referred_by", invalidate_on=REFERRAL)
async def referral_of_friend(
    merchant_id: int, customer_ids: Sequence[int]
) -> list[referrals.ReferralDTO | None]:
    found = await referrals.referrals_of_friends(merchant_id, list(customer_ids))
    return [found.get(i) for i in customer_ids]
