"""Erasing a customer's personal data (``customers/redact``, or the customer's own
confirmed request): the customer is found by the id Shopify knows them by, what they
were known by is read (to find it quoted in free text), ``platform.erasure.CustomerErased``
is published (every context erases what it holds and closes what it had in flight for
them), and their loyalty account is closed (the points left are forfeited by one ledger
row, so shop totals stay true), all in one transaction with the request marked completed.
Accounting stays under our customer id, which names nobody any more (balances, totals,
verify-ledger hold). A customer we never saw (or one erased already) completes with
nothing to do.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.privacy import rules
from loyalnest.contexts.privacy.repository import requests as repository
from loyalnest.contexts.privacy.repository import settings
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)


def _known_as(customer: customers.CustomerDTO) -> tuple[str, ...]:
    values = [customer.email, customer.phone, customer.first_name, customer.last_name]
    if customer.first_name and customer.last_name:
        values.append(f"{customer.first_name} {customer.last_name}")
    if customer.birthday is not None:
        values.append(customer.birthday.isoformat())
    return tuple(v for v in values if v)


async def redact_customer(request_id: int) -> bool:
    """Carry out a customer_redact request; False if it was done (or is being done)."""
    now = utcnow()
    async with unit_of_work() as uow:
        request = await repository.claim(uow.session, request_id, now=now, stale=now - STALE_AFTER)
    if request is None:
        return False
    customer = (
        None
        if request.customer_ref is None
        else await customers.get_by_shopify_id(request.merchant_id, request.customer_ref)
    )
    async with unit_of_work() as uow:
        result: dict[str, object]
        if customer is None:
            result = {"outcome": "unknown customer: nothing held"}
        else:
            # every context first closes what it had in flight for them (pending points,
            # pending redemptions and unused codes, referral rewards owed) and erases what
            # it holds; then what is left on the account is forfeited, read under its lock,
            # so nothing reaches the closed account later
            await uow.publish_events(
                [
                    CustomerErased(
                        merchant_id=request.merchant_id,
                        customer_id=customer.id,
                        shopify_customer_id=request.customer_ref,
                        known_as=_known_as(customer),
                    )
                ]
            )
            forfeited = await points.close_account(
                uow,
                merchant_id=request.merchant_id,
                customer_id=customer.id,
                reason="Loyalty account closed: the customer's data was erased",
                actor="privacy",
                idempotency_key=f"privacy-erasure:{request_id}",
            )
            result = {"outcome": "erased", "customer_id": customer.id, "points_forfeited": forfeited}
        limits = await settings.get(uow.session, request.merchant_id) or {}
        await repository.complete(
            uow.session,
            request_id,
            now=utcnow(),
            result=result,
            artefact_days=limits.get("artefact_days", rules.ARTEFACT_DAYS),
        )
    log.info("customer erased", extra={"request_id": request_id, "outcome": result["outcome"]})
    return True
