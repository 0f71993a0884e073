"""Mutations of the referrals context. Staff (admin:full): the program, and the decision
on held referrals (both audited). Storefront: a friend claims an advocate's code (signed
in or not; rate-limited), and a customer sends an invite."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.referrals import api as referrals
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, decode_or_refuse, mutation
from loyalnest.graphql.core.permissions import CanManageProgram, IsCustomer, IsStaff
from loyalnest.graphql.referrals.claim_limits import check_claim_allowed
from loyalnest.graphql.referrals.loaders import REFERRAL
from loyalnest.graphql.referrals.permissions import CanClaimReferral
from loyalnest.graphql.referrals.types import (
    Referral,
    ReferralAdvocateRewardKind,
    ReferralCheck,
    ReferralClaim,
    ReferralFriendRewardKind,
    ReferralInviteChannel,
    ReferralProgram,
    wire,
)
from loyalnest.platform.errors import DomainError
from loyalnest.platform.tenancy import Customer


@strawberry.input(description="A milestone bonus.")
class ReferralMilestoneInput:
    count: int = strawberry.field(description="Successful referrals that earn it (1-1000, unique).")
    points: int = strawberry.field(description="The bonus points (1-1,000,000).")


@strawberry.input(description="Switch one fraud check on or off.")
class ReferralCheckInput:
    check: ReferralCheck = strawberry.field(description="The check.")
    enabled: bool = strawberry.field(description="Whether it runs.")


@strawberry.input(
    description="Changes to the referral program: omitted fields keep their value; null clears the "
    "optional ones (friendValue, friendMinOrder, advocateRewardId)."
)
class ReferralProgramInput:
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether customers can refer friends."
    )
    friend_kind: ReferralFriendRewardKind | None = strawberry.field(
        default=strawberry.UNSET, description="What the friend's code gives."
    )
    friend_value: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="FIXED_AMOUNT: the amount off (shop currency, above 0). PERCENTAGE: the percent off "
        "(above 0, at most 100). Null for FREE_SHIPPING.",
    )
    friend_min_order: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="The order subtotal the friend's code needs; null: none."
    )
    friend_code_validity_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="How many days a friend's code works (1-365)."
    )
    advocate_kind: ReferralAdvocateRewardKind | None = strawberry.field(
        default=strawberry.UNSET, description="What the advocate gets."
    )
    advocate_points: int | None = strawberry.field(
        default=strawberry.UNSET, description="POINTS: how many (at least 1)."
    )
    advocate_reward_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="REWARD: the global id of a reward of the shop's catalog; null removes it.",
    )
    min_order_subtotal: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="The friend's order subtotal (shop currency) that counts as a successful referral.",
    )
    confirmation_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days the advocate's reward waits for cancellations and refunds (0-90).",
    )
    claim_validity_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days a claim waits for the friend's order (1-365)."
    )
    monthly_cap: int | None = strawberry.field(
        default=strawberry.UNSET, description="Rewards one advocate can receive per month (at least 1)."
    )
    milestones: list[ReferralMilestoneInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every milestone ([] removes them)."
    )
    tier_multiplier_applies: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether VIP tier multipliers apply to referral points (when the tier settings list "
        "referrals too).",
    )
    velocity_per_week: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Referrals per advocate per 7 days above which new ones are held (at least 1).",
    )
    disposable_domains_blocked: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether friends at disposable-mail domains are rejected."
    )
    disposable_domains_extra: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Domains added to the shipped disposable list (replaces)."
    )
    disposable_domains_allowed: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Domains of the shipped disposable list allowed all the same (replaces).",
    )
    checks: list[ReferralCheckInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Fraud checks to switch on or off; the checks not named keep their switch.",
    )


@strawberry.type(description="The result of updateReferralProgram.")
class ReferralProgramPayload:
    referral_program: ReferralProgram | None = strawberry.field(
        description="The program afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of approveReferral and rejectReferral.")
class ReferralPayload:
    referral: Referral | None = strawberry.field(description="The referral afterwards; null when refused.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of claimReferral.")
class ClaimReferralPayload:
    claim: ReferralClaim | None = strawberry.field(
        description="The friend's own single-use discount code (also sent to the email); null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of sendReferralInvite.")
class SendReferralInvitePayload:
    sent: bool | None = strawberry.field(
        description="Whether the invite was queued for sending; null when refused."
    )
    remaining_today: int | None = strawberry.field(
        description="Invites you can still send today; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _input_path(exc: DomainError) -> Sequence[str]:
    return () if exc.field is None else ("input",)


def _update(data: ReferralProgramInput) -> referrals.ProgramUpdate:
    """UNSET -> KEEP; everything else converted to the context's words (None clears)."""

    def given(value: Any, convert: Any = None) -> Any:
        if value is strawberry.UNSET:
            return referrals.KEEP
        if value is None or convert is None:
            return value
        return convert(value)

    return referrals.ProgramUpdate(
        enabled=given(data.enabled),
        friend_kind=given(data.friend_kind, wire),
        friend_value=given(data.friend_value),
        friend_min_order=given(data.friend_min_order),
        friend_code_validity_days=given(data.friend_code_validity_days),
        advocate_kind=given(data.advocate_kind, wire),
        advocate_points=given(data.advocate_points),
        advocate_reward_id=given(
            data.advocate_reward_id, lambda v: decode_or_refuse(v, "Reward", field="advocateRewardId")
        ),
        min_order_subtotal=given(data.min_order_subtotal),
        confirmation_days=given(data.confirmation_days),
        claim_validity_days=given(data.claim_validity_days),
        monthly_cap=given(data.monthly_cap),
        milestones=given(
            data.milestones,
            lambda ms: tuple(referrals.MilestoneDTO(count=m.count, points=m.points) for m in ms),
        ),
        tier_multiplier_applies=given(data.tier_multiplier_applies),
        velocity_per_week=given(data.velocity_per_week),
        disposable_domains_blocked=given(data.disposable_domains_blocked),
        disposable_domains_extra=given(data.disposable_domains_extra, tuple),
        disposable_domains_allowed=given(data.disposable_domains_allowed, tuple),
        checks=given(data.checks, lambda cs: {wire(c.check): c.enabled for c in cs}),
    )


