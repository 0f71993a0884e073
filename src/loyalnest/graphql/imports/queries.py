"""Staff queries of imports (admin:full)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import api as imports
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.imports.backfill_queries import ShopifyBackfillQuery
from loyalnest.graphql.imports.export_queries import CustomerExportsQuery
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS
from loyalnest.graphql.imports.types import IMPORT, Import, import_connection
from loyalnest.graphql.referrals.queries import forwards_only


@strawberry.type
class ImportsQuery:
    @strawberry.field(
        permission_classes=IMPORTS_ACCESS,
        description="The shop's imports, newest first, paged forwards (first/after). admin:full.",
    )
    async def imports(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Import] | None:
        request = page_request(first, after, last, before)
        forwards_only(request)
        merchant_id = info.context.merchant_id
        page = await imports.list_imports(merchant_id, first=request.size, after=request.after_id)

        async def count() -> int:
            return await imports.count_imports(merchant_id)

        return import_connection(page, count)

    @strawberry.field(
        name="import",
        permission_classes=IMPORTS_ACCESS,
        description="An import of this shop with its counts and errors, or null.",
    )
    async def import_(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The import's global id.")],
    ) -> Import | None:
        local_id = decode_id(id, IMPORT)
        if local_id is None:
            return None
        record = await imports.get_import(info.context.merchant_id, local_id)
        return None if record is None else Import.from_record(record)


QUERIES = (ImportsQuery, ShopifyBackfillQuery, CustomerExportsQuery)
