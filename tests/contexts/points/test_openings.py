"""Opening balances an import brings (``post_opening_balances``): the set-based path for
customers without an account writes exactly what the posting path writes (an import
credit opening a lot under the shop's rule, a debit of what was spent taking from it),
a customer with an account goes the posting path's way (their older lots first), a
replay posts nothing, and the books check out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows

# (earned with the old app, balance left): kept whole, half spent, all spent, one point
STANDINGS = [(500, 500), (1_200, 300), (40, 0), (7, 7)]
SOURCE = {
    "source": "import",
    "source_ref": "import:1",
    "reason": "Imported from Smile",
    "spent_reason": "Spent with Smile before the import",
    "actor": "staff:1",
}


async def _customers(shop: Any, count: int) -> list[int]:
    people = [
        customers.ImportedCustomer(shopify_customer_id=None, email=f"c{n}@example.org") for n in range(count)
    ]
    async with unit_of_work() as uow:
        return await customers.create_sealed(uow, shop.id, customers.seal_imported(people))


async def _follow_activity(shop: Any) -> None:
    async with unit_of_work() as uow:
        await points.change_expiry_policy(uow, shop.id, expiry_policy="days_after_activity", expiry_days=30)


def _openings(ids: list[int], standings: list[tuple[int, int]]) -> list[points.OpeningBalance]:
    return [
        points.OpeningBalance(
            customer_id=c, earned=e, balance=b, key=f"import:k:{c}", spent_key=f"import:k:{c}:spent"
        )
        for c, (e, b) in zip(ids, standings, strict=True)
    ]


async def _posting_path(shop: Any, openings: list[points.OpeningBalance]) -> None:
    """What the imports context posted before the set-based path: credits, then debits."""

    def posting(customer_id: int, delta: int, key: str, reason: str) -> points.Posting:
        return points.Posting(
            customer_id=customer_id,
            delta=delta,
            kind="import",
            source="import",
            idempotency_key=key,
            source_ref="import:1",
            reason=reason,
            actor="staff:1",
        )

    async with unit_of_work() as uow:
        await points.post_many(
            uow, shop.id, [posting(o.customer_id, o.earned, o.key, SOURCE["reason"]) for o in openings]
        )
        await points.post_many(
            uow,
            shop.id,
            [
                posting(o.customer_id, o.balance - o.earned, o.spent_key, SOURCE["spent_reason"])
                for o in openings
                if o.earned > o.balance
            ],
        )


async def _books(shop: Any, ids: list[int]) -> dict[str, Any]:
    """Everything posted, with customers named by their place in ``ids`` and times by
    their distance from the account's last activity (two shops post at two moments)."""
    place = {c: n for n, c in enumerate(ids)}

    def named(key: str, customer_id: int) -> str:
        return key.replace(str(customer_id), f"#{place[customer_id]}")

    accounts = {
        r["customer_id"]: r
        for r in await rows(
            "select customer_id, balance, lifetime_earned, last_activity_at from points_accounts"
            " where merchant_id = :m",
            m=shop.id,
        )
    }
    ledger = await rows(
        "select id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall, balance_after,"
        " reason, actor from points_ledger where merchant_id = :m order by id",
        m=shop.id,
    )
    lots = await rows(
        "select l.customer_id, e.idempotency_key, l.points, l.remaining, l.expires_at, l.activity_days"
        " from points_lots l join points_ledger e on e.merchant_id = l.merchant_id and e.id = l.entry_id"
        " where l.merchant_id = :m order by l.id",
        m=shop.id,
    )
    taken = await rows(
        "select e.customer_id, e.idempotency_key, o.idempotency_key as lot_key, c.points"
        " from points_lot_consumptions c"
        " join points_ledger e on e.merchant_id = c.merchant_id and e.id = c.entry_id"
        " join points_lots l on l.merchant_id = c.merchant_id and l.id = c.lot_id"
        " join points_ledger o on o.merchant_id = l.merchant_id and o.id = l.entry_id"
        " where c.merchant_id = :m order by e.id, c.lot_id",
        m=shop.id,
    )
    return {
        "accounts": sorted(
            (place[c], a["balance"], a["lifetime_earned"], a["last_activity_at"] is not None)
            for c, a in accounts.items()
        ),
        # each customer's rows in the order they were written
        "ledger": sorted(
            (
                place[r["customer_id"]],
                r["id"],
                r["delta"],
                r["kind"],
                r["source"],
                r["source_ref"],
                named(r["idempotency_key"], r["customer_id"]),
                r["shortfall"],
                r["balance_after"],
                r["reason"],
                r["actor"],
            )
            for r in ledger
        ),
        "lots": sorted(
            (
                place[r["customer_id"]],
                named(r["idempotency_key"], r["customer_id"]),
                r["points"],
                r["remaining"],
                None
                if r["expires_at"] is None
                else r["expires_at"] - accounts[r["customer_id"]]["last_activity_at"],
                r["activity_days"],
            )
            for r in lots
        ),
        # per customer in the order taken (ids across customers differ between the paths)
        "taken": sorted(
            [
                (
                    place[r["customer_id"]],
                    named(r["idempotency_key"], r["customer_id"]),
                    named(r["lot_key"], r["customer_id"]),
                    r["points"],
                )
                for r in taken
            ],
            key=lambda t: (t[0], t[1]),  # stable: each entry's lots stay in the order taken
        ),
    }


