"""Counting referral link clicks: Redis on the hot path, PostgreSQL once a minute.

A click is one Lua call (one round trip, atomic): the visitor's per-minute counter for
the code (over ``referral_click_limit_per_minute``: redirected, not counted), then the
advocate's click counter for the shop-local day (``INCR``), the day's HyperLogLog of
visitor ids (``PFADD``: unique visitors) and a mark in the "dirty" hash naming the
counters to flush. The visitor id is an HMAC-SHA256 of the client IP and user agent
keyed with the shop's secret salt: neither is stored anywhere, and the id cannot be
turned back into an IP without the salt, which never leaves the processes' memory.

``flush_clicks`` (the ``referrals.flush_clicks`` actor, every minute) writes the day's
*absolute* counts into ``referral_clicks_daily`` (``GREATEST`` of the row and Redis), so
a flush that dies between reading Redis and clearing its marks, or runs twice, writes
the same numbers again: nothing is ever counted twice. A mark is cleared only if no
click moved it since it was read (a version compare in Lua), so no click is missed.

Note for H1 (api.py): re-export ``record_click`` and ``resolve_link`` / ``LinkTarget``
(links.py) as they are; the route calls them as

    target = await referrals.resolve_link(shop_domain, code)          # None -> 404
    outcome = await referrals.record_click(target, client_ip=..., user_agent=...)

``record_click`` takes the resolved ``LinkTarget`` (merchant, advocate, code, redirect
location, the shop's timezone and visitor salt) instead of the spec's
``(merchant_id, code, *, visitor_id)``: the raw client IP is HMAC'd with the shop salt
inside the context, so no caller ever handles the salt.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis.exceptions import NoScriptError, RedisError

from loyalnest.contexts.referrals.dto import ClickOutcome
from loyalnest.contexts.referrals.events import ReferralProgressChanged
from loyalnest.contexts.referrals.links import LinkTarget
from loyalnest.contexts.referrals.repository import clicks as repository
from loyalnest.platform import redis as platform_redis
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# the day counters outlive their day long enough for a stalled flush to catch up
COUNTER_TTL_SECONDS = 3 * 24 * 3600
_RATE_WINDOW_SECONDS = 60
_FLUSH_BATCH = 500
# clicks per Redis call at most (a call's keys and arguments stay well under a megabyte)
_MAX_BATCH = 256

# Clicks counted in one call: KEYS = the dirty hash, then (rate, clicks, visitors) per
# click; ARGV = limit, rate TTL, counter TTL, then (visitor id, dirty field) per click.
# Returns 1 (counted) or 0 (over the visitor's limit) per click.
_COUNT_CLICKS = """
local limit = tonumber(ARGV[1])
local out = {}
for i = 0, (#KEYS - 1) / 3 - 1 do
  local rate = KEYS[2 + 3 * i]
  local seen = redis.call('INCR', rate)
  if seen == 1 then redis.call('EXPIRE', rate, ARGV[2]) end
  if seen > limit then
    out[i + 1] = 0
  else
    redis.call('INCR', KEYS[3 + 3 * i])
    redis.call('EXPIRE', KEYS[3 + 3 * i], ARGV[3])
    redis.call('PFADD', KEYS[4 + 3 * i], ARGV[4 + 2 * i])
    redis.call('EXPIRE', KEYS[4 + 3 * i], ARGV[3])
    redis.call('HINCRBY', KEYS[1], ARGV[5 + 2 * i], 1)
    out[i + 1] = 1
  end
end
return out
"""

# clear the marks that still hold the version the flush read (ARGV: field, version, ...)
_CLEAR_FLUSHED = """
local cleared = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    cleared = cleared + 1
  end
end
return cleared
"""

_COUNT_CLICKS_SHA = hashlib.sha1(_COUNT_CLICKS.encode()).hexdigest()
_CLEAR_FLUSHED_SHA = hashlib.sha1(_CLEAR_FLUSHED.encode()).hexdigest()
_limit: int | None = None


def _dirty_key() -> str:
    return platform_redis.key("referrals:clicks:dirty")


def _counter_keys(merchant_id: int, advocate_customer_id: int, day: str) -> tuple[str, str]:
    tail = f"{advocate_customer_id}:{day}"
    return (
        platform_redis.shop_key(merchant_id, f"referrals:clicks:{tail}"),
        platform_redis.shop_key(merchant_id, f"referrals:visitors:{tail}"),
    )


async def _run_script(client: Any, source: str, sha: str, keys: list[str], args: list[Any]) -> Any:
    # EVALSHA: the hot path sends the script's hash, not its source (loaded on first use)
    try:
        return await client.evalsha(sha, len(keys), *keys, *args)
    except NoScriptError:
        return await client.eval(source, len(keys), *keys, *args)


def _click_limit() -> int:
    global _limit
    if _limit is None:
        from loyalnest.settings import get_settings

        _limit = get_settings().referral_click_limit_per_minute
    return _limit


def visitor_id(salt: bytes, client_ip: str, user_agent: str) -> str:
    """The salted, one-way id of a visitor (32 hex characters)."""
    return hmac.new(salt, f"{client_ip}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


async def record_click(
    target: LinkTarget,
    *,
    client_ip: str,
    user_agent: str,
    now: datetime | None = None,
) -> ClickOutcome:
    """Count one click of ``target``'s link (Redis only) and say where to send the
    visitor. ``counted`` is False when the visitor is over the per-minute limit on this
    code, when the program is off, or when Redis cannot be reached (the visitor is
    redirected all the same: a link must work even when its click cannot be counted)."""
    if not target.enabled:
        return ClickOutcome(location=target.location, counted=False)
    moment = now or datetime.now(UTC)
    day = moment.astimezone(ZoneInfo(target.timezone)).date().isoformat()
    visitor = visitor_id(target.visitor_salt, client_ip, user_agent)
    window = int(moment.timestamp()) // _RATE_WINDOW_SECONDS
    clicks_key, visitors_key = _counter_keys(target.merchant_id, target.advocate_customer_id, day)
    rate_key = platform_redis.shop_key(target.merchant_id, f"referrals:rate:{target.code}:{visitor}:{window}")
    mark = f"{target.merchant_id}:{target.advocate_customer_id}:{day}"
    try:
        counted = await _batcher().count((rate_key, clicks_key, visitors_key), (visitor, mark))
    except (RedisError, OSError):
        log.warning(
            "referral click not counted: Redis unavailable", extra={"merchant_id": target.merchant_id}
        )
        counted = False
    return ClickOutcome(location=target.location, counted=counted)


# one click waiting: (rate, clicks, visitors) keys, (visitor id, dirty field), its answer
_Pending = tuple[tuple[str, str, str], tuple[str, str], "asyncio.Future[bool]"]


class _ClickBatcher:
    """Clicks of one event loop, sent to Redis together: every click that arrives while
    a call is in flight goes in the next one (one ``EVALSHA`` for up to ``_MAX_BATCH``
    clicks), so under load the client's per-command cost (which is most of a click's
    CPU with redis-py) is paid once per batch, and with one click at a time nothing
    waits. Each click's answer is awaited before its redirect goes out: a counted click
    is in Redis, and a process killed mid-batch loses no click it answered for."""

    __slots__ = ("_in_flight", "_loop", "_pending", "_task")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._pending: list[_Pending] = []
        self._in_flight = False
        # the running send (the loop keeps only a weak reference to its tasks)
        self._task: asyncio.Task[None] | None = None

    def count(self, keys: tuple[str, str, str], args: tuple[str, str]) -> asyncio.Future[bool]:
        future: asyncio.Future[bool] = self._loop.create_future()
        self._pending.append((keys, args, future))
        if not self._in_flight:
            self._in_flight = True
            # after the current callbacks: clicks of the same loop pass go together
            self._loop.call_soon(self._send_next)
        return future

    def _send_next(self) -> None:
        batch, self._pending = self._pending[:_MAX_BATCH], self._pending[_MAX_BATCH:]
        if not batch:
            self._in_flight = False
            return
        self._task = self._loop.create_task(self._send(batch))

    async def _send(
        self, batch: list[tuple[tuple[str, str, str], tuple[str, str], asyncio.Future[bool]]]
    ) -> None:
        keys = [_dirty_key()]
        args: list[Any] = [_click_limit(), _RATE_WINDOW_SECONDS + 5, COUNTER_TTL_SECONDS]
        for click_keys, click_args, _ in batch:
            keys += click_keys
            args += click_args
        try:
            results = await _run_script(
                platform_redis.get_async_redis(), _COUNT_CLICKS, _COUNT_CLICKS_SHA, keys, args
            )
        except Exception as exc:
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        else:
            for (_, _, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(bool(result))
        finally:
            self._send_next()


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _ClickBatcher] = weakref.WeakKeyDictionary()


def _batcher() -> _ClickBatcher:
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = _ClickBatcher(loop)
    return batcher


@dataclass(frozen=True, slots=True)
class FlushResult:
    # advocate-days read from Redis, and those whose row changed
    read: int
    changed: int


async def flush_clicks() -> FlushResult:
    """Write the marked day counters into ``referral_clicks_daily`` and tell each
    advocate whose counts moved (``ReferralProgressChanged``). Idempotent."""
    client = platform_redis.get_async_redis()
    # (the client returns bytes: it is not created with decode_responses)
    marks: dict[bytes, bytes] = await client.hgetall(_dirty_key())  # type: ignore[assignment]
    if not marks:
        return FlushResult(0, 0)
    items = sorted(marks.items())
    read = changed = 0
    for start in range(0, len(items), _FLUSH_BATCH):
        batch = items[start : start + _FLUSH_BATCH]
        counts = await _read_counts(client, [field for field, _ in batch])
        by_merchant: dict[int, list[repository.DailyClicks]] = defaultdict(list)
        for row in counts:
            by_merchant[row.merchant_id].append(row)
        for merchant_id, rows in sorted(by_merchant.items()):
            async with unit_of_work() as uow:
                moved = await repository.upsert_daily(uow.session, merchant_id, rows)
                await uow.publish_events(
                    [
                        ReferralProgressChanged(merchant_id=merchant_id, advocate_customer_id=advocate)
                        for advocate in sorted(set(moved))
                    ]
                )
            changed += len(moved)
        read += len(counts)
        # only after the rows are committed: a crash before this re-flushes the same
        # absolute counts next minute
        await _run_script(
            client, _CLEAR_FLUSHED, _CLEAR_FLUSHED_SHA, [_dirty_key()], [v for pair in batch for v in pair]
        )
    if changed:
        log.info("referral clicks flushed", extra={"advocate_days": read, "changed": changed})
    return FlushResult(read, changed)


async def _read_counts(client: Any, fields: Sequence[bytes]) -> list[repository.DailyClicks]:
    parsed: list[tuple[int, int, date]] = []
    pipe = client.pipeline(transaction=False)
    for field in fields:
        try:
            merchant_text, advocate_text, day_text = field.decode().split(":")
            parsed.append((int(merchant_text), int(advocate_text), date.fromisoformat(day_text)))
        except ValueError:
            # cleared with the batch's marks (its version is unchanged), never retried
            log.warning("malformed referral click mark skipped")
            parsed.append((0, 0, date.min))
            continue
        clicks_key, visitors_key = _counter_keys(parsed[-1][0], parsed[-1][1], day_text)
        pipe.get(clicks_key)
        pipe.pfcount(visitors_key)
    results = iter(await pipe.execute())
    rows: list[repository.DailyClicks] = []
    for merchant_id, advocate, day in parsed:
        if merchant_id == 0:
            continue
        clicks_raw, visitors = next(results), next(results)
        if clicks_raw is None:  # expired counters: the row keeps what it has
            continue
        clicks = int(clicks_raw)
        # HyperLogLog is approximate (0.81 %): never report more visitors than clicks
        rows.append(repository.DailyClicks(merchant_id, advocate, day, clicks, min(int(visitors), clicks)))
    return rows
