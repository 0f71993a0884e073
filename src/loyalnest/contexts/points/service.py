"""Points business rules. Every balance change is one ledger posting, written once
(idempotency key), in the caller's unit of work."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.exc import NoResultFound

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import (
    LedgerEntryDTO,
    LedgerMismatch,
    OrderFacts,
    PostingResult,
    RefundFacts,
)
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.contexts.points.models import OrderPoints, PointsLedgerEntry
from loyalnest.platform.errors import InsufficientPoints, ValidationFailed
from loyalnest.platform.uow import UnitOfWork

MAX_ADJUSTMENT = 10_000_000
MAX_REASON_LENGTH = 500


def to_entry_dto(row: PointsLedgerEntry) -> LedgerEntryDTO:
    assert row.id is not None
    return LedgerEntryDTO(
        id=row.id,
        customer_id=row.customer_id,
        delta=row.delta,
        kind=row.kind,
        source=row.source,
        source_ref=row.source_ref,
        shortfall=row.shortfall,
        balance_after=row.balance_after,
        reason=row.reason,
        actor=row.actor,
        created_at=row.created_at,
    )


async def post(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    delta: int,
    kind: str,
    source: str,
    idempotency_key: str,
    source_ref: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    allow_shortfall: bool = False,
) -> PostingResult:
    """Post one balance change.

    A debit larger than the balance raises ``InsufficientPoints`` unless
    ``allow_shortfall`` (reversals): then it takes what is there and records the rest as
    the entry's shortfall, so nothing is silently dropped and the balance never goes
    negative. A replayed idempotency key changes nothing and returns the first entry.
    """
    session = uow.session
    balance, lifetime = await repository.lock_account(session, merchant_id, customer_id)
    applied, shortfall = delta, 0
    if delta < 0 and balance + delta < 0:
        if not allow_shortfall:
            # a replay of a debit that already went through must not be refused
            existing = await _existing(uow, merchant_id, idempotency_key)
            if existing is not None:
                return existing
            raise InsufficientPoints(f"balance is {balance} points; {-delta} needed", field="delta")
        applied, shortfall = -balance, -delta - balance
    entry_id = await repository.insert_entry(
        session,
        {
            "merchant_id": merchant_id,
            "customer_id": customer_id,
            "delta": applied,
            "kind": kind,
            "source": source,
            "source_ref": source_ref,
            "idempotency_key": idempotency_key,
            "shortfall": shortfall,
            "balance_after": balance + applied,
            "reason": reason,
            "actor": actor,
        },
    )
    if entry_id is None:
        existing = await _existing(uow, merchant_id, idempotency_key)
        assert existing is not None
        return existing
    lifetime_delta = rules.lifetime_change(kind, applied, -delta)
    await repository.apply_to_account(
        session, merchant_id, customer_id, delta=applied, lifetime_delta=lifetime_delta
    )
    entry = await repository.get_entry(session, merchant_id, entry_id)
    assert entry is not None
    event = PointsBalanceChanged(
        merchant_id=merchant_id,
        customer_id=customer_id,
        entry_id=entry_id,
        kind=kind,
        delta=applied,
        balance=balance + applied,
        lifetime_earned=max(lifetime + lifetime_delta, 0),
    )
    uow.publish(balance_channel(merchant_id, customer_id), event.to_payload())
    return PostingResult(entry=to_entry_dto(entry), created=True)


async def _existing(uow: UnitOfWork, merchant_id: int, idempotency_key: str) -> PostingResult | None:
    try:
        row = await repository.get_entry_by_key(uow.session, merchant_id, idempotency_key)
    except NoResultFound:
        return None
    return PostingResult(entry=to_entry_dto(row), created=False)


async def adjust_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    delta: int,
    reason: str,
    actor: str,
    idempotency_key: str,
) -> PostingResult:
    reason = reason.strip()
    if delta == 0:
        raise ValidationFailed("delta must not be zero", field="delta")
    if abs(delta) > MAX_ADJUSTMENT:
        raise ValidationFailed(f"delta must be within ±{MAX_ADJUSTMENT}", field="delta")
    if not reason:
        raise ValidationFailed("a reason is required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"reason is limited to {MAX_REASON_LENGTH} characters", field="reason")
    result = await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=delta,
        kind="adjust",
        source="staff",
        idempotency_key=f"adjust:{idempotency_key}",
        reason=reason,
        actor=actor,
    )
    if result.created:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="points.adjusted",
            target_type="Customer",
            target_id=str(customer_id),
            details={"delta": delta, "entry_id": result.entry.id},
        )
    return result


def _order_ref(shopify_order_id: int) -> str:
    return f"order:{shopify_order_id}"


async def _reverse_to_target(uow: UnitOfWork, merchant_id: int, order: OrderPoints, *, key: str) -> None:
    """Bring the order's reversed points up to what its refunds/cancellation call for."""
    if order.customer_id is None or order.eligible_amount is None:
        return
    if order.cancelled:
        target = order.points_earned
    else:
        target = rules.reversal_target(
            order.points_earned, Decimal(order.eligible_amount), Decimal(order.refunded_amount)
        )
    owed = target - order.points_reversed
    if owed <= 0:
        return
    await post(
        uow,
        merchant_id=merchant_id,
        customer_id=order.customer_id,
        delta=-owed,
        kind="reversal",
        source="order",
        source_ref=_order_ref(order.shopify_order_id),
        idempotency_key=key,
        allow_shortfall=True,
    )
    order.points_reversed = target


