"""The tiers context's node types (``node(id:)``, see core/node.py)."""

from __future__ import annotations

from loyalnest.graphql.core.node import NodeKind
from loyalnest.graphql.tiers.queries import TIER_READ
from loyalnest.graphql.tiers.types import Tier

NODES = (NodeKind("Tier", loader="tiers.tier", build=Tier.from_dto, permission_classes=TIER_READ),)
