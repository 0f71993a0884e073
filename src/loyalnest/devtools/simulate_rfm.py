"""``loyalnest simulate rfm``: a realistic order history written straight into a shop, so
a newcomer sees full analytics at once (segments, trends, product RFM), then the full
RFM recompute and the product stats, and the segment distribution.

The history (deterministic for a seed) has the shapes real shops have:

- a long tail of one-time buyers (about 55 % of customers), occasional buyers (2-3
  orders), regulars (4-10), a loyal core (10-25 orders) and churners (regulars in the
  first half of the window who stopped);
- seasonality: more orders around Black Friday and the holidays, a gentle yearly wave;
- products by popularity (a Zipf-like long tail) at their own prices, 1-5 lines per
  order, some discounted;
- some orders partly refunded, some cancelled, a few guest orders (no customer).

Customers go into the customers table by COPY (their email and names encrypted and
blind-indexed as the customers context stores them; devtools may write any table),
orders (their lines in arrays) into ``analytics_orders`` by COPY: 100,000 customers
take seconds, not the hours their webhooks would.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import typer
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.customers import models as customer_models
from loyalnest.contexts.customers import rules as customer_rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import driver_connection, read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

# (archetype, share of customers, orders (min, max))
ARCHETYPES = (
    ("one_time", 0.55, (1, 1)),
    ("occasional", 0.25, (2, 3)),
    ("regular", 0.11, (4, 10)),
    ("loyal", 0.05, (10, 25)),
    ("churner", 0.04, (4, 12)),
)
REFUNDED_SHARE = 0.06
CANCELLED_SHARE = 0.02
GUEST_SHARE = 0.02
DISCOUNTED_SHARE = 0.2
# of the repeat buyers, how many have lapsed (their last order well before now)
LAPSED_SHARE = 0.35
DEMO_CUSTOMERS = 300
DEMO_DAYS = 730

_FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farid",
    "Grace",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
)
_LAST_NAMES = (
    "Okafor",
    "Schmidt",
    "Garcia",
    "Tanaka",
    "Nguyen",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Silva",
    "Berg",
)


@dataclass(frozen=True, slots=True)
class SimCustomer:
    shopify_id: int
    email: str
    first_name: str
    last_name: str
    archetype: str


@dataclass(frozen=True, slots=True)
class SimLine:
    product_id: int
    quantity: int
    revenue: Decimal
    refunded: Decimal


@dataclass(frozen=True, slots=True)
class SimOrder:
    shopify_order_id: int
    # index into the history's customers; None for a guest
    customer: int | None
    placed_at: datetime
    cancelled: bool
    lines: tuple[SimLine, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.revenue for line in self.lines), Decimal(0))

    @property
    def refunded(self) -> Decimal:
        return sum((line.refunded for line in self.lines), Decimal(0))


@dataclass
class SimulatedHistory:
    customers: list[SimCustomer]
    orders: list[SimOrder]
    products: int


@dataclass
class RfmSimulationReport:
    shop_domain: str
    customers: int
    orders: int
    products: int
    days: int
    write_seconds: float
    recompute_seconds: float | None
    product_seconds: float
    segments: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"simulate rfm: {self.customers:,} customers, {self.orders:,} orders"
            f" of {self.products:,} products over {self.days} days written to {self.shop_domain}"
            f" in {self.write_seconds:.1f} s",
        ]
        if self.recompute_seconds is not None:
            out.append(f"  full RFM recompute   {self.recompute_seconds:.2f} s")
        out.append(f"  product stats        {self.product_seconds:.2f} s")
        total = sum(self.segments.values())
        out.append(f"  segment distribution ({total:,} scored customers):")
        for slug in analytics.SEGMENTS:
            count = self.segments.get(slug, 0)
            share = 100 * count / total if total else 0.0
            out.append(f"    {slug:<20} {count:>9,}  {share:5.1f} %")
        out += [f"  note: {note}" for note in self.notes]
        return out


# --- the history ---------------------------------------------------------------------------


def _season_weight(day: datetime) -> float:
    """Relative order volume of a day: a holiday peak (late November to December) over a
    gentle yearly wave. At most 2."""
    doy = day.timetuple().tm_yday
    peak = math.exp(-(((doy - 335) / 18) ** 2))
    return (1.0 + 0.15 * math.sin(2 * math.pi * doy / 365) + 0.85 * peak) / 2.0


def _day_in(rng: random.Random, now: datetime, newest: float, oldest: float) -> datetime:
    """A moment between ``oldest`` and ``newest`` days ago, seasonality applied."""
    while True:
        days_ago = rng.uniform(newest, oldest)
        moment = now - timedelta(days=days_ago)
        if rng.random() < _season_weight(moment):
            return moment


def _archetype(rng: random.Random) -> tuple[str, tuple[int, int]]:
    pick = rng.random()
    for name, share, orders in ARCHETYPES:
        if pick < share:
            return name, orders
        pick -= share
    return ARCHETYPES[0][0], ARCHETYPES[0][2]


def plan_history(
    customers: int, days: int, *, seed: int = 1, now: datetime | None = None, id_base: int | None = None
) -> SimulatedHistory:
    """``customers`` customers and their orders over the last ``days`` days."""
    rng = random.Random(seed)
    now = now or utcnow()
    base = id_base if id_base is not None else 6_000_000_000_000 + rng.randrange(10**11) * 1000
    product_count = max(20, min(2000, customers // 40))
    product_base = 9_000_000_000 + rng.randrange(10**6) * 10_000
    prices = [
        Decimal(str(round(min(max(rng.lognormvariate(3.3, 0.6), 4.0), 400.0), 2)))
        for _ in range(product_count)
    ]
    popularity = [1 / (rank + 1) ** 1.05 for rank in range(product_count)]
    cumulative: list[float] = []
    running = 0.0
    for weight in popularity:
        running += weight
        cumulative.append(running)

    people: list[SimCustomer] = []
    orders: list[SimOrder] = []
    next_order = [base]

    def order(customer: int | None, placed_at: datetime) -> SimOrder:
        next_order[0] += 1
        lines = []
        for _ in range(min(1 + int(rng.expovariate(1.3)), 5)):
            product = rng.choices(range(product_count), cum_weights=cumulative)[0]
            quantity = 1 if rng.random() < 0.85 else rng.randint(2, 3)
            revenue = prices[product] * quantity
            if rng.random() < DISCOUNTED_SHARE:
                revenue = (revenue * Decimal("0.9")).quantize(Decimal("0.01"))
            lines.append(SimLine(product_base + product, quantity, revenue, Decimal(0)))
        cancelled = rng.random() < CANCELLED_SHARE
        if not cancelled and rng.random() < REFUNDED_SHARE:
            refunded = rng.randrange(len(lines))
            lines[refunded] = SimLine(
                lines[refunded].product_id,
                lines[refunded].quantity,
                lines[refunded].revenue,
                lines[refunded].revenue,
            )
        return SimOrder(next_order[0], customer, placed_at, cancelled, tuple(lines))

    for index in range(customers):
        archetype, (low, high) = _archetype(rng)
        people.append(
            SimCustomer(
                shopify_id=base + index,
                email=f"rfm-sim-{base + index}@example.com",
                first_name=rng.choice(_FIRST_NAMES),
                last_name=rng.choice(_LAST_NAMES),
                archetype=archetype,
            )
        )
        count = rng.randint(low, high)
        if archetype == "churner":
            # bought regularly in the older half of the window, then stopped
            first, last = rng.uniform(days * 0.6, days), rng.uniform(days * 0.35, days * 0.55)
        elif archetype == "one_time":
            first = last = rng.uniform(0, days)
        else:
            first = rng.uniform(days * 0.1, days)
            last = (
                rng.uniform(0, first * 0.8) if rng.random() < LAPSED_SHARE else rng.uniform(0, min(45, first))
            )
        for _ in range(count):
            orders.append(order(index, _day_in(rng, now, min(first, last), max(first, last))))
    for _ in range(int(len(orders) * GUEST_SHARE)):
        orders.append(order(None, _day_in(rng, now, 0, days)))
    orders.sort(key=lambda o: o.placed_at)
    return SimulatedHistory(customers=people, orders=orders, products=product_count)


# --- writing it ----------------------------------------------------------------------------


async def write_customers(merchant_id: int, people: list[SimCustomer], *, with_pii: bool = True) -> list[int]:
    """COPY the customers in (PII encrypted and blind-indexed as the customers context
    stores it); their ids, in order."""
    keyring = get_keyring()
    now = utcnow()
    records: list[tuple[Any, ...]] = []
    for person in people:
        if with_pii:
            records.append(
                (
                    merchant_id,
                    person.shopify_id,
                    keyring.encrypt(person.email, context=customer_models.EMAIL),
                    customer_rules.email_index(keyring, person.email),
                    keyring.encrypt(person.first_name, context=customer_models.FIRST_NAME),
                    keyring.encrypt(person.last_name, context=customer_models.LAST_NAME),
                    now,
                    now,
                )
            )
        else:
            records.append((merchant_id, person.shopify_id, None, None, None, None, now, now))
    async with unit_of_work() as uow:
        conn = await driver_connection(uow.session)
        await conn.copy_records_to_table(
            "customers",
            records=records,
            columns=[
                "merchant_id",
                "shopify_customer_id",
                "email_enc",
                "email_bidx",
                "first_name_enc",
                "last_name_enc",
                "created_at",
                "updated_at",
            ],
        )
        rows = await conn.fetch(
            "SELECT shopify_customer_id, id FROM customers"
            " WHERE merchant_id = $1 AND shopify_customer_id = ANY($2::bigint[])",
            merchant_id,
            [p.shopify_id for p in people],
        )
    ids = {int(r[0]): int(r[1]) for r in rows}
    return [ids[p.shopify_id] for p in people]


async def write_orders(merchant_id: int, orders: list[SimOrder], customer_ids: list[int]) -> None:
    """COPY the orders with their lines into ``analytics_orders``, as the RFM handler
    would have written them from the webhooks."""
    order_records = [
        (
            merchant_id,
            o.shopify_order_id,
            None if o.customer is None else customer_ids[o.customer],
            o.placed_at,
            o.amount,
            o.refunded,
            o.cancelled,
            [line.product_id for line in o.lines],
            [line.quantity for line in o.lines],
            [line.revenue for line in o.lines],
            [line.refunded for line in o.lines],
        )
        for o in orders
    ]
    async with unit_of_work() as uow:
        conn = await driver_connection(uow.session)
        await conn.copy_records_to_table(
            "analytics_orders",
            records=order_records,
            columns=[
                "merchant_id",
                "shopify_order_id",
                "customer_id",
                "placed_at",
                "amount",
                "refunded",
                "cancelled",
                "line_products",
                "line_quantities",
                "line_revenues",
                "line_refunds",
            ],
        )


async def segment_distribution(merchant_id: int) -> dict[str, int]:
    async with read_session() as session:
        result = await session.execute(
            text(
                "SELECT segment, count(*) FROM analytics_customer_rfm WHERE merchant_id = :m GROUP BY segment"
            ),
            {"m": merchant_id},
        )
        return {str(segment): int(count) for segment, count in result.all()}


async def recompute(merchant_id: int) -> tuple[float | None, float, list[str]]:
    """The full RFM recompute (analytics.api's, when present) then the product stats:
    (recompute seconds or None, product stats seconds, notes)."""
    notes: list[str] = []
    started = time.perf_counter()
    await analytics.recompute_rfm(merchant_id)
    recompute_seconds: float | None = time.perf_counter() - started
    started = time.perf_counter()
    async with unit_of_work() as uow:
        await analytics.refresh_product_stats(uow, merchant_id)
    return recompute_seconds, time.perf_counter() - started, notes


async def simulate_rfm(
    shop_domain: str, *, customers: int, days: int, seed: int | None = None
) -> RfmSimulationReport:
    """Write the history into the installed shop ``shop_domain``; ``LookupError`` when
    it is not installed."""
    merchant = await merchants.get_by_domain(shop_domain)
    if merchant is None:
        raise LookupError(shop_domain)
    history = plan_history(customers, days, seed=seed if seed is not None else uuid.uuid4().int % 10**9)
    started = time.perf_counter()
    customer_ids = await write_customers(merchant.id, history.customers)
    await write_orders(merchant.id, history.orders, customer_ids)
    write_seconds = time.perf_counter() - started
    recompute_seconds, product_seconds, notes = await recompute(merchant.id)
    return RfmSimulationReport(
        shop_domain=shop_domain,
        customers=customers,
        orders=len(history.orders),
        products=history.products,
        days=days,
        write_seconds=write_seconds,
        recompute_seconds=recompute_seconds,
        product_seconds=product_seconds,
        segments=await segment_distribution(merchant.id),
        notes=notes,
    )


async def seed_demo_history(shop_domain: str, *, customers: int = DEMO_CUSTOMERS) -> bool:
    """`make run`'s demo shop: a small history, once (only while the shop has no orders
    on record, so restarting keeps what is there). Whether it wrote one."""
    merchant = await merchants.get_by_domain(shop_domain)
    if merchant is None:
        return False
    async with read_session() as session:
        known = await session.execute(
            text("SELECT EXISTS (SELECT 1 FROM analytics_orders WHERE merchant_id = :m)"), {"m": merchant.id}
        )
        if known.scalar():
            return False
    await simulate_rfm(shop_domain, customers=customers, days=DEMO_DAYS, seed=12)
    return True


def archetype_counts(history: SimulatedHistory) -> Counter[str]:
    return Counter(c.archetype for c in history.customers)


# --- the command -----------------------------------------------------------------------------


def simulate_rfm_command(
    shop: Annotated[
        str, typer.Option(help="the installed shop (myshopify.com domain) to fill")
    ] = "demo.myshopify.com",
    customers: Annotated[
        int, typer.Option(min=1, help="customers to create, each with their orders")
    ] = 100_000,
    days: Annotated[int, typer.Option(min=30, max=3650, help="days of history, ending now")] = 730,
    seed: Annotated[int | None, typer.Option(help="random seed (same seed, same history)")] = None,
) -> None:
    """Write a realistic order history (seasonality, a long tail of one-time buyers,
    churners) straight into the shop, run the full RFM recompute and the product stats,
    and print the segment distribution."""
    from loyalnest.devtools.cli import _run

    async def main() -> RfmSimulationReport:
        return await simulate_rfm(shop.lower(), customers=customers, days=days, seed=seed)

    try:
        report = _run(main)
    except LookupError:
        typer.echo(
            f"the shop {shop} is not installed: install it first (loyalnest seed --shop {shop})", err=True
        )
        raise typer.Exit(1) from None
    typer.echo("\n".join(report.lines()))


def register(simulate_app: typer.Typer) -> None:
    """Add ``rfm`` to ``loyalnest simulate``."""
    simulate_app.command("rfm")(simulate_rfm_command)
