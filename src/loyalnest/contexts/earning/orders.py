"""Orders and what they earn: the purchase rule applied to each order (eligible
amount, excluded products and tags, minimum, rounding), points held as pending (for
the pending period, or until the order is paid or fulfilled where the shop earns then), and
what cancellations and refunds take back, whichever of an order's webhooks arrives
first. The ``order_points`` row of an order is locked by every one of them, so they are
handled one at a time; each posting has a key of its own, so replays change nothing.

Keys (existing ledgers depend on them): ``order:<id>:earn`` (at once or released from
pending), ``order:<id>:cancel``, ``refund:<refund id>``, ``order:<id>:early-refunds``.
The parts the pipeline adds (a tier's multiplier, campaigns) are rows of their own,
``order:<id>:<suffix>`` (``order:7:tier``, ``order:7:campaign:3``), remembered on the
order's row; each reversal takes every part back in the same proportion as the base,
under the reversal's key plus the part's suffix (``refund:9:tier``).

An order also counts toward its customer's spend and order count (what tiers qualify
on): ``OrderSpendChanged`` when it is placed, refunded or cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from loyalnest.contexts.earning import pipeline, repository, rules
from loyalnest.contexts.earning.dto import OrderFacts, PurchaseRuleDTO, RefundFacts
from loyalnest.contexts.earning.events import (
    EarnedPart,
    EarningReversed,
    OrderContext,
    OrderLineContext,
    OrderSpendChanged,
)
from loyalnest.contexts.earning.purchase import purchase_rule_in
from loyalnest.contexts.earning.repository import OrderRow
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import CacheKey, UnitOfWork

log = logging.getLogger(__name__)

# The shop's currency, read once per unit of work that awards orders.
SHOP_CURRENCY = CacheKey[str]("earning.shop_currency")


async def _shop_currency(uow: UnitOfWork, merchant_id: int) -> str:
    async def load() -> str:
        merchant = await merchants.get_merchant_in(uow, merchant_id)
        return "" if merchant is None else merchant.currency

    return await uow.cached(SHOP_CURRENCY, merchant_id, load)


def _order_ref(shopify_order_id: int) -> str:
    return f"order:{shopify_order_id}"


def _earn_key(shopify_order_id: int) -> str:
    """The key of an order's earning, whether awarded at once or released from pending."""
    return f"{_order_ref(shopify_order_id)}:earn"


def _purchase_award(
    customer_id: int, shopify_order_id: int, earned: int, order: OrderContext | None
) -> pipeline.Award:
    """The purchase rule's award for an order (at once, or released from pending)."""
    return pipeline.Award(
        customer_id=customer_id,
        points=earned,
        rule="order",
        idempotency_key=_earn_key(shopify_order_id),
        source_ref=_order_ref(shopify_order_id),
        order=order,
        occurred_at=None if order is None else order.placed_at,
    )


def order_context(order: OrderFacts, eligible: Decimal, placed_at: datetime) -> OrderContext:
    return OrderContext(
        shopify_order_id=order.shopify_order_id,
        subtotal=order.subtotal,
        eligible_amount=eligible,
        currency=order.currency,
        lines=tuple(
            OrderLineContext(
                product_id=line.product_id,
                quantity=line.quantity,
                amount=rules.line_amount(line.price, line.quantity, line.discount),
            )
            for line in order.lines
        ),
        discount_codes=order.discount_codes,
        placed_at=placed_at,
    )


def _row_context(row: OrderRow) -> OrderContext:
    """What the order's row still tells of it (for points released from pending: the
    parts were planned when it was placed)."""
    eligible = Decimal(row.eligible_amount or 0)
    return OrderContext(
        shopify_order_id=row.shopify_order_id,
        subtotal=eligible if row.spend_amount is None else Decimal(row.spend_amount),
        eligible_amount=eligible,
        currency=row.currency or "",
        placed_at=row.placed_at,
    )


def _stored_parts(parts: Sequence[pipeline.Part]) -> list[dict[str, object]]:
    return [
        {
            "suffix": part.suffix,
            "points": part.points,
            "kind": part.kind,
            "origin_type": part.origin_type,
            "origin_id": part.origin_id,
            "label": part.label,
            "reversed": 0,
            "lapsed": 0,
        }
        for part in parts
    ]


