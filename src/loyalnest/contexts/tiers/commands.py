"""Business rules of the tiers context that change state, in the caller's unit of work
(never committing): the ladder and the settings (each change audited and followed by
a background re-tier of the whole shop, never done in the request), and manual
assignment.

Every change of the ladder or the settings locks the shop's settings row first, so two
concurrent edits queue up and the limits (10 tiers, increasing thresholds) hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.tiers import evaluation, repository, rules
from loyalnest.contexts.tiers.dto import (
    KEEP,
    CustomerTierDTO,
    RetierRunDTO,
    TierDTO,
    TierInput,
    TierSettingsDTO,
    TierSettingsUpdate,
    TierUpdate,
    to_customer_tier_dto,
    to_run_dto,
    to_settings_dto,
    to_tier_dto,
)
from loyalnest.contexts.tiers.repository import TierRow
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

TIERS_QUEUE = "tiers"
RETIER_SHOP_ACTOR = "tiers.retier_shop"

# field name in the API, for userErrors and the audit trail
_API_NAMES = {
    "names": "names",
    "default_locale": "defaultLocale",
    "threshold": "threshold",
    "multiplier": "multiplier",
    "multiplied_triggers": "multipliedTriggers",
    "entry_bonus_points": "entryBonusPoints",
    "entry_reward_id": "entryRewardId",
    "perks": "perks",
}


async def _check_reward(merchant_id: int, reward_id: int | None) -> None:
    if reward_id is None:
        return
    reward = (await rewards.get_rewards(merchant_id, [reward_id])).get(reward_id)
    if reward is None:
        raise NotFound("reward not found", field="entryRewardId")
    if reward.archived_at is not None:
        raise ValidationFailed("an archived reward cannot be a tier's entry reward", field="entryRewardId")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """A tier's full set of values, checked and normalised."""
    default_locale, names = rules.clean_names(values["names"], values["default_locale"])
    return {
        "threshold": rules.check_threshold(values["threshold"]),
        "multiplier": rules.check_multiplier(values["multiplier"]),
        "multiplied_triggers": rules.check_triggers(values["multiplied_triggers"]),
        "entry_bonus_points": rules.check_entry_bonus(values["entry_bonus_points"]),
        "entry_reward_id": values["entry_reward_id"],
        "default_locale": default_locale,
        "names": names,
        "perks": rules.clean_perks(values["perks"]),
    }


def _row_values(row: TierRow) -> dict[str, Any]:
    return {
        "threshold": row.threshold,
        "multiplier": row.multiplier,
        "multiplied_triggers": list(row.multiplied_triggers),
        "entry_bonus_points": row.entry_bonus_points,
        "entry_reward_id": row.entry_reward_id,
        "default_locale": row.default_locale,
        "names": sorted(row.names.items()),
        "perks": sorted(row.perks.items()),
    }


async def create_tier(uow: UnitOfWork, *, merchant_id: int, actor: str, data: TierInput) -> TierDTO:
    values = _clean(
        {
            "names": data.names,
            "default_locale": data.default_locale,
            "threshold": data.threshold,
            "multiplier": data.multiplier,
            "multiplied_triggers": list(data.multiplied_triggers),
            "entry_bonus_points": data.entry_bonus_points,
            "entry_reward_id": data.entry_reward_id,
            "perks": data.perks or [],
        }
    )
    await repository.lock_settings(uow.session, merchant_id)
    ladder = await repository.live_tiers(uow.session, merchant_id)
    if len(ladder) >= rules.MAX_TIERS:
        raise ValidationFailed(f"a shop has at most {rules.MAX_TIERS} tiers", field="rank")
    rank = len(ladder) + 1 if data.rank is None else data.rank
    if not 1 <= rank <= len(ladder) + 1:
        raise ValidationFailed(f"the rank must be between 1 and {len(ladder) + 1}", field="rank")
    thresholds = [t.threshold for t in ladder]
    thresholds.insert(rank - 1, values["threshold"])
    rules.check_ladder(thresholds)
    await _check_reward(merchant_id, values["entry_reward_id"])
    if rank <= len(ladder):
        await repository.shift_ranks(uow.session, merchant_id, from_rank=rank, by=1)
    row = await repository.insert_tier(uow.session, merchant_id, {**values, "rank": rank})
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="tier.created",
        target_type="Tier",
        target_id=str(row.id),
        details={"rank": rank, "threshold": str(row.threshold), "multiplier": str(row.multiplier)},
    )
    await request_retier(uow, merchant_id, "tier.created")
    return to_tier_dto(row)


async def update_tier(
    uow: UnitOfWork, *, merchant_id: int, actor: str, tier_id: int, update: TierUpdate
) -> TierDTO:
    await repository.lock_settings(uow.session, merchant_id)
    ladder = await repository.live_tiers(uow.session, merchant_id)
    row = next((t for t in ladder if t.id == tier_id), None)
    if row is None:
        raise NotFound("tier not found", field="id")
    current = _row_values(row)
    merged = dict(current)
    for name, api_name in _API_NAMES.items():
        value = getattr(update, name)
        if value is KEEP:
            continue
        if value is None and name not in ("entry_reward_id", "perks"):
            raise ValidationFailed(f"{api_name} cannot be null", field=api_name)
        merged[name] = [] if (name == "perks" and value is None) else value
    values = _clean(merged)
    rules.check_ladder([values["threshold"] if t.id == tier_id else t.threshold for t in ladder])
    normalised_current = _clean(current)
    changed = sorted(_API_NAMES[n] for n in values if values[n] != normalised_current[n])
    if not changed:
        return to_tier_dto(row)
    if values["entry_reward_id"] != row.entry_reward_id:
        await _check_reward(merchant_id, values["entry_reward_id"])
    updated = await repository.update_tier(uow.session, merchant_id, tier_id, {**values, "rank": row.rank})
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="tier.updated",
        target_type="Tier",
        target_id=str(tier_id),
        details={"changed": changed},
    )
    evaluation.forget_program(uow, merchant_id)
    if "threshold" in changed:
        # who holds what depends on the thresholds only; a new multiplier or name
        # applies from the next earning without touching anyone's standing
        await request_retier(uow, merchant_id, "tier.updated")
    return to_tier_dto(updated)


