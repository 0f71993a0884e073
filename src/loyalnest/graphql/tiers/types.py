"""GraphQL types of the tiers context, built from its DTOs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.graphql.earning.types import EarningTrigger

CENTS = Decimal("0.01")
LOCALE_ARGUMENT = strawberry.argument(
    description="A BCP 47 tag (fr-CA); falls back to the language (fr), then to the default locale."
)

# the earning context's trigger names and the API's (purchases are "order" rows)
_TRIGGER_OF_RULE = {"order": EarningTrigger.PURCHASE}


def trigger_of_rule(rule: str) -> EarningTrigger:
    return _TRIGGER_OF_RULE.get(rule) or EarningTrigger(rule)


def rule_of_trigger(trigger: EarningTrigger) -> str:
    return "order" if trigger is EarningTrigger.PURCHASE else str(trigger.value)


@strawberry.enum(description="What a shop's tiers qualify on.")
class TierMetric(Enum):
    POINTS = strawberry.enum_value(
        "points", description="Points earned (tier entry bonuses not counted; refunds take theirs back)."
    )
    MONEY = strawberry.enum_value(
        "money", description="Money spent, in the shop's currency, after discounts and refunds."
    )
    ORDERS = strawberry.enum_value("orders", description="Orders placed (cancelled ones not counted).")


@strawberry.enum(description="The window the metric is counted over.")
class TierPeriod(Enum):
    LIFETIME = strawberry.enum_value("lifetime", description="Since the customer's first order or earning.")
    CALENDAR_YEAR = strawberry.enum_value(
        "calendar_year", description="Since 1 January, midnight in the shop's timezone."
    )
    ROLLING_12_MONTHS = strawberry.enum_value("rolling_12_months", description="The last twelve months.")


@strawberry.enum(description="What happens when a customer's metric falls below their tier.")
class TierRetention(Enum):
    NEVER = strawberry.enum_value("never", description="Nobody ever goes down.")
    IMMEDIATE = strawberry.enum_value(
        "immediate", description="Down at once, to the tier the metric supports."
    )
    END_OF_NEXT_PERIOD = strawberry.enum_value(
        "end_of_next_period",
        description="Kept until the end of the period after the one it was last earned in (earn it "
        "this year, keep it next year; twelve months for the other periods), then one tier down, "
        "which is kept on the same terms.",
    )


@strawberry.enum(description="Why a customer's tier changed.")
class TierChangeReason(Enum):
    QUALIFIED = strawberry.enum_value(
        "qualified", description="The metric reached the tier (or the ladder changed under it)."
    )
    RETENTION_EXPIRED = strawberry.enum_value(
        "retention_expired",
        description="The metric no longer supported the tier and the retention policy let it go "
        "(a window that slid, a new year, the end of a retention or manual period).",
    )
    REFUND = strawberry.enum_value("refund", description="A refund or cancellation lowered the metric.")
    MANUAL = strawberry.enum_value("manual", description="Staff assigned it (assignTier).")
    IMPORT = strawberry.enum_value("import", description="Brought over from another loyalty program.")


@strawberry.type(description="A text in one locale.")
class TierText:
    locale: str = strawberry.field(description="A BCP 47 tag: en, en-US, pt-BR...")
    text: str = strawberry.field(description="The text in that locale.")


@strawberry.type(description="A VIP tier of the shop's ladder.")
class Tier(Node):
    rank: int | None = strawberry.field(description="1 = the lowest tier; null once deleted.")
    threshold: Decimal = strawberry.field(
        description="What the metric must reach to enter it (points, shop currency or orders)."
    )
    multiplier: Decimal = strawberry.field(
        description="Points of the multiplied triggers are multiplied by this (1.00-10.00)."
    )
    multiplied_triggers: list[EarningTrigger] = strawberry.field(
        description="The ways to earn the multiplier applies to (purchases by default)."
    )
    entry_bonus_points: int = strawberry.field(
        description="Points given on entering it, once per customer per period (0: none)."
    )
    entry_reward_id: strawberry.ID | None = strawberry.field(
        description="A catalog reward issued as a discount code on entering it, once per customer per "
        "period; null: none."
    )
    default_locale: str = strawberry.field(description="The locale used when no other fits.")
    deleted_at: datetime | None = strawberry.field(
        description="When it was deleted (customers holding it move down in the background)."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    dto: strawberry.Private[tiers.TierDTO]

    @strawberry.field(description="The tier's name in `locale`.")
    def name(self, locale: Annotated[str | None, LOCALE_ARGUMENT] = None) -> str:
        return self.dto.name(locale)

    @strawberry.field(description="Every name, by locale.")
    def names(self) -> list[TierText]:
        return [TierText(locale=locale, text=text) for locale, text in self.dto.names]

    @strawberry.field(description="The tier's perks (free text for the widget) in `locale`; null: none.")
    def perks(self, locale: Annotated[str | None, LOCALE_ARGUMENT] = None) -> str | None:
        return self.dto.perk(locale)

    @strawberry.field(description="Every perks text, by locale.")
    def all_perks(self) -> list[TierText]:
        return [TierText(locale=locale, text=text) for locale, text in self.dto.perks]

    @classmethod
    def from_dto(cls, dto: tiers.TierDTO) -> Tier:
        return cls(
            id=encode_id("Tier", dto.id),
            rank=dto.rank,
            threshold=dto.threshold.quantize(CENTS),
            multiplier=dto.multiplier.quantize(CENTS),
            multiplied_triggers=[trigger_of_rule(t) for t in dto.multiplied_triggers],
            entry_bonus_points=dto.entry_bonus_points,
            entry_reward_id=encode_id("Reward", dto.entry_reward_id) if dto.entry_reward_id else None,
            default_locale=dto.default_locale,
            deleted_at=dto.deleted_at,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
            dto=dto,
        )


@strawberry.type(description="A shop's tier settings.")
class TierSettings:
    metric: TierMetric = strawberry.field(description="What tiers qualify on.")
    period: TierPeriod = strawberry.field(description="The window the metric is counted over.")
    retention: TierRetention = strawberry.field(
        description="What happens when the metric falls below a tier."
    )
    timezone: str = strawberry.field(
        description="The shop's timezone (calendar years start at its midnight)."
    )
    updated_at: datetime | None = strawberry.field(description="When they last changed; null: the defaults.")

    @classmethod
    def from_dto(cls, dto: tiers.TierSettingsDTO) -> TierSettings:
        return cls(
            metric=TierMetric(dto.metric),
            period=TierPeriod(dto.period),
            retention=TierRetention(dto.retention),
            timezone=dto.timezone,
            updated_at=dto.updated_at,
        )


async def _tier(info: Info, tier_id: int | None) -> Tier | None:
    if tier_id is None:
        return None
    dto = await info.context.loaders.get("tiers.tier").load(tier_id)
    return None if dto is None else Tier.from_dto(dto)


@strawberry.type(description="Where a customer stands in the shop's ladder.")
class CustomerTier:
    metric_value: Decimal = strawberry.field(description="The metric at the last evaluation.")
    manual: bool = strawberry.field(description="Whether staff assigned the tier by hand (assignTier).")
    manual_until: datetime | None = strawberry.field(
        description="When a manual tier ends (null: until changed, or not manual)."
    )
    manual_reason: str | None = strawberry.field(description="Staff's reason for a manual tier.")
    retain_until: datetime | None = strawberry.field(
        description="The tier is kept until then although the metric no longer supports it "
        "(retention END_OF_NEXT_PERIOD)."
    )
    evaluated_at: datetime | None = strawberry.field(description="When it was last evaluated; null: never.")
    tier_id: strawberry.Private[int | None]
    earned_tier_id: strawberry.Private[int | None]

    @strawberry.field(description="The tier held; null: none.")
    async def tier(self, info: Info) -> Tier | None:
        return await _tier(info, self.tier_id)

    @strawberry.field(
        description="The tier the metric itself supports (retention or a manual tier may differ)."
    )
    async def earned_tier(self, info: Info) -> Tier | None:
        return await _tier(info, self.earned_tier_id)

    @classmethod
    def from_dto(cls, dto: tiers.CustomerTierDTO) -> CustomerTier:
        return cls(
            metric_value=dto.metric_value.quantize(CENTS),
            manual=dto.manual,
            manual_until=dto.manual_until,
            manual_reason=dto.manual_reason,
            retain_until=dto.retain_until,
            evaluated_at=dto.evaluated_at,
            tier_id=dto.tier_id,
            earned_tier_id=dto.earned_tier_id,
        )


@strawberry.type(description="What reaching the next tier and keeping the current one take.")
class TierProgress:
    metric: TierMetric = strawberry.field(description="What the amounts are in.")
    value: Decimal = strawberry.field(description="The metric now, over the shop's period.")
    to_next_tier: Decimal | None = strawberry.field(
        description="Still needed for the next tier; null at the top."
    )
    next_tier_by: datetime | None = strawberry.field(
        description="By when (exclusive: the end of the calendar year); null: no deadline."
    )
    to_keep_tier: Decimal | None = strawberry.field(
        description="Still needed to keep the tier held; null: nothing (or it is never lost)."
    )
    keep_tier_by: datetime | None = strawberry.field(
        description="By when the tier must be earned again to be kept (exclusive); null: no deadline."
    )
    percent: int = strawberry.field(description="0-100: the way from the tier held to the next one.")
    next_tier_summary: str | None = strawberry.field(
        description='In English, e.g. "spend 42.50 USD more by 31 Dec 2026"; null at the top.'
    )
    keep_tier_summary: str | None = strawberry.field(
        description='In English, e.g. "earn 120 points more by 31 Dec 2026"; null when nothing is needed.'
    )
    next_tier_id: strawberry.Private[int | None]

    @strawberry.field(description="The next tier up; null at the top.")
    async def next_tier(self, info: Info) -> Tier | None:
        return await _tier(info, self.next_tier_id)

    @classmethod
    def from_dto(cls, dto: tiers.TierProgressDTO) -> TierProgress:
        def cents(value: Decimal | None) -> Decimal | None:
            return None if value is None else value.quantize(CENTS)

        return cls(
            metric=TierMetric(dto.metric),
            value=dto.value.quantize(CENTS),
            to_next_tier=cents(dto.to_next),
            next_tier_by=dto.next_by,
            to_keep_tier=cents(dto.to_keep),
            keep_tier_by=dto.keep_by,
            percent=dto.percent,
            next_tier_summary=dto.next_summary,
            keep_tier_summary=dto.keep_summary,
            next_tier_id=dto.next_tier_id,
        )


@strawberry.type(description="A change of a customer's tier.")
class TierHistoryEntry:
    reason: TierChangeReason = strawberry.field(description="Why it changed.")
    note: str | None = strawberry.field(description="Staff's reason, for a manual change.")
    actor: str | None = strawberry.field(description='Who changed it by hand ("staff:<user>").')
    at: datetime = strawberry.field(description="When.")
    from_tier_id: strawberry.Private[int | None]
    to_tier_id: strawberry.Private[int | None]

    @strawberry.field(description="The tier before; null: none.")
    async def from_tier(self, info: Info) -> Tier | None:
        return await _tier(info, self.from_tier_id)

    @strawberry.field(description="The tier after; null: none.")
    async def to_tier(self, info: Info) -> Tier | None:
        return await _tier(info, self.to_tier_id)

    @classmethod
    def from_dto(cls, dto: tiers.TierHistoryDTO) -> TierHistoryEntry:
        return cls(
            reason=TierChangeReason(dto.reason),
            note=dto.note,
            actor=dto.actor,
            at=dto.at,
            from_tier_id=dto.from_tier_id,
            to_tier_id=dto.to_tier_id,
        )


def history_connection(page: tiers.TierHistoryPage, count: Count) -> Connection[TierHistoryEntry]:
    return connection(
        [TierHistoryEntry.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        count=count,
    )


@strawberry.type(
    description="A re-evaluation of every customer of the shop, after its tiers or settings changed."
)
class TierRetier:
    status: str = strawberry.field(description="queued, running or done.")
    cause: str = strawberry.field(description='What asked for it: "tier.created", "settings.updated"...')
    total: int = strawberry.field(description="Customers to evaluate (known once running).")
    done: int = strawberry.field(description="Customers evaluated so far.")
    changed: int = strawberry.field(description="Customers whose tier changed so far.")
    requested_at: datetime = strawberry.field(description="When it was asked for.")
    started_at: datetime | None = strawberry.field(description="When it started.")
    finished_at: datetime | None = strawberry.field(description="When it finished.")

    @classmethod
    def from_dto(cls, dto: tiers.RetierRunDTO) -> TierRetier:
        return cls(
            status=dto.status,
            cause=dto.cause,
            total=dto.total,
            done=dto.done,
            changed=dto.changed,
            requested_at=dto.requested_at,
            started_at=dto.started_at,
            finished_at=dto.finished_at,
        )


@strawberry.type(description="A customer's tier changed.")
class TierChangedEvent:
    customer_id: strawberry.ID = strawberry.field(description="The customer's global id.")
    reason: TierChangeReason = strawberry.field(description="Why.")
    occurred_at: datetime = strawberry.field(description="When.")
    from_tier_id: strawberry.ID | None = strawberry.field(
        description="The tier before (global id); null: none."
    )
    to_tier_id: strawberry.ID | None = strawberry.field(description="The tier after (global id); null: none.")

    @classmethod
    def from_event(cls, event: tiers.TierChanged) -> TierChangedEvent:
        return cls(
            customer_id=encode_id("Customer", event.customer_id),
            reason=TierChangeReason(event.reason),
            occurred_at=event.occurred_at,
            from_tier_id=encode_id("Tier", event.from_tier_id) if event.from_tier_id else None,
            to_tier_id=encode_id("Tier", event.to_tier_id) if event.to_tier_id else None,
        )
