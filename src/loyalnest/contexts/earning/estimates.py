"""What an order would earn, explained, without writing anything: staff's
``simulateEarning`` (a hypothetical order for a customer) and the storefront's
``estimateEarning`` (the points shown before purchase). The same purchase rule and the
same pipeline steps as a real order, run with ``dry_run``: "425 base + 212 Gold x1.50 +
500 Black Friday" is what the order would really post, as long as nothing changes
before it is placed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from loyalnest.contexts.earning import pipeline, rules
from loyalnest.contexts.earning.dto import BreakdownPart, EarningBreakdown, OrderFacts, OrderLine
from loyalnest.contexts.earning.orders import (
    eligible_amount_of,
    excluded_products,
    order_context,
    purchase_points,
)
from loyalnest.contexts.earning.purchase import purchase_rule_in
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

# A hypothetical order's amounts: what NUMERIC(16, 4) holds, and no more lines than a
# real Shopify order has.
MAX_AMOUNT = Decimal("1000000000")
MAX_LINES = 250
# The customer of an estimate for a customer we have not seen yet: no tier, no tags.
NO_CUSTOMER = 0


def _validate(subtotal: Decimal, lines: Sequence[OrderLine]) -> None:
    if not subtotal.is_finite() or not Decimal(0) <= subtotal < MAX_AMOUNT:
        raise ValidationFailed("subtotal must be between 0 and 1,000,000,000", field="subtotal")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(f"at most {MAX_LINES} lines", field="lines")
    for line in lines:
        if not 0 < line.quantity <= 10**6:
            raise ValidationFailed("a line's quantity must be between 1 and 1,000,000", field="lines")
        if not line.price.is_finite() or not Decimal(0) <= line.price < MAX_AMOUNT:
            raise ValidationFailed("a line's price must be between 0 and 1,000,000,000", field="lines")


async def estimate_order(
    merchant_id: int,
    *,
    customer_id: int | None,
    subtotal: Decimal,
    lines: Sequence[OrderLine] = (),
    discount_codes: Sequence[str] = (),
) -> EarningBreakdown:
    """The breakdown of what an order of ``subtotal`` (after discounts, before shipping
    and tax, in the shop's currency) with these lines would earn the customer now
    (``customer_id`` None: one we have not seen yet, who has no tier). Raises ``ValidationFailed`` for
    an amount out of range. Writes nothing."""
    _validate(subtotal, lines)
    now = utcnow()
    async with unit_of_work() as uow:
        settings = await purchase_rule_in(uow, merchant_id)
        facts = OrderFacts(
            shopify_order_id=0,
            customer_id=customer_id or NO_CUSTOMER,
            currency="",
            subtotal=subtotal,
            shipping=Decimal(0),
            tax=Decimal(0),
            taxes_included=False,
            lines=tuple(lines),
            placed_at=now,
            discount_codes=tuple(discount_codes),
        )
        excluded = await excluded_products(
            uow, merchant_id, settings, [line.product_id for line in lines if line.product_id is not None]
        )
        eligible = eligible_amount_of(facts, settings, excluded)
        base = purchase_points(facts, eligible, settings)
        if base <= 0:
            return EarningBreakdown(base_points=0, parts=(), pending_days=settings.pending_days)
        award = pipeline.Award(
            customer_id=facts.customer_id,
            points=base,
            rule="order",
            idempotency_key="estimate:earn",
            order=order_context(facts, eligible, now),
            occurred_at=now,
        )
        [planned] = await pipeline.plan(uow, merchant_id, [award], dry_run=True)
        # nothing was written: the unit of work commits an empty transaction
    return EarningBreakdown(
        base_points=base,
        parts=tuple(
            BreakdownPart(
                points=part.points,
                kind=part.kind,
                origin_type=part.origin_type,
                origin_id=part.origin_id,
                label=part.label,
            )
            for part in planned.parts
        ),
        pending_days=settings.pending_days,
    )


def normalise_lines(lines: Sequence[tuple[str | None, int, Decimal]]) -> tuple[OrderLine, ...]:
    """Lines as GraphQL gives them (product id as text, quantity, unit price)."""
    result: list[OrderLine] = []
    for product, quantity, price in lines:
        product_id = None if product is None else rules.parse_product_ids([product])[0]
        result.append(
            OrderLine(
                product_id=product_id, quantity=quantity, price=price, discount=Decimal(0), tax=Decimal(0)
            )
        )
    return tuple(result)
