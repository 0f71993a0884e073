"""The one way a trigger becomes points: every earning (an order's purchase points, a
signup, a newsletter, a birthday, a review, a custom award) is an ``Award`` the base
rule computed, goes through the steps below, and reaches the ledger as one batch of
postings.

    base rule (the trigger's command)  ->  plan: steps add parts  ->  post (one batch)

The steps are registered by the contexts that own them (``@earning.pipeline_step(...)``
in ``tiers/handlers.py``: the tier multiplier; in ``campaigns/handlers.py``: campaign
effects and the shop's cap), each with an ``order``; earning runs them in that order
without knowing who they are. A step gets the batch's ``Earning``s and appends
``Part``s to them: each part becomes a ledger row of its own, under a key derived from
the base one (``order:<id>:earn`` -> ``order:<id>:tier``, ``order:<id>:campaign:<id>``;
``signup:<customer>`` -> ``signup:<customer>:tier``), so a replay posts nothing twice
and refunds take each part back in proportion. A step never changes the base award.

Planning writes nothing: ``simulateEarning`` and ``estimateEarning`` run the same steps
with ``dry_run`` and show the breakdown; orders held as pending are planned when placed
(the campaign that ran that weekend counts, not the one running on release day) and
their parts are posted on release. What a step must count (a campaign's budget, a
customer's uses) it counts from ``PointsEarned``, published for the rows really created.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from loyalnest.contexts.earning.events import EarnedPart, OrderContext, PointsEarned
from loyalnest.contexts.points import api as points
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

# The origins a ledger row of an earning can have (``Transaction.origin``).
ORIGIN_RULE = "rule"
ORIGIN_TIER = "tier"
ORIGIN_CAMPAIGN = "campaign"


@dataclass(frozen=True)
class Award:
    """What a base rule gives one customer for one trigger."""

    customer_id: int
    points: int
    # the earning rule (the ledger entry's source): "order", "signup", "newsletter",
    # "birthday", "review", "custom"
    rule: str
    idempotency_key: str
    source_ref: str | None = None
    reason: str | None = None
    actor: str | None = None
    # the order behind a purchase award (None for every other trigger)
    order: OrderContext | None = None
    # when the trigger happened (an order's placement; now for the others)
    occurred_at: datetime | None = None
    # the ledger kind of the base posting: "earn", or "referral" for a referral reward
    kind: str = "earn"
    # False keeps the award out of the steps (no tier multiplier, no campaign): a
    # referral reward, unless the shop's referral program says multipliers apply
    run_steps: bool = True


@dataclass(frozen=True)
class Part:
    """Points a step adds on top of a base award: one ledger row of its own."""

    # the suffix of its key after the base key's stem: "tier", "campaign:7"
    suffix: str
    points: int
    # the ledger kind: "tier_bonus" (a tier's multiplier) or "campaign"
    kind: str
    origin_type: str  # ORIGIN_TIER or ORIGIN_CAMPAIGN
    origin_id: int
    # shown beside the points: "Gold x1.50", "Black Friday" (the ledger row's reason)
    label: str
    # the multiplier this part stands for (a tier's 1.5 adds 0.5 of the base; a
    # campaign's 2x adds 1.0), None for fixed bonuses: what the shop's cap bounds
    multiplier: Decimal | None = None


def stem(base_key: str) -> str:
    """The part of a base key its parts' keys start with: ``order:7:earn`` -> ``order:7``."""
    return base_key.removesuffix(":earn")


def part_key(base_key: str, suffix: str) -> str:
    return f"{stem(base_key)}:{suffix}"


@dataclass
class Earning:
    """One award on its way through the steps, with the parts they added."""

    award: Award
    parts: list[Part] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.award.points + sum(part.points for part in self.parts)


Step = Callable[[UnitOfWork, int, Sequence[Earning], bool], Awaitable[None]]

# Between the base rule and the ledger: (order, name, step), run by ascending order.
_steps: dict[str, tuple[int, Step]] = {}


def pipeline_step(name: str, *, order: int) -> Callable[[Step], Step]:
    """Register ``async def step(uow, merchant_id, earnings, dry_run) -> None`` under
    ``name`` ("<ctx>.<what>"): it appends ``Part``s to ``earnings`` (and may lower or
    drop parts an earlier step added, to keep a cap), and with ``dry_run`` writes
    nothing. Lower ``order`` runs first (tiers 100, campaigns 200, caps 900).
    Registering the same name again replaces it (a module imported twice)."""

    def register(step: Step) -> Step:
        _steps[name] = (order, step)
        return step

    return register


def steps() -> list[Step]:
    return [step for _, step in sorted(_steps.values(), key=lambda item: item[0])]


