"""The campaigns step of the earning pipeline: gather what the rules need for a batch
of earnings (in as few statements as the batch's campaigns require, never one per
campaign), let ``rules.decide_batch`` decide, and append the parts.

Statements per batch: the shop's campaigns version (one primary-key read per unit of
work; the campaigns themselves come from the process's snapshot). Then only what the
live campaigns ask for: tiers (one), customer tags (one), product tags (one), the
customers' past orders (one), and the counters of capped campaigns (one or two, locked
unless ``dry_run``). Nothing is written with ``dry_run``: the counters are read, not
locked, and nothing else writes here anyway (counting happens from ``PointsEarned``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from loyalnest.contexts.campaigns import repository, rules
from loyalnest.contexts.campaigns.snapshot import Snapshot, snapshot_in
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork


def _moment(earn: earning.Earning, now: datetime) -> datetime:
    return earn.award.occurred_at or now


def _prior_multipliers(earn: earning.Earning) -> tuple[rules.MultiplierPart, ...]:
    return tuple(
        rules.MultiplierPart(index=i, points=part.points, multiplier=part.multiplier)
        for i, part in enumerate(earn.parts)
        if part.multiplier is not None and part.origin_type != earning.ORIGIN_CAMPAIGN
    )


async def apply_campaign_effects(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], *, dry_run: bool
) -> None:
    shop = await snapshot_in(uow, merchant_id)
    if not shop.campaigns:
        return
    now = utcnow()
    moments = [_moment(e, now) for e in earnings]
    triggers = {e.award.rule for e in earnings}
    campaigns = [c for c in shop.campaigns if rules.possibly_live(c, moments, triggers)]
    if not campaigns:
        return
    batch = await _facts(uow, merchant_id, earnings, moments, campaigns)
    usage = await _usage(uow, merchant_id, campaigns, batch, lock=not dry_run)
    decisions = rules.decide_batch(
        campaigns, batch, tz=shop.tz, max_total_multiplier=shop.max_total_multiplier, usage=usage
    )
    for earn, decision in zip(earnings, decisions, strict=True):
        _apply(earn, decision)


def _apply(earn: earning.Earning, decision: rules.Decision) -> None:
    for index, lowered, multiplier in decision.lowered:
        earn.parts[index] = dataclasses.replace(earn.parts[index], points=lowered, multiplier=multiplier)
    for part in decision.parts:
        earn.parts.append(
            earning.Part(
                suffix=f"campaign:{part.campaign_id}",
                points=part.points,
                kind="campaign",
                origin_type=earning.ORIGIN_CAMPAIGN,
                origin_id=part.campaign_id,
                label=part.label,
                multiplier=part.multiplier,
            )
        )


async def _facts(
    uow: UnitOfWork,
    merchant_id: int,
    earnings: Sequence[earning.Earning],
    moments: Sequence[datetime],
    campaigns: Sequence[rules.CampaignRule],
) -> list[rules.EarningFacts]:
    """What the rules look at, each kind of fact read once for the batch, and only when
    a live campaign asks for it."""
    kinds: set[str] = set()
    for campaign in campaigns:
        kinds |= campaign.conditions.clause_kinds()
    wants_product_tags = any(c.conditions.product_tags for c in campaigns)
    wants_nth = any(c.conditions.nth_order is not None for c in campaigns)
    customer_ids = sorted({e.award.customer_id for e in earnings})
    tier_of: dict[int, int | None] = {}
    if rules.TIER_CLAUSE in kinds:
        tier_of = await tiers.tier_ids_of(uow, merchant_id, customer_ids)
    tags_of: dict[int, frozenset[str]] = {}
    if rules.CUSTOMER_TAG_CLAUSE in kinds:
        found = await customers.tags_in(uow, merchant_id, customer_ids)
        tags_of = {cid: frozenset(rules.normalise_tag(t) for t in tags) for cid, tags in found.items()}
    product_tags: dict[int, frozenset[str]] = {}
    if wants_product_tags:
        product_ids = sorted(
            {
                line.product_id
                for e in earnings
                if e.award.order is not None
                for line in e.award.order.lines
                if line.product_id is not None
            }
        )
        if product_ids:
            product_tags = await earning.product_tags_in(uow, merchant_id, product_ids)
    order_numbers = await _order_numbers(uow, merchant_id, earnings) if wants_nth else {}
    batch = []
    for index, (earn, at) in enumerate(zip(earnings, moments, strict=True)):
        award = earn.award
        order = award.order
        lines: tuple[rules.LineFacts, ...] = ()
        if order is not None:
            lines = tuple(
                rules.LineFacts(
                    product_id=line.product_id,
                    quantity=line.quantity,
                    amount=line.amount,
                    tags=product_tags.get(line.product_id, frozenset()) if line.product_id else frozenset(),
                )
                for line in order.lines
            )
        batch.append(
            rules.EarningFacts(
                customer_id=award.customer_id,
                trigger=award.rule,
                base_points=award.points,
                at=at,
                subtotal=None if order is None else order.subtotal,
                lines=lines,
                order_number=order_numbers.get(index),
                tier_id=tier_of.get(award.customer_id),
                customer_tags=tags_of.get(award.customer_id, frozenset()),
                prior_multipliers=_prior_multipliers(earn),
            )
        )
    return batch


async def _order_numbers(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning]
) -> dict[int, int]:
    """{index in the batch: which of its customer's orders it is}: the orders recorded
    before this batch, plus this batch's earlier orders of the same customer."""
    orders = [(i, e.award.customer_id) for i, e in enumerate(earnings) if e.award.order is not None]
    if not orders:
        return {}
    counted = await earning.count_customer_orders(uow, merchant_id, sorted({cid for _, cid in orders}))
    seen: dict[int, int] = {}
    numbers = {}
    for index, customer_id in orders:
        seen[customer_id] = seen.get(customer_id, 0) + 1
        numbers[index] = counted.get(customer_id, 0) + seen[customer_id]
    return numbers


async def _usage(
    uow: UnitOfWork,
    merchant_id: int,
    campaigns: Sequence[rules.CampaignRule],
    batch: Sequence[rules.EarningFacts],
    *,
    lock: bool,
) -> rules.Usage:
    """The counters the caps of these campaigns need (locked for the rest of the
    transaction when the earnings will be posted), read once for the batch."""
    usage = rules.Usage()
    budgeted = [c.id for c in campaigns if c.points_budget is not None]
    if budgeted:
        usage.issued = await repository.issued_points(uow.session, merchant_id, budgeted, lock=lock)
    capped = [c.id for c in campaigns if c.has_customer_caps]
    if capped:
        customer_ids = sorted({facts.customer_id for facts in batch})
        found = await customer_uses(uow, merchant_id, capped, customer_ids, lock=lock)
        usage.customers = {key: rules.CustomerUse(uses, points) for key, (uses, points) in found.items()}
    return usage


async def customer_uses(
    uow: UnitOfWork, merchant_id: int, campaign_ids: Sequence[int], customer_ids: Sequence[int], *, lock: bool
) -> dict[tuple[int, int], tuple[int, int]]:
    """{(campaign, customer): (uses, points)} of capped campaigns, the rows locked (and
    created where missing) with ``lock``. Only capped campaigns keep a row per customer
    (an uncapped one's reach is read from the ledger, see ``results``), so a missing
    row starts from what the ledger says the campaign gave the customer: its caps may
    have been set while it ran, and count what it gave before."""
    pairs = [(campaign_id, customer_id) for campaign_id in campaign_ids for customer_id in customer_ids]
    found = await repository.customer_uses(uow.session, merchant_id, pairs, lock=lock)
    missing = [pair for pair in pairs if pair not in found]
    if not missing:
        return found
    before = await points.origin_totals(
        uow,
        merchant_id,
        earning.ORIGIN_CAMPAIGN,
        sorted({c for c, _ in missing}),
        sorted({u for _, u in missing}),
    )
    initial = {(c, u): before.get((u, c), (0, 0)) for c, u in missing}
    if lock:
        initial = await repository.create_customer_uses(uow.session, merchant_id, initial)
    return {**found, **initial}


async def campaigns_for_customer(
    uow: UnitOfWork, merchant_id: int, customer_id: int | None, *, at: datetime | None = None
) -> tuple[Snapshot, list[int]]:
    """The running campaigns whose audience includes the customer (the storefront's
    "campaigns for you"), as ids in stacking order, with the snapshot they come from."""
    shop = await snapshot_in(uow, merchant_id)
    moment = at or utcnow()
    running = [c for c in shop.campaigns if rules.is_live_at(c, moment, shop.tz)]
    if not running:
        return shop, []
    kinds: set[str] = set()
    for campaign in running:
        kinds |= campaign.conditions.clause_kinds()
    tier_id = None
    tags: frozenset[str] = frozenset()
    if customer_id is not None and rules.TIER_CLAUSE in kinds:
        tier_id = (await tiers.tier_ids_of(uow, merchant_id, [customer_id])).get(customer_id)
    if customer_id is not None and rules.CUSTOMER_TAG_CLAUSE in kinds:
        found = await customers.tags_in(uow, merchant_id, [customer_id])
        tags = frozenset(rules.normalise_tag(t) for t in found.get(customer_id, ()))
    chosen = [
        c
        for c in sorted(running, key=lambda c: (-c.priority, c.id))
        if rules.applies_to_customer(c, at=moment, tz=shop.tz, tier_id=tier_id, tags=tags)
    ]
    return shop, [c.id for c in chosen]
