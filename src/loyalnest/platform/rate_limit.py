"""Fixed-window rate limits in Redis, shared by every API process.

    decision = await rate_limit.hit("claims:visitor:42:<hash>", limit=10, window_seconds=3600)
    if not decision.allowed: ...  # decision.retry_after seconds until the window ends

One round trip: a Lua script increments the window's counter and starts its expiry on
the first hit, atomically (an INCR and a separate EXPIRE could leave a counter without
expiry, limiting its key forever, if the process died between them). A fixed window lets
up to twice ``limit`` through around a window's edge; for abuse limits (claims, invites)
that is fine, and it costs one key per subject and window.

Keys name what is counted, never personal data: pass a hash (``blind_index``) of an
email or an address, not the value."""

from __future__ import annotations

from dataclasses import dataclass

from loyalnest.platform.redis import get_async_redis, key, shop_key

# KEYS[1]: the counter. ARGV[1]: the window in milliseconds. Returns {count, ms left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
"""


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    # hits in the current window, this one included
    count: int
    # seconds until the window ends (rounded up); 0 when allowed
    retry_after: int


async def hit(name: str, *, limit: int, window_seconds: int, merchant_id: int | None = None) -> RateDecision:
    """Count one hit on ``name`` (inside the deployment's namespace; under the shop's
    own keys when it is one shop's limit: ``merchant_id``) and say whether it is within
    ``limit`` hits per ``window_seconds``. Hits past the limit still count, so a caller
    who keeps hammering stays refused until the window ends."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("a rate limit needs limit >= 1 and window_seconds >= 1")
    client = get_async_redis()
    name = key(f"ratelimit:{name}") if merchant_id is None else shop_key(merchant_id, f"ratelimit:{name}")
    count, left_ms = await client.eval(_HIT, 1, name, window_seconds * 1000)  # type: ignore[misc]
    count = int(count)
    allowed = count <= limit
    return RateDecision(
        allowed=allowed, count=count, retry_after=0 if allowed else max(1, -(-int(left_ms) // 1000))
    )
