"""Staff mutations of imports (admin:full, audited): send a file (inline up to 50 MB, or
ask for an upload link for up to 2 GB), start an import after its dry run, revert one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from loyalnest.contexts.imports import api as imports
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.imports.backfill_mutations import ShopifyBackfillMutation
from loyalnest.graphql.imports.export_mutations import CustomerExportsMutation
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS
from loyalnest.graphql.imports.types import IMPORT, Import, ImportSource
from loyalnest.platform.errors import DomainError

_READ_BYTES = 1024 * 1024


@strawberry.input(description="One column of a GENERIC file: the file's header, and the field it holds.")
class ImportColumnInput:
    header: str = strawberry.field(
        description="The header as the file spells it (case and spaces do not matter)."
    )
    field: str = strawberry.field(
        description="Our field: shopify_customer_id, email, first_name, "
        "last_name, points_balance, lifetime_points, "
        "tier_name, birthday, referral_code, referral_url, accepts_email_marketing, accepts_sms_marketing."
    )


@strawberry.type(description="The result of importCustomers, startImport and revertImport.")
class ImportPayload:
    import_: Import | None = strawberry.field(name="import", description="The import, as it stands now.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of createImportUpload.")
class CreateImportUploadPayload:
    import_: Import | None = strawberry.field(name="import", description="The import, awaiting its file.")
    upload_url: str | None = strawberry.field(
        description="PUT the file's bytes here (up to 2 GB; no session needed: the link is the credential)."
    )
    history_upload_url: str | None = strawberry.field(
        description="withHistory: PUT the points-history file here first (up to 2 GB; null without)."
    )
    expires_at: datetime | None = strawberry.field(description="When the link stops taking a file.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _mapping(columns: list[ImportColumnInput] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in columns or []:
        if column.header in mapping:
            raise DomainError(
                f"the header {column.header!r} is mapped twice", field="mapping", code="INVALID"
            )
        mapping[column.header] = column.field
    return mapping


async def _chunks(file: Upload) -> AsyncIterator[bytes]:
    while True:
        chunk = await file.read(_READ_BYTES)  # type: ignore[attr-defined]
        if not chunk:
            return
        yield chunk


# an argument of both ways of sending a file
CreateMissingTiers = Annotated[
    bool,
    strawberry.argument(
        description="Create the tiers the file names and the shop lacks (shops whose tiers "
        "count points earned; each at the least points its members earned) instead of "
        "refusing their rows; a revert deletes them again."
    ),
]


@strawberry.type
class ImportsMutation:
    @strawberry.mutation(
        permission_classes=IMPORTS_ACCESS,
        description="Import customers from a CSV sent with the request "
        "(GraphQL multipart, up to 50 MB; larger "
        "files: createImportUpload). With dryRun (the default) every row is validated and counted, nothing "
        "written: startImport then imports it. Refusals: INVALID (source, mapping), PAYLOAD_TOO_LARGE.",
    )
    @mutation(ImportPayload, unit_of_work=False)
    async def import_customers(
        self,
        info: Info,
        write: Write,
        # not ``source``: Strawberry passes the parent object under that name
        from_: Annotated[
            ImportSource,
            strawberry.argument(name="source", description="Which columns to read the file with."),
        ],
        file: Annotated[Upload, strawberry.argument(description="The CSV (UTF-8, UTF-16 or Windows-1252).")],
        mapping: Annotated[
            list[ImportColumnInput] | None,
            strawberry.argument(description="GENERIC: which header holds which field."),
        ] = None,
        dry_run: Annotated[bool, strawberry.argument(description="Validate only (the default).")] = True,
        create_missing_tiers: CreateMissingTiers = False,
        history_file: Annotated[
            Upload | None,
            strawberry.argument(
                description="The customers' points history, optional: one signed amount per row "
                "(email or Shopify customer id, points, date, reason, expiry date). Each row becomes a "
                "ledger row dated when it happened; credits open lots expiring when the file says."
            ),
        ] = None,
    ) -> ImportPayload:
        staff = info.context.staff
        history = None
        if history_file is not None:
            history = imports.SentFile(getattr(history_file, "filename", None), _chunks(history_file))
        try:
            record = await imports.import_inline(
                merchant_id=staff.merchant_id,
                source=str(from_.value),
                mapping=_mapping(mapping),
                file_name=getattr(file, "filename", None),
                chunks=_chunks(file),
                dry_run=dry_run,
                actor=staff.actor,
                history=history,
                create_tiers=create_missing_tiers,
            )
        except imports.UploadRefused as exc:
            raise DomainError(exc.message, field="file", code="PAYLOAD_TOO_LARGE") from None
        return ImportPayload(import_=Import.from_record(record), user_errors=[])

    @strawberry.mutation(
        permission_classes=IMPORTS_ACCESS,
        description="An upload link for a file too large to send with a request (up to 2 GB): PUT the file "
        "there within the hour; it is then validated (and imported unless dryRun).",
    )
    @mutation(CreateImportUploadPayload)
    async def create_import_upload(
        self,
        info: Info,
        write: Write,
        # not ``source``: Strawberry passes the parent object under that name
        from_: Annotated[
            ImportSource,
            strawberry.argument(name="source", description="Which columns to read the file with."),
        ],
        file_name: Annotated[
            str | None, strawberry.argument(description="The file's name, for the list.")
        ] = None,
        mapping: Annotated[
            list[ImportColumnInput] | None,
            strawberry.argument(description="GENERIC: which header holds which field."),
        ] = None,
        dry_run: Annotated[bool, strawberry.argument(description="Validate only (the default).")] = True,
        create_missing_tiers: CreateMissingTiers = False,
        with_history: Annotated[
            bool,
            strawberry.argument(
                description="A points-history file comes too: PUT it at historyUploadUrl first, then "
                "the customer file at uploadUrl (which starts validation)."
            ),
        ] = False,
    ) -> CreateImportUploadPayload:
        staff = info.context.staff
        record, url = await imports.create_upload(
            write.uow,
            merchant_id=staff.merchant_id,
            source=str(from_.value),
            mapping=_mapping(mapping),
            file_name=file_name,
            dry_run=dry_run,
            actor=staff.actor,
            create_tiers=create_missing_tiers,
            expects_history=with_history,
        )
        history_url = None
        if with_history and record.upload_expires_at is not None:
            history_url = imports.history_upload_url(staff.merchant_id, record.id, record.upload_expires_at)
        return CreateImportUploadPayload(
            import_=Import.from_record(record),
            upload_url=url,
            history_upload_url=history_url,
            expires_at=record.upload_expires_at,
            user_errors=[],
        )

    @strawberry.mutation(
        permission_classes=IMPORTS_ACCESS,
        description="Import the valid rows of an import its dry run validated (status READY). Refusals: "
        "NOT_FOUND, NOT_READY (not validated, nothing valid, or started already).",
    )
    @mutation(ImportPayload, ids={"id": IMPORT})
    async def start_import(
        self,
        info: Info,
        write: Write,
        id: Annotated[strawberry.ID, strawberry.argument(description="The import's global id.")],
    ) -> ImportPayload:
        staff = info.context.staff
        record = await imports.start_import(
            write.uow, merchant_id=staff.merchant_id, import_id=int(id), actor=staff.actor
        )
        return ImportPayload(import_=Import.from_record(record), user_errors=[])

    @strawberry.mutation(
        permission_classes=IMPORTS_ACCESS,
        description="Take back what an import did: its postings reversed (points spent since are recorded as "
        "the ledger's shortfall), the customers it created that "
        "did nothing else removed. Refusals: NOT_FOUND, "
        "NOT_REVERTIBLE (not imported, or reverted already).",
    )
    @mutation(ImportPayload, ids={"id": IMPORT})
    async def revert_import(
        self,
        info: Info,
        write: Write,
        id: Annotated[strawberry.ID, strawberry.argument(description="The import's global id.")],
    ) -> ImportPayload:
        staff = info.context.staff
        record = await imports.revert_import(
            write.uow, merchant_id=staff.merchant_id, import_id=int(id), actor=staff.actor
        )
        return ImportPayload(import_=Import.from_record(record), user_errors=[])


MUTATIONS = (ImportsMutation, ShopifyBackfillMutation, CustomerExportsMutation)
