"""Opening balances an import brings: what customers earned with another loyalty app
and what is left of it, a chunk of thousands of customers at a time.

Each opening is an ``import`` credit of what was earned, opening a lot under the shop's
expiry rule, and, when some of it was spent there, an ``import`` debit of the difference
taking from that lot: the balance is the file's and lifetime earned keeps what they
earned. That is what the posting path writes for two batches (the credits, then the
debits); for a customer without an account it is fully determined by the opening
itself (no older lots to expire or spend first, no earlier activity, lifetime from
zero), so those are written set-based, a few statements for the whole chunk
(``repository.write_openings``). A customer with an account already goes through the
posting path (``post_many``), which reads their lots; so does every key used before,
which posts nothing (a chunk redone after a killed worker, the same file imported twice).
"""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import OpeningBalance, OpeningsPosted, Posting
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.contexts.points.ledger import policy
from loyalnest.contexts.points.ledger.posting import ConcurrentPosting, post_many
from loyalnest.platform import db
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

KIND = "import"


async def post_opening_balances(
    uow: UnitOfWork,
    merchant_id: int,
    openings: Sequence[OpeningBalance],
    *,
    source: str,
    source_ref: str | None,
    reason: str | None,
    spent_reason: str | None,
    actor: str | None,
) -> OpeningsPosted:
    """Post the openings (one per key: a second one under the same key is the same
    posting, as in a batch); returns what was posted now. Ledger, lots, accounts and
    live updates are those of the posting path (see the module docstring)."""
    unique: dict[str, OpeningBalance] = {}
    for opening in openings:
        if opening.earned <= 0 or not 0 <= opening.balance <= opening.earned:
            raise ValueError(f"an opening earns more than nothing and keeps at most that: {opening}")
        unique.setdefault(opening.key, opening)
    if not unique:
        return OpeningsPosted({}, 0)
    chosen = list(unique.values())
    used = await repository.taken_keys(
        uow.session, merchant_id, [k for o in chosen for k in (o.key, o.spent_key)]
    )
    # a customer once per statement (two keys of one customer go the posting path's way)
    counted: dict[int, int] = {}
    for o in chosen:
        counted[o.customer_id] = counted.get(o.customer_id, 0) + 1
    fresh = [
        o for o in chosen if o.key not in used and o.spent_key not in used and counted[o.customer_id] == 1
    ]
    now = utcnow()
    rule = await policy.expiry_rule(uow, merchant_id)
    # a new account's last activity is this credit: a lot that follows activity starts now
    expiry = rules.lot_expiry(
        rule.policy, rule.days, earned_at=now, last_activity_at=now, timezone=rule.timezone
    )
    written = await repository.write_openings(
        uow.session,
        merchant_id,
        customer_ids=[o.customer_id for o in fresh],
        earned=[o.earned for o in fresh],
        balances=[o.balance for o in fresh],
        credit_keys=[o.key for o in fresh],
        spent_keys=[o.spent_key for o in fresh],
        now=now,
        source=source,
        source_ref=source_ref,
        reason=reason,
        spent_reason=spent_reason,
        actor=actor,
        expires_at=expiry.expires_at,
        activity_days=expiry.activity_days,
    )
    by_customer = {o.customer_id: o for o in fresh}
    opened = {e.customer_id for e in written}
    expected = sum(1 + (o.earned > o.balance) for o in fresh if o.customer_id in opened)
    if len(written) != expected:
        # an account was created without all its rows: the transaction must not commit
        raise ConcurrentPosting("an idempotency key of an opening balance was already used")
    credited = {c: by_customer[c].earned for c in opened}
    net = sum(by_customer[c].balance for c in opened)
    for entry in written:
        o = by_customer[entry.customer_id]
        if o.announce:
            event = PointsBalanceChanged(
                merchant_id=merchant_id,
                customer_id=o.customer_id,
                entry_id=entry.id,
                kind=KIND,
                delta=o.balance - o.earned if entry.spent else o.earned,
                balance=o.balance if entry.spent else o.earned,
                lifetime_earned=o.earned,
            )
            uow.publish(balance_channel(merchant_id, o.customer_id), event.to_payload())
    rest = [o for o in chosen if o.customer_id not in opened]
    if rest:
        posted_credits, posted_net = await _post_one_by_one(
            uow,
            merchant_id,
            rest,
            used,
            source=source,
            source_ref=source_ref,
            reason=reason,
            spent_reason=spent_reason,
            actor=actor,
        )
        credited.update(posted_credits)
        net += posted_net
    return OpeningsPosted(credited, net)


async def _post_one_by_one(
    uow: UnitOfWork,
    merchant_id: int,
    openings: Sequence[OpeningBalance],
    used: set[str],
    *,
    source: str,
    source_ref: str | None,
    reason: str | None,
    spent_reason: str | None,
    actor: str | None,
) -> tuple[dict[int, int], int]:
    """The posting path: the credits as one batch, then the debits (they take from the
    lots the credits opened, after the customer's older ones), each key not used yet."""

    def posting(customer_id: int, delta: int, key: str, why: str | None) -> Posting:
        return Posting(
            customer_id=customer_id,
            delta=delta,
            kind=KIND,
            source=source,
            idempotency_key=key,
            source_ref=source_ref,
            reason=why,
            actor=actor,
        )

    credits = [posting(o.customer_id, o.earned, o.key, reason) for o in openings if o.key not in used]
    debits = [
        posting(o.customer_id, o.balance - o.earned, o.spent_key, spent_reason)
        for o in openings
        if o.earned > o.balance and o.spent_key not in used
    ]
    await post_many(uow, merchant_id, credits)
    await post_many(uow, merchant_id, debits)
    return {p.customer_id: p.delta for p in credits}, sum(p.delta for p in (*credits, *debits))


# the tables opening balances fill (an import's)
BULK_TABLES = ("points_accounts", "points_ledger", "points_lots", "points_lot_consumptions")


async def refresh_statistics() -> None:
    """Fresh planner statistics for the tables an import is filling (see
    ``platform.db.refresh_statistics``)."""
    await db.refresh_statistics(BULK_TABLES)
