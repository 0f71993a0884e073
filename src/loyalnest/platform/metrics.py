"""Prometheus metrics of the API process (workers export Dramatiq's own)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

WEBHOOKS = Counter(
    "loyalnest_webhooks_total", "Shopify webhooks received, by topic and outcome", ["topic", "outcome"]
)
WEBHOOK_ACCEPT_SECONDS = Histogram(
    "loyalnest_webhook_accept_seconds",
    "Time to verify and store a webhook",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
GRAPHQL_REQUESTS = Counter("loyalnest_graphql_requests_total", "GraphQL HTTP requests", ["endpoint"])


def render() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
