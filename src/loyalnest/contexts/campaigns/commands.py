"""Business rules of the campaigns context that change state, in the caller's unit of
work (never committing): creating and editing campaigns, pausing, resuming and
archiving them, and the shop's multiplier cap. Every change bumps the shop's campaigns
version (so every process's snapshot reloads) and is audited; a campaign with a Shopify
discount has it created or ended after commit by ``campaigns.sync_discount``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.campaigns import repository, rules, snapshot
from loyalnest.contexts.campaigns.dto import (
    KEEP,
    CampaignDTO,
    CampaignInput,
    CampaignSettingsDTO,
    CampaignUpdate,
    to_campaign_dto,
    to_settings_dto,
)
from loyalnest.contexts.campaigns.repository import CampaignRow
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

CAMPAIGNS_QUEUE = "campaigns"
SYNC_DISCOUNT_ACTOR = "campaigns.sync_discount"

# API names of the fields, for userErrors and the audit trail
API_NAMES = {
    "name": "name",
    "effect": "effect",
    "multiplier": "multiplier",
    "bonus_points": "bonusPoints",
    "triggers": "triggers",
    "default_locale": "defaultLocale",
    "descriptions": "descriptions",
    "starts_at": "startsAt",
    "ends_at": "endsAt",
    "days_of_week": "daysOfWeek",
    "hours": "hours",
    "min_order_amount": "minOrderAmount",
    "product_ids": "productIds",
    "product_tags": "productTags",
    "tier_ids": "tierIds",
    "customer_tags": "customerTags",
    "first_order": "firstOrder",
    "every_nth_order": "everyNthOrder",
    "max_uses_per_customer": "maxUsesPerCustomer",
    "max_points_per_customer": "maxPointsPerCustomer",
    "points_budget": "pointsBudget",
    "stacking": "stacking",
    "priority": "priority",
    "exclusive_of_all": "exclusiveOfAll",
    "discount_kind": "discountKind",
    "discount_value": "discountValue",
    "discount_code": "discountCode",
}
# may not be cleared (set to None) by an update
_REQUIRED = {
    "name",
    "effect",
    "triggers",
    "default_locale",
    "descriptions",
    "starts_at",
    "product_ids",
    "product_tags",
    "tier_ids",
    "customer_tags",
    "first_order",
    "stacking",
    "priority",
    "exclusive_of_all",
}
_DISCOUNT_FIELDS = ("discount_kind", "discount_value", "discount_code")
# statuses whose campaign may still be edited
_EDITABLE = (rules.SCHEDULED, rules.ACTIVE, rules.PAUSED)


def _default_triggers(effect: str) -> tuple[str, ...]:
    return () if effect == rules.TRIGGER_BONUS else (rules.ORDER,)


def _fields_of_input(data: CampaignInput, now: datetime) -> dict[str, Any]:
    fields = asdict(data)
    fields["triggers"] = data.triggers if data.triggers is not None else _default_triggers(data.effect)
    fields["starts_at"] = data.starts_at or now
    return fields


def _fields_of_row(row: CampaignRow) -> dict[str, Any]:
    dto = to_campaign_dto(row)
    conditions = dto.conditions
    nth = conditions.nth_order
    return {
        "name": row.name,
        "effect": row.effect_kind,
        "multiplier": row.multiplier,
        "bonus_points": row.bonus_points,
        "triggers": tuple(sorted(row.triggers)),
        "default_locale": row.default_locale,
        "descriptions": dto.descriptions,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "days_of_week": dto.days_of_week,
        "hours": dto.hours,
        "min_order_amount": conditions.min_order_amount,
        "product_ids": tuple(sorted(conditions.product_ids)),
        "product_tags": tuple(sorted(conditions.product_tags)),
        "tier_ids": dto.tier_ids,
        "customer_tags": dto.customer_tags,
        "first_order": bool(nth and nth.first),
        "every_nth_order": nth.every if nth else None,
        "max_uses_per_customer": row.max_uses_per_customer,
        "max_points_per_customer": row.max_points_per_customer,
        "points_budget": row.points_budget,
        "stacking": row.stacking,
        "priority": row.priority,
        "exclusive_of_all": row.exclusive_of_all,
        "discount_kind": row.discount_kind,
        "discount_value": row.discount_value,
        "discount_code": row.discount_code,
    }


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as they are stored and compared: sorted tuples, clean tags."""
    out = dict(fields)
    out["triggers"] = tuple(sorted(set(fields["triggers"] or ())))
    out["descriptions"] = tuple(sorted((str(k).strip(), str(v)) for k, v in fields["descriptions"]))
    out["days_of_week"] = (
        None if fields["days_of_week"] is None else tuple(sorted(set(fields["days_of_week"])))
    )
    out["hours"] = None if fields["hours"] is None else tuple(fields["hours"])
    out["product_ids"] = tuple(sorted(set(fields["product_ids"])))
    out["product_tags"] = tuple(sorted({rules.normalise_tag(t) for t in fields["product_tags"]}))
    out["tier_ids"] = tuple(sorted(set(fields["tier_ids"])))
    out["customer_tags"] = tuple(sorted({rules.normalise_tag(t) for t in fields["customer_tags"]}))
    out["name"] = str(fields["name"]).strip()
    out["default_locale"] = str(fields["default_locale"]).strip()
    code = fields["discount_code"]
    out["discount_code"] = code.strip() if isinstance(code, str) else code
    return out