def _parts_left(row: OrderRow) -> list[pipeline.Part]:
    """The order's parts less what refunds took while they were held as pending."""
    return [
        pipeline.Part(
            suffix=str(part["suffix"]),
            points=int(part["points"]) - int(part["reversed"]),
            kind=str(part["kind"]),
            origin_type=str(part["origin_type"]),
            origin_id=int(part["origin_id"]),
            label=str(part["label"]),
        )
        for part in row.parts
        if int(part["points"]) - int(part["reversed"]) > 0
    ]


def _target(order: OrderRow, earned: int) -> int:
    """What the order's refunds or cancellation call to take back of ``earned`` points
    (the base, or one part: every part in the same proportion)."""
    if order.cancelled:
        return earned
    return rules.reversal_target(earned, Decimal(order.eligible_amount or 0), Decimal(order.refunded_amount))


async def _reverse_to_target(
    uow: UnitOfWork, merchant_id: int, order: OrderRow, *, key: str, reason: str = "refund"
) -> None:
    """Bring the order's reversed points (its base and each part) up to what its
    refunds/cancellation call for."""
    if order.customer_id is None or order.eligible_amount is None:
        return
    target = _target(order, order.points_earned)
    owed = target - order.points_reversed
    parts_owed = [(part, _target(order, int(part["points"])) - int(part["reversed"])) for part in order.parts]
    if owed <= 0 and all(o <= 0 for _, o in parts_owed):
        return
    found = await repository.lock_pending(uow.session, merchant_id, [order.shopify_order_id])
    pending = found[0] if found else None
    if pending is not None and pending.status == "pending":
        # still held back: what the refund or cancellation takes is simply not released
        order.points_reversed = target
        for part, _ in parts_owed:
            part["reversed"] = _target(order, int(part["points"]))
        left = (order.points_earned - target) + sum(
            int(part["points"]) - int(part["reversed"]) for part in order.parts
        )
        status = "cancelled" if left <= 0 or order.cancelled else "pending"
        await repository.update_pending(
            uow.session, merchant_id, [replace(pending, points=max(left, 0), status=status)]
        )
        return
    taken: list[EarnedPart] = []
    if owed > 0:
        # The order's points come back out of its own lot first, then from the others;
        # what its lot lost to expiry is not taken twice (see ``points.reverse_earning``).
        result, lapsed = await points.reverse_earning(
            uow,
            merchant_id=merchant_id,
            customer_id=order.customer_id,
            points=owed,
            earning_key=_earn_key(order.shopify_order_id),
            source="order",
            source_ref=_order_ref(order.shopify_order_id),
            idempotency_key=key,
            already_lapsed=order.points_lapsed,
            origin_type=pipeline.ORIGIN_RULE,
        )
        order.points_reversed = target
        order.points_lapsed += lapsed
        if result.created:
            taken.append(EarnedPart(key, "reversal", pipeline.ORIGIN_RULE, None, -owed))
    for part, part_owed in parts_owed:
        if part_owed <= 0:
            continue
        suffix = str(part["suffix"])
        part_reversal_key = f"{key}:{suffix}"
        result, lapsed = await points.reverse_earning(
            uow,
            merchant_id=merchant_id,
            customer_id=order.customer_id,
            points=part_owed,
            earning_key=pipeline.part_key(_earn_key(order.shopify_order_id), suffix),
            source="order",
            source_ref=_order_ref(order.shopify_order_id),
            idempotency_key=part_reversal_key,
            already_lapsed=int(part["lapsed"]),
            origin_type=str(part["origin_type"]),
            origin_id=int(part["origin_id"]),
        )
        part["reversed"] = int(part["reversed"]) + part_owed
        part["lapsed"] = int(part["lapsed"]) + lapsed
        if result.created:
            taken.append(
                EarnedPart(
                    part_reversal_key,
                    "reversal",
                    str(part["origin_type"]),
                    int(part["origin_id"]),
                    -part_owed,
                )
            )
    if taken:
        await uow.publish_events(
            [
                EarningReversed(
                    merchant_id=merchant_id,
                    customer_id=order.customer_id,
                    source_ref=_order_ref(order.shopify_order_id),
                    reason=reason,
                    occurred_at=utcnow(),
                    parts=tuple(taken),
                )
            ]
        )


