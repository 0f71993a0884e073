"""What the privacy context puts in the Customer (staff) and Me (storefront) types: the
customer's consents, and for staff their history."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.privacy.consent_permissions import CanHandleConsents
from loyalnest.graphql.privacy.consent_types import Consent, ConsentChange, consent_change_connection


@strawberry.type
class CustomerConsents:
    local_id: strawberry.Private[int]

    @strawberry.field(
        permission_classes=[CanHandleConsents],
        description="The customer's consents now, one per ConsentType (admin:full, admin:points or "
        "admin:support; null with an error for anyone else). Batched across a customers list.",
    )
    async def consents(self, info: Info) -> list[Consent] | None:
        found: list[privacy.ConsentDTO] = await info.context.loaders.get("privacy.consents").load(
            self.local_id
        )
        return [Consent.from_dto(dto) for dto in found]

    @strawberry.field(
        permission_classes=[CanHandleConsents],
        description="Every change of the customer's consents, newest first, paged forwards (first/after); "
        "admin:full, admin:points or admin:support. One indexed query per customer: ask for it on a "
        "customer, not across a customers list.",
    )
    async def consent_history(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[ConsentChange] | None:
        request = page_request(first, after, last, before)
        if request.backward or request.before_id is not None:
            raise PublicError(
                "the consents history pages forwards only: use first/after", code="BAD_USER_INPUT"
            )
        page = await privacy.consent_history(
            info.context.merchant_id, self.local_id, first=request.size, after=request.after_id
        )

        async def count() -> int:
            return page.total

        return consent_change_connection(page, count, after_given=request.after_id is not None)


@strawberry.type
class MeConsents:
    local_id: strawberry.Private[int | None]

    @strawberry.field(
        description="Your consents, one per ConsentType (change them with updateMyConsents); empty until "
        "the shop has told us about you."
    )
    async def consents(self, info: Info) -> list[Consent]:
        if self.local_id is None:
            return []
        found: list[privacy.ConsentDTO] = await info.context.loaders.get("privacy.consents").load(
            self.local_id
        )
        return [Consent.from_dto(dto) for dto in found]


CUSTOMER_FIELDS = (CustomerConsents,)
ME_FIELDS = (MeConsents,)
