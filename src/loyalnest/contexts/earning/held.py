"""Points held as pending for no order: an import's pending points (LoyaltyLion's
"Points pending": still in the old app's approval period when the file was made).

They wait in ``held_points`` like an order's pending points wait in ``pending_points``
(shown in ``pendingPoints``, in no balance and no ledger row), for the shop's pending
period from when they were held, and the release pass posts each under the key its
holder chose, as the kind its holder chose (an import's: ``import``, so its revert
finds them among what the import credited). No tier multiplier or campaign applies:
they were earned with the old app, not through one of this shop's triggers; once
released they are earned all the same (``PointsEarned``, rule = their source), so a
tier that counts points counts them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalnest.contexts.earning.events import EarnedPart, PointsEarned
from loyalnest.contexts.earning.pipeline import ORIGIN_RULE
from loyalnest.contexts.earning.purchase import purchase_rule_in
from loyalnest.contexts.earning.repository import held as repository
from loyalnest.contexts.points import api as points
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class HeldPoints:
    """Points to hold for a customer, posted under ``key`` when released."""

    key: str
    customer_id: int
    points: int
    source_ref: str | None = None


async def hold_points(
    uow: UnitOfWork,
    merchant_id: int,
    held: Sequence[HeldPoints],
    *,
    kind: str,
    source: str,
    reason: str | None = None,
) -> datetime | None:
    """Hold the points for the shop's pending period, from now (a key held already is
    left as it is: a replayed chunk holds nothing twice). Returns when they are
    released, None when there was nothing to hold."""
    rows = [(h.key, h.customer_id, h.points, h.source_ref) for h in held if h.points > 0]
    if not rows:
        return None
    settings = await purchase_rule_in(uow, merchant_id)
    release_at = utcnow() + timedelta(days=settings.pending_days)
    await repository.hold(
        uow.session, merchant_id, rows, kind=kind, source=source, reason=reason, release_at=release_at
    )
    return release_at


async def cancel_held(uow: UnitOfWork, merchant_id: int, keys: Sequence[str]) -> set[str]:
    """Cancel those of ``keys`` still waiting; returns them (the others were released,
    or never held)."""
    return await repository.cancel(uow.session, merchant_id, keys)


async def release_held(uow: UnitOfWork, merchant_id: int, keys: Sequence[str]) -> int:
    """Post those of ``keys`` still waiting and due, each once (its key), in the caller's
    transaction. Returns the points released."""
    now = utcnow()
    due = await repository.lock_due(uow.session, merchant_id, keys, now)
    if not due:
        return 0
    taken = await points.existing_entries(uow, merchant_id, [row.key for row in due])
    fresh = [row for row in due if row.key not in taken]
    results = await points.post_many(
        uow,
        merchant_id,
        [
            points.Posting(
                customer_id=row.customer_id,
                delta=row.points,
                kind=row.kind,
                source=row.source,
                idempotency_key=row.key,
                source_ref=row.source_ref,
                reason=row.reason,
            )
            for row in fresh
        ],
    )
    # earned now, as far as the program is concerned: a tier counting points counts them
    await uow.publish_events(
        [
            PointsEarned(
                merchant_id=merchant_id,
                customer_id=row.customer_id,
                rule=row.source,
                source_ref=row.source_ref,
                occurred_at=now,
                parts=(EarnedPart(row.key, row.kind, ORIGIN_RULE, None, row.points, result.entry.id),),
            )
            for row, result in zip(fresh, results, strict=True)
        ]
    )
    await repository.mark_released(uow.session, merchant_id, [row.key for row in due])
    return sum(row.points for row in fresh)
