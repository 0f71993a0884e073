"""The database drops every connection of the app (a failover, a restart, an operator's
``pg_terminate_backend``): webhooks sent right after are still answered 200, stored once
and processed, and staff queries still answer. A dead connection must never go back to
a pool to fail the next request."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from tests import payloads
from tests.contexts.support import balance, inbox_rows

# The app's connections as db.py names them: the engine's ("loyalnest") and the plain
# read pool's ("loyalnest-reads"). The server runs in this process, so these are also the
# connections the test's own reads use; the worker's (another loop) are named alike.
_TERMINATE = """
SELECT pid, application_name, pg_terminate_backend(pid, 5000) AS gone
FROM pg_stat_activity
WHERE datname = current_database() AND application_name LIKE 'loyalnest%' AND pid <> pg_backend_pid()
"""

STAFF_QUERY = """
query ($sid: ID!) {
  shop { domain }
  customerByShopifyId(shopifyId: $sid) { pointsBalance transactions(first: 5) { nodes { delta } } }
}
"""


def _order(n: int) -> dict[str, Any]:
    # a customer per order, so each order's points are checked on their own
    return payloads.order(91_000 + n, subtotal=f"{10 + n}.00", customer_body=payloads.customer(81_000 + n))


async def _terminate_app_connections(settings: Any) -> list[str]:
    """Terminate every app connection from outside the app (as an operator would), and
    wait until those backends have exited. Returns their application names."""
    url = settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    admin = await asyncpg.connect(url, server_settings={"application_name": "test-operator"})
    try:
        rows = await admin.fetch(_TERMINATE)
    finally:
        await admin.close()
    assert all(row["gone"] for row in rows), rows
    return [row["application_name"] for row in rows]


async def test_webhooks_and_staff_queries_survive_all_connections_being_terminated(
    make_shop, settings, drain
):
    shop = await make_shop()  # a shop of its own: the orders' customers are this test's
    # Warm both pools: many engine connections at once (concurrent intake and reads) and
    # plain read connections (the staff query's DataLoaders).
    before = await asyncio.gather(*(shop.webhook("orders/create", _order(n)) for n in range(20)))
    assert [r.status_code for r in before] == [200] * 20, [r.text for r in before]
    await drain()
    warm = await asyncio.gather(*(shop.gql(STAFF_QUERY, {"sid": str(81_000 + n)}) for n in range(5)))
    assert all("errors" not in r for r in warm), warm

    names = await _terminate_app_connections(settings)
    assert "loyalnest" in names, names  # the engine's connections were among them

    # At once, concurrently (one group-commit batch) and then one by one.
    after = list(await asyncio.gather(*(shop.webhook("orders/create", _order(n)) for n in range(20, 35))))
    after += [await shop.webhook("orders/create", _order(n)) for n in range(35, 40)]
    assert [r.status_code for r in after] == [200] * 20, [r.text for r in after]
    assert {r.json()["status"] for r in after} == {"accepted"}

    result = await shop.gql(STAFF_QUERY, {"sid": str(81_000)})
    assert "errors" not in result, result
    assert result["data"]["shop"]["domain"] == shop.domain
    assert result["data"]["customerByShopifyId"]["pointsBalance"] == 10

    # A second reset, now with the plain read pool warm too, then a query at once.
    await asyncio.gather(*(shop.gql(STAFF_QUERY, {"sid": str(81_000 + n)}) for n in range(5)))
    await _terminate_app_connections(settings)
    result = await shop.gql(STAFF_QUERY, {"sid": str(81_001)})
    assert "errors" not in result, result
    assert result["data"]["customerByShopifyId"]["pointsBalance"] == 11

    # Every delivery stored once and processed: each order's points awarded exactly once.
    await drain()
    stored = await inbox_rows(shop.id)
    assert len(stored) == 40
    assert len({row["event_id"] for row in stored}) == 40
    assert all(row["processed_at"] is not None for row in stored), [
        r for r in stored if not r["processed_at"]
    ]
    for n in range(40):
        assert await balance(shop, 81_000 + n) == 10 + n


async def test_webhooks_in_flight_when_connections_are_terminated_are_answered_200_and_stored_once(
    make_shop, settings, drain
):
    """Backends terminated once while deliveries are being written (not yet exited when
    the next statements arrive): the statements that die with them are retried once on
    a fresh connection. (One reset, as a restart or failover is; a database being reset
    over and over is down, and Shopify retries those deliveries itself.)"""
    shop = await make_shop()
    url = settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    admin = await asyncpg.connect(url, server_settings={"application_name": "test-operator"})
    terminated: list[int] = []

    async def send(n: int) -> Any:
        return await shop.webhook("orders/create", _order(n))

    async def terminate_once() -> None:
        await asyncio.sleep(0.05)
        # no wait for the backends to exit: statements may be running on them
        rows = await admin.fetch(
            _TERMINATE.replace("pg_terminate_backend(pid, 5000)", "pg_terminate_backend(pid)")
        )
        terminated.extend(row["pid"] for row in rows)

    try:
        results = await asyncio.gather(terminate_once(), *(send(n) for n in range(60)))
    finally:
        await admin.close()
    responses = results[1:]
    assert terminated, "no app connection was terminated"
    assert [r.status_code for r in responses] == [200] * 60, [
        r.text for r in responses if r.status_code != 200
    ]

    await drain()
    stored = await inbox_rows(shop.id)
    assert len(stored) == len({row["event_id"] for row in stored}) == 60
    for n in range(60):
        assert await balance(shop, 81_000 + n) == 10 + n
