"""Public door of the audit context: record an action, list the trail."""

from __future__ import annotations

from loyalnest.contexts.audit.commands import count_before, purge_before, record
from loyalnest.contexts.audit.dto import AuditEntryDTO
from loyalnest.contexts.audit.queries import list_recent

__all__ = ["AuditEntryDTO", "count_before", "list_recent", "purge_before", "record"]
