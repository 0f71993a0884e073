"""Staff queries over the reward catalog."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.graphql.rewards.types import Reward, reward_connection

# who may read the catalog: the ``rewards`` and ``reward`` fields, and ``node`` for a Reward id
REWARD_READ: list[type[BasePermission]] = [IsStaff]


@strawberry.type
class RewardsQuery:
    @strawberry.field(
        permission_classes=REWARD_READ,
        description="The shop's reward catalog, oldest first; archived rewards only with "
        "includeArchived. Null (with an error) for a caller who is not staff.",
    )
    async def rewards(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        include_archived: Annotated[
            bool, strawberry.argument(description="List archived rewards too.")
        ] = False,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Reward] | None:
        request = page_request(first, after, last, before)
        merchant_id = info.context.merchant_id
        page = await rewards.list_rewards(
            merchant_id,
            after_id=request.after_id,
            before_id=request.before_id,
            first=request.size,
            backward=request.backward,
            include_archived=include_archived,
        )

        async def count() -> int:
            return await rewards.count_rewards(merchant_id, include_archived=include_archived)

        return reward_connection(page, count)

    @strawberry.field(
        permission_classes=REWARD_READ, description="A reward of this shop (archived too), or null."
    )
    async def reward(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The reward's global id.")],
    ) -> Reward | None:
        local_id = decode_id(id, "Reward")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("rewards.reward").load(local_id)
        return None if dto is None else Reward.from_dto(dto)


QUERIES = (RewardsQuery,)
