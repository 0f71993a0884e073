"""Public door of the merchants context."""

from __future__ import annotations

import time

from loyalnest.contexts.merchants import repository, service
from loyalnest.contexts.merchants.dto import MerchantDTO, ProgramSettingsDTO, ProgramSettingsUpdate
from loyalnest.platform.db import read_session
from loyalnest.platform.key_rotation import EncryptedColumn
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "ACCESS_TOKEN_CONTEXT",
    "ENCRYPTED_COLUMNS",
    "AdminCredentials",
    "MerchantDTO",
    "ProgramSettingsDTO",
    "ProgramSettingsUpdate",
    "get_admin_credentials",
    "get_by_domain",
    "get_by_domain_cached",
    "get_merchant",
    "get_merchant_in",
    "get_program_settings",
    "get_program_settings_in",
    "get_timezones",
    "install_shop",
    "normalise_shop_domain",
    "normalise_tag",
    "set_access_token",
    "update_program_settings",
]

normalise_shop_domain = service.normalise_shop_domain
normalise_tag = service.normalise_tag

AdminCredentials = service.AdminCredentials

# The shop's Admin API access token is stored encrypted under this AAD.
ACCESS_TOKEN_CONTEXT = service.ACCESS_TOKEN_CONTEXT
ENCRYPTED_COLUMNS = [EncryptedColumn("merchants", ("id",), "access_token_enc", ACCESS_TOKEN_CONTEXT)]

# Shops are looked up on every webhook and every request; a short per-process cache
# keeps that off the database. 30 s is how long an uninstalled shop may still be seen;
# unknown domains are remembered briefly so a flood for a bogus shop stays cheap while a
# freshly installed shop is seen within 2 s.
_DOMAIN_CACHE_SECONDS = 30.0
_UNKNOWN_DOMAIN_CACHE_SECONDS = 2.0
_domain_cache: dict[str, tuple[float, MerchantDTO | None]] = {}


async def install_shop(
    uow: UnitOfWork,
    *,
    shop_domain: str,
    name: str,
    currency: str,
    plan: str = "free",
    iana_timezone: str = "UTC",
    access_token: str | None = None,
) -> MerchantDTO:
    """Create the shop and its default program settings; idempotent on the domain. An
    ``access_token`` (the Admin API token from the OAuth install) is stored encrypted,
    replacing any previous one."""
    merchant = await service.install_shop(
        uow,
        shop_domain=shop_domain,
        name=name,
        currency=currency,
        plan=plan,
        iana_timezone=iana_timezone,
        access_token=access_token,
    )
    _domain_cache.pop(merchant.shop_domain, None)
    return merchant


async def set_access_token(uow: UnitOfWork, merchant_id: int, token: str) -> None:
    """Store (replace) the shop's Admin API access token, encrypted. Never logged."""
    await service.set_access_token(uow, merchant_id, token)


async def get_admin_credentials(merchant_id: int) -> AdminCredentials | None:
    """``(shop_domain, plan, access_token)`` with the token decrypted, for the Shopify
    Admin client only; None if the shop is unknown, uninstalled or has no token."""
    async with read_session() as session:
        return await service.get_admin_credentials(session, merchant_id)


async def get_by_domain(shop_domain: str) -> MerchantDTO | None:
    async with read_session() as session:
        return await service.get_by_domain(session, shop_domain)


async def get_by_domain_cached(shop_domain: str) -> MerchantDTO | None:
    now = time.monotonic()
    hit = _domain_cache.get(shop_domain)
    if hit is not None and hit[0] > now:
        return hit[1]
    merchant = await get_by_domain(shop_domain)
    ttl = _DOMAIN_CACHE_SECONDS if merchant is not None else _UNKNOWN_DOMAIN_CACHE_SECONDS
    _domain_cache[shop_domain] = (now + ttl, merchant)
    return merchant


async def get_merchant(merchant_id: int) -> MerchantDTO | None:
    async with read_session() as session:
        return await service.get_merchant(session, merchant_id)


async def get_merchant_in(uow: UnitOfWork, merchant_id: int) -> MerchantDTO | None:
    """The shop read inside a caller's transaction (e.g. its timezone while posting)."""
    return await service.get_merchant(uow.session, merchant_id)


async def get_timezones(merchant_ids: list[int]) -> dict[int, str]:
    """{merchant id: IANA timezone} of the shops that exist among ``merchant_ids``."""
    if not merchant_ids:
        return {}
    async with read_session() as session:
        return await repository.get_timezones(session, sorted(set(merchant_ids)))


async def get_program_settings(merchant_id: int) -> ProgramSettingsDTO:
    async with read_session() as session:
        return await service.get_program_settings(session, merchant_id)


async def get_program_settings_in(uow: UnitOfWork, merchant_id: int) -> ProgramSettingsDTO:
    """Settings read inside a caller's transaction (e.g. while awarding an order)."""
    return await service.get_program_settings(uow.session, merchant_id)


async def update_program_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: ProgramSettingsUpdate
) -> ProgramSettingsDTO:
    return await service.update_program_settings(uow, merchant_id=merchant_id, actor=actor, update=update)
