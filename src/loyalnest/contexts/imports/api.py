"""Public door of the imports context: an import's file received (inline or at an
upload link), started after its dry run, reverted; the shop's imports and their error
reports; the channel of an import's progress."""

from __future__ import annotations

from loyalnest.contexts.imports import commands, flows, links, progress, queries, rules
from loyalnest.contexts.imports.flows import SentFile, UploadRefused
from loyalnest.contexts.imports.queries import MAX_PAGE, ImportPage
from loyalnest.contexts.imports.repository import ImportRecord

__all__ = [
    "MAX_INLINE_BYTES",
    "MAX_PAGE",
    "SOURCES",
    "STATUSES",
    "ImportPage",
    "ImportRecord",
    "SentFile",
    "UploadRefused",
    "count_imports",
    "create_upload",
    "error_report",
    "error_report_url",
    "eta",
    "get_import",
    "history_upload_url",
    "import_inline",
    "list_imports",
    "progress_channel",
    "revert_import",
    "start_import",
    "upload",
]

SOURCES = rules.SOURCES
STATUSES = rules.STATUSES
MAX_INLINE_BYTES = rules.MAX_INLINE_BYTES

# --- reads ------------------------------------------------------------------------------
list_imports = queries.list_imports
count_imports = queries.count_imports
get_import = queries.get_import
error_report_url = queries.error_report_url
error_report = queries.error_report
eta = queries.eta
progress_channel = progress.channel

# --- writes -----------------------------------------------------------------------------
create_upload = commands.create_upload  # in the caller's unit of work
# the points-history file's link of an import created ``expects_history``
history_upload_url = links.history_upload_url
start_import = commands.start_import
revert_import = commands.revert_import
import_inline = flows.import_inline  # their own transactions
upload = flows.upload
