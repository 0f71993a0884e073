"""Live progress of an import: the import at once, then on every chunk its worker
commits (Redis pub/sub) and at least every second between, until it stands still
(ready, invalid, completed, failed, reverted)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import api as imports
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.imports.permissions import IMPORTS_ACCESS
from loyalnest.graphql.imports.types import IMPORT, Import
from loyalnest.platform import pubsub

_STILL = ("ready", "invalid", "completed", "failed", "reverted")
TICK_SECONDS = 1.0


async def import_progress(merchant_id: int, import_id: int) -> AsyncGenerator[Import, None]:
    nudges = pubsub.subscribe(imports.progress_channel(merchant_id, import_id))
    waiting: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(anext(nudges))
    try:
        await asyncio.sleep(0)  # registered before the first read
        while True:
            record = await imports.get_import(merchant_id, import_id)
            if record is None:
                return
            yield Import.from_record(record)
            if record.status in _STILL:
                return
            done, _ = await asyncio.wait({waiting}, timeout=TICK_SECONDS)
            if done:
                try:
                    waiting.result()
                except StopAsyncIteration:
                    return
                waiting = asyncio.ensure_future(anext(nudges))
    except pubsub.SubscriberLagged:
        raise PublicError(
            "updates came faster than this connection read them: subscribe again", code="SUBSCRIPTION_LAGGED"
        ) from None
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await waiting
        await nudges.aclose()


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


SUBSCRIPTIONS = (ImportsSubscription,)
