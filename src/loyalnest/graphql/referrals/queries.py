"""Staff queries of the referrals context: the program, the referrals (all, one, the
review queue) and the analytics. The storefront reads its own referral through
``me.referral`` (customer_fields.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.referrals import api as referrals
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    PageRequest,
    page_request,
)
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.graphql.referrals.permissions import REFERRAL_READ, CanReadReferralAnalytics
from loyalnest.graphql.referrals.types import (
    Referral,
    ReferralAnalytics,
    ReferralProgram,
    ReferralStatus,
    referral_connection,
    wire,
)
from loyalnest.platform.errors import DomainError


def forwards_only(request: PageRequest) -> None:
    """Referral lists page forwards (``first``/``after``): the context reads them newest
    first from a cursor, in one direction."""
    if request.backward or request.before_id is not None:
        raise PublicError("referral lists page forwards only: use first/after", code="BAD_USER_INPUT")


async def referrals_page(
    info: Info,
    request: PageRequest,
    *,
    status: str | None = None,
    held: bool | None = None,
    advocate_customer_id: int | None = None,
    friend_customer_id: int | None = None,
) -> Connection[Referral]:
    forwards_only(request)
    page = await referrals.list_referrals(
        info.context.merchant_id,
        status=status,
        held=held,
        advocate_customer_id=advocate_customer_id,
        friend_customer_id=friend_customer_id,
        first=request.size,
        after=request.after_id,
    )

    async def count() -> int:
        return page.total  # counted with the page

    return referral_connection(page, count)


@strawberry.type
class ReferralsQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="The shop's referral program (the defaults until it is first saved). Null (with an "
        "error) for a caller who is not staff.",
    )
    async def referral_program(self, info: Info) -> ReferralProgram | None:
        return ReferralProgram.from_dto(await referrals.get_program(info.context.merchant_id))

    @strawberry.field(
        permission_classes=REFERRAL_READ,
        description="The shop's referrals, newest first, paged forwards (first/after; last/before are "
        "refused). admin:full, admin:points or admin:support; null (with an error) for anyone else.",
    )
    async def referrals(
        self,
        info: Info,
        status: Annotated[
            ReferralStatus | None, strawberry.argument(description="Only referrals in this status.")
        ] = None,
        held: Annotated[
            bool | None,
            strawberry.argument(description="true: only those held for review; false: only the others."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Referral] | None:
        request = page_request(first, after, last, before)
        return await referrals_page(info, request, status=None if status is None else wire(status), held=held)

    @strawberry.field(permission_classes=REFERRAL_READ, description="A referral of this shop, or null.")
    async def referral(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The referral's global id.")],
    ) -> Referral | None:
        local_id = decode_id(id, "Referral")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("referrals.referral").load(local_id)
        return None if dto is None else Referral.from_dto(dto)

    @strawberry.field(
        permission_classes=REFERRAL_READ,
        description="Referrals held for review, newest first, paged forwards (first/after): decide them "
        "with approveReferral or rejectReferral (admin:full). Null (with an error) for a caller who may "
        "not read referrals.",
    )
    async def referral_review_queue(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Referral] | None:
        return await referrals_page(info, page_request(first, after, last, before), held=True)

    @strawberry.field(
        permission_classes=[IsStaff, CanReadReferralAnalytics],
        description="What the referral program did from `from` to `to` (days in the shop's timezone, "
        "both included): clicks, claims, conversions, revenue, cost and ROI, top advocates "
        "(admin:full or admin:analytics). Null (with an error) for anyone else.",
    )
    async def referral_analytics(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="The first day, included.")],
        to: Annotated[date, strawberry.argument(description="The last day, included.")],
    ) -> ReferralAnalytics | None:
        try:
            dto = await referrals.referral_analytics(info.context.merchant_id, start=from_, end=to)
        except DomainError as exc:
            # a query has no userErrors: a refused range is the client's mistake, shown as such
            raise PublicError(exc.message, code="BAD_USER_INPUT") from None
        return ReferralAnalytics.from_dto(dto)


QUERIES = (ReferralsQuery,)