def _conditions(fields: dict[str, Any]) -> rules.Conditions:
    audience = []
    if fields["tier_ids"]:
        audience.append(rules.Clause(rules.TIER_CLAUSE, frozenset(fields["tier_ids"])))
    if fields["customer_tags"]:
        audience.append(rules.Clause(rules.CUSTOMER_TAG_CLAUSE, frozenset(fields["customer_tags"])))
    nth = None
    if fields["first_order"] or fields["every_nth_order"] is not None:
        nth = rules.NthOrder(first=bool(fields["first_order"]), every=fields["every_nth_order"])
    return rules.Conditions(
        min_order_amount=fields["min_order_amount"],
        product_ids=frozenset(fields["product_ids"]),
        product_tags=frozenset(fields["product_tags"]),
        audience=tuple(audience),
        nth_order=nth,
    )


def _check(fields: dict[str, Any], now: datetime) -> rules.Conditions:
    conditions = _conditions(fields)
    if len(fields["product_ids"]) > rules.MAX_PRODUCTS:  # before anything else looks at them
        rules.check_conditions(conditions)
    rules.check_terms(
        rules.Terms(
            name=fields["name"],
            default_locale=fields["default_locale"],
            descriptions=dict(fields["descriptions"]),
            starts_at=fields["starts_at"],
            ends_at=fields["ends_at"],
            days=None if fields["days_of_week"] is None else frozenset(fields["days_of_week"]),
            hours=fields["hours"],
            effect=fields["effect"],
            multiplier=fields["multiplier"],
            bonus_points=fields["bonus_points"],
            triggers=frozenset(fields["triggers"]),
            conditions=conditions,
            max_uses_per_customer=fields["max_uses_per_customer"],
            max_points_per_customer=fields["max_points_per_customer"],
            points_budget=fields["points_budget"],
            stacking=fields["stacking"],
            priority=fields["priority"],
            exclusive_of_all=fields["exclusive_of_all"],
            discount_kind=fields["discount_kind"],
            discount_value=fields["discount_value"],
            discount_code=fields["discount_code"],
        ),
        now,
    )
    return conditions


async def _check_tiers(uow: UnitOfWork, merchant_id: int, tier_ids: tuple[int, ...]) -> None:
    if not tier_ids:
        return
    known = await tiers.existing_tier_ids(uow, merchant_id, list(tier_ids))
    if set(tier_ids) - set(known):
        # another shop's tier is simply unknown here: nothing says it exists elsewhere
        raise NotFound("tier not found", field="tierIds")


