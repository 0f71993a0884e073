"""Work spanning several transactions or an outside call: the storefront's view of an
advocate's referral (creating the code on first read), the Shopify discounts (the
advocate's link discount and each friend's single-use code), and the periodic sweep."""

from __future__ import annotations

import logging
from datetime import datetime

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.referrals import commands, queries, rules
from loyalnest.contexts.referrals.dto import AdvocateRewardDTO, FriendOfferDTO, MyReferralDTO
from loyalnest.contexts.referrals.models import FRIEND_CODE_CONTEXT
from loyalnest.contexts.referrals.repository import codes as code_repository
from loyalnest.contexts.referrals.repository import programs as program_repository
from loyalnest.contexts.referrals.repository import referrals as repository
from loyalnest.integrations.shopify_admin import api as shopify_admin
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)


async def get_my_referral(merchant_id: int, customer_id: int, *, shop_domain: str) -> MyReferralDTO:
    """What the storefront shows an advocate: their code (created on first read, in its
    own unit of work), link, share URLs, the offers and their progress. The link
    discount is requested from Shopify the first time (after commit)."""
    if await customers.get_customer(merchant_id, customer_id) is None:
        raise NotFound("no such customer", field="customerId")
    async with unit_of_work() as uow:
        code = await commands.ensure_code_row(uow, merchant_id=merchant_id, customer_id=customer_id)
        program = await commands.program_in(uow, merchant_id)
        if program is not None and program.enabled:
            commands.request_link_discount(uow, merchant_id, code)
        shop = await merchants.get_merchant_in(uow, merchant_id)
        offer = await commands.offer_in(uow, program) if program is not None else None
    dto = commands.to_program_dto(merchant_id, program)
    if offer is None:
        offer = rules.offer_text(
            dto.friend_kind, dto.friend_value, dto.friend_min_order, shop.currency if shop else ""
        )
    url = rules.link(shop_domain, commands.proxy_subpath(), code.code)
    return MyReferralDTO(
        code=code.code,
        link=url,
        share=rules.share_links(shop.name if shop else shop_domain, url, offer),
        friend_offer=FriendOfferDTO(
            text=offer,
            kind=dto.friend_kind,
            value=dto.friend_value,
            min_order=dto.friend_min_order,
            validity_days=dto.friend_code_validity_days,
        ),
        advocate_reward=AdvocateRewardDTO(
            kind=dto.advocate_kind, points=dto.advocate_points, reward_id=dto.advocate_reward_id
        ),
        progress=await queries.get_progress(merchant_id, customer_id),
        enabled=dto.enabled,
    )


async def create_link_discount(merchant_id: int, customer_id: int) -> str | None:
    """Create the advocate's ``REF-<CODE>`` discount on Shopify (the friend's offer, once
    per customer, no usage limit). Idempotent: a created one is left alone, and a
    repeated creation finds its code taken and keeps that discount. Returns its state."""
    async with unit_of_work() as uow:
        program = await commands.program_in(uow, merchant_id)
        code = await code_repository.claim_link_discount(uow.session, merchant_id, customer_id)
    if code is None or program is None or not program.enabled:
        return None if code is None else code.link_discount_state
    gid = None
    state = "failed"
    try:
        result = await shopify_admin.create_discount_code(
            merchant_id,
            code=rules.link_discount_code(code.code),
            title=f"Referral {code.code}",
            kind=program.friend_kind,  # type: ignore[arg-type]
            value=program.friend_value,
            minimum_subtotal=program.friend_min_order,
            customer_gid=None,
            ends_at=None,
            usage_limit=None,
            applies_once_per_customer=True,
        )
        gid = (
            result.discount_gid if result.ok else result.existing_discount_gid if result.code_taken else None
        )
        state = "created" if gid is not None else "failed"
        if gid is None:
            log.warning(
                "link discount refused",
                extra={"merchant_id": merchant_id, "errors": [e.code for e in result.user_errors]},
            )
    except ValidationFailed as exc:
        log.warning("link discount invalid", extra={"merchant_id": merchant_id, "error": exc.message})
    except shopify_admin.ShopifyAdminError as exc:
        if exc.retryable:
            raise  # Dramatiq retries; the state stays "creating" meanwhile
        log.warning("link discount failed", extra={"merchant_id": merchant_id, "code": exc.code})
    async with unit_of_work() as uow:
        await code_repository.finish_link_discount(
            uow.session, merchant_id, customer_id, state=state, gid=gid
        )
    return state


async def issue_friend_code(merchant_id: int, referral_id: int) -> str | None:
    """Create a claimed friend's single-use code on Shopify (chosen at claim time).
    Idempotent: done once the referral holds the discount's id; a repeated creation
    finds the code taken and keeps that discount. Returns the discount id."""
    async with read_session() as session:
        row = await repository.get_referral(session, merchant_id, referral_id)
        program = await program_repository.get_program(session, merchant_id)
    if row is None or program is None or row.friend_code_enc is None:
        return None
    if row.friend_discount_gid is not None:
        return row.friend_discount_gid
    code = get_keyring().decrypt(row.friend_code_enc, context=FRIEND_CODE_CONTEXT)
    try:
        result = await shopify_admin.create_discount_code(
            merchant_id,
            code=code,
            title="Referral welcome offer",
            kind=program.friend_kind,  # type: ignore[arg-type]
            value=program.friend_value,
            minimum_subtotal=program.friend_min_order,
            customer_gid=None,
            ends_at=row.friend_code_expires_at,
            usage_limit=1,
            applies_once_per_customer=True,
        )
    except ValidationFailed as exc:
        log.warning(
            "friend code invalid",
            extra={"merchant_id": merchant_id, "referral_id": referral_id, "error": exc.message},
        )
        return None
    except shopify_admin.ShopifyAdminError as exc:
        if exc.retryable:
            raise
        log.warning(
            "friend code failed",
            extra={"merchant_id": merchant_id, "referral_id": referral_id, "code": exc.code},
        )
        return None
    # the code is ours (40 random bits within one shop): a taken one is our earlier call's
    gid = result.discount_gid if result.ok else result.existing_discount_gid if result.code_taken else None
    if gid is None:
        log.warning("friend code refused", extra={"merchant_id": merchant_id, "referral_id": referral_id})
        return None
    async with unit_of_work() as uow:
        await repository.set_friend_discount(uow.session, merchant_id, referral_id, gid)
    return gid


async def settle_due(*, now: datetime | None = None) -> int:
    """The periodic pass: each shop with due referrals settled in its own transaction
    (one shop's failure does not hold the others back); shops that uninstalled the app
    are left as they are. Returns how many moved."""
    now = now or utcnow()
    uninstalled = set(await merchants.uninstalled_shops())
    async with read_session() as session:
        shops = [m for m in await repository.shops_with_due(session, now) if m not in uninstalled]
    moved = 0
    failed = 0
    for merchant_id in shops:
        try:
            async with unit_of_work() as uow:
                moved += await commands.settle_shop(uow, merchant_id, now=now)
        except Exception:
            failed += 1
            log.exception("referrals of a shop could not be settled", extra={"merchant_id": merchant_id})
    if failed:
        # the pass is retried as a whole: shops already settled have nothing due any more
        raise RuntimeError(f"{failed} shop(s) could not be settled")
    return moved
