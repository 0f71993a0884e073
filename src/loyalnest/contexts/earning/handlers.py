"""Earning's reactions to other contexts' events: a new shop gets its purchase and
earning rules; orders earn (and give back when cancelled or refunded), products' tags
feed the purchase rule's excluded tags, and customers earn the signup and newsletter
awards. Each handler gets every event of its type from one published batch and runs in
the publisher's transaction, so the postings commit together with the inbox rows'
outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from loyalnest.contexts.earning import commands, orders, purchase, repository, rules
from loyalnest.contexts.earning.dto import OrderFacts, OrderLine, RefundFacts, RefundLine
from loyalnest.contexts.earning.repository import held as held_repository
from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.contexts.webhooks.events import (
    CustomerUpserted,
    HistoricalOrderImported,
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
    ProductUpdated,
    RefundCreated,
)
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(ShopInstalled)
async def install_program(uow: UnitOfWork, events: Sequence[ShopInstalled]) -> None:
    """The shop's purchase rule and its other ways to earn: the starter program (every
    rule on, default points) or the minimal one (purchases only, 1 point per unit of
    currency). And the review-webhook secret, so that reading it is a read. A reinstall
    keeps what the shop has."""
    for event in events:
        await purchase.install_purchase_rule(uow, event.merchant_id, starter=event.starter_program)
        await commands.install_rules(uow, event.merchant_id, enabled=event.starter_program)
        await commands.install_review_secret(uow, event.merchant_id)


def _order_facts(event: OrderPlaced, customer_id: int) -> OrderFacts:
    return OrderFacts(
        shopify_order_id=event.shopify_order_id,
        customer_id=customer_id,
        currency=event.currency or "",
        subtotal=event.subtotal,
        shipping=event.shipping,
        tax=event.tax,
        taxes_included=event.taxes_included,
        lines=tuple(
            OrderLine(
                product_id=line.product_id,
                quantity=line.quantity,
                price=line.price,
                discount=line.discount,
                tax=line.tax,
            )
            for line in event.lines
        ),
        test=event.test,
        financial_status=event.financial_status,
        cancelled=event.cancelled,
        fulfillment_status=event.fulfillment_status,
        placed_at=event.placed_at,
        discount_codes=event.discount_codes,
    )


@handles(OrderPlaced)
async def award_orders(uow: UnitOfWork, events: Sequence[OrderPlaced]) -> None:
    """Every order of the batch with a customer (a guest checkout earns nothing), awarded
    together: one statement per step of the pipeline for the whole batch."""
    by_shop: dict[int, list[OrderFacts]] = {}
    for event in events:
        if event.customer_id is not None:
            by_shop.setdefault(event.merchant_id, []).append(_order_facts(event, event.customer_id))
    for merchant_id, facts in by_shop.items():
        await orders.award_orders(uow, merchant_id, facts)


@handles(HistoricalOrderImported)
async def record_historical_orders(uow: UnitOfWork, events: Sequence[HistoricalOrderImported]) -> None:
    """Orders of the shop's history (imports' backfill): recorded as orders/create
    records them (spend and order count for tiers; a later webhook of the same order is
    a replay), through the pipeline only where the backfill asks for points
    (``award_points``: recent orders under its ``awardPointsDays``)."""
    by_shop: dict[int, list[OrderFacts]] = {}
    for event in events:
        if event.order.customer_id is not None:
            facts = replace(
                _order_facts(event.order, event.order.customer_id), award_points=event.award_points
            )
            by_shop.setdefault(event.order.merchant_id, []).append(facts)
    for merchant_id, facts_of_shop in by_shop.items():
        await orders.award_orders(uow, merchant_id, facts_of_shop)


async def _reach_stage(uow: UnitOfWork, events: Sequence[OrderPaid | OrderFulfilled], stage: str) -> None:
    by_shop: dict[int, list[int]] = {}
    for event in events:
        by_shop.setdefault(event.merchant_id, []).append(event.shopify_order_id)
    for merchant_id, order_ids in by_shop.items():
        await orders.reach_stage(uow, merchant_id, order_ids, stage)


@handles(OrderPaid)
async def orders_paid(uow: UnitOfWork, events: Sequence[OrderPaid]) -> None:
    """Shops that earn once orders are paid: the points waiting for payment."""
    await _reach_stage(uow, events, rules.EARN_ON_PAID)


@handles(OrderFulfilled)
async def orders_fulfilled(uow: UnitOfWork, events: Sequence[OrderFulfilled]) -> None:
    """Shops that earn once orders are fulfilled: the points waiting for fulfilment."""
    await _reach_stage(uow, events, rules.EARN_ON_FULFILLED)


@handles(OrderCancelled)
async def cancel_orders(uow: UnitOfWork, events: Sequence[OrderCancelled]) -> None:
    for event in events:
        await orders.cancel_order(
            uow,
            merchant_id=event.merchant_id,
            shopify_order_id=event.shopify_order_id,
            customer_id=event.customer_id,
        )


@handles(RefundCreated)
async def refund_orders(uow: UnitOfWork, events: Sequence[RefundCreated]) -> None:
    for event in events:
        await orders.refund_order(
            uow,
            merchant_id=event.merchant_id,
            refund=RefundFacts(
                shopify_refund_id=event.shopify_refund_id,
                shopify_order_id=event.shopify_order_id,
                # a refund payload names no customer: the order's row knows it
                customer_id=None,
                line_subtotal=event.line_subtotal,
                line_tax=event.line_tax,
                shipping=event.shipping,
                lines=tuple(
                    RefundLine(product_id=line.product_id, subtotal=line.subtotal, tax=line.tax)
                    for line in event.lines
                ),
            ),
        )


@handles(ProductUpdated)
async def record_product_tags(uow: UnitOfWork, events: Sequence[ProductUpdated]) -> None:
    """The tags the purchase rule's excluded tags match."""
    for event in events:
        await orders.record_product_tags(
            uow, event.merchant_id, event.shopify_product_id, event.tags, event.updated_at
        )


@handles(CustomerUpserted)
async def award_customer_rules(uow: UnitOfWork, events: Sequence[CustomerUpserted]) -> None:
    """Signup (customers/create) and newsletter (marketing consent seen on). Both are
    keyed once per customer, so a replay, or a customers/create that arrives after an
    order created the profile, awards nothing twice."""
    for event in events:
        if event.created:
            await commands.award_signup(uow, merchant_id=event.merchant_id, customer_id=event.customer_id)
        if event.marketing_opted_in:
            await commands.award_newsletter(uow, merchant_id=event.merchant_id, customer_id=event.customer_id)


@handles(CustomerErased)
async def cancel_pending_of_the_erased(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """An erased customer's account is closed: points still pending are never posted
    (the order rows stay, naming ids only, for the shop's accounts)."""
    for event in events:
        await repository.cancel_pending_of(uow.session, event.merchant_id, event.customer_id)
        await held_repository.cancel_of(uow.session, event.merchant_id, event.customer_id)
