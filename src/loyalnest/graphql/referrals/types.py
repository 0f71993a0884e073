"""GraphQL types of the referrals context, built from its DTOs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.referrals import api as referrals
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.graphql.rewards.types import Reward

if TYPE_CHECKING:
    from loyalnest.graphql.customers.types import Customer

CENTS = Decimal("0.01")
# the composed Customer type, resolved once the schema is built (it holds our fields too)
LazyCustomer = Annotated["Customer", strawberry.lazy("loyalnest.graphql.customers.types")]


def _display(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENTS)


def wire(member: Enum) -> str:
    """An enum member's value as the context spells it ("fixed_amount", "pending")."""
    return str(member.value)


@strawberry.enum(description="Where a referral stands.")
class ReferralStatus(Enum):
    CLAIMED = strawberry.enum_value(
        "claimed", description="A friend claimed the advocate's code with an email; no order yet."
    )
    PENDING = strawberry.enum_value(
        "pending",
        description="The friend's first qualifying order is attributed; the advocate's reward waits "
        "for the confirmation period (confirmAt).",
    )
    COMPLETED = strawberry.enum_value(
        "completed",
        description="The confirmation period passed without a cancellation or full refund; the reward "
        "is about to be posted (or waits for staff when held, or for next month under the cap).",
    )
    REWARDED = strawberry.enum_value("rewarded", description="The advocate's reward was posted.")
    EXPIRED = strawberry.enum_value(
        "expired", description="The claim saw no order within the program's claim validity."
    )
    REJECTED = strawberry.enum_value(
        "rejected", description="A fraud check or staff rejected it (see reasons); nobody is rewarded."
    )
    CANCELLED = strawberry.enum_value(
        "cancelled",
        description="The friend's order was cancelled or fully refunded during the confirmation period.",
    )


@strawberry.enum(description="How a friend's order was tied to the advocate.")
class ReferralSource(Enum):
    CLAIM = strawberry.enum_value(
        "claim",
        description="The friend claimed the code with an email and has not ordered yet (once they "
        "do, the source says how the order came: FRIEND_CODE, or a link).",
    )
    LINK_DISCOUNT = strawberry.enum_value(
        "link_discount", description="The order used the advocate's link discount (REF-<code>)."
    )
    FRIEND_CODE = strawberry.enum_value(
        "friend_code", description="The order used the friend's own single-use code (FRIEND-...)."
    )
    CART_ATTRIBUTE = strawberry.enum_value(
        "cart_attribute", description="The order carried the code in its loyalnest_ref cart attribute."
    )
    LANDING_URL = strawberry.enum_value(
        "landing_url", description="The friend landed on the shop with ref=<code> in the URL."
    )


@strawberry.enum(description="A fraud check of the referral program; each can be switched off.")
class ReferralCheck(Enum):
    SELF_REFERRAL_CUSTOMER = strawberry.enum_value(
        "self_referral_customer", description="The friend is the advocate: rejected."
    )
    SELF_REFERRAL_EMAIL = strawberry.enum_value(
        "self_referral_email",
        description="The friend's email is the advocate's (case, Gmail dots and +tags ignored): rejected.",
    )
    SELF_REFERRAL_PHONE = strawberry.enum_value(
        "self_referral_phone", description="The friend's phone is the advocate's: rejected."
    )
    SELF_REFERRAL_ADDRESS = strawberry.enum_value(
        "self_referral_address",
        description="The friend ships to the advocate's default address: held for review (it can be a "
        "household).",
    )
    PAYMENT_FINGERPRINT = strawberry.enum_value(
        "payment_fingerprint",
        description="The friend paid with a card the advocate used (when Shopify sends one): rejected.",
    )
    NOT_NEW = strawberry.enum_value(
        "not_new",
        description="The friend had an earlier order, or an account older than the claim: rejected.",
    )
    VELOCITY = strawberry.enum_value(
        "velocity",
        description="The advocate has more referrals this week than the program allows: held for review.",
    )
    DISPOSABLE_EMAIL = strawberry.enum_value(
        "disposable_email", description="The friend's email is at a disposable-mail domain: rejected."
    )
    SHARED_IP = strawberry.enum_value(
        "shared_ip",
        description="The friend shares a (hashed) network address with the advocate: a signal only, "
        "never a verdict (flatmates share a connection).",
    )
    HOUSEHOLD_ADDRESS = strawberry.enum_value(
        "household_address",
        description="The friend ships to the address of another of the advocate's referrals: a signal only.",
    )


