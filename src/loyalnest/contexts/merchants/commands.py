"""What changes a shop, in the caller's unit of work."""

from __future__ import annotations

import logging
from datetime import datetime

from loyalnest.contexts.merchants import queries, repository, rules
from loyalnest.contexts.merchants.dto import CreditSweepReport, MerchantDTO
from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.contexts.merchants.models import ACCESS_TOKEN_CONTEXT, SHOP_EMAIL_CONTEXT
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)


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
    referred_by: str | None = None,
) -> MerchantDTO:
    """Create the shop; idempotent on the domain. ``ShopInstalled`` lets the contexts
    create their defaults for it in this transaction (the purchase rule, the earning
    rules, the expiry policy; see the event for ``starter_program``). An
    ``access_token`` (the Admin API token from the OAuth install) is stored encrypted,
    replacing any previous one. An unknown plan or a currency that is not ISO 4217 is
    refused (``ValidationFailed``) before anything is written. A shop that had
    uninstalled is active again.

    ``referred_by``: another shop's merchant referral code (``loyalnest seed
    --referred-by``, the OAuth install's ``ref``). A code no shop holds is refused
    (``NotFound``) and a shop's own code too (``ValidationFailed``), before anything is
    written. The referral is recorded when this install is the shop's first: a shop we
    knew before was not brought by the code, and a shop is referred at most once."""
    domain = rules.normalise_shop_domain(shop_domain)
    currency = rules.normalise_currency(currency)
    plan = rules.normalise_plan(plan)
    referrer_id = None
    if referred_by is not None:
        referrer_id = await _referrer_for(uow, rules.normalise_referral_code(referred_by), domain)
    row, created = await repository.insert_if_absent(
        uow.session,
        shop_domain=domain,
        name=name,
        currency=currency,
        plan=plan,
        iana_timezone=iana_timezone,
        new_referral_code=rules.new_referral_code,
    )
    merchant = queries.to_merchant_dto(row)
    if referrer_id is not None and created:
        await repository.insert_referral(
            uow.session, merchant_id=referrer_id, referred_merchant_id=merchant.id
        )
    if access_token is not None:
        # a reinstall brings a new token: it replaces the old one
        await set_access_token(uow, merchant.id, access_token)
    await uow.publish_events([ShopInstalled(merchant_id=merchant.id, starter_program=starter_program)])
    queries.forget_domain(merchant.shop_domain)
    if not created:  # installed again: other processes may hold it as uninstalled
        uow.publish(queries.SHOP_CHANGED_CHANNEL, {"domain": merchant.shop_domain})
    return merchant


async def _referrer_for(uow: UnitOfWork, code: str, shop_domain: str) -> int:
    """The id of the shop holding ``code``, refusing a code nobody holds and the
    installing shop's own."""
    referrer = await repository.get_by_referral_code(uow.session, code)
    if referrer is None:
        raise NotFound(f"no shop has the merchant referral code {code}", field="referredBy")
    if referrer.shop_domain == shop_domain:
        raise ValidationFailed("a shop cannot be referred with its own referral code", field="referredBy")
    assert referrer.id is not None
    return referrer.id


async def set_access_token(uow: UnitOfWork, merchant_id: int, token: str) -> None:
    """Store the shop's Admin API access token, AES-GCM encrypted (never logged)."""
    rules.validate_access_token(token)
    token_enc = get_keyring().encrypt(token, context=ACCESS_TOKEN_CONTEXT)
    if not await repository.set_access_token_enc(uow.session, merchant_id, token_enc):
        raise LookupError(f"merchant {merchant_id} not found")


async def record_shop_update(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    name: str | None,
    email: str | None,
    currency: str | None,
    iana_timezone: str | None,
    updated_at: datetime | None,
    primary_locale: str | None = None,
) -> None:
    """shop/update: the shop's name, contact email (sealed), currency, timezone and
    language as Shopify has them now, so emails carry the new name and speak the shop's
    language, orders earn in its currency, birthdays and reports follow its day, and
    staff alerts reach it without a configured address. A field Shopify left out is
    kept, a currency outside ISO 4217 too; an update older than one applied already
    changes nothing (deliveries come in any order), and every process forgets its
    cached copy of the shop."""
    if currency is not None and currency not in rules.ISO_4217:
        currency = None
    domain = await repository.apply_shop_update(
        uow.session,
        merchant_id,
        name=name,
        email_enc=None if email is None else get_keyring().encrypt(email, context=SHOP_EMAIL_CONTEXT),
        currency=currency,
        iana_timezone=iana_timezone,
        primary_locale=primary_locale,
        updated_at=updated_at,
    )
    if domain is not None:
        queries.forget_domain(domain)
        uow.publish(queries.SHOP_CHANGED_CHANNEL, {"domain": domain})


async def record_uninstall(uow: UnitOfWork, *, merchant_id: int) -> None:
    """The shop uninstalled the app (app/uninstalled): it is marked inactive at once
    (``uninstalled_at``: the API and the webhook route refuse it, its Admin API token is
    dropped: Shopify revoked it) and its data is kept for a reinstall until shop/redact
    (or the privacy context's own deadline) deletes it; the route still takes its
    compliance webhooks. If another shop referred it less than ``rules.QUALIFYING_DAYS``
    ago, that referral is cancelled (it will not earn a credit, even if the shop comes
    back). Idempotent: a repeated webhook changes nothing."""
    domain = await repository.mark_uninstalled(uow.session, merchant_id)
    if domain is not None:
        queries.forget_domain(domain)
        uow.publish(queries.SHOP_CHANGED_CHANNEL, {"domain": domain})
    cancelled = await repository.cancel_referral_of(
        uow.session, merchant_id, qualifying_days=rules.QUALIFYING_DAYS
    )
    if cancelled is not None:
        log.info("merchant referral cancelled: shop uninstalled", extra={"referral_id": cancelled})


async def credit_due_referrals(uow: UnitOfWork, *, limit: int = 500) -> CreditSweepReport:
    """One batch of the daily sweep over pending merchant referrals: cancel those whose
    referred shop uninstalled within the qualifying days; qualify those whose referred
    shop stayed installed that long, and credit each referring shop
    ``rules.CREDIT_MONTHS_PER_REFERRAL`` month in the same transaction (so a referral is
    credited exactly when it turns qualified). Running it again finds nothing left to
    do; the credit's idempotency key guards even a referral set back to pending by
    hand."""
    cancelled = await repository.cancel_due_referrals(
        uow.session, qualifying_days=rules.QUALIFYING_DAYS, limit=limit
    )
    qualified = await repository.qualify_due_referrals(
        uow.session, qualifying_days=rules.QUALIFYING_DAYS, limit=limit
    )
    credited = await repository.insert_credits(
        uow.session,
        [(merchant_id, rules.referral_credit_key(referral_id)) for merchant_id, referral_id in qualified],
        months=rules.CREDIT_MONTHS_PER_REFERRAL,
        kind=rules.CREDIT_KIND_REFERRAL,
    )
    return CreditSweepReport(qualified=len(qualified), credited=credited, cancelled=cancelled)
