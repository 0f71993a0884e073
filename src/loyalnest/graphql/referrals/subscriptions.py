"""Live referral progress for the storefront, fed by Redis pub/sub so a change made by a
worker (a click flush, an order, a reward) reaches the customer's widget connected to
any API process.

The context publishes a nudge on the advocate's channel after each commit that changes
their counts; each nudge is answered with the progress read afresh, so the client never
merges deltas and any payload shape will do. The first answer is the progress at
subscription time, read after the subscriber is registered: the widget needs no
separate fetch, and a reconnecting client (pub/sub is at-most-once) starts from the
current state again."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from loyalnest.contexts.referrals import api as referrals
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.permissions import IsCustomer
from loyalnest.graphql.core.progress import follow
from loyalnest.graphql.referrals.types import ReferralProgress


async def progress_updates(merchant_id: int, customer_id: int) -> AsyncGenerator[ReferralProgress, None]:
    async def read() -> ReferralProgress:
        return ReferralProgress.from_dto(await referrals.get_progress(merchant_id, customer_id))

    async for progress in follow(referrals.referral_progress_channel(merchant_id, customer_id), read):
        yield progress


@strawberry.type
class ReferralsSubscription:
    @strawberry.subscription(
        permission_classes=[IsCustomer],
        description="The signed-in storefront customer's referral progress: the current counts at "
        "once, then again after every change (a click counted, a claim, an order, a reward, an invite).",
    )
    async def my_referral_progress(self, info: Info) -> AsyncGenerator[ReferralProgress, None]:
        principal = info.context.customer
        if principal.customer_id is None:
            raise PublicError("this shop has no loyalty account for you yet", code="NOT_FOUND")
        async for progress in progress_updates(principal.merchant_id, principal.customer_id):
            yield progress


SUBSCRIPTIONS = (ReferralsSubscription,)
