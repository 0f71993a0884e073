"""Frozen DTOs of the points context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple


@dataclass(frozen=True)
class AccountDTO:
    customer_id: int
    balance: int
    lifetime_earned: int


@dataclass(frozen=True)
class LedgerEntryDTO:
    id: int
    customer_id: int
    delta: int
    kind: str
    source: str
    source_ref: str | None
    shortfall: int
    balance_after: int
    reason: str | None
    actor: str | None
    created_at: datetime
    # where an earning's points came from: "rule", "tier" or "campaign" (and which one);
    # None for rows that are not earnings
    origin_type: str | None = None
    origin_id: int | None = None


@dataclass(frozen=True)
class LedgerPage:
    items: list[LedgerEntryDTO]
    has_next_page: bool
    has_previous_page: bool = False


@dataclass(frozen=True)
class PostingResult:
    """The outcome of one ledger posting. ``created`` is False when the idempotency key
    had been used before: nothing moved and ``entry`` is the original row."""

    entry: LedgerEntryDTO
    created: bool


@dataclass(frozen=True)
class Posting:
    """One balance change to post (see ``post_many``)."""

    customer_id: int
    delta: int
    kind: str
    source: str
    idempotency_key: str
    source_ref: str | None = None
    reason: str | None = None
    actor: str | None = None
    allow_shortfall: bool = False
    # A debit takes first from the lot opened by the entry with this key (a reversal
    # takes back its own order's points), then from the others, oldest first.
    take_first_from: str | None = None
    # Of a shortfall debit (a reversal), points already gone to expiry: they are not
    # taken again from other lots, only recorded in the shortfall.
    lapsed: int = 0
    # where an earning's points came from (see ``LedgerEntryDTO``)
    origin_type: str | None = None
    origin_id: int | None = None
    # History brought by an import: when it happened (the entry is dated then, and a
    # debit first expires the lots due by then, not by now), and, for a credit, when
    # its lot expires (None: the shop's rule, from now).
    occurred_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ExpiryPolicyDTO:
    """When the points of a shop's new lots expire."""

    merchant_id: int
    # never, days_after_earn, days_after_activity, end_of_month, end_of_year
    expiry_policy: str
    # The N of the two day-based policies (None for the others).
    expiry_days: int | None
    updated_at: datetime


@dataclass(frozen=True)
class ExpiringPointsDTO:
    """Points of a customer's open lots expiring within a window, and the earliest
    expiry of any open lot (None: nothing of theirs ever expires)."""

    points: int
    next_expires_at: datetime | None


@dataclass(frozen=True)
class LedgerMismatch:
    """An account whose balance, ledger sum and open lots do not all agree."""

    merchant_id: int
    customer_id: int
    balance: int
    ledger_sum: int
    lots_remaining: int


@dataclass(frozen=True)
class LotMismatch:
    """A lot whose remaining is not its points less what entries took from it."""

    merchant_id: int
    lot_id: int
    customer_id: int
    points: int
    remaining: int
    consumed: int


@dataclass(frozen=True)
class ExpiryReport:
    """What one expiry pass did."""

    expired: int  # expire rows written (one per lot)
    reminders_recorded: int
    reminders_cancelled: int
    failed_shops: tuple[int, ...]


# --- ledger aggregates (analytics' daily rollups read them; see ``repository.aggregates``)


@dataclass(frozen=True)
class LedgerDayBucket:
    """The entries of one shop-local day with the same kind, source and sign."""

    day: date
    kind: str
    source: str
    positive: bool
    points: int
    entries: int


@dataclass(frozen=True)
class LedgerDayStats:
    """One shop-local day of a ledger range: its lowest entry id, net points, the
    customers with their own activity that day (``rules.is_activity``) and the customers
    whose very first ledger entry fell on it (they joined the program that day)."""

    day: date
    first_id: int
    net_points: int
    active_customers: int
    new_customers: int


@dataclass(frozen=True)
class LedgerDays:
    """What ``aggregate_ledger_days`` read: buckets and per-day figures of the entries
    with id >= the caller's lower bound, on or after its first day, and the shop's
    highest entry id read before them (None: no entry at all)."""

    buckets: tuple[LedgerDayBucket, ...]
    days: tuple[LedgerDayStats, ...]
    max_id: int | None


# --- exports (the imports context writes a shop's customers out) ----------------------------


@dataclass(frozen=True)
class HistoryEntryDTO:
    """A ledger entry as a points-history export writes it: who, how much (signed),
    what kind and why, when, and for a credit the expiry of the lot it opened (None:
    no lot, or a lot that never expires); for a debit, the entry whose lot it took from
    first (a reversal takes from its earning's own lot before the oldest); for a
    returned redemption, the redemption whose lots it refilled. ``shortfall``: what a
    debit asked for beyond what it could take (a reversal of points already spent:
    lifetime earned went down by all it asked for)."""

    id: int
    customer_id: int
    delta: int
    kind: str
    reason: str | None
    created_at: datetime
    lot_expires_at: datetime | None
    takes_from: int | None = None
    shortfall: int = 0


class OpeningBalance(NamedTuple):
    """A customer's standing in another loyalty app, brought by an import (see
    ``post_opening_balances``): what they ``earned`` there and what is left of it, the
    ``balance`` (``earned >= balance``, ``earned > 0``), posted under ``key`` (the
    credit) and ``spent_key`` (the debit of what was spent there). ``announce``: publish
    the live balance (False for a customer created in the same transaction, whose
    channel nobody can be listening on yet). A tuple: an import makes a million."""

    customer_id: int
    earned: int
    balance: int
    key: str
    spent_key: str
    announce: bool = True


@dataclass(frozen=True)
class OpeningsPosted:
    """What ``post_opening_balances`` posted now (a replay posts nothing): {customer:
    points credited} and the balances' net change."""

    credited: dict[int, int]
    net: int
