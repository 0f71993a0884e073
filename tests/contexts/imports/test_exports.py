"""The export actor on a real broker and worker: delivered twice it writes one file;
a run whose worker died mid-file is waited for while its heartbeat is fresh, then taken
over and written again from the first customer, leaving one file per export (the dead
attempt's part goes with the sweep); small batches write what large ones do. And the
round trip: an export imported into an empty shop gives its customers the same
balances."""

from __future__ import annotations

from typing import Any

import pytest

from loyalnest.contexts.imports import export_api, export_flows, export_repository, export_storage, tasks
from loyalnest.contexts.points import api as points
from loyalnest.platform import queue
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.encrypted_files import EncryptedWriter
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.imports import export_support, support
from tests.contexts.support import execute, rows, scalar

pytestmark = pytest.mark.usefixtures("broker")


async def _new_export(shop: Any, format: str = "GENERIC", *, history: bool = True) -> int:
    """An export row as exportCustomers makes it, without sending its actor (each test
    runs it when it means to)."""
    async with unit_of_work() as uow:
        row = await export_repository.insert_export(
            uow.session, shop.id, format=format, include_history=history, requested_by="staff:1"
        )
    assert row is not None
    return row.id


def _content(shop: Any, export_id: int, file: str) -> bytes:
    stream = export_storage.open_file(shop.id, export_id, file)
    assert stream is not None
    with stream:
        return stream.read()


def _names(shop: Any) -> list[str]:
    return sorted(stored.path.name for stored in export_storage.files_of(shop.id))


async def _state(shop: Any, export_id: int) -> dict[str, Any]:
    [found] = await rows(
        "select status, attempts, finished_at, customers, history_rows from customer_exports"
        " where merchant_id = :m and id = :id",
        m=shop.id,
        id=export_id,
    )
    return found


async def test_the_actor_delivered_twice_writes_one_file(make_shop, drain):
    shop, _ = await export_support.populated_shop(make_shop, drain, base=7_700)
    export_id = await _new_export(shop)
    for _ in range(2):
        queue.send(export_api.EXPORT_ACTOR, "imports", {"merchant_id": shop.id, "export_id": export_id})
    await drain()
    done = await _state(shop, export_id)
    assert (done["status"], done["attempts"], done["customers"], done["history_rows"]) == (
        "completed",
        1,
        3,
        3,
    )
    assert _names(shop) == [f"{export_id}.customers.lnf", f"{export_id}.history.lnf"]
    customers, history = _content(shop, export_id, "customers"), _content(shop, export_id, "history")
    # once more, by hand: an export that ended is left as it is
    await tasks.export_customers(shop.id, export_id)
    assert await _state(shop, export_id) == done
    assert _names(shop) == [f"{export_id}.customers.lnf", f"{export_id}.history.lnf"]
    assert (_content(shop, export_id, "customers"), _content(shop, export_id, "history")) == (
        customers,
        history,
    )


async def test_a_run_whose_worker_died_is_taken_over_and_written_from_the_start(make_shop, drain):
    shop, _ = await export_support.populated_shop(make_shop, drain, base=7_800)
    reference = await _new_export(shop)
    assert (await export_api.run_export(shop.id, reference)).status == "completed"  # type: ignore[union-attr]
    export_id = await _new_export(shop)
    # a worker took it, wrote half a file and died (its part never sealed)
    now = utcnow()
    async with unit_of_work() as uow:
        dead = await export_repository.claim(uow.session, shop.id, export_id, now=now, stale=now)
    assert dead is not None
    assert dead.attempts == 1
    half = EncryptedWriter(
        get_keyring(), export_storage.part_of(shop.id, export_id, "customers", 1), purpose=b"half"
    )
    half.write(b"shopify_customer_id,email\r\n1,half@example.org\r\n")
    half.abort()
    # while its heartbeat is fresh, a redelivered message waits (the actor retries later)
    with pytest.raises(export_flows.ExportBusy):
        await export_api.run_export(shop.id, export_id)
    assert (await _state(shop, export_id))["attempts"] == 1
    # once it is stale, the next delivery takes it over and starts from the first
    # customer (in small batches and history pages here: what large ones write)
    await execute(
        "update customer_exports set heartbeat_at = now() - interval '10 minutes'"
        " where merchant_id = :m and id = :id",
        m=shop.id,
        id=export_id,
    )
    done = await export_api.run_export(shop.id, export_id, batch_size=2, history_page=1)
    assert done is not None
    assert (done.status, done.customers, done.history_rows, done.rows_done) == ("completed", 3, 3, 3)
    assert (await _state(shop, export_id))["attempts"] == 2
    for file in ("customers", "history"):
        assert _content(shop, export_id, file) == _content(shop, reference, file)
    # the dead attempt's part stays until the sweep, which keeps the export's files
    assert f"{export_id}.customers.1.part" in _names(shop)
    await export_api.purge_expired_exports()
    assert _names(shop) == sorted(
        f"{i}.{f}.lnf" for i in (reference, export_id) for f in ("customers", "history")
    )


