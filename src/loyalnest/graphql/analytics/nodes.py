"""The analytics context's node types (``node(id:)``, see core/node.py): nudges and
custom segments, refetched for staff who may use analytics."""

from __future__ import annotations

from loyalnest.graphql.analytics.nudges.types import Nudge
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.segments.types import CustomSegment
from loyalnest.graphql.core.node import NodeKind
from loyalnest.graphql.core.permissions import IsStaff

NODES = (
    NodeKind(
        "Nudge", loader="analytics.nudge", build=Nudge.from_dto, permission_classes=[IsStaff, CanUseAnalytics]
    ),
    NodeKind(
        "CustomSegment",
        loader="analytics.custom_segment",
        build=CustomSegment.from_dto,
        permission_classes=[CanUseAnalytics],
    ),
)