def _enrolled(principal: Customer) -> int:
    if principal.customer_id is None:
        raise DomainError("this shop has no loyalty account for you yet", code="NOT_ENROLLED")
    return principal.customer_id


@strawberry.type
class ReferralsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change the referral program (admin:full), validated as a whole; audited with what "
        "changed. Codes already issued keep their terms. Refusals: INVALID or NOT_FOUND on the input "
        "field at fault (nothing changed).",
    )
    @mutation(ReferralProgramPayload, error_path=_input_path)
    async def update_referral_program(
        self,
        info: Info,
        write: Write,
        input: Annotated[ReferralProgramInput, strawberry.argument(description="What to change.")],
    ) -> ReferralProgramPayload:
        staff = info.context.staff
        dto = await referrals.update_program(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, update=_update(input)
        )
        return ReferralProgramPayload(referral_program=ReferralProgram.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Approve a referral held for review (admin:full): it is no longer held and is "
        "rewarded once its confirmation period has passed. Audited. Refusals: NOT_FOUND, NOT_HELD.",
    )
    @mutation(ReferralPayload, ids={"id": "Referral"})
    async def approve_referral(self, info: Info, write: Write, id: int) -> ReferralPayload:
        staff = info.context.staff
        dto = await referrals.approve_referral(
            write.uow, merchant_id=staff.merchant_id, referral_id=id, actor=staff.actor
        )
        write.changed(REFERRAL, id)
        return ReferralPayload(referral=Referral.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Reject a referral not yet rewarded, held or not (admin:full): nobody is rewarded for "
        "it. Audited, with the reason. Refusals: NOT_FOUND, NOT_REJECTABLE, INVALID on `reason`.",
    )
    @mutation(ReferralPayload, ids={"id": "Referral"})
    async def reject_referral(
        self,
        info: Info,
        write: Write,
        id: int,
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why, 1-500 characters: kept in the audit trail, not on the referral (it may "
                "name people)."
            ),
        ],
    ) -> ReferralPayload:
        staff = info.context.staff
        dto = await referrals.reject_referral(
            write.uow, merchant_id=staff.merchant_id, referral_id=id, actor=staff.actor, reason=reason
        )
        write.changed(REFERRAL, id)
        return ReferralPayload(referral=Referral.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanClaimReferral],
        description="Storefront (/proxy/graphql), signed in or not: claim a friend's referral code with "
        "your email and get your own single-use discount code, returned here and sent to the email. "
        "Refusals (userErrors): UNKNOWN_CODE or PROGRAM_DISABLED on `code`; OWN_CODE (your own code, or "
        "its advocate's email); INVALID, DISPOSABLE_EMAIL, ALREADY_CUSTOMER (the offer is for new "
        "customers) or ALREADY_CLAIMED (this email claimed this code before) on `email`; RATE_LIMITED "
        "(too many attempts from this browser, or for this email: the message says when to retry).",
    )
    @mutation(ClaimReferralPayload)
    async def claim_referral(
        self,
        info: Info,
        write: Write,
        code: Annotated[str, strawberry.argument(description="The advocate's referral code (any case).")],
        email: Annotated[str, strawberry.argument(description="The friend's email address.")],
    ) -> ClaimReferralPayload:
        principal = info.context.principal
        customer_id = None
        if isinstance(principal, Customer):
            merchant_id = principal.merchant_id
            customer_id = principal.customer_id  # an advocate claiming their own code is refused
            # a signed-in customer is a better identity than an address
            visitor = f"customer:{principal.shopify_customer_id}"
        else:
            anonymous = info.context.visitor
            assert anonymous is not None  # CanClaimReferral let only these two through
            merchant_id = anonymous.merchant_id
            visitor = anonymous.visitor_key
        await check_claim_allowed(merchant_id, visitor=visitor, email=email)
        result = await referrals.claim_referral(
            write.uow,
            merchant_id=merchant_id,
            code=code,
            email=email,
            visitor=visitor,
            customer_id=customer_id,
        )
        return ClaimReferralPayload(claim=ReferralClaim.from_result(result), user_errors=[])

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Storefront: send your referral link to a friend by email or text message (at most "
        "20 a day). Refusals (userErrors): INVALID on `to` (not an address or a number), ALREADY_CUSTOMER "
        "on `to` (someone who already is a customer of the shop), INVITE_LIMIT_REACHED, PROGRAM_DISABLED, "
        "NOT_ENROLLED (the shop has not told us about you yet).",
    )
    @mutation(SendReferralInvitePayload)
    async def send_referral_invite(
        self,
        info: Info,
        write: Write,
        channel: Annotated[ReferralInviteChannel, strawberry.argument(description="Email or text message.")],
        to: Annotated[str, strawberry.argument(description="The friend's email address or phone number.")],
    ) -> SendReferralInvitePayload:
        principal = info.context.customer
        result = await referrals.send_invite(
            write.uow,
            merchant_id=principal.merchant_id,
            customer_id=_enrolled(principal),
            channel=wire(channel),
            to=to,
        )
        return SendReferralInvitePayload(
            sent=result.sent, remaining_today=result.remaining_today, user_errors=[]
        )


MUTATIONS = (ReferralsMutation,)
