"""Public door of the privacy context: the request log (staff's view and retry, a
customer's own requests and their confirmation), the archives behind download links,
the retention limits and pass, what the webhook route asks of it, and customers'
consents (``privacy.consents``: record a choice, read the current state and history)."""

from __future__ import annotations

from loyalnest.contexts.privacy import commands, data_export, flows, queries, retention, rules
from loyalnest.contexts.privacy.commands import PRIVACY_QUEUE, LinkRefused
from loyalnest.contexts.privacy.consents.commands import current_in as consents_in
from loyalnest.contexts.privacy.consents.commands import record_consents
from loyalnest.contexts.privacy.consents.dto import (
    ConsentChangeDTO,
    ConsentChoice,
    ConsentDTO,
    ConsentHistoryPage,
)
from loyalnest.contexts.privacy.consents.queries import consent_history, get_consents
from loyalnest.contexts.privacy.queries import (
    MAX_PAGE,
    ExportDownload,
    ExportDTO,
    PrivacyRequestDTO,
    PrivacyRequestPage,
)
from loyalnest.contexts.privacy.rules import RETENTION, Limit
from loyalnest.platform.consents import CONSENT_SOURCES, CONSENT_TYPES

__all__ = [
    "CONSENT_SOURCES",
    "CONSENT_TYPES",
    "MAX_PAGE",
    "PRIVACY_QUEUE",
    "RETENTION",
    "SOURCES",
    "STATUSES",
    "TYPES",
    "ConsentChangeDTO",
    "ConsentChoice",
    "ConsentDTO",
    "ConsentHistoryPage",
    "ExportDTO",
    "ExportDownload",
    "Limit",
    "LinkRefused",
    "PrivacyRequestDTO",
    "PrivacyRequestPage",
    "confirm_link",
    "consent_history",
    "consents_in",
    "count_requests",
    "describe",
    "enforce_retention",
    "export_download",
    "get_consents",
    "get_request",
    "link_request",
    "list_requests",
    "note_download",
    "process_again",
    "record_consents",
    "request_by_customer",
    "retention_settings",
    "shop_redacted",
    "update_retention",
]

TYPES = rules.TYPES
STATUSES = rules.STATUSES
SOURCES = (rules.WEBHOOK, rules.STOREFRONT, rules.STAFF, rules.SYSTEM)

# --- reads ------------------------------------------------------------------------------
list_requests = queries.list_requests
count_requests = queries.count_requests
get_request = queries.get_request
# a request a command just returned, as the DTO the reads give
describe = queries.describe
retention_settings = queries.retention_settings
# the archive a download link names (None: refused), and the audit of its download
export_download = queries.export_download
note_download = data_export.note_download
# what a confirmation link would confirm, without confirming it (LinkRefused: nothing to)
link_request = queries.link_request
# whether a shop of this domain was deleted (its compliance webhooks are answered as done)
shop_redacted = queries.shop_redacted

# --- writes (in the caller's unit of work) ----------------------------------------------
request_by_customer = commands.request_by_customer
# the emailed link followed: the request goes to work (LinkRefused: nothing changed)
confirm_link = flows.confirm_link
process_again = commands.process_again
update_retention = commands.update_retention

# what is older than the retention limits goes ({kind: rows}; ``dry_run`` counts)
enforce_retention = retention.enforce
