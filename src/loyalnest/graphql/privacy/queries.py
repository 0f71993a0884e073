"""Privacy queries: staff read the shop's request log and retention limits; the
storefront customer reads their own requests (``myPrivacyRequests``)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff
from loyalnest.graphql.privacy.permissions import PRIVACY_READ
from loyalnest.graphql.privacy.types import (
    MyPrivacyRequest,
    PrivacyRequest,
    PrivacyRequestStatus,
    PrivacyRequestType,
    RetentionSettings,
    privacy_request_connection,
)
from loyalnest.graphql.referrals.queries import forwards_only

# a customer's own requests: a handful at most, read in one page
MY_REQUESTS = 50


@strawberry.type
class PrivacyQuery:
    @strawberry.field(
        permission_classes=PRIVACY_READ,
        description="The shop's privacy requests (Shopify's compliance webhooks, customers' own), newest "
        "first, paged forwards (first/after). admin:full or admin:support; null (with an error) for anyone "
        "else.",
    )
    async def privacy_requests(
        self,
        info: Info,
        status: Annotated[
            PrivacyRequestStatus | None, strawberry.argument(description="Only requests in this status.")
        ] = None,
        type: Annotated[
            PrivacyRequestType | None, strawberry.argument(description="Only requests of this type.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PrivacyRequest] | None:
        request = page_request(first, after, last, before)
        forwards_only(request)
        merchant_id = info.context.merchant_id
        status_value = None if status is None else str(status.value)
        type_value = None if type is None else str(type.value)
        page = await privacy.list_requests(
            merchant_id, status=status_value, type=type_value, first=request.size, after=request.after_id
        )

        async def count() -> int:
            return await privacy.count_requests(merchant_id, status=status_value, type=type_value)

        return privacy_request_connection(page, count)

    @strawberry.field(
        permission_classes=PRIVACY_READ,
        description="A privacy request of this shop with its archive's download link, or null.",
    )
    async def privacy_request(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The request's global id.")],
    ) -> PrivacyRequest | None:
        local_id = decode_id(id, "PrivacyRequest")
        if local_id is None:
            return None
        dto = await privacy.get_request(info.context.merchant_id, local_id)
        return None if dto is None else PrivacyRequest.from_dto(dto)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="How long the shop keeps records about people, with each limit's default and bounds.",
    )
    async def retention_settings(self, info: Info) -> RetentionSettings | None:
        return RetentionSettings.from_values(await privacy.retention_settings(info.context.merchant_id))

    @strawberry.field(
        permission_classes=[IsCustomer],
        description="Storefront: your own privacy requests (a copy of your data, an erasure), newest first, "
        "with the download link of a copy that is ready.",
    )
    async def my_privacy_requests(self, info: Info) -> list[MyPrivacyRequest] | None:
        principal = info.context.customer
        page = await privacy.list_requests(
            principal.merchant_id, shopify_customer_id=principal.shopify_customer_id, first=MY_REQUESTS
        )
        return [MyPrivacyRequest.from_dto(dto) for dto in page.items]


QUERIES = (PrivacyQuery,)
