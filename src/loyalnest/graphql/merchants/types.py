"""GraphQL types of the merchants context."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    page_request,
)


@strawberry.enum(description="How fractional points are rounded to whole points.")
class PointsRounding(Enum):
    DOWN = strawberry.enum_value("down", description="Drop the fraction: 12.9 points earn 12.")
    NEAREST = strawberry.enum_value("nearest", description="To the nearest whole point: 12.5 earns 13.")
    UP = strawberry.enum_value("up", description="Any fraction earns a whole point: 12.1 earns 13.")


@strawberry.enum(
    description="When earned points expire. Each lot of points (one per earning) gets its date when earned."
)
class PointsExpiryPolicy(Enum):
    NEVER = strawberry.enum_value("never", description="Points never expire.")
    DAYS_AFTER_EARN = strawberry.enum_value("days_after_earn", description="`expiryDays` after each earning.")
    DAYS_AFTER_ACTIVITY = strawberry.enum_value(
        "days_after_activity",
        description="All of a customer's points expire `expiryDays` after their last earning or spending.",
    )
    END_OF_MONTH = strawberry.enum_value(
        "end_of_month", description="At the end of the month they were earned in (the shop's timezone)."
    )
    END_OF_YEAR = strawberry.enum_value(
        "end_of_year", description="At the end of the year they were earned in (the shop's timezone)."
    )


@strawberry.enum(description="The stage of an order at which its points are earned.")
class OrderEarningStage(Enum):
    ORDER_CREATED = strawberry.enum_value(
        "order_created", description="When the order is placed (orders/create); the default."
    )
    ORDER_PAID = strawberry.enum_value(
        "order_paid",
        description="When the order is paid (orders/paid, or an order placed already paid). "
        "Until then its points wait as pending.",
    )
    ORDER_FULFILLED = strawberry.enum_value(
        "order_fulfilled",
        description="When the order is fulfilled (orders/fulfilled, or its first successful "
        "fulfillment). Until then its points wait as pending.",
    )


# what a purchase setting means, shared by ProgramSettings and the earning rule's PurchaseEarning
ROUNDING = "How fractional points of an order are rounded to whole points."
EARN_ON_SHIPPING = "Whether shipping charges earn points."
EARN_ON_TAX = "Whether taxes earn points."

# The rate is stored with 4 decimal places; always show it that way, whether it comes
# from a read or straight from an update ("2.5", "2.50" and "25E-1" are "2.5000").
RATE_PLACES = Decimal("0.0001")


def rate_for_display(rate: Decimal) -> Decimal:
    return rate.quantize(RATE_PLACES) + 0  # "+ 0" turns -0 into 0


# Money amounts are shown with the stored 4 places too ("50" is "50.0000").
amount_for_display = rate_for_display


@strawberry.type(description="How this shop's program earns points.")
class ProgramSettings:
    points_per_currency_unit: Decimal = strawberry.field(
        description="Points per 1 unit of the shop's currency, on the subtotal after discounts."
    )
    rounding: PointsRounding = strawberry.field(description=ROUNDING)
    earn_on_shipping: bool = strawberry.field(description=EARN_ON_SHIPPING)
    earn_on_tax: bool = strawberry.field(description=EARN_ON_TAX)
    updated_at: datetime = strawberry.field(description="When these settings last changed.")
    purchase_enabled: bool = strawberry.field(description="Whether purchases earn points at all.")
    min_order_amount: Decimal | None = strawberry.field(
        description="Orders whose subtotal (after discounts, shop currency) is below this earn nothing; "
        "null: no minimum."
    )
    excluded_product_ids: list[strawberry.ID] = strawberry.field(
        description="Shopify product ids (numeric) whose order lines earn nothing."
    )
    excluded_product_tags: list[str] = strawberry.field(
        description="Product tags (lower-case) whose products' order lines earn nothing."
    )
    expiry_policy: PointsExpiryPolicy = strawberry.field(
        description="When earned points expire (points earned from now on)."
    )
    expiry_days: int | None = strawberry.field(
        description="The days of DAYS_AFTER_EARN and DAYS_AFTER_ACTIVITY; null for the other policies."
    )
    pending_days: int = strawberry.field(
        description="Days an order's points stay pending (not spendable) before they are added; 0: at once."
    )
    test_orders_earn: bool = strawberry.field(
        description="Whether test orders (Shopify's test mode, `test: true`) earn points; off by "
        "default, for shops trying their program out. Cancelled and voided orders, and orders in "
        "another currency than the shop's, never earn."
    )
    earn_on: OrderEarningStage = strawberry.field(
        description="When an order earns: placed (default), paid or fulfilled. Points of an order "
        "that has not reached the stage wait as pending; `pendingDays` counts from the stage."
    )

    @classmethod
    def compose(cls, purchase: earning.PurchaseRuleDTO, expiry: points.ExpiryPolicyDTO) -> ProgramSettings:
        """The settings screen: the earning context's purchase rule and the points
        context's expiry policy; ``updatedAt`` is the latest change of either."""
        return cls(
            points_per_currency_unit=rate_for_display(purchase.points_per_currency_unit),
            rounding=PointsRounding(purchase.rounding),
            earn_on_shipping=purchase.earn_on_shipping,
            earn_on_tax=purchase.earn_on_tax,
            updated_at=max(purchase.updated_at, expiry.updated_at),
            purchase_enabled=purchase.purchase_enabled,
            min_order_amount=None
            if purchase.min_order_amount is None
            else amount_for_display(purchase.min_order_amount),
            excluded_product_ids=[strawberry.ID(str(p)) for p in purchase.excluded_product_ids],
            excluded_product_tags=list(purchase.excluded_product_tags),
            expiry_policy=PointsExpiryPolicy(expiry.expiry_policy),
            expiry_days=expiry.expiry_days,
            pending_days=purchase.pending_days,
            test_orders_earn=purchase.test_orders_earn,
            earn_on=OrderEarningStage(purchase.earn_on),
        )

    @classmethod
    def from_dto(cls, dto: earning.ProgramSettingsDTO) -> ProgramSettings:
        return cls.compose(dto.purchase, dto.expiry)