def _spend_change(row: OrderRow, amount: Decimal, orders: int, reason: str) -> OrderSpendChanged | None:
    """The order's change to its customer's spend, if it counts toward it."""
    if row.customer_id is None or row.spend_amount is None or (amount == 0 and orders == 0):
        return None
    return OrderSpendChanged(
        merchant_id=row.merchant_id,
        customer_id=row.customer_id,
        shopify_order_id=row.shopify_order_id,
        placed_at=row.placed_at or utcnow(),
        amount=amount,
        orders=orders,
        reason=reason,
        origins=_origins(row),
    )


def _origins(row: OrderRow) -> tuple[tuple[str, int], ...]:
    """The tiers and campaigns that added to the order's points (planned when it was
    placed, whether posted or still pending)."""
    return tuple(dict.fromkeys((str(p["origin_type"]), int(p["origin_id"])) for p in row.parts))


async def excluded_products(
    uow: UnitOfWork, merchant_id: int, settings: PurchaseRuleDTO, product_ids: Sequence[int]
) -> frozenset[int]:
    """Of these products, those whose lines earn nothing: excluded by id, or carrying an
    excluded tag (known from products/create and products/update webhooks; a product
    never seen there is not excluded by tag). One statement, only when tags are set."""
    excluded = frozenset(settings.excluded_product_ids)
    if not settings.excluded_product_tags or not product_ids:
        return excluded
    tagged = await repository.products_tagged(
        uow.session, merchant_id, product_ids, settings.excluded_product_tags
    )
    return excluded | tagged


async def product_tags_in(
    uow: UnitOfWork, merchant_id: int, product_ids: Sequence[int]
) -> dict[int, frozenset[str]]:
    """Products' tags as the products webhooks last told them (lower-case, trimmed), in
    the caller's transaction; products without known tags are absent."""
    if not product_ids:
        return {}
    return await repository.tags_of_products(uow.session, merchant_id, product_ids)


async def record_product_tags(
    uow: UnitOfWork, merchant_id: int, product_id: int, tags: Sequence[str], updated_at: datetime | None
) -> None:
    normalised = sorted({rules.normalise_tag(tag) for tag in tags if rules.normalise_tag(tag)})
    await repository.upsert_product_tags(uow.session, merchant_id, product_id, normalised, updated_at)


def eligible_amount_of(
    order: OrderFacts, settings: PurchaseRuleDTO, excluded_products: frozenset[int]
) -> Decimal:
    """The part of the order that earns: after discounts, without the lines of excluded
    products, shipping and tax as the merchant says."""
    excluded, excluded_tax = rules.excluded_amounts(
        [
            (line.product_id, rules.line_amount(line.price, line.quantity, line.discount), line.tax)
            for line in order.lines
        ],
        excluded_products,
    )
    return rules.eligible_amount(
        subtotal=order.subtotal - excluded,
        shipping=order.shipping,
        tax=max(order.tax - excluded_tax, Decimal(0)),
        taxes_included=order.taxes_included,
        earn_on_shipping=settings.earn_on_shipping,
        earn_on_tax=settings.earn_on_tax,
    )


def purchase_points(order: OrderFacts, eligible: Decimal, settings: PurchaseRuleDTO) -> int:
    """What the purchase rule gives an order: nothing when it is off or the order's
    subtotal (after discounts, as the customer saw it) is below the minimum."""
    if not settings.purchase_enabled:
        return 0
    if settings.min_order_amount is not None and order.subtotal < settings.min_order_amount:
        return 0
    return rules.points_for_amount(eligible, settings.points_per_currency_unit, settings.rounding)


