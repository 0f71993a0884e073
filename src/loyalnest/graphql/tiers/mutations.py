"""Mutations of the tiers context: the ladder and the settings (admin:full; each change
re-evaluates every customer in the background, never in the request) and manual
assignment (admin:full or admin:points). All audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, decode_or_refuse, mutation
from loyalnest.graphql.core.permissions import CanAdjustPoints, CanManageProgram, IsStaff
from loyalnest.graphql.customers.lookup import customer_of_shop
from loyalnest.graphql.earning.types import EarningTrigger
from loyalnest.graphql.tiers.loaders import LADDER, TIER
from loyalnest.graphql.tiers.types import (
    CustomerTier,
    Tier,
    TierMetric,
    TierPeriod,
    TierRetention,
    TierSettings,
    rule_of_trigger,
)
from loyalnest.platform.errors import DomainError

NAMES = "The tier's name per locale; at least the default locale's."
DEFAULT_LOCALE = "The locale whose texts are used when no other fits; `names` must have it."
THRESHOLD = (
    "What the shop's metric must reach to enter the tier (points, shop currency or orders): above 0, "
    "at most 2 decimals, above the tier below and below the tier above."
)
MULTIPLIER = "Points of the multiplied triggers are multiplied by this: 1.00-10.00, at most 2 decimals."
TRIGGERS = "The ways to earn the multiplier applies to (default: purchases only)."
ENTRY_BONUS = "Points given on entering the tier, once per customer per period (0: none)."
ENTRY_REWARD = (
    "A catalog reward issued as a discount code on entering the tier, once per customer per period."
)
PERKS = "Free text per locale shown in the widget (replaces every locale's)."


@strawberry.input(description="A tier's text in one locale.")
class TierTextInput:
    locale: str = strawberry.field(description="A BCP 47 tag: en, en-US, pt-BR...")
    text: str = strawberry.field(description="The text in that locale.")


@strawberry.input(description="A new tier.")
class TierInput:
    names: list[TierTextInput] = strawberry.field(description=NAMES)
    default_locale: str = strawberry.field(description=DEFAULT_LOCALE)
    threshold: Decimal = strawberry.field(description=THRESHOLD)
    multiplier: Decimal = strawberry.field(default=Decimal("1.00"), description=MULTIPLIER)
    multiplied_triggers: list[EarningTrigger] = strawberry.field(
        default_factory=lambda: [EarningTrigger.PURCHASE], description=TRIGGERS
    )
    entry_bonus_points: int = strawberry.field(default=0, description=ENTRY_BONUS)
    entry_reward_id: strawberry.ID | None = strawberry.field(default=None, description=ENTRY_REWARD)
    perks: list[TierTextInput] = strawberry.field(default_factory=list, description=PERKS)
    rank: int | None = strawberry.field(
        default=None,
        description="Where it goes (1 = lowest; the tiers from there up move one up); null: on top.",
    )


@strawberry.input(description="Changes to a tier: omitted fields keep their value.")
class TierUpdateInput:
    names: list[TierTextInput] | None = strawberry.field(default=strawberry.UNSET, description=NAMES)
    default_locale: str | None = strawberry.field(default=strawberry.UNSET, description=DEFAULT_LOCALE)
    threshold: Decimal | None = strawberry.field(default=strawberry.UNSET, description=THRESHOLD)
    multiplier: Decimal | None = strawberry.field(default=strawberry.UNSET, description=MULTIPLIER)
    multiplied_triggers: list[EarningTrigger] | None = strawberry.field(
        default=strawberry.UNSET, description=TRIGGERS
    )
    entry_bonus_points: int | None = strawberry.field(default=strawberry.UNSET, description=ENTRY_BONUS)
    entry_reward_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=ENTRY_REWARD + " Null removes it."
    )
    perks: list[TierTextInput] | None = strawberry.field(default=strawberry.UNSET, description=PERKS)


@strawberry.input(description="Changes to the tier settings: omitted fields keep their value.")
class TierSettingsInput:
    metric: TierMetric | None = strawberry.field(
        default=strawberry.UNSET, description="What tiers qualify on."
    )
    period: TierPeriod | None = strawberry.field(
        default=strawberry.UNSET, description="The window the metric is counted over."
    )
    retention: TierRetention | None = strawberry.field(
        default=strawberry.UNSET, description="What happens when the metric falls below a tier."
    )


@strawberry.type(description="The result of createTier, updateTier and deleteTier.")
class TierPayload:
    tier: Tier | None = strawberry.field(description="The tier afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of updateTierSettings.")
class TierSettingsPayload:
    tier_settings: TierSettings | None = strawberry.field(
        description="The settings afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of assignTier.")
class AssignTierPayload:
    customer_tier: CustomerTier | None = strawberry.field(
        description="Where the customer stands afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _texts(items: Sequence[TierTextInput]) -> list[tuple[str, str]]:
    return [(item.locale, item.text) for item in items]


def _reward_id(value: strawberry.ID | None) -> int | None:
    return None if value is None else decode_or_refuse(value, "Reward", field="entryRewardId")


def _input_path(exc: DomainError) -> Sequence[str]:
    return () if exc.field in (None, "id") else ("input",)


def _update(data: TierUpdateInput) -> tiers.TierUpdate:
    def given(value: Any, convert: Any = None) -> Any:
        if value is strawberry.UNSET:
            return tiers.KEEP
        if value is None or convert is None:
            return value
        return convert(value)

    return tiers.TierUpdate(
        names=given(data.names, _texts),
        default_locale=given(data.default_locale),
        threshold=given(data.threshold),
        multiplier=given(data.multiplier),
        multiplied_triggers=given(data.multiplied_triggers, lambda ts: [rule_of_trigger(t) for t in ts]),
        entry_bonus_points=given(data.entry_bonus_points),
        entry_reward_id=given(data.entry_reward_id, _reward_id),
        perks=given(data.perks, _texts),
    )


def _setting(value: Any) -> Any:
    if value is strawberry.UNSET:
        return tiers.KEEP
    return None if value is None else str(value.value)


@strawberry.type
class TiersMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Add a tier to the shop's ladder (at most 10). Every customer is re-evaluated in "
        "the background (see tierRetier).",
    )
    @mutation(TierPayload, error_path=_input_path)
    async def create_tier(
        self,
        info: Info,
        write: Write,
        input: Annotated[TierInput, strawberry.argument(description="The tier.")],
    ) -> TierPayload:
        staff = info.context.staff
        data = tiers.TierInput(
            names=_texts(input.names),
            default_locale=input.default_locale,
            threshold=input.threshold,
            multiplier=input.multiplier,
            multiplied_triggers=tuple(rule_of_trigger(t) for t in input.multiplied_triggers),
            entry_bonus_points=input.entry_bonus_points,
            entry_reward_id=_reward_id(input.entry_reward_id),
            perks=_texts(input.perks),
            rank=input.rank,
        )
        dto = await tiers.create_tier(write.uow, merchant_id=staff.merchant_id, actor=staff.actor, data=data)
        write.changed(LADDER, 0)
        return TierPayload(tier=Tier.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change a tier. A new threshold re-evaluates every customer in the background; a "
        "new multiplier applies to earnings from then on.",
    )
    @mutation(TierPayload, ids={"id": "Tier"}, error_path=_input_path)
    async def update_tier(
        self,
        info: Info,
        write: Write,
        id: int,
        input: Annotated[TierUpdateInput, strawberry.argument(description="What to change.")],
    ) -> TierPayload:
        staff = info.context.staff
        dto = await tiers.update_tier(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, tier_id=id, update=_update(input)
        )
        write.changed(TIER, id)
        write.changed(LADDER, 0)
        return TierPayload(tier=Tier.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Delete a tier, even one customers hold: they move to the tier their metric supports "
        "in the background (meanwhile it earns nothing). Its history stays readable.",
    )
    @mutation(TierPayload, ids={"id": "Tier"})
    async def delete_tier(self, info: Info, write: Write, id: int) -> TierPayload:
        staff = info.context.staff
        dto = await tiers.delete_tier(write.uow, merchant_id=staff.merchant_id, actor=staff.actor, tier_id=id)
        write.changed(TIER, id)
        write.changed(LADDER, 0)
        return TierPayload(tier=Tier.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change what tiers qualify on, the period, or the retention policy. Every customer "
        "is re-evaluated in the background.",
    )
    @mutation(TierSettingsPayload, error_path=lambda exc: ("input",))
    async def update_tier_settings(
        self,
        info: Info,
        write: Write,
        input: Annotated[TierSettingsInput, strawberry.argument(description="What to change.")],
    ) -> TierSettingsPayload:
        staff = info.context.staff
        update = tiers.TierSettingsUpdate(
            metric=_setting(input.metric), period=_setting(input.period), retention=_setting(input.retention)
        )
        dto = await tiers.update_settings(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, update=update
        )
        return TierSettingsPayload(tier_settings=TierSettings.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanAdjustPoints],
        description="Put a customer in a tier by hand (admin:full or admin:points): it holds whatever the "
        "metric says until `until` (null: until changed). A null `tierId` ends a manual tier now (the "
        "metric decides again). Audited, and written to the customer's tier history.",
    )
    @mutation(AssignTierPayload, ids={"customer_id": "Customer", "tier_id": "Tier"})
    async def assign_tier(
        self,
        info: Info,
        write: Write,
        customer_id: int,
        tier_id: int | None = None,
        until: Annotated[
            datetime | None, strawberry.argument(description="When the manual tier ends; null: never.")
        ] = None,
        reason: Annotated[
            str | None, strawberry.argument(description="Why (kept in the history and the audit trail).")
        ] = None,
    ) -> AssignTierPayload:
        staff = info.context.staff
        await customer_of_shop(staff.merchant_id, customer_id)
        dto = await tiers.assign_tier(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            customer_id=customer_id,
            tier_id=tier_id,
            until=until,
            reason=reason,
        )
        write.changed_customer(customer_id)
        return AssignTierPayload(customer_tier=CustomerTier.from_dto(dto), user_errors=[])


MUTATIONS = (TiersMutation,)
