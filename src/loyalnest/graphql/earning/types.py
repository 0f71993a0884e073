"""GraphQL types of the earning context."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.merchants.types import (
    EARN_ON_SHIPPING,
    EARN_ON_TAX,
    ROUNDING,
    OrderEarningStage,
    PointsRounding,
    rate_for_display,
)
from loyalnest.graphql.points.types import EarningOrigin, origin_global_id


@strawberry.enum(description="A way for customers to earn points.")
class EarningTrigger(Enum):
    PURCHASE = strawberry.enum_value("purchase", description="Orders, per unit of shop currency.")
    SIGNUP = strawberry.enum_value("signup", description="Creating an account (customers/create).")
    NEWSLETTER = strawberry.enum_value(
        "newsletter", description="Subscribing to email marketing, once per customer ever."
    )
    BIRTHDAY = strawberry.enum_value(
        "birthday",
        description="Once a year on the birthday, in the shop's timezone (Feb 29 on Feb 28 in "
        "other years). A birthday set less than 30 days before it falls waits a year.",
    )
    REVIEW = strawberry.enum_value(
        "review", description="A published product review (Judge.me, Yotpo), once per product."
    )
    CUSTOM = strawberry.enum_value(
        "custom", description="Awards given through awardPoints for actions of the shop's choosing."
    )
    REFERRAL = strawberry.enum_value(
        "referral",
        description="An advocate's referral rewards and milestone bonuses (the referral program sets "
        "their points; a tier multiplies them only when the program's tierMultiplierApplies is on). "
        "Not an earning rule of its own: updateEarningRule refuses it.",
    )


@strawberry.type(description="How orders earn: the shop's purchase settings.")
class PurchaseEarning:
    points_per_currency_unit: Decimal = strawberry.field(
        description="Points per 1 unit of the shop's currency, on the subtotal after discounts."
    )
    rounding: PointsRounding = strawberry.field(description=ROUNDING)
    earn_on_shipping: bool = strawberry.field(description=EARN_ON_SHIPPING)
    earn_on_tax: bool = strawberry.field(description=EARN_ON_TAX)
    min_order_amount: Decimal | None = strawberry.field(
        description="Orders below this subtotal earn nothing; null: no minimum."
    )
    excluded_product_ids: list[strawberry.ID] = strawberry.field(
        description="Shopify product ids whose order lines earn nothing."
    )
    test_orders_earn: bool = strawberry.field(
        description="Whether test orders (Shopify's test mode) earn points; off by default."
    )
    earn_on: OrderEarningStage = strawberry.field(
        description="When an order earns: placed (default), paid or fulfilled."
    )

    @classmethod
    def from_dto(cls, dto: earning.PurchaseRuleDTO) -> PurchaseEarning:
        return cls(
            points_per_currency_unit=rate_for_display(dto.points_per_currency_unit),
            rounding=PointsRounding(dto.rounding),
            earn_on_shipping=dto.earn_on_shipping,
            earn_on_tax=dto.earn_on_tax,
            # stored with 4 places: shown so, whether read back or just written
            min_order_amount=None if dto.min_order_amount is None else rate_for_display(dto.min_order_amount),
            excluded_product_ids=[strawberry.ID(str(p)) for p in dto.excluded_product_ids],
            test_orders_earn=dto.test_orders_earn,
            earn_on=OrderEarningStage(dto.earn_on),
        )


@strawberry.type(description="One way to earn of the shop, on or off.")
class EarningRule:
    trigger: EarningTrigger = strawberry.field(description="The way to earn.")
    enabled: bool = strawberry.field(description="Whether it earns points now.")
    points: int | None = strawberry.field(
        description="Points per award; for CUSTOM the amount an awardPoints call gives when it "
        "names none; null for PURCHASE (see `purchase`)."
    )
    purchase: PurchaseEarning | None = strawberry.field(description="Only for PURCHASE.")
    updated_at: datetime = strawberry.field(description="When the rule last changed.")

    @classmethod
    def from_dto(cls, dto: earning.EarningRuleDTO) -> EarningRule:
        return cls(
            trigger=EarningTrigger(dto.trigger),
            enabled=dto.enabled,
            points=dto.points,
            purchase=None if dto.purchase is None else PurchaseEarning.from_dto(dto.purchase),
            updated_at=dto.updated_at,
        )


@strawberry.type(description="A way to earn, as the storefront widget lists it.")
class WayToEarn:
    trigger: EarningTrigger = strawberry.field(description="The way to earn.")
    enabled: bool = strawberry.field(description="Whether it earns points now.")
    points: int | None = strawberry.field(description="Points per award; null for PURCHASE.")
    points_per_currency_unit: Decimal | None = strawberry.field(description="Only for PURCHASE.")

    @classmethod
    def from_dto(cls, dto: earning.EarningRuleDTO) -> WayToEarn:
        rate = None if dto.purchase is None else rate_for_display(dto.purchase.points_per_currency_unit)
        return cls(
            trigger=EarningTrigger(dto.trigger),
            enabled=dto.enabled,
            points=dto.points,
            points_per_currency_unit=rate,
        )


@strawberry.type(description="Where a review app sends its webhooks for this shop.")
class ReviewWebhookEndpoint:
    provider: str = strawberry.field(description='"judgeme" or "yotpo".')
    path: str = strawberry.field(description="Path (with the shop parameter) on this app's host.")


@strawberry.type(
    description="What to paste into the review app: the endpoint, and the secret it signs each "
    "webhook with (HMAC-SHA256 of the raw body, base64 or hex, in the `signatureHeader`)."
)
class ReviewWebhook:
    secret: str = strawberry.field(description="The signing secret to paste into the review app.")
    signature_header: str = strawberry.field(description="The header the signature is sent in.")
    endpoints: list[ReviewWebhookEndpoint] = strawberry.field(
        description="One endpoint per supported review app."
    )
    created_at: datetime = strawberry.field(description="When the first secret was made.")
    rotated_at: datetime | None = strawberry.field(
        description="When the secret was last replaced (rotateReviewWebhookSecret); null: never."
    )

    @classmethod
    def from_dto(cls, dto: earning.ReviewWebhookDTO, shop_domain: str) -> ReviewWebhook:
        return cls(
            secret=dto.secret,
            signature_header=earning.REVIEW_SIGNATURE_HEADER,
            endpoints=[
                ReviewWebhookEndpoint(provider=p, path=f"/webhooks/reviews/{p}?shop={shop_domain}")
                for p in earning.REVIEW_PROVIDERS
            ],
            created_at=dto.created_at,
            rotated_at=dto.rotated_at,
        )


@strawberry.type(description="Points a tier or a campaign adds to an earning, on top of its base points.")
class EarningPart:
    points: int = strawberry.field(description="The points this part adds.")
    origin: EarningOrigin = strawberry.field(description="Whether a tier or a campaign adds them.")
    origin_id: strawberry.ID = strawberry.field(description="The Tier or Campaign (see `node`).")
    label: str = strawberry.field(description='What the customer sees beside them, e.g. "Gold x1.50".')

    @classmethod
    def from_dto(cls, dto: earning.BreakdownPart) -> EarningPart:
        return cls(
            points=dto.points,
            origin=EarningOrigin(dto.origin_type),
            origin_id=origin_global_id(dto.origin_type, dto.origin_id) or strawberry.ID(""),
            label=dto.label,
        )


@strawberry.type(
    description="What an order would earn, part by part: the purchase rule's base points, then the "
    "tier's multiplier and each campaign, as a real order would post them now."
)
class EarningBreakdown:
    base_points: int = strawberry.field(
        description="The purchase rule's points (0: the order earns nothing)."
    )
    parts: list[EarningPart] = strawberry.field(
        description="What tiers and campaigns add, in the order applied."
    )
    total_points: int = strawberry.field(description="Base points plus every part.")
    pending_days: int = strawberry.field(
        description="Days the points wait as pending after the order (the shop's pending period)."
    )

    @classmethod
    def from_dto(cls, dto: earning.EarningBreakdown) -> EarningBreakdown:
        return cls(
            base_points=dto.base_points,
            parts=[EarningPart.from_dto(part) for part in dto.parts],
            total_points=dto.total_points,
            pending_days=dto.pending_days,
        )


@strawberry.input(description="A line of a hypothetical order.")
class SimulatedLineInput:
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Shopify product (a number or gid://shopify/Product/<n>); null: none."
    )
    quantity: int = strawberry.field(default=1, description="Units, 1 to 1,000,000.")
    price: Decimal = strawberry.field(description="Unit price after discounts, in the shop's currency.")


@strawberry.input(description="A hypothetical order to simulate (nothing is written).")
class SimulatedOrderInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer who would place it (their tier and tags count); null: a guest.",
    )
    subtotal: Decimal = strawberry.field(
        description="After discounts, before shipping and tax, in the shop's currency."
    )
    lines: list[SimulatedLineInput] = strawberry.field(
        default_factory=list, description="Its lines (product conditions and per-unit bonuses look at them)."
    )
    discount_codes: list[str] = strawberry.field(default_factory=list, description="Discount codes it uses.")
