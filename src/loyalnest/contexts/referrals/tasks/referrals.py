"""Actors of the referrals context, thin and idempotent: the advocate's link discount
and a friend's single-use code on Shopify (sent after the transaction that asked for
them commits), and the periodic settlement of due referrals."""

from __future__ import annotations

import logging

from loyalnest.contexts.referrals import flows
from loyalnest.contexts.referrals.commands import (
    CREATE_LINK_DISCOUNT_ACTOR,
    ISSUE_FRIEND_CODE_ACTOR,
    REFERRALS_QUEUE,
    SETTLE_DUE_ACTOR,
)
from loyalnest.platform import jobs

log = logging.getLogger(__name__)


@jobs.actor(CREATE_LINK_DISCOUNT_ACTOR, queue_name=REFERRALS_QUEUE)
async def create_link_discount(merchant_id: int, customer_id: int) -> None:
    """The advocate's ``REF-<CODE>`` discount (see ``flows.create_link_discount``)."""
    await flows.create_link_discount(merchant_id, customer_id)


@jobs.actor(ISSUE_FRIEND_CODE_ACTOR, queue_name=REFERRALS_QUEUE)
async def issue_friend_code(merchant_id: int, referral_id: int) -> None:
    """A claimed friend's single-use code (see ``flows.issue_friend_code``)."""
    await flows.issue_friend_code(merchant_id, referral_id)


# every 15 minutes: a reward is due when a confirmation period of days ends, so a
# quarter of an hour late is unnoticeable, and each pass is a few indexed reads
@jobs.periodic(every_seconds=15 * 60)
@jobs.actor(SETTLE_DUE_ACTOR, queue_name=REFERRALS_QUEUE)
async def settle_due() -> None:
    """Complete, reward and expire what is due in every shop."""
    moved = await flows.settle_due()
    if moved:
        log.info("referrals settled", extra={"referrals": moved})
