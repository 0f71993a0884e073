"""Completion after the confirmation period, rewards within the cap, milestones, and
staff decisions on held referrals."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.commands.common import (
    advocate_key,
    ensure_program,
    milestone_key,
    program_in,
    progress_changed,
    to_referral_dto,
)
from loyalnest.contexts.referrals.dto import (
    ReferralDTO,
)
from loyalnest.contexts.referrals.events import ReferralRewarded
from loyalnest.contexts.referrals.repository import referrals as repository
from loyalnest.contexts.referrals.repository.programs import ProgramRow
from loyalnest.contexts.referrals.repository.referrals import ReferralRow
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)


# --- completion and rewards ----------------------------------------------------------------------


def _month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def settle_shop(uow: UnitOfWork, merchant_id: int, *, now: datetime, limit: int = 500) -> int:
    """One pass over a shop: claims past their validity expire; pending referrals past
    their confirmation period complete; completed ones not held are rewarded (within the
    monthly cap). Rows are locked (``SKIP LOCKED``): two passes never settle one twice.
    Returns how many referrals moved."""
    advocates = set(await repository.expire_claims(uow.session, merchant_id, now))
    moved = len(advocates)
    program = await program_in(uow, merchant_id)
    for row in await repository.due_for_completion(uow.session, merchant_id, now, limit):
        if row.status == "pending":
            row = await repository.update_referral(
                uow.session, merchant_id, row.id, {"status": "completed", "completed_at": now}
            )
        if not row.held and program is not None:
            await reward(uow, program, row, now=now)
        advocates.add(row.advocate_customer_id)
        moved += 1
    await progress_changed(uow, merchant_id, advocates)
    return moved


async def reward(uow: UnitOfWork, program: ProgramRow, row: ReferralRow, *, now: datetime) -> ReferralRow:
    """Reward the advocate of a completed referral that is not held: once (the row moves
    to ``rewarded`` in this transaction, and the ledger key is the referral's), within
    the monthly cap (over it: completed, not rewarded, reason recorded), and pay any
    milestone reached."""
    merchant_id = program.merchant_id
    advocate = row.advocate_customer_id
    await repository.lock_advocate(uow.session, merchant_id, advocate)
    if (
        await repository.rewarded_since(uow.session, merchant_id, advocate, _month_start(now))
        >= program.monthly_cap
    ):
        reasons = [
            *row.reasons,
            {
                "check": "monthly_cap",
                "verdict": "signal",
                "detail": f"the advocate reached {program.monthly_cap} rewards this month",
            },
        ]
        return await repository.update_referral(
            uow.session, merchant_id, row.id, {"reward_points": 0, "reasons": reasons}
        )
    before = await repository.rewarded_total(uow.session, merchant_id, advocate)
    posted = 0
    if program.advocate_kind == "reward" and program.advocate_reward_id is not None:
        try:
            await rewards.grant_reward(
                uow,
                merchant_id=merchant_id,
                customer_id=advocate,
                reward_id=program.advocate_reward_id,
                actor=f"referral:{row.id}",
            )
        except DomainError as exc:
            # the reward was archived since: the referral still counts, staff can see why
            log.warning(
                "referral reward not issued",
                extra={"merchant_id": merchant_id, "referral_id": row.id, "code": exc.code},
            )
    else:
        result = await earning.award_referral(
            uow,
            merchant_id=merchant_id,
            customer_id=advocate,
            points=program.advocate_points,
            idempotency_key=advocate_key(row.id),
            source_ref=f"referral:{row.id}",
            reason="Referral reward",
            tier_multiplier_applies=program.tier_multiplier_applies,
        )
        posted = result.entry.delta if result is not None else 0
    updated = await repository.update_referral(
        uow.session, merchant_id, row.id, {"status": "rewarded", "rewarded_at": now, "reward_points": posted}
    )
    for milestone in rules.reached_milestones(rules.milestones_of(program.milestones), before, before + 1):
        await earning.award_referral(
            uow,
            merchant_id=merchant_id,
            customer_id=advocate,
            points=milestone.points,
            idempotency_key=milestone_key(advocate, milestone.count),
            source_ref=f"referral:{row.id}",
            reason=f"Referral milestone: {milestone.count} friends",
            tier_multiplier_applies=program.tier_multiplier_applies,
        )
    await uow.publish_events(
        [ReferralRewarded(merchant_id, row.id, advocate, row.friend_customer_id, posted)]
    )
    await _tell_advocate(uow, program, row, posted)
    return updated


async def _tell_advocate(uow: UnitOfWork, program: ProgramRow, row: ReferralRow, posted: int) -> None:
    """The ``referral_rewarded`` message: the points, or the catalog reward's title; the
    friend's first name is PII, so it travels sealed."""
    title = ""
    if program.advocate_kind == "reward" and program.advocate_reward_id is not None:
        found = await rewards.get_rewards(program.merchant_id, [program.advocate_reward_id])
        reward_dto = found.get(program.advocate_reward_id)
        title = reward_dto.title() if reward_dto is not None else ""
    friend = (
        await customers.get_customer(program.merchant_id, row.friend_customer_id)
        if row.friend_customer_id is not None
        else None
    )
    await notifications.queue_messages(
        uow,
        program.merchant_id,
        [
            notifications.Outgoing(
                type="referral_rewarded",
                cause=f"referral:{row.id}",
                customer_id=row.advocate_customer_id,
                variables={"points": posted, "reward_title": title},
                sealed={"friend_first_name": (friend.first_name if friend else None) or ""},
            )
        ],
    )


# --- staff decisions --------------------------------------------------------------------------------


async def _held(uow: UnitOfWork, merchant_id: int, referral_id: int) -> ReferralRow:
    row = await repository.get_referral(uow.session, merchant_id, referral_id, lock=True)
    if row is None:
        raise NotFound("no such referral", field="id")
    return row


async def approve_referral(uow: UnitOfWork, *, merchant_id: int, referral_id: int, actor: str) -> ReferralDTO:
    """Release a held referral: it completes after its confirmation period as any other
    (or is rewarded now if that period is over). Audited."""
    row = await _held(uow, merchant_id, referral_id)
    if not row.held or row.status not in ("pending", "completed"):
        raise ValidationFailed("only a held referral can be approved", field="id", code="NOT_HELD")
    row = await repository.update_referral(
        uow.session, merchant_id, row.id, {"held": False, "decided_by": actor}
    )
    if row.status == "completed" and row.reward_points is None:
        program = await ensure_program(uow, merchant_id)
        row = await reward(uow, program, row, now=utcnow())
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="referral.approved",
        target_type="Referral",
        target_id=str(row.id),
    )
    await progress_changed(uow, merchant_id, [row.advocate_customer_id])
    return to_referral_dto(row)


async def reject_referral(
    uow: UnitOfWork, *, merchant_id: int, referral_id: int, actor: str, reason: str
) -> ReferralDTO:
    """Reject a referral not yet rewarded (held or not). Audited with the staff's reason."""
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed("a reason of 1-500 characters is required", field="reason")
    row = await _held(uow, merchant_id, referral_id)
    if row.status not in ("claimed", "pending", "completed"):
        raise ValidationFailed(
            f"a {row.status} referral cannot be rejected", field="id", code="NOT_REJECTABLE"
        )
    # the staff's words may name people: they go to the audit log, not the reasons list
    reasons = [*row.reasons, {"check": "staff", "verdict": "reject", "detail": "rejected by staff"}]
    row = await repository.update_referral(
        uow.session,
        merchant_id,
        row.id,
        {"status": "rejected", "held": False, "decided_by": actor, "reasons": reasons},
    )
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="referral.rejected",
        target_type="Referral",
        target_id=str(row.id),
        details={"reason": reason},
    )
    await progress_changed(uow, merchant_id, [row.advocate_customer_id])
    return to_referral_dto(row)
