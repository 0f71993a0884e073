"""Staff mutation of customer exports (admin:full, audited)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import export_api as exports
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.imports.export_types import CustomerExport, ExportFormat
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS


@strawberry.type(description="The result of exportCustomers.")
class ExportCustomersPayload:
    customer_export: CustomerExport | None = strawberry.field(
        description="The export, queued (follow it with export(id) or exportProgress); null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class CustomerExportsMutation:
    @strawberry.mutation(
        permission_classes=IMPORTS_ACCESS,
        description="Export every customer of the shop to CSV in the background (admin:full; audited, and so "
        "is every download): balance, pending, lifetime and spent points, tier, birthday, referral code and "
        "link, marketing consents, enrolment date, in the columns of `format`, which importCustomers reads "
        "back. With includeHistory, a second file holds every ledger entry (signed points, when, why, the "
        "expiry of the points it credited). Once COMPLETED, downloadUrl links to the file for 7 days. "
        "Refused (IN_PROGRESS) while another export of the shop is queued or running.",
    )
    @mutation(ExportCustomersPayload)
    async def export_customers(
        self,
        info: Info,
        write: Write,
        format: Annotated[ExportFormat, strawberry.argument(description="The columns of the customer file.")],
        include_history: Annotated[
            bool,
            strawberry.argument(
                description="Also write the points history as a second file (default false)."
            ),
        ] = False,
    ) -> ExportCustomersPayload:
        staff = info.context.staff
        export = await exports.request_export(
            write.uow,
            staff.merchant_id,
            format=str(format.value),
            include_history=include_history,
            actor=staff.actor,
        )
        return ExportCustomersPayload(customer_export=CustomerExport.from_dto(export), user_errors=[])
