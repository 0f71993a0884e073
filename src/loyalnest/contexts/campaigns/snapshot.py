"""The in-memory, per-shop snapshot of live campaigns the pipeline decides from.

Each process keeps, per shop, the shop's live (scheduled and active) campaigns as
``rules.CampaignRule``s, its multiplier cap and timezone, tagged with the shop's
campaigns version (``campaign_settings.version``). Every change to a shop's campaigns
or settings bumps that version in the same transaction. A unit of work reads the
version once (one primary-key lookup, cached on the unit of work for the whole batch)
and reloads the campaigns (one query) only when it differs from the snapshot's.

Why a version read rather than a pub/sub invalidation: it is correct across processes
without any delivery guarantee. Pub/sub is at most once, so a lost message would leave
a worker applying a paused campaign indefinitely; the version is read inside the
earning's own transaction, so a batch that starts after a change commits always sees
it. The version is read before the campaigns, so a snapshot is never older than the
version it is filed under (at worst newer, which the next read corrects).

Time alone (a campaign starting or ending) needs no invalidation: the rules check
each campaign's window against the earning's moment.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loyalnest.contexts.campaigns import repository, rules
from loyalnest.contexts.campaigns.dto import to_rule
from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform.uow import CacheKey, UnitOfWork

UTC = ZoneInfo("UTC")
# shops kept per process (least recently used ones are dropped beyond it)
MAX_SHOPS = 10_000


@dataclass(frozen=True)
class Snapshot:
    version: int
    max_total_multiplier: Decimal
    tz: ZoneInfo
    campaigns: tuple[rules.CampaignRule, ...]


EMPTY = Snapshot(0, rules.DEFAULT_MAX_TOTAL_MULTIPLIER, UTC, ())
SNAPSHOT = CacheKey[Snapshot]("campaigns.snapshot")

_lock = threading.Lock()  # the API's loop and a worker's loop may share a process
_snapshots: OrderedDict[int, Snapshot] = OrderedDict()


def _remembered(merchant_id: int) -> Snapshot | None:
    with _lock:
        found = _snapshots.get(merchant_id)
        if found is not None:
            _snapshots.move_to_end(merchant_id)
        return found


def _remember(merchant_id: int, snapshot: Snapshot) -> None:
    with _lock:
        _snapshots[merchant_id] = snapshot
        _snapshots.move_to_end(merchant_id)
        while len(_snapshots) > MAX_SHOPS:
            _snapshots.popitem(last=False)


def _timezone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


async def snapshot_in(uow: UnitOfWork, merchant_id: int) -> Snapshot:
    """The shop's live campaigns as of this unit of work (see the module docstring)."""

    async def load() -> Snapshot:
        settings = await repository.get_settings(uow.session, merchant_id)
        if settings is None:
            return EMPTY  # the shop never had a campaign
        known = _remembered(merchant_id)
        if known is not None and known.version == settings.version:
            return known
        rows = await repository.live_campaigns(uow.session, merchant_id)
        merchant = await merchants.get_merchant_in(uow, merchant_id) if rows else None
        fresh = Snapshot(
            version=settings.version,
            max_total_multiplier=settings.max_total_multiplier,
            tz=_timezone(merchant.iana_timezone if merchant is not None else None),
            campaigns=tuple(to_rule(row) for row in rows),
        )
        _remember(merchant_id, fresh)
        return fresh

    return await uow.cached(SNAPSHOT, merchant_id, load)


def changed(uow: UnitOfWork, merchant_id: int) -> None:
    """This unit of work changed the shop's campaigns (and bumped the version): its own
    later reads must not use the snapshot it may have cached."""
    uow.forget(SNAPSHOT, merchant_id)


def forget_all() -> None:
    """Drop every shop's snapshot (tests that fake a version)."""
    with _lock:
        _snapshots.clear()
