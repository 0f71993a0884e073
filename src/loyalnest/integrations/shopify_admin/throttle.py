"""Per-shop leaky bucket for the Shopify Admin GraphQL API, kept in Redis so every API
and worker process of a deployment shares one view of each shop's allowance.

Shopify's limits (GraphQL Admin API, per app and store, calculated query cost):
https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits lists the restore
rates per plan (Standard 100 points/s, Advanced 200, Plus 1,000, Enterprise 2,000) and
says a request needs its requested cost available in the bucket before it runs and is
refunded the difference between requested and actual cost afterwards; the bucket
sizes are what Shopify reports in ``extensions.cost.throttleStatus.maximumAvailable``
(2,000 at restoreRate 100 on Standard shops, 20,000 at restoreRate 1,000 on Plus: 20
seconds of restore). Advanced and Enterprise sizes below assume the same 20-second
ratio. Shopify may lower a shop's limits at any time, so the numbers Shopify returns
win over these: the first response teaches the bucket the shop's real size and rate.

How a call uses it:

1. ``reserve`` atomically takes the estimated cost (a Lua script: refill by elapsed
   time, subtract) when the bucket holds it; otherwise it sleeps for as long as the
   refill needs and tries again, until ``max_wait`` would be exceeded. The refill
   stops at the bucket size less the points of requests still in flight: Shopify has
   not charged those yet, so while its bucket is full it does not refill either.
2. After the call, ``reconcile`` refunds the difference between the reservation and
   Shopify's ``actualQueryCost`` (all of it for a THROTTLED answer, which costs
   nothing), records the bucket size and restore rate Shopify reported, and lowers the
   local level to Shopify's ``currentlyAvailable`` less what other callers have in
   flight when that is lower. It never raises the level from Shopify's number: with
   requests in flight the local view is the more recent one.
3. ``refund`` gives the points back when the request never reached Shopify.

With every caller going through it, a shop's requests never find Shopify's bucket
empty as long as the estimates are not below Shopify's requested costs.

If Redis is unavailable the call goes ahead without the bucket (Shopify still enforces
its limit and the client retries THROTTLED), with a warning.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from loyalnest.platform.redis import get_async_redis, shop_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BucketLimits:
    maximum: float  # bucket size, points
    restore_rate: float  # points per second


STANDARD = BucketLimits(maximum=2_000, restore_rate=100)
ADVANCED = BucketLimits(maximum=4_000, restore_rate=200)
PLUS = BucketLimits(maximum=20_000, restore_rate=1_000)
ENTERPRISE = BucketLimits(maximum=40_000, restore_rate=2_000)

# merchants.plan values (ours and Shopify's plan names) to limits; anything else is Standard
_PLAN_LIMITS = {
    "plus": PLUS,
    "shopify_plus": PLUS,
    "plus_partner_sandbox": PLUS,
    "advanced": ADVANCED,
    "unlimited": ADVANCED,  # Shopify's internal name of the Advanced plan
    "enterprise": ENTERPRISE,
    "commerce_components": ENTERPRISE,
}

# Shopify refuses any single query over this requested cost (MAX_COST_EXCEEDED).
SINGLE_QUERY_MAX_COST = 1_000


def limits_for_plan(plan: str | None) -> BucketLimits:
    return _PLAN_LIMITS.get((plan or "").strip().lower(), STANDARD)


class ThrottleWaitTooLong(Exception):
    """The bucket would make this call wait longer than allowed; nothing was reserved."""

    def __init__(self, wait_seconds: float):
        super().__init__(f"rate-limit bucket needs {wait_seconds:.1f} s")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Reservation:
    merchant_id: int
    cost: int
    # None: Redis was unavailable and the call goes ahead without the bucket
    member: str | None
    waited_seconds: float


@dataclass(frozen=True)
class ThrottleStatus:
    """Shopify's ``extensions.cost.throttleStatus``."""

    maximum_available: float
    currently_available: float
    restore_rate: float


@dataclass(frozen=True)
class BucketState:
    available: float
    maximum: float
    restore_rate: float
    learned: bool  # size and rate came from Shopify, not from the plan