@strawberry.type(description="The shop the session belongs to.")
class Shop:
    domain: str = strawberry.field(description="The shop's myshopify.com domain.")
    name: str = strawberry.field(description="The shop's name in Shopify.")
    currency: str = strawberry.field(
        description="The shop's currency (ISO 4217): orders earn on amounts in it."
    )
    plan: str = strawberry.field(description="The shop's LoyalNest plan.")
    iana_timezone: str = strawberry.field(
        description="The shop's timezone (IANA, e.g. America/Toronto): birthdays and month or "
        "year-end expiry fall in it."
    )
    merchant_id: strawberry.Private[int]

    @classmethod
    def from_dto(cls, dto: merchants.MerchantDTO) -> Shop:
        return cls(
            domain=dto.shop_domain,
            name=dto.name,
            currency=dto.currency,
            plan=dto.plan,
            iana_timezone=dto.iana_timezone,
            merchant_id=dto.id,
        )

    @strawberry.field(description="How the shop's program earns points and when they expire.")
    async def program_settings(self, info: Info) -> ProgramSettings:
        purchase = await earning.get_purchase_rule(self.merchant_id)
        expiry = await points.get_expiry_policy(self.merchant_id)
        return ProgramSettings.compose(purchase, expiry)


# --- merchant referral program -------------------------------------------------------------


@strawberry.enum(description="Where a merchant referral stands.")
class MerchantReferralStatus(Enum):
    PENDING = strawberry.enum_value(
        "pending",
        description="The referred shop is installed and has not yet been installed for the "
        "qualifying days (30).",
    )
    QUALIFIED = strawberry.enum_value(
        "qualified",
        description="The referred shop stayed installed for the qualifying days: this shop was "
        "credited one month.",
    )
    CANCELLED = strawberry.enum_value(
        "cancelled",
        description="The referred shop uninstalled before the qualifying days passed: no credit.",
    )


@strawberry.enum(description="What earned (or used) a month of credit.")
class MerchantCreditKind(Enum):
    REFERRAL = strawberry.enum_value(
        "referral", description="A shop this shop referred stayed installed for the qualifying days."
    )


