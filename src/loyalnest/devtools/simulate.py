"""``loyalnest simulate``: fill a shop with life by sending it realistic, signed Shopify
webhooks, the awkward parts included.

Each customer is a chain of deliveries sent in order on one connection (Shopify does
not promise order across topics, but a customer does exist before their first order
here, except for guests): customers/create, then their orders, some cancelled, some
partly refunded, some delivered twice under the same X-Shopify-Event-Id, and some
cancelled *before* their orders/create arrives. Chains run concurrently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import orjson

from loyalnest.devtools.loadgen import loopback_address, run_load
from loyalnest.devtools.shopify_data import Catalog, FakeOrder, webhook_request

# Shares of orders (each order gets at most one of the first four).
CANCELLED_SHARE = 0.08
CANCELLED_FIRST_SHARE = 0.03
REFUNDED_SHARE = 0.10
GUEST_SHARE = 0.02
DUPLICATE_SHARE = 0.05
CUSTOMER_UPDATE_SHARE = 0.05
ORDERS_PER_CUSTOMER = 3


@dataclass
class SimulationPlan:
    """What will be sent, and what the shop should look like afterwards."""

    chains: list[list[bytes]] = field(default_factory=list)
    topics: dict[str, int] = field(default_factory=dict)
    customers: list[int] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)
    guest_orders: list[int] = field(default_factory=list)
    cancelled_orders: list[int] = field(default_factory=list)
    cancelled_first_orders: list[int] = field(default_factory=list)
    refunded_orders: list[int] = field(default_factory=list)
    duplicates: int = 0

    @property
    def deliveries(self) -> int:
        return sum(len(chain) for chain in self.chains)


@dataclass
class SimulationReport:
    plan: SimulationPlan
    sent: int
    accepted: int
    duplicates: int
    errors: int
    elapsed: float
    statuses: dict[int, int]

    def summary(self) -> str:
        plan = self.plan
        rate = self.sent / self.elapsed if self.elapsed else 0.0
        return "\n".join(
            [
                f"customers {len(plan.customers)}, orders {len(plan.orders)} "
                f"(guest {len(plan.guest_orders)}, cancelled {len(plan.cancelled_orders)} of which "
                f"{len(plan.cancelled_first_orders)} before their create, partly refunded "
                f"{len(plan.refunded_orders)})",
                "deliveries by topic: " + ", ".join(f"{t} {n}" for t, n in sorted(plan.topics.items())),
                f"sent {self.sent}, accepted {self.accepted}, duplicates {self.duplicates} "
                f"(planned {plan.duplicates}), errors {self.errors}",
                f"in {self.elapsed:.2f} s ({rate:.0f} deliveries/s); "
                f"HTTP statuses {dict(sorted(self.statuses.items()))}",
            ]
        )


def plan_simulation(
    *,
    port: int,
    shop_domain: str,
    secret: str,
    orders: int,
    customers: int | None = None,
    seed: int | None = None,
) -> SimulationPlan:
    """Build (and sign) every delivery up front."""
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    catalog = Catalog(seed)
    rng = catalog.random
    plan = SimulationPlan()

    def delivery(topic: str, payload: dict | bytes, event_id: str | None = None) -> bytes:
        plan.topics[topic] = plan.topics.get(topic, 0) + 1
        return webhook_request(
            port=port, shop_domain=shop_domain, topic=topic, payload=payload, secret=secret, event_id=event_id
        )

    def order_deliveries(order: FakeOrder) -> list[bytes]:
        body = orjson.dumps(order.payload())
        create = delivery("orders/create", body)
        steps = [create]
        if rng.random() < DUPLICATE_SHARE:
            steps.append(create)  # the very same delivery again: same event id, same signature
            plan.topics["orders/create"] += 1
            plan.duplicates += 1
        roll = rng.random()
        cancel_at = order.created_at + timedelta(hours=rng.randrange(1, 48))
        if order.customer is not None and roll < CANCELLED_FIRST_SHARE:
            plan.cancelled_orders.append(order.shopify_id)
            plan.cancelled_first_orders.append(order.shopify_id)
            steps.insert(0, delivery("orders/cancelled", order.payload(cancelled_at=cancel_at)))
        elif order.customer is not None and roll < CANCELLED_FIRST_SHARE + CANCELLED_SHARE:
            plan.cancelled_orders.append(order.shopify_id)
            steps.append(delivery("orders/cancelled", order.payload(cancelled_at=cancel_at)))
        elif order.customer is not None and roll < CANCELLED_FIRST_SHARE + CANCELLED_SHARE + REFUNDED_SHARE:
            plan.refunded_orders.append(order.shopify_id)
            item = rng.choice(order.line_items)
            shipping = order.shipping if rng.random() < 0.3 else Decimal("0")
            refund = order.refund_payload(
                catalog.new_id(), item, quantity=1, shipping=shipping, created_at=cancel_at
            )
            steps.append(delivery("refunds/create", refund))
        return steps

    customer_count = customers if customers is not None else max(1, orders // ORDERS_PER_CUSTOMER)
    people = [catalog.customer() for _ in range(max(1, customer_count))]
    chains: dict[int, list[bytes]] = {}
    for person in people:
        plan.customers.append(person.shopify_id)
        chains[person.shopify_id] = [delivery("customers/create", person.payload())]
    guests: list[list[bytes]] = []
    for _ in range(orders):
        if rng.random() < GUEST_SHARE:
            order = catalog.order(None)
            plan.guest_orders.append(order.shopify_id)
            plan.orders.append(order.shopify_id)
            guests.append(order_deliveries(order))
            continue
        person = rng.choice(people)
        order = catalog.order(person)
        plan.orders.append(order.shopify_id)
        chains[person.shopify_id].extend(order_deliveries(order))
    for person in people:
        if rng.random() < CUSTOMER_UPDATE_SHARE:
            later = catalog.now + timedelta(minutes=rng.randrange(1, 600))
            chains[person.shopify_id].append(delivery("customers/update", person.payload(updated_at=later)))
    plan.chains = list(chains.values()) + guests
    rng.shuffle(plan.chains)
    return plan


def _status_of(body: bytes | None) -> str | None:
    if not body:
        return None
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return decoded.get("status") if isinstance(decoded, dict) else None


async def simulate(
    url: str,
    *,
    shop_domain: str,
    secret: str,
    orders: int,
    customers: int | None = None,
    concurrency: int = 16,
    seed: int | None = None,
    timeout: float = 300.0,
) -> SimulationReport:
    """Send a planned day of webhooks to the server at ``url`` (loopback only)."""
    _, port = loopback_address(url)
    plan = plan_simulation(
        port=port, shop_domain=shop_domain, secret=secret, orders=orders, customers=customers, seed=seed
    )
    result = await run_load(url, plan.chains, concurrency=concurrency, timeout=timeout, keep_bodies=True)
    accepted = duplicates = 0
    for body in result.bodies:
        status = _status_of(body)
        if status == "accepted":
            accepted += 1
        elif status == "duplicate":
            duplicates += 1
    errors = result.errors + sum(count for status, count in result.statuses.items() if status != 200)
    return SimulationReport(
        plan=plan,
        sent=result.sent,
        accepted=accepted,
        duplicates=duplicates,
        errors=errors,
        elapsed=result.elapsed,
        statuses=result.statuses,
    )
