"""The points context's node types (``node(id:)``, see core/node.py)."""

from __future__ import annotations

from loyalnest.graphql.core.node import NodeKind
from loyalnest.graphql.customers.queries import CUSTOMER_READ
from loyalnest.graphql.points.types import PointsTransaction

# a ledger row is read where its customer is (Customer.transactions): the same refusals
NODES = (
    NodeKind(
        "PointsTransaction",
        loader="points.transaction",
        build=PointsTransaction.from_dto,
        permission_classes=CUSTOMER_READ,
    ),
)
