"""A second process calling the Shopify Admin client (run by test_admin_client).

It configures itself as a worker would (database, Redis namespace, the fake's URL),
prints ``ready``, waits for a line on stdin, then creates ``count`` discount codes for
one shop, ``concurrency`` at a time, and prints a JSON summary.

    python -m tests.integrations.shopify_admin.admin_burst '{"database_url": ..., ...}'
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any


async def _burst(spec: dict[str, Any]) -> dict[str, Any]:
    from loyalnest.integrations.shopify_admin import api as admin_api
    from loyalnest.platform.db import dispose_engine
    from loyalnest.platform.redis import close_async_redis

    semaphore = asyncio.Semaphore(spec["concurrency"])

    async def one(index: int) -> bool:
        async with semaphore:
            result = await admin_api.create_discount_code(
                spec["merchant_id"],
                code=f"{spec['prefix']}-{index}",
                title="Burst reward",
                kind="percentage",
                value=10,
                minimum_subtotal=None,
                customer_gid=None,
                ends_at=None,
            )
            return result.ok

    started = time.monotonic()
    try:
        results = await asyncio.gather(*(one(i) for i in range(spec["count"])))
    finally:
        await admin_api.close_admin_client()
        await close_async_redis()
        await dispose_engine()
    return {"ok": sum(results), "seconds": round(time.monotonic() - started, 3)}


def main() -> None:
    spec = json.loads(sys.argv[1])
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.integrations.shopify_admin import api as admin_api
    from loyalnest.platform.runtime import configure_process

    configure_process(
        database_url=spec["database_url"],
        redis_url=spec["redis_url"],
        redis_namespace=spec["redis_namespace"],
        log_level="WARNING",
        log_format="console",
    )
    admin_api.configure_admin(base_url=spec["base_url"], **spec["admin_config"])
    admin_api.configure_credentials(merchants.get_admin_credentials)
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps(asyncio.run(_burst(spec))), flush=True)


if __name__ == "__main__":
    main()
