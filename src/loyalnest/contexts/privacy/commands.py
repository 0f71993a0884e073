"""Recording privacy requests and acting on them, in the caller's transaction (a
webhook's, a sweep's, a GraphQL mutation's): each request is logged once, audited, and
sent to its actor after commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.points import api as points
from loyalnest.contexts.privacy import links, rules
from loyalnest.contexts.privacy.repository import requests, settings
from loyalnest.contexts.privacy.repository.requests import RequestRow
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

PRIVACY_QUEUE = "privacy"
REDACT_SHOP_ACTOR = "privacy.redact_shop"
REDACT_CUSTOMER_ACTOR = "privacy.redact_customer"
EXPORT_CUSTOMER_ACTOR = "privacy.export_customer_data"
ACTORS = {
    rules.SHOP_REDACT: REDACT_SHOP_ACTOR,
    rules.CUSTOMER_REDACT: REDACT_CUSTOMER_ACTOR,
    rules.DATA_REQUEST: EXPORT_CUSTOMER_ACTOR,
}


async def request_shop_redact(
    uow: UnitOfWork, *, merchant_id: int, shop_domain: str, source: str, source_ref: str
) -> int:
    """Log the deletion of the shop's data (once per shop: a repeated shop/redact, or
    our own deadline after it, finds the first request) and have it done after commit.
    Returns the request's id."""
    request, created = await requests.open_request(
        uow.session,
        merchant_id=merchant_id,
        shop_domain=shop_domain,
        type=rules.SHOP_REDACT,
        source=source,
        source_ref=source_ref,
        customer_ref=None,
        external_ref=None,
        status=rules.PENDING,
        now=utcnow(),
    )
    return await _logged(uow, request, created)


async def request_for_customer(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    shop_domain: str,
    type: str,
    shopify_customer_id: int | None,
    source: str,
    source_ref: str,
    external_ref: str | None = None,
) -> int:
    """Log a customer's erasure or data export asked by Shopify (once while one is
    open; Shopify's repeats, and a data request id delivered again, find it) and have
    it done after commit. A customer's own request still waiting for its emailed link
    is taken as confirmed: Shopify (the merchant) asked for the same. Returns its id."""
    now = utcnow()
    request, created = await requests.open_request(
        uow.session,
        merchant_id=merchant_id,
        shop_domain=shop_domain,
        type=type,
        source=source,
        source_ref=source_ref,
        customer_ref=shopify_customer_id,
        external_ref=external_ref,
        status=rules.PENDING,
        now=now,
    )
    if not created and request.status == rules.UNCONFIRMED:
        await requests.confirm(uow.session, merchant_id, request.id, now=now)
    return await _logged(uow, request, created)


async def _logged(uow: UnitOfWork, request: RequestRow, created: bool) -> int:
    """A new request is audited; every request still to do (new or found open) is sent
    to its actor after commit (a second message finds it taken or done)."""
    if created:
        await audit.record(
            uow,
            merchant_id=request.merchant_id,
            actor={rules.WEBHOOK: "shopify", rules.STOREFRONT: f"customer:{request.customer_ref}"}.get(
                request.source, "system"
            ),
            action=f"{ACTORS[request.type]}_requested",
            target_type="PrivacyRequest",
            target_id=str(request.id),
            details={"source": request.source},
        )
    if request.status != rules.COMPLETED:
        uow.enqueue(ACTORS[request.type], queue_name=PRIVACY_QUEUE, request_id=request.id)
    return request.id


# --- a customer's own requests ----------------------------------------------------------


async def request_by_customer(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    shop_domain: str,
    customer_id: int | None,
    shopify_customer_id: int,
    type: str,
) -> tuple[RequestRow, int]:
    """A signed-in customer asks for their data or its erasure: the request waits,
    ``unconfirmed``, for the link emailed to them (a borrowed session cannot erase
    someone's account). Asking again while one waits or runs returns that one (no second
    email). Returns (the request, the points an erasure would forfeit)."""
    customer = None if customer_id is None else await customers.get_customer(merchant_id, customer_id)
    if customer is None:
        raise DomainError("the shop's loyalty program holds nothing about you", code="NOT_ENROLLED")
    if not customer.email:
        raise DomainError(
            "we have no email address to send the confirmation link to: ask the shop", code="NO_EMAIL"
        )
    forfeited = 0
    if type == rules.CUSTOMER_REDACT:
        forfeited = (await points.get_accounts(merchant_id, [customer.id]))[customer.id].balance
    now = utcnow()
    request, created = await requests.open_request(
        uow.session,
        merchant_id=merchant_id,
        shop_domain=shop_domain,
        type=type,
        source=rules.STOREFRONT,
        source_ref=None,
        customer_ref=shopify_customer_id,
        external_ref=None,
        status=rules.UNCONFIRMED,
        now=now,
    )
    if not created:
        return request, forfeited
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=f"customer:{shopify_customer_id}",
        action=f"privacy.{type}_asked",
        target_type="PrivacyRequest",
        target_id=str(request.id),
        details={"source": rules.STOREFRONT},
    )
    link_expires_at = rules.confirm_link_expires_at(now)
    await notifications.queue_messages(
        uow,
        merchant_id,
        [
            notifications.Outgoing(
                type="privacy_request_confirm",
                cause=f"request:{request.id}",
                customer_id=customer.id,
                variables={
                    "request_type": type,
                    "points_forfeited": forfeited,
                    "link_expires_at": link_expires_at,
                },
                sealed={"confirm_url": links.confirm_url(merchant_id, request.id, link_expires_at)},
            )
        ],
    )
    return request, forfeited


