"""Live progress of a customer export: the export at once, then on every batch its
worker commits (Redis pub/sub) and at least every second between, until it stands
still (completed, failed, expired)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import export_api as exports
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.progress import follow
from loyalnest.graphql.imports.export_types import CUSTOMER_EXPORT, CustomerExport
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS

TICK_SECONDS = 1.0


async def export_progress(merchant_id: int, export_id: int) -> AsyncGenerator[CustomerExport, None]:
    async def read() -> CustomerExport | None:
        found = await exports.get_export(merchant_id, export_id)
        return None if found is None else CustomerExport.from_dto(found)

    async for found in follow(
        exports.progress_channel(merchant_id, export_id),
        read,
        done=lambda e: e.status.value in exports.SETTLED,
        tick=TICK_SECONDS,
    ):
        yield found


@strawberry.type
class CustomerExportsSubscription:
    @strawberry.subscription(
        permission_classes=IMPORTS_ACCESS,
        description="A customer export's progress: at once, then on every batch of customers and at least "
        "every second, ending when it stands still (COMPLETED, FAILED, EXPIRED). admin:full.",
    )
    async def export_progress(
        self,
        info: Info,
        export_id: Annotated[strawberry.ID, strawberry.argument(description="The export's global id.")],
    ) -> AsyncGenerator[CustomerExport, None]:
        merchant_id = info.context.merchant_id
        local_id = decode_id(export_id, CUSTOMER_EXPORT)
        if local_id is None or await exports.get_export(merchant_id, local_id) is None:
            raise PublicError("export not found", code="NOT_FOUND")
        async for found in export_progress(merchant_id, local_id):
            yield found
