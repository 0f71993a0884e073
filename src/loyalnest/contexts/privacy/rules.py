"""The deadlines and states of privacy requests (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SHOP_REDACT = "shop_redact"
CUSTOMER_REDACT = "customer_redact"
DATA_REQUEST = "data_request"
TYPES = (DATA_REQUEST, CUSTOMER_REDACT, SHOP_REDACT)

WEBHOOK = "webhook"
SYSTEM = "system"
STOREFRONT = "storefront"
STAFF = "staff"

# a customer's own request waits for the emailed link; one never confirmed expires
UNCONFIRMED = "unconfirmed"
PENDING = "pending"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"
EXPIRED = "expired"
STATUSES = (UNCONFIRMED, PENDING, PROCESSING, COMPLETED, FAILED, EXPIRED)
# the states a request can be worked on (again) from
WORKABLE = (PENDING, FAILED, PROCESSING)

# how long the emailed link of a customer's own request works
CONFIRM_LINK_HOURS = 48
# staff may send a request that is processing back to work once it has been at it this
# long without finishing (a worker that died; the actor takes over after its own limit)
RETRY_PROCESSING_AFTER = timedelta(minutes=5)

# GDPR gives a month to answer a request; Shopify asks apps to act within 30 days
RESPONSE_DAYS = 30
# a request's artefacts (exports, later) are kept this long after it completed
ARTEFACT_DAYS = 90
# Shopify sends shop/redact 48 hours after an uninstall; if it never comes, the shop's
# data goes this long after the uninstall all the same
UNINSTALLED_GRACE_DAYS = 7


def due_at(received_at: datetime) -> datetime:
    return received_at + timedelta(days=RESPONSE_DAYS)


def retention_expires_at(completed_at: datetime, artefact_days: int = ARTEFACT_DAYS) -> datetime:
    return completed_at + timedelta(days=artefact_days)


def overdue(status: str, due_at: datetime, now: datetime) -> bool:
    """Past its deadline and not done (an unconfirmed request has no deadline yet)."""
    return status in WORKABLE and due_at <= now


def confirm_link_expires_at(received_at: datetime) -> datetime:
    return received_at + timedelta(hours=CONFIRM_LINK_HOURS)


def uninstalled_cutoff(now: datetime) -> datetime:
    """Shops uninstalled before this moment are deleted even without shop/redact."""
    return now - timedelta(days=UNINSTALLED_GRACE_DAYS)


# How long what is kept about people's activity stays (days): handled webhook rows
# (their payloads went when handled), the delivery log of finished messages, a data
# request's archive, a request's own artefacts after it completed (the row stays as
# the proof; the customer it named and what was done go), and the audit trail.
INBOX_DAYS = 30
DELIVERY_LOG_DAYS = 180
EXPORT_DAYS = 30
AUDIT_DAYS = 400


@dataclass(frozen=True, slots=True)
class Limit:
    """One retention limit: its default and the bounds a shop may set it within."""

    name: str
    default: int
    low: int
    high: int
    why: str


# The bounds keep a shop within what the law and the product need: the inbox long
# enough to investigate a webhook, deliveries long enough to answer "did you email
# me?", exports short (a copy of someone's data should not linger), request artefacts
# long enough to answer a regulator, the audit trail at least six months.
RETENTION: tuple[Limit, ...] = (
    Limit("inbox_days", INBOX_DAYS, 7, 90, "handled webhook rows"),
    Limit("delivery_log_days", DELIVERY_LOG_DAYS, 30, 730, "finished notification deliveries"),
    Limit("export_days", EXPORT_DAYS, 1, 30, "data request archives"),
    Limit("artefact_days", ARTEFACT_DAYS, 30, 365, "a completed request's artefacts"),
    Limit("audit_days", AUDIT_DAYS, 180, 2555, "audit entries"),
)
LIMITS = {limit.name: limit for limit in RETENTION}


def check_retention(values: dict[str, int]) -> list[tuple[str, str]]:
    """(field, message) for every value outside its bounds; empty when all are fine."""
    problems: list[tuple[str, str]] = []
    for name, value in values.items():
        limit = LIMITS[name]
        if not limit.low <= value <= limit.high:
            problems.append((name, f"must be between {limit.low} and {limit.high} days"))
    return problems
