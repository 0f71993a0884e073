"""Business rules of the rewards context that change state, in the caller's unit of
work (never committing): the catalog, the two transactional steps of a redemption
(``flows`` runs the whole of it, Shopify call included), and codes used by orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import repository, rules
from loyalnest.contexts.rewards.dto import KEEP, CodeUse, RewardDTO, RewardInput, RewardUpdate, to_reward_dto
from loyalnest.contexts.rewards.events import PointsReturned, RewardIssued
from loyalnest.contexts.rewards.models import CODE_CONTEXT
from loyalnest.contexts.rewards.repository import RedemptionRow, RewardRow
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import DomainError, InsufficientPoints, NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

# --- the catalog --------------------------------------------------------------------------

_TERM_FIELDS = (
    "kind",
    "points_cost",
    "value",
    "variant_gid",
    "minimum_order_amount",
    "usage_limit_per_customer",
    "starts_at",
    "ends_at",
    "code_validity_days",
)
# fields that may not be cleared (set to None) by an update
_REQUIRED_FIELDS = {"kind", "points_cost", "code_validity_days", "titles", "default_locale"}
_API_NAMES = {
    "kind": "kind",
    "points_cost": "pointsCost",
    "value": "value",
    "variant_gid": "productVariantId",
    "minimum_order_amount": "minimumOrderAmount",
    "usage_limit_per_customer": "usageLimitPerCustomer",
    "starts_at": "startsAt",
    "ends_at": "endsAt",
    "code_validity_days": "codeValidityDays",
    "titles": "titles",
    "default_locale": "defaultLocale",
}


def _checked_values(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a reward's full set of values; returns them normalised."""
    terms = rules.Terms(**{name: values[name] for name in _TERM_FIELDS})
    rules.check_terms(terms)
    default_locale, titles = rules.clean_titles(values["titles"], values["default_locale"])
    return {**values, "default_locale": default_locale, "titles": titles}


def _row_values(row: RewardRow) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in _TERM_FIELDS}
    return {**values, "titles": dict(row.titles), "default_locale": row.default_locale}


async def create_reward(uow: UnitOfWork, *, merchant_id: int, actor: str, data: RewardInput) -> RewardDTO:
    values = _checked_values(
        {name: getattr(data, name) for name in (*_TERM_FIELDS, "titles", "default_locale")}
    )
    row = await repository.insert_reward(uow.session, merchant_id, values)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="reward.created",
        target_type="Reward",
        target_id=str(row.id),
        details={"kind": row.kind, "points_cost": row.points_cost},
    )
    return to_reward_dto(row)


async def update_reward(
    uow: UnitOfWork, *, merchant_id: int, actor: str, reward_id: int, update: RewardUpdate
) -> RewardDTO:
    row = await repository.get_reward(uow.session, merchant_id, reward_id, for_update=True)
    if row is None:
        raise NotFound("reward not found", field="id")
    if row.archived_at is not None:
        raise DomainError("an archived reward cannot be changed", field="id", code="REWARD_ARCHIVED")
    current = _row_values(row)
    merged = dict(current)
    for name in _API_NAMES:
        value = getattr(update, name)
        if value is KEEP:
            continue
        if value is None and name in _REQUIRED_FIELDS:
            raise ValidationFailed(f"{_API_NAMES[name]} cannot be null", field=_API_NAMES[name])
        merged[name] = value
    values = _checked_values(merged)
    changed = sorted(_API_NAMES[name] for name in values if values[name] != current[name])
    if not changed:
        return to_reward_dto(row)
    row = await repository.update_reward(uow.session, merchant_id, reward_id, values)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="reward.updated",
        target_type="Reward",
        target_id=str(reward_id),
        details={"changed": changed},
    )
    return to_reward_dto(row)


async def archive_reward(uow: UnitOfWork, *, merchant_id: int, actor: str, reward_id: int) -> RewardDTO:
    """Archive once; archiving an archived reward changes nothing and returns it."""
    row = await repository.archive_reward(uow.session, merchant_id, reward_id)
    if row is None:
        existing = await repository.get_reward(uow.session, merchant_id, reward_id)
        if existing is None:
            raise NotFound("reward not found", field="id")
        return to_reward_dto(existing)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="reward.archived",
        target_type="Reward",
        target_id=str(reward_id),
    )
    return to_reward_dto(row)


# --- redemption ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reservation:
    """What step 1 leaves: the pending row, its code in clear (for Shopify only), and
    the customer's balance after the spend."""

    row: RedemptionRow
    code: str = field(repr=False)
    balance: int


@dataclass(frozen=True)
class CodeAttempt:
    """What one Shopify call told us about a code."""

    result: Literal["issued", "refused", "unknown"]
    discount_gid: str | None = None
    reason: str | None = None


