"""Staff queries over the reward catalog."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.ids import decode_cursor, decode_id
from loyalnest.graphql.core.pagination import Connection, page_size
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.graphql.rewards.types import Reward, reward_connection


@strawberry.type
class RewardsQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="The shop's reward catalog, oldest first; archived rewards only with "
        "includeArchived. Null (with an error) for a caller who is not staff.",
    )
    async def rewards(
        self, info: Info, first: int | None = None, after: str | None = None, include_archived: bool = False
    ) -> Connection[Reward] | None:
        page = await rewards.list_rewards(
            info.context.merchant_id,
            after_id=decode_cursor(after),
            first=page_size(first),
            include_archived=include_archived,
        )
        return reward_connection(page)

    @strawberry.field(
        permission_classes=[IsStaff], description="A reward of this shop (archived too), or null."
    )
    async def reward(self, info: Info, id: strawberry.ID) -> Reward | None:
        local_id = decode_id(id, "Reward")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("rewards.reward").load(local_id)
        return None if dto is None else Reward.from_dto(dto)


QUERIES = (RewardsQuery,)
