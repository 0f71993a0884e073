"""``loyalnest simulate rfm``, small: the history has the shapes it promises (a long tail
of one-time buyers, churners, seasonality, refunds, cancellations, guests), lands in the
shop (customers readable through the customers api, orders in the analytics tables),
gets scored by the full recompute, and the segment distribution is printed; the demo
history is written once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from typer.testing import CliRunner

from loyalnest.cli import app
from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.customers import api as customers
from loyalnest.devtools.simulate_rfm import (
    archetype_counts,
    plan_history,
    seed_demo_history,
    simulate_rfm,
)
from tests.contexts.support import rows, scalar


def test_the_history_is_deterministic_and_shaped_like_a_shop() -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    first = plan_history(3000, 730, seed=7, now=now)
    again = plan_history(3000, 730, seed=7, now=now)
    assert (again.customers, again.orders) == (first.customers, first.orders)
    kinds = archetype_counts(first)
    assert kinds["one_time"] / 3000 > 0.45
    assert kinds["churner"] > 0
    per_customer = Counter(o.customer for o in first.orders if o.customer is not None)
    assert sum(1 for n in per_customer.values() if n == 1) > 1300  # the long tail
    assert max(per_customer.values()) >= 10  # the loyal core
    assert any(o.cancelled for o in first.orders)
    assert any(o.refunded > 0 for o in first.orders)
    assert any(o.customer is None for o in first.orders)
    # the holiday peak: late November/December days sell more than the same span in spring
    peak = sum(1 for o in first.orders if (o.placed_at.month, o.placed_at.day) >= (11, 20))
    spring = sum(1 for o in first.orders if (4, 1) <= (o.placed_at.month, o.placed_at.day) < (5, 12))
    assert peak > spring
    churned = [
        max(o.placed_at for o in first.orders if o.customer == i)
        for i, c in enumerate(first.customers)
        if c.archetype == "churner"
    ]
    newest = max(o.placed_at for o in first.orders)
    assert all((newest - last).days > 150 for last in churned)


async def test_simulate_writes_scores_and_reports(shop: Any) -> None:
    report = await simulate_rfm(shop.domain, customers=400, days=365, seed=3)
    assert report.customers == 400
    assert await scalar("SELECT count(*) FROM customers WHERE merchant_id = :m", m=shop.id) == 400
    assert (
        await scalar("SELECT count(*) FROM analytics_orders WHERE merchant_id = :m", m=shop.id)
        == report.orders
    )
    # customers as their context reads them: PII decrypts
    some_id = await scalar("SELECT min(id) FROM customers WHERE merchant_id = :m", m=shop.id)
    first = await customers.get_customer(shop.id, some_id)
    assert first is not None
    assert first.email is not None
    assert first.email.endswith("@example.com")
    assert sum(report.segments.values()) > 300  # everyone with an order in the lookback
    assert set(report.segments) <= set(analytics.SEGMENTS)
    assert len([s for s in report.segments if report.segments[s]]) >= 4
    assert report.recompute_seconds is not None
    product_rows = await rows(
        "SELECT count(*) AS n FROM analytics_product_stats WHERE merchant_id = :m", m=shop.id
    )
    assert product_rows[0]["n"] > 0
    text = "\n".join(report.lines())
    for needle in ("400 customers", "segment distribution", "champions", "full RFM recompute"):
        assert needle in text


async def test_the_demo_history_is_written_once(shop: Any) -> None:
    assert await seed_demo_history(shop.domain, customers=50) is True
    orders = await scalar("SELECT count(*) FROM analytics_orders WHERE merchant_id = :m", m=shop.id)
    assert orders > 50
    assert await seed_demo_history(shop.domain, customers=50) is False
    assert await scalar("SELECT count(*) FROM analytics_orders WHERE merchant_id = :m", m=shop.id) == orders
    assert await seed_demo_history("not-installed.myshopify.com") is False


def test_simulate_rfm_is_a_loyalnest_command() -> None:
    result = CliRunner().invoke(app, ["simulate", "rfm", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--shop", "--customers", "--days"):
        assert option in result.output
