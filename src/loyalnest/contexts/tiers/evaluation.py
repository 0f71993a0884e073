"""Evaluating customers' tiers in the caller's unit of work: the incremental path (the
transaction that posts an earning, a refund or a cancellation), a chunk of the
whole-shop re-tier, and what a change of tier brings with it (a history row, the
``TierChanged`` event, a live update, the entry reward of a tier entered).

The rules themselves are in ``rules.evaluate``; this module reads the inputs (the
ladder, the settings, the metric over the shop's window, the customers' standing) and
writes the outcome, a batch at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.tiers import repository, rules
from loyalnest.contexts.tiers.events import TierChanged, tier_channel
from loyalnest.contexts.tiers.repository import NewEntryAward, NewHistory, NewStanding, StandingRow, TierRow
from loyalnest.platform.errors import DomainError
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import CacheKey, UnitOfWork

log = logging.getLogger(__name__)

# Entries dated after "now" (a clock a little ahead) still count: the metric is read up
# to this far past the evaluation's time.
_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Program:
    """A shop's ladder and settings as one transaction sees them."""

    merchant_id: int
    tiers: tuple[TierRow, ...]  # live, lowest rank first
    metric: str
    period: str
    retention: str
    timezone: str
    by_id: dict[int, TierRow] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return rules.zone(self.timezone)

    @property
    def policy(self) -> rules.Policy:
        return rules.Policy(self.period, self.retention, self.tz)

    @property
    def rungs(self) -> list[rules.Rung]:
        return [rules.Rung(t.id, t.rank or 0, t.threshold) for t in self.tiers]

    @property
    def multiplies(self) -> bool:
        return any(t.multiplier > 1 and t.multiplied_triggers for t in self.tiers)


PROGRAM: CacheKey[Program] = CacheKey("tiers.program")


async def load_program(uow: UnitOfWork, merchant_id: int) -> Program:
    tiers = await repository.live_tiers(uow.session, merchant_id)
    settings = await repository.get_settings(uow.session, merchant_id)
    shop = await merchants.get_merchant_in(uow, merchant_id)
    return Program(
        merchant_id=merchant_id,
        tiers=tuple(tiers),
        metric=settings.metric if settings else "points",
        period=settings.period if settings else "lifetime",
        retention=settings.retention if settings else "never",
        timezone=shop.iana_timezone if shop else "UTC",
        by_id={t.id: t for t in tiers},
    )


async def program(uow: UnitOfWork, merchant_id: int) -> Program:
    """The shop's program, read once per unit of work (a batch of webhooks earns under
    one ladder); commands that change it ``forget`` it."""
    return await uow.cached(PROGRAM, merchant_id, lambda: load_program(uow, merchant_id))


def forget_program(uow: UnitOfWork, merchant_id: int) -> None:
    uow.forget(PROGRAM, merchant_id)


def to_rules_standing(row: StandingRow) -> rules.Standing:
    return rules.Standing(
        tier_id=row.tier_id,
        metric_value=row.metric_value,
        earned_tier_id=row.earned_tier_id,
        qualified_at=row.qualified_at,
        retain_until=row.retain_until,
        manual_tier_id=row.manual_tier_id,
        manual_until=row.manual_until,
        manual_reason=row.manual_reason,
    )


def new_standing(customer_id: int, s: rules.Standing) -> NewStanding:
    return NewStanding(
        customer_id=customer_id,
        tier_id=s.tier_id,
        metric_value=s.metric_value,
        earned_tier_id=s.earned_tier_id,
        qualified_at=s.qualified_at,
        retain_until=s.retain_until,
        manual_tier_id=s.manual_tier_id,
        manual_until=s.manual_until,
        manual_reason=s.manual_reason,
    )


@dataclass
class Changes:
    """What a batch of evaluations changed, to be written together."""

    moves: list[tuple[int, rules.Move]] = field(default_factory=list)
    entered: list[tuple[int, int]] = field(default_factory=list)  # (customer, tier)


async def record_activity(
    uow: UnitOfWork,
    merchant_id: int,
    entries: Sequence[repository.MetricEntry],
    *,
    evaluate: bool,
    refunds: Collection[int] = (),
    imported: Collection[int] = (),
) -> None:
    """Append what customers did to the metric's source and, when it moves the shop's
    metric (``evaluate``), re-evaluate them now. ``refunds``: customers whose metric
    went down because of a refund or cancellation; ``imported``: customers whose metric
    moved by imported history (a change of tier is an ``import``, with no entry reward)."""
    if not entries:
        return
    await repository.append_entries(uow.session, merchant_id, entries)
    customer_ids = sorted({e.customer_id for e in entries})
    shop = await program(uow, merchant_id)
    if not evaluate or not shop.tiers:
        # the row makes the customer part of the next whole-shop re-tier
        await repository.ensure_standings(uow.session, merchant_id, customer_ids)
        return
    await evaluate_customers(uow, merchant_id, customer_ids, refunds=refunds, imported=imported)


