"""The working state of one posting batch: the locked accounts, the lots read and
changed, and the rows to write. The lot arithmetic is ``rules``; this applies it to a
batch (expiring due lots before a debit, taking from lots oldest first, opening lots
under the shop's expiry policy, refilling the lots a returned redemption took from)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import Posting
from loyalnest.contexts.points.ledger import policy
from loyalnest.contexts.points.repository import AccountState
from loyalnest.platform.uow import UnitOfWork


@dataclass(slots=True)
class BatchLot:
    """A lot as a batch reads and changes it."""

    id: int
    customer_id: int
    points: int
    remaining: int
    expires_at: datetime | None
    activity_days: int | None
    changed: bool = False


@dataclass(slots=True)
class NewBatchLot:
    idempotency_key: str
    customer_id: int
    points: int
    expires_at: datetime | None
    activity_days: int | None


class PostingBatch:
    """The working state of one ``_post`` call: locked accounts, the lots read, and
    what will be written."""

    def __init__(self, uow: UnitOfWork, merchant_id: int, now: datetime, accounts: dict[int, AccountState]):
        self.uow = uow
        self.merchant_id = merchant_id
        self.now = now
        self.accounts = accounts
        self.lots: dict[int, BatchLot] = {}
        self.lots_of: dict[int, list[BatchLot]] = {}
        self.read_open_lots_of: set[int] = set()
        # customer -> the time their due lots were last expired at in this batch
        self.swept: dict[int, datetime] = {}
        self.entries: list[repository.NewEntry] = []
        self.lifetimes: list[int] = []  # lifetime earned after each entry (for its live update)
        self.keys: dict[str, int] = {}
        self.new_lots: list[NewBatchLot] = []
        self.consumptions: list[repository.Consumption] = []
        self.active: set[int] = set()  # customers with activity in this batch
        self.returned: dict[tuple[int, str, str], int] = {}  # given back in this batch
        # a lot's expiry depends on its customer's last activity only (the rule and the
        # time are the batch's): an order's parts open lots of the same expiry
        self.expiries: dict[tuple[int, datetime | None], rules.LotExpiry] = {}

    def add_lots(self, rows: Sequence[repository.LotRow]) -> None:
        for row in rows:
            if row.id not in self.lots:  # what the batch did to a lot wins over the read
                lot = BatchLot(
                    row.id, row.customer_id, row.points, row.remaining, row.expires_at, row.activity_days
                )
                self.lots[row.id] = lot
                self.lots_of.setdefault(row.customer_id, []).append(lot)

    def open_lots(self, customer_id: int) -> list[BatchLot]:
        """The customer's open lots known to the batch, in earning order."""
        return sorted(
            (lot for lot in self.lots_of.get(customer_id, ()) if lot.remaining > 0), key=lambda lot: lot.id
        )

    def add_entry(self, entry: repository.NewEntry, lifetime: int) -> int:
        self.keys[entry.idempotency_key] = len(self.entries)
        self.entries.append(entry)
        self.lifetimes.append(lifetime)
        return len(self.entries) - 1

    def take(self, key: str, customer_id: int, amount: int, first: Sequence[int] = ()) -> None:
        lots = self.open_lots(customer_id)
        plain = [rules.Lot(lot.id, lot.remaining) for lot in lots]
        by_id = {lot.id: lot for lot in lots}
        for seq, (lot_id, points) in enumerate(rules.take_from_lots(plain, amount, first=first)):
            lot = by_id[lot_id]
            lot.remaining -= points
            lot.changed = True
            self.consumptions.append(repository.Consumption(key, lot_id, points, seq))

    def sweep(self, customer_id: int, at: datetime | None = None) -> None:
        """Expire the customer's lots due by ``at`` (default: now), once per batch and
        time, before their debits. With ``at`` (history an import brings, or its final
        sweep), each expiry row is dated when its lot expired."""
        when = self.now if at is None else at
        last = self.swept.get(customer_id)
        if last is not None and last >= when:
            return
        self.swept[customer_id] = when
        account = self.accounts[customer_id]
        for lot in self.open_lots(customer_id):
            if not rules.is_due(rules.Lot(lot.id, lot.remaining, lot.expires_at), when):
                continue
            key = f"expire:lot:{lot.id}"
            account.balance -= lot.remaining
            self.add_entry(
                repository.NewEntry(
                    customer_id=customer_id,
                    delta=-lot.remaining,
                    kind="expire",
                    source="expiry",
                    source_ref=f"lot:{lot.id}",
                    idempotency_key=key,
                    shortfall=0,
                    balance_after=account.balance,
                    reason=None,
                    actor=None,
                    created_at=None if at is None else lot.expires_at,
                ),
                account.lifetime_earned,
            )
            self.take(key, customer_id, lot.remaining, first=[lot.id])

    async def lot_expiry(self, customer_id: int) -> rules.LotExpiry:
        """The expiry of a lot opened now for the customer, under the shop's rule."""
        last_activity_at = self.accounts[customer_id].last_activity_at
        expiry = self.expiries.get((customer_id, last_activity_at))
        if expiry is None:
            rule = await policy.expiry_rule(self.uow, self.merchant_id)
            expiry = rules.lot_expiry(
                rule.policy,
                rule.days,
                earned_at=self.now,
                last_activity_at=last_activity_at,
                timezone=rule.timezone,
            )
            self.expiries[(customer_id, last_activity_at)] = expiry
        return expiry

    async def open_lot(
        self, key: str, customer_id: int, points: int, *, expires_at: datetime | None = None
    ) -> None:
        """Open a lot under the shop's rule, or expiring at ``expires_at`` (history an
        import brings: the old app's date, kept exact)."""
        if expires_at is not None:
            self.new_lots.append(NewBatchLot(key, customer_id, points, expires_at, None))
            return
        expiry = await self.lot_expiry(customer_id)
        self.new_lots.append(NewBatchLot(key, customer_id, points, expiry.expires_at, expiry.activity_days))

    async def give_back(self, posting: Posting, key: str, points: int) -> None:
        """A returned redemption refills the lots it took from, newest first, with their
        own expiry; what was taken from lots that have expired since (or cannot be
        found) comes back as a lot of its own under the current rule."""
        fresh = points
        if posting.source_ref is not None:
            ref = (posting.customer_id, posting.source, posting.source_ref)
            found = await repository.redemption_lots(
                self.uow.session, self.merchant_id, posting.customer_id, posting.source, posting.source_ref
            )
            self.add_lots(found.lots)
            already = found.returned + self.returned.get(ref, 0)
            self.returned[ref] = self.returned.get(ref, 0) + points
            last_activity = self.accounts[posting.customer_id].last_activity_at or self.now
            for lot_id, part in rules.give_back(found.taken, already, points):
                lot = self.lots[lot_id]
                if lot.expires_at is not None and lot.expires_at <= self.now:
                    continue  # its time has passed: these points start a lot of their own
                lot.remaining += part
                if lot.activity_days is not None and lot.expires_at is not None:
                    # back among the open lots, it follows the latest activity again
                    lot.expires_at = max(lot.expires_at, last_activity + timedelta(days=lot.activity_days))
                lot.changed = True
                self.consumptions.append(repository.Consumption(key, lot_id, -part))
                fresh -= part
        if fresh > 0:
            await self.open_lot(key, posting.customer_id, fresh)

    def merged_consumptions(self) -> list[repository.Consumption]:
        """One row per entry and lot (a return may refill a lot in two parts, when
        two redemptions under one reference took from it)."""
        merged: dict[tuple[str, int], tuple[int, int]] = {}
        for c in self.consumptions:
            points, seq = merged.get((c.idempotency_key, c.lot_id), (0, c.seq))
            merged[(c.idempotency_key, c.lot_id)] = (points + c.points, min(seq, c.seq))
        return [
            repository.Consumption(key, lot_id, points, seq)
            for (key, lot_id), (points, seq) in merged.items()
            if points
        ]

    def follow_activity(self) -> list[int]:
        """Move the expiry of lots that follow activity, for customers active in this
        batch; returns the active customers whose open lots were not read (the write
        statement moves theirs)."""
        for lot in self.lots.values():
            if lot.customer_id in self.active and lot.remaining > 0:
                moved = rules.moved_expiry(
                    rules.Lot(lot.id, lot.remaining, lot.expires_at, lot.activity_days), self.now
                )
                if moved != lot.expires_at:
                    lot.expires_at = moved
                    lot.changed = True
        for new in self.new_lots:
            if new.customer_id in self.active and new.activity_days is not None:
                new.expires_at = rules.moved_expiry(
                    rules.Lot(0, new.points, new.expires_at, new.activity_days), self.now
                )
        return sorted(self.active - self.read_open_lots_of)
