"""Staff queries of customer exports (admin:full)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import export_api as exports
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.imports.export_types import CUSTOMER_EXPORT, CustomerExport, export_connection
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS
from loyalnest.graphql.referrals.queries import forwards_only


@strawberry.type
class CustomerExportsQuery:
    @strawberry.field(
        permission_classes=IMPORTS_ACCESS,
        description="The shop's customer exports, newest first, paged forwards (first/after). admin:full.",
    )
    async def exports(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[CustomerExport] | None:
        request = page_request(first, after, last, before)
        forwards_only(request)
        merchant_id = info.context.merchant_id
        page = await exports.list_exports(merchant_id, first=request.size, after=request.after_id)

        async def count() -> int:
            return await exports.count_exports(merchant_id)

        return export_connection(page, count, after_given=request.after_id is not None)

    @strawberry.field(
        permission_classes=IMPORTS_ACCESS,
        description="A customer export of this shop with its progress and download links, or null. "
        "admin:full.",
    )
    async def export(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The export's global id.")],
    ) -> CustomerExport | None:
        local_id = decode_id(id, CUSTOMER_EXPORT)
        if local_id is None:
            return None
        found = await exports.get_export(info.context.merchant_id, local_id)
        return None if found is None else CustomerExport.from_dto(found)