async def award_order_points(uow: UnitOfWork, *, merchant_id: int, order: OrderFacts) -> int:
    """Award an order's points once. Returns the points awarded by this call (0 for a
    replay, a guest, or an order whose cancellation arrived first)."""
    row = await repository.upsert_order(uow.session, merchant_id, order.shopify_order_id)
    if row.eligible_amount is not None:
        return 0  # seen before: replay or a create after another order payload
    settings = await merchants.get_program_settings_in(uow, merchant_id)
    eligible = rules.eligible_amount(
        subtotal=order.subtotal,
        shipping=order.shipping,
        tax=order.tax,
        taxes_included=order.taxes_included,
        earn_on_shipping=settings.earn_on_shipping,
        earn_on_tax=settings.earn_on_tax,
    )
    row.customer_id = order.customer_id
    row.eligible_amount = eligible
    row.currency = order.currency
    row.taxes_included = order.taxes_included
    if row.cancelled:
        return 0  # the cancellation came first: nothing to award, nothing to leave behind
    points = rules.points_for_amount(eligible, settings.points_per_currency_unit, settings.rounding)
    awarded = 0
    if points > 0:
        result = await post(
            uow,
            merchant_id=merchant_id,
            customer_id=order.customer_id,
            delta=points,
            kind="earn",
            source="order",
            source_ref=_order_ref(order.shopify_order_id),
            idempotency_key=f"{_order_ref(order.shopify_order_id)}:earn",
        )
        if result.created:
            awarded = points
        row.points_earned = result.entry.delta
    # refunds that arrived before the order take their share back right away
    await _reverse_to_target(uow, merchant_id, row, key=f"{_order_ref(order.shopify_order_id)}:early-refunds")
    await uow.session.flush()
    return awarded


async def cancel_order(
    uow: UnitOfWork, *, merchant_id: int, shopify_order_id: int, customer_id: int | None
) -> None:
    row = await repository.upsert_order(uow.session, merchant_id, shopify_order_id)
    if row.cancelled:
        return
    row.cancelled = True
    if row.customer_id is None:
        row.customer_id = customer_id
    await _reverse_to_target(uow, merchant_id, row, key=f"{_order_ref(shopify_order_id)}:cancel")
    await uow.session.flush()


async def refund_order(uow: UnitOfWork, *, merchant_id: int, refund: RefundFacts) -> None:
    row = await repository.upsert_order(uow.session, merchant_id, refund.shopify_order_id)
    settings = await merchants.get_program_settings_in(uow, merchant_id)
    amount = rules.eligible_amount(
        subtotal=refund.line_subtotal,
        shipping=refund.shipping,
        tax=refund.line_tax,
        taxes_included=row.taxes_included,
        earn_on_shipping=settings.earn_on_shipping,
        earn_on_tax=settings.earn_on_tax,
    )
    if not await repository.insert_refund(
        uow.session, merchant_id, refund.shopify_refund_id, refund.shopify_order_id, amount
    ):
        return  # this refund was handled before
    row.refunded_amount = Decimal(row.refunded_amount) + amount
    if row.customer_id is None:
        row.customer_id = refund.customer_id
    await _reverse_to_target(uow, merchant_id, row, key=f"refund:{refund.shopify_refund_id}")
    await uow.session.flush()


async def verify_ledger(uow: UnitOfWork, merchant_id: int | None) -> list[LedgerMismatch]:
    rows = await repository.find_ledger_mismatches(uow.session, merchant_id)
    return [LedgerMismatch(merchant_id=m, customer_id=c, balance=b, ledger_sum=s) for m, c, b, s in rows]
