"""Live progress of an import: the import at once, then on every chunk its worker
commits (Redis pub/sub) and at least every second between, until it stands still
(ready, invalid, completed, failed, reverted)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import api as imports
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.progress import follow
from loyalnest.graphql.imports.export_subscriptions import CustomerExportsSubscription
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS
from loyalnest.graphql.imports.types import IMPORT, Import

_STILL = ("ready", "invalid", "completed", "failed", "reverted")
TICK_SECONDS = 1.0


async def import_progress(merchant_id: int, import_id: int) -> AsyncGenerator[Import, None]:
    async def read() -> Import | None:
        record = await imports.get_import(merchant_id, import_id)
        return None if record is None else Import.from_record(record)

    async for found in follow(
        imports.progress_channel(merchant_id, import_id),
        read,
        done=lambda i: i.status.value in _STILL,
        tick=TICK_SECONDS,
    ):
        yield found


@strawberry.type
class ImportsSubscription:
    @strawberry.subscription(
        permission_classes=IMPORTS_ACCESS,
        description="An import's progress: at once, then on every "
        "chunk and at least every second, ending when "
        "it stands still (READY, INVALID, COMPLETED, FAILED, REVERTED). admin:full.",
    )
    async def import_progress(
        self,
        info: Info,
        import_id: Annotated[strawberry.ID, strawberry.argument(description="The import's global id.")],
    ) -> AsyncGenerator[Import, None]:
        merchant_id = info.context.merchant_id
        local_id = decode_id(import_id, IMPORT)
        if local_id is None or await imports.get_import(merchant_id, local_id) is None:
            raise PublicError("import not found", code="NOT_FOUND")
        async for record in import_progress(merchant_id, local_id):
            yield record


SUBSCRIPTIONS = (ImportsSubscription, CustomerExportsSubscription)