_PRELUDE = """
local function now_seconds()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
-- points reserved by requests not yet reconciled (entries expire at their score)
local function pending_points(inflight, now)
  redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
  local pending = 0
  for _, item in ipairs(redis.call('ZRANGE', inflight, 0, -1)) do
    pending = pending + (tonumber(string.match(item, ':(%d+)$')) or 0)
  end
  return pending
end
-- The level now: refilled since the last update, but only up to the bucket size less
-- what is in flight. Shopify has not charged in-flight requests yet, so while its
-- bucket is full it stays full and their points are still to come off it.
local function load_state(bucket, inflight, now, plan_max, plan_rate)
  local v = redis.call('HMGET', bucket, 'a', 't', 'm', 'r')
  local m = tonumber(v[3]) or plan_max
  local r = tonumber(v[4]) or plan_rate
  local a = tonumber(v[1])
  local t = tonumber(v[2])
  local pending = pending_points(inflight, now)
  if a == nil or t == nil then
    a = m - pending
    t = now
  end
  if now > t then
    local grown = a + (now - t) * r
    local cap = m - pending
    if grown > cap then grown = math.max(a, cap) end
    a = grown
  end
  if a > m then a = m end
  return a, m, r, pending
end
"""

# KEYS: bucket, inflight. ARGV: cost, plan_max, plan_rate, member, hold_seconds, ttl.
# Returns {reserved (1/0), seconds until the cost may fit, effective cost}.
_RESERVE = (
    _PRELUDE
    + """
local now = now_seconds()
local a, m, r = load_state(KEYS[1], KEYS[2], now, tonumber(ARGV[2]), tonumber(ARGV[3]))
local cost = math.min(tonumber(ARGV[1]), m)
redis.call('EXPIRE', KEYS[1], ARGV[6])
if a < cost then
  redis.call('HSET', KEYS[1], 'a', a, 't', now)
  return {0, tostring((cost - a) / r), tostring(cost)}
end
redis.call('HSET', KEYS[1], 'a', a - cost, 't', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return {1, '0', tostring(cost)}
"""
)

# KEYS: bucket, inflight. ARGV: member, reserved, charged (-1: unknown), shop available
# ('' if Shopify sent none), shop maximum, shop restore rate, plan_max, plan_rate, ttl.
_RECONCILE = (
    _PRELUDE
    + """
local now = now_seconds()
local a, m, r, pending = load_state(KEYS[1], KEYS[2], now, tonumber(ARGV[7]), tonumber(ARGV[8]))
local mine = redis.call('ZREM', KEYS[2], ARGV[1])
local charged = tonumber(ARGV[3])
if mine == 1 then
  pending = pending - tonumber(ARGV[2])
  if charged >= 0 then a = a + tonumber(ARGV[2]) - charged end
end
if ARGV[4] ~= '' then
  m = tonumber(ARGV[5])
  r = tonumber(ARGV[6])
  -- Shopify's level, less what others have in flight (it may not have seen them yet)
  local shop = tonumber(ARGV[4]) - pending
  if shop < a then a = shop end
  redis.call('HSET', KEYS[1], 'm', m, 'r', r)
end
if a > m then a = m end
redis.call('HSET', KEYS[1], 'a', a, 't', now)
redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('EXPIRE', KEYS[2], ARGV[9])
return tostring(a)
"""
)

# KEYS: bucket, inflight. ARGV: member, cost, plan_max, plan_rate, ttl.
_REFUND = (
    _PRELUDE
    + """
local now = now_seconds()
local a, m, r = load_state(KEYS[1], KEYS[2], now, tonumber(ARGV[3]), tonumber(ARGV[4]))
if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then a = a + tonumber(ARGV[2]) end
if a > m then a = m end
redis.call('HSET', KEYS[1], 'a', a, 't', now)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return tostring(a)
"""
)

# KEYS: bucket, inflight. ARGV: plan_max, plan_rate. Returns {level, size, rate, learned}.
_STATE = (
    _PRELUDE
    + """
local now = now_seconds()
local a, m, r = load_state(KEYS[1], KEYS[2], now, tonumber(ARGV[1]), tonumber(ARGV[2]))
local learned = redis.call('HEXISTS', KEYS[1], 'm')
return {tostring(a), tostring(m), tostring(r), learned}
"""
)


