"""The customers context's node types (``node(id:)``, see core/node.py)."""

from __future__ import annotations

from loyalnest.graphql.core.node import NodeKind
from loyalnest.graphql.customers.queries import CUSTOMER_READ
from loyalnest.graphql.customers.types import Customer

NODES = (
    NodeKind(
        "Customer", loader="customers.customer", build=Customer.from_dto, permission_classes=CUSTOMER_READ
    ),
)
