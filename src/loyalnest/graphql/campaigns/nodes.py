"""The campaigns context's node types (``node(id:)``, see core/node.py)."""

from __future__ import annotations

from loyalnest.graphql.campaigns.queries import CAMPAIGN_READ
from loyalnest.graphql.campaigns.types import Campaign
from loyalnest.graphql.core.node import NodeKind

NODES = (
    NodeKind(
        "Campaign", loader="campaigns.campaign", build=Campaign.from_dto, permission_classes=CAMPAIGN_READ
    ),
)
