"""Business rules of the Shopify history backfill, in the caller's unit of work (never
committing): asking for a run (one open run per shop; audited), and importing one
batch of the bulk queries' objects.

Customers are written as customers/create|update write them
(``customers.record_customer_webhook``, their marketing consent recorded as known) but
without publishing ``CustomerUpserted``, so no signup or newsletter points for people
who signed up or subscribed before the app, neither now nor when a later webhook shows
the same consent. Orders are published as ``HistoricalOrderImported`` for analytics and
earning to record through their own handlers; only orders of the last
``award_points_days`` days carry ``award_points``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.imports import backfill_repository as repository
from loyalnest.contexts.imports import backfill_rules as rules
from loyalnest.contexts.imports.backfill_dto import ShopifyBackfillDTO, to_dto
from loyalnest.contexts.webhooks.events import HistoricalOrderImported, OrderLine, OrderPlaced
from loyalnest.platform.errors import DomainError, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

IMPORTS_QUEUE = "imports"
BACKFILL_ACTOR = "imports.backfill_shopify_history"
INSTALL_ACTOR = "install"

# what a profile read from an order's ``customer { id }`` does not say
_ONLY_THE_ID = frozenset(
    {"email", "first_name", "last_name", "phone", "birthday", "accepts_marketing", "tags", "state",
     "shopify_updated_at", "locale"}
)  # fmt: skip


class BackfillInProgress(DomainError):
    code = "IN_PROGRESS"


async def request_backfill(
    uow: UnitOfWork,
    merchant_id: int,
    *,
    since: datetime | None,
    award_points_days: int,
    actor: str,
) -> ShopifyBackfillDTO:
    """Queue a backfill (sent to the worker after commit). Refused while the shop's
    last one is queued or running."""
    if not 0 <= award_points_days <= rules.MAX_AWARD_POINTS_DAYS:
        raise ValidationFailed(
            f"awardPointsDays must be between 0 and {rules.MAX_AWARD_POINTS_DAYS}", field="awardPointsDays"
        )
    if since is not None and since > utcnow():
        raise ValidationFailed("since must not be in the future", field="since")
    row = await repository.insert_run(
        uow.session, merchant_id, since=since, award_points_days=award_points_days, requested_by=actor
    )
    if row is None:
        raise BackfillInProgress("a Shopify history backfill of this shop is already under way")
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="imports.shopify_backfill.requested",
        target_type="ShopifyBackfill",
        target_id=str(row.id),
        details={
            "since": None if since is None else since.isoformat(),
            "award_points_days": award_points_days,
        },
    )
    uow.enqueue(BACKFILL_ACTOR, queue_name=IMPORTS_QUEUE, merchant_id=merchant_id, run_id=row.id)
    return to_dto(row)


async def backfill_on_install(uow: UnitOfWork, merchant_id: int) -> ShopifyBackfillDTO | None:
    """The first install's backfill (all the history, no points); nothing for a shop
    that has had one."""
    if await repository.has_runs(uow.session, merchant_id):
        return None
    return await request_backfill(uow, merchant_id, since=None, award_points_days=0, actor=INSTALL_ACTOR)


# --- one batch ------------------------------------------------------------------------------


def customer_facts(obj: dict[str, Any]) -> customers.ShopifyCustomerFacts | None:
    """A bulk ``Customer`` line as the customers context's facts (None: no usable id)."""
    shopify_id = rules.legacy_id(obj.get("id"))
    if shopify_id is None:
        return None
    consent = obj.get("emailMarketingConsent")
    state = consent.get("marketingState") if isinstance(consent, dict) else None
    absent = {"birthday", "locale"}
    if "state" not in obj:
        absent.add("state")
    return customers.ShopifyCustomerFacts(
        shopify_customer_id=shopify_id,
        email=obj.get("email") or None,
        first_name=obj.get("firstName") or None,
        last_name=obj.get("lastName") or None,
        phone=obj.get("phone") or None,
        accepts_marketing=None if state is None else state == "SUBSCRIBED",
        tags=tuple(str(t) for t in obj.get("tags") or ()),
        state=str(obj.get("state") or "ENABLED").lower(),
        shopify_updated_at=rules.timestamp(obj.get("updatedAt")),
        absent=frozenset(absent),
    )


