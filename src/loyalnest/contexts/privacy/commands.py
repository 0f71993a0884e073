"""Recording privacy requests, in the caller's transaction (a webhook's, a sweep's)."""

from __future__ import annotations

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.privacy import repository, rules
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

PRIVACY_QUEUE = "privacy"
REDACT_SHOP_ACTOR = "privacy.redact_shop"
REDACT_CUSTOMER_ACTOR = "privacy.redact_customer"


async def request_shop_redact(
    uow: UnitOfWork, *, merchant_id: int, shop_domain: str, source: str, source_ref: str
) -> int:
    """Log the deletion of the shop's data (once per shop: a repeated shop/redact, or
    our own deadline after it, finds the first request) and have it done after commit.
    Returns the request's id."""
    request_id, created = await repository.open_shop_redact(
        uow.session,
        merchant_id=merchant_id,
        shop_domain=shop_domain,
        source=source,
        source_ref=source_ref,
        now=utcnow(),
    )
    return await _logged(uow, merchant_id, request_id, created, source, REDACT_SHOP_ACTOR)


async def request_customer_redact(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    shop_domain: str,
    shopify_customer_id: int | None,
    source: str,
    source_ref: str,
) -> int:
    """Log the erasure of a customer's personal data (once while one is open: Shopify's
    repeats find it) and have it done after commit. Returns the request's id."""
    request_id, created = await repository.open_customer_redact(
        uow.session,
        merchant_id=merchant_id,
        shop_domain=shop_domain,
        shopify_customer_id=shopify_customer_id,
        source=source,
        source_ref=source_ref,
        now=utcnow(),
    )
    return await _logged(uow, merchant_id, request_id, created, source, REDACT_CUSTOMER_ACTOR)


async def _logged(
    uow: UnitOfWork, merchant_id: int, request_id: int, created: bool, source: str, actor: str
) -> int:
    """A new request is audited; every request (new or found open) is sent to its actor
    after commit (a second message finds it taken or done)."""
    if created:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor="shopify" if source == rules.WEBHOOK else "system",
            action=f"{actor}_requested",
            target_type="PrivacyRequest",
            target_id=str(request_id),
            details={"source": source},
        )
    uow.enqueue(actor, queue_name=PRIVACY_QUEUE, request_id=request_id)
    return request_id