class LinkRefused(Exception):
    """A confirmation link that cannot confirm anything: ``reason`` for a program
    (``invalid``, ``expired``, ``used``), ``message`` for the person who followed it.
    Not a DomainError: it answers a link, never a GraphQL mutation."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


async def request_of_link(session: AsyncSession, token: str, *, now: datetime) -> RequestRow:
    """The request a confirmation link names, still waiting for it; ``LinkRefused`` for
    a link that is forged or expired, or used already."""
    claim = links.read_confirm(token, now=now)
    if claim is None:
        raise LinkRefused("this link is not valid or has expired", reason="invalid")
    request = await requests.get(session, *claim)
    if request is None:
        raise LinkRefused("this link is not valid or has expired", reason="invalid")
    if request.status == rules.EXPIRED:
        raise LinkRefused("this request expired: ask again from your account", reason="expired")
    if request.status != rules.UNCONFIRMED:
        raise LinkRefused("this request was confirmed already", reason="used")
    return request


async def confirm_by_link(uow: UnitOfWork, token: str) -> RequestRow:
    """The customer followed the emailed link: their request goes to work now. A link
    that is forged or expired, or used already, is refused (nothing changes)."""
    now = utcnow()
    request = await request_of_link(uow.session, token, now=now)
    merchant_id, request_id = request.merchant_id, request.id
    if not await requests.confirm(uow.session, merchant_id, request_id, now=now):
        raise LinkRefused("this request was confirmed already", reason="used")
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=f"customer:{request.customer_ref}",
        action=f"privacy.{request.type}_confirmed",
        target_type="PrivacyRequest",
        target_id=str(request_id),
        details={},
    )
    uow.enqueue(ACTORS[request.type], queue_name=PRIVACY_QUEUE, request_id=request_id)
    confirmed = await requests.get(uow.session, merchant_id, request_id)
    assert confirmed is not None
    return confirmed


# --- staff ------------------------------------------------------------------------------


async def process_again(uow: UnitOfWork, *, merchant_id: int, request_id: int, actor: str) -> RequestRow:
    """Staff send a stuck request back to work (one that failed, or has been processing
    for a while without finishing); a request that is done or waits for its customer's
    confirmation is refused."""
    request = await requests.get(uow.session, merchant_id, request_id)
    if request is None:
        raise NotFound("privacy request not found", field="id")
    if request.status in (rules.COMPLETED, rules.EXPIRED):
        raise DomainError(
            f"the request is {request.status}: there is nothing left to do", code="NOT_RETRYABLE"
        )
    if request.status == rules.UNCONFIRMED:
        raise DomainError("the request waits for the customer to confirm it by email", code="NOT_RETRYABLE")
    now = utcnow()
    if not await requests.send_back(
        uow.session, merchant_id, request_id, started_before=now - rules.RETRY_PROCESSING_AFTER
    ):
        raise DomainError(
            "the request is being processed right now: try again in a few minutes", code="IN_PROGRESS"
        )
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="privacy.request_retried",
        target_type="PrivacyRequest",
        target_id=str(request_id),
        details={"status_was": request.status, "attempts": request.attempts},
    )
    uow.enqueue(ACTORS[request.type], queue_name=PRIVACY_QUEUE, request_id=request_id)
    updated = await requests.get(uow.session, merchant_id, request_id)
    assert updated is not None
    return updated


async def update_retention(
    uow: UnitOfWork, *, merchant_id: int, changes: dict[str, int], actor: str, now: datetime | None = None
) -> dict[str, int]:
    """Change some of the shop's retention limits (each within its bounds: the first
    out of bounds refuses the whole change). Returns every limit after the change."""
    for field, message in rules.check_retention(changes):
        raise DomainError(message, field=field, code="INVALID")
    current = await settings.get(uow.session, merchant_id) or {
        limit.name: limit.default for limit in rules.RETENTION
    }
    updated = {**current, **changes}
    if updated != current:
        await settings.put(uow.session, merchant_id, updated, now=now or utcnow())
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="privacy.retention_changed",
            target_type="RetentionSettings",
            target_id=str(merchant_id),
            details={
                name: {"from": current[name], "to": value}
                for name, value in changes.items()
                if current[name] != value
            },
        )
    return updated
