"""Erasing a customer from the referral program (``platform.erasure.CustomerErased``):
what they were known by as a friend (email, code, hashed order facts), the hashed facts
of their own code, and the invites they sent or received. Referrals, rewards and counts
stay: they are the shop's accounting, naming ids only. Their loyalty account is closed,
so their code goes (their link no longer refers anyone) and referrals still owing them a
reward are cancelled."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def erase_customer(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    received_invites: Sequence[str],
    friend_emails: Sequence[str],
) -> list[str]:
    """``friend_emails``: the blind indexes of the addresses they were known by (a claim
    made before they were a customer names them by email only). Returns the Shopify
    discount of their deleted code's link (to be switched off there)."""
    params = {"m": merchant_id, "c": customer_id}
    await session.execute(
        text(
            "UPDATE referrals SET friend_email_enc = NULL, friend_email_bidx = NULL, friend_code_enc = NULL,"
            " friend_code_lookup = NULL, ip_hash = NULL, address_hash = NULL"
            " WHERE merchant_id = :m AND (friend_customer_id = :c OR friend_email_bidx = ANY(:emails))"
        ),
        {**params, "emails": list(friend_emails)},
    )
    await session.execute(
        text(
            "UPDATE referral_codes SET address_hash = NULL, ip_hash = NULL, payment_hash = NULL"
            " WHERE merchant_id = :m AND customer_id = :c"
        ),
        params,
    )
    await session.execute(
        text(
            "DELETE FROM referral_invites WHERE merchant_id = :m"
            " AND (advocate_customer_id = :c OR recipient_bidx = ANY(:received))"
        ),
        {**params, "received": list(received_invites)},
    )
    # what they would still have been rewarded for, as an advocate; a friend's own side
    # (their discount) was theirs at the claim already
    await session.execute(
        text(
            "UPDATE referrals SET status = 'cancelled', cancelled_at = now(),"
            " reasons = reasons || jsonb_build_array(jsonb_build_object("
            "'check', 'erasure', 'verdict', 'reject', 'detail', 'the advocate''s data was erased'))"
            " WHERE merchant_id = :m AND advocate_customer_id = :c"
            " AND status IN ('claimed', 'pending', 'completed')"
        ),
        params,
    )
    deleted = await session.execute(
        text(
            "DELETE FROM referral_codes WHERE merchant_id = :m AND customer_id = :c"
            " RETURNING link_discount_gid"
        ),
        params,
    )
    return [str(gid) for (gid,) in deleted.all() if gid is not None]
