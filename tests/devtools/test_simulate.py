"""``loyalnest simulate`` against the real test server and worker: every delivery is
answered, duplicates are recognised as such, and the shop's ledger adds up."""

from __future__ import annotations

from loyalnest.contexts.points import api as points
from loyalnest.devtools.loadgen import loopback_address
from loyalnest.devtools.simulate import plan_simulation, simulate
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import inbox_rows, rows

SEED = 20261123


def test_the_plan_is_deterministic_and_has_every_awkward_case():
    plans = [
        plan_simulation(
            port=8000, shop_domain="x.myshopify.com", secret="s", orders=120, customers=30, seed=SEED
        )
        for _ in range(2)
    ]
    first, second = plans
    assert first.orders == second.orders
    assert first.cancelled_orders == second.cancelled_orders
    assert first.deliveries == second.deliveries
    # the seed used by the end-to-end test exercises every case at least once
    assert first.duplicates > 0
    assert first.cancelled_first_orders
    assert set(first.cancelled_orders) > set(first.cancelled_first_orders)
    assert first.refunded_orders
    assert first.guest_orders
    assert first.topics["customers/create"] == 30


async def test_simulation_fills_the_shop_and_the_ledger_adds_up(shop, server, drain):
    report = await simulate(
        server,
        shop_domain=shop.domain,
        secret=shop.settings.shopify_api_secret,
        orders=120,
        customers=30,
        concurrency=8,
        seed=SEED,
        timeout=60,
    )
    plan = report.plan
    assert report.errors == 0, report.summary()
    assert report.sent == plan.deliveries
    assert report.duplicates == plan.duplicates
    assert report.accepted + report.duplicates == report.sent
    await drain()

    # one inbox row per distinct delivery, every one processed
    stored = await inbox_rows(shop.id)
    assert len(stored) == report.accepted
    assert {row["outcome"] for row in stored} == {"processed"}

    async with unit_of_work() as uow:
        assert await points.verify_ledger(uow, shop.id) == []  # balances equal ledger sums
    ledger = await rows(
        "select source_ref, kind, delta from points_ledger where merchant_id = :m order by id", m=shop.id
    )
    net: dict[str, int] = {}
    for entry in ledger:
        net[entry["source_ref"]] = net.get(entry["source_ref"], 0) + entry["delta"]
    # cancelled orders leave no points, whichever came first
    for order_id in plan.cancelled_orders:
        assert net.get(f"order:{order_id}", 0) == 0, order_id
    # every other customer order earned once (a duplicate delivery did not earn twice)
    earns = [e["source_ref"] for e in ledger if e["kind"] == "earn"]
    assert len(earns) == len(set(earns))
    paying = set(plan.orders) - set(plan.cancelled_orders) - set(plan.guest_orders)
    assert {f"order:{o}" for o in paying} <= set(earns)
    for order_id in set(plan.refunded_orders):
        assert net[f"order:{order_id}"] >= 0  # a partial refund takes back part, never more
    assert not any(f"order:{o}" in net for o in plan.guest_orders)


def test_only_loopback_targets_are_allowed():
    assert loopback_address("http://127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert loopback_address("http://localhost:9") == ("127.0.0.1", 9)
    for url in ("http://10.0.0.1:8000", "https://127.0.0.1:8000", "http://example.com"):
        try:
            loopback_address(url)
        except Exception:
            continue
        raise AssertionError(f"{url} was accepted")
