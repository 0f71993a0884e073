"""GraphQL types of imports."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.imports import api as imports
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.graphql.core.scalars import BigInt
from loyalnest.platform.timeutil import utcnow

IMPORT = "Import"


@strawberry.enum(description="Where an import's file comes from: which columns it is read with.")
class ImportSource(Enum):
    SMILE = strawberry.enum_value("SMILE", description="Smile.io's customer export or points file.")
    LOYALTYLION = strawberry.enum_value(
        "LOYALTYLION", description="LoyaltyLion's customer export or points file."
    )
    YOTPO = strawberry.enum_value("YOTPO", description="Yotpo Loyalty's import or export file.")
    GENERIC = strawberry.enum_value("GENERIC", description="Any CSV, its columns named by `mapping`.")


@strawberry.enum(description="Where an import stands.")
class ImportStatus(Enum):
    AWAITING_UPLOAD = strawberry.enum_value(
        "awaiting_upload", description="Waiting for its file at the upload link."
    )
    UPLOADED = strawberry.enum_value("uploaded", description="The file is in; validation comes next.")
    VALIDATING = strawberry.enum_value("validating", description="Every row is being checked.")
    READY = strawberry.enum_value(
        "ready", description="Validated (a dry run): startImport imports the valid rows."
    )
    INVALID = strawberry.enum_value(
        "invalid", description="Nothing in the file can be imported (`lastError`)."
    )
    IMPORTING = strawberry.enum_value("importing", description="The valid rows are being imported.")
    COMPLETED = strawberry.enum_value("completed", description="Imported; revertImport takes it back.")
    FAILED = strawberry.enum_value("failed", description="Stopped by an error (`lastError`).")
    REVERTING = strawberry.enum_value("reverting", description="Being taken back.")
    REVERTED = strawberry.enum_value("reverted", description="Taken back.")


@strawberry.type(description="A row of the file that cannot be imported.")
class ImportRowError:
    line: int = strawberry.field(description="The line of the file the row starts on (the header is line 1).")
    column: str | None = strawberry.field(description="The field at fault (our name for it).")
    reason: str = strawberry.field(description="Why, in English.")
    in_history_file: bool = strawberry.field(
        description="The row is the points-history file's (`line` is a line of that file)."
    )


@strawberry.type(description="What an import's file holds, and what importing it does (or did).")
class ImportCounts:
    rows: int = strawberry.field(description="Rows read (the header not counted).")
    valid: int = strawberry.field(description="Rows that can be imported.")
    invalid: int = strawberry.field(description="Rows refused (see `errors`).")
    to_match: int = strawberry.field(description="Valid rows that are customers of the shop already.")
    to_create: int = strawberry.field(description="Valid rows that are new customers.")
    points: BigInt = strawberry.field(description="Points the valid rows hold.")
    points_pending: BigInt = strawberry.field(
        description="Points the valid rows hold as pending with the old app (LoyaltyLion's Points pending): "
        "held for the shop's pending period (in pendingPoints), then added to the balance."
    )
    created: int = strawberry.field(description="Customers the import created.")
    matched: int = strawberry.field(description="Customers the import matched.")
    skipped: int = strawberry.field(
        description="Valid rows not imported: by the time of the import, Shopify had matched the customer"
        " they name to an earlier row of the file (one by Shopify id, the other by email); each is in"
        " `errors`."
    )
    points_posted: BigInt = strawberry.field(
        description="Points the import posted (the balances' net change)."
    )
    tiers: int = strawberry.field(description="Valid rows naming a tier (assigned with reason import).")
    tiers_to_create: int = strawberry.field(
        description="Tiers the file names and the shop lacks, created by the import (createMissingTiers)."
    )
    birthdays: int = strawberry.field(
        description="Valid rows with a birthday (kept where the customer has none yet)."
    )
    referral_codes: int = strawberry.field(
        description="Valid rows with a referral code (kept, so the old links keep working)."
    )
    history_rows: int = strawberry.field(description="Valid rows of the points-history file.")
    history_invalid: int = strawberry.field(description="Rows of the points-history file refused.")


@strawberry.type(description="An import of customers from another loyalty app.")
class Import:
    id: strawberry.ID = strawberry.field(description="The import's global id.")
    source: ImportSource = strawberry.field(description="Which columns its file is read with.")
    status: ImportStatus = strawberry.field(description="Where it stands.")
    dry_run: bool = strawberry.field(description="Validate only; startImport imports it afterwards.")
    file_name: str | None = strawberry.field(description="The file's name as uploaded.")
    file_bytes: int | None = strawberry.field(description="The file's size.")
    history_file_name: str | None = strawberry.field(
        description="The points-history file's name, when one was sent."
    )
    history_file_bytes: int | None = strawberry.field(description="The points-history file's size.")
    counts: ImportCounts = strawberry.field(description="What the file holds, and what importing it did.")
    rows_done: int = strawberry.field(description="Rows handled so far in the current step.")
    rows_total: int | None = strawberry.field(description="Rows the current step handles (once known).")
    eta: datetime | None = strawberry.field(
        description="When the running step should end, at its pace so far."
    )
    errors: list[ImportRowError] = strawberry.field(description="The first 100 rows refused.")
    error_report_url: str | None = strawberry.field(
        description="A link (valid an hour) to every refused row as CSV; null without any."
    )
    last_error: str | None = strawberry.field(
        description="Why the file or the import was refused or stopped."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    started_at: datetime | None = strawberry.field(description="When a worker first took it.")
    finished_at: datetime | None = strawberry.field(description="When its last step ended.")
    reverted_at: datetime | None = strawberry.field(description="When it was taken back.")

    @classmethod
    def from_record(cls, record: imports.ImportRecord) -> Import:
        counts = record.counts
        return cls(
            id=encode_id(IMPORT, record.id),
            source=ImportSource(record.source),
            status=ImportStatus(record.status),
            dry_run=record.dry_run,
            file_name=record.file_name,
            file_bytes=record.file_bytes,
            history_file_name=record.history_file_name,
            history_file_bytes=record.history_file_bytes,
            counts=ImportCounts(
                **{
                    name: int(counts.get(key, 0))
                    for name, key in (
                        ("rows", "rows"),
                        ("valid", "valid"),
                        ("invalid", "invalid"),
                        ("to_match", "to_match"),
                        ("to_create", "to_create"),
                        ("points", "points"),
                        ("points_pending", "points_pending"),
                        ("created", "created"),
                        ("matched", "matched"),
                        ("skipped", "skipped"),
                        ("points_posted", "points_posted"),
                        ("tiers", "tiers"),
                        ("tiers_to_create", "tiers_to_create"),
                        ("birthdays", "birthdays"),
                        ("referral_codes", "referral_codes"),
                        ("history_rows", "history_rows"),
                        ("history_invalid", "history_invalid"),
                    )
                }
            ),
            rows_done=record.rows_done,
            rows_total=record.rows_total,
            eta=imports.eta(record, utcnow()),
            errors=[
                ImportRowError(
                    line=int(e["line"]),
                    column=e.get("column"),
                    reason=str(e["reason"]),
                    in_history_file=bool(e.get("history", False)),
                )
                for e in record.errors
            ],
            error_report_url=imports.error_report_url(record),
            last_error=record.last_error,
            created_at=record.created_at,
            started_at=record.started_at,
            finished_at=record.finished_at,
            reverted_at=record.reverted_at,
        )


def import_connection(page: imports.ImportPage, count: Count) -> Connection[Import]:
    return connection(
        [Import.from_record(r) for r in page.items],
        ids=[r.id for r in page.items],
        has_next_page=page.has_next,
        has_previous_page=False,
        count=count,
    )
