"""The rewards context's node types (``node(id:)``, see core/node.py)."""

from __future__ import annotations

from loyalnest.graphql.core.node import NodeKind
from loyalnest.graphql.customers.queries import CUSTOMER_READ
from loyalnest.graphql.rewards.queries import REWARD_READ
from loyalnest.graphql.rewards.types import Redemption, Reward

NODES = (
    NodeKind("Reward", loader="rewards.reward", build=Reward.from_dto, permission_classes=REWARD_READ),
    # a redemption is read where its customer is (Customer.redemptions): the same refusals
    NodeKind(
        "Redemption",
        loader="rewards.redemption",
        build=Redemption.from_dto,
        permission_classes=CUSTOMER_READ,
    ),
)
