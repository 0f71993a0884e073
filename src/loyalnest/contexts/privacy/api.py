"""Public door of the privacy context: the request log and what the webhook route asks
of it."""

from __future__ import annotations

from loyalnest.contexts.privacy import queries, retention, rules
from loyalnest.contexts.privacy.commands import PRIVACY_QUEUE, REDACT_SHOP_ACTOR

__all__ = [
    "PRIVACY_QUEUE",
    "REDACT_SHOP_ACTOR",
    "UNINSTALLED_GRACE_DAYS",
    "enforce_retention",
    "shop_redacted",
]

UNINSTALLED_GRACE_DAYS = rules.UNINSTALLED_GRACE_DAYS
# whether a shop of this domain was deleted (its compliance webhooks are answered as done)
shop_redacted = queries.shop_redacted
# what is older than the retention limits goes ({kind: rows}; ``dry_run`` counts)
enforce_retention = retention.enforce