async def delete_tier(uow: UnitOfWork, *, merchant_id: int, actor: str, tier_id: int) -> TierDTO:
    """Delete a tier, held or not: its holders move to the tier their metric supports
    in the background re-tier (meanwhile the tier earns nothing and reads as none)."""
    await repository.lock_settings(uow.session, merchant_id)
    ladder = await repository.live_tiers(uow.session, merchant_id)
    held = next((t for t in ladder if t.id == tier_id), None)
    row = await repository.delete_tier(uow.session, merchant_id, tier_id) if held else None
    if held is None or row is None:
        raise NotFound("tier not found", field="id")
    # close the gap the deleted tier left
    await repository.shift_ranks(uow.session, merchant_id, from_rank=(held.rank or 0) + 1, by=-1)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="tier.deleted",
        target_type="Tier",
        target_id=str(tier_id),
    )
    evaluation.forget_program(uow, merchant_id)
    await request_retier(uow, merchant_id, "tier.deleted")
    return to_tier_dto(row)


async def update_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: TierSettingsUpdate
) -> TierSettingsDTO:
    current = await repository.lock_settings(uow.session, merchant_id)
    merged = {"metric": current.metric, "period": current.period, "retention": current.retention}
    allowed = {"metric": rules.METRICS, "period": rules.PERIODS, "retention": rules.RETENTIONS}
    for name in merged:
        value = getattr(update, name)
        if value is KEEP:
            continue
        if value not in allowed[name]:
            raise ValidationFailed(f"{name} must be one of {', '.join(allowed[name])}", field=name)
        merged[name] = value
    shop = await evaluation.program(uow, merchant_id)
    changed = sorted(n for n in merged if merged[n] != getattr(current, n))
    if not changed:
        return to_settings_dto(merchant_id, current, shop.timezone)
    row = await repository.update_settings(uow.session, merchant_id, **merged)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="tier_settings.updated",
        target_type="TierSettings",
        target_id=str(merchant_id),
        details={"changed": changed, **merged},
    )
    evaluation.forget_program(uow, merchant_id)
    await request_retier(uow, merchant_id, "settings.updated")
    return to_settings_dto(merchant_id, row, shop.timezone)


async def request_retier(uow: UnitOfWork, merchant_id: int, cause: str) -> RetierRunDTO:
    """Ask for a background re-tier of the whole shop (sent after commit). A run still
    queued covers this change too: one run per burst of edits."""
    evaluation.forget_program(uow, merchant_id)
    queued = await repository.queued_run(uow.session, merchant_id)
    if queued is not None:
        return to_run_dto(queued)
    run = await repository.insert_run(uow.session, merchant_id, cause)
    uow.enqueue(RETIER_SHOP_ACTOR, queue_name=TIERS_QUEUE, merchant_id=merchant_id, run_id=run.id)
    return to_run_dto(run)


async def assign_tier(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    actor: str,
    customer_id: int,
    tier_id: int | None,
    until: datetime | None,
    reason: str | None,
) -> CustomerTierDTO:
    """Put a customer in a tier by hand (``tier_id`` None: end a manual tier now), until
    ``until`` (None: until changed again); evaluation leaves a manual tier alone until
    it ends. Audited, with a history row (reason ``manual``)."""
    note = rules.check_reason(reason)
    now = utcnow()
    if until is not None and until <= now:
        raise ValidationFailed("the end of a manual tier must be in the future", field="until")
    if await customers.get_customer(merchant_id, customer_id) is None:
        raise NotFound("customer not found", field="customerId")
    shop = await evaluation.program(uow, merchant_id)
    if tier_id is not None and tier_id not in shop.by_id:
        raise NotFound("tier not found", field="tierId")
    rows = await repository.lock_standings(uow.session, merchant_id, [customer_id])
    before = evaluation.to_rules_standing(rows[customer_id])
    outcome = rules.assign_manually(before, tier_id, until, note, now)
    written = evaluation.new_standing(customer_id, outcome.standing)
    await repository.write_standings(uow.session, merchant_id, [written], now)
    moves = [(customer_id, outcome.move)] if outcome.move is not None else []
    await evaluation.record_moves(uow, shop, moves, now, actor=actor, note=note)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="tier.assigned" if tier_id is not None else "tier.assignment_ended",
        target_type="Customer",
        target_id=str(customer_id),
        details={
            "tier_id": tier_id,
            "until": until.isoformat() if until else None,
            "reason": note,
        },
    )
    if tier_id is None:
        # the metric decides again, now
        await evaluation.evaluate_customers(uow, merchant_id, [customer_id])
    rows = await repository.standings(uow.session, merchant_id, [customer_id])
    return to_customer_tier_dto(merchant_id, customer_id, rows.get(customer_id), set(shop.by_id))
