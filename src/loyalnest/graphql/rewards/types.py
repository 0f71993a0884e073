"""GraphQL types of the rewards context, built from its DTOs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.graphql.rewards.permissions import CanSeeRedemptionCode

CENTS = Decimal("0.01")


def _display(amount: Decimal | None) -> Decimal | None:
    """Amounts are kept with 4 places and accepted with at most 2: shown with 2."""
    return None if amount is None else amount.quantize(CENTS)


@strawberry.enum(description="What a reward gives.")
class RewardKind(Enum):
    FIXED_AMOUNT = strawberry.enum_value("fixed_amount", description="An amount off the order (`value`).")
    PERCENTAGE = strawberry.enum_value(
        "percentage", description="A percentage off the order (`value`, 1-100)."
    )
    FREE_SHIPPING = strawberry.enum_value("free_shipping", description="Free shipping on the order.")
    FREE_PRODUCT = strawberry.enum_value(
        "free_product",
        description="The product variant `productVariantId` free (100 % off it). Shopify cannot cap "
        "such a code at one unit: every unit of that variant in the one order the code is used on is free.",
    )


@strawberry.enum(description="Where a redemption stands.")
class RedemptionStatus(Enum):
    PENDING = strawberry.enum_value(
        "pending",
        description="Points spent; Shopify has not confirmed the code yet (settled within minutes).",
    )
    ISSUED = strawberry.enum_value("issued", description="The code works until expiresAt.")
    FULFILLED = strawberry.enum_value("fulfilled", description="An order used the code.")
    EXPIRED = strawberry.enum_value(
        "expired", description="Never used before it expired: the points came back."
    )
    FAILED = strawberry.enum_value(
        "failed", description="Shopify could not create the code: the points came back."
    )


@strawberry.type(description="A reward's title in one locale.")
class RewardTitle:
    locale: str = strawberry.field(description="A BCP 47 tag: en, en-US, pt-BR...")
    title: str = strawberry.field(description="The title in that locale.")


@strawberry.interface(description="What a reward gives and costs.")
class RewardTerms:
    id: strawberry.ID = strawberry.field(
        description="The reward's global id (an AvailableReward has its Reward's id, which "
        "`node(id:)` returns)."
    )
    kind: RewardKind = strawberry.field(description="What the reward gives.")
    points_cost: int = strawberry.field(description="Points a redemption spends.")
    value: Decimal | None = strawberry.field(
        description="FIXED_AMOUNT: the amount off, in the shop's currency. PERCENTAGE: the percent "
        "off (1-100). Otherwise null."
    )
    product_variant_id: strawberry.ID | None = strawberry.field(
        description="FREE_PRODUCT: the Shopify product variant (gid://shopify/ProductVariant/...)."
    )
    minimum_order_amount: Decimal | None = strawberry.field(
        description="The order subtotal (shop currency) the code needs, if any."
    )
    usage_limit_per_customer: int | None = strawberry.field(
        description="How many times one customer may redeem it (null: no limit). Redemptions whose "
        "points came back (failed, expired) do not count."
    )
    starts_at: datetime | None = strawberry.field(
        description="Redeemable from this moment on; null: from its creation."
    )
    ends_at: datetime | None = strawberry.field(description="Redeemable until this moment; null: no end.")
    code_validity_days: int = strawberry.field(description="How long an issued discount code works.")
    default_locale: str = strawberry.field(description="The locale whose title is used when no other fits.")
    dto: strawberry.Private[rewards.RewardDTO]

    @strawberry.field(
        description="The title in `locale` (BCP 47, e.g. fr-CA); falls back to the language "
        "(fr), then to the default locale."
    )
    def title(
        self,
        locale: Annotated[
            str | None, strawberry.argument(description="A BCP 47 tag; null: the default locale.")
        ] = None,
    ) -> str:
        return self.dto.title(locale)

    @strawberry.field(description="Every title, by locale.")
    def titles(self) -> list[RewardTitle]:
        return [RewardTitle(locale=locale, title=title) for locale, title in self.dto.titles]


def _terms(dto: rewards.RewardDTO) -> dict[str, object]:
    return {
        "id": encode_id("Reward", dto.id),
        "kind": RewardKind(dto.kind),
        "points_cost": dto.points_cost,
        "value": _display(dto.value),
        "product_variant_id": strawberry.ID(dto.variant_gid) if dto.variant_gid else None,
        "minimum_order_amount": _display(dto.minimum_order_amount),
        "usage_limit_per_customer": dto.usage_limit_per_customer,
        "starts_at": dto.starts_at,
        "ends_at": dto.ends_at,
        "code_validity_days": dto.code_validity_days,
        "default_locale": dto.default_locale,
        "dto": dto,
    }


@strawberry.type(description="A reward of the shop's catalog.")
class Reward(RewardTerms, Node):
    archived_at: datetime | None = strawberry.field(
        description="Set once archived: no longer redeemable, still shown in history."
    )
    created_at: datetime = strawberry.field(description="When the reward was added to the catalog.")
    updated_at: datetime = strawberry.field(description="When its terms last changed.")

    @classmethod
    def from_dto(cls, dto: rewards.RewardDTO) -> Reward:
        return cls(
            **_terms(dto),  # type: ignore[arg-type]
            archived_at=dto.archived_at,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
        )


@strawberry.type(description="A reward the signed-in customer can redeem now, seen against their balance.")
class AvailableReward(RewardTerms):
    affordable: bool = strawberry.field(description="The balance covers the points cost.")
    points_short: int = strawberry.field(description="Points still missing (0 when affordable).")
    remaining_uses: int | None = strawberry.field(
        description="Redemptions left under the per-customer limit (null: no limit)."
    )

    @classmethod
    def from_dto(cls, dto: rewards.RewardDTO, *, balance: int, used: int) -> AvailableReward:
        short = max(dto.points_cost - balance, 0)
        limit = dto.usage_limit_per_customer
        return cls(
            **_terms(dto),  # type: ignore[arg-type]
            affordable=short == 0,
            points_short=short,
            remaining_uses=None if limit is None else max(limit - used, 0),
        )


@strawberry.type(description="One redemption: points spent for a single-use Shopify discount code.")
class Redemption(Node):
    status: RedemptionStatus = strawberry.field(description="Where the redemption stands.")
    points_spent: int = strawberry.field(description="The points it cost (the reward's cost then).")
    title: str = strawberry.field(description="The reward's title (default locale) when redeemed.")
    kind: RewardKind = strawberry.field(description="What the reward gave, as its terms were then.")
    value: Decimal | None = strawberry.field(
        description="The amount or percent off, as the reward's terms were then (see RewardTerms.value)."
    )
    minimum_order_amount: Decimal | None = strawberry.field(
        description="The order subtotal the code needs, if any (shop currency)."
    )
    product_variant_id: strawberry.ID | None = strawberry.field(
        description="FREE_PRODUCT: the Shopify product variant the code makes free."
    )
    expires_at: datetime = strawberry.field(description="When the code stops working.")
    points_returned: bool = strawberry.field(
        description="The points came back (the code was refused, or expired unused)."
    )
    failure_reason: str | None = strawberry.field(
        description="Why Shopify could not create the code (FAILED), in Shopify's words."
    )
    shopify_discount_id: strawberry.ID | None = strawberry.field(
        description="The discount in Shopify (gid://shopify/DiscountCodeNode/...), once issued."
    )
    shopify_order_id: strawberry.ID | None = strawberry.field(description="The order that used the code.")
    redeemed_by_staff: bool = strawberry.field(description="A staff member redeemed it for the customer.")
    created_at: datetime = strawberry.field(description="When the points were spent.")
    issued_at: datetime | None = strawberry.field(description="When Shopify confirmed the code.")
    used_at: datetime | None = strawberry.field(description="When an order used the code.")
    returned_at: datetime | None = strawberry.field(description="When the points came back.")
    customer_local_id: strawberry.Private[int]
    reward_local_id: strawberry.Private[int]
    code_value: strawberry.Private[str | None]

    @classmethod
    def from_dto(cls, dto: rewards.RedemptionDTO) -> Redemption:
        return cls(
            id=encode_id("Redemption", dto.id),
            status=RedemptionStatus(dto.status),
            points_spent=dto.points_spent,
            title=dto.title,
            kind=RewardKind(dto.kind),
            value=_display(dto.value),
            minimum_order_amount=_display(dto.minimum_order_amount),
            product_variant_id=strawberry.ID(dto.variant_gid) if dto.variant_gid else None,
            expires_at=dto.expires_at,
            points_returned=dto.points_returned,
            failure_reason=dto.failure_reason,
            shopify_discount_id=strawberry.ID(dto.discount_gid) if dto.discount_gid else None,
            shopify_order_id=strawberry.ID(str(dto.shopify_order_id)) if dto.shopify_order_id else None,
            redeemed_by_staff=dto.actor.startswith("staff:"),
            created_at=dto.created_at,
            issued_at=dto.issued_at,
            used_at=dto.used_at,
            returned_at=dto.returned_at,
            customer_local_id=dto.customer_id,
            reward_local_id=dto.reward_id,
            code_value=dto.code if dto.code_usable else None,
        )

    @strawberry.field(
        permission_classes=[CanSeeRedemptionCode],
        description="The discount code to enter at checkout, once Shopify has it (ISSUED, and "
        "FULFILLED or EXPIRED after). PII: shown to the customer who owns it and to staff with "
        "admin:full, admin:points or admin:support.",
    )
    def code(self) -> str | None:
        return self.code_value

    @strawberry.field(description="The reward redeemed (archived rewards included).")
    async def reward(self, info: Info) -> Reward | None:
        dto = await info.context.loaders.get("rewards.reward").load(self.reward_local_id)
        return None if dto is None else Reward.from_dto(dto)


def reward_connection(page: rewards.RewardPage, count: Count) -> Connection[Reward]:
    return connection(
        [Reward.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        count=count,
    )


def redemption_connection(page: rewards.RedemptionPage, count: Count) -> Connection[Redemption]:
    return connection(
        [Redemption.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        count=count,
    )
