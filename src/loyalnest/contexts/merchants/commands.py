"""What changes a shop, in the caller's unit of work."""

from __future__ import annotations

from loyalnest.contexts.merchants import queries, repository, rules
from loyalnest.contexts.merchants.dto import MerchantDTO
from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.contexts.merchants.models import ACCESS_TOKEN_CONTEXT
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.uow import UnitOfWork


async def install_shop(
    uow: UnitOfWork,
    *,
    shop_domain: str,
    name: str,
    currency: str,
    plan: str = "free",
    iana_timezone: str = "UTC",
    access_token: str | None = None,
    starter_program: bool = True,
) -> MerchantDTO:
    """Create the shop; idempotent on the domain. ``ShopInstalled`` lets the contexts
    create their defaults for it in this transaction (the purchase rule, the earning
    rules, the expiry policy; see the event for ``starter_program``). An
    ``access_token`` (the Admin API token from the OAuth install) is stored encrypted,
    replacing any previous one. An unknown plan or a currency that is not ISO 4217 is
    refused (``ValidationFailed``) before anything is written."""
    row = await repository.insert_if_absent(
        uow.session,
        shop_domain=rules.normalise_shop_domain(shop_domain),
        name=name,
        currency=rules.normalise_currency(currency),
        plan=rules.normalise_plan(plan),
        iana_timezone=iana_timezone,
    )
    merchant = queries.to_merchant_dto(row)
    if access_token is not None:
        # a reinstall brings a new token: it replaces the old one
        await set_access_token(uow, merchant.id, access_token)
    await uow.publish_events([ShopInstalled(merchant_id=merchant.id, starter_program=starter_program)])
    queries.forget_domain(merchant.shop_domain)
    return merchant


async def set_access_token(uow: UnitOfWork, merchant_id: int, token: str) -> None:
    """Store the shop's Admin API access token, AES-GCM encrypted (never logged)."""
    rules.validate_access_token(token)
    token_enc = get_keyring().encrypt(token, context=ACCESS_TOKEN_CONTEXT)
    if not await repository.set_access_token_enc(uow.session, merchant_id, token_enc):
        raise LookupError(f"merchant {merchant_id} not found")
