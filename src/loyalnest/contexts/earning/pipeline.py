"""The one way a trigger becomes points: every earning (an order's purchase points, a
signup, a newsletter, a birthday, a review, a custom award) is an ``Award`` the base
rule computed, goes through the steps below, and reaches the ledger as one batch of
postings.

    base rule (the trigger's command)  ->  steps  ->  points.post_many (one batch)

The steps are registered by the contexts that own them (``@earning.pipeline_step(...)``
in e.g. ``tiers/handlers.py``: the tier multiplier, campaign effects, caps), each with an
``order``; earning runs them in that order without knowing who they are. A step gets
the batch's postings (the base ones first, in the awards' order) and returns them: it
may add postings of its own (a tier bonus as its own ledger row, with its own
idempotency key derived from the base one, so refunds take each part back in
proportion), but never drops, reorders or changes the base postings' keys: existing
ledgers depend on them (``order:<id>:earn``, ``signup:<customer>``, ...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from loyalnest.contexts.points import api as points
from loyalnest.platform.uow import UnitOfWork


@dataclass(frozen=True)
class Award:
    """What a base rule gives one customer for one trigger."""

    customer_id: int
    points: int
    # the earning rule (the ledger entry's source): "order", "signup", "birthday", ...
    rule: str
    idempotency_key: str
    source_ref: str | None = None
    reason: str | None = None
    actor: str | None = None


Step = Callable[[UnitOfWork, int, list[points.Posting]], Awaitable[list[points.Posting]]]

# Between the base rule and the ledger: (order, name, step), run by ascending order.
_steps: dict[str, tuple[int, Step]] = {}


def pipeline_step(name: str, *, order: int) -> Callable[[Step], Step]:
    """Register ``async def step(uow, merchant_id, postings) -> postings`` under ``name``
    ("<ctx>.<what>"). Lower ``order`` runs first (say multipliers 100, campaigns 200,
    caps 900). Registering the same name again replaces it (a module imported twice)."""

    def register(step: Step) -> Step:
        _steps[name] = (order, step)
        return step

    return register


def steps() -> list[Step]:
    return [step for _, step in sorted(_steps.values(), key=lambda item: item[0])]


def _posting(award: Award) -> points.Posting:
    return points.Posting(
        customer_id=award.customer_id,
        delta=award.points,
        kind="earn",
        source=award.rule,
        source_ref=award.source_ref,
        idempotency_key=award.idempotency_key,
        reason=award.reason,
        actor=award.actor,
    )


async def award(uow: UnitOfWork, merchant_id: int, awards: Sequence[Award]) -> list[points.PostingResult]:
    """Post ``awards`` (and what the steps add) as one ledger batch; returns the result
    of each award's own posting, in order. A replayed key changes nothing and returns
    the first entry (``created`` False)."""
    if not awards:
        return []
    if any(a.points <= 0 for a in awards):
        raise ValueError("an award must be positive")
    postings = [_posting(a) for a in awards]
    for step in steps():
        postings = await step(uow, merchant_id, postings)
    results = await points.post_many(uow, merchant_id, postings)
    return results[: len(awards)]


async def award_one(uow: UnitOfWork, merchant_id: int, one: Award) -> points.PostingResult:
    [result] = await award(uow, merchant_id, [one])
    return result
