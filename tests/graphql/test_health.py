"""The operational endpoints next to the API: /health, /ready, /metrics."""

from __future__ import annotations

import re

from tests import payloads


async def test_health_answers(http):
    response = await http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_checks_database_migrations_and_redis(http):
    response = await http.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def sample(text: str, name: str, labels: str) -> float:
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_metrics_count_webhooks_and_graphql_requests(http, shop, drain):
    before = (await http.get("/metrics")).text
    await shop.webhook("customers/create", payloads.customer(1))
    await shop.webhook(
        "customers/create", payloads.customer(1), secret="wrong-secret-for-the-metrics-test-xxxxx"
    )
    await shop.gql("{ shop { domain } }")
    await drain()

    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "# TYPE loyalnest_webhooks_total counter" in text
    accepted = 'outcome="accepted",topic="customers/create"'
    assert (
        sample(text, "loyalnest_webhooks_total", accepted)
        == sample(before, "loyalnest_webhooks_total", accepted) + 1
    )
    graphql = 'endpoint="graphql"'
    assert (
        sample(text, "loyalnest_graphql_requests_total", graphql)
        >= sample(before, "loyalnest_graphql_requests_total", graphql) + 1
    )
    assert "loyalnest_webhook_accept_seconds_bucket" in text
