"""Reads of the merchants context."""

from __future__ import annotations

import time
from datetime import datetime

from loyalnest.contexts.merchants import repository, rules
from loyalnest.contexts.merchants.dto import (
    AdminCredentials,
    MerchantCreditDTO,
    MerchantCreditPage,
    MerchantDTO,
    MerchantReferralDTO,
    MerchantReferralPage,
    MerchantReferralProgramDTO,
)
from loyalnest.contexts.merchants.models import ACCESS_TOKEN_CONTEXT, SHOP_EMAIL_CONTEXT, Merchant
from loyalnest.platform import pubsub
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.paging import window
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
        email_enc=row.email_enc,
        primary_locale=row.primary_locale,
    )


def shop_email(merchant: MerchantDTO) -> str | None:
    """The shop's contact email, as shop/update last told it; None until one came."""
    token = merchant.email_enc
    return None if token is None else get_keyring().decrypt(token, context=SHOP_EMAIL_CONTEXT)


# Every process caches shop lookups for ``_DOMAIN_CACHE_SECONDS``; a shop that changes
# state (installed again, uninstalled, deleted) is announced here so every API process
# drops its copy at once instead of serving it until it expires. Pub/sub is at-most-
# once: a lost message leaves the expiry as the bound.
SHOP_CHANGED_CHANNEL = "merchants:shop-changed"


async def announce_shop_changed(shop_domain: str) -> None:
    """Tell every process (this one included) to forget its lookup of the shop."""
    forget_domain(shop_domain)
    await pubsub.publish(SHOP_CHANGED_CHANNEL, {"domain": shop_domain})


async def follow_shop_changes() -> None:
    """Drop this process's lookup of each shop announced as changed; runs until
    cancelled (the API's lifespan), subscribing again if it falls behind."""
    while True:
        try:
            async for message in pubsub.subscribe(SHOP_CHANGED_CHANNEL):
                domain = message.get("domain")
                if isinstance(domain, str):
                    forget_domain(domain)
            return  # pub/sub shut down with the process
        except pubsub.SubscriberLagged:
            _domain_cache.clear()  # what was missed is unknown: forget everything


def forget_domain(shop_domain: str) -> None:
    """Drop this process's cached lookup of the shop (installed, uninstalled or
    deleted just now)."""
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


async def uninstalled_before(cutoff: datetime, *, limit: int = 500) -> list[tuple[int, str]]:
    """(id, domain) of the shops uninstalled before ``cutoff`` that did not come back."""
    async with read_session() as session:
        return await repository.uninstalled_before(session, cutoff, limit=limit)


async def uninstalled_shops() -> list[int]:
    """The ids of the shops that uninstalled the app and are not back (their data waits
    for ``shop/redact``): the periodic passes leave them alone. A handful at any time:
    a shop is deleted at most 7 days after its uninstall."""
    async with read_session() as session:
        return await repository.uninstalled_ids(session)


async def get_merchant(merchant_id: int) -> MerchantDTO | None:
    async with read_session() as session:
        row = await repository.get(session, merchant_id)
    return None if row is None else to_merchant_dto(row)


async def get_merchant_in(uow: UnitOfWork, merchant_id: int) -> MerchantDTO | None:
    """The shop read inside a caller's transaction (e.g. its timezone while posting)."""
    row = await repository.get(uow.session, merchant_id)
    return None if row is None else to_merchant_dto(row)


async def has_access_token_in(uow: UnitOfWork, merchant_id: int) -> bool:
    """Whether the installed shop has an Admin API token, read inside the caller's
    transaction (an install's handlers see the token it just stored)."""
    row = await repository.get_admin_credentials_row(uow.session, merchant_id)
    return row is not None and row[2] is not None


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


# --- merchant referral program ----------------------------------------------------------


async def get_referral_program(merchant_id: int) -> MerchantReferralProgramDTO | None:
    """The shop's merchant referral code and the install link to share; None for an
    unknown shop. The link is on the app's public base URL (``LOYALNEST_PUBLIC_BASE_URL``)."""
    from loyalnest.settings import get_settings

    async with read_session() as session:
        code = await repository.get_referral_code(session, merchant_id)
    if code is None:
        return None
    return MerchantReferralProgramDTO(
        merchant_id=merchant_id, code=code, link=rules.referral_link(get_settings().public_base_url, code)
    )


def _referral_dto(row: repository.ReferralRow) -> MerchantReferralDTO:
    return MerchantReferralDTO(
        id=row.id,
        referrer_merchant_id=row.merchant_id,
        referrer_shop_domain=row.referrer_shop_domain,
        referred_merchant_id=row.referred_merchant_id,
        referred_shop_domain=row.referred_shop_domain,
        status=row.status,
        created_at=row.created_at,
        qualified_at=row.qualified_at,
        credited_at=row.credited_at,
        cancelled_at=row.cancelled_at,
    )


async def list_merchant_referrals(
    merchant_id: int,
    *,
    first: int = 20,
    after_id: int | None = None,
    before_id: int | None = None,
    backward: bool = False,
) -> MerchantReferralPage:
    """The shops ``merchant_id`` referred, newest first (keyset pages on the id)."""
    async with read_session() as session:
        rows = await repository.list_referrals(
            session, merchant_id, after_id=after_id, before_id=before_id, backward=backward, limit=first + 1
        )
    page = window(
        rows, first, backward=backward, after_given=after_id is not None, before_given=before_id is not None
    )
    return MerchantReferralPage(
        items=[_referral_dto(row) for row in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def count_merchant_referrals(merchant_id: int) -> int:
    async with read_session() as session:
        return await repository.count_referrals(session, merchant_id)


async def get_referral_of(merchant_id: int) -> MerchantReferralDTO | None:
    """How the shop itself was referred, if it was."""
    async with read_session() as session:
        row = await repository.get_referral_of(session, merchant_id)
    return None if row is None else _referral_dto(row)


async def list_merchant_credits(
    merchant_id: int,
    *,
    first: int = 20,
    after_id: int | None = None,
    before_id: int | None = None,
    backward: bool = False,
) -> MerchantCreditPage:
    """The shop's credit ledger, newest first (keyset pages on the id)."""
    async with read_session() as session:
        rows = await repository.list_credits(
            session, merchant_id, after_id=after_id, before_id=before_id, backward=backward, limit=first + 1
        )
    page = window(
        rows, first, backward=backward, after_given=after_id is not None, before_given=before_id is not None
    )
    return MerchantCreditPage(
        items=[
            MerchantCreditDTO(
                id=row.id,
                months=row.months,
                kind=row.kind,
                source_ref=row.source_ref,
                created_at=row.created_at,
            )
            for row in page.items
        ],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def count_merchant_credits(merchant_id: int) -> int:
    async with read_session() as session:
        return await repository.count_credits(session, merchant_id)


async def get_credit_months(merchant_id: int) -> int:
    """The months of credit the shop holds: the sum of its ledger."""
    async with read_session() as session:
        return await repository.sum_credit_months(session, merchant_id)