_STANDING = """
select c.shopify_customer_id as shopify_id, coalesce(a.balance, 0) as balance,
       coalesce(a.lifetime_earned, 0) as lifetime, t.names->>'en' as tier
from customers c
left join points_accounts a on a.merchant_id = c.merchant_id and a.customer_id = c.id
left join customer_tiers ct on ct.merchant_id = c.merchant_id and ct.customer_id = c.id
left join tiers t on t.merchant_id = ct.merchant_id and t.id = ct.tier_id
where c.merchant_id = :m order by c.shopify_customer_id
"""
# an order's pending points there, the old app's pending points held here
_PENDING = """
select c.shopify_customer_id as shopify_id, coalesce(sum(p.points), 0) as pending
from customers c left join (
    select merchant_id, customer_id, points from pending_points where status = 'pending'
    union all select merchant_id, customer_id, points from held_points where status = 'pending'
) p on p.merchant_id = c.merchant_id and p.customer_id = c.id
where c.merchant_id = :m group by c.shopify_customer_id order by c.shopify_customer_id
"""
_LOTS = """
select c.shopify_customer_id as shopify_id, l.points, l.remaining, l.expires_at
from points_lots l join customers c on c.merchant_id = l.merchant_id and c.id = l.customer_id
where l.merchant_id = :m order by c.shopify_customer_id, l.points, l.expires_at
"""


async def test_an_export_imported_into_an_empty_shop_reproduces_balances_pending_tiers_and_lots(
    make_shop, drain, http
):
    shop, known = await export_support.populated_shop(make_shop, drain, base=7_900)
    # Grace earns on two orders, spends 50 (from the older lot), then the newer order is
    # refunded: its reversal takes from its own lot first, leaving 50 in the older one.
    # Read back oldest first, the reversal would empty the older lot instead. Then she
    # redeems 30 and the code is given back: the points refill the lot they came from
    # (read back as a plain credit, they would open a lot of their own).
    grace = export_support.named(known, "Grace").customer_id
    for order, earned in ((1, 100), (2, 120)):
        async with unit_of_work() as uow:
            await points.post_many(
                uow,
                shop.id,
                [points.Posting(grace, earned, "earn", "order", f"order:{order}:earn", f"order:{order}")],
            )
    await _spend(shop.id, grace, 50, "redemption:2")
    await _refund(shop.id, grace, 120, order=2)
    await _spend(shop.id, grace, 30, "redemption:3")
    async with unit_of_work() as uow:
        await points.return_points(
            uow,
            merchant_id=shop.id,
            customer_id=grace,
            points=30,
            source="reward",
            source_ref="redemption:3",
            idempotency_key=f"test-return-3:{grace}",
        )
    # Alan earns 100 on an order and spends all but 20 of his points; the order is then
    # refunded: its reversal takes the 20 and falls 80 short, and his lifetime earned
    # goes down by the whole 100. Read back as a debit of 20, it went down by 20.
    alan = export_support.named(known, "Alan").customer_id
    async with unit_of_work() as uow:
        await points.post_many(
            uow, shop.id, [points.Posting(alan, 100, "earn", "order", "order:4:earn", "order:4")]
        )
    alan_balance = int(
        await scalar("select balance from points_accounts where merchant_id = :m and customer_id = :c",
                     m=shop.id, c=alan)
    )  # fmt: skip
    await _spend(shop.id, alan, alan_balance - 20, "redemption:4")
    await _refund(shop.id, alan, 100, order=4)
    assert (
        await scalar(
            "select shortfall from points_ledger where merchant_id = :m and idempotency_key = 'refund:4'",
            m=shop.id,
        )
        == 80
    )
    grace_lots = (
        "select points, remaining from points_lots where merchant_id = :m and customer_id = :c order by id"
    )
    assert [tuple(r.values()) for r in await rows(grace_lots, m=shop.id, c=grace)] == [(100, 50), (120, 0)]
    done = await export_support.exported(shop, drain, "GENERIC", history=True)
    content, _ = await export_support.download(http, done["downloadUrl"])
    history, _ = await export_support.download(http, done["historyDownloadUrl"])
    # an empty shop with the same program: the expiry rule and the ladder
    empty = await make_shop()
    settings = await empty.gql(
        export_support.SETTINGS, {"policy": "DAYS_AFTER_EARN", "days": 365, "pending": 14}
    )
    assert settings["data"]["updateProgramSettings"]["userErrors"] == []
    assert (await export_support.create(empty, "Gold", "100000"))["tier"] is not None
    await drain()
    started = await support.send_files(empty, content, history, source="GENERIC", dry_run=False)
    await drain()
    imported = await support.read_full(empty, started["id"])
    assert imported["status"] == "COMPLETED", imported
    assert (imported["counts"]["valid"], imported["counts"]["created"]) == (3, 3), imported["errors"]
    assert imported["counts"]["historyInvalid"] == 0, imported["errors"]
    # the same balances, lifetime points and tiers, customer by customer
    assert await rows(_STANDING, m=empty.id) == await rows(_STANDING, m=shop.id)
    # the same points pending
    assert await rows(_PENDING, m=empty.id) == await rows(_PENDING, m=shop.id)
    assert any(r["pending"] for r in await rows(_PENDING, m=shop.id))  # (there are some to compare)
    # and the same lots: what each holds, what is left of it, when it expires
    assert await rows(_LOTS, m=empty.id) == await rows(_LOTS, m=shop.id)
    assert await rows(_LOTS, m=shop.id)  # (there are lots to compare)


