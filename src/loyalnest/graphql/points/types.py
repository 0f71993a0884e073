"""GraphQL types of the points context, built from its DTOs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.ids import encode_cursor, encode_id
from loyalnest.graphql.core.pagination import Connection, Edge, PageInfo
from loyalnest.graphql.core.permissions import CanReadLedgerNotes


@strawberry.enum(description="Why a balance changed.")
class TransactionKind(Enum):
    EARN = "earn"
    REDEEM = "redeem"
    REDEEM_RETURN = strawberry.enum_value(
        "redeem_return", description="Points of a redemption given back (code refused or expired unused)."
    )
    ADJUST = "adjust"
    EXPIRE = "expire"
    REVERSAL = "reversal"
    IMPORT = "import"
    REFERRAL = "referral"
    CAMPAIGN = "campaign"
    TIER_BONUS = "tier_bonus"


@strawberry.type(description="One row of a customer's points ledger.")
class PointsTransaction:
    id: strawberry.ID
    delta: int = strawberry.field(description="Points added (positive) or taken (negative).")
    kind: TransactionKind
    source: str = strawberry.field(description='What caused it: "order", "staff", ...')
    source_ref: str | None
    shortfall: int = strawberry.field(
        description="Points a reversal could not take back because they were already spent or had expired."
    )
    balance_after: int
    created_at: datetime
    # free text: read through the fields below, which check the caller's role
    note_reason: strawberry.Private[str | None]
    note_actor: strawberry.Private[str | None]

    @strawberry.field(
        permission_classes=[CanReadLedgerNotes],
        description="Why, in the words of whoever made the change (free text). Staff need "
        "admin:full, admin:points or admin:support.",
    )
    def reason(self) -> str | None:
        return self.note_reason

    @strawberry.field(
        permission_classes=[CanReadLedgerNotes],
        description='Who made the change, e.g. "staff:<user id>" (free text). Staff '
        "need admin:full, admin:points or admin:support.",
    )
    def actor(self) -> str | None:
        return self.note_actor

    @classmethod
    def from_dto(cls, dto: points.LedgerEntryDTO) -> PointsTransaction:
        return cls(
            id=encode_id("PointsTransaction", dto.id),
            delta=dto.delta,
            kind=_KINDS[dto.kind],
            source=dto.source,
            source_ref=dto.source_ref,
            shortfall=dto.shortfall,
            balance_after=dto.balance_after,
            created_at=dto.created_at,
            note_reason=dto.reason,
            note_actor=dto.actor,
        )


_KINDS = {kind.value: kind for kind in TransactionKind}  # a dict hit, not an Enum() call

PointsTransactionConnection = Connection[PointsTransaction]


def transaction_connection(page: points.LedgerPage) -> Connection[PointsTransaction]:
    edges = [
        Edge(cursor=encode_cursor(item.id), node=PointsTransaction.from_dto(item)) for item in page.items
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None),
    )


@strawberry.type(description="A customer's balance just changed.")
class PointsBalanceEvent:
    customer_id: strawberry.ID
    transaction_id: strawberry.ID
    kind: TransactionKind
    delta: int
    points_balance: int
    lifetime_points: int

    @classmethod
    def from_event(cls, event: points.PointsBalanceChanged) -> PointsBalanceEvent:
        return cls(
            customer_id=encode_id("Customer", event.customer_id),
            transaction_id=encode_id("PointsTransaction", event.entry_id),
            kind=TransactionKind(event.kind),
            delta=event.delta,
            points_balance=event.balance,
            lifetime_points=event.lifetime_earned,
        )


# (inside ExpiringPoints, ``points`` is its field, not the context's api)
ExpiringPointsDTO = points.ExpiringPointsDTO


@strawberry.type(description="Points about to expire.")
class ExpiringPoints:
    points: int = strawberry.field(
        description="Points expiring within the days asked for (unless spent first; oldest are spent first)."
    )
    next_expires_at: datetime | None = strawberry.field(
        description="When the next of the customer's points expire, whatever the window; null if none do."
    )

    @classmethod
    def from_dto(cls, dto: ExpiringPointsDTO) -> ExpiringPoints:
        return cls(points=dto.points, next_expires_at=dto.next_expires_at)