def _keys(merchant_id: int) -> list[str]:
    # the shop's own keys (``shop_key``): they go with the shop's data
    return [shop_key(merchant_id, "shopify:admin-bucket"), shop_key(merchant_id, "shopify:admin-inflight")]


def _ttl(limits: BucketLimits) -> int:
    # an idle bucket is full again after maximum / restore_rate seconds; keep it a while
    # longer (and whatever Shopify taught it), then let it go
    return max(60, math.ceil(2 * limits.maximum / limits.restore_rate))


async def _run(script: str, keys: list[str], args: list[Any]) -> Any:
    client = get_async_redis()
    return await client.register_script(script)(keys=keys, args=args)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def reserve(
    merchant_id: int,
    cost: int,
    limits: BucketLimits,
    *,
    max_wait: float,
    hold_seconds: float,
) -> Reservation:
    """Take ``cost`` points from the shop's bucket, sleeping until they are there.

    ``hold_seconds`` is how long the reservation counts as in flight at most (the
    request timeout); ``max_wait`` bounds the sleeping (``ThrottleWaitTooLong`` when
    the bucket says the points will not be there in time)."""
    member = f"{uuid.uuid4().hex}:{cost}"
    keys = _keys(merchant_id)
    args = [cost, limits.maximum, limits.restore_rate, member, hold_seconds, _ttl(limits)]
    started = time.monotonic()
    while True:
        try:
            ok, wait, effective = await _run(_RESERVE, keys, args)
        except RedisError:
            log.warning(
                "rate-limit bucket unavailable; calling Shopify without it",
                extra={"merchant_id": merchant_id},
            )
            return Reservation(merchant_id=merchant_id, cost=cost, member=None, waited_seconds=0.0)
        waited = time.monotonic() - started
        if int(ok):
            return Reservation(
                merchant_id=merchant_id,
                cost=round(float(_text(effective))),
                member=member,
                waited_seconds=waited,
            )
        wait_seconds = float(_text(wait))
        if waited + wait_seconds > max_wait:
            raise ThrottleWaitTooLong(waited + wait_seconds)
        # callers woken together would race for the same points: spread them a little
        await asyncio.sleep(wait_seconds * random.uniform(1.0, 1.25))


async def reconcile(
    reservation: Reservation,
    limits: BucketLimits,
    *,
    charged: int | None,
    status: ThrottleStatus | None,
) -> None:
    """After Shopify answered: ``charged`` is its actualQueryCost (0 for THROTTLED,
    None when unknown, e.g. a 5xx), ``status`` its throttleStatus if it sent one."""
    if reservation.member is None:
        return
    args: list[Any] = [
        reservation.member,
        reservation.cost,
        -1 if charged is None else charged,
        "" if status is None else status.currently_available,
        0 if status is None else status.maximum_available,
        0 if status is None else status.restore_rate,
        limits.maximum,
        limits.restore_rate,
        _ttl(limits),
    ]
    try:
        await _run(_RECONCILE, _keys(reservation.merchant_id), args)
    except RedisError:
        log.warning("rate-limit bucket unavailable", extra={"merchant_id": reservation.merchant_id})


async def refund(reservation: Reservation, limits: BucketLimits) -> None:
    """Give a reservation back (the request never reached Shopify). Idempotent."""
    if reservation.member is None:
        return
    try:
        await _run(
            _REFUND,
            _keys(reservation.merchant_id),
            [reservation.member, reservation.cost, limits.maximum, limits.restore_rate, _ttl(limits)],
        )
    except RedisError:
        log.warning("rate-limit bucket unavailable", extra={"merchant_id": reservation.merchant_id})


async def bucket_state(merchant_id: int, limits: BucketLimits) -> BucketState:
    """The shop's bucket now (for tests, metrics and the usage dashboard)."""
    keys = _keys(merchant_id)
    a, m, r, learned = await _run(_STATE, keys, [limits.maximum, limits.restore_rate])
    return BucketState(
        available=float(_text(a)),
        maximum=float(_text(m)),
        restore_rate=float(_text(r)),
        learned=bool(int(learned)),
    )


async def forget_bucket(merchant_id: int) -> None:
    """Drop the shop's bucket (it starts full from the plan's limits again)."""
    await get_async_redis().delete(*_keys(merchant_id))