async def _refund(merchant_id: int, customer_id: int, amount: int, *, order: int) -> None:
    """The order's earning taken back, as its refund does."""
    async with unit_of_work() as uow:
        await points.reverse_earning(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            points=amount,
            earning_key=f"order:{order}:earn",
            source="order",
            source_ref=f"order:{order}",
            idempotency_key=f"refund:{order}",
        )


async def _spend(merchant_id: int, customer_id: int, amount: int, redemption: str) -> None:
    async with unit_of_work() as uow:
        await points.spend_points(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            points=amount,
            source="reward",
            source_ref=redemption,
            idempotency_key=f"test-spend:{redemption}:{customer_id}",
        )


async def _abandon(shop: Any, export_id: int, quiet_for: str) -> None:
    """A worker took the export and went quiet ``quiet_for`` ago (it died)."""
    now = utcnow()
    async with unit_of_work() as uow:
        assert await export_repository.claim(uow.session, shop.id, export_id, now=now, stale=now) is not None
    await execute(
        f"update customer_exports set heartbeat_at = now() - interval '{quiet_for}'"
        " where merchant_id = :m and id = :id",
        m=shop.id,
        id=export_id,
    )


async def test_a_run_its_worker_abandoned_blocks_no_later_export(make_shop, drain):
    shop = await make_shop()
    # quiet for a minute: maybe alive, so a new export waits
    busy = await _new_export(shop)
    await _abandon(shop, busy, "1 minute")
    refused = await export_support.request(shop, "GENERIC")
    assert [e["code"] for e in refused["userErrors"]] == ["IN_PROGRESS"]
    # quiet past STALE_AFTER: it died; asking again ends it and queues the new one
    await _abandon(shop, busy, "10 minutes")
    asked = await export_support.request(shop, "GENERIC")
    assert asked["userErrors"] == []
    await drain()
    dead = await _state(shop, busy)
    assert dead["status"] == "failed"
    assert await scalar(
        "select last_error from customer_exports where merchant_id = :m and id = :id", m=shop.id, id=busy
    ) == ("the worker writing the export stopped: export again")
    # and the sweep ends one nobody asked past (its message's retries spent)
    other = await make_shop()
    left = await _new_export(other)
    await _abandon(other, left, "2 hours")
    await export_api.purge_expired_exports()
    assert (await _state(other, left))["status"] == "failed"


async def test_an_export_that_cannot_be_written_fails_and_the_next_one_may_be_asked_for(make_shop, drain):
    shop = await make_shop()
    # the shop's export directory cannot be made (a file stands where it goes)
    blocker = export_storage.path_of(shop.id, 1, "customers").parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_bytes(b"")
    try:
        export_id = await _new_export(shop)
        failed = await export_api.run_export(shop.id, export_id)
        assert failed is not None
        assert failed.status == "failed"
        assert failed.last_error is not None
        assert failed.last_error.startswith("the export could not be written (")
    finally:
        blocker.unlink()
    # nothing is left behind, and a new export is taken
    assert _names(shop) == []
    asked = await export_support.request(shop, "SMILE")
    assert asked["userErrors"] == []
    await drain()
    done = await export_support.read(shop, asked["customerExport"]["id"])
    assert done is not None
    assert done["status"] == "COMPLETED"
