"""Shops installed with and without merchant referral codes, and the referral rows as
stored (plain SQL, so a test sees what is really there)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows, scalar


def new_domain() -> str:
    return f"r{uuid.uuid4().hex[:16]}.myshopify.com"


async def install(domain: str | None = None, *, referred_by: str | None = None) -> merchants.MerchantDTO:
    async with unit_of_work() as uow:
        return await merchants.install_shop(
            uow,
            shop_domain=domain or new_domain(),
            name="Referral Shop",
            currency="USD",
            starter_program=False,
            referred_by=referred_by,
        )


async def code_of(merchant_id: int) -> str:
    return str(await scalar("select referral_code from merchants where id = :m", m=merchant_id))


async def referrals_of(referred_merchant_id: int) -> list[dict[str, Any]]:
    return await rows(
        "select merchant_id, referred_merchant_id, status, qualified_at, credited_at, cancelled_at"
        " from merchant_referrals where referred_merchant_id = :m",
        m=referred_merchant_id,
    )


async def credits_of(merchant_id: int) -> list[dict[str, Any]]:
    return await rows(
        "select months, kind, source_ref, idempotency_key from merchant_credits"
        " where merchant_id = :m order by id",
        m=merchant_id,
    )


async def installed_days_ago(
    referred_merchant_id: int, days: int, *, uninstalled_after: int | None = None
) -> None:
    """Move a referral's install (and the referred shop's uninstall, ``uninstalled_after``
    days after it) into the past: what waiting would do."""
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "update merchant_referrals set created_at = now() - make_interval(days => :d)"
                " where referred_merchant_id = :m"
            ),
            {"d": days, "m": referred_merchant_id},
        )
        if uninstalled_after is not None:
            await uow.session.execute(
                text("update merchants set uninstalled_at = now() - make_interval(days => :d) where id = :m"),
                {"d": days - uninstalled_after, "m": referred_merchant_id},
            )
