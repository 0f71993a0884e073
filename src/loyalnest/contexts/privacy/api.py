"""Public door of the privacy context: what the webhook route asks of it, and the
retention pass (the CLI's)."""

from __future__ import annotations

from loyalnest.contexts.privacy import queries, retention
from loyalnest.contexts.privacy.commands import PRIVACY_QUEUE

__all__ = [
    "PRIVACY_QUEUE",
    "enforce_retention",
    "shop_redacted",
]

# whether a shop of this domain was deleted (its compliance webhooks are answered as done)
shop_redacted = queries.shop_redacted
# what is older than the retention limits goes ({kind: rows}; ``dry_run`` counts)
enforce_retention = retention.enforce
