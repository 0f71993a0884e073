"""``loyalnest bench redeem``: redemptions per second through the real API and the
Shopify fake, against the database's own rate of the conditional spend.

N storefront redemptions (``redeemReward`` over the signed app proxy, as the widget
sends them) of one reward by M customers, C in flight. Each is the whole path: the
request, transaction 1 (reward check, points spent under the account lock, redemption
row), the Admin API call to the fake (``discountCodeBasicCreate``), transaction 2.

The baseline, measured in the same run against the same database at the same
concurrency over the same number of accounts, is the statement every redemption
ultimately serialises on: ``UPDATE points_accounts SET balance = balance - $cost
WHERE ... AND balance >= $cost RETURNING balance``, one per transaction (autocommit),
straight on asyncpg. It runs on the accounts of a throwaway shop with no ledger, which
is deleted right after (its balances do not equal a ledger, on purpose: it is the bare
statement), so the bench shop's ledger stays exact and is verified at the end.

Without ``--url`` the bench starts the Shopify fake (``loyalnest shopify-fake``) and
one API process pointed at it; the worker is not needed (redemption is synchronous).
"""

from __future__ import annotations

import asyncio
import math
import os
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import text

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.devtools import cpu
from loyalnest.devtools.bench import Latency
from loyalnest.devtools.loadgen import build_request, loopback_address, run_load
from loyalnest.platform.db import database_url, read_session
from loyalnest.platform.uow import unit_of_work

REDEEM_MUTATION = (
    "mutation ($reward: ID!) { redeemReward(rewardId: $reward) {"
    " redemption { status code } pointsBalance userErrors { code } } }"
)
PROXY_PATH = "/proxy/graphql"
# customers' Shopify ids: far from anything a developer's database holds
SHOPIFY_ID_BASE = 9_100_000_000_000


@dataclass
class RedeemBenchShop:
    merchant_id: int
    shop_domain: str
    access_token: str
    reward_id: int
    reward_gid: str
    shopify_customer_ids: list[int]
    points_cost: int


@dataclass
class RedeemBenchReport:
    redemptions: int
    concurrency: int
    customers: int
    sent: int
    issued: int
    outcomes: dict[str, int]
    errors: int
    seconds: float
    per_second: float
    latency: Latency
    baseline_updates: int = 0
    baseline_seconds: float = 0.0
    baseline_per_second: float = 0.0
    discounts_created: int | None = None
    ledger_ok: bool | None = None
    cpu: str = ""
    plan: str = ""
    setup: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """Redemptions/s over the bare conditional spend's updates/s."""
        return self.per_second / self.baseline_per_second if self.baseline_per_second else None

    def lines(self) -> list[str]:
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
        lines = [
            f"bench redeem: {self.redemptions} storefront redemptions (app proxy, redeemReward) by "
            f"{self.customers} customers, concurrency {self.concurrency}; shop plan {self.plan}"
            + (f"; {self.setup}" if self.setup else ""),
            f"  redeemed      {self.issued}/{self.sent} codes issued in {self.seconds:.2f} s = "
            f"{self.per_second:,.0f} redemptions/s (outcomes: {outcomes}; transport errors {self.errors})",
            f"  latency       {self.latency}",
        ]
        if self.cpu:
            lines.append(f"  CPU used      {self.cpu} (timed run)")
        if self.discounts_created is not None:
            lines.append(f"  Shopify fake  {self.discounts_created} discount codes created")
        if self.baseline_updates:
            lines.append(
                f"  baseline      {self.baseline_updates} bare conditional spends (UPDATE points_accounts ..."
                f" AND balance >= cost RETURNING, autocommit, {self.concurrency} connections,"
                f" {self.customers} accounts) in {self.baseline_seconds:.2f} s ="
                f" {self.baseline_per_second:,.0f} updates/s"
            )
        if self.ratio is not None:
            lines.append(f"  ratio         redemptions / bare spends = {self.ratio:.3f}")
        if self.ledger_ok is not None:
            lines.append(f"  ledger        {'ok' if self.ledger_ok else 'MISMATCH'} (balances = ledger sums)")
        lines += [f"  note: {note}" for note in self.notes]
        return lines


# --- seeding --------------------------------------------------------------------------


