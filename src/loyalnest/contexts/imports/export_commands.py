"""Staff's request for a customer export, in the caller's unit of work (never
committing): one queued or running export per shop, audited (an export takes every
customer's personal data out of the app), its actor sent after commit. And what a
customer's erasure does to the shop's exports: they may hold the customer, so the
completed ones expire at once (their files go after commit) and a running one fails."""

from __future__ import annotations

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.imports import export_repository as repository
from loyalnest.contexts.imports import export_rules as rules
from loyalnest.contexts.imports import export_storage as storage
from loyalnest.contexts.imports.export_dto import CustomerExportDTO, to_dto
from loyalnest.platform.errors import DomainError, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

IMPORTS_QUEUE = "imports"
EXPORT_ACTOR = "imports.export_customers"
PURGE_EXPORTS_ACTOR = "imports.purge_expired_exports"
ERASED_DURING_RUN = "a customer's data was erased while the export ran: export again"
ABANDONED = "the worker writing the export stopped: export again"


class ExportInProgress(DomainError):
    code = "IN_PROGRESS"


async def request_export(
    uow: UnitOfWork, merchant_id: int, *, format: str, include_history: bool, actor: str
) -> CustomerExportDTO:
    """Queue an export (written by the worker after commit). Refused while the shop's
    last one is queued or running (a running one whose worker went quiet for
    ``STALE_AFTER`` died: it fails, and the new one is queued)."""
    if not rules.check_format(format):
        raise ValidationFailed(f"format must be one of {', '.join(rules.FORMATS)}", field="format")
    now = utcnow()
    # a run whose worker died is no reason to refuse a new export
    await repository.fail_abandoned(
        uow.session, merchant_id=merchant_id, stale=now - rules.STALE_AFTER, now=now, reason=ABANDONED
    )
    row = await repository.insert_export(
        uow.session, merchant_id, format=format, include_history=include_history, requested_by=actor
    )
    if row is None:
        raise ExportInProgress("an export of this shop's customers is already under way")
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="imports.customer_export.requested",
        target_type="CustomerExport",
        target_id=str(row.id),
        details={"format": format, "include_history": include_history},
    )
    uow.enqueue(EXPORT_ACTOR, queue_name=IMPORTS_QUEUE, merchant_id=merchant_id, export_id=row.id)
    return to_dto(row)


async def void_for_erasure(uow: UnitOfWork, merchant_id: int) -> list[int]:
    """A customer of the shop was erased: its exports that may hold them stop being
    downloadable now, their files removed once this commits (the sweep removes any a
    crash left). Returns the exports touched."""
    touched = await repository.void_for_erasure(
        uow.session, merchant_id, now=utcnow(), reason=ERASED_DURING_RUN
    )
    if touched:

        async def remove_files() -> None:
            for export_id in touched:
                storage.remove(merchant_id, export_id)

        uow.after_commit(remove_files)
    return touched
