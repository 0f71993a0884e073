"""What the export's door hands out: an export, as a frozen DTO, and a download."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from loyalnest.contexts.imports import export_rules as rules
from loyalnest.contexts.imports.export_repository import ExportRow


@dataclass(frozen=True, slots=True)
class CustomerExportDTO:
    id: int
    merchant_id: int
    format: str
    include_history: bool
    status: str
    customers: int
    history_rows: int
    rows_done: int
    rows_total: int | None
    file_bytes: int | None
    history_bytes: int | None
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    last_error: str | None

    def downloadable(self, now: datetime) -> bool:
        return self.status == rules.COMPLETED and self.expires_at is not None and self.expires_at > now


def to_dto(row: ExportRow) -> CustomerExportDTO:
    return CustomerExportDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        format=row.format,
        include_history=row.include_history,
        status=row.status,
        customers=row.customers,
        history_rows=row.history_rows,
        rows_done=row.rows_done,
        rows_total=row.rows_total,
        file_bytes=row.file_bytes,
        history_bytes=row.history_bytes,
        requested_by=row.requested_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        expires_at=row.expires_at,
        last_error=row.last_error,
    )


@dataclass(frozen=True, slots=True)
class CustomerExportPage:
    items: tuple[CustomerExportDTO, ...]
    has_next: bool


@dataclass(frozen=True)
class ExportDownload:
    """A file a valid link names: whose, which, its name, and its plaintext as chunks
    (decrypted as they are read; the file is open until they are all read)."""

    merchant_id: int
    export_id: int
    file: str
    filename: str
    chunks: Iterator[bytes] = field(repr=False)
