"""Shared by the rewards tests (context, GraphQL, workers, bench): the Shopify Admin
fake (one per test process, started on first use), shops that can call it, customers
with points, rewards, and what the database and the fake hold."""

from __future__ import annotations

import atexit
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.devtools.shopify_fake import ShopifyFake
from loyalnest.integrations.shopify_admin import api as admin_api
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows, scalar
from tests.integrations.shopify_admin.admin_support import TEST_ADMIN_CONFIG

_fake: ShopifyFake | None = None


def running_fake() -> ShopifyFake:
    global _fake
    if _fake is None:
        _fake = ShopifyFake()
        _fake.start()
        atexit.register(_fake.stop)
    return _fake


@contextmanager
def admin_fake(**config: Any) -> Iterator[ShopifyFake]:
    """This process's Admin client pointed at the fake (back to settings afterwards)."""
    fake = running_fake()
    admin_api.configure_admin(base_url=fake.base_url, **{**TEST_ADMIN_CONFIG, **config})
    try:
        yield fake
    finally:
        admin_api.configure_admin()


async def connect_shop(shop: Any, fake: ShopifyFake, *, plan: str = "standard") -> str:
    """Give a test shop an Admin API token (as the OAuth install does) and register it
    with the fake; returns the token."""
    token = f"shpat_{uuid.uuid4().hex}"
    async with unit_of_work() as uow:
        await merchants.set_access_token(uow, shop.id, token)
    fake.add_shop(shop.domain, token=token, plan=plan)
    return token


async def customer_with_points(merchant_id: int, shopify_id: int, balance: int) -> int:
    """A customer of the shop holding ``balance`` points; returns our customer id."""
    async with unit_of_work() as uow:
        customer_id = await customers.upsert_from_shopify(
            uow, merchant_id, customers.ShopifyCustomerFacts(shopify_customer_id=shopify_id)
        )
        if balance:
            await points.award_points(
                uow,
                merchant_id=merchant_id,
                customer_id=customer_id,
                points=balance,
                rule="custom",
                source_ref=None,
                idempotency_key=f"test-grant:{uuid.uuid4().hex}",
            )
    return customer_id


async def make_reward(
    merchant_id: int, *, points_cost: int = 100, kind: str = "fixed_amount", **terms: Any
) -> int:
    """A reward created through the api (GraphQL tests create theirs over HTTP)."""
    values: dict[str, Any] = {"value": Decimal("5") if kind in ("fixed_amount", "percentage") else None}
    if kind == "free_product":
        values["variant_gid"] = "gid://shopify/ProductVariant/424242"
    values.update(terms)
    async with unit_of_work() as uow:
        dto = await rewards.create_reward(
            uow,
            merchant_id=merchant_id,
            actor="staff:test",
            data=rewards.RewardInput(
                kind=kind,
                points_cost=points_cost,
                titles=values.pop("titles", [("en", f"{kind} reward")]),
                default_locale=values.pop("default_locale", "en"),
                **values,
            ),
        )
    return dto.id


async def balance(merchant_id: int, customer_id: int) -> int:
    return (await points.get_accounts(merchant_id, [customer_id]))[customer_id].balance


async def redemption_rows(merchant_id: int) -> list[dict[str, Any]]:
    return await rows(
        "select id, customer_id, reward_id, status, points_spent, code_enc, code_bidx, discount_gid,"
        " expires_at, failure_reason, attempts, shopify_order_id, issued_at, used_at, returned_at"
        " from reward_redemptions where merchant_id = :m order by id",
        m=merchant_id,
    )


async def ledger_kinds(merchant_id: int, customer_id: int) -> list[tuple[str, int]]:
    found = await rows(
        "select kind, delta from points_ledger where merchant_id = :m and customer_id = :c order by id",
        m=merchant_id,
        c=customer_id,
    )
    return [(r["kind"], r["delta"]) for r in found]


async def expire_now(merchant_id: int, redemption_id: int, *, hours_ago: float) -> None:
    """Time travel: the code expired ``hours_ago`` hours ago."""
    from sqlalchemy import text

    from loyalnest.platform.db import read_session

    async with read_session() as session, session.begin():
        await session.execute(
            text(
                "update reward_redemptions set expires_at = now() - make_interval(secs => :s)"
                " where merchant_id = :m and id = :id"
            ),
            {"s": hours_ago * 3600, "m": merchant_id, "id": redemption_id},
        )


async def audit_actions(merchant_id: int) -> list[str]:
    found = await rows("select action from audit_entries where merchant_id = :m order by id", m=merchant_id)
    return [r["action"] for r in found]


async def count(table: str, merchant_id: int) -> int:
    return int(await scalar(f"select count(*) from {table} where merchant_id = :m", m=merchant_id))