@strawberry.enum(description="What a fraud check concluded.")
class ReferralVerdict(Enum):
    REJECT = strawberry.enum_value("reject", description="The referral was rejected.")
    REVIEW = strawberry.enum_value(
        "review", description="The referral is held until staff approve or reject it."
    )
    SIGNAL = strawberry.enum_value(
        "signal", description="Recorded for staff to see; it changed nothing on its own."
    )


@strawberry.enum(description="What the friend gets: a single-use Shopify discount code.")
class ReferralFriendRewardKind(Enum):
    FIXED_AMOUNT = strawberry.enum_value(
        "fixed_amount", description="An amount off the order (`friendValue`, shop currency)."
    )
    PERCENTAGE = strawberry.enum_value(
        "percentage", description="A percentage off the order (`friendValue`, 1-100)."
    )
    FREE_SHIPPING = strawberry.enum_value("free_shipping", description="Free shipping on the order.")


@strawberry.enum(description="What the advocate gets for a successful referral.")
class ReferralAdvocateRewardKind(Enum):
    POINTS = strawberry.enum_value("points", description="Points (`advocatePoints`) in their balance.")
    REWARD = strawberry.enum_value(
        "reward", description="A reward of the catalog (`advocateRewardId`), issued as a discount code."
    )


@strawberry.enum(description="How an advocate's invite is sent.")
class ReferralInviteChannel(Enum):
    EMAIL = strawberry.enum_value("email", description="An email to the address given.")
    SMS = strawberry.enum_value("sms", description="A text message to the phone number given.")


@strawberry.type(description="A bonus for the advocate's n-th successful referral.")
class ReferralMilestone:
    count: int = strawberry.field(description="Successful (rewarded) referrals that earn it.")
    points: int = strawberry.field(description="The bonus points.")

    @classmethod
    def from_dto(cls, dto: referrals.MilestoneDTO) -> ReferralMilestone:
        return cls(count=dto.count, points=dto.points)


@strawberry.type(description="Whether one fraud check runs.")
class ReferralCheckSetting:
    check: ReferralCheck = strawberry.field(description="The check.")
    enabled: bool = strawberry.field(description="Whether it runs.")


