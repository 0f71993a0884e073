"""A customer's erasure, in the referral program (``platform.erasure.CustomerErased``)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.repository import erasure
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.uow import UnitOfWork


async def erase_customer(
    uow: UnitOfWork, merchant_id: int, customer_id: int, known_as: Sequence[str]
) -> None:
    """Their friend's side of referrals, their code's hashed facts, and invites they
    sent or were sent (found by the blind index of each address they were known by,
    under every configured blind key)."""
    keyring = get_keyring()
    received: set[str] = set()
    emails: set[str] = set()
    for value in known_as:
        recipient = rules.canonical_email(value) if "@" in value else rules.canonical_phone(value)
        if recipient:
            received.update(rules.invite_indexes(keyring, recipient))
        if "@" in value:
            emails.update(rules.email_indexes(keyring, value))
    link_discounts = await erasure.erase_customer(
        uow.session, merchant_id, customer_id, sorted(received), sorted(emails)
    )
    # their link refers nobody now: its discount stops working in Shopify too
    rewards.switch_off_discounts(uow, merchant_id, link_discounts)