async def seed_redeem_shop(
    *, customers_count: int, redemptions: int, points_cost: int, plan: str, domain: str | None = None
) -> RedeemBenchShop:
    """A shop with an Admin API token, one reward, and customers holding enough points
    for every redemption they will be sent (round-robin), so none is refused for want
    of points and every one does the whole path."""
    domain = domain or f"bench-redeem-{uuid.uuid4().hex[:10]}.myshopify.com"
    token = f"shpat_bench_{uuid.uuid4().hex}"
    per_customer = math.ceil(redemptions / customers_count)
    base = SHOPIFY_ID_BASE + uuid.uuid4().int % 10**9 * 1000
    shopify_ids = [base + i for i in range(customers_count)]
    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow, shop_domain=domain, name="Bench Redeem Shop", currency="USD", plan=plan, access_token=token
        )
        reward = await rewards.create_reward(
            uow,
            merchant_id=merchant.id,
            actor="bench",
            data=rewards.RewardInput(
                kind="fixed_amount",
                points_cost=points_cost,
                value=Decimal("5"),
                titles=[("en", "$5 off")],
                default_locale="en",
            ),
        )
    for start in range(0, customers_count, 200):
        async with unit_of_work() as uow:
            for shopify_id in shopify_ids[start : start + 200]:
                customer_id = await customers.upsert_from_shopify(
                    uow, merchant.id, customers.ShopifyCustomerFacts(shopify_customer_id=shopify_id)
                )
                await points.award_points(
                    uow,
                    merchant_id=merchant.id,
                    customer_id=customer_id,
                    points=per_customer * points_cost,
                    rule="custom",
                    source_ref="bench",
                    idempotency_key=f"bench-redeem:{shopify_id}",
                )
    from loyalnest.graphql.core.ids import encode_id

    return RedeemBenchShop(
        merchant_id=merchant.id,
        shop_domain=merchant.shop_domain,
        access_token=token,
        reward_id=reward.id,
        reward_gid=str(encode_id("Reward", reward.id)),
        shopify_customer_ids=shopify_ids,
        points_cost=points_cost,
    )


async def drop_shop(merchant_id: int) -> None:
    """Delete a bench shop and, by cascade, all it accumulated."""
    async with unit_of_work() as uow:
        await uow.session.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": merchant_id})


# --- requests -------------------------------------------------------------------------


def redeem_request(
    *, port: int, secret: str, shop_domain: str, shopify_customer_id: int, reward_gid: str
) -> bytes:
    """One signed app-proxy request redeeming the reward for the signed-in customer."""
    params = {
        "shop": shop_domain,
        "logged_in_customer_id": str(shopify_customer_id),
        "path_prefix": "/apps/loyalnest",
        "timestamp": str(int(time.time())),
    }
    params["signature"] = webhooks.app_proxy_signature(secret, {k: [v] for k, v in params.items()})
    body = orjson.dumps({"query": REDEEM_MUTATION, "variables": {"reward": reward_gid}})
    path = f"{PROXY_PATH}?{urllib.parse.urlencode(params)}"
    headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
    return build_request("POST", path, port=port, headers=headers, body=body)


