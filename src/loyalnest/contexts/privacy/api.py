"""Public door of the privacy context: what the webhook route asks of it, the
retention pass (the CLI's), and customers' consents (``privacy.consents``: record a
choice, read the current state and the history)."""

from __future__ import annotations

from loyalnest.contexts.privacy import queries, retention
from loyalnest.contexts.privacy.commands import PRIVACY_QUEUE
from loyalnest.contexts.privacy.consents.commands import current_in as consents_in
from loyalnest.contexts.privacy.consents.commands import record_consents
from loyalnest.contexts.privacy.consents.dto import (
    ConsentChangeDTO,
    ConsentChoice,
    ConsentDTO,
    ConsentHistoryPage,
)
from loyalnest.contexts.privacy.consents.queries import consent_history, get_consents
from loyalnest.platform.consents import CONSENT_SOURCES, CONSENT_TYPES

__all__ = [
    "CONSENT_SOURCES",
    "CONSENT_TYPES",
    "PRIVACY_QUEUE",
    "ConsentChangeDTO",
    "ConsentChoice",
    "ConsentDTO",
    "ConsentHistoryPage",
    "consent_history",
    "consents_in",
    "enforce_retention",
    "get_consents",
    "record_consents",
    "shop_redacted",
]

# whether a shop of this domain was deleted (its compliance webhooks are answered as done)
shop_redacted = queries.shop_redacted
# what is older than the retention limits goes ({kind: rows}; ``dry_run`` counts)
enforce_retention = retention.enforce