async def award_orders(uow: UnitOfWork, merchant_id: int, orders: Sequence[OrderFacts]) -> list[int]:
    """Award orders, one or a whole batch (one statement per step for all of them):
    the points each entry of ``orders`` awarded (0 for a replay, or an order whose
    cancellation arrived first).

    Each order is awarded once: its ``order_points`` row is created and locked, a row
    already holding an eligible amount is a replay (or came after another order payload)
    and awards nothing, and an order whose cancellation came first records its facts but
    earns nothing. The purchase points go through the earning pipeline as one batch;
    refunds that arrived before the order take their share back right away.
    """
    awarded = [0] * len(orders)
    first: dict[int, int] = {}  # shopify order id -> index of its first call (later ones are replays)
    for index, order in enumerate(orders):
        first.setdefault(order.shopify_order_id, index)
    rows = await repository.upsert_orders(uow.session, merchant_id, list(first))
    settings = await purchase_rule_in(uow, merchant_id)
    changed: list[OrderRow] = []
    awards: list[pipeline.Award] = []
    posted: list[tuple[int, OrderRow]] = []
    holding: list[tuple[pipeline.Award, OrderRow, datetime | None]] = []
    placed: list[tuple[OrderRow, Decimal, OrderFacts]] = []
    now = utcnow()
    release_at = now + timedelta(days=settings.pending_days)
    excluded = await excluded_products(
        uow,
        merchant_id,
        settings,
        [line.product_id for order in orders for line in order.lines if line.product_id is not None],
    )
    shop_currency = await _shop_currency(uow, merchant_id)
    for order_id, index in first.items():
        order, row = orders[index], rows[order_id]
        if row.eligible_amount is not None:
            continue  # seen before: replay or a create after another order payload
        eligible = eligible_amount_of(order, settings, excluded)
        row.customer_id = order.customer_id
        row.eligible_amount = eligible
        row.currency = order.currency
        row.taxes_included = order.taxes_included
        # the stages the payload itself shows; orders/paid or a fulfilment that came
        # first has already set them on the row
        row.paid = row.paid or rules.is_paid(order.financial_status)
        row.fulfilled = row.fulfilled or rules.is_fulfilled(order.fulfillment_status)
        changed.append(row)
        if row.cancelled:
            continue  # the cancellation came first: nothing to award, nothing to leave behind
        reason = rules.order_skip_reason(
            test=order.test,
            financial_status=order.financial_status,
            cancelled=order.cancelled,
            currency=order.currency,
            shop_currency=shop_currency,
            test_orders_earn=settings.test_orders_earn,
        )
        if reason is not None:
            row.skip_reason = reason
            # an order cancelled in its own payload is as cancelled as one whose
            # orders/cancelled came first: a later cancellation finds nothing to take
            row.cancelled = row.cancelled or reason == rules.SKIP_CANCELLED
            # ids and the reason only: never the customer's details
            log.info(
                "order earns nothing",
                extra={"merchant_id": merchant_id, "shopify_order_id": order_id, "reason": reason},
            )
            continue
        # the order counts toward its customer's spend and orders (what tiers qualify
        # on), less refunds that came before it, whether or not it earns points
        row.placed_at = order.placed_at or now
        row.spend_amount = order.subtotal
        placed.append((row, max(order.subtotal - Decimal(row.spend_refunded), Decimal(0)), order))
        if not order.award_points:
            row.points_earned = 0
            continue  # history imported without points: counted, never awarded
        earned = purchase_points(order, eligible, settings)
        if earned <= 0:
            continue
        award = _purchase_award(
            order.customer_id, order_id, earned, order_context(order, eligible, row.placed_at)
        )
        row.points_earned = earned
        if not rules.stage_reached(settings.earn_on, paid=row.paid, fulfilled=row.fulfilled):
            # the shop earns once the order is paid or fulfilled: the points wait, with
            # no release date, for that webhook (``reach_stage``); refunds and a
            # cancellation meanwhile lower or cancel them like any pending points
            holding.append((award, row, None))
            continue
        if settings.pending_days > 0:
            # held back for the pending period: ``release_pending`` posts them later
            # under the same key an immediate award would have used
            holding.append((award, row, release_at))
            continue
        awards.append(award)
        posted.append((index, row))
    # Tiers and campaigns are decided as the order is placed, whether its points are
    # posted now or held: the campaign of that weekend counts, not the one of release day.
    planned = await pipeline.plan(uow, merchant_id, [*awards, *(award for award, _, _ in holding)])
    held: list[repository.PendingRow] = []
    for (award, row, release), earning in zip(holding, planned[len(awards) :], strict=True):
        row.parts = _stored_parts(earning.parts)
        held.append(
            repository.PendingRow(row.shopify_order_id, award.customer_id, earning.total, release, "pending")
        )
    # an order's row says whether it was awarded: these are new
    results = await pipeline.post(uow, merchant_id, planned[: len(awards)], fresh=True)
    for (index, row), earning, result in zip(posted, planned[: len(awards)], results, strict=True):
        if result.created:
            awarded[index] = result.entry.delta
        row.points_earned = result.entry.delta
        row.parts = _stored_parts(earning.parts)
    await repository.insert_pending(uow.session, merchant_id, held)
    for row in changed:
        if not row.cancelled and row.refunded_amount > 0:
            # refunds that arrived before the order take their share back right away,
            # measured now that the order (and whether its prices hold tax) is known
            row.refunded_amount = await repository.settle_provisional_refunds(
                uow.session, merchant_id, row.shopify_order_id, taxes_included=row.taxes_included
            )
            await _reverse_to_target(
                uow, merchant_id, row, key=f"{_order_ref(row.shopify_order_id)}:early-refunds"
            )
    await repository.update_orders(uow.session, merchant_id, changed)
    # once the parts are planned: the event names the campaigns that added to the order
    spent = [
        replace(change, discount_codes=order.discount_codes)
        for row, amount, order in placed
        # history imported without points counts as "imported": no tier entry bonus,
        # no campaign results
        if (change := _spend_change(row, amount, 1, "placed" if order.award_points else "imported"))
        is not None
    ]
    await uow.publish_events(spent)
    return awarded