async def _available_reward(uow: UnitOfWork, merchant_id: int, reward_id: int) -> RewardRow:
    """The reward, if it can be redeemed now; ``NotFound`` or REWARD_UNAVAILABLE else."""
    reward = await repository.get_reward(uow.session, merchant_id, reward_id)
    if reward is None:
        raise NotFound("reward not found", field="rewardId")
    reason = rules.unavailable_reason(reward.archived_at, reward.starts_at, reward.ends_at, utcnow())
    if reason is not None:
        raise DomainError(reason, field="rewardId", code="REWARD_UNAVAILABLE")
    return reward


async def _store_pending(
    uow: UnitOfWork, merchant_id: int, customer_id: int, reward: RewardRow, *, points_spent: int, actor: str
) -> tuple[RedemptionRow, str]:
    """A ``pending`` redemption of ``reward`` with a fresh code: (row, code in clear)."""
    keyring = get_keyring()
    now = utcnow()
    while True:  # a code the shop already has: draw again (60 random bits: never)
        code = rules.new_code()
        row = await repository.insert_redemption(
            uow.session,
            merchant_id,
            repository.NewRedemption(
                customer_id=customer_id,
                reward_id=reward.id,
                points_spent=points_spent,
                kind=reward.kind,
                value=reward.value,
                minimum_order_amount=reward.minimum_order_amount,
                variant_gid=reward.variant_gid,
                title=rules.title_for(reward.titles, reward.default_locale, None),
                code_enc=keyring.encrypt(code, context=CODE_CONTEXT),
                code_bidx=rules.code_index(keyring, code),
                expires_at=rules.code_expiry(now, reward.code_validity_days),
                actor=actor,
            ),
        )
        if row is not None:
            return row, code


async def reserve_redemption(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, reward_id: int, actor: str
) -> Reservation:
    """Step 1: spend the points and store the redemption ``pending`` with a fresh code."""
    reward = await _available_reward(uow, merchant_id, reward_id)
    limit = reward.usage_limit_per_customer
    if limit is not None:
        # early answer without the lock; the count after the spend below is the one that holds
        await _check_usage(uow, merchant_id, customer_id, reward.id, limit, including_new=False)
    row, code = await _store_pending(
        uow, merchant_id, customer_id, reward, points_spent=reward.points_cost, actor=actor
    )
    # locks the account row until commit: concurrent redemptions of this customer queue here
    try:
        spent = await points.spend_points(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            points=reward.points_cost,
            source=rules.LEDGER_SOURCE,
            source_ref=rules.source_ref(row.id),
            idempotency_key=rules.spend_key(row.id),
            actor=actor,
        )
    except InsufficientPoints as exc:
        raise InsufficientPoints(exc.message, field="rewardId") from exc
    if limit is not None:
        await _check_usage(uow, merchant_id, customer_id, reward.id, limit, including_new=True)
    if actor.startswith("staff:"):
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="reward.redeemed",
            target_type="Customer",
            target_id=str(customer_id),
            details={"reward_id": reward.id, "redemption_id": row.id, "points": reward.points_cost},
        )
    return Reservation(row=row, code=code, balance=spent.entry.balance_after)


# The actor that asks Shopify for a granted code (``rewards.tasks``).
ISSUE_GRANTED_CODE_ACTOR = "rewards.issue_granted_code"
REWARDS_QUEUE = "rewards"
DEACTIVATE_DISCOUNTS_ACTOR = "rewards.deactivate_discounts"


async def grant_reward(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, reward_id: int, actor: str
) -> int:
    """Issue a catalog reward as a code without spending points (a tier's entry reward),
    in the caller's unit of work: the redemption is stored ``pending`` with 0 points
    spent and, after commit, ``rewards.issue_granted_code`` asks Shopify for it (through
    the outbox: never a Shopify call inside the caller's transaction, nor one per code
    in a webhook batch's worker). Usage limits do not apply (a gift is not the
    customer's redemption). Returns the redemption's id. Raises ``NotFound`` or
    REWARD_UNAVAILABLE, nothing changed."""
    reward = await _available_reward(uow, merchant_id, reward_id)
    row, _ = await _store_pending(uow, merchant_id, customer_id, reward, points_spent=0, actor=actor)
    uow.enqueue(
        ISSUE_GRANTED_CODE_ACTOR, queue_name=REWARDS_QUEUE, merchant_id=merchant_id, redemption_id=row.id
    )
    return row.id


