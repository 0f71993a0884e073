"""Mutations of the earning context: the rules and the review-webhook secret (admin:full),
custom awards (admin:points), birthdays (staff who serve customers, and the storefront
customer for themself)."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.merchants import api as merchants
from loyalnest.graphql.customers.types import Customer
from loyalnest.graphql.earning.types import EarningRule, EarningTrigger, ReviewWebhook
from loyalnest.graphql.errors import UserError
from loyalnest.graphql.ids import decode_id
from loyalnest.graphql.merchants.types import PointsRounding
from loyalnest.graphql.permissions import (
    CanAdjustPoints,
    CanManageProgram,
    CanSeeCustomerPii,
    IsCustomer,
    IsStaff,
)
from loyalnest.graphql.points.mutations import MAX_IDEMPOTENCY_KEY_LENGTH
from loyalnest.graphql.points.types import PointsTransaction
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.uow import unit_of_work

# "123" or "gid://shopify/Product/123"
_PRODUCT_ID = re.compile(r"(?:gid://shopify/Product/)?([0-9]{1,19})")


def _user_error(exc: DomainError, *path: str) -> UserError:
    field = [*path, exc.field] if exc.field else (list(path) or None)
    return UserError(field=field, message=exc.message, code=exc.code)


@strawberry.input(description="Purchase options; omitted fields keep their value.")
class PurchaseEarningInput:
    points_per_currency_unit: Decimal | None = None
    rounding: PointsRounding | None = None
    earn_on_shipping: bool | None = None
    earn_on_tax: bool | None = None
    min_order_amount: Decimal | None = strawberry.field(default=None, description="0 removes the minimum.")
    excluded_product_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the list (empty: no product excluded)."
    )


@strawberry.input(description="Changes to a way to earn; omitted fields keep their value.")
class EarningRuleInput:
    enabled: bool | None = None
    points: int | None = strawberry.field(default=None, description="1 to 1,000,000; not for PURCHASE.")
    purchase: PurchaseEarningInput | None = strawberry.field(default=None, description="Only for PURCHASE.")


def _purchase_update(purchase: PurchaseEarningInput) -> merchants.ProgramSettingsUpdate:
    products: tuple[int, ...] | None = None
    if purchase.excluded_product_ids is not None:
        parsed = []
        for raw in purchase.excluded_product_ids:
            match = _PRODUCT_ID.fullmatch(str(raw).strip())
            if match is None:
                raise DomainError(f"not a Shopify product id: {str(raw)[:40]!r}", field="excludedProductIds")
            parsed.append(int(match.group(1)))
        products = tuple(parsed)
    return merchants.ProgramSettingsUpdate(
        points_per_currency_unit=purchase.points_per_currency_unit,
        rounding=purchase.rounding.value if purchase.rounding is not None else None,
        earn_on_shipping=purchase.earn_on_shipping,
        earn_on_tax=purchase.earn_on_tax,
        min_order_amount=purchase.min_order_amount,
        excluded_product_ids=products,
    )


@strawberry.type
class UpdateEarningRulePayload:
    earning_rule: EarningRule | None
    user_errors: list[UserError]


@strawberry.type
class ReviewWebhookPayload:
    review_webhook: ReviewWebhook | None
    user_errors: list[UserError]


@strawberry.type
class AwardPointsPayload:
    transaction: PointsTransaction | None
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class SetCustomerBirthdayPayload:
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class SetMyBirthdayPayload:
    birthday: date | None
    user_errors: list[UserError]


@strawberry.type
class EarningMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Switch a way to earn on or off, or change its points. For PURCHASE, "
        "`purchase` changes the shop's purchase settings. Audited.",
    )
    async def update_earning_rule(
        self, info: Info, trigger: EarningTrigger, input: EarningRuleInput
    ) -> UpdateEarningRulePayload:
        staff = info.context.staff
        try:
            purchase = None if input.purchase is None else _purchase_update(input.purchase)
        except DomainError as exc:
            return UpdateEarningRulePayload(
                earning_rule=None, user_errors=[_user_error(exc, "input", "purchase")]
            )
        update = earning.EarningRuleUpdate(enabled=input.enabled, points=input.points, purchase=purchase)
        try:
            async with unit_of_work() as uow:
                rule = await earning.update_rule(
                    uow,
                    merchant_id=staff.merchant_id,
                    actor=staff.actor,
                    trigger=str(trigger.value),
                    update=update,
                )
        except DomainError as exc:
            # the merchants context names its own fields; they sit under input.purchase here
            path = ("input",) if exc.field in ("points", "enabled", "purchase") else ("input", "purchase")
            return UpdateEarningRulePayload(earning_rule=None, user_errors=[_user_error(exc, *path)])
        return UpdateEarningRulePayload(earning_rule=EarningRule.from_dto(rule), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="A new review-webhook secret; the old one stops working at once, so paste "
        "the new one into the review app right away. Audited.",
    )
    async def rotate_review_webhook_secret(self, info: Info) -> ReviewWebhookPayload:
        staff = info.context.staff
        async with unit_of_work() as uow:
            dto = await earning.rotate_review_webhook_secret(
                uow, merchant_id=staff.merchant_id, actor=staff.actor
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
    async def award_points(
        self,
        info: Info,
        customer_id: strawberry.ID,
        reason: str,
        idempotency_key: str,
        points: int | None = None,
    ) -> AwardPointsPayload:
        staff = info.context.staff

        def failed(error: DomainError) -> AwardPointsPayload:
            return AwardPointsPayload(transaction=None, customer=None, user_errors=[_user_error(error)])

        local_id = decode_id(customer_id, "Customer")
        # tenancy: a customer of another shop is simply not found
        dto = None if local_id is None else await customers.get_customer(staff.merchant_id, local_id)
        if dto is None:
            return failed(NotFound("customer not found", field="customerId"))
        if not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
            return failed(
                DomainError(
                    f"idempotencyKey must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters",
                    field="idempotencyKey",
                )
            )
        if "\x00" in idempotency_key:
            return failed(
                DomainError("idempotencyKey must not contain NUL characters", field="idempotencyKey")
            )
        try:
            async with unit_of_work() as uow:
                result = await earning.award_custom(
                    uow,
                    merchant_id=staff.merchant_id,
                    customer_id=dto.id,
                    points_given=points,
                    reason=reason,
                    actor=staff.actor,
                    # keys are namespaced by staff user so two people cannot collide by accident
                    idempotency_key=f"{staff.user_id}:{idempotency_key}",
                )
        except DomainError as exc:
            return failed(exc)
        info.context.loaders.forget_points(dto.id)
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
    async def set_customer_birthday(
        self, info: Info, customer_id: strawberry.ID, birthday: date | None
    ) -> SetCustomerBirthdayPayload:
        staff = info.context.staff
        local_id = decode_id(customer_id, "Customer")
        try:
            if local_id is None:
                raise NotFound("customer not found", field="customerId")
            async with unit_of_work() as uow:
                dto = await customers.set_birthday(
                    uow,
                    merchant_id=staff.merchant_id,
                    customer_id=local_id,
                    birthday=birthday,
                    actor=staff.actor,
                )
        except DomainError as exc:
            return SetCustomerBirthdayPayload(customer=None, user_errors=[_user_error(exc)])
        with contextlib.suppress(KeyError):  # later fields of this request read the new date
            info.context.loaders.customer.clear(dto.id)
        return SetCustomerBirthdayPayload(customer=Customer.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Set your birthday, for your birthday points (storefront). It must not be in "
        "the future and give an age of 13 to 120; one set less than 30 days before it falls earns "
        "the next year.",
    )
    async def set_my_birthday(self, info: Info, birthday: date) -> SetMyBirthdayPayload:
        principal = info.context.customer
        try:
            if principal.customer_id is None:
                raise DomainError(
                    "the shop has not told us about you yet; try again after your account is set up",
                    code="NOT_ENROLLED",
                )
            async with unit_of_work() as uow:
                dto = await customers.set_birthday(
                    uow,
                    merchant_id=principal.merchant_id,
                    customer_id=principal.customer_id,
                    birthday=birthday,
                    actor=f"customer:{principal.shopify_customer_id}",
                )
        except DomainError as exc:
            return SetMyBirthdayPayload(birthday=None, user_errors=[_user_error(exc)])
        with contextlib.suppress(KeyError):
            info.context.loaders.customer.clear(dto.id)
        return SetMyBirthdayPayload(birthday=dto.birthday, user_errors=[])