async def import_customers(
    uow: UnitOfWork, merchant_id: int, run_id: int, objects: Sequence[dict[str, Any]]
) -> int:
    """Write a batch of customers (in Shopify-id order, as webhooks lock them) and the
    run's progress; returns how many were written."""
    facts = [f for f in (customer_facts(o) for o in objects) if f is not None]
    for fact in sorted(facts, key=lambda f: f.shopify_customer_id):
        # as customers/create|update write a profile (its marketing consent recorded as
        # known), without their ``CustomerUpserted``: a later webhook finds the consent
        # already seen, so history earns no newsletter points, now or then
        await customers.record_customer_webhook(uow, merchant_id, fact)
    await repository.add_progress(
        uow.session, merchant_id, run_id, lines=sum(rules.lines_of(o) for o in objects), customers=len(facts)
    )
    return len(facts)


def order_placed(merchant_id: int, obj: dict[str, Any], customer_id: int | None) -> OrderPlaced | None:
    """A bulk ``Order`` line (its line items gathered under ``children``) as the event
    its orders/create would have published; amounts after refunds (``current*``)."""
    order_id = rules.legacy_id(obj.get("id"))
    if order_id is None:
        return None
    subtotal, currency = rules.shop_money(obj.get("currentSubtotalPriceSet"))
    tax, _ = rules.shop_money(obj.get("currentTotalTaxSet"))
    shipping, _ = rules.shop_money(obj.get("totalShippingPriceSet"))
    lines = []
    for child in obj.get("children", ()):
        price, _ = rules.shop_money(child.get("originalUnitPriceSet"))
        discount, _ = rules.shop_money(child.get("totalDiscountSet"))
        quantity = child.get("currentQuantity", child.get("quantity"))
        lines.append(
            OrderLine(
                product_id=rules.legacy_id((child.get("product") or {}).get("id")),
                quantity=int(quantity or 0),
                price=price,
                discount=discount,
                tax=Decimal(0),
            )
        )
    return OrderPlaced(
        merchant_id=merchant_id,
        shopify_order_id=order_id,
        customer_id=customer_id,
        currency=currency,
        subtotal=subtotal,
        shipping=shipping,
        tax=tax,
        taxes_included=bool(obj.get("taxesIncluded")),
        discount_codes=tuple(str(c) for c in obj.get("discountCodes") or ()),
        lines=tuple(lines),
        test=bool(obj.get("test")),
        financial_status=rules.lower_status(obj.get("displayFinancialStatus")),
        cancelled=obj.get("cancelledAt") is not None,
        fulfillment_status=rules.lower_status(obj.get("displayFulfillmentStatus"), none_for=("UNFULFILLED",)),
        placed_at=rules.timestamp(obj.get("processedAt")) or rules.timestamp(obj.get("createdAt")),
    )


async def import_orders(
    uow: UnitOfWork,
    merchant_id: int,
    run_id: int,
    objects: Sequence[dict[str, Any]],
    *,
    award_points_days: int,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Publish a batch of orders as ``HistoricalOrderImported`` (their customers
    resolved to ours, a customer the customers phase missed created from the id) and
    the run's progress; returns (orders, orders sent to earn)."""
    now = now or utcnow()
    customer_ids: dict[int, int] = {}
    for shopify_id in sorted(
        {i for o in objects if (i := rules.legacy_id((o.get("customer") or {}).get("id"))) is not None}
    ):
        found = await customers.upsert_from_shopify(
            uow,
            merchant_id,
            customers.ShopifyCustomerFacts(shopify_customer_id=shopify_id, absent=_ONLY_THE_ID),
        )
        customer_ids[shopify_id] = found
    events: list[HistoricalOrderImported] = []
    for obj in objects:
        shopify_customer = rules.legacy_id((obj.get("customer") or {}).get("id"))
        order = order_placed(
            merchant_id, obj, None if shopify_customer is None else customer_ids[shopify_customer]
        )
        if order is None:
            continue
        award = order.customer_id is not None and rules.awards_points(order.placed_at, award_points_days, now)
        events.append(HistoricalOrderImported(order=order, award_points=award, run_id=run_id))
    await uow.publish_events(events)
    awarded = sum(1 for e in events if e.award_points)
    await repository.add_progress(
        uow.session,
        merchant_id,
        run_id,
        lines=sum(rules.lines_of(o) for o in objects),
        orders=len(events),
        awarded=awarded,
    )
    return len(events), awarded