async def _check_usage(
    uow: UnitOfWork, merchant_id: int, customer_id: int, reward_id: int, limit: int, *, including_new: bool
) -> None:
    counts = await repository.count_redemptions(
        uow.session, merchant_id, customer_id, [reward_id], rules.COUNTED_STATUSES
    )
    used = counts.get(reward_id, 0) - (1 if including_new else 0)
    if used >= limit:
        raise DomainError(
            f"this reward can be redeemed {limit} time{'s' if limit != 1 else ''} per customer",
            field="rewardId",
            code="USAGE_LIMIT_REACHED",
        )


async def settle_attempt(
    uow: UnitOfWork, merchant_id: int, row: RedemptionRow, attempt: CodeAttempt
) -> RedemptionRow | None:
    """Step 3 in the caller's transaction. Transitions are conditional on ``pending``:
    whoever settles first (the request or the settle actor) decides. Returns the row as
    this call left it, or None when something else had settled it first."""
    if attempt.result == "issued":
        assert attempt.discount_gid is not None
        issued = await repository.mark_issued(uow.session, merchant_id, row.id, attempt.discount_gid)
        if issued is not None:
            await uow.publish_events([reward_issued(issued)])
        return issued
    if attempt.result == "refused":
        failed = await repository.mark_failed(uow.session, merchant_id, row.id, attempt.reason or "refused")
        if failed is not None and row.points_spent > 0:  # a granted code spent none
            await uow.publish_events([points_returned(failed, reason="failed")])
            await points.return_points(
                uow,
                merchant_id=merchant_id,
                customer_id=row.customer_id,
                points=row.points_spent,
                source=rules.LEDGER_SOURCE,
                source_ref=rules.source_ref(row.id),
                idempotency_key=rules.return_key(row.id),
                reason="discount code could not be created",
            )
        return failed
    return await repository.count_attempt(uow.session, merchant_id, row.id, attempt.reason or "unknown")


def reward_issued(row: RedemptionRow) -> RewardIssued:
    """The event of a redemption whose code now exists (the row as marked issued)."""
    return RewardIssued(
        merchant_id=row.merchant_id,
        customer_id=row.customer_id,
        redemption_id=row.id,
        reward_title=row.title,
        code=get_keyring().decrypt(row.code_enc, context=CODE_CONTEXT),
        value=row.value,
        currency=None,
        expires_at=row.expires_at,
        points_spent=row.points_spent,
    )


def points_returned(row: RedemptionRow, *, reason: str) -> PointsReturned:
    return PointsReturned(
        merchant_id=row.merchant_id,
        customer_id=row.customer_id,
        redemption_id=row.id,
        reward_title=row.title,
        points=row.points_spent,
        reason=reason,
    )


# --- codes used by orders -----------------------------------------------------------------


async def mark_codes_used(uow: UnitOfWork, merchant_id: int, uses: Sequence[CodeUse]) -> int:
    """Orders used these codes: their redemptions become ``fulfilled`` (order id, time).
    Codes that are not ours (the merchant's own) cost nothing. A code used after its
    points were returned (the order was reported after expiry + grace, or after a
    redemption given up as failed) is still marked fulfilled; the points stay with the
    customer and the case is written to the audit trail for the merchant."""
    ours = [use for use in uses if rules.looks_like_our_code(use.code)]
    if not ours:
        return 0
    keyring = get_keyring()
    rows = await repository.mark_used(
        uow.session,
        merchant_id,
        [(rules.code_indexes(keyring, use.code), use.shopify_order_id) for use in ours],
    )
    for row in rows:
        if row.returned_at is not None:
            await audit.record(
                uow,
                merchant_id=merchant_id,
                actor="shopify",
                action="reward.code_used_after_return",
                target_type="Customer",
                target_id=str(row.customer_id),
                details={
                    "redemption_id": row.id,
                    "order_id": row.shopify_order_id,
                    "points": row.points_spent,
                },
            )
    return len(rows)


async def erase_codes_of(uow: UnitOfWork, merchant_id: int, customer_id: int) -> None:
    """A customer's erasure (``platform.erasure.CustomerErased``): the texts of their
    codes go; their redemptions (points, reward, dates) stay for the shop's accounts.
    Their account is closed, so their unused codes stop working in Shopify too."""
    erased = get_keyring().encrypt("", context=CODE_CONTEXT)
    unused = await repository.erase_codes_of(uow.session, merchant_id, customer_id, erased)
    switch_off_discounts(uow, merchant_id, unused)


def switch_off_discounts(uow: UnitOfWork, merchant_id: int, discount_gids: Sequence[str]) -> None:
    """Switch these Shopify discounts off after commit (an actor: no HTTP call inside a
    transaction); the referrals context asks it for an erased advocate's link discount."""
    if discount_gids:
        uow.enqueue(
            DEACTIVATE_DISCOUNTS_ACTOR,
            queue_name=REWARDS_QUEUE,
            merchant_id=merchant_id,
            discount_gids=sorted(set(discount_gids)),
        )