def _as_import(outcome: rules.Outcome) -> rules.Outcome:
    """A change of tier that imported history caused: reason ``import``, no entry reward."""
    move = outcome.move
    return replace(outcome, move=None if move is None else replace(move, reason="import"), entered=None)


async def evaluate_customers(
    uow: UnitOfWork,
    merchant_id: int,
    customer_ids: Sequence[int],
    *,
    refunds: Collection[int] = (),
    imported: Collection[int] = (),
) -> int:
    """Evaluate these customers now, their rows locked until commit; returns how many
    changed tier."""
    shop = await program(uow, merchant_id)
    now = utcnow()
    rows = await repository.lock_standings(uow.session, merchant_id, customer_ids)
    values = await repository.metrics(
        uow.session,
        merchant_id,
        sorted(rows),
        metric=shop.metric,
        since=rules.window_start(shop.period, now, shop.tz),
        until=now + _FUTURE_SLACK,
    )
    rungs, policy = shop.rungs, shop.policy
    writes: list[NewStanding] = []
    changes = Changes()
    for customer_id, row in sorted(rows.items()):
        outcome = rules.evaluate(
            rungs,
            to_rules_standing(row),
            values.get(customer_id, Decimal(0)),
            now,
            policy,
            refund=customer_id in refunds,
        )
        if customer_id in imported:
            outcome = _as_import(outcome)
        writes.append(new_standing(customer_id, outcome.standing))
        _collect(changes, customer_id, outcome)
    await repository.write_standings(uow.session, merchant_id, writes, now)
    await apply_changes(uow, shop, changes, now)
    return len(changes.moves)


def _collect(changes: Changes, customer_id: int, outcome: rules.Outcome) -> None:
    if outcome.move is not None:
        changes.moves.append((customer_id, outcome.move))
    if outcome.entered is not None:
        changes.entered.append((customer_id, outcome.entered))


async def evaluate_chunk(
    uow: UnitOfWork, merchant_id: int, *, after_customer_id: int, size: int
) -> tuple[int | None, int, int]:
    """One chunk of a whole-shop re-tier: the next ``size`` customers after
    ``after_customer_id``, read without locks (a webhook may be evaluating one of them;
    a row it changed meanwhile is left as it left it). Returns (the last customer id,
    None at the end; customers read; customers whose tier changed)."""
    shop = await program(uow, merchant_id)
    now = utcnow()
    chunk = await repository.standings_chunk(
        uow.session,
        merchant_id,
        after_customer_id=after_customer_id,
        size=size,
        metric=shop.metric,
        since=rules.window_start(shop.period, now, shop.tz),
        until=now + _FUTURE_SLACK,
    )
    if not chunk:
        return None, 0, 0
    rungs, policy = shop.rungs, shop.policy
    writes: list[NewStanding] = []
    seen: list[datetime | None] = []
    changes = Changes()
    for item in chunk:
        before = to_rules_standing(item.standing)
        outcome = rules.evaluate(rungs, before, item.metric, now, policy)
        if outcome.standing == before and outcome.move is None:
            continue  # nothing to write: most customers of a re-tier
        writes.append(new_standing(item.standing.customer_id, outcome.standing))
        seen.append(item.standing.evaluated_at)
        _collect(changes, item.standing.customer_id, outcome)
    # entry rewards first: the points accounts are locked before the standings, the
    # order the earning path takes (the ledger, then its handlers). A customer whose row
    # a webhook changed meanwhile may get the reward here rather than there: once still.
    if changes.entered:
        await give_entry_rewards(uow, shop, changes.entered, now)
    written = await repository.write_standings(uow.session, merchant_id, writes, now, seen_at=seen)
    moves = [(c, m) for c, m in changes.moves if c in written]
    await record_moves(uow, shop, moves, now)
    return chunk[-1].standing.customer_id, len(chunk), len(moves)


async def apply_changes(uow: UnitOfWork, shop: Program, changes: Changes, now: datetime) -> None:
    """History rows, ``TierChanged`` events, live updates and entry rewards of a batch."""
    await record_moves(uow, shop, changes.moves, now)
    if changes.entered:
        await give_entry_rewards(uow, shop, changes.entered, now)


