"""What campaigns have done, counted from the earning context's events in the same
transaction as the ledger rows they describe (replays publish nothing, so nothing is
counted twice):

- ``PointsEarned``: a campaign's parts add to its points issued and its customers'
  uses (the per-customer caps, and the customers it reached); a campaign whose budget
  is spent ends here, by itself.
- ``EarningReversed``: what refunds and cancellations took back from campaign parts
  comes off the points issued (and the customer's points; uses stay used).
- ``OrderSpendChanged``: the orders a campaign affected and their revenue. The event
  names the campaigns that added to the order (``origins``, planned when it was placed,
  so an order held as pending counts once, when placed), and refunds and cancellations
  adjust them from the same list: no row per order and campaign is written for them.
  An order that used a campaign's discount code counts a discount use; if the campaign
  gave it no points, it is an affected order too, remembered in ``campaign_orders`` so
  that its refunds find it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.campaigns import repository, snapshot
from loyalnest.contexts.campaigns.commands import CAMPAIGNS_QUEUE, SYNC_DISCOUNT_ACTOR
from loyalnest.contexts.campaigns.repository import OrderTouch, ResultsChange
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.earning.events import EarningReversed, OrderSpendChanged, PointsEarned
from loyalnest.contexts.points import api as points
from loyalnest.platform.uow import UnitOfWork


class _Tally:
    def __init__(self) -> None:
        self.points: dict[int, int] = defaultdict(int)
        self.orders: dict[int, int] = defaultdict(int)
        self.customers: dict[int, int] = defaultdict(int)
        self.revenue: dict[int, Decimal] = defaultdict(Decimal)
        self.discount_uses: dict[int, int] = defaultdict(int)

    def changes(self) -> list[ResultsChange]:
        ids = set(self.points) | set(self.orders) | set(self.customers) | set(self.revenue)
        ids |= set(self.discount_uses)
        return [
            ResultsChange(
                campaign_id=i,
                points=self.points.get(i, 0),
                orders=self.orders.get(i, 0),
                customers=self.customers.get(i, 0),
                revenue=self.revenue.get(i, Decimal(0)),
                discount_uses=self.discount_uses.get(i, 0),
            )
            for i in sorted(ids)
        ]


async def record_points_earned(uow: UnitOfWork, merchant_id: int, events: Sequence[PointsEarned]) -> None:
    tally = _Tally()
    uses: dict[tuple[int, int], list[int]] = {}
    first_entry: dict[int, int] = {}  # each customer's first row of this batch
    for event in events:
        for part in event.parts:
            if part.origin_type != earning.ORIGIN_CAMPAIGN or part.origin_id is None:
                continue
            campaign_id = part.origin_id
            tally.points[campaign_id] += part.points
            use = uses.setdefault((campaign_id, event.customer_id), [0, 0])
            use[0] += 1
            use[1] += part.points
            if part.entry_id is not None:
                first_entry[event.customer_id] = min(
                    part.entry_id, first_entry.get(event.customer_id, part.entry_id)
                )
    if not uses:
        return
    await _count_reach(uow, merchant_id, uses, first_entry, tally)
    await repository.add_results(uow.session, merchant_id, tally.changes())
    await _end_exhausted(uow, merchant_id, sorted(tally.points))


async def _count_reach(
    uow: UnitOfWork,
    merchant_id: int,
    uses: dict[tuple[int, int], list[int]],
    first_entry: dict[int, int],
    tally: _Tally,
) -> None:
    """Customers reached for the first time. Capped campaigns count each customer's
    uses and points (their caps need them); the others keep no row per customer, which
    a shop's campaigns times its customers would make the biggest table of all: a
    customer is new to one when no earlier ledger row of theirs came from it."""
    shop = await snapshot.snapshot_in(uow, merchant_id)
    # a campaign missing from the snapshot (ended meanwhile) is counted the safe way
    uncapped = {c.id for c in shop.campaigns if not c.has_customer_caps}
    counted = [(c, u, n, p) for (c, u), (n, p) in uses.items() if c not in uncapped]
    if counted:
        for campaign_id, count in (
            await repository.add_customer_uses(uow.session, merchant_id, counted)
        ).items():
            tally.customers[campaign_id] += count
    read = {(c, u) for c, u in uses if c in uncapped and u in first_entry}
    if read:
        seen = await points.origins_before(
            uow,
            merchant_id,
            earning.ORIGIN_CAMPAIGN,
            sorted({c for c, _ in read}),
            {u: first_entry[u] for _, u in read},
        )
        for campaign_id, customer_id in read:
            if (customer_id, campaign_id) not in seen:
                tally.customers[campaign_id] += 1


async def _end_exhausted(uow: UnitOfWork, merchant_id: int, campaign_ids: list[int]) -> None:
    shop = await snapshot.snapshot_in(uow, merchant_id)
    budgeted = {c.id for c in shop.campaigns if c.points_budget is not None}
    candidates = [i for i in campaign_ids if i in budgeted]
    if not candidates:
        return
    ended = await repository.end_exhausted(uow.session, merchant_id, candidates)
    if not ended:
        return
    await repository.bump_version(uow.session, merchant_id)
    snapshot.changed(uow, merchant_id)
    for campaign_id, has_discount in ended:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor="system",
            action="campaign.ended",
            target_type="Campaign",
            target_id=str(campaign_id),
            details={"reason": "budget"},
        )
        if has_discount:
            uow.enqueue(
                SYNC_DISCOUNT_ACTOR,
                queue_name=CAMPAIGNS_QUEUE,
                merchant_id=merchant_id,
                campaign_id=campaign_id,
            )


async def record_reversals(uow: UnitOfWork, merchant_id: int, events: Sequence[EarningReversed]) -> None:
    tally = _Tally()
    taken: dict[tuple[int, int], int] = defaultdict(int)
    for event in events:
        for part in event.parts:
            if part.origin_type != earning.ORIGIN_CAMPAIGN or part.origin_id is None:
                continue
            tally.points[part.origin_id] += part.points
            taken[(part.origin_id, event.customer_id)] += part.points
    if not taken:
        return
    shop = await snapshot.snapshot_in(uow, merchant_id)
    uncapped = {c.id for c in shop.campaigns if not c.has_customer_caps}
    # only capped campaigns count points per customer (a missing row is created from
    # the ledger, which holds this reversal already, when the campaign next applies)
    counted = [(c, u, 0, p) for (c, u), p in taken.items() if c not in uncapped]
    if counted:
        await repository.add_customer_uses(uow.session, merchant_id, counted)
    await repository.add_results(uow.session, merchant_id, tally.changes())


async def record_spend_changes(
    uow: UnitOfWork, merchant_id: int, events: Sequence[OrderSpendChanged]
) -> None:
    tally = _Tally()
    for event in events:
        # the campaigns that added to the order: each counts it once, and its refunds
        for campaign_id in _campaigns_of(event):
            tally.revenue[campaign_id] += event.amount
            tally.orders[campaign_id] += event.orders
    await _count_discount_uses(uow, merchant_id, events, tally)
    for event in events:
        if event.reason in ("placed", "imported") or (event.amount == 0 and event.orders == 0):
            continue
        # orders counted through a campaign's discount code alone
        for campaign_id, revenue_change, cancelled in await repository.change_order_revenue(
            uow.session, merchant_id, event.shopify_order_id, event.amount, cancelled=event.orders < 0
        ):
            tally.revenue[campaign_id] += revenue_change
            if cancelled:
                tally.orders[campaign_id] -= 1
    await repository.add_results(uow.session, merchant_id, tally.changes())


def _campaigns_of(event: OrderSpendChanged) -> list[int]:
    return [origin_id for origin_type, origin_id in event.origins if origin_type == earning.ORIGIN_CAMPAIGN]


async def _count_discount_uses(
    uow: UnitOfWork, merchant_id: int, events: Sequence[OrderSpendChanged], tally: _Tally
) -> None:
    """Orders placed with a campaign's discount code: a discount use each; an affected
    order too where the campaign gave it no points (counted above otherwise)."""
    placed = [e for e in events if e.reason == "placed" and e.discount_codes]
    if not placed:
        return
    codes = sorted({code.strip().lower() for e in placed for code in e.discount_codes if code.strip()})
    by_code = await repository.campaigns_by_discount_codes(uow.session, merchant_id, codes)
    touches = []
    for event in placed:
        earned_from = set(_campaigns_of(event))
        used = {
            cid for code in {c.strip().lower() for c in event.discount_codes} for cid in by_code.get(code, ())
        }
        for campaign_id in sorted(used):
            tally.discount_uses[campaign_id] += 1
            if campaign_id not in earned_from:
                touches.append(
                    OrderTouch(
                        campaign_id=campaign_id,
                        shopify_order_id=event.shopify_order_id,
                        customer_id=event.customer_id,
                        revenue=max(event.amount, Decimal(0)),
                        via_discount=True,
                    )
                )
    for campaign_id, revenue, new_order, _ in await repository.touch_orders(
        uow.session, merchant_id, touches
    ):
        if new_order:
            tally.orders[campaign_id] += 1
            tally.revenue[campaign_id] += revenue
