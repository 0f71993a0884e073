"""Mutations of the campaigns context (staff with admin:full): create, edit, pause,
resume and archive campaigns, and the shop's multiplier cap. Every change is audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.graphql.campaigns.loaders import CAMPAIGN
from loyalnest.graphql.campaigns.types import (
    Campaign,
    CampaignDiscountKind,
    CampaignEffectKind,
    CampaignSettings,
    CampaignStacking,
    CampaignTrigger,
    Weekday,
)
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.ids import decode_id, parse_local_id
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed

NAME = "The campaign's name (1-255 characters), shown beside the points it gives."
STARTS_AT = "Applies from this moment (with a timezone offset); null: now."
ENDS_AT = (
    "Applies until this moment; null: until paused or archived. Must be after startsAt and in the future."
)
EFFECT = "What it gives."
MULTIPLIER = "MULTIPLIER only: the factor on base points, more than 1 and at most 10 (2 decimals)."
BONUS = "Every other effect: the fixed bonus (1-1000000)."
TRIGGERS = (
    "The earnings its effect applies to. Default ORDER; a TRIGGER_BONUS names exactly one of SIGNUP, "
    "NEWSLETTER, BIRTHDAY, REVIEW; order and product bonuses are for ORDER only."
)

# the input fields whose errors sit under a nested input
_CONDITION_FIELDS = {
    "minOrderAmount",
    "productIds",
    "productTags",
    "tierIds",
    "customerTags",
    "firstOrder",
    "everyNthOrder",
    "nthOrder",
}
_DISCOUNT_FIELDS = {
    "discountKind": "kind",
    "discountValue": "value",
    "discountCode": "code",
    "discount": None,
}


def _errors(exc: DomainError) -> list[str]:
    """Where a refusal sits in the input: conditions and discount fields under their
    nested inputs (a discount field named as that input names it); ``id`` is an argument."""
    if exc.field == "id":
        return []
    if exc.field in _DISCOUNT_FIELDS:
        inner = _DISCOUNT_FIELDS[exc.field]
        if inner is None:
            return ["input"]
        exc.field = inner
        return ["input", "discount"]
    if exc.field in _CONDITION_FIELDS:
        return ["input", "conditions"]
    return ["input"]


@strawberry.input(description="A campaign's description in one locale.")
class CampaignDescriptionInput:
    locale: str = strawberry.field(description="A BCP 47 tag: en, en-US, pt-BR...")
    text: str = strawberry.field(description="The description (at most 2000 characters).")


@strawberry.input(description="Hours of the day, in the shop's timezone.")
class CampaignHoursInput:
    from_hour: int = strawberry.field(name="from", description="From this hour (0-23), inclusive.")
    to_hour: int = strawberry.field(
        name="to", description="Until this hour (1-24), exclusive; below `from`: past midnight."
    )


@strawberry.input(description="When a campaign applies beyond its window; every condition given must hold.")
class CampaignConditionsInput:
    min_order_amount: Decimal | None = strawberry.field(
        default=None, description="Orders only: the subtotal after discounts the order needs (2 decimals)."
    )
    product_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Orders only: Shopify product ids (digits or gid://shopify/Product/...), at most 10,000.",
    )
    product_tags: list[str] = strawberry.field(
        default_factory=list, description="Orders only: product tags (any case), at most 250."
    )
    tier_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Only customers holding one of these tiers (global ids)."
    )
    customer_tags: list[str] = strawberry.field(
        default_factory=list, description="Only customers carrying one of these tags (any case)."
    )
    first_order: bool = strawberry.field(
        default=False, description="Orders only: the customer's first order."
    )
    every_nth_order: int | None = strawberry.field(
        default=None, description="Orders only: every n-th order of the customer (2-1000)."
    )


@strawberry.input(description="A Shopify discount the campaign offers while it is active.")
class CampaignDiscountInput:
    kind: CampaignDiscountKind = strawberry.field(description="What it takes off.")
    code: str = strawberry.field(description="The code shoppers enter (no spaces).")
    value: Decimal | None = strawberry.field(
        default=None,
        description="PERCENTAGE: 1-100; FIXED_AMOUNT: the amount off; FREE_SHIPPING: leave it out.",
    )


@strawberry.input(description="A new campaign. See Campaign for what each field means.")
class CampaignInput:
    name: str = strawberry.field(description=NAME)
    effect: CampaignEffectKind = strawberry.field(description=EFFECT)
    multiplier: Decimal | None = strawberry.field(default=None, description=MULTIPLIER)
    bonus_points: int | None = strawberry.field(default=None, description=BONUS)
    triggers: list[CampaignTrigger] | None = strawberry.field(default=None, description=TRIGGERS)
    descriptions: list[CampaignDescriptionInput] = strawberry.field(
        default_factory=list, description="Its description per locale (optional)."
    )
    default_locale: str = strawberry.field(default="en", description="The locale used when no other fits.")
    starts_at: datetime | None = strawberry.field(default=None, description=STARTS_AT)
    ends_at: datetime | None = strawberry.field(default=None, description=ENDS_AT)
    days_of_week: list[Weekday] | None = strawberry.field(
        default=None, description="Only on these days (shop timezone); null: every day."
    )
    hours: CampaignHoursInput | None = strawberry.field(
        default=None, description="Only during these hours (shop timezone); null: all day."
    )
    conditions: CampaignConditionsInput | None = strawberry.field(
        default=None, description="When it applies beyond its window; null: always."
    )
    max_uses_per_customer: int | None = strawberry.field(
        default=None, description="How many earnings of one customer it may add to; null: no cap."
    )
    max_points_per_customer: int | None = strawberry.field(
        default=None, description="How many points it may give one customer; null: no cap."
    )
    points_budget: int | None = strawberry.field(
        default=None, description="The points it may give in all, after which it ends by itself; null: none."
    )
    stacking: CampaignStacking = strawberry.field(
        default=CampaignStacking.STACKABLE, description="How it combines with other campaigns."
    )
    priority: int = strawberry.field(default=0, description="Among exclusive campaigns, the highest applies.")
    exclusive_of_all: bool = strawberry.field(
        default=False, description="EXCLUSIVE only: no stackable campaign adds to it either."
    )
    discount: CampaignDiscountInput | None = strawberry.field(
        default=None, description="A Shopify discount it offers while active; null: none."
    )


@strawberry.input(
    description="Changes to a campaign: omitted fields keep their value, null clears an optional one; "
    "`conditions` and `descriptions` replace the whole. Editing a running campaign's effect is allowed: "
    "earnings from then on use it (earlier ones keep their points), and the audit trail says from/to."
)
class CampaignUpdateInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description=NAME)
    effect: CampaignEffectKind | None = strawberry.field(default=strawberry.UNSET, description=EFFECT)
    multiplier: Decimal | None = strawberry.field(default=strawberry.UNSET, description=MULTIPLIER)
    bonus_points: int | None = strawberry.field(default=strawberry.UNSET, description=BONUS)
    triggers: list[CampaignTrigger] | None = strawberry.field(default=strawberry.UNSET, description=TRIGGERS)
    descriptions: list[CampaignDescriptionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every description."
    )
    default_locale: str | None = strawberry.field(
        default=strawberry.UNSET, description="The fallback locale."
    )
    starts_at: datetime | None = strawberry.field(default=strawberry.UNSET, description=STARTS_AT)
    ends_at: datetime | None = strawberry.field(default=strawberry.UNSET, description=ENDS_AT)
    days_of_week: list[Weekday] | None = strawberry.field(
        default=strawberry.UNSET, description="Only on these days; null: every day."
    )
    hours: CampaignHoursInput | None = strawberry.field(
        default=strawberry.UNSET, description="Only during these hours; null: all day."
    )
    conditions: CampaignConditionsInput | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every condition; null: none."
    )
    max_uses_per_customer: int | None = strawberry.field(
        default=strawberry.UNSET, description="Per-customer uses cap."
    )
    max_points_per_customer: int | None = strawberry.field(
        default=strawberry.UNSET, description="Per-customer points cap."
    )
    points_budget: int | None = strawberry.field(
        default=strawberry.UNSET, description="The total points budget."
    )
    stacking: CampaignStacking | None = strawberry.field(default=strawberry.UNSET, description="Stacking.")
    priority: int | None = strawberry.field(
        default=strawberry.UNSET, description="Priority among exclusives."
    )
    exclusive_of_all: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Exclusive of all."
    )
    discount: CampaignDiscountInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces the discount; null: none (not while it is live in Shopify).",
    )


@strawberry.type(description="The result of createCampaign, updateCampaign, pause/resume/archiveCampaign.")
class CampaignPayload:
    campaign: Campaign | None = strawberry.field(description="The campaign afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of updateCampaignSettings.")
class CampaignSettingsPayload:
    campaign_settings: CampaignSettings | None = strawberry.field(description="The settings afterwards.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _product_id(value: str) -> int:
    text = str(value).strip().removeprefix("gid://shopify/Product/")
    local = parse_local_id(text)
    if local is None or local == 0:
        raise ValidationFailed(f"not a Shopify product id: {value!r}", field="productIds")
    return local


def _tier_id(value: str) -> int:
    local = decode_id(str(value), "Tier")
    if local is None:
        raise NotFound("tier not found", field="tierIds")
    return local


def _conditions(data: CampaignConditionsInput | None) -> dict[str, Any]:
    data = data or CampaignConditionsInput()
    if len(data.product_ids) > campaigns.MAX_PRODUCTS:
        raise ValidationFailed(
            f"a product condition names at most {campaigns.MAX_PRODUCTS:,} products", field="productIds"
        )
    return {
        "min_order_amount": data.min_order_amount,
        "product_ids": tuple(_product_id(p) for p in data.product_ids),
        "product_tags": tuple(data.product_tags),
        "tier_ids": tuple(_tier_id(t) for t in data.tier_ids),
        "customer_tags": tuple(data.customer_tags),
        "first_order": data.first_order,
        "every_nth_order": data.every_nth_order,
    }


def _discount(data: CampaignDiscountInput | None) -> dict[str, Any]:
    if data is None:
        return {"discount_kind": None, "discount_value": None, "discount_code": None}
    return {"discount_kind": str(data.kind.value), "discount_value": data.value, "discount_code": data.code}


def _hours(data: CampaignHoursInput | None) -> tuple[int, int] | None:
    return None if data is None else (data.from_hour, data.to_hour)


def _descriptions(items: list[CampaignDescriptionInput]) -> tuple[tuple[str, str], ...]:
    return tuple((item.locale, item.text) for item in items)


def _triggers(items: list[CampaignTrigger] | None) -> tuple[str, ...] | None:
    return None if items is None else tuple(str(t.value) for t in items)


def _days(items: list[Weekday] | None) -> tuple[int, ...] | None:
    return None if items is None else tuple(int(d.value) for d in items)


def _input(data: CampaignInput) -> campaigns.CampaignInput:
    return campaigns.CampaignInput(
        name=data.name,
        effect=str(data.effect.value),
        multiplier=data.multiplier,
        bonus_points=data.bonus_points,
        triggers=_triggers(data.triggers),
        descriptions=_descriptions(data.descriptions),
        default_locale=data.default_locale,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        days_of_week=_days(data.days_of_week),
        hours=_hours(data.hours),
        max_uses_per_customer=data.max_uses_per_customer,
        max_points_per_customer=data.max_points_per_customer,
        points_budget=data.points_budget,
        stacking=str(data.stacking.value),
        priority=data.priority,
        exclusive_of_all=data.exclusive_of_all,
        **_conditions(data.conditions),
        **_discount(data.discount),
    )


def _update(data: CampaignUpdateInput) -> campaigns.CampaignUpdate:
    """UNSET -> KEEP; everything else as given (None clears, where allowed)."""

    def given(value: Any, convert: Any = None) -> Any:
        if value is strawberry.UNSET:
            return campaigns.KEEP
        if value is None or convert is None:
            return value
        return convert(value)

    fields: dict[str, Any] = {
        "name": given(data.name),
        "effect": given(data.effect, lambda e: str(e.value)),
        "multiplier": given(data.multiplier),
        "bonus_points": given(data.bonus_points),
        "triggers": given(data.triggers, _triggers),
        "descriptions": given(data.descriptions, _descriptions),
        "default_locale": given(data.default_locale),
        "starts_at": given(data.starts_at),
        "ends_at": given(data.ends_at),
        "days_of_week": given(data.days_of_week, _days),
        "hours": given(data.hours, _hours),
        "max_uses_per_customer": given(data.max_uses_per_customer),
        "max_points_per_customer": given(data.max_points_per_customer),
        "points_budget": given(data.points_budget),
        "stacking": given(data.stacking, lambda s: str(s.value)),
        "priority": given(data.priority),
        "exclusive_of_all": given(data.exclusive_of_all),
    }
    if data.conditions is not strawberry.UNSET:
        fields.update(_conditions(data.conditions))
    if data.discount is not strawberry.UNSET:
        fields.update(_discount(data.discount))
    return campaigns.CampaignUpdate(**fields)


MANAGE = [IsStaff, CanManageProgram]


async def _change_status(
    info: Info, write: Write, campaign_id: int, command: Callable[..., Awaitable[campaigns.CampaignDTO]]
) -> CampaignPayload:
    """Pause, resume or archive: the same call, audited by the command."""
    staff = info.context.staff
    dto = await command(write.uow, merchant_id=staff.merchant_id, actor=staff.actor, campaign_id=campaign_id)
    write.changed(CAMPAIGN, campaign_id)
    return CampaignPayload(campaign=Campaign.from_dto(dto), user_errors=[])


@strawberry.type
class CampaignsMutation:
    @strawberry.mutation(
        permission_classes=MANAGE,
        description="Create a campaign: ACTIVE when it starts now (or earlier), else SCHEDULED. Refusals "
        "(userErrors, nothing created): INVALID for a bad value (a window ending before it starts or in the "
        "past, a multiplier not in (1, 10], a product condition over 10,000 products...), NOT_FOUND for a "
        "tier that is not this shop's.",
    )
    @mutation(CampaignPayload, error_path=_errors)
    async def create_campaign(
        self,
        info: Info,
        write: Write,
        input: Annotated[CampaignInput, strawberry.argument(description="The campaign.")],
    ) -> CampaignPayload:
        staff = info.context.staff
        dto = await campaigns.create_campaign(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, data=_input(input)
        )
        return CampaignPayload(campaign=Campaign.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=MANAGE,
        description="Change a scheduled, active or paused campaign (ended and archived ones are refused: "
        "INVALID). A running campaign's effect may change: earnings from the commit on use it.",
    )
    @mutation(CampaignPayload, ids={"id": "Campaign"}, error_path=_errors)
    async def update_campaign(
        self,
        info: Info,
        write: Write,
        id: int,
        input: Annotated[CampaignUpdateInput, strawberry.argument(description="What to change.")],
    ) -> CampaignPayload:
        staff = info.context.staff
        dto = await campaigns.update_campaign(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, campaign_id=id, update=_update(input)
        )
        write.changed(CAMPAIGN, id)
        return CampaignPayload(campaign=Campaign.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=MANAGE,
        description="Stop a scheduled or active campaign (and switch its discount off) until resumed. "
        "Pausing it again changes nothing.",
    )
    @mutation(CampaignPayload, ids={"id": "Campaign"})
    async def pause_campaign(self, info: Info, write: Write, id: int) -> CampaignPayload:
        return await _change_status(info, write, id, campaigns.pause_campaign)

    @strawberry.mutation(
        permission_classes=MANAGE,
        description="Run a paused campaign again: ACTIVE (SCHEDULED if its start is to come; ENDED if its "
        "end passed meanwhile). Resuming a running one changes nothing.",
    )
    @mutation(CampaignPayload, ids={"id": "Campaign"})
    async def resume_campaign(self, info: Info, write: Write, id: int) -> CampaignPayload:
        return await _change_status(info, write, id, campaigns.resume_campaign)

    @strawberry.mutation(
        permission_classes=MANAGE,
        description="Retire a campaign for good (its results stay readable). Archiving it again "
        "changes nothing.",
    )
    @mutation(CampaignPayload, ids={"id": "Campaign"})
    async def archive_campaign(self, info: Info, write: Write, id: int) -> CampaignPayload:
        return await _change_status(info, write, id, campaigns.archive_campaign)

    @strawberry.mutation(
        permission_classes=MANAGE,
        description="Set the shop's cap on the total multiplier (tier and campaigns together): at least 1 "
        "(INVALID below), at most 100, 2 decimals.",
    )
    @mutation(CampaignSettingsPayload, error_path=lambda exc: ["input"])
    async def update_campaign_settings(
        self,
        info: Info,
        write: Write,
        max_total_multiplier: Annotated[
            Decimal, strawberry.argument(description="The cap, e.g. 5 for at most 5x the base points.")
        ],
    ) -> CampaignSettingsPayload:
        staff = info.context.staff
        dto = await campaigns.update_settings(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            max_total_multiplier=max_total_multiplier,
        )
        return CampaignSettingsPayload(campaign_settings=CampaignSettings.from_dto(dto), user_errors=[])


MUTATIONS = (CampaignsMutation,)