def outcome_of(body: bytes | None) -> str:
    """ISSUED / PENDING / FAILED, a userError code, or "invalid" for an unreadable answer."""
    if body is None:
        return "no answer"
    try:
        payload = orjson.loads(body)["data"]["redeemReward"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return "invalid"
    if payload["userErrors"] and payload["redemption"] is None:
        return str(payload["userErrors"][0]["code"])
    return str(payload["redemption"]["status"])


# --- the database's own rate ----------------------------------------------------------

_SPEND = (
    "UPDATE points_accounts SET balance = balance - $3 "
    "WHERE merchant_id = $1 AND customer_id = $2 AND balance >= $3 RETURNING balance"
)


async def measure_spend_baseline(
    *, updates: int, concurrency: int, accounts: int, cost: int
) -> tuple[int, float]:
    """``updates`` conditional spends over ``accounts`` accounts (round-robin, as the
    redemptions go), ``concurrency`` connections at once, each its own transaction.
    Runs on a throwaway shop, deleted afterwards. Returns (updates that spent, seconds)."""
    import asyncpg

    async with unit_of_work() as uow:
        merchant = await merchants.install_shop(
            uow,
            shop_domain=f"bench-spend-{uuid.uuid4().hex[:10]}.myshopify.com",
            name="Bench baseline (throwaway)",
            currency="USD",
        )
    try:
        async with read_session() as session, session.begin():
            await session.execute(
                text(
                    "INSERT INTO points_accounts (merchant_id, customer_id, balance, lifetime_earned)"
                    " SELECT :m, g, :b, 0 FROM generate_series(1, :n) AS g"
                ),
                {"m": merchant.id, "b": cost * (updates + 1), "n": accounts},
            )
        dsn = database_url().replace("postgresql+asyncpg://", "postgresql://")
        pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
        try:
            jobs = iter(range(updates))
            spent = 0

            async def worker() -> None:
                nonlocal spent
                async with pool.acquire() as connection:
                    statement = await connection.prepare(_SPEND)
                    for index in jobs:
                        if await statement.fetchval(merchant.id, index % accounts + 1, cost) is not None:
                            spent += 1

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return spent, time.perf_counter() - started
        finally:
            await pool.close()
    finally:
        await drop_shop(merchant.id)


# --- the bench ------------------------------------------------------------------------


async def run_redeem_bench(
    url: str,
    *,
    secret: str,
    shop: RedeemBenchShop,
    redemptions: int,
    concurrency: int,
    warmup: int = 0,
    baseline: bool = True,
    timeout: float = 300.0,
    fake_state: Any = None,
    plan: str = "",
    cpu_trees: dict[str, int] | None = None,
) -> RedeemBenchReport:
    """Redeem against the API at ``url``, whose database this process is configured for.
    ``fake_state``: an async callable returning the fake's discount count for the shop."""
    _, port = loopback_address(url)
    customers_ids = shop.shopify_customer_ids

    def requests(count: int, offset: int) -> list[bytes]:
        return [
            redeem_request(
                port=port,
                secret=secret,
                shop_domain=shop.shop_domain,
                shopify_customer_id=customers_ids[(offset + i) % len(customers_ids)],
                reward_gid=shop.reward_gid,
            )
            for i in range(count)
        ]

    notes: list[str] = []
    if warmup:
        warm = await run_load(
            url, requests(warmup, 0), concurrency=concurrency, timeout=timeout, keep_bodies=True
        )
        warm_outcomes = Counter(outcome_of(b) for b in warm.bodies)
        if warm_outcomes.get("ISSUED", 0) != warmup:
            notes.append(f"warm-up outcomes: {dict(warm_outcomes)}")
    batch = requests(redemptions, warmup)
    cpu_names = {"postgres": "postgres", "redis": "redis-server"}
    bench_itself = {"bench": os.getpid()}
    cpu_before = cpu.snapshot(cpu_trees or {}, cpu_names, alone=bench_itself)
    load = await run_load(url, batch, concurrency=concurrency, timeout=timeout, keep_bodies=True)
    cpu_used = cpu.usage(cpu_before, cpu.snapshot(cpu_trees or {}, cpu_names, alone=bench_itself))
    outcomes = Counter(outcome_of(b) for b in load.bodies)
    issued = outcomes.get("ISSUED", 0)
    if load.timed_out:
        notes.append(f"sending stopped at the {timeout:.0f} s limit")
    report = RedeemBenchReport(
        redemptions=redemptions,
        concurrency=concurrency,
        customers=len(customers_ids),
        sent=load.sent,
        issued=issued,
        outcomes=dict(outcomes),
        errors=load.errors + sum(n for status, n in load.statuses.items() if status != 200),
        seconds=load.elapsed,
        per_second=issued / load.elapsed if load.elapsed else 0.0,
        latency=Latency.of(load),
        plan=plan,
        cpu=cpu_used,
        notes=notes,
    )
    if fake_state is not None:
        report.discounts_created = await fake_state()
    async with unit_of_work() as uow:
        report.ledger_ok = not await points.verify_ledger(uow, shop.merchant_id)
    if baseline:
        spent, seconds = await measure_spend_baseline(
            updates=redemptions, concurrency=concurrency, accounts=len(customers_ids), cost=shop.points_cost
        )
        report.baseline_updates = spent
        report.baseline_seconds = seconds
        report.baseline_per_second = spent / seconds if seconds else 0.0
    return report


def fake_discount_counter(fake_url: str, shop_domain: str) -> Any:
    """An async callable: how many discount codes the fake holds for the shop."""

    async def count() -> int:
        import httpx

        async with httpx.AsyncClient(timeout=10) as client:
            state = (await client.get(f"{fake_url}/__fake__/state")).json()
        return len(state["shops"].get(shop_domain, {}).get("discountCodes", {}))

    return count


def fake_command(port: int, shops: Sequence[tuple[str, str, str]]) -> list[str]:
    """``loyalnest shopify-fake`` serving exactly these (domain, token, plan) shops."""
    import sys

    args = [sys.executable, "-m", "loyalnest", "shopify-fake", "--port", str(port), "--no-auto-register"]
    for domain, token, plan in shops:
        args += ["--shop", f"{domain}:{token}:{plan}"]
    return args
