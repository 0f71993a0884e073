"""Redemption, and the passes that finish or undo it: work spanning several
transactions and a call to Shopify.

Redemption spends points and asks Shopify for a discount code, and no database lock is
ever held across that HTTP call. It runs in three steps:

1. one transaction checks the reward, spends the points (``points.spend_points``, which
   locks the customer's account until commit), counts the customer's redemptions of
   the reward under that lock (so concurrent redemptions cannot pass a usage limit),
   and stores the redemption ``pending`` with a code we chose (random, encrypted, with
   a blind index);
2. outside any transaction, Shopify is asked to create that code for that customer;
3. a second transaction records the answer: ``issued``, or ``failed`` with the points
   given back (``points.return_points``) when Shopify refused.

When Shopify's answer is unknown (a timeout on the mutation, 5xx to the end, the process
killed between steps), the row stays ``pending`` and ``settle_pending_redemptions`` asks
again with the same code later: ``TAKEN`` with the existing discount's id means the
first call went through. So no points are lost and no code exists without its points
spent. Steps 1 and 3 are ``commands``; this module runs them around the Shopify call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import commands, repository, rules
from loyalnest.contexts.rewards.commands import CodeAttempt, Reservation
from loyalnest.contexts.rewards.dto import RedemptionOutcome, SettleReport, to_redemption_dto
from loyalnest.contexts.rewards.models import CODE_CONTEXT
from loyalnest.contexts.rewards.repository import RedemptionRow
from loyalnest.integrations.shopify_admin import api as shopify_admin
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# The Admin integration imports no context: it reads a shop's token through the
# credentials port, which the caller plugs in. Rewards is today's caller, so it plugs in
# the merchants context's provider here, at import (every process imports this module
# when it loads the contexts); see ``shopify_admin.credentials``.
shopify_admin.configure_credentials(merchants.get_admin_credentials)

# A redemption still pending after this long has lost its request (the longest a live
# Shopify call can take, retries and rate-limit waits included, is about two minutes);
# the settle actor takes it over.
SETTLE_AFTER = timedelta(minutes=5)
# ...and one whose code Shopify has not confirmed after this long gets its points back.
GIVE_UP_AFTER = timedelta(days=1)
# An order using a code may reach us after the code's expiry (Shopify retries webhooks
# for hours; a backlog adds more): points of unused codes come back this long after.
EXPIRY_GRACE = timedelta(hours=48)


async def redeem_reward(
    *, merchant_id: int, customer_id: int, reward_id: int, actor: str, shopify_customer_id: int | None = None
) -> RedemptionOutcome:
    """Spend the reward's points and create its single-use discount code for the
    customer in Shopify (see the module docstring). Opens its own transactions (no lock
    is held while Shopify is called). Raises ``DomainError`` when refused before
    anything changed (NOT_FOUND, REWARD_UNAVAILABLE, INSUFFICIENT_POINTS,
    USAGE_LIMIT_REACHED); a Shopify refusal returns the failed redemption (points given
    back) with a DISCOUNT_CODE_FAILED error; an unknown Shopify answer leaves it pending
    for the settle actor. A caller that has the customer at hand passes
    ``shopify_customer_id`` (the code is made out to it) and saves a read."""
    if shopify_customer_id is None:
        customer = (await customers.get_customers(merchant_id, [customer_id])).get(customer_id)
        if customer is None:
            raise NotFound("customer not found", field="customerId")
        shopify_customer_id = customer.shopify_customer_id
    async with unit_of_work() as uow:
        reservation = await commands.reserve_redemption(
            uow, merchant_id=merchant_id, customer_id=customer_id, reward_id=reward_id, actor=actor
        )
    attempt = await request_code(
        reservation.row, reservation.code, rules.customer_gid(shopify_customer_id), live=True
    )
    return await finish_redemption(merchant_id, reservation, attempt)


def _classify(exc: shopify_admin.ShopifyAdminError) -> Literal["refused", "unknown"]:
    """Whether a failed call certainly created no code. Retryable errors may have (a
    mutation that timed out, 5xx answers) unless nothing was ever sent."""
    if not exc.retryable:
        return "refused"
    if exc.code == "RATE_LIMITED" and exc.attempts == 0:
        return "refused"  # our bucket refused to send it at all
    return "unknown"


async def request_code(row: RedemptionRow, code: str, shopify_customer: str, *, live: bool) -> CodeAttempt:
    """Step 2: ask Shopify for the code (no transaction open). Never raises: the
    answer is issued, refused (certainly no code) or unknown (maybe a code)."""
    try:
        result = await shopify_admin.create_discount_code(
            row.merchant_id,
            code=code,
            title=row.title,
            kind=row.kind,  # type: ignore[arg-type]
            value=row.value,
            minimum_subtotal=row.minimum_order_amount,
            customer_gid=shopify_customer,
            ends_at=row.expires_at,
            usage_limit=1,
            applies_once_per_customer=True,
            variant_gid=row.variant_gid,
        )
    except ValidationFailed as exc:
        return CodeAttempt("refused", reason=exc.message)
    except shopify_admin.ShopifyAdminError as exc:
        log.warning(
            "discount code creation failed",
            extra={"merchant_id": row.merchant_id, "redemption_id": row.id, "code": exc.code, "live": live},
        )
        return CodeAttempt(_classify(exc), reason=f"Shopify: {exc.code}")
    except Exception:  # a bug or an outage of our own: the code's fate is unknown
        log.exception("discount code creation crashed", extra={"redemption_id": row.id})
        return CodeAttempt("unknown", reason="unexpected error")
    if result.ok:
        return CodeAttempt("issued", discount_gid=result.discount_gid)
    if result.code_taken:
        # the code is ours (60 random bits): an earlier call for this redemption went through
        if result.existing_discount_gid is not None:
            return CodeAttempt("issued", discount_gid=result.existing_discount_gid)
        return CodeAttempt("unknown", reason="Shopify: code taken but not found")
    messages = "; ".join(error.message for error in result.user_errors) or "no discount returned"
    return CodeAttempt("refused", reason=f"Shopify refused the code: {messages}"[:500])


async def finish_redemption(
    merchant_id: int, reservation: Reservation, attempt: CodeAttempt
) -> RedemptionOutcome:
    """Step 3 for a live request. The usual answer (issued) is one conditional UPDATE
    committed on its own: it needs no transaction around it. A refusal gives the points
    back in a transaction with the status change."""
    row, balance = reservation.row, reservation.balance
    final: RedemptionRow | None
    if attempt.result == "refused":
        async with unit_of_work() as uow:
            final = await repository.mark_failed(
                uow.session, merchant_id, row.id, attempt.reason or "refused"
            )
            if final is not None and row.points_spent > 0:  # a granted code spent none
                await uow.publish_events([commands.points_returned(final, reason="failed")])
                returned = await points.return_points(
                    uow,
                    merchant_id=merchant_id,
                    customer_id=row.customer_id,
                    points=row.points_spent,
                    source=rules.LEDGER_SOURCE,
                    source_ref=rules.source_ref(row.id),
                    idempotency_key=rules.return_key(row.id),
                    reason="discount code could not be created",
                )
                balance = returned.entry.balance_after
    elif attempt.result == "issued":
        # a transaction (not the lone UPDATE it was): what reacts to the code (the
        # customer's "here is your code" message) commits with it or not at all
        async with unit_of_work() as uow:
            assert attempt.discount_gid is not None
            final = await repository.mark_issued(uow.session, merchant_id, row.id, attempt.discount_gid)
            if final is not None:
                await uow.publish_events([commands.reward_issued(final)])
    else:
        async with read_session() as session:
            final = await repository.count_attempt(
                session, merchant_id, row.id, attempt.reason or "unknown", transactional=False
            )
    if final is None:  # settled meanwhile (the settle actor, an order using the code)
        async with read_session() as session:
            final = await repository.get_redemption(session, merchant_id, row.id, transactional=False)
        assert final is not None
        balance = (await points.get_accounts(merchant_id, [row.customer_id]))[row.customer_id].balance
    dto = to_redemption_dto(final, get_keyring())
    if final.status == rules.FAILED:
        return RedemptionOutcome(
            dto,
            balance,
            DomainError(
                f"the discount code could not be created ({final.failure_reason}); the points were returned",
                field="rewardId",
                code="DISCOUNT_CODE_FAILED",
            ),
        )
    return RedemptionOutcome(dto, balance)


async def settle_pending_redemptions(
    *, older_than: timedelta = SETTLE_AFTER, give_up_after: timedelta = GIVE_UP_AFTER, limit: int = 100
) -> SettleReport:
    """Finish redemptions left pending (the request died or Shopify's answer was lost).
    Retry the Shopify call of redemptions left ``pending`` (with the same code) and
    record the answer; one still unknown after ``give_up_after`` is failed and its
    points returned. Idempotent: settled rows are skipped, transitions are conditional,
    the points come back under one key."""
    now = utcnow()
    async with read_session() as session:
        due = await repository.pending_before(session, now - older_than, limit)
    issued = failed = still_pending = 0
    for merchant_id, redemption_id in due:
        result = await settle_redemption(merchant_id, redemption_id, give_up_after=give_up_after)
        if result == "issued":
            issued += 1
        elif result == "refused":
            failed += 1
        elif result == "unknown":
            still_pending += 1
    return SettleReport(issued=issued, failed=failed, still_pending=still_pending)


async def settle_redemption(
    merchant_id: int, redemption_id: int, *, give_up_after: timedelta = GIVE_UP_AFTER
) -> str | None:
    """Ask Shopify for a pending redemption's code (again: with the same code, so a
    ``TAKEN`` answer naming it means an earlier call went through) and record the answer;
    one still unknown after ``give_up_after`` is failed (its points, if it spent any,
    come back). Returns the attempt's result, None when the row is not pending (settled
    already: a redelivered message changes nothing)."""
    async with read_session() as session:
        row = await repository.get_redemption(session, merchant_id, redemption_id, transactional=False)
    if row is None or row.status != rules.PENDING:
        return None
    customer = await customers.get_customer(merchant_id, row.customer_id)
    if customer is None:
        attempt = CodeAttempt("refused", reason="the customer no longer exists")
    else:
        code = get_keyring().decrypt(row.code_enc, context=CODE_CONTEXT)
        attempt = await request_code(row, code, rules.customer_gid(customer.shopify_customer_id), live=False)
    if attempt.result == "unknown" and utcnow() - row.created_at > give_up_after:
        attempt = CodeAttempt("refused", reason=f"Shopify did not confirm the code ({attempt.reason})")
    async with unit_of_work() as uow:
        await commands.settle_attempt(uow, merchant_id, row, attempt)
    return attempt.result


async def expire_unused_codes(*, grace: timedelta = EXPIRY_GRACE, batch_size: int = 200) -> int:
    """Codes issued and never used, past their expiry plus ``grace`` (an order using a
    code may be reported late): mark them expired and give their points back, a batch
    per transaction. Idempotent: only ``issued`` rows expire, under one return key."""
    total = 0
    while True:
        async with unit_of_work() as uow:
            rows = await repository.expire_due(uow.session, utcnow() - grace, batch_size)
            # accounts locked in one order, so two runs (or a webhook batch) cannot deadlock
            for row in sorted(rows, key=lambda r: (r.merchant_id, r.customer_id, r.id)):
                if row.points_spent == 0:  # a granted code (a tier's entry reward) spent none
                    continue
                await uow.publish_events([commands.points_returned(row, reason="unused")])
                await points.return_points(
                    uow,
                    merchant_id=row.merchant_id,
                    customer_id=row.customer_id,
                    points=row.points_spent,
                    source=rules.LEDGER_SOURCE,
                    source_ref=rules.source_ref(row.id),
                    idempotency_key=rules.return_key(row.id),
                    reason="discount code expired unused",
                )
        total += len(rows)
        if len(rows) < batch_size:
            return total


async def deactivate_discounts(merchant_id: int, discount_gids: Sequence[str]) -> int:
    """Switch these Shopify discounts off (an erased customer's unused codes, an erased
    advocate's link discount). Idempotent: switching off twice is harmless, and one
    Shopify no longer has is left at that. A failed call that may work later raises,
    for the actor's retry. Returns how many were switched off."""
    done = 0
    for gid in discount_gids:
        try:
            refused = await shopify_admin.set_discount_active(merchant_id, gid, active=False)
        except shopify_admin.ShopifyAdminError as exc:
            if exc.retryable:
                raise
            log.warning("discount not switched off", extra={"merchant_id": merchant_id, "code": exc.code})
            continue
        if refused:
            log.info(
                "discount not switched off", extra={"merchant_id": merchant_id, "refused": refused[0].code}
            )
            continue
        done += 1
    return done