@strawberry.type(description="A shop's referral program: the two rewards, the rules, the fraud checks.")
class ReferralProgram:
    enabled: bool = strawberry.field(description="Whether customers can refer friends.")
    friend_kind: ReferralFriendRewardKind = strawberry.field(description="What the friend's code gives.")
    friend_value: Decimal | None = strawberry.field(
        description="FIXED_AMOUNT: the amount off (shop currency). PERCENTAGE: the percent off. Null for "
        "FREE_SHIPPING."
    )
    friend_min_order: Decimal | None = strawberry.field(
        description="The order subtotal (shop currency) the friend's code needs; null: none."
    )
    friend_code_validity_days: int = strawberry.field(
        description="How many days a friend's code works after it is issued."
    )
    advocate_kind: ReferralAdvocateRewardKind = strawberry.field(description="What the advocate gets.")
    advocate_points: int = strawberry.field(description="POINTS: how many.")
    advocate_reward_id: strawberry.ID | None = strawberry.field(
        description="REWARD: the catalog reward's global id; null: none."
    )
    min_order_subtotal: Decimal = strawberry.field(
        description="The friend's order subtotal (shop currency) that counts as a successful referral."
    )
    confirmation_days: int = strawberry.field(
        description="Days the advocate's reward waits (pending) after the friend's order, so a "
        "cancellation or full refund in that time cancels it."
    )
    claim_validity_days: int = strawberry.field(
        description="Days a claim waits for the friend's order before it expires."
    )
    monthly_cap: int = strawberry.field(
        description="Rewards one advocate can receive per calendar month; the rest wait for next month."
    )
    milestones: list[ReferralMilestone] = strawberry.field(
        description="Bonuses at a number of successful referrals, lowest count first."
    )
    tier_multiplier_applies: bool = strawberry.field(
        description="Whether VIP tier multipliers apply to referral points (when the tier settings "
        "also list referrals among the multiplied triggers)."
    )
    velocity_per_week: int = strawberry.field(
        description="Referrals per advocate per 7 days above which new ones are held for review."
    )
    disposable_domains_blocked: bool = strawberry.field(
        description="Whether friends with an address at a disposable-mail domain are rejected (the "
        "shipped list plus disposableDomainsExtra, minus disposableDomainsAllowed)."
    )
    disposable_domains_extra: list[str] = strawberry.field(
        description="Domains the shop adds to the shipped list of disposable-mail domains."
    )
    disposable_domains_allowed: list[str] = strawberry.field(
        description="Domains of the shipped list the shop allows all the same."
    )
    checks: list[ReferralCheckSetting] = strawberry.field(description="Every fraud check, on or off.")
    created_at: datetime | None = strawberry.field(
        description="When the program was first saved; null: never (the defaults are shown)."
    )
    updated_at: datetime | None = strawberry.field(description="When it last changed; null: never.")
    advocate_reward_local_id: strawberry.Private[int | None]

    @strawberry.field(description="REWARD: the catalog reward the advocate gets; null otherwise.")
    async def advocate_reward(self, info: Info) -> Reward | None:
        if self.advocate_reward_local_id is None:
            return None
        dto = await info.context.loaders.get("rewards.reward").load(self.advocate_reward_local_id)
        return None if dto is None else Reward.from_dto(dto)

    @classmethod
    def from_dto(cls, dto: referrals.ProgramDTO) -> ReferralProgram:
        return cls(
            enabled=dto.enabled,
            friend_kind=ReferralFriendRewardKind(dto.friend_kind),
            friend_value=_display(dto.friend_value),
            friend_min_order=_display(dto.friend_min_order),
            friend_code_validity_days=dto.friend_code_validity_days,
            advocate_kind=ReferralAdvocateRewardKind(dto.advocate_kind),
            advocate_points=dto.advocate_points,
            advocate_reward_id=(
                encode_id("Reward", dto.advocate_reward_id) if dto.advocate_reward_id is not None else None
            ),
            min_order_subtotal=dto.min_order_subtotal.quantize(CENTS),
            confirmation_days=dto.confirmation_days,
            claim_validity_days=dto.claim_validity_days,
            monthly_cap=dto.monthly_cap,
            milestones=[ReferralMilestone.from_dto(m) for m in dto.milestones],
            tier_multiplier_applies=dto.tier_multiplier_applies,
            velocity_per_week=dto.velocity_per_week,
            disposable_domains_blocked=dto.disposable_domains_blocked,
            disposable_domains_extra=list(dto.disposable_domains_extra),
            disposable_domains_allowed=list(dto.disposable_domains_allowed),
            # in the order the checks are documented, whatever order the mapping has
            checks=[
                ReferralCheckSetting(check=check, enabled=bool(dto.checks.get(wire(check), True)))
                for check in ReferralCheck
            ],
            created_at=dto.created_at,
            updated_at=dto.updated_at,
            advocate_reward_local_id=dto.advocate_reward_id,
        )


@strawberry.enum(description="Who or what recorded a reason on a referral.")
class ReferralReasonKind(Enum):
    FRAUD_CHECK = strawberry.enum_value("fraud_check", description="A fraud check (see `check`).")
    MONTHLY_CAP = strawberry.enum_value(
        "monthly_cap",
        description="The advocate had reached the program's monthly cap: the referral completed "
        "without a reward.",
    )
    STAFF = strawberry.enum_value(
        "staff", description="Staff rejected it (rejectReferral), with their reason."
    )
    ERASURE = strawberry.enum_value(
        "erasure",
        description="The advocate's data was erased (customers/redact or their own request): their "
        "account closed, the referral was cancelled before its reward.",
    )


@strawberry.type(description="Why a referral was rejected, held, or left without a reward; or a signal.")
class ReferralReason:
    kind: ReferralReasonKind = strawberry.field(description="Who or what recorded it.")
    check: ReferralCheck | None = strawberry.field(description="FRAUD_CHECK: the check; null otherwise.")
    verdict: ReferralVerdict = strawberry.field(description="What it concluded.")
    detail: str = strawberry.field(description="Why, in English (never anybody's personal data).")

    @classmethod
    def from_dto(cls, dto: referrals.ReasonDTO) -> ReferralReason:
        # the context records its own decisions ("staff", "monthly_cap") beside the checks
        kind = (
            ReferralReasonKind.FRAUD_CHECK if dto.check in referrals.CHECKS else ReferralReasonKind(dto.check)
        )
        return cls(
            kind=kind,
            check=ReferralCheck(dto.check) if kind is ReferralReasonKind.FRAUD_CHECK else None,
            verdict=ReferralVerdict(dto.verdict),
            detail=dto.detail,
        )


