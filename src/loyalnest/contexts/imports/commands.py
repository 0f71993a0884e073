"""Staff's decisions about imports, in the caller's transaction: ask for an upload link,
start an import after its dry run, revert one. The work itself runs in the actors."""

from __future__ import annotations

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.imports import links, repository, rules
from loyalnest.contexts.imports.reading import presets
from loyalnest.contexts.imports.repository import ImportRecord
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

IMPORTS_QUEUE = "imports"
VALIDATE_ACTOR = "imports.validate"
APPLY_ACTOR = "imports.apply"
REVERT_ACTOR = "imports.revert"


def check_source(source: str, mapping: dict[str, str] | None = None) -> None:
    """A known source, and a mapping the reader takes (``MappingRefused``, code
    INVALID_MAPPING, before any file is sent)."""
    if source not in rules.SOURCES:
        raise DomainError(f"source must be one of {', '.join(rules.SOURCES)}", field="source", code="INVALID")
    presets.with_mapping(presets.preset(source), mapping)


async def create_upload(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    source: str,
    mapping: dict[str, str],
    file_name: str | None,
    dry_run: bool,
    actor: str,
    create_tiers: bool = False,
    expects_history: bool = False,
) -> tuple[ImportRecord, str]:
    """An import waiting for its file at an upload link (returned, valid an hour).
    ``create_tiers``: tiers the file names and the shop lacks are created by the import
    (else a row naming one is an error)."""
    check_source(source, mapping)
    now = utcnow()
    expires_at = rules.upload_expires_at(now)
    record = await repository.create(
        uow.session,
        merchant_id=merchant_id,
        source=source,
        status=rules.AWAITING_UPLOAD,
        mapping=mapping,
        file_name=file_name,
        dry_run=dry_run,
        requested_by=actor,
        upload_expires_at=expires_at,
        now=now,
        create_tiers=create_tiers,
        expects_history=expects_history,
    )
    await _audit(uow, record, actor, "import.created")
    return record, links.upload_url(merchant_id, record.id, expires_at)


async def file_received(
    uow: UnitOfWork, *, merchant_id: int, import_id: int, file_bytes: int, sha256: str
) -> bool:
    """The import's file is in: it is validated next (and, unless a dry run, imported).
    False: the import was not waiting for a file (its link used already, or expired)."""
    if not await repository.uploaded(
        uow.session, merchant_id, import_id, file_bytes=file_bytes, sha256=sha256, now=utcnow()
    ):
        return False
    uow.enqueue(VALIDATE_ACTOR, queue_name=IMPORTS_QUEUE, merchant_id=merchant_id, import_id=import_id)
    return True


async def start_import(uow: UnitOfWork, *, merchant_id: int, import_id: int, actor: str) -> ImportRecord:
    """Import the valid rows of an import validated by a dry run."""
    record = await _found(uow, merchant_id, import_id)
    if record.status != rules.READY:
        raise DomainError(_cannot(record, "started"), code="NOT_READY")
    await repository.set_dry_run(uow.session, merchant_id, import_id, dry_run=False)
    await _audit(uow, record, actor, "import.started")
    uow.enqueue(APPLY_ACTOR, queue_name=IMPORTS_QUEUE, merchant_id=merchant_id, import_id=import_id)
    found = await repository.get(uow.session, merchant_id, import_id)
    assert found is not None
    return found


async def revert_import(uow: UnitOfWork, *, merchant_id: int, import_id: int, actor: str) -> ImportRecord:
    """Take back what an import did (its actor runs once; asking again is refused)."""
    record = await _found(uow, merchant_id, import_id)
    if record.status not in (rules.COMPLETED, rules.FAILED) or (
        record.rows_done == 0 and record.status == rules.FAILED
    ):
        raise DomainError(_cannot(record, "reverted"), code="NOT_REVERTIBLE")
    await _audit(uow, record, actor, "import.reverted")
    uow.enqueue(REVERT_ACTOR, queue_name=IMPORTS_QUEUE, merchant_id=merchant_id, import_id=import_id)
    return record


def _cannot(record: ImportRecord, verb: str) -> str:
    return f"import {record.id} is {record.status.replace('_', ' ')}: it cannot be {verb}"


async def _found(uow: UnitOfWork, merchant_id: int, import_id: int) -> ImportRecord:
    record = await repository.get(uow.session, merchant_id, import_id)
    if record is None:
        raise NotFound("import not found", field="id")
    return record


async def _audit(uow: UnitOfWork, record: ImportRecord, actor: str, action: str) -> None:
    await audit.record(
        uow,
        merchant_id=record.merchant_id,
        actor=actor,
        action=action,
        target_type="Import",
        target_id=str(record.id),
        details={"source": record.source},
    )
