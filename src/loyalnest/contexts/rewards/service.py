"""Business rules of the reward catalog and of redemption.

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
killed between steps), the row stays ``pending`` and ``settle_pending`` asks again with
the same code later: ``TAKEN`` with the existing discount's id means the first call
went through. So no points are lost and no code exists without its points spent.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import repository, rules
from loyalnest.contexts.rewards.dto import (
    KEEP,
    CodeUse,
    RedemptionDTO,
    RedemptionPage,
    RewardDTO,
    RewardInput,
    RewardPage,
    RewardUpdate,
    SettleReport,
)
from loyalnest.contexts.rewards.repository import RedemptionRow, RewardRow
from loyalnest.platform.crypto import Keyring, get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import DomainError, InsufficientPoints, NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

if TYPE_CHECKING:
    from loyalnest.contexts.shopify import api as shopify

log = logging.getLogger(__name__)

# AAD of the code column: a ciphertext moved elsewhere does not decrypt
CODE_CONTEXT = b"reward_redemptions.code"
CODE_INDEX_KIND = "discount_code"
LEDGER_SOURCE = "reward"


def code_index(keyring: Keyring, code: str) -> str:
    return keyring.blind_index(code, kind=CODE_INDEX_KIND)


def new_code() -> str:
    return rules.format_code(
        "".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_CHARACTERS))
    )


def _spend_key(redemption_id: int) -> str:
    return f"reward-redemption:{redemption_id}:spend"


def _return_key(redemption_id: int) -> str:
    # one key for every way points come back (refused, expired): returned at most once
    return f"reward-redemption:{redemption_id}:return"


def _source_ref(redemption_id: int) -> str:
    return f"redemption:{redemption_id}"


def customer_gid(shopify_customer_id: int) -> str:
    return f"gid://shopify/Customer/{shopify_customer_id}"


# --- DTOs ---------------------------------------------------------------------------------


def to_reward_dto(row: RewardRow) -> RewardDTO:
    return RewardDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        kind=row.kind,
        points_cost=row.points_cost,
        value=row.value,
        variant_gid=row.variant_gid,
        minimum_order_amount=row.minimum_order_amount,
        usage_limit_per_customer=row.usage_limit_per_customer,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        code_validity_days=row.code_validity_days,
        default_locale=row.default_locale,
        titles=tuple(sorted((str(k), str(v)) for k, v in row.titles.items())),
        archived_at=row.archived_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_redemption_dto(row: RedemptionRow, keyring: Keyring) -> RedemptionDTO:
    return RedemptionDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        customer_id=row.customer_id,
        reward_id=row.reward_id,
        status=row.status,
        points_spent=row.points_spent,
        kind=row.kind,
        value=row.value,
        minimum_order_amount=row.minimum_order_amount,
        variant_gid=row.variant_gid,
        title=row.title,
        code=keyring.decrypt(row.code_enc, context=CODE_CONTEXT),
        discount_gid=row.discount_gid,
        expires_at=row.expires_at,
        actor=row.actor,
        failure_reason=row.failure_reason,
        shopify_order_id=row.shopify_order_id,
        issued_at=row.issued_at,
        used_at=row.used_at,
        returned_at=row.returned_at,
        created_at=row.created_at,
    )


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


async def get_rewards(merchant_id: int, reward_ids: Sequence[int]) -> dict[int, RewardDTO]:
    async with read_session() as session:
        rows = await repository.get_rewards(session, merchant_id, reward_ids)
    return {row.id: to_reward_dto(row) for row in rows}


async def list_rewards(
    merchant_id: int,
    *,
    after_id: int | None,
    first: int,
    include_archived: bool,
    available_at: datetime | None,
) -> RewardPage:
    async with read_session() as session:
        rows = await repository.list_rewards(
            session,
            merchant_id,
            after_id=after_id,
            limit=first + 1,
            include_archived=include_archived,
            available_at=available_at,
        )
    return RewardPage(items=[to_reward_dto(r) for r in rows[:first]], has_next_page=len(rows) > first)


async def redemption_counts(merchant_id: int, customer_id: int, reward_ids: Sequence[int]) -> dict[int, int]:
    """How often the customer redeemed each reward (redemptions whose points were not
    given back: what a usage limit counts)."""
    async with read_session() as session:
        found = await repository.count_redemptions(
            session, merchant_id, customer_id, reward_ids, rules.COUNTED_STATUSES, transactional=False
        )
    return {reward_id: found.get(reward_id, 0) for reward_id in reward_ids}


# --- redemption ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RedemptionOutcome:
    """The redemption as it stands once the call returns: ``issued`` (the code works),
    ``pending`` (Shopify's answer is not known yet; settled later), or ``failed`` (the
    points came back; ``error`` says why)."""

    redemption: RedemptionDTO
    # the customer's balance once this redemption is done (spent, or given back)
    points_balance: int
    error: DomainError | None = None


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


async def redeem_reward(
    *, merchant_id: int, customer_id: int, reward_id: int, actor: str, shopify_customer_id: int | None = None
) -> RedemptionOutcome:
    """Redeem ``reward_id`` for the customer (see the module docstring). Refusals made
    before anything changed (unknown reward or customer, reward unavailable, not enough
    points, usage limit reached) raise ``DomainError``. A caller that has just read the
    customer passes its ``shopify_customer_id`` (the code is made out to it)."""
    if shopify_customer_id is None:
        customer = (await customers.get_customers(merchant_id, [customer_id])).get(customer_id)
        if customer is None:
            raise NotFound("customer not found", field="customerId")
        shopify_customer_id = customer.shopify_customer_id
    async with unit_of_work() as uow:
        reservation = await reserve_redemption(
            uow, merchant_id=merchant_id, customer_id=customer_id, reward_id=reward_id, actor=actor
        )
    attempt = await request_code(
        reservation.row, reservation.code, customer_gid(shopify_customer_id), live=True
    )
    return await finish_redemption(merchant_id, reservation, attempt)


async def reserve_redemption(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, reward_id: int, actor: str
) -> Reservation:
    """Step 1: spend the points and store the redemption ``pending`` with a fresh code."""
    now = utcnow()
    reward = await repository.get_reward(uow.session, merchant_id, reward_id)
    if reward is None:
        raise NotFound("reward not found", field="rewardId")
    reason = rules.unavailable_reason(reward.archived_at, reward.starts_at, reward.ends_at, now)
    if reason is not None:
        raise DomainError(reason, field="rewardId", code="REWARD_UNAVAILABLE")
    limit = reward.usage_limit_per_customer
    if limit is not None:
        # early answer without the lock; the count after the spend below is the one that holds
        await _check_usage(uow, merchant_id, customer_id, reward.id, limit, including_new=False)
    keyring = get_keyring()
    row = None
    while row is None:  # a code the shop already has: draw again (60 random bits: never)
        code = new_code()
        row = await repository.insert_redemption(
            uow.session,
            merchant_id,
            repository.NewRedemption(
                customer_id=customer_id,
                reward_id=reward.id,
                points_spent=reward.points_cost,
                kind=reward.kind,
                value=reward.value,
                minimum_order_amount=reward.minimum_order_amount,
                variant_gid=reward.variant_gid,
                title=rules.title_for(reward.titles, reward.default_locale, None),
                code_enc=keyring.encrypt(code, context=CODE_CONTEXT),
                code_bidx=code_index(keyring, code),
                expires_at=rules.code_expiry(now, reward.code_validity_days),
                actor=actor,
            ),
        )
    # locks the account row until commit: concurrent redemptions of this customer queue here
    try:
        spent = await points.spend_points(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            points=reward.points_cost,
            source=LEDGER_SOURCE,
            source_ref=_source_ref(row.id),
            idempotency_key=_spend_key(row.id),
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


def _classify(exc: shopify.ShopifyAdminError) -> Literal["refused", "unknown"]:
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
    # Imported here: the shopify context calls this one (orders' discount codes), and
    # importing it at module level would make the two contexts' modules a cycle.
    from loyalnest.contexts.shopify import api as shopify

    try:
        result = await shopify.create_discount_code(
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
    except shopify.ShopifyAdminError as exc:
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


async def _settle(
    uow: UnitOfWork, merchant_id: int, row: RedemptionRow, attempt: CodeAttempt
) -> RedemptionRow | None:
    """Step 3 in the caller's transaction. Transitions are conditional on ``pending``:
    whoever settles first (the request or the settle actor) decides. Returns the row as
    this call left it, or None when something else had settled it first."""
    if attempt.result == "issued":
        assert attempt.discount_gid is not None
        return await repository.mark_issued(uow.session, merchant_id, row.id, attempt.discount_gid)
    if attempt.result == "refused":
        failed = await repository.mark_failed(uow.session, merchant_id, row.id, attempt.reason or "refused")
        if failed is not None:
            await points.return_points(
                uow,
                merchant_id=merchant_id,
                customer_id=row.customer_id,
                points=row.points_spent,
                source=LEDGER_SOURCE,
                source_ref=_source_ref(row.id),
                idempotency_key=_return_key(row.id),
                reason="discount code could not be created",
            )
        return failed
    return await repository.count_attempt(uow.session, merchant_id, row.id, attempt.reason or "unknown")


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
            if final is not None:
                returned = await points.return_points(
                    uow,
                    merchant_id=merchant_id,
                    customer_id=row.customer_id,
                    points=row.points_spent,
                    source=LEDGER_SOURCE,
                    source_ref=_source_ref(row.id),
                    idempotency_key=_return_key(row.id),
                    reason="discount code could not be created",
                )
                balance = returned.entry.balance_after
    else:
        async with read_session() as session:
            if attempt.result == "issued":
                assert attempt.discount_gid is not None
                final = await repository.mark_issued(
                    session, merchant_id, row.id, attempt.discount_gid, transactional=False
                )
            else:
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


async def settle_pending(*, older_than: timedelta, give_up_after: timedelta, limit: int) -> SettleReport:
    """Retry the Shopify call of redemptions left ``pending`` (with the same code) and
    record the answer; one still unknown after ``give_up_after`` is failed and its
    points returned. Idempotent: settled rows are skipped, transitions are conditional,
    the points come back under one key."""
    now = utcnow()
    async with read_session() as session:
        due = await repository.pending_before(session, now - older_than, limit)
    issued = failed = still_pending = 0
    keyring = get_keyring()
    for merchant_id, redemption_id in due:
        async with read_session() as session:
            row = await repository.get_redemption(session, merchant_id, redemption_id, transactional=False)
        if row is None or row.status != rules.PENDING:
            continue
        customer = await customers.get_customer(merchant_id, row.customer_id)
        if customer is None:
            attempt = CodeAttempt("refused", reason="the customer no longer exists")
        else:
            code = keyring.decrypt(row.code_enc, context=CODE_CONTEXT)
            attempt = await request_code(row, code, customer_gid(customer.shopify_customer_id), live=False)
        if attempt.result == "unknown" and now - row.created_at > give_up_after:
            attempt = CodeAttempt("refused", reason=f"Shopify did not confirm the code ({attempt.reason})")
        async with unit_of_work() as uow:
            await _settle(uow, merchant_id, row, attempt)
        if attempt.result == "issued":
            issued += 1
        elif attempt.result == "refused":
            failed += 1
        else:
            still_pending += 1
    return SettleReport(issued=issued, failed=failed, still_pending=still_pending)


async def expire_unused_codes(*, grace: timedelta, batch_size: int) -> int:
    """Codes issued and never used, past their expiry plus ``grace`` (an order using a
    code may be reported late): mark them expired and give their points back, a batch
    per transaction. Idempotent: only ``issued`` rows expire, under one return key."""
    total = 0
    while True:
        async with unit_of_work() as uow:
            rows = await repository.expire_due(uow.session, utcnow() - grace, batch_size)
            # accounts locked in one order, so two runs (or a webhook batch) cannot deadlock
            for row in sorted(rows, key=lambda r: (r.merchant_id, r.customer_id, r.id)):
                await points.return_points(
                    uow,
                    merchant_id=row.merchant_id,
                    customer_id=row.customer_id,
                    points=row.points_spent,
                    source=LEDGER_SOURCE,
                    source_ref=_source_ref(row.id),
                    idempotency_key=_return_key(row.id),
                    reason="discount code expired unused",
                )
        total += len(rows)
        if len(rows) < batch_size:
            return total


def _looks_like_our_code(code: str) -> bool:
    return code.strip().upper().startswith(rules.CODE_PREFIX)


async def mark_codes_used(uow: UnitOfWork, merchant_id: int, uses: Sequence[CodeUse]) -> int:
    """Orders used these codes: their redemptions become ``fulfilled`` (order id, time).
    Codes that are not ours (the merchant's own) cost nothing. A code used after its
    points were returned (the order was reported after expiry + grace, or after a
    redemption given up as failed) is still marked fulfilled; the points stay with the
    customer and the case is written to the audit trail for the merchant."""
    ours = [use for use in uses if _looks_like_our_code(use.code)]
    if not ours:
        return 0
    keyring = get_keyring()
    rows = await repository.mark_used(
        uow.session, merchant_id, [(code_index(keyring, use.code), use.shopify_order_id) for use in ours]
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


async def list_redemptions(
    merchant_id: int, customer_id: int, *, before_id: int | None, first: int
) -> RedemptionPage:
    async with read_session() as session:
        rows = await repository.list_redemptions(
            session, merchant_id, customer_id, before_id=before_id, limit=first + 1
        )
    keyring = get_keyring()
    return RedemptionPage(
        items=[to_redemption_dto(r, keyring) for r in rows[:first]], has_next_page=len(rows) > first
    )


async def recent_redemptions_for_customers(
    merchant_id: int, customer_ids: Sequence[int], *, first: int
) -> dict[int, RedemptionPage]:
    async with read_session() as session:
        rows = await repository.list_redemptions_for_customers(
            session, merchant_id, customer_ids, limit=first + 1
        )
    keyring = get_keyring()
    grouped: dict[int, list[RedemptionDTO]] = {cid: [] for cid in customer_ids}
    for row in rows:
        grouped[row.customer_id].append(to_redemption_dto(row, keyring))
    return {
        cid: RedemptionPage(items=items[:first], has_next_page=len(items) > first)
        for cid, items in grouped.items()
    }
