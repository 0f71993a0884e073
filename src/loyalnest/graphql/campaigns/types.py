"""GraphQL types of the campaigns context, built from its DTOs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.graphql.campaigns.permissions import CanReadCampaignResults
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.graphql.core.scalars import BigInt

CENTS = Decimal("0.01")


def _display(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENTS)


@strawberry.enum(description="Where a campaign stands.")
class CampaignStatus(Enum):
    SCHEDULED = strawberry.enum_value("scheduled", description="Waiting for startsAt (applies from then on).")
    ACTIVE = strawberry.enum_value("active", description="Running: applies inside its window.")
    PAUSED = strawberry.enum_value("paused", description="Stopped by staff until resumed; never applies.")
    ENDED = strawberry.enum_value(
        "ended", description="Over: endsAt passed or its points budget ran out (see endedReason)."
    )
    ARCHIVED = strawberry.enum_value("archived", description="Retired for good; its results stay readable.")


@strawberry.enum(description="What a campaign gives.")
class CampaignEffectKind(Enum):
    MULTIPLIER = strawberry.enum_value(
        "multiplier",
        description="Multiplies the base points of its triggers (`multiplier`, more than 1, at most 10).",
    )
    ORDER_BONUS = strawberry.enum_value("order_bonus", description="`bonusPoints` per qualifying order.")
    PRODUCT_UNIT_BONUS = strawberry.enum_value(
        "product_unit_bonus", description="`bonusPoints` per unit of the qualifying products in an order."
    )
    PRODUCT_LINE_BONUS = strawberry.enum_value(
        "product_line_bonus", description="`bonusPoints` per order line of the qualifying products."
    )
    TRIGGER_BONUS = strawberry.enum_value(
        "trigger_bonus", description="`bonusPoints` on one trigger (signup, newsletter, birthday or review)."
    )


@strawberry.enum(description="The earning triggers a campaign's effect applies to.")
class CampaignTrigger(Enum):
    ORDER = strawberry.enum_value("order", description="A purchase.")
    SIGNUP = strawberry.enum_value("signup", description="Creating an account.")
    NEWSLETTER = strawberry.enum_value("newsletter", description="Subscribing to the newsletter.")
    BIRTHDAY = strawberry.enum_value("birthday", description="The customer's birthday.")
    REVIEW = strawberry.enum_value("review", description="A product review.")
    CUSTOM = strawberry.enum_value("custom", description="A custom award (multipliers only).")


@strawberry.enum(description="How a campaign combines with the others that apply to the same earning.")
class CampaignStacking(Enum):
    STACKABLE = strawberry.enum_value("stackable", description="Adds to the other campaigns.")
    EXCLUSIVE = strawberry.enum_value(
        "exclusive",
        description="Only the highest-priority exclusive campaign that applies counts (ties: the oldest); "
        "stackable ones still add, unless it is exclusiveOfAll.",
    )


@strawberry.enum(description="A day of the week, in the shop's timezone.")
class Weekday(Enum):
    MONDAY = strawberry.enum_value(0, description="Monday.")
    TUESDAY = strawberry.enum_value(1, description="Tuesday.")
    WEDNESDAY = strawberry.enum_value(2, description="Wednesday.")
    THURSDAY = strawberry.enum_value(3, description="Thursday.")
    FRIDAY = strawberry.enum_value(4, description="Friday.")
    SATURDAY = strawberry.enum_value(5, description="Saturday.")
    SUNDAY = strawberry.enum_value(6, description="Sunday.")


@strawberry.enum(description="The Shopify discount a campaign offers while it runs.")
class CampaignDiscountKind(Enum):
    PERCENTAGE = strawberry.enum_value("percentage", description="A percentage off the order (1-100).")
    FIXED_AMOUNT = strawberry.enum_value(
        "fixed_amount", description="An amount off the order (shop currency)."
    )
    FREE_SHIPPING = strawberry.enum_value("free_shipping", description="Free shipping.")


@strawberry.enum(description="Where the campaign's Shopify discount stands.")
class CampaignDiscountState(Enum):
    NONE = strawberry.enum_value("none", description="Not created yet (the campaign has not started).")
    PENDING = strawberry.enum_value("pending", description="Being created in Shopify.")
    ACTIVE = strawberry.enum_value("active", description="Usable at checkout.")
    INACTIVE = strawberry.enum_value("inactive", description="Switched off (paused, ended or archived).")
    FAILED = strawberry.enum_value("failed", description="Shopify refused it (see `error`).")


@strawberry.type(description="A campaign's description in one locale.")
class CampaignDescription:
    locale: str = strawberry.field(description="A BCP 47 tag: en, en-US, pt-BR...")
    text: str = strawberry.field(description="The description in that locale.")


@strawberry.type(description="Hours of the day a campaign applies, in the shop's timezone.")
class CampaignHours:
    from_hour: int = strawberry.field(name="from", description="From this hour (0-23), inclusive.")
    to_hour: int = strawberry.field(
        name="to", description="Until this hour (1-24), exclusive; below `from`: past midnight."
    )


@strawberry.type(description="When a campaign applies, beyond its window (all must hold).")
class CampaignConditions:
    min_order_amount: Decimal | None = strawberry.field(
        description="Orders only: the subtotal after discounts (shop currency) the order needs."
    )
    product_ids: list[strawberry.ID] = strawberry.field(
        description="Orders only: Shopify product ids (digits) whose lines qualify (with productTags: "
        "either one qualifies a line)."
    )
    product_tags: list[str] = strawberry.field(
        description="Orders only: product tags (lower-cased) whose lines qualify."
    )
    tier_ids: list[strawberry.ID] = strawberry.field(description="Only customers holding one of these tiers.")
    customer_tags: list[str] = strawberry.field(
        description="Only customers carrying one of these tags (lower-cased)."
    )
    first_order: bool = strawberry.field(description="Orders only: the customer's first order.")
    every_nth_order: int | None = strawberry.field(
        description="Orders only: every n-th order of the customer (3: the 3rd, 6th, ...)."
    )


@strawberry.type(description="The Shopify discount a campaign offers while it is active.")
class CampaignDiscount:
    kind: CampaignDiscountKind = strawberry.field(description="What it takes off.")
    value: Decimal | None = strawberry.field(description="The percent or amount off (null: free shipping).")
    code: str = strawberry.field(description="The code shoppers enter (a public promo code).")
    state: CampaignDiscountState = strawberry.field(description="Where it stands in Shopify.")
    shopify_discount_id: strawberry.ID | None = strawberry.field(
        description="The discount in Shopify (gid://shopify/DiscountCodeNode/...), once created."
    )
    error: str | None = strawberry.field(description="Why Shopify refused it, in Shopify's words.")


@strawberry.type(description="What a campaign has done so far.")
class CampaignResults:
    points_issued: BigInt = strawberry.field(
        description="Bonus points it gave, less what refunds and cancellations took back."
    )
    orders_affected: int = strawberry.field(
        description="Orders it gave points to or whose discount code was used (cancelled ones removed)."
    )
    customers_reached: int = strawberry.field(description="Distinct customers it gave points to.")
    revenue: Decimal = strawberry.field(
        description="Subtotal (after discounts, less refunds; shop currency) of the orders it affected."
    )
    discount_uses: int = strawberry.field(description="Orders that used its discount code.")
    updated_at: datetime | None = strawberry.field(description="When it last changed; null: never.")

    @classmethod
    def from_dto(cls, dto: campaigns.CampaignResultsDTO) -> CampaignResults:
        return cls(
            points_issued=dto.points_issued,
            orders_affected=dto.orders_affected,
            customers_reached=dto.customers_reached,
            revenue=dto.revenue.quantize(CENTS),
            discount_uses=dto.discount_uses,
            updated_at=dto.updated_at,
        )


@strawberry.type(description="The shop's settings for every campaign.")
class CampaignSettings:
    max_total_multiplier: Decimal = strawberry.field(
        description="The most a base award may be multiplied by, tier and campaigns together (default 5; "
        "at least 1). Multipliers beyond it are lowered: the tier's first, then the campaigns' in stacking "
        "order. Fixed bonuses are not multipliers and are not bounded by it."
    )
    updated_at: datetime | None = strawberry.field(description="When it last changed; null: the default.")

    @classmethod
    def from_dto(cls, dto: campaigns.CampaignSettingsDTO) -> CampaignSettings:
        return cls(max_total_multiplier=_display(dto.max_total_multiplier), updated_at=dto.updated_at)  # type: ignore[arg-type]


@strawberry.type(description="A bonus campaign: extra points on top of the base program while it runs.")
class Campaign(Node):
    name: str = strawberry.field(description="The campaign's name (shown beside the points it gives).")
    status: CampaignStatus = strawberry.field(description="Where it stands.")
    ended_reason: str | None = strawberry.field(
        description="Why it ended: `schedule` (endsAt passed) or `budget` (its points budget ran out)."
    )
    starts_at: datetime = strawberry.field(description="Applies from this moment.")
    ends_at: datetime | None = strawberry.field(description="Applies until this moment; null: until stopped.")
    days_of_week: list[Weekday] | None = strawberry.field(
        description="Only on these days (shop timezone); null: every day."
    )
    hours: CampaignHours | None = strawberry.field(
        description="Only during these hours (shop timezone); null: all day."
    )
    effect: CampaignEffectKind = strawberry.field(description="What it gives.")
    multiplier: Decimal | None = strawberry.field(description="MULTIPLIER: the factor on base points.")
    bonus_points: int | None = strawberry.field(description="The fixed bonus of the other effects.")
    triggers: list[CampaignTrigger] = strawberry.field(description="The earnings its effect applies to.")
    conditions: CampaignConditions = strawberry.field(description="When it applies, beyond its window.")
    max_uses_per_customer: int | None = strawberry.field(
        description="How many earnings of one customer it may add to; null: no cap."
    )
    max_points_per_customer: int | None = strawberry.field(
        description="How many points it may give one customer; null: no cap."
    )
    points_budget: int | None = strawberry.field(
        description="The points it may give in all; once given, it ends by itself. Null: no budget."
    )
    stacking: CampaignStacking = strawberry.field(description="How it combines with other campaigns.")
    priority: int = strawberry.field(description="Among exclusive campaigns, the highest applies.")
    exclusive_of_all: bool = strawberry.field(
        description="Exclusive, and no stackable campaign adds to it either."
    )
    discount: CampaignDiscount | None = strawberry.field(
        description="The Shopify discount it offers while active; null: none."
    )
    default_locale: str = strawberry.field(
        description="The locale whose description is used when no other fits."
    )
    version: int = strawberry.field(description="Goes up with every change of its terms or status.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    dto: strawberry.Private[campaigns.CampaignDTO]

    @strawberry.field(
        description="The description in `locale` (fr-CA), falling back to the language (fr), then to "
        "the default locale; null when it has none."
    )
    def description(
        self,
        locale: Annotated[
            str | None, strawberry.argument(description="A BCP 47 tag; null: the default locale.")
        ] = None,
    ) -> str | None:
        return self.dto.description(locale)

    @strawberry.field(description="Every description, by locale.")
    def descriptions(self) -> list[CampaignDescription]:
        return [CampaignDescription(locale=locale, text=text) for locale, text in self.dto.descriptions]

    @strawberry.field(
        permission_classes=[CanReadCampaignResults],
        description="What it has done so far. Requires admin:full or admin:analytics.",
    )
    async def results(self, info: Info) -> CampaignResults | None:
        dto = await info.context.loaders.get("campaigns.results").load(self.dto.id)
        return None if dto is None else CampaignResults.from_dto(dto)

    @classmethod
    def from_dto(cls, dto: campaigns.CampaignDTO) -> Campaign:
        conditions = dto.conditions
        nth = conditions.nth_order
        return cls(
            id=encode_id("Campaign", dto.id),
            name=dto.name,
            status=CampaignStatus(dto.status),
            ended_reason=dto.ended_reason,
            starts_at=dto.starts_at,
            ends_at=dto.ends_at,
            days_of_week=None if dto.days_of_week is None else [Weekday(d) for d in dto.days_of_week],
            hours=None if dto.hours is None else CampaignHours(from_hour=dto.hours[0], to_hour=dto.hours[1]),
            effect=CampaignEffectKind(dto.effect),
            multiplier=_display(dto.multiplier),
            bonus_points=dto.bonus_points,
            triggers=[CampaignTrigger(t) for t in dto.triggers],
            conditions=CampaignConditions(
                min_order_amount=_display(conditions.min_order_amount),
                product_ids=[strawberry.ID(str(p)) for p in sorted(conditions.product_ids)],
                product_tags=sorted(conditions.product_tags),
                tier_ids=[encode_id("Tier", t) for t in dto.tier_ids],
                customer_tags=list(dto.customer_tags),
                first_order=bool(nth and nth.first),
                every_nth_order=nth.every if nth else None,
            ),
            max_uses_per_customer=dto.max_uses_per_customer,
            max_points_per_customer=dto.max_points_per_customer,
            points_budget=dto.points_budget,
            stacking=CampaignStacking(dto.stacking),
            priority=dto.priority,
            exclusive_of_all=dto.exclusive_of_all,
            discount=None
            if dto.discount_kind is None or dto.discount_code is None
            else CampaignDiscount(
                kind=CampaignDiscountKind(dto.discount_kind),
                value=_display(dto.discount_value),
                code=dto.discount_code,
                state=CampaignDiscountState(dto.discount_state),
                shopify_discount_id=strawberry.ID(dto.discount_gid) if dto.discount_gid else None,
                error=dto.discount_error,
            ),
            default_locale=dto.default_locale,
            version=dto.version,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
            dto=dto,
        )


@strawberry.type(description='A campaign running now that applies to you (the storefront\'s "for you").')
class ActiveCampaign:
    id: strawberry.ID = strawberry.field(description="The campaign's global id.")
    name: str = strawberry.field(description="The campaign's name.")
    description: str | None = strawberry.field(
        description="Its description in the locale asked for (with fallbacks)."
    )
    effect: CampaignEffectKind = strawberry.field(description="What it gives.")
    multiplier: Decimal | None = strawberry.field(description="MULTIPLIER: the factor on base points.")
    bonus_points: int | None = strawberry.field(description="The fixed bonus of the other effects.")
    triggers: list[CampaignTrigger] = strawberry.field(description="The earnings it applies to.")
    min_order_amount: Decimal | None = strawberry.field(description="The order subtotal it needs, if any.")
    ends_at: datetime | None = strawberry.field(description="When it ends; null: no end set.")
    discount_code: str | None = strawberry.field(description="Its discount code, if it offers one.")

    @classmethod
    def from_dto(cls, dto: campaigns.CampaignDTO, locale: str | None) -> ActiveCampaign:
        return cls(
            id=encode_id("Campaign", dto.id),
            name=dto.name,
            description=dto.description(locale),
            effect=CampaignEffectKind(dto.effect),
            multiplier=_display(dto.multiplier),
            bonus_points=dto.bonus_points,
            triggers=[CampaignTrigger(t) for t in dto.triggers],
            min_order_amount=_display(dto.conditions.min_order_amount),
            ends_at=dto.ends_at,
            discount_code=dto.discount_code if dto.discount_state == "active" else None,
        )


def campaign_connection(page: campaigns.CampaignPage, count: Count) -> Connection[Campaign]:
    return connection(
        [Campaign.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        count=count,
    )
