"""All SQL of the merchants context."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.merchants.models import Merchant


async def get_by_domain(session: AsyncSession, shop_domain: str) -> Merchant | None:
    result = await session.execute(select(Merchant).where(Merchant.shop_domain == shop_domain))  # type: ignore[arg-type]
    return result.scalar_one_or_none()


async def get(session: AsyncSession, merchant_id: int) -> Merchant | None:
    return await session.get(Merchant, merchant_id)


async def insert_if_absent(
    session: AsyncSession, *, shop_domain: str, name: str, currency: str, plan: str, iana_timezone: str
) -> Merchant:
    await session.execute(
        insert(Merchant)
        .values(
            shop_domain=shop_domain,
            name=name,
            currency=currency,
            plan=plan,
            iana_timezone=iana_timezone,
        )
        .on_conflict_do_nothing(index_elements=["shop_domain"])
    )
    merchant = await get_by_domain(session, shop_domain)
    assert merchant is not None
    return merchant


async def set_access_token_enc(session: AsyncSession, merchant_id: int, token_enc: str | None) -> bool:
    result = await session.execute(
        update(Merchant)
        .where(Merchant.id == merchant_id)  # type: ignore[arg-type]
        .values(access_token_enc=token_enc)
        .returning(Merchant.id)  # type: ignore[call-overload]
    )
    return result.scalar_one_or_none() is not None


async def get_admin_credentials_row(
    session: AsyncSession, merchant_id: int
) -> tuple[str, str, str | None] | None:
    """(shop_domain, plan, access_token_enc) of an installed shop; None if unknown or
    uninstalled."""
    result = await session.execute(
        select(Merchant.shop_domain, Merchant.plan, Merchant.access_token_enc).where(  # type: ignore[call-overload]
            Merchant.id == merchant_id,  # type: ignore[arg-type]
            Merchant.uninstalled_at.is_(None),  # type: ignore[union-attr]
        )
    )
    row = result.one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def get_timezones(session: AsyncSession, merchant_ids: list[int]) -> dict[int, str]:
    result = await session.execute(
        select(Merchant.id, Merchant.iana_timezone).where(Merchant.id.in_(merchant_ids))  # type: ignore[union-attr,call-overload]
    )
    return {int(row[0]): str(row[1]) for row in result.all()}
