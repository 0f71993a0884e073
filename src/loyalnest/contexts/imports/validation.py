"""Validating an import's file (every import starts with it; a dry run stops after it):
the file is read as a stream (``reading``: encodings, delimiters, the preset's columns,
each cell checked, the same customer twice flagged), each valid row is matched to the shop's
customers and staged (``import_rows``, personal data encrypted, by COPY in chunks), each
bad row recorded with its line and reason; the counts say what importing would do.
Nothing outside the import's own rows is written.

A file that cannot be read at all (empty, a header alone, a required column missing,
not a CSV) leaves the import ``invalid`` with the reason; one without a single valid row
too. Rerun after a crash, it starts over (its staged rows are cleared first)."""

from __future__ import annotations

import logging
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.imports import commands, reading, repository, rules, storage
from loyalnest.contexts.imports.models import ERROR_REPORT, ROW_EMAIL, ROW_FIRST_NAME, ROW_LAST_NAME
from loyalnest.contexts.imports.progress import announce
from loyalnest.contexts.imports.repository import ImportRecord
from loyalnest.platform.crypto import encrypt_optional, get_keyring
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)


class ShopBusy(RuntimeError):
    """Another import of the shop is running: the actor retries later."""


async def validate(merchant_id: int, import_id: int) -> bool:
    """Validate the import's file; False if it was not waiting for that."""
    now = utcnow()
    async with unit_of_work() as uow:
        record = await repository.claim(
            uow.session,
            merchant_id,
            import_id,
            from_statuses=[rules.UPLOADED],
            to_status=rules.VALIDATING,
            now=now,
            stale=now - rules.STALE_AFTER,
        )
        if record is None:
            current = await repository.get(uow.session, merchant_id, import_id)
            if current is not None and current.status == rules.UPLOADED:
                raise ShopBusy(f"another import of shop {merchant_id} is running")
            return False
        await repository.clear_staged(uow.session, merchant_id, import_id)
    try:
        await _validate(record)
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.finish(
                uow.session, merchant_id, import_id, status=rules.FAILED, now=utcnow(), last_error=_said(exc)
            )
        raise
    return True


def _said(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


class _Staging:
    """The rows of one chunk on their way to ``import_rows``, and the file's counts."""

    def __init__(self, record: ImportRecord):
        self.record = record
        self.keyring = get_keyring()
        self.rows: list[Any] = []
        self.errors: list[reading.RowError] = []
        self.error_count = 0
        self.last_bad_line = -1
        self.valid = 0
        self.matched = 0
        self.points = 0

    def refuse(self, error: reading.RowError) -> None:
        # a row with several bad cells has an error each: rows are counted once (the
        # reader yields them in file order)
        if error.line != self.last_bad_line:
            self.error_count += 1
            self.last_bad_line = error.line
        if len(self.errors) < rules.MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def take(self, row: reading.CustomerRecord) -> None:
        self.rows.append(row)

    async def flush(self) -> None:
        if not self.rows:
            return
        record, keyring = self.record, self.keyring
        people = [
            customers.ImportedCustomer(
                shopify_customer_id=r.shopify_customer_id,
                email=r.email,
                first_name=r.first_name,
                last_name=r.last_name,
            )
            for r in self.rows
        ]
        async with unit_of_work() as uow:
            matched = await customers.match_for_import(uow, record.merchant_id, people)
            await repository.stage(
                uow.session,
                [
                    (
                        record.merchant_id,
                        record.id,
                        r.line,
                        r.shopify_customer_id,
                        encrypt_optional(keyring, r.email, context=ROW_EMAIL),
                        encrypt_optional(keyring, r.first_name, context=ROW_FIRST_NAME),
                        encrypt_optional(keyring, r.last_name, context=ROW_LAST_NAME),
                        r.points_balance or 0,
                        r.accepts_email_marketing,
                        r.accepts_sms_marketing,
                        customer_id,
                    )
                    for r, customer_id in zip(self.rows, matched, strict=True)
                ],
            )
            self.valid += len(self.rows)
            self.matched += sum(1 for c in matched if c is not None)
            self.points += sum(r.points_balance or 0 for r in self.rows)
            await repository.progress(
                uow.session,
                record.merchant_id,
                record.id,
                rows_done=self.valid + self.error_count,
                now=utcnow(),
            )
        self.rows.clear()
        await announce(record.merchant_id, record.id)


async def _validate(record: ImportRecord) -> None:
    staging = _Staging(record)
    refused: str | None = None
    try:
        with storage.open_file(record.merchant_id, record.id) as stream:
            for item in reading.read_customers(stream, record.source, record.mapping or None):
                if isinstance(item, reading.RowError):
                    staging.refuse(item)
                else:
                    staging.take(item)
                if len(staging.rows) >= rules.CHUNK_ROWS:
                    await staging.flush()
    except reading.FileRefused as exc:
        refused = str(exc)
    await staging.flush()
    counts = {
        "rows": staging.valid + staging.error_count,
        "valid": staging.valid,
        "invalid": staging.error_count,
        "to_match": staging.matched,
        "to_create": staging.valid - staging.matched,
        "points": staging.points,
    }
    status = rules.READY if refused is None and staging.valid else rules.INVALID
    report = b"".join(reading.report_chunks(staging.errors)) if staging.errors else None
    async with unit_of_work() as uow:
        await repository.finish(
            uow.session,
            record.merchant_id,
            record.id,
            status=status,
            now=utcnow(),
            counts=counts,
            rows_total=staging.valid,
            errors=[
                {"line": e.line, "column": e.column, "reason": e.reason}
                for e in staging.errors[: rules.FIRST_ERRORS]
            ],
            error_report_enc=None
            if report is None
            else get_keyring().encrypt_bytes(report, context=ERROR_REPORT),
            last_error=refused or (None if staging.valid else "no row of the file can be imported"),
        )
        if status == rules.READY and not record.dry_run:
            uow.enqueue(
                commands.APPLY_ACTOR,
                queue_name=commands.IMPORTS_QUEUE,
                merchant_id=record.merchant_id,
                import_id=record.id,
            )
    # the valid rows are staged: the file (a copy of people's data) is not needed again
    storage.remove(record.merchant_id, record.id)
    await announce(record.merchant_id, record.id)
    log.info("import validated", extra={"import_id": record.id, "status": status, **counts})
