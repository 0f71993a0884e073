"""The deadlines and states of privacy requests (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

SHOP_REDACT = "shop_redact"
CUSTOMER_REDACT = "customer_redact"

WEBHOOK = "webhook"
SYSTEM = "system"

PENDING = "pending"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"

# GDPR gives a month to answer a request; Shopify asks apps to act within 30 days
RESPONSE_DAYS = 30
# a request's artefacts (exports, later) are kept this long after it completed
ARTEFACT_DAYS = 90
# Shopify sends shop/redact 48 hours after an uninstall; if it never comes, the shop's
# data goes this long after the uninstall all the same
UNINSTALLED_GRACE_DAYS = 7


def due_at(received_at: datetime) -> datetime:
    return received_at + timedelta(days=RESPONSE_DAYS)


def retention_expires_at(completed_at: datetime) -> datetime:
    return completed_at + timedelta(days=ARTEFACT_DAYS)


def uninstalled_cutoff(now: datetime) -> datetime:
    """Shops uninstalled before this moment are deleted even without shop/redact."""
    return now - timedelta(days=UNINSTALLED_GRACE_DAYS)


# How long what is kept about people's activity stays (days): handled webhook rows
# (their payloads went when handled), the delivery log of finished messages, and the
# audit trail. Exports expire by themselves (analytics drops their contents at expiry).
INBOX_DAYS = 30
DELIVERY_LOG_DAYS = 180
AUDIT_DAYS = 400