@strawberry.type(description="A friend referred by an advocate, from the claim or order to the reward.")
class Referral(Node):
    status: ReferralStatus = strawberry.field(description="Where it stands.")
    held: bool = strawberry.field(
        description="Held for staff review (approveReferral / rejectReferral): never rewarded until approved."
    )
    source: ReferralSource = strawberry.field(description="How the friend's order was tied to the advocate.")
    reasons: list[ReferralReason] = strawberry.field(
        description="What the fraud checks found: rejections, reasons for review, and signals."
    )
    friend_email: str | None = strawberry.field(
        description="The email the friend claimed with, masked (a***@example.com); null: no claim."
    )
    shopify_order_id: strawberry.ID | None = strawberry.field(
        description="The friend's first qualifying order (Shopify's numeric id); null: none yet."
    )
    order_subtotal: Decimal | None = strawberry.field(
        description="That order's subtotal after discounts, in `currency`."
    )
    currency: str | None = strawberry.field(description="The order's currency (the shop's).")
    reward_points: int | None = strawberry.field(
        description="Points posted to the advocate for it; null: none (yet, or a catalog reward)."
    )
    decided_by: str | None = strawberry.field(
        description='Who approved or rejected it by hand ("staff:<user>"); null: nobody.'
    )
    claimed_at: datetime | None = strawberry.field(description="When the friend claimed; null: no claim.")
    ordered_at: datetime | None = strawberry.field(description="When the friend's order was attributed.")
    confirm_at: datetime | None = strawberry.field(
        description="When the confirmation period ends (the reward is due then unless held)."
    )
    completed_at: datetime | None = strawberry.field(description="When the confirmation period passed.")
    rewarded_at: datetime | None = strawberry.field(description="When the advocate's reward was posted.")
    expires_at: datetime | None = strawberry.field(description="When an order-less claim expires.")
    cancelled_at: datetime | None = strawberry.field(
        description="When it was cancelled, rejected or expired."
    )
    created_at: datetime = strawberry.field(description="When it was recorded.")
    advocate_local_id: strawberry.Private[int]
    friend_local_id: strawberry.Private[int | None]

    @strawberry.field(description="The customer who referred the friend.")
    async def advocate(self, info: Info) -> LazyCustomer | None:
        return await _customer(info, self.advocate_local_id)

    @strawberry.field(description="The friend, once the shop knows them as a customer; null before.")
    async def friend(self, info: Info) -> LazyCustomer | None:
        return None if self.friend_local_id is None else await _customer(info, self.friend_local_id)

    @classmethod
    def from_dto(cls, dto: referrals.ReferralDTO) -> Referral:
        return cls(
            id=encode_id("Referral", dto.id),
            status=ReferralStatus(dto.status),
            held=dto.held,
            source=ReferralSource(dto.source),
            reasons=[ReferralReason.from_dto(reason) for reason in dto.reasons],
            friend_email=dto.friend_email_masked,
            shopify_order_id=strawberry.ID(str(dto.shopify_order_id)) if dto.shopify_order_id else None,
            order_subtotal=_display(dto.order_subtotal),
            currency=dto.currency,
            reward_points=dto.reward_points,
            decided_by=dto.decided_by,
            claimed_at=dto.claimed_at,
            ordered_at=dto.ordered_at,
            confirm_at=dto.confirm_at,
            completed_at=dto.completed_at,
            rewarded_at=dto.rewarded_at,
            expires_at=dto.expires_at,
            cancelled_at=dto.cancelled_at,
            created_at=dto.created_at,
            advocate_local_id=dto.advocate_customer_id,
            friend_local_id=dto.friend_customer_id,
        )


async def _customer(info: Info, customer_id: int) -> Customer | None:
    # imported here: the Customer type is composed from every context's fields, ours too
    from loyalnest.graphql.customers.types import Customer

    dto = await info.context.loaders.get("customers.customer").load(customer_id)
    return None if dto is None else Customer.from_dto(dto)