@strawberry.type(description="A shop that installed LoyalNest with this shop's merchant referral code.")
class MerchantReferral:
    referred_shop_domain: str = strawberry.field(description="The referred shop's myshopify.com domain.")
    status: MerchantReferralStatus = strawberry.field(description="Where the referral stands.")
    created_at: datetime = strawberry.field(
        description="When the referred shop installed with the code (the qualifying days count from here)."
    )
    qualified_at: datetime | None = strawberry.field(
        description="When the referred shop had been installed for the qualifying days; null until then."
    )
    credited_at: datetime | None = strawberry.field(
        description="When this shop's month of credit was added (the daily pass after `qualifiedAt`); "
        "null until then."
    )
    cancelled_at: datetime | None = strawberry.field(
        description="When the referral was cancelled (the referred shop uninstalled); null otherwise."
    )

    @classmethod
    def from_dto(cls, dto: merchants.MerchantReferralDTO) -> MerchantReferral:
        return cls(
            referred_shop_domain=dto.referred_shop_domain,
            status=MerchantReferralStatus(dto.status),
            created_at=dto.created_at,
            qualified_at=dto.qualified_at,
            credited_at=dto.credited_at,
            cancelled_at=dto.cancelled_at,
        )


@strawberry.type(
    description="A row of the shop's credit ledger: months of LoyalNest the shop holds, applied "
    "by billing. Rows are never changed; the balance is their sum."
)
class MerchantCredit:
    months: int = strawberry.field(description="Months credited (positive) or used (negative).")
    kind: MerchantCreditKind = strawberry.field(description="What the row is for.")
    source_ref: str = strawberry.field(
        description="What earned it, e.g. `merchant_referral:42` (the referral's number)."
    )
    created_at: datetime = strawberry.field(description="When the row was added.")

    @classmethod
    def from_dto(cls, dto: merchants.MerchantCreditDTO) -> MerchantCredit:
        return cls(
            months=dto.months,
            kind=MerchantCreditKind(dto.kind),
            source_ref=dto.source_ref,
            created_at=dto.created_at,
        )


@strawberry.type(
    description="This shop's side of the merchant referral program: a merchant who installs "
    "LoyalNest with this shop's code is its referral, and once that shop has stayed installed "
    "for 30 days this shop is credited one month."
)
class MerchantReferralProgram:
    code: str = strawberry.field(
        description="The shop's merchant referral code: 8 characters, unique across every shop, "
        "never changes."
    )
    link: str = strawberry.field(
        description="The install link to share: the app's install address with the code in `ref`."
    )
    merchant_id: strawberry.Private[int]

    @classmethod
    def from_dto(cls, dto: merchants.MerchantReferralProgramDTO) -> MerchantReferralProgram:
        return cls(code=dto.code, link=dto.link, merchant_id=dto.merchant_id)

    @strawberry.field(description="The months of credit the shop holds: the sum of `credits`.")
    async def credit_months(self) -> int:
        return await merchants.get_credit_months(self.merchant_id)

    @strawberry.field(description="The shops that installed with this shop's code, newest first.")
    async def referrals(
        self, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[MerchantReferral]:
        request = page_request(first, after, last, before)
        merchant_id = self.merchant_id
        page = await merchants.list_merchant_referrals(
            merchant_id,
            first=request.size,
            after_id=request.after_id,
            before_id=request.before_id,
            backward=request.backward,
        )

        async def count() -> int:
            return await merchants.count_merchant_referrals(merchant_id)

        return connection(
            [MerchantReferral.from_dto(dto) for dto in page.items],
            ids=[dto.id for dto in page.items],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            count=count,
        )

    @strawberry.field(description="The shop's credit ledger, newest first.")
    async def credits(
        self, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[MerchantCredit]:
        request = page_request(first, after, last, before)
        merchant_id = self.merchant_id
        page = await merchants.list_merchant_credits(
            merchant_id,
            first=request.size,
            after_id=request.after_id,
            before_id=request.before_id,
            backward=request.backward,
        )

        async def count() -> int:
            return await merchants.count_merchant_credits(merchant_id)

        return connection(
            [MerchantCredit.from_dto(dto) for dto in page.items],
            ids=[dto.id for dto in page.items],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            count=count,
        )