def _without_ids(books: dict[str, Any]) -> dict[str, Any]:
    """The books with ledger ids replaced by each row's rank among its customer's."""
    ledger = []
    seen: dict[int, int] = {}
    for row in books["ledger"]:
        seen[row[0]] = seen.get(row[0], 0) + 1
        ledger.append((row[0], seen[row[0]], *row[2:]))
    return {**books, "ledger": ledger}


async def _verified(shop: Any) -> None:
    async with unit_of_work() as uow:
        assert await points.verify_ledger(uow, shop.id) == []
        assert await points.verify_lots(uow, shop.id) == []


async def test_a_chunk_posts_what_the_posting_path_posts_and_a_replay_posts_nothing(make_shop):
    fast, slow = await make_shop(), await make_shop()
    for shop in (fast, slow):
        await _follow_activity(shop)
    fast_ids, slow_ids = await _customers(fast, len(STANDINGS)), await _customers(slow, len(STANDINGS))

    async with unit_of_work() as uow:
        posted = await points.post_opening_balances(uow, fast.id, _openings(fast_ids, STANDINGS), **SOURCE)
    await _posting_path(slow, _openings(slow_ids, STANDINGS))

    assert posted.credited == {c: e for c, (e, _) in zip(fast_ids, STANDINGS, strict=True)}
    assert posted.net == sum(b for _, b in STANDINGS)
    books = await _books(fast, fast_ids)
    assert _without_ids(books) == _without_ids(await _books(slow, slow_ids))
    # a lot that follows activity, 30 days after the import (the account's last activity)
    assert {(lot[4], lot[5]) for lot in books["lots"]} == {(timedelta(days=30), 30)}
    # each debit written after its credit
    credits = {row[0]: row[1] for row in books["ledger"] if row[2] > 0}
    assert all(row[1] > credits[row[0]] for row in books["ledger"] if row[2] < 0)
    await _verified(fast)

    # the same chunk again (a worker killed after the commit, or the same file twice)
    async with unit_of_work() as uow:
        again = await points.post_opening_balances(uow, fast.id, _openings(fast_ids, STANDINGS), **SOURCE)
    assert (again.credited, again.net) == ({}, 0)
    assert await _books(fast, fast_ids) == books
    await _verified(fast)


async def test_a_customer_with_an_account_spends_their_older_points_first_as_the_posting_path_does(make_shop):
    fast, slow = await make_shop(), await make_shop()
    fast_ids, slow_ids = await _customers(fast, 2), await _customers(slow, 2)
    for shop, ids in ((fast, fast_ids), (slow, slow_ids)):
        # the first customer earned here before the import: an older lot
        async with unit_of_work() as uow:
            await points.post_many(
                uow,
                shop.id,
                [
                    points.Posting(
                        customer_id=ids[0],
                        delta=80,
                        kind="earn",
                        source="order",
                        idempotency_key=f"earn:{ids[0]}",
                    )
                ],
            )
    standings = [(1_000, 100), (60, 20)]

    async with unit_of_work() as uow:
        posted = await points.post_opening_balances(uow, fast.id, _openings(fast_ids, standings), **SOURCE)
    await _posting_path(slow, _openings(slow_ids, standings))

    assert posted.credited == {fast_ids[0]: 1_000, fast_ids[1]: 60}
    assert posted.net == 120
    books = await _books(fast, fast_ids)
    assert _without_ids(books) == _without_ids(await _books(slow, slow_ids))
    # the older lot went first: 80 of the 900 spent came out of it
    spent_of_first = [t for t in books["taken"] if t[0] == 0]
    assert [(t[2], t[3]) for t in spent_of_first] == [("earn:#0", 80), ("import:k:#0", 820)]
    assert books["accounts"][0][:3] == (0, 180, 1_080)
    await _verified(fast)


async def test_one_key_twice_is_one_posting(shop):
    [customer] = await _customers(shop, 1)
    opening = _openings([customer], [(300, 200)])[0]
    async with unit_of_work() as uow:
        posted = await points.post_opening_balances(
            uow, shop.id, [opening, opening._replace(balance=300)], **SOURCE
        )
    assert (posted.credited, posted.net) == ({customer: 300}, 200)
    assert (await points.get_accounts(shop.id, [customer]))[customer].balance == 200
    await _verified(shop)
