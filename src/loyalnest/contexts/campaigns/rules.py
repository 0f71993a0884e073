"""Which campaigns apply to an earning, and what they add: pure functions, no I/O.

The rule, written once (tiers included):

1. A campaign may apply only while it is live (scheduled or active: a paused, ended or
   archived campaign never applies) and the earning's moment lies in its window
   (``starts_at`` <= at < ``ends_at``, on its days of week and hours in the shop's
   timezone), to the triggers its effect is for, when its conditions hold (minimum
   order amount, products, customer targeting, nth order), and while it has room
   under its caps (uses and points per customer, its total points budget).
2. Stacking: of the exclusive campaigns that apply, only the highest priority counts
   (ties: the oldest, lowest id); stackable campaigns add to it, unless it is
   "exclusive of all". Without an exclusive one, every stackable campaign counts.
3. Each counted campaign's points: a multiplier adds ``base x (m - 1)`` (on the share
   of the order its product condition covers), a fixed bonus its points (per order,
   per qualifying unit or line, per trigger).
4. The shop's cap on the total multiplier bounds tier and campaign multipliers
   together: ``1 + sum(m - 1)`` over the multiplier parts never exceeds it; headroom
   goes to the tier first (it applied first), then to the campaigns in stacking order.
5. Caps last: a part is lowered to what the customer's points cap and the budget have
   left, so neither is ever exceeded; a batch consumes them in its own order.

Everything is decided in a deterministic order (exclusive winner, then by priority
descending and id), so the outcome never depends on the order campaigns are listed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from loyalnest.platform.errors import ValidationFailed

SCHEDULED, ACTIVE, PAUSED, ENDED, ARCHIVED = "scheduled", "active", "paused", "ended", "archived"
STATUSES = (SCHEDULED, ACTIVE, PAUSED, ENDED, ARCHIVED)
# the statuses in which a campaign may apply (its window decides)
LIVE = frozenset({SCHEDULED, ACTIVE})

MULTIPLIER = "multiplier"
ORDER_BONUS = "order_bonus"
PRODUCT_UNIT_BONUS = "product_unit_bonus"
PRODUCT_LINE_BONUS = "product_line_bonus"
TRIGGER_BONUS = "trigger_bonus"
EFFECT_KINDS = (MULTIPLIER, ORDER_BONUS, PRODUCT_UNIT_BONUS, PRODUCT_LINE_BONUS, TRIGGER_BONUS)
ORDER_EFFECTS = frozenset({ORDER_BONUS, PRODUCT_UNIT_BONUS, PRODUCT_LINE_BONUS})
PRODUCT_EFFECTS = frozenset({PRODUCT_UNIT_BONUS, PRODUCT_LINE_BONUS})

ORDER = "order"
# the triggers a trigger bonus is for (orders have their own effects)
BONUS_TRIGGERS = ("signup", "newsletter", "birthday", "review")
# the triggers a multiplier may multiply
MULTIPLIER_TRIGGERS = (ORDER, "signup", "newsletter", "birthday", "review", "custom")

STACKABLE, EXCLUSIVE = "stackable", "exclusive"
STACKINGS = (STACKABLE, EXCLUSIVE)

MAX_MULTIPLIER = Decimal("10")
DEFAULT_MAX_TOTAL_MULTIPLIER = Decimal("5")
MAX_TOTAL_MULTIPLIER = Decimal("100")
MAX_PRODUCTS = 10_000
MAX_TAGS = 250
MAX_BONUS_POINTS = 1_000_000
MAX_NAME = 255
MAX_DESCRIPTION = 2_000

# customer targeting clause kinds (the JSONB predicate's "customer" list)
TIER_CLAUSE = "tier"
CUSTOMER_TAG_CLAUSE = "customer_tag"
CLAUSE_KINDS = (TIER_CLAUSE, CUSTOMER_TAG_CLAUSE)

DISCOUNT_KINDS = ("percentage", "fixed_amount", "free_shipping")


def normalise_tag(tag: str) -> str:
    """Tags match whatever their case or surrounding spaces (as Shopify's admin does)."""
    return tag.strip().lower()


# --- what a campaign is --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    starts_at: datetime
    ends_at: datetime | None = None
    # weekdays (Monday 0) in the shop's timezone; None: every day
    days: frozenset[int] | None = None
    # [from, to) hours in the shop's timezone (from > to wraps past midnight); None: all day
    hours: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """One customer-targeting clause: the customer must match one of ``values``.
    A kind this code does not know (written by a newer release) never matches, so an
    old process never gives a bonus a newer rule would refuse."""

    kind: str
    values: frozenset[Any]


@dataclass(frozen=True, slots=True)
class NthOrder:
    """Which of a customer's orders qualify: the first, or every ``every``-th."""

    first: bool = False
    every: int | None = None


@dataclass(frozen=True, slots=True)
class Conditions:
    min_order_amount: Decimal | None = None
    product_ids: frozenset[int] = frozenset()
    product_tags: frozenset[str] = frozenset()
    # every clause must hold (tiers, customer tags; RFM segments later)
    audience: tuple[Clause, ...] = ()
    nth_order: NthOrder | None = None

    @property
    def has_products(self) -> bool:
        return bool(self.product_ids or self.product_tags)

    @property
    def is_order_only(self) -> bool:
        """Conditions only an order can meet."""
        return self.min_order_amount is not None or self.has_products or self.nth_order is not None

    def clause_kinds(self) -> set[str]:
        return {clause.kind for clause in self.audience}


@dataclass(frozen=True, slots=True)
class CampaignRule:
    """A campaign as the rule sees it (the snapshot's item)."""

    id: int
    name: str
    status: str
    window: Window
    effect: str
    triggers: frozenset[str]
    multiplier: Decimal | None = None
    bonus_points: int | None = None
    conditions: Conditions = Conditions()
    stacking: str = STACKABLE
    priority: int = 0
    exclusive_of_all: bool = False
    max_uses_per_customer: int | None = None
    max_points_per_customer: int | None = None
    points_budget: int | None = None

    @property
    def has_customer_caps(self) -> bool:
        return self.max_uses_per_customer is not None or self.max_points_per_customer is not None


# --- what an earning is --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineFacts:
    product_id: int | None
    quantity: int
    amount: Decimal
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MultiplierPart:
    """A part an earlier step added that stands for a multiplier (the tier's)."""

    index: int  # its position in the earning's parts
    points: int
    multiplier: Decimal


@dataclass(frozen=True, slots=True)
class EarningFacts:
    customer_id: int
    trigger: str
    base_points: int
    at: datetime
    subtotal: Decimal | None = None
    lines: tuple[LineFacts, ...] = ()
    # which of the customer's orders this is (1: the first), when known
    order_number: int | None = None
    tier_id: int | None = None
    customer_tags: frozenset[str] = frozenset()
    prior_multipliers: tuple[MultiplierPart, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerUse:
    uses: int = 0
    points: int = 0


@dataclass
class Usage:
    """What the caps have consumed so far: points issued per campaign (net), and each
    (campaign, customer)'s uses and points. ``decide`` adds what it gives."""

    issued: dict[int, int] = field(default_factory=dict)
    customers: dict[tuple[int, int], CustomerUse] = field(default_factory=dict)

    def copy(self) -> Usage:
        return Usage(dict(self.issued), dict(self.customers))


@dataclass(frozen=True, slots=True)
class CampaignPart:
    campaign_id: int
    points: int
    label: str
    # the multiplier this part stands for (after the shop's cap); None for fixed bonuses
    multiplier: Decimal | None


@dataclass(frozen=True, slots=True)
class Decision:
    parts: tuple[CampaignPart, ...] = ()
    # earlier multiplier parts lowered to keep the shop's cap: (index, points, multiplier)
    lowered: tuple[tuple[int, int, Decimal], ...] = ()


# --- the rule --------------------------------------------------------------------------------


def in_window(window: Window, at: datetime, tz: ZoneInfo) -> bool:
    if at < window.starts_at or (window.ends_at is not None and at >= window.ends_at):
        return False
    if window.days is None and window.hours is None:
        return True
    local = at.astimezone(tz)
    if window.days is not None and local.weekday() not in window.days:
        return False
    if window.hours is not None:
        start, end = window.hours
        hour = local.hour
        inside = start <= hour < end if start < end else (hour >= start or hour < end)
        if not inside:
            return False
    return True


def is_live_at(campaign: CampaignRule, at: datetime, tz: ZoneInfo) -> bool:
    """Live status and inside the window (a scheduled campaign whose start has come
    applies even before the status actor flips it)."""
    return campaign.status in LIVE and in_window(campaign.window, at, tz)


def qualifying_lines(conditions: Conditions, lines: Sequence[LineFacts]) -> list[LineFacts]:
    if not conditions.has_products:
        return list(lines)
    return [
        line
        for line in lines
        if (line.product_id is not None and line.product_id in conditions.product_ids)
        or (line.tags & conditions.product_tags)
    ]


def _clause_holds(clause: Clause, facts: EarningFacts) -> bool:
    if clause.kind == TIER_CLAUSE:
        return facts.tier_id is not None and facts.tier_id in clause.values
    if clause.kind == CUSTOMER_TAG_CLAUSE:
        return bool(facts.customer_tags & clause.values)
    return False


def audience_holds(conditions: Conditions, facts: EarningFacts) -> bool:
    return all(_clause_holds(clause, facts) for clause in conditions.audience)


def conditions_hold(campaign: CampaignRule, facts: EarningFacts) -> bool:
    conditions = campaign.conditions
    if conditions.is_order_only and facts.trigger != ORDER:
        return False
    if conditions.min_order_amount is not None and (
        facts.subtotal is None or facts.subtotal < conditions.min_order_amount
    ):
        return False
    if conditions.has_products and not qualifying_lines(conditions, facts.lines):
        return False
    nth = conditions.nth_order
    if nth is not None:
        n = facts.order_number
        if n is None:
            return False
        if nth.first and n != 1:
            return False
        if nth.every is not None and n % nth.every != 0:
            return False
    return audience_holds(conditions, facts)


def applies(campaign: CampaignRule, facts: EarningFacts, tz: ZoneInfo) -> bool:
    """Whether the campaign applies to this earning, caps aside."""
    return (
        facts.trigger in campaign.triggers
        and is_live_at(campaign, facts.at, tz)
        and conditions_hold(campaign, facts)
    )


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def effect_points(campaign: CampaignRule, facts: EarningFacts) -> int:
    """What the campaign's effect gives this earning, before any cap."""
    if campaign.effect == MULTIPLIER:
        assert campaign.multiplier is not None
        extra = Decimal(facts.base_points) * (campaign.multiplier - 1)
        conditions = campaign.conditions
        if conditions.has_products and facts.subtotal:
            # "double points on these products": on their share of the order
            covered = sum((line.amount for line in qualifying_lines(conditions, facts.lines)), Decimal(0))
            extra = extra * min(Decimal(1), covered / facts.subtotal)
        return max(_floor(extra), 0)
    bonus = campaign.bonus_points or 0
    if campaign.effect == PRODUCT_UNIT_BONUS:
        return bonus * sum(
            max(line.quantity, 0) for line in qualifying_lines(campaign.conditions, facts.lines)
        )
    if campaign.effect == PRODUCT_LINE_BONUS:
        return bonus * len(qualifying_lines(campaign.conditions, facts.lines))
    return bonus


_NO_USE = CustomerUse()


def _room(campaign: CampaignRule, customer_id: int, usage: Usage) -> int | None:
    """Points the caps still allow this customer from this campaign (None: no cap);
    0 means the campaign cannot apply to them any more."""
    if campaign.points_budget is None and not campaign.has_customer_caps:
        return None  # most campaigns: no counter to look at
    room: int | None = None
    used = usage.customers.get((campaign.id, customer_id), _NO_USE)
    if campaign.max_uses_per_customer is not None and used.uses >= campaign.max_uses_per_customer:
        return 0
    if campaign.max_points_per_customer is not None:
        room = max(campaign.max_points_per_customer - used.points, 0)
    if campaign.points_budget is not None:
        left = max(campaign.points_budget - usage.issued.get(campaign.id, 0), 0)
        room = left if room is None else min(room, left)
    return room


def stacking_order(campaigns: Iterable[CampaignRule]) -> list[CampaignRule]:
    """The campaigns that count, in the order they are given headroom: the exclusive
    winner (highest priority, then lowest id) first, then the stackable ones by
    priority (highest first) and id; none but the winner if it is exclusive of all."""
    ordered = sorted(campaigns, key=lambda c: (-c.priority, c.id))
    winner = next((c for c in ordered if c.stacking == EXCLUSIVE), None)
    stackables = [c for c in ordered if c.stacking == STACKABLE]
    if winner is None:
        return stackables
    if winner.exclusive_of_all:
        return [winner]
    return [winner, *stackables]


def _label(campaign: CampaignRule) -> str:
    return campaign.name


def decide(
    campaigns: Sequence[CampaignRule],
    facts: EarningFacts,
    *,
    tz: ZoneInfo,
    max_total_multiplier: Decimal,
    usage: Usage,
) -> Decision:
    """The campaign parts of one earning (and the earlier multiplier parts lowered to
    keep the shop's cap). Records what it gives in ``usage``."""
    candidates = [c for c in campaigns if applies(c, facts, tz) and _room(c, facts.customer_id, usage) != 0]
    counted = stacking_order(candidates)
    base = Decimal(facts.base_points)
    # the shop's cap: headroom in "extra multiplier", tier first, then campaigns in order
    headroom = max(max_total_multiplier - 1, Decimal(0))
    lowered: list[tuple[int, int, Decimal]] = []
    for prior in facts.prior_multipliers:
        extra = max(prior.multiplier - 1, Decimal(0))
        allowed = min(extra, headroom)
        headroom -= allowed
        if allowed < extra:
            lowered.append((prior.index, min(prior.points, _floor(base * allowed)), 1 + allowed))
    parts: list[CampaignPart] = []
    for campaign in counted:
        points = effect_points(campaign, facts)
        multiplier: Decimal | None = None
        if campaign.effect == MULTIPLIER:
            assert campaign.multiplier is not None
            extra = campaign.multiplier - 1
            allowed = min(extra, headroom)
            headroom -= allowed
            multiplier = 1 + allowed
            if allowed < extra:
                points = min(points, _floor(base * allowed))
        room = _room(campaign, facts.customer_id, usage)
        if room is not None:
            points = min(points, room)
        if points <= 0:
            continue
        parts.append(CampaignPart(campaign.id, points, _label(campaign), multiplier))
        usage.issued[campaign.id] = usage.issued.get(campaign.id, 0) + points
        key = (campaign.id, facts.customer_id)
        used = usage.customers.get(key, CustomerUse())
        usage.customers[key] = CustomerUse(used.uses + 1, used.points + points)
    return Decision(parts=tuple(parts), lowered=tuple(lowered))


def decide_batch(
    campaigns: Sequence[CampaignRule],
    batch: Sequence[EarningFacts],
    *,
    tz: ZoneInfo,
    max_total_multiplier: Decimal,
    usage: Usage,
) -> list[Decision]:
    """``decide`` for each earning of a batch, in the batch's order: earlier earnings
    consume the caps before later ones."""
    return [
        decide(campaigns, facts, tz=tz, max_total_multiplier=max_total_multiplier, usage=usage)
        for facts in batch
    ]


def possibly_live(campaign: CampaignRule, moments: Iterable[datetime], triggers: set[str]) -> bool:
    """A cheap pre-check (no timezone work): could it apply to any of these earnings?"""
    if campaign.status not in LIVE or not (campaign.triggers & triggers):
        return False
    window = campaign.window
    return any(window.starts_at <= at and (window.ends_at is None or at < window.ends_at) for at in moments)


def applies_to_customer(
    campaign: CampaignRule, *, at: datetime, tz: ZoneInfo, tier_id: int | None, tags: frozenset[str]
) -> bool:
    """Whether a running campaign targets this customer (the storefront's "campaigns
    for you"): live now and its audience holds; order conditions are for checkout."""
    if not is_live_at(campaign, at, tz):
        return False
    facts = EarningFacts(
        customer_id=0, trigger=ORDER, base_points=0, at=at, tier_id=tier_id, customer_tags=tags
    )
    return audience_holds(campaign.conditions, facts)


# --- the stored predicate (JSONB) ----------------------------------------------------------


def conditions_to_json(conditions: Conditions) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if conditions.min_order_amount is not None:
        data["min_order_amount"] = str(conditions.min_order_amount)
    if conditions.has_products:
        data["products"] = {
            "ids": sorted(conditions.product_ids),
            "tags": sorted(conditions.product_tags),
        }
    if conditions.audience:
        data["customer"] = [
            {"kind": clause.kind, "values": sorted(clause.values)} for clause in conditions.audience
        ]
    if conditions.nth_order is not None:
        nth: dict[str, Any] = {}
        if conditions.nth_order.first:
            nth["first"] = True
        if conditions.nth_order.every is not None:
            nth["every"] = conditions.nth_order.every
        data["nth_order"] = nth
    return data


def conditions_from_json(data: Mapping[str, Any]) -> Conditions:
    products = data.get("products") or {}
    nth = data.get("nth_order")
    return Conditions(
        min_order_amount=Decimal(data["min_order_amount"]) if data.get("min_order_amount") else None,
        product_ids=frozenset(int(p) for p in products.get("ids") or ()),
        product_tags=frozenset(str(t) for t in products.get("tags") or ()),
        audience=tuple(
            Clause(
                kind=str(item.get("kind")),
                values=frozenset(
                    int(v) if item.get("kind") == TIER_CLAUSE else str(v) for v in item.get("values") or ()
                ),
            )
            for item in data.get("customer") or ()
        ),
        nth_order=None if nth is None else NthOrder(first=bool(nth.get("first")), every=nth.get("every")),
    )


def days_from_mask(mask: int | None) -> frozenset[int] | None:
    return None if mask is None else frozenset(d for d in range(7) if mask & (1 << d))


def mask_from_days(days: Iterable[int] | None) -> int | None:
    if days is None:
        return None
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


# --- validation ------------------------------------------------------------------------------


def _amount(value: Decimal, field: str) -> Decimal:
    try:
        if not value.is_finite() or value <= 0:
            raise ValidationFailed(f"{field} must be greater than 0", field=field)
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationFailed(f"{field} has at most 2 decimal places", field=field)
    except InvalidOperation as exc:
        raise ValidationFailed(f"{field} must be a number", field=field) from exc
    return value


@dataclass(frozen=True)
class Terms:
    """A campaign's full set of values, as checked by ``check_terms``."""

    name: str
    default_locale: str
    descriptions: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None
    days: frozenset[int] | None
    hours: tuple[int, int] | None
    effect: str
    multiplier: Decimal | None
    bonus_points: int | None
    triggers: frozenset[str]
    conditions: Conditions
    max_uses_per_customer: int | None
    max_points_per_customer: int | None
    points_budget: int | None
    stacking: str
    priority: int
    exclusive_of_all: bool
    discount_kind: str | None
    discount_value: Decimal | None
    discount_code: str | None


def check_window(starts_at: datetime, ends_at: datetime | None, now: datetime) -> None:
    for name, moment in (("startsAt", starts_at), ("endsAt", ends_at)):
        if moment is not None and moment.tzinfo is None:
            raise ValidationFailed(f"{name} needs a timezone offset", field=name)
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationFailed("endsAt must be after startsAt", field="endsAt")
    if ends_at is not None and ends_at <= now:
        raise ValidationFailed("the window is in the past: endsAt has already passed", field="endsAt")


def check_terms(terms: Terms, now: datetime) -> None:
    """Raise ``ValidationFailed`` (with the API field) for the first broken rule."""
    if not terms.name.strip() or len(terms.name) > MAX_NAME:
        raise ValidationFailed(f"name must be 1-{MAX_NAME} characters", field="name")
    if not terms.default_locale.strip():
        raise ValidationFailed("defaultLocale is required", field="defaultLocale")
    for locale, text in terms.descriptions.items():
        if not locale.strip() or len(text) > MAX_DESCRIPTION:
            raise ValidationFailed(
                f"each description needs a locale and at most {MAX_DESCRIPTION} characters",
                field="descriptions",
            )
    check_window(terms.starts_at, terms.ends_at, now)
    if terms.days is not None and (not terms.days or not terms.days <= set(range(7))):
        raise ValidationFailed("daysOfWeek needs at least one day", field="daysOfWeek")
    if terms.hours is not None:
        start, end = terms.hours
        if not (0 <= start <= 23 and 1 <= end <= 24 and start != end):
            raise ValidationFailed(
                "hours run from 0-23 to 1-24 (from > to wraps past midnight) and cannot be empty",
                field="hours",
            )
    check_effect(terms.effect, terms.multiplier, terms.bonus_points, terms.triggers, terms.conditions)
    check_conditions(terms.conditions)
    for name, value in (
        ("maxUsesPerCustomer", terms.max_uses_per_customer),
        ("maxPointsPerCustomer", terms.max_points_per_customer),
        ("pointsBudget", terms.points_budget),
    ):
        if value is not None and value < 1:
            raise ValidationFailed(f"{name} must be at least 1 (or null: no cap)", field=name)
    if terms.stacking not in STACKINGS:
        raise ValidationFailed(f"stacking must be one of {', '.join(STACKINGS)}", field="stacking")
    if terms.exclusive_of_all and terms.stacking != EXCLUSIVE:
        raise ValidationFailed("only an exclusive campaign can be exclusive of all", field="exclusiveOfAll")
    if not -1_000_000 <= terms.priority <= 1_000_000:
        raise ValidationFailed("priority must be between -1000000 and 1000000", field="priority")
    check_discount(terms.discount_kind, terms.discount_value, terms.discount_code)


def check_effect(
    effect: str,
    multiplier: Decimal | None,
    bonus_points: int | None,
    triggers: frozenset[str],
    conditions: Conditions,
) -> None:
    if effect not in EFFECT_KINDS:
        raise ValidationFailed(f"effect must be one of {', '.join(EFFECT_KINDS)}", field="effect")
    if effect == MULTIPLIER:
        if multiplier is None or not multiplier.is_finite() or multiplier <= 1 or multiplier > MAX_MULTIPLIER:
            raise ValidationFailed(
                f"a multiplier must be more than 1 and at most {MAX_MULTIPLIER}", field="multiplier"
            )
        if multiplier.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationFailed("a multiplier has at most 2 decimal places", field="multiplier")
        if bonus_points is not None:
            raise ValidationFailed("a multiplier campaign gives no fixed bonus", field="bonusPoints")
        if not triggers or not triggers <= set(MULTIPLIER_TRIGGERS):
            raise ValidationFailed(
                f"a multiplier applies to some of {', '.join(MULTIPLIER_TRIGGERS)}", field="triggers"
            )
    else:
        if multiplier is not None:
            raise ValidationFailed("only a multiplier campaign has a multiplier", field="multiplier")
        if bonus_points is None or not 1 <= bonus_points <= MAX_BONUS_POINTS:
            raise ValidationFailed(f"bonusPoints must be 1-{MAX_BONUS_POINTS}", field="bonusPoints")
    if effect == TRIGGER_BONUS and (len(triggers) != 1 or not triggers <= set(BONUS_TRIGGERS)):
        raise ValidationFailed(f"a trigger bonus is for one of {', '.join(BONUS_TRIGGERS)}", field="triggers")
    if effect in ORDER_EFFECTS and triggers != {ORDER}:
        raise ValidationFailed("an order or product bonus is for orders", field="triggers")
    if effect in PRODUCT_EFFECTS and not conditions.has_products:
        raise ValidationFailed("a product bonus needs a product condition (ids or tags)", field="conditions")
    if conditions.is_order_only and triggers != {ORDER}:
        raise ValidationFailed(
            "order conditions (amount, products, nth order) need an effect for orders only",
            field="conditions",
        )


def check_conditions(conditions: Conditions) -> None:
    if conditions.min_order_amount is not None:
        _amount(conditions.min_order_amount, "minOrderAmount")
    if len(conditions.product_ids) > MAX_PRODUCTS:
        raise ValidationFailed(
            f"a product condition names at most {MAX_PRODUCTS:,} products", field="productIds"
        )
    if any(p <= 0 for p in conditions.product_ids):
        raise ValidationFailed("product ids are Shopify product ids (positive)", field="productIds")
    if len(conditions.product_tags) > MAX_TAGS or any(not t for t in conditions.product_tags):
        raise ValidationFailed(f"at most {MAX_TAGS} non-empty product tags", field="productTags")
    for clause in conditions.audience:
        if clause.kind not in CLAUSE_KINDS:
            raise ValidationFailed(f"unknown customer targeting {clause.kind!r}", field="conditions")
        if not clause.values:
            raise ValidationFailed("a customer targeting clause needs values", field="conditions")
        if clause.kind == CUSTOMER_TAG_CLAUSE and (
            len(clause.values) > MAX_TAGS or any(not v for v in clause.values)
        ):
            raise ValidationFailed(f"at most {MAX_TAGS} non-empty customer tags", field="customerTags")
    nth = conditions.nth_order
    if nth is not None:
        if nth.first == (nth.every is not None):
            raise ValidationFailed("nthOrder is either the first order or every N-th", field="nthOrder")
        if nth.every is not None and not 2 <= nth.every <= 1000:
            raise ValidationFailed("every N-th order: N is 2-1000", field="nthOrder")


def check_discount(kind: str | None, value: Decimal | None, code: str | None) -> None:
    if kind is None:
        if value is not None or code is not None:
            raise ValidationFailed("a discount needs its kind", field="discount")
        return
    if kind not in DISCOUNT_KINDS:
        raise ValidationFailed(f"discount kind must be one of {', '.join(DISCOUNT_KINDS)}", field="discount")
    if code is None or not code.strip() or len(code) > 255 or any(ch.isspace() for ch in code.strip()):
        raise ValidationFailed("a discount code is 1-255 characters without spaces", field="discountCode")
    if kind == "free_shipping":
        if value is not None:
            raise ValidationFailed("free shipping takes no value", field="discountValue")
        return
    if value is None:
        raise ValidationFailed("the discount needs a value", field="discountValue")
    _amount(value, "discountValue")
    if kind == "percentage" and value > 100:
        raise ValidationFailed("a percentage is at most 100", field="discountValue")


def check_max_total_multiplier(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 1:
        raise ValidationFailed(
            "the total multiplier cap must be at least 1 (1: no multiplier above the base)",
            field="maxTotalMultiplier",
        )
    if value > MAX_TOTAL_MULTIPLIER:
        raise ValidationFailed(
            f"the total multiplier cap is at most {MAX_TOTAL_MULTIPLIER}", field="maxTotalMultiplier"
        )
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed("the cap has at most 2 decimal places", field="maxTotalMultiplier")
    return value


def description_for(descriptions: Mapping[str, str], default_locale: str, locale: str | None) -> str | None:
    """The description in ``locale`` (fr-CA), else its language (fr), else the default
    locale's, else None (the same fallback as reward titles)."""
    if not descriptions:
        return None
    by_lower = {key.lower(): value for key, value in descriptions.items()}
    if locale:
        wanted = locale.strip().lower()
        if wanted in by_lower:
            return by_lower[wanted]
        language = wanted.split("-")[0]
        if language in by_lower:
            return by_lower[language]
    return by_lower.get(default_locale.lower())


def initial_status(starts_at: datetime, now: datetime) -> str:
    return ACTIVE if starts_at <= now else SCHEDULED


def with_status(campaign: CampaignRule, status: str) -> CampaignRule:
    return replace(campaign, status=status)
