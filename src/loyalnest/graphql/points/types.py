"""GraphQL types of the points context, built from its DTOs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.graphql.core.permissions import CanReadLedgerNotes


@strawberry.enum(description="Why a balance changed.")
class TransactionKind(Enum):
    EARN = strawberry.enum_value("earn", description="Earned: an order or a way to earn.")
    REDEEM = strawberry.enum_value("redeem", description="Spent on a reward.")
    REDEEM_RETURN = strawberry.enum_value(
        "redeem_return", description="Points of a redemption given back (code refused or expired unused)."
    )
    ADJUST = strawberry.enum_value("adjust", description="Added or removed by staff (adjustPoints).")
    EXPIRE = strawberry.enum_value("expire", description="Expired under the shop's expiry policy.")
    REVERSAL = strawberry.enum_value(
        "reversal", description="An earning taken back (the order was refunded or cancelled)."
    )
    IMPORT = strawberry.enum_value("import", description="Brought over from another loyalty program.")
    REFERRAL = strawberry.enum_value("referral", description="Earned by referring a friend.")
    CAMPAIGN = strawberry.enum_value("campaign", description="Extra points of a campaign.")
    TIER_BONUS = strawberry.enum_value("tier_bonus", description="Extra points of the customer's tier.")


@strawberry.enum(description="Where an earning's points came from.")
class EarningOrigin(Enum):
    RULE = strawberry.enum_value("rule", description="The base points of the way to earn (its rule).")
    TIER = strawberry.enum_value(
        "tier", description="The customer's VIP tier (its multiplier or entry bonus)."
    )
    CAMPAIGN = strawberry.enum_value("campaign", description="A bonus campaign.")


# the Node type of each origin's id
ORIGIN_NODE_TYPES = {"tier": "Tier", "campaign": "Campaign"}


def origin_global_id(origin_type: str | None, origin_id: int | None) -> strawberry.ID | None:
    node_type = ORIGIN_NODE_TYPES.get(origin_type or "")
    return None if node_type is None or origin_id is None else encode_id(node_type, origin_id)


@strawberry.type(description="One row of a customer's points ledger.")
class PointsTransaction(Node):
    delta: int = strawberry.field(description="Points added (positive) or taken (negative).")
    kind: TransactionKind = strawberry.field(description="Why the balance changed.")
    source: str = strawberry.field(description='What caused it: "order", "staff", ...')
    source_ref: str | None = strawberry.field(
        description="The cause's own id where it has one (the Shopify order id of an order), else null."
    )
    shortfall: int = strawberry.field(
        description="Points a reversal could not take back because they were already spent or had expired."
    )
    balance_after: int = strawberry.field(description="The balance right after this change.")
    created_at: datetime = strawberry.field(description="When the change was made.")
    origin: EarningOrigin | None = strawberry.field(
        description="For an earning (and its reversal): which part of it this row is, the way to "
        "earn's base points, the tier's or a campaign's; null for other rows. With `originId` "
        'and `label` the dashboard shows "425 base + 212 Gold x1.50 + 500 Black Friday".'
    )
    origin_id: strawberry.ID | None = strawberry.field(
        description="The Tier or Campaign the points came from (see `node`); null for base points "
        "and rows that are not earnings."
    )
    label: str | None = strawberry.field(
        description="The tier's or campaign's name as it was when the points were given "
        '(e.g. "Gold x1.50"); null for other rows.'
    )
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
            origin=_ORIGINS.get(dto.origin_type or ""),
            origin_id=origin_global_id(dto.origin_type, dto.origin_id),
            # a part's reason is its label, written by the pipeline, never free text
            label=dto.reason if dto.origin_type in ORIGIN_NODE_TYPES else None,
        )


# a dict hit, not an Enum() call
_KINDS: dict[str, TransactionKind] = {str(kind.value): kind for kind in TransactionKind}
_ORIGINS: dict[str, EarningOrigin] = {str(origin.value): origin for origin in EarningOrigin}

PointsTransactionConnection = Connection[PointsTransaction]


def transaction_connection(page: points.LedgerPage, count: Count) -> Connection[PointsTransaction]:
    return connection(
        [PointsTransaction.from_dto(item) for item in page.items],
        ids=[item.id for item in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        count=count,
    )


@strawberry.type(description="A customer's balance just changed.")
class PointsBalanceEvent:
    customer_id: strawberry.ID = strawberry.field(description="The customer's global id.")
    transaction_id: strawberry.ID = strawberry.field(
        description="The global id of the PointsTransaction that changed it."
    )
    kind: TransactionKind = strawberry.field(description="Why the balance changed.")
    delta: int = strawberry.field(description="Points added (positive) or taken (negative).")
    points_balance: int = strawberry.field(description="Spendable points now.")
    lifetime_points: int = strawberry.field(description="All points ever earned, less reversed earnings.")

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
