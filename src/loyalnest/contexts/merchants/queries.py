"""Reads of the merchants context."""

from __future__ import annotations

import time

from loyalnest.contexts.merchants import repository
from loyalnest.contexts.merchants.dto import AdminCredentials, MerchantDTO
from loyalnest.contexts.merchants.models import ACCESS_TOKEN_CONTEXT, Merchant
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import UnitOfWork

# Shops are looked up on every webhook and every request; a short per-process cache
# keeps that off the database. 30 s is how long an uninstalled shop may still be seen.
# Unknown domains are not remembered: the name often comes from an unauthenticated
# caller (a review webhook's ?shop=, an app-proxy query) and every miss kept would be
# memory anyone can fill; a miss costs one indexed lookup, and a freshly installed shop
# is seen at once.
_DOMAIN_CACHE_SECONDS = 30.0
_domain_cache: dict[str, tuple[float, MerchantDTO | None]] = {}


def to_merchant_dto(row: Merchant) -> MerchantDTO:
    assert row.id is not None
    return MerchantDTO(
        id=row.id,
        shop_domain=row.shop_domain,
        name=row.name,
        currency=row.currency,
        iana_timezone=row.iana_timezone,
        plan=row.plan,
        installed_at=row.installed_at,
        active=row.uninstalled_at is None,
    )


def forget_domain(shop_domain: str) -> None:
    """Drop a cached lookup (the shop was just installed)."""
    _domain_cache.pop(shop_domain, None)


async def get_by_domain(shop_domain: str) -> MerchantDTO | None:
    async with read_session() as session:
        row = await repository.get_by_domain(session, shop_domain.strip().lower())
    return None if row is None else to_merchant_dto(row)


async def get_by_domain_cached(shop_domain: str) -> MerchantDTO | None:
    now = time.monotonic()
    hit = _domain_cache.get(shop_domain)
    if hit is not None and hit[0] > now:
        return hit[1]
    merchant = await get_by_domain(shop_domain)
    if merchant is None:
        _domain_cache.pop(shop_domain, None)
    else:
        _domain_cache[shop_domain] = (now + _DOMAIN_CACHE_SECONDS, merchant)
    return merchant


async def get_merchant(merchant_id: int) -> MerchantDTO | None:
    async with read_session() as session:
        row = await repository.get(session, merchant_id)
    return None if row is None else to_merchant_dto(row)


async def get_merchant_in(uow: UnitOfWork, merchant_id: int) -> MerchantDTO | None:
    """The shop read inside a caller's transaction (e.g. its timezone while posting)."""
    row = await repository.get(uow.session, merchant_id)
    return None if row is None else to_merchant_dto(row)


async def get_timezones(merchant_ids: list[int]) -> dict[int, str]:
    """{merchant id: IANA timezone} of the shops that exist among ``merchant_ids``."""
    if not merchant_ids:
        return {}
    async with read_session() as session:
        return await repository.get_timezones(session, sorted(set(merchant_ids)))


async def get_admin_credentials(merchant_id: int) -> AdminCredentials | None:
    """``(shop_domain, plan, access_token)`` with the token decrypted, for the Shopify
    Admin client only; None if the shop is unknown, uninstalled or has no token."""
    async with read_session() as session:
        row = await repository.get_admin_credentials_row(session, merchant_id)
    if row is None:
        return None
    shop_domain, plan, token_enc = row
    if token_enc is None:
        return None
    token = get_keyring().decrypt(token_enc, context=ACCESS_TOKEN_CONTEXT)
    return AdminCredentials(shop_domain=shop_domain, plan=plan, access_token=token)