async def count_customer_orders(
    uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, int]:
    """The orders each customer has placed that count (not cancelled, not a test order or
    in another currency), as recorded in this transaction so far: during the pipeline of
    an order batch, the batch's own orders are not counted yet. Customers with none are
    absent."""
    if not customer_ids:
        return {}
    return await repository.count_customer_orders(uow.session, merchant_id, customer_ids)


async def cancel_order(
    uow: UnitOfWork, *, merchant_id: int, shopify_order_id: int, customer_id: int | None
) -> None:
    row = await repository.upsert_order(uow.session, merchant_id, shopify_order_id)
    if row.cancelled:
        return
    row.cancelled = True
    if row.customer_id is None:
        row.customer_id = customer_id
    await _reverse_to_target(
        uow, merchant_id, row, key=f"{_order_ref(shopify_order_id)}:cancel", reason="cancellation"
    )
    await repository.update_orders(uow.session, merchant_id, [row])
    if row.spend_amount is not None:
        rest = max(Decimal(row.spend_amount) - Decimal(row.spend_refunded), Decimal(0))
        change = _spend_change(row, -rest, -1, "cancellation")
        if change is not None:
            await uow.publish_events([change])


async def refund_order(uow: UnitOfWork, *, merchant_id: int, refund: RefundFacts) -> None:
    row = await repository.upsert_order(uow.session, merchant_id, refund.shopify_order_id)
    settings = await purchase_rule_in(uow, merchant_id)
    # lines of excluded products earned nothing: refunding them takes nothing back
    products = await excluded_products(
        uow, merchant_id, settings, [line.product_id for line in refund.lines if line.product_id is not None]
    )
    excluded, excluded_tax = rules.excluded_amounts(
        [(line.product_id, line.subtotal, line.tax) for line in refund.lines], products
    )
    line_tax = max(refund.line_tax - excluded_tax, Decimal(0))
    amount = rules.eligible_amount(
        subtotal=refund.line_subtotal - excluded,
        shipping=refund.shipping,
        tax=line_tax,
        taxes_included=row.taxes_included,
        earn_on_shipping=settings.earn_on_shipping,
        earn_on_tax=settings.earn_on_tax,
    )
    if not await repository.insert_refund(
        uow.session,
        merchant_id,
        refund.shopify_refund_id,
        refund.shopify_order_id,
        amount,
        line_tax=line_tax,
        # before its order is seen, whether prices include tax is unknown (see models)
        provisional=row.eligible_amount is None,
    ):
        return  # this refund was handled before
    row.refunded_amount = Decimal(row.refunded_amount) + amount
    if row.customer_id is None:
        row.customer_id = refund.customer_id
    # the spend it takes back: the refunded lines after discounts, never below nothing
    before = Decimal(row.spend_refunded)
    row.spend_refunded = before + max(refund.line_subtotal, Decimal(0))
    await _reverse_to_target(uow, merchant_id, row, key=f"refund:{refund.shopify_refund_id}")
    await repository.update_orders(uow.session, merchant_id, [row])
    if row.spend_amount is not None and not row.cancelled:
        left = max(Decimal(row.spend_amount) - before, Decimal(0))
        change = _spend_change(row, -min(left, row.spend_refunded - before), 0, "refund")
        if change is not None:
            await uow.publish_events([change])