async def record_moves(
    uow: UnitOfWork,
    shop: Program,
    moves: Sequence[tuple[int, rules.Move]],
    now: datetime,
    *,
    actor: str | None = None,
    note: str | None = None,
) -> None:
    """A history row, a ``TierChanged`` event and a live update per change of tier."""
    merchant_id = shop.merchant_id
    changes = Changes(moves=list(moves))
    if changes.moves:
        await repository.insert_history(
            uow.session,
            merchant_id,
            [
                NewHistory(c, m.from_tier_id, m.to_tier_id, m.reason, note=note, actor=actor)
                for c, m in changes.moves
            ],
            now,
        )
        events = [
            TierChanged(
                merchant_id=merchant_id,
                customer_id=c,
                from_tier_id=m.from_tier_id,
                to_tier_id=m.to_tier_id,
                reason=m.reason,
                occurred_at=now,
            )
            for c, m in changes.moves
        ]
        for event in events:
            uow.publish(tier_channel(merchant_id, event.customer_id), event.to_payload())
        await uow.publish_events(events)


def entry_bonus_key(tier_id: int, customer_id: int, period_key: str) -> str:
    return f"tier:{tier_id}:entry:{customer_id}:{period_key}"


async def give_entry_rewards(
    uow: UnitOfWork, shop: Program, entered: Sequence[tuple[int, int]], now: datetime
) -> None:
    """The entry reward of each tier entered, once per customer, tier and period: the
    award row decides (a replay, a second path, a climb back in the same year give
    nothing), then the bonus points (one ledger batch) and the reward codes."""
    period_key = rules.period_key(shop.period, now, shop.tz)
    due = [
        NewEntryAward(c, t, period_key, shop.by_id[t].entry_bonus_points, shop.by_id[t].entry_reward_id)
        for c, t in entered
        if t in shop.by_id and (shop.by_id[t].entry_bonus_points > 0 or shop.by_id[t].entry_reward_id)
    ]
    if not due:
        return
    new = await repository.insert_entry_awards(uow.session, shop.merchant_id, due)
    given = [a for a in due if (a.customer_id, a.tier_id, a.period_key) in new]
    postings = [
        points.Posting(
            customer_id=a.customer_id,
            delta=a.bonus_points,
            kind=rules.ENTRY_BONUS_KIND,
            source=rules.ENTRY_BONUS_SOURCE,
            source_ref=f"tier:{a.tier_id}",
            idempotency_key=entry_bonus_key(a.tier_id, a.customer_id, a.period_key),
            reason=f"Welcome to {shop.by_id[a.tier_id].names[shop.by_id[a.tier_id].default_locale]}",
            origin_type="tier",
            origin_id=a.tier_id,
        )
        for a in sorted(given, key=lambda a: (a.customer_id, a.tier_id))
        if a.bonus_points > 0
    ]
    if postings:
        await points.post_many(uow, shop.merchant_id, postings)
    for award in given:
        if award.reward_id is None:
            continue
        try:
            await rewards.grant_reward(
                uow,
                merchant_id=shop.merchant_id,
                customer_id=award.customer_id,
                reward_id=award.reward_id,
                actor=f"tier:{award.tier_id}",
            )
        except DomainError as exc:
            # the reward was archived or is out of its window: the tier still counts
            log.warning(
                "tier entry reward not issued",
                extra={"merchant_id": shop.merchant_id, "tier_id": award.tier_id, "code": exc.code},
            )


# --- for other contexts (through api), in the caller's transaction --------------------------


async def tier_ids_of(
    uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, int | None]:
    """The live tier each customer holds now (manual tiers included), read in the
    caller's transaction: {customer id: tier id, or None for no tier}, one entry per
    id asked for."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    held = await repository.tier_ids_of(uow.session, merchant_id, ids)
    live = (await program(uow, merchant_id)).by_id
    return {customer_id: t if (t := held.get(customer_id)) in live else None for customer_id in ids}


async def existing_tier_ids(uow: UnitOfWork, merchant_id: int, tier_ids: Sequence[int]) -> set[int]:
    """The ids among ``tier_ids`` that are live tiers of this shop (another shop's id,
    a deleted tier or an unknown id is left out), in the caller's transaction."""
    ids = sorted(set(tier_ids))
    if not ids:
        return set()
    return await repository.existing_tier_ids(uow.session, merchant_id, ids)
