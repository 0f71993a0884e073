"""Mutations of the rewards context: the catalog (staff) and redemption (staff for a
customer, or the storefront customer for themself)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, decode_or_refuse, mutation, user_error
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.customers.lookup import customer_of_shop
from loyalnest.graphql.rewards.loaders import REWARD
from loyalnest.graphql.rewards.permissions import CanRedeem
from loyalnest.graphql.rewards.types import Redemption, Reward, RewardKind
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.tenancy import Customer, Staff

# what a reward's terms mean, for both inputs (RewardTerms says the same when read)
KIND = "What the reward gives."
POINTS_COST = "Points a redemption spends (at least 1)."
DEFAULT_LOCALE = "The locale whose title is used when no other fits; `titles` must have it."
VALUE = (
    "FIXED_AMOUNT: the amount off, in the shop's currency. PERCENTAGE: the percent off (1-100). "
    "Otherwise leave it out."
)
VARIANT = "FREE_PRODUCT: the Shopify product variant (gid://shopify/ProductVariant/...)."
MINIMUM = "The order subtotal (shop currency) the code needs; null: none."
USAGE_LIMIT = "How many times one customer may redeem it; null: no limit."
STARTS_AT = "Redeemable from this moment on; null: at once."
ENDS_AT = "Redeemable until this moment; null: no end."
CODE_VALIDITY_DAYS = "How many days an issued discount code works."


@strawberry.input(description="A reward's title in one locale.")
class RewardTitleInput:
    locale: str = strawberry.field(description="A BCP 47 tag: en, en-US, pt-BR, zh-Hant-TW...")
    title: str = strawberry.field(description="The title in that locale.")


@strawberry.input(description="A new reward. See RewardTerms for what each field means.")
class RewardInput:
    kind: RewardKind = strawberry.field(description=KIND)
    points_cost: int = strawberry.field(description=POINTS_COST)
    titles: list[RewardTitleInput] = strawberry.field(description="At least the default locale's.")
    default_locale: str = strawberry.field(description=DEFAULT_LOCALE)
    value: Decimal | None = strawberry.field(default=None, description=VALUE)
    product_variant_id: strawberry.ID | None = strawberry.field(default=None, description=VARIANT)
    minimum_order_amount: Decimal | None = strawberry.field(default=None, description=MINIMUM)
    usage_limit_per_customer: int | None = strawberry.field(default=None, description=USAGE_LIMIT)
    starts_at: datetime | None = strawberry.field(default=None, description=STARTS_AT)
    ends_at: datetime | None = strawberry.field(default=None, description=ENDS_AT)
    code_validity_days: int = strawberry.field(
        default=rewards.DEFAULT_CODE_VALIDITY_DAYS, description=CODE_VALIDITY_DAYS
    )


@strawberry.input(
    description="Changes to a reward: omitted fields keep their value, null clears an optional "
    "one, `titles` replaces every title. Redemptions already made keep the terms they had."
)
class RewardUpdateInput:
    kind: RewardKind | None = strawberry.field(default=strawberry.UNSET, description=KIND)
    points_cost: int | None = strawberry.field(default=strawberry.UNSET, description=POINTS_COST)
    titles: list[RewardTitleInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every title; at least the default locale's."
    )
    default_locale: str | None = strawberry.field(default=strawberry.UNSET, description=DEFAULT_LOCALE)
    value: Decimal | None = strawberry.field(default=strawberry.UNSET, description=VALUE)
    product_variant_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=VARIANT)
    minimum_order_amount: Decimal | None = strawberry.field(default=strawberry.UNSET, description=MINIMUM)
    usage_limit_per_customer: int | None = strawberry.field(default=strawberry.UNSET, description=USAGE_LIMIT)
    starts_at: datetime | None = strawberry.field(default=strawberry.UNSET, description=STARTS_AT)
    ends_at: datetime | None = strawberry.field(default=strawberry.UNSET, description=ENDS_AT)
    code_validity_days: int | None = strawberry.field(
        default=strawberry.UNSET, description=CODE_VALIDITY_DAYS
    )


@strawberry.type(description="The result of createReward, updateReward and archiveReward.")
class RewardPayload:
    reward: Reward | None = strawberry.field(description="The reward afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of redeemReward.")
class RedeemRewardPayload:
    redemption: Redemption | None = strawberry.field(
        description="Null when refused before anything changed; a FAILED redemption (points "
        "returned) when Shopify refused the code."
    )
    points_balance: int | None = strawberry.field(description="The customer's balance afterwards.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _titles(items: list[RewardTitleInput]) -> list[tuple[str, str]]:
    return [(item.locale, item.title) for item in items]


def _update(data: RewardUpdateInput) -> rewards.RewardUpdate:
    """UNSET -> KEEP; everything else as given (None clears, where allowed)."""

    def given(value: Any, convert: Any = None) -> Any:
        if value is strawberry.UNSET:
            return rewards.KEEP
        if value is None or convert is None:
            return value
        return convert(value)

    return rewards.RewardUpdate(
        kind=given(data.kind, lambda k: str(k.value)),
        points_cost=given(data.points_cost),
        titles=given(data.titles, _titles),
        default_locale=given(data.default_locale),
        value=given(data.value),
        variant_gid=given(data.product_variant_id, str),
        minimum_order_amount=given(data.minimum_order_amount),
        usage_limit_per_customer=given(data.usage_limit_per_customer),
        starts_at=given(data.starts_at),
        ends_at=given(data.ends_at),
        code_validity_days=given(data.code_validity_days),
    )


@strawberry.type
class RewardsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram], description="Add a reward to the shop's catalog."
    )
    @mutation(RewardPayload)
    async def create_reward(
        self,
        info: Info,
        write: Write,
        input: Annotated[RewardInput, strawberry.argument(description="The reward.")],
    ) -> RewardPayload:
        staff = info.context.staff
        data = rewards.RewardInput(
            kind=str(input.kind.value),
            points_cost=input.points_cost,
            titles=_titles(input.titles),
            default_locale=input.default_locale,
            value=input.value,
            variant_gid=str(input.product_variant_id) if input.product_variant_id is not None else None,
            minimum_order_amount=input.minimum_order_amount,
            usage_limit_per_customer=input.usage_limit_per_customer,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            code_validity_days=input.code_validity_days,
        )
        dto = await rewards.create_reward(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, data=data
        )
        return RewardPayload(reward=Reward.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change a reward's terms. Archived rewards cannot be changed (REWARD_ARCHIVED).",
    )
    @mutation(RewardPayload, ids={"id": "Reward"})
    async def update_reward(
        self,
        info: Info,
        write: Write,
        id: int,
        input: Annotated[RewardUpdateInput, strawberry.argument(description="What to change.")],
    ) -> RewardPayload:
        staff = info.context.staff
        dto = await rewards.update_reward(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, reward_id=id, update=_update(input)
        )
        write.changed(REWARD, id)
        return RewardPayload(reward=Reward.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Take a reward out of the catalog: no longer redeemable, still readable in "
        "history. Archiving it again changes nothing.",
    )
    @mutation(RewardPayload, ids={"id": "Reward"})
    async def archive_reward(self, info: Info, write: Write, id: int) -> RewardPayload:
        staff = info.context.staff
        dto = await rewards.archive_reward(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, reward_id=id
        )
        write.changed(REWARD, id)
        return RewardPayload(reward=Reward.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanRedeem],
        description="Spend a reward's points for a single-use Shopify discount code, returned in "
        "`redemption.code`. One mutation for both callers of this schema: staff (a session token "
        "with admin:full, admin:points or admin:support, on /graphql) redeem on a customer's behalf "
        "and must pass `customerId`; a storefront customer (the app proxy, /proxy/graphql) redeems "
        "for themself and must leave `customerId` out (passing it is refused with FORBIDDEN). "
        "Refusals (userErrors): NOT_FOUND, REWARD_UNAVAILABLE, INSUFFICIENT_POINTS, "
        "USAGE_LIMIT_REACHED, and DISCOUNT_CODE_FAILED when Shopify refused the code (the points "
        "are returned at once). A PENDING redemption means Shopify's answer is not known yet; it is "
        "settled within minutes, and its points come back if no code was made.",
    )
    # no unit of work here: redemption is a flow (reserve, ask Shopify, settle) that opens
    # its own; the ids are decoded in the body, whose refusals come in this order
    @mutation(RedeemRewardPayload, unit_of_work=False)
    async def redeem_reward(
        self,
        info: Info,
        write: Write,
        reward_id: Annotated[strawberry.ID, strawberry.argument(description="The reward's global id.")],
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Staff: the customer's global id (required). Storefront: leave it out."
            ),
        ] = None,
    ) -> RedeemRewardPayload:
        principal = info.context.principal
        merchant_id = info.context.merchant_id
        if isinstance(principal, Customer):
            if customer_id is not None:
                raise DomainError(
                    "a storefront customer redeems for themself: leave customerId out",
                    field="customerId",
                    code="FORBIDDEN",
                )
            if principal.customer_id is None:
                raise NotFound("this shop has no loyalty account for you yet")
            local_customer = principal.customer_id
            shopify_customer = principal.shopify_customer_id
            actor = f"customer:{local_customer}"
        else:
            assert isinstance(principal, Staff)
            if customer_id is None:
                raise DomainError(
                    "staff must name the customer (customerId)", field="customerId", code="INVALID"
                )
            dto = await customer_of_shop(
                merchant_id, decode_or_refuse(customer_id, "Customer", field="customerId")
            )
            local_customer = dto.id
            shopify_customer = dto.shopify_customer_id
            actor = principal.actor
        outcome = await rewards.redeem_reward(
            merchant_id=merchant_id,
            customer_id=local_customer,
            reward_id=decode_or_refuse(reward_id, "Reward", field="rewardId"),
            actor=actor,
            shopify_customer_id=shopify_customer,
        )
        write.changed_customer(local_customer)
        return RedeemRewardPayload(
            redemption=Redemption.from_dto(outcome.redemption),
            points_balance=outcome.points_balance,
            user_errors=[user_error(outcome.error)] if outcome.error is not None else [],
        )


MUTATIONS = (RewardsMutation,)