async def plan(
    uow: UnitOfWork, merchant_id: int, awards: Sequence[Award], *, dry_run: bool = False
) -> list[Earning]:
    """Run the steps over ``awards``: each comes back with the parts they added (parts of
    0 points or less are dropped)."""
    if any(a.points <= 0 for a in awards):
        raise ValueError("an award must be positive")
    earnings = [Earning(award) for award in awards]
    if not earnings:
        return earnings
    stepped = [earning for earning in earnings if earning.award.run_steps]
    if stepped:
        for step in steps():
            await step(uow, merchant_id, stepped, dry_run)
    for earning in earnings:
        earning.parts = [part for part in earning.parts if part.points > 0]
    return earnings


def _base_posting(award: Award) -> points.Posting:
    return points.Posting(
        customer_id=award.customer_id,
        delta=award.points,
        kind=award.kind,
        source=award.rule,
        source_ref=award.source_ref,
        idempotency_key=award.idempotency_key,
        reason=award.reason,
        actor=award.actor,
        origin_type=ORIGIN_RULE,
    )


def _part_posting(award: Award, part: Part) -> points.Posting:
    return points.Posting(
        customer_id=award.customer_id,
        delta=part.points,
        kind=part.kind,
        source=award.rule,
        source_ref=award.source_ref,
        idempotency_key=part_key(award.idempotency_key, part.suffix),
        reason=part.label,
        actor=award.actor,
        origin_type=part.origin_type,
        origin_id=part.origin_id,
    )


async def post(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[Earning], *, fresh: bool = False
) -> list[points.PostingResult]:
    """Post planned earnings as one ledger batch (the base rows first, in order, then
    the parts) and publish ``PointsEarned`` for every earning that created rows.
    Returns the result of each earning's base posting, in order.

    A replayed earning posts nothing and returns its first entry (``created`` False).
    The ledger refuses a batch of several postings holding a used key, so unless the
    caller knows its earnings are new (``fresh``: orders, whose row says whether they
    were awarded), earnings with parts are checked first: a base key already posted
    means its parts were posted with it, in the same transaction."""
    if not earnings:
        return []
    if not fresh and (len(earnings) > 1 or any(e.parts for e in earnings)):
        return await _post_new(uow, merchant_id, earnings)
    postings = [_base_posting(e.award) for e in earnings]
    owners = list(range(len(earnings)))  # the earning of each posting
    for index, earning in enumerate(earnings):
        for part in earning.parts:
            postings.append(_part_posting(earning.award, part))
            owners.append(index)
    results = await points.post_many(uow, merchant_id, postings)
    created: dict[int, list[EarnedPart]] = {}
    for index, posting, result in zip(owners, postings, results, strict=True):
        if not result.created:
            continue
        created.setdefault(index, []).append(
            EarnedPart(
                key=posting.idempotency_key,
                kind=posting.kind,
                origin_type=posting.origin_type or ORIGIN_RULE,
                origin_id=posting.origin_id,
                points=result.entry.delta,
                entry_id=result.entry.id,
            )
        )
    if created:
        now = utcnow()
        await uow.publish_events(
            [
                PointsEarned(
                    merchant_id=merchant_id,
                    customer_id=earnings[index].award.customer_id,
                    rule=earnings[index].award.rule,
                    source_ref=earnings[index].award.source_ref,
                    occurred_at=earnings[index].award.occurred_at or now,
                    parts=tuple(parts),
                    order=earnings[index].award.order,
                )
                for index, parts in sorted(created.items())
            ]
        )
    return results[: len(earnings)]


async def _post_new(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[Earning]
) -> list[points.PostingResult]:
    found = await points.existing_entries(uow, merchant_id, [e.award.idempotency_key for e in earnings])
    new = [e for e in earnings if e.award.idempotency_key not in found]
    posted = iter(await post(uow, merchant_id, new, fresh=True))
    return [
        points.PostingResult(found[key], created=False) if key in found else next(posted)
        for key in (e.award.idempotency_key for e in earnings)
    ]


async def award(uow: UnitOfWork, merchant_id: int, awards: Sequence[Award]) -> list[points.PostingResult]:
    """Plan and post ``awards`` (and what the steps add) as one ledger batch; returns
    the result of each award's own posting, in order. A replayed key changes nothing and
    returns the first entry (``created`` False)."""
    if not awards:
        return []
    return await post(uow, merchant_id, await plan(uow, merchant_id, awards))


async def award_one(uow: UnitOfWork, merchant_id: int, one: Award) -> points.PostingResult:
    [result] = await award(uow, merchant_id, [one])
    return result
