"""What changes the ledger, in the caller's unit of work (never committed here): the
doors other contexts and the staff mutations go through. The posting machinery itself
is the ``ledger`` package."""

from __future__ import annotations

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import PostingResult
from loyalnest.contexts.points.ledger.posting import post
from loyalnest.platform.errors import DomainError
from loyalnest.platform.uow import UnitOfWork


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
    """A staff member's manual change; refuses to go below zero (INSUFFICIENT_POINTS)."""
    reason = rules.validate_adjustment(delta, reason)
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
    if not result.created and (
        result.entry.customer_id != customer_id
        or result.entry.delta != delta
        or result.entry.reason != reason
    ):
        # the key names a different adjustment: a client bug, not a retry (Stripe's rule)
        raise DomainError(
            "idempotencyKey was already used for a different adjustment",
            field="idempotencyKey",
            code="IDEMPOTENCY_KEY_REUSED",
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


async def award_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    rule: str,
    source_ref: str | None,
    idempotency_key: str,
    reason: str | None = None,
    actor: str | None = None,
) -> PostingResult:
    """Post an ``earn`` entry of ``points`` under ``rule`` (its source) straight to the
    ledger. Earning rules do not come here: they go through the earning context's
    pipeline (where tier multipliers and campaigns apply), which posts through
    ``post_many``. For seeding balances (imports, benchmarks, tests). A replayed
    ``idempotency_key`` changes nothing and returns the first entry."""
    if points <= 0:
        raise ValueError("an award must be positive")
    return await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=points,
        kind="earn",
        source=rule,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        reason=reason,
        actor=actor,
    )


async def spend_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    source: str,
    source_ref: str | None,
    idempotency_key: str,
    actor: str | None = None,
) -> PostingResult:
    """Spend ``points`` (a redemption): all or nothing, raising ``InsufficientPoints``
    when the balance is short. Safe under concurrency: the account row is locked for
    the rest of the caller's transaction. The points come out of the customer's
    oldest lots first; lots whose time has come expire first (they are never spent)."""
    if points <= 0:
        raise ValueError("a spend must be positive")
    return await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=-points,
        kind="redeem",
        source=source,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        actor=actor,
    )


async def return_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    source: str,
    source_ref: str | None,
    idempotency_key: str,
    reason: str | None = None,
) -> PostingResult:
    """Give back points spent by ``spend_points`` (a discount code Shopify refused, or
    one that expired unused). Not an earning: lifetime earned does not move.

    The points go back into the lots the spend(s) with the same ``source`` and
    ``source_ref`` took them from, with those lots' own expiry (newest lots first for a
    partial return); points whose lot has expired since come back as a new lot under
    the shop's current expiry rule."""
    if points <= 0:
        raise ValueError("a return must be positive")
    return await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=points,
        kind="redeem_return",
        source=source,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        reason=reason,
    )


async def close_account(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, reason: str, actor: str, idempotency_key: str
) -> int:
    """Forfeit everything left on a customer's account (their data was erased): one
    ``adjust`` entry of the whole balance, read under the account's lock in the caller's
    transaction, so points posted a moment before are taken too. Returns the points
    forfeited (0, and no entry, for an empty account or a replayed key)."""
    accounts = await repository.lock_accounts(uow.session, merchant_id, [customer_id])
    balance = accounts[customer_id].balance
    if balance <= 0:
        return 0
    result = await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=-balance,
        kind="adjust",
        source="privacy",
        idempotency_key=idempotency_key,
        reason=reason,
        actor=actor,
    )
    return -result.entry.delta if result.created else 0
