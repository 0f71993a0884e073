"""The referrals context's node types (``node(id:)``, see core/node.py)."""

from __future__ import annotations

from loyalnest.graphql.core.node import NodeKind
from loyalnest.graphql.referrals.permissions import REFERRAL_READ
from loyalnest.graphql.referrals.types import Referral

NODES = (
    NodeKind(
        "Referral", loader="referrals.referral", build=Referral.from_dto, permission_classes=REFERRAL_READ
    ),
)
