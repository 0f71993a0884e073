"""Public door of the audit context: record an action, list the trail."""

from __future__ import annotations

from loyalnest.contexts.audit.commands import record
from loyalnest.contexts.audit.dto import AuditEntryDTO
from loyalnest.contexts.audit.queries import list_recent

__all__ = ["AuditEntryDTO", "list_recent", "record"]
