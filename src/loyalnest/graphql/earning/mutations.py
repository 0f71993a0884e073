"""Mutations of the earning context: the rules and the review-webhook secret (admin:full),
custom awards (admin:points), birthdays (staff who serve customers, and the storefront
customer for themself)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points.api import validate_client_key  # the ledger's rule for client keys
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import (
    CanAdjustPoints,
    CanManageProgram,
    CanSeeCustomerPii,
    IsCustomer,
    IsStaff,
)
from loyalnest.graphql.customers.lookup import customer_of_shop
from loyalnest.graphql.customers.types import Customer
from loyalnest.graphql.earning.types import EarningRule, EarningTrigger, ReviewWebhook
from loyalnest.graphql.merchants.types import (
    EARN_ON_SHIPPING,
    EARN_ON_TAX,
    ROUNDING,
    OrderEarningStage,
    PointsRounding,
)
from loyalnest.graphql.points.mutations import IDEMPOTENCY_KEY
from loyalnest.graphql.points.types import PointsTransaction
from loyalnest.platform.errors import DomainError

# "123" or "gid://shopify/Product/123"


def _rule_error_path(exc: DomainError) -> tuple[str, ...]:
    """Where a refusal of updateEarningRule points: the rule's own fields sit under
    ``input``; the merchants context names its purchase fields, which sit under
    ``input.purchase``."""
    return ("input",) if exc.field in ("points", "enabled", "purchase") else ("input", "purchase")


@strawberry.input(description="Purchase options; omitted fields keep their value.")
class PurchaseEarningInput:
    points_per_currency_unit: Decimal | None = strawberry.field(
        default=None,
        description="Points per 1 unit of the shop's currency, on the subtotal after discounts "
        "(0 to 10,000, at most 4 decimal places).",
    )
    rounding: PointsRounding | None = strawberry.field(default=None, description=ROUNDING)
    earn_on_shipping: bool | None = strawberry.field(default=None, description=EARN_ON_SHIPPING)
    earn_on_tax: bool | None = strawberry.field(default=None, description=EARN_ON_TAX)
    min_order_amount: Decimal | None = strawberry.field(default=None, description="0 removes the minimum.")
    excluded_product_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the list (empty: no product excluded)."
    )
    test_orders_earn: bool | None = strawberry.field(
        default=None, description="Let test orders (Shopify's test mode) earn points."
    )
    earn_on: OrderEarningStage | None = strawberry.field(
        default=None, description="When orders earn: placed, paid or fulfilled."
    )


@strawberry.input(description="Changes to a way to earn; omitted fields keep their value.")
class EarningRuleInput:
    enabled: bool | None = strawberry.field(default=None, description="Switch the way to earn on or off.")
    points: int | None = strawberry.field(default=None, description="1 to 1,000,000; not for PURCHASE.")
    purchase: PurchaseEarningInput | None = strawberry.field(default=None, description="Only for PURCHASE.")


def _purchase_update(purchase: PurchaseEarningInput) -> earning.ProgramSettingsUpdate:
    products = None
    if purchase.excluded_product_ids is not None:
        products = earning.parse_product_ids(purchase.excluded_product_ids)
    return earning.ProgramSettingsUpdate(
        points_per_currency_unit=purchase.points_per_currency_unit,
        rounding=str(purchase.rounding.value) if purchase.rounding is not None else None,
        earn_on_shipping=purchase.earn_on_shipping,
        earn_on_tax=purchase.earn_on_tax,
        min_order_amount=purchase.min_order_amount,
        excluded_product_ids=products,
        test_orders_earn=purchase.test_orders_earn,
        earn_on=None if purchase.earn_on is None else str(purchase.earn_on.value),
    )


@strawberry.type(description="The result of updateEarningRule.")
class UpdateEarningRulePayload:
    earning_rule: EarningRule | None = strawberry.field(description="The rule afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of rotateReviewWebhookSecret.")
class ReviewWebhookPayload:
    review_webhook: ReviewWebhook | None = strawberry.field(
        description="The endpoints and the new secret; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of awardPoints.")
class AwardPointsPayload:
    transaction: PointsTransaction | None = strawberry.field(
        description="The ledger row of the award; null when refused."
    )
    customer: Customer | None = strawberry.field(description="The customer, with the new balance.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of setCustomerBirthday.")
class SetCustomerBirthdayPayload:
    customer: Customer | None = strawberry.field(description="The customer afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of setMyBirthday.")
class SetMyBirthdayPayload:
    birthday: date | None = strawberry.field(description="Your birthday afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class EarningMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Switch a way to earn on or off, or change its points. For PURCHASE, "
        "`purchase` changes the shop's purchase settings. Audited.",
    )
    @mutation(UpdateEarningRulePayload, error_path=_rule_error_path)
    async def update_earning_rule(
        self,
        info: Info,
        write: Write,
        trigger: Annotated[EarningTrigger, strawberry.argument(description="The way to earn to change.")],
        input: Annotated[EarningRuleInput, strawberry.argument(description="What to change.")],
    ) -> UpdateEarningRulePayload:
        staff = info.context.staff
        purchase = None if input.purchase is None else _purchase_update(input.purchase)
        rule = await earning.update_rule(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            trigger=str(trigger.value),
            update=earning.EarningRuleUpdate(enabled=input.enabled, points=input.points, purchase=purchase),
        )
        return UpdateEarningRulePayload(earning_rule=EarningRule.from_dto(rule), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="A new review-webhook secret; the old one stops working at once, so paste "
        "the new one into the review app right away. For a shop installed before secrets were made "
        "at install (reviewWebhook is null), this makes its first one. Audited.",
    )
    @mutation(ReviewWebhookPayload)
    async def rotate_review_webhook_secret(self, info: Info, write: Write) -> ReviewWebhookPayload:
        staff = info.context.staff
        dto = await earning.rotate_review_webhook_secret(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor
        )
        return ReviewWebhookPayload(
            review_webhook=ReviewWebhook.from_dto(dto, staff.shop_domain), user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=[IsStaff, CanAdjustPoints],
        description="Award points for a custom action (the CUSTOM rule must be on). `points` "
        "omitted gives the rule's amount. Send the same idempotencyKey again to retry safely; "
        "reusing it for a different award is refused (IDEMPOTENCY_KEY_REUSED). Audited.",
    )
    @mutation(AwardPointsPayload, ids={"customer_id": "Customer"})
    async def award_points(
        self,
        info: Info,
        write: Write,
        customer_id: int,
        reason: Annotated[str, strawberry.argument(description="Why, shown in the customer's history.")],
        idempotency_key: Annotated[str, IDEMPOTENCY_KEY],
        points: Annotated[
            int | None,
            strawberry.argument(description="1 to 1,000,000; omitted: the CUSTOM rule's amount."),
        ] = None,
    ) -> AwardPointsPayload:
        staff = info.context.staff
        dto = await customer_of_shop(staff.merchant_id, customer_id)
        validate_client_key(idempotency_key)
        result = await earning.award_custom(
            write.uow,
            merchant_id=staff.merchant_id,
            customer_id=dto.id,
            points_given=points,
            reason=reason,
            actor=staff.actor,
            # keys are namespaced by staff user so two people cannot collide by accident
            idempotency_key=f"{staff.user_id}:{idempotency_key}",
        )
        write.changed_customer(dto.id)
        return AwardPointsPayload(
            transaction=PointsTransaction.from_dto(result.entry),
            customer=Customer.from_dto(dto),
            user_errors=[],
        )

    @strawberry.mutation(
        permission_classes=[IsStaff, CanSeeCustomerPii],
        description="Set a customer's birthday (null clears it). It must not be in the future and "
        "give an age of 13 to 120. A birthday set less than 30 days before it falls earns its "
        "points the next year. Audited (without the date).",
    )
    @mutation(SetCustomerBirthdayPayload, ids={"customer_id": "Customer"})
    async def set_customer_birthday(
        self,
        info: Info,
        write: Write,
        customer_id: int,
        birthday: Annotated[date | None, strawberry.argument(description="The birthday; null clears it.")],
    ) -> SetCustomerBirthdayPayload:
        staff = info.context.staff
        dto = await customers.set_birthday(
            write.uow,
            merchant_id=staff.merchant_id,
            customer_id=customer_id,
            birthday=birthday,
            actor=staff.actor,
        )
        write.changed_customer(dto.id)  # later fields of this request read the new date
        return SetCustomerBirthdayPayload(customer=Customer.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Set your birthday, for your birthday points (storefront). It must not be in "
        "the future and give an age of 13 to 120; one set less than 30 days before it falls earns "
        "the next year.",
    )
    @mutation(SetMyBirthdayPayload)
    async def set_my_birthday(
        self,
        info: Info,
        write: Write,
        birthday: Annotated[date, strawberry.argument(description="Your birthday.")],
    ) -> SetMyBirthdayPayload:
        principal = info.context.customer
        if principal.customer_id is None:
            raise DomainError(
                "the shop has not told us about you yet; try again after your account is set up",
                code="NOT_ENROLLED",
            )
        dto = await customers.set_birthday(
            write.uow,
            merchant_id=principal.merchant_id,
            customer_id=principal.customer_id,
            birthday=birthday,
            actor=f"customer:{principal.shopify_customer_id}",
        )
        write.changed_customer(dto.id)
        return SetMyBirthdayPayload(birthday=dto.birthday, user_errors=[])


MUTATIONS = (EarningMutation,)