def referral_connection(page: referrals.ReferralPage, count: Count) -> Connection[Referral]:
    return connection(
        [Referral.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        count=count,
    )


@strawberry.type(description="Ready-to-open links that share the advocate's referral link.")
class ReferralShareLinks:
    email: str = strawberry.field(description="A mailto: link with an English subject and body.")
    sms: str = strawberry.field(description="An sms: link with an English text.")
    whatsapp: str = strawberry.field(description="A https://wa.me/ link with an English text.")
    facebook: str = strawberry.field(description="Facebook's share dialog for the link.")
    x: str = strawberry.field(description="X's post dialog with an English text and the link.")

    @classmethod
    def from_dto(cls, dto: referrals.ShareLinksDTO) -> ReferralShareLinks:
        return cls(email=dto.email, sms=dto.sms, whatsapp=dto.whatsapp, facebook=dto.facebook, x=dto.x)


@strawberry.type(description="What a referred friend gets.")
class ReferralFriendOffer:
    text: str = strawberry.field(
        description='A short English text, e.g. "$10 off your first order of $50 or more".'
    )
    kind: ReferralFriendRewardKind = strawberry.field(description="What the friend's code gives.")
    value: Decimal | None = strawberry.field(
        description="The amount (shop currency) or percent off; null for free shipping."
    )
    min_order: Decimal | None = strawberry.field(
        description="The order subtotal the code needs (shop currency); null: none."
    )
    validity_days: int = strawberry.field(description="How many days the friend's code works.")

    @classmethod
    def from_dto(cls, dto: referrals.FriendOfferDTO) -> ReferralFriendOffer:
        return cls(
            text=dto.text,
            kind=ReferralFriendRewardKind(dto.kind),
            value=_display(dto.value),
            min_order=_display(dto.min_order),
            validity_days=dto.validity_days,
        )


@strawberry.type(description="What the advocate gets for each successful referral.")
class ReferralAdvocateReward:
    kind: ReferralAdvocateRewardKind = strawberry.field(description="Points or a catalog reward.")
    points: int = strawberry.field(description="POINTS: how many.")
    reward_local_id: strawberry.Private[int | None]

    @strawberry.field(description="REWARD: the catalog reward (a discount code); null otherwise.")
    async def reward(self, info: Info) -> Reward | None:
        if self.reward_local_id is None:
            return None
        dto = await info.context.loaders.get("rewards.reward").load(self.reward_local_id)
        return None if dto is None else Reward.from_dto(dto)

    @classmethod
    def from_dto(cls, dto: referrals.AdvocateRewardDTO) -> ReferralAdvocateReward:
        return cls(
            kind=ReferralAdvocateRewardKind(dto.kind), points=dto.points, reward_local_id=dto.reward_id
        )


@strawberry.type(description="How an advocate's referrals are going.")
class ReferralProgress:
    invited: int = strawberry.field(description="Invites sent (sendReferralInvite).")
    clicked: int = strawberry.field(description="Clicks on the referral link, one per visitor per day.")
    claimed: int = strawberry.field(description="Friends who claimed the code with their email.")
    completed: int = strawberry.field(
        description="Friends whose first order passed the confirmation period (rewarded ones included)."
    )
    rewarded: int = strawberry.field(description="Referrals the advocate was rewarded for.")
    pending_rewards: int = strawberry.field(
        description="Points waiting for friends' orders to pass the confirmation period."
    )
    next_milestone: ReferralMilestone | None = strawberry.field(
        description="The next milestone bonus; null: none left (or none configured)."
    )
    to_next_milestone: int | None = strawberry.field(
        description="Successful referrals still needed for it; null: no milestone left."
    )

    @classmethod
    def from_dto(cls, dto: referrals.ProgressDTO) -> ReferralProgress:
        return cls(
            invited=dto.invited,
            clicked=dto.clicked,
            claimed=dto.claimed,
            completed=dto.completed,
            rewarded=dto.rewarded,
            pending_rewards=dto.pending_rewards,
            next_milestone=(
                ReferralMilestone.from_dto(dto.next_milestone) if dto.next_milestone is not None else None
            ),
            to_next_milestone=dto.to_next_milestone,
        )


@strawberry.type(description="The signed-in customer's referral code, link, offer and progress.")
class MyReferral:
    enabled: bool = strawberry.field(
        description="Whether the shop's program is on (when off, the link and code give friends nothing)."
    )
    code: str = strawberry.field(description="Your referral code (7 characters, never changes).")
    link: str = strawberry.field(
        description="Your referral link: friends who open it get their discount at checkout."
    )
    share: ReferralShareLinks = strawberry.field(description="Links that share your referral link.")
    friend_offer: ReferralFriendOffer = strawberry.field(description="What your friends get.")
    advocate_reward: ReferralAdvocateReward = strawberry.field(
        description="What you get for each friend's first order."
    )
    progress: ReferralProgress = strawberry.field(
        description="How your referrals are going (live: subscribe to myReferralProgress)."
    )

    @classmethod
    def from_dto(cls, dto: referrals.MyReferralDTO) -> MyReferral:
        return cls(
            enabled=dto.enabled,
            code=dto.code,
            link=dto.link,
            share=ReferralShareLinks.from_dto(dto.share),
            friend_offer=ReferralFriendOffer.from_dto(dto.friend_offer),
            advocate_reward=ReferralAdvocateReward.from_dto(dto.advocate_reward),
            progress=ReferralProgress.from_dto(dto.progress),
        )


@strawberry.type(description="A friend's own single-use discount code, from claimReferral.")
class ReferralClaim:
    code: str = strawberry.field(description="The code to enter at checkout (FRIEND-...); single use.")
    expires_at: datetime = strawberry.field(description="When it stops working.")

    @classmethod
    def from_result(cls, result: referrals.ClaimResult) -> ReferralClaim:
        return cls(code=result.code, expires_at=result.expires_at)


@strawberry.type(description="One advocate's results over an analytics range.")
class ReferralAdvocateStat:
    conversions: int = strawberry.field(description="Their referred friends' qualifying orders.")
    revenue: Decimal = strawberry.field(description="Those orders' subtotals (shop currency).")
    clicks: int = strawberry.field(description="Clicks on their link.")
    customer_local_id: strawberry.Private[int]

    @strawberry.field(description="The advocate.")
    async def customer(self, info: Info) -> LazyCustomer | None:
        return await _customer(info, self.customer_local_id)


@strawberry.type(description="What the referral program did over a range of days.")
class ReferralAnalytics:
    from_: date = strawberry.field(name="from", description="The first day counted (shop's timezone).")
    to: date = strawberry.field(description="The last day counted, included.")
    clicks: int = strawberry.field(description="Clicks on referral links.")
    unique_visitors: int = strawberry.field(
        description="Distinct visitors who clicked, per advocate per day, summed."
    )
    claims: int = strawberry.field(description="Friends who claimed a code with their email.")
    conversions: int = strawberry.field(
        description="Referrals whose qualifying order was attributed (pending or further)."
    )
    click_to_order_rate: Decimal = strawberry.field(description="conversions / clicks (0-1, 4 places).")
    revenue: Decimal = strawberry.field(description="Subtotals of the referred orders (shop currency).")
    reward_cost: Decimal = strawberry.field(
        description="What the rewards cost: advocates' points at the shop's point value plus the "
        "friends' discounts used (shop currency)."
    )
    roi: Decimal | None = strawberry.field(
        description="(revenue - rewardCost) / rewardCost; null when nothing was spent."
    )
    top_advocates: list[ReferralAdvocateStat] = strawberry.field(
        description="Up to 10 advocates with the most conversions."
    )

    @classmethod
    def from_dto(cls, dto: referrals.AnalyticsDTO) -> ReferralAnalytics:
        return cls(
            from_=dto.start,
            to=dto.end,
            clicks=dto.clicks,
            unique_visitors=dto.unique_visitors,
            claims=dto.claims,
            conversions=dto.conversions,
            click_to_order_rate=dto.click_to_order_rate,
            revenue=dto.revenue.quantize(CENTS),
            reward_cost=dto.reward_cost.quantize(CENTS),
            roi=dto.roi,
            top_advocates=[
                ReferralAdvocateStat(
                    conversions=stat.conversions,
                    revenue=stat.revenue.quantize(CENTS),
                    clicks=stat.clicks,
                    customer_local_id=stat.customer_id,
                )
                for stat in dto.top_advocates
            ],
        )
