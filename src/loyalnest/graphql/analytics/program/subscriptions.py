"""``analyticsUpdated``: the program dashboard pushed again whenever the shop's rollups
change, at most once a second per subscriber.

The rollup pass (a worker, every minute) publishes a signal on
``analytics.program_channel(shop)`` after a commit that changed a figure (Redis pub/sub,
so it reaches dashboards on any API process). Each signal is answered with the
dashboard read afresh from the rollups, so no delta is merged client-side; the first
answer is the dashboard at subscription time (pub/sub is at-most-once: a reconnecting
client starts from the current state)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.program.queries import FROM, TO
from loyalnest.graphql.analytics.program.types import ProgramAnalytics
from loyalnest.graphql.core.errors import PublicError
from loyalnest.platform import pubsub
from loyalnest.platform.errors import ValidationFailed

# the "at most once a second"
MIN_INTERVAL_SECONDS = 1.0


async def program_updates(merchant_id: int, start: date, end: date) -> AsyncGenerator[ProgramAnalytics, None]:
    async def read() -> ProgramAnalytics:
        return ProgramAnalytics.from_dto(
            await analytics.program_analytics(merchant_id, start, end), merchant_id
        )

    signals = pubsub.subscribe(analytics.program_channel(merchant_id))
    # waiting for the next signal starts the subscriber (it registers on its first step)
    waiting: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(anext(signals))
    try:
        await asyncio.sleep(0)  # let it register
        await pubsub.confirmed(analytics.program_channel(merchant_id))  # no change unheard after the read
        yield await read()
        pushed = time.monotonic()
        while True:
            try:
                await waiting
            except StopAsyncIteration:
                return  # the process is shutting its pub/sub down
            delay = MIN_INTERVAL_SECONDS - (time.monotonic() - pushed)
            if delay > 0:
                await asyncio.sleep(delay)
            waiting = asyncio.ensure_future(anext(signals))
            yield await read()
            pushed = time.monotonic()
    except pubsub.SubscriberLagged:
        raise PublicError(
            "updates came faster than this connection read them: subscribe again", code="SUBSCRIPTION_LAGGED"
        ) from None
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await waiting
        await signals.aclose()


@strawberry.type
class ProgramSubscription:
    @strawberry.subscription(
        permission_classes=[CanUseAnalytics],
        description="The program dashboard of `from`..`to`: at once, then again whenever the shop's rollups "
        "change (at most once a second). admin:full or admin:analytics; BAD_USER_INPUT for a bad range.",
    )
    async def analytics_updated(
        self, info: Info, from_: Annotated[date, FROM], to: Annotated[date, TO]
    ) -> AsyncGenerator[ProgramAnalytics, None]:
        try:
            analytics.validate_program_range(from_, to)
        except ValidationFailed as exc:
            raise PublicError(exc.message, code="BAD_USER_INPUT") from None
        async for dashboard in program_updates(info.context.merchant_id, from_, to):
            yield dashboard


SUBSCRIPTIONS = (ProgramSubscription,)