def _row_values(fields: dict[str, Any], conditions: rules.Conditions, status: str) -> dict[str, Any]:
    hours = fields["hours"]
    return {
        "name": fields["name"],
        "default_locale": fields["default_locale"],
        "descriptions": dict(fields["descriptions"]),
        "status": status,
        "starts_at": fields["starts_at"],
        "ends_at": fields["ends_at"],
        "days_mask": rules.mask_from_days(fields["days_of_week"]),
        "hours_from": None if hours is None else hours[0],
        "hours_to": None if hours is None else hours[1],
        "effect_kind": fields["effect"],
        "multiplier": fields["multiplier"],
        "bonus_points": fields["bonus_points"],
        "triggers": list(fields["triggers"]),
        "conditions": rules.conditions_to_json(conditions),
        "max_uses_per_customer": fields["max_uses_per_customer"],
        "max_points_per_customer": fields["max_points_per_customer"],
        "points_budget": fields["points_budget"],
        "stacking": fields["stacking"],
        "priority": fields["priority"],
        "exclusive_of_all": fields["exclusive_of_all"],
        "discount_kind": fields["discount_kind"],
        "discount_value": fields["discount_value"],
        "discount_code": fields["discount_code"],
    }


def _plain(value: Any) -> Any:
    """A value as the audit trail's JSON holds it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _sync_discount_after_commit(uow: UnitOfWork, row: CampaignRow) -> None:
    if row.discount_kind is not None:
        uow.enqueue(
            SYNC_DISCOUNT_ACTOR, queue_name=CAMPAIGNS_QUEUE, merchant_id=row.merchant_id, campaign_id=row.id
        )


async def _changed(uow: UnitOfWork, merchant_id: int) -> None:
    await repository.bump_version(uow.session, merchant_id)
    snapshot.changed(uow, merchant_id)


async def create_campaign(
    uow: UnitOfWork, *, merchant_id: int, actor: str, data: CampaignInput
) -> CampaignDTO:
    """Create a campaign (active at once when it starts now or earlier, else scheduled).
    Raises ``ValidationFailed``/``NotFound`` (nothing created) for bad input."""
    now = utcnow()
    fields = _normalised(_fields_of_input(data, now))
    conditions = _check(fields, now)
    await _check_tiers(uow, merchant_id, fields["tier_ids"])
    status = rules.initial_status(fields["starts_at"], now)
    row = await repository.insert_campaign(uow.session, merchant_id, _row_values(fields, conditions, status))
    await _changed(uow, merchant_id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="campaign.created",
        target_type="Campaign",
        target_id=str(row.id),
        details={"name": row.name, "effect": row.effect_kind, "status": row.status},
    )
    if status == rules.ACTIVE:
        _sync_discount_after_commit(uow, row)
    return to_campaign_dto(row)


async def _locked(uow: UnitOfWork, merchant_id: int, campaign_id: int) -> CampaignRow:
    row = await repository.get_campaign(uow.session, merchant_id, campaign_id, for_update=True)
    if row is None:
        raise NotFound("campaign not found", field="id")
    return row


async def update_campaign(
    uow: UnitOfWork, *, merchant_id: int, actor: str, campaign_id: int, update: CampaignUpdate
) -> CampaignDTO:
    """Change a scheduled, active or paused campaign. Editing a running campaign's
    effect is allowed: earnings planned from the commit on use the new terms (earlier
    ones keep the parts they got); the audit entry says every change from/to."""
    now = utcnow()
    row = await _locked(uow, merchant_id, campaign_id)
    if row.status not in _EDITABLE:
        raise DomainError(f"an {row.status} campaign cannot be changed", field="id", code="INVALID")
    current = _normalised(_fields_of_row(row))
    merged = dict(current)
    for name, api_name in API_NAMES.items():
        value = getattr(update, name)
        if value is KEEP:
            continue
        if value is None and name in _REQUIRED:
            raise ValidationFailed(f"{api_name} cannot be null", field=api_name)
        merged[name] = value
    if merged["effect"] != current["effect"] and update.triggers is KEEP:
        merged["triggers"] = _default_triggers(merged["effect"])
    merged = _normalised(merged)
    changed = [name for name in API_NAMES if merged[name] != current[name]]
    if not changed:
        return to_campaign_dto(row)
    if row.discount_state in ("pending", "active") and any(n in changed for n in _DISCOUNT_FIELDS):
        raise ValidationFailed(
            "the discount is live in Shopify; end or archive the campaign to offer another one",
            field="discountCode",
        )
    conditions = _check(merged, now)
    if "tier_ids" in changed:
        await _check_tiers(uow, merchant_id, merged["tier_ids"])
    status = row.status
    if status != rules.PAUSED:
        status = rules.initial_status(merged["starts_at"], now)
    updated = await repository.update_campaign(
        uow.session, merchant_id, campaign_id, _row_values(merged, conditions, status)
    )
    await _changed(uow, merchant_id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="campaign.updated",
        target_type="Campaign",
        target_id=str(campaign_id),
        details={
            "status": updated.status,
            "changes": {
                API_NAMES[name]: {"from": _plain(current[name]), "to": _plain(merged[name])}
                for name in changed
            },
        },
    )
    if updated.status == rules.ACTIVE and row.status != rules.ACTIVE:
        _sync_discount_after_commit(uow, updated)
    return to_campaign_dto(updated)


async def _transition(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    actor: str,
    campaign_id: int,
    from_statuses: tuple[str, ...],
    to_status: str,
    already: tuple[str, ...],
    action: str,
    ended_reason: str | None = None,
) -> CampaignDTO:
    """A conditional status change; a campaign already in one of ``already`` comes back
    unchanged (a retried request), anything else is refused."""
    row = await _locked(uow, merchant_id, campaign_id)
    if row.status in already:
        return to_campaign_dto(row)
    if row.status not in from_statuses:
        raise DomainError(f"an {row.status} campaign cannot be {action}", field="id", code="INVALID")
    changed = await repository.set_status(
        uow.session,
        merchant_id,
        campaign_id,
        from_statuses=from_statuses,
        to_status=to_status,
        ended_reason=ended_reason,
    )
    assert changed is not None  # the row is locked
    await _changed(uow, merchant_id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action=f"campaign.{action}",
        target_type="Campaign",
        target_id=str(campaign_id),
        details={"from": row.status, "to": changed.status},
    )
    _sync_discount_after_commit(uow, changed)
    return to_campaign_dto(changed)


async def pause_campaign(uow: UnitOfWork, *, merchant_id: int, actor: str, campaign_id: int) -> CampaignDTO:
    """Stop applying it (and switch its discount off) until resumed."""
    return await _transition(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        campaign_id=campaign_id,
        from_statuses=(rules.SCHEDULED, rules.ACTIVE),
        to_status=rules.PAUSED,
        already=(rules.PAUSED,),
        action="paused",
    )


async def resume_campaign(uow: UnitOfWork, *, merchant_id: int, actor: str, campaign_id: int) -> CampaignDTO:
    """A paused campaign runs again: active, or scheduled if its start is still to come,
    or ended if its end passed while it was paused."""
    row = await _locked(uow, merchant_id, campaign_id)
    now = utcnow()
    if row.status == rules.PAUSED and row.ends_at is not None and row.ends_at <= now:
        return await _transition(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            campaign_id=campaign_id,
            from_statuses=(rules.PAUSED,),
            to_status=rules.ENDED,
            already=(),
            action="ended",
            ended_reason="schedule",
        )
    return await _transition(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        campaign_id=campaign_id,
        from_statuses=(rules.PAUSED,),
        to_status=rules.initial_status(row.starts_at, now),
        already=(rules.SCHEDULED, rules.ACTIVE),
        action="resumed",
    )


async def archive_campaign(uow: UnitOfWork, *, merchant_id: int, actor: str, campaign_id: int) -> CampaignDTO:
    """Retire it for good (any status); its results stay readable."""
    return await _transition(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        campaign_id=campaign_id,
        from_statuses=(rules.SCHEDULED, rules.ACTIVE, rules.PAUSED, rules.ENDED),
        to_status=rules.ARCHIVED,
        already=(rules.ARCHIVED,),
        action="archived",
    )


async def update_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, max_total_multiplier: Decimal
) -> CampaignSettingsDTO:
    """The shop's cap on the total multiplier (tier and campaigns together), >= 1."""
    cap = rules.check_max_total_multiplier(max_total_multiplier)
    before = to_settings_dto(await repository.get_settings(uow.session, merchant_id))
    if before.max_total_multiplier == cap and before.updated_at is not None:
        return before
    row = await repository.set_max_total_multiplier(uow.session, merchant_id, cap)
    snapshot.changed(uow, merchant_id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="campaign_settings.updated",
        target_type="CampaignSettings",
        target_id=str(merchant_id),
        details={"maxTotalMultiplier": {"from": str(before.max_total_multiplier), "to": str(cap)}},
    )
    return to_settings_dto(row)
