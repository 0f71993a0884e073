"""A shop's Redis keys: every context keeps a shop's state under the shop's prefixes
(``platform.redis.shop_key``/``shop_domain_key``), so deleting them is a scan of two
patterns, whatever a later context stores."""

from __future__ import annotations

from loyalnest.platform.redis import get_async_redis, shop_patterns


async def delete_shop_keys(merchant_id: int, shop_domain: str) -> int:
    """Delete every key of the shop; returns how many there were."""
    client = get_async_redis()
    deleted = 0
    for pattern in shop_patterns(merchant_id, shop_domain):
        batch: list[bytes] = []
        async for name in client.scan_iter(match=pattern, count=1000):
            batch.append(name)
            if len(batch) >= 500:
                deleted += int(await client.unlink(*batch))
                batch = []
        if batch:
            deleted += int(await client.unlink(*batch))
    return deleted
