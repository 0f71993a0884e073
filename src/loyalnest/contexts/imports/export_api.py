"""Public door of the customer export (the imports context's):

    from loyalnest.contexts.imports import export_api as exports

Staff ask for an export (``request_export``, in their unit of work); the worker writes
it (``run_export``); the reads list them, build their download links and open the file
behind a valid link; the hourly sweep removes expired files."""

from __future__ import annotations

from loyalnest.contexts.imports import export_commands, export_flows, export_queries, export_rules
from loyalnest.contexts.imports.export_commands import EXPORT_ACTOR, PURGE_EXPORTS_ACTOR, ExportInProgress
from loyalnest.contexts.imports.export_dto import CustomerExportDTO, CustomerExportPage, ExportDownload

__all__ = [
    "CUSTOMERS_FILE",
    "EXPORT_ACTOR",
    "FILE_TTL",
    "FORMATS",
    "HISTORY_FILE",
    "LINK_TTL",
    "MAX_PAGE",
    "PURGE_EXPORTS_ACTOR",
    "SETTLED",
    "STATUSES",
    "CustomerExportDTO",
    "CustomerExportPage",
    "ExportDownload",
    "ExportInProgress",
    "count_exports",
    "download_url",
    "eta",
    "get_export",
    "list_exports",
    "note_download",
    "open_download",
    "progress_channel",
    "purge_expired_exports",
    "request_export",
    "run_export",
]

FORMATS = export_rules.FORMATS
STATUSES = export_rules.STATUSES
SETTLED = export_rules.SETTLED
CUSTOMERS_FILE = export_rules.CUSTOMERS_FILE
HISTORY_FILE = export_rules.HISTORY_FILE
FILE_TTL = export_rules.FILE_TTL
LINK_TTL = export_rules.LINK_TTL
MAX_PAGE = export_queries.MAX_PAGE

# --- reads ------------------------------------------------------------------------------
list_exports = export_queries.list_exports
count_exports = export_queries.count_exports
get_export = export_queries.get_export
download_url = export_queries.download_url
eta = export_queries.eta
progress_channel = export_rules.progress_channel
# the file a download link names (None: refused), and the audit of its download
open_download = export_queries.open_download
note_download = export_queries.note_download

# --- writes -----------------------------------------------------------------------------
request_export = export_commands.request_export  # in the caller's unit of work
run_export = export_flows.run_export  # the actor's work: its own transactions
purge_expired_exports = export_flows.purge_expired_exports  # the hourly sweep