async def reach_stage(uow: UnitOfWork, merchant_id: int, shopify_order_ids: Sequence[int], stage: str) -> int:
    """Orders paid (``stage`` ``rules.EARN_ON_PAID``) or fulfilled (``EARN_ON_FULFILLED``),
    from their orders/paid, orders/fulfilled or successful fulfillments/create. The order
    rows are locked (and created: the stage's webhook may come before orders/create,
    which then finds the stage reached) and the stage recorded. Where the shop earns at
    this stage, the points waiting for it get their release date: the pending period
    from now, or, with none, they are posted at once as the order's ``earn``, the key
    every other path uses, so a replayed webhook posts nothing twice. Returns the
    points posted now."""
    rows = await repository.upsert_orders(uow.session, merchant_id, shopify_order_ids)
    changed: list[OrderRow] = []
    for row in rows.values():
        if stage == rules.EARN_ON_PAID and not row.paid:
            row.paid = True
            changed.append(row)
        elif stage == rules.EARN_ON_FULFILLED and not row.fulfilled:
            row.fulfilled = True
            changed.append(row)
    await repository.update_orders(uow.session, merchant_id, changed)
    settings = await purchase_rule_in(uow, merchant_id)
    if settings.earn_on != stage:
        return 0
    now = utcnow()
    scheduled = await repository.schedule_waiting(
        uow.session, merchant_id, list(rows), now + timedelta(days=settings.pending_days)
    )
    if settings.pending_days > 0 or not scheduled:
        return 0  # the release pass posts them when their period is over
    return await release_pending(uow, merchant_id, scheduled)


async def release_pending(uow: UnitOfWork, merchant_id: int, shopify_order_ids: Sequence[int]) -> int:
    """Post the pending points of these orders that are due, as each order's ``earn``
    (the key an immediate award would have used). The order rows are locked first, as
    every webhook of an order does, so a refund or cancellation arriving meanwhile is
    seen before or after, never halfway. Returns the points released."""
    now = utcnow()
    orders = await repository.upsert_orders(uow.session, merchant_id, shopify_order_ids)
    due = await repository.lock_pending(uow.session, merchant_id, shopify_order_ids, due_at=now)
    earnings: list[pipeline.Earning] = []
    for pending in due:
        order = orders[pending.shopify_order_id]
        # what refunds left of the base and of each part planned when it was placed
        base = order.points_earned - order.points_reversed
        if pending.points <= 0 or base <= 0:
            continue
        award = _purchase_award(pending.customer_id, pending.shopify_order_id, base, _row_context(order))
        earnings.append(pipeline.Earning(award, _parts_left(order)))
    # locked pending rows still pending: never posted
    await pipeline.post(uow, merchant_id, earnings, fresh=True)
    await repository.update_pending(
        uow.session,
        merchant_id,
        [replace(row, status="released" if row.points > 0 else "cancelled") for row in due],
    )
    return sum(e.total for e in earnings)
