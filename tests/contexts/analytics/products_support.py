"""What the product RFM and export tests share: a small shop history written as the RFM
pass leaves it (orders and lines in its tables, customers through COPY as
``loyalnest simulate rfm`` writes them), customers' RFM rows and segment moves written
as H-rfm's pass writes them (its tables are the contract this concern reads), and the
actors run through the real broker and worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.simulate_rfm import SimCustomer, SimLine, SimOrder, write_customers, write_orders
from loyalnest.platform import queue
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

_ids = count(5_100_000_000_000)
QUEUE = "analytics"


def person(first: str = "Ada", last: str = "Okafor", email: str | None = None) -> SimCustomer:
    shopify_id = next(_ids)
    return SimCustomer(shopify_id, email or f"p{shopify_id}@example.com", first, last, "test")


def line(product_id: int, revenue: str, *, quantity: int = 1, refunded: str = "0") -> SimLine:
    return SimLine(product_id, quantity, Decimal(revenue), Decimal(refunded))


def order(
    customer: int | None,
    days_ago: float,
    *lines: SimLine,
    cancelled: bool = False,
    now: datetime | None = None,
) -> SimOrder:
    return SimOrder(
        next(_ids), customer, (now or utcnow()) - timedelta(days=days_ago), cancelled, tuple(lines)
    )


async def seed(shop: Any, people: Sequence[SimCustomer], orders: Sequence[SimOrder]) -> list[int]:
    """The customers and their orders in ``shop``; the customers' ids, in order."""
    ids = await write_customers(shop.id, list(people))
    await write_orders(shop.id, list(orders), ids)
    return ids


async def score(shop: Any, customer_id: int, segment: str, *, r: int = 3, f: int = 3, m: int = 3) -> None:
    """The customer's RFM row as the RFM pass writes it."""
    now = utcnow()
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO analytics_customer_rfm (merchant_id, customer_id, first_order_at, last_order_at,"
                " order_count, net_spend, r, f, m, segment, segment_since, updated_at)"
                " VALUES (:m, :c, :first, :last, 1, 10, :r, :f, :mm, :s, :now, :now)"
                " ON CONFLICT (merchant_id, customer_id) DO UPDATE SET segment = excluded.segment,"
                " r = excluded.r, f = excluded.f, m = excluded.m"
            ),
            {
                "m": shop.id,
                "c": customer_id,
                "first": now - timedelta(days=40),
                "last": now - timedelta(days=5),
                "r": r,
                "f": f,
                "mm": m,
                "s": segment,
                "now": now,
            },
        )


async def moved(
    shop: Any, customer_id: int, from_segment: str | None, to_segment: str, days_ago: float
) -> None:
    """A segment change in the history, as the RFM pass records it."""
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "INSERT INTO analytics_segment_history (merchant_id, customer_id, from_segment, to_segment,"
                " changed_at) VALUES (:m, :c, :f, :t, :at)"
            ),
            {
                "m": shop.id,
                "c": customer_id,
                "f": from_segment,
                "t": to_segment,
                "at": utcnow() - timedelta(days=days_ago),
            },
        )


async def refresh_through_worker(shop: Any, drain: Callable[[], Awaitable[None]]) -> None:
    """The refresh actor, sent to the real broker and run by the real worker."""
    queue.send(analytics.REFRESH_PRODUCT_STATS_ACTOR, QUEUE, {"merchant_id": shop.id})
    await drain()
