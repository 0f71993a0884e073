"""What an import from another loyalty app does to tiers, in the import's own
transaction (a chunk of rows at a time):

- the points the customer earned with the old app count toward the points metric
  (one metric entry, dated at the import: the old app's dates are not known per point);
- a tier the file names is put on the customer as a qualification with reason
  ``import`` (no entry reward: they did not climb here), counted from now, so the shop's
  retention policy then applies to it as to any tier reached;
- a customer the file names no tier for is evaluated on the metric (a change is an
  ``import`` too);
- a revert takes the points back out of the metric and puts back the tier each
  customer held before, when the import's tier is still the one held.

A manual tier is never touched: staff decided it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from loyalnest.contexts.tiers import evaluation, repository, rules
from loyalnest.contexts.tiers.repository import MetricEntry
from loyalnest.platform import db
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

IMPORT = "import"


@dataclass(frozen=True, slots=True)
class ImportedStanding:
    """One customer of an import: the points they earned with the old app (lifetime,
    else their balance) and the tier the file names (None: the metric decides)."""

    customer_id: int
    points: int = 0
    tier_id: int | None = None


@dataclass(frozen=True, slots=True)
class TierRestore:
    """What a revert puts back: ``prior_tier_id`` if ``imported_tier_id`` is still held."""

    customer_id: int
    points: int
    imported_tier_id: int | None
    prior_tier_id: int | None


async def tier_names(uow: UnitOfWork, merchant_id: int) -> dict[str, int]:
    """{a name of a live tier in any locale, as the shop spells it: its id}: how an
    import's file names tiers (files hold whatever name the old app showed; the reader
    matches them case-insensitively)."""
    shop = await evaluation.program(uow, merchant_id)
    names: dict[str, int] = {}
    # lower ranks first, so a name two tiers share (unlikely) goes to the higher one
    for tier in shop.tiers:
        for name in tier.names.values():
            names[name] = tier.id
    return names


async def import_standings(
    uow: UnitOfWork, merchant_id: int, items: Sequence[ImportedStanding]
) -> dict[int, int | None]:
    """Apply a chunk of an import (see the module docstring); returns {customer: tier
    held before} for the customers whose tier the file set, for the revert."""
    if not items:
        return {}
    shop = await evaluation.program(uow, merchant_id)
    now = utcnow()
    entries = [MetricEntry(i.customer_id, now, points=i.points) for i in items if i.points]
    if entries:
        await repository.append_entries(uow.session, merchant_id, entries)
    if not shop.tiers:
        await repository.ensure_standings(uow.session, merchant_id, [i.customer_id for i in items])
        return {}
    named = {i.customer_id: i.tier_id for i in items if i.tier_id in shop.by_id}
    unnamed = sorted({i.customer_id for i in items} - set(named))
    if unnamed:
        await evaluation.evaluate_customers(uow, merchant_id, unnamed, imported=set(unnamed))
    if not named:
        return {}
    rows = await repository.lock_standings(uow.session, merchant_id, list(named))
    writes, moves, before = [], [], {}
    for customer_id, tier_id in sorted(named.items()):
        standing = evaluation.to_rules_standing(rows[customer_id])
        if standing.manual_tier_id is not None:
            continue
        before[customer_id] = standing.tier_id
        placed = replace(standing, tier_id=tier_id, qualified_at=now, retain_until=None)
        writes.append(evaluation.new_standing(customer_id, placed))
        if standing.tier_id != tier_id:
            moves.append((customer_id, rules.Move(standing.tier_id, tier_id, IMPORT)))
    await repository.write_standings(uow.session, merchant_id, writes, now)
    await evaluation.record_moves(uow, shop, moves, now, actor=IMPORT)
    return before


async def restore_standings(uow: UnitOfWork, merchant_id: int, items: Sequence[TierRestore]) -> int:
    """Take an import's chunk back (see the module docstring); returns the customers
    whose tier went back."""
    if not items:
        return 0
    now = utcnow()
    entries = [MetricEntry(i.customer_id, now, points=-i.points) for i in items if i.points]
    if entries:
        await repository.append_entries(uow.session, merchant_id, entries)
    shop = await evaluation.program(uow, merchant_id)
    placed = {i.customer_id: i for i in items if i.imported_tier_id is not None}
    rows = await repository.lock_standings(uow.session, merchant_id, list(placed)) if placed else {}
    writes, moves = [], []
    for customer_id, item in sorted(placed.items()):
        standing = evaluation.to_rules_standing(rows[customer_id])
        if standing.manual_tier_id is not None or standing.tier_id != item.imported_tier_id:
            continue  # changed since: what happened after the import stands
        prior = item.prior_tier_id if item.prior_tier_id in shop.by_id else None
        restored = replace(standing, tier_id=prior, retain_until=None)
        writes.append(evaluation.new_standing(customer_id, restored))
        if prior != standing.tier_id:
            moves.append((customer_id, rules.Move(standing.tier_id, prior, IMPORT)))
    await repository.write_standings(uow.session, merchant_id, writes, now)
    await evaluation.record_moves(uow, shop, moves, now, actor=IMPORT, note="import reverted")
    return len(moves)


# the tables an import fills
BULK_TABLES = ("customer_tiers", "tier_metric_entries")


async def refresh_statistics() -> None:
    """Fresh planner statistics for the tables an import is filling (see
    ``platform.db.refresh_statistics``)."""
    await db.refresh_statistics(BULK_TABLES)
