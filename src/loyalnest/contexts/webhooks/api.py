"""Public door of the webhooks context: Shopify webhook intake (signatures, storing,
hand-off), processing into integration events (``events``), and the relay.

Other contexts do not call into processing: they react to its events."""

from __future__ import annotations

from loyalnest.contexts.webhooks import retention, rules
from loyalnest.contexts.webhooks.commands import COMPLIANCE_TOPICS
from loyalnest.contexts.webhooks.flows import process_webhook, relay_stale_webhooks
from loyalnest.contexts.webhooks.intake import (
    BATCH_SIZE,
    PROCESS_WEBHOOK_ACTOR,
    SHOPIFY_QUEUE,
    AcceptResult,
    accept_webhook,
    enqueue_processing,
)

__all__ = [
    "BATCH_SIZE",
    "COMPLIANCE_TOPICS",
    "PROCESS_WEBHOOK_ACTOR",
    "SHOPIFY_QUEUE",
    "AcceptResult",
    "accept_webhook",
    "app_proxy_signature",
    "count_handled_before",
    "enqueue_processing",
    "process_webhook",
    "purge_handled_before",
    "relay_stale_webhooks",
    "verify_app_proxy_signature",
    "verify_webhook_hmac",
    "webhook_hmac",
]

verify_webhook_hmac = rules.verify_webhook_hmac
webhook_hmac = rules.webhook_hmac
verify_app_proxy_signature = rules.verify_app_proxy_signature
app_proxy_signature = rules.app_proxy_signature
# retention: handled rows received before a date (the privacy context's pass)
purge_handled_before = retention.purge_handled_before
count_handled_before = retention.count_handled_before
