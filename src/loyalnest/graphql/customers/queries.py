"""Staff queries over customers, and the storefront customer's ``me``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id, parse_local_id
from loyalnest.graphql.core.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    empty_connection,
    page_request,
)
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff, may_see_customer_pii
from loyalnest.graphql.customers.types import Customer, Me

MAX_SEARCH_LENGTH = 255

# who may read a customer: the ``customer`` field, and ``node`` for a Customer id
CUSTOMER_READ: list[type[BasePermission]] = [IsStaff]


@strawberry.type
class CustomersQuery:
    @strawberry.field(
        permission_classes=CUSTOMER_READ,
        description="The shop's customers, oldest first. `search` is exact: an email address, "
        "a Shopify customer id, or a tag; searching by email needs a role that may read it "
        "(admin:full, admin:points or admin:support). Null (with an error) for a caller who is not staff.",
    )
    async def customers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description=f"An email address, a Shopify customer id or a tag, matched exactly "
                f"(at most {MAX_SEARCH_LENGTH} characters)."
            ),
        ] = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Customer] | None:
        request = page_request(first, after, last, before)
        if search is not None and len(search) > MAX_SEARCH_LENGTH:
            raise PublicError(f"search is limited to {MAX_SEARCH_LENGTH} characters", code="BAD_USER_INPUT")
        if search is not None and any(ord(c) < 32 or ord(c) == 127 for c in search):
            raise PublicError("search must not contain control characters", code="BAD_USER_INPUT")
        term = (search or "").strip()
        if "@" in term and not may_see_customer_pii(info):
            # a match would confirm the address is a customer's as surely as reading it
            raise PublicError(
                "searching by email requires role admin:full, admin:points or admin:support",
                code="FORBIDDEN",
            )
        if term.isdigit() and parse_local_id(term) is None:
            # The customers context reads an all-digit term as a Shopify id; one that is
            # not plain ASCII digits or too large for an id matches nobody.
            return empty_connection()
        merchant_id = info.context.merchant_id
        page = await customers.list_customers(
            merchant_id,
            after_id=request.after_id,
            before_id=request.before_id,
            first=request.size,
            backward=request.backward,
            search=search,
        )

        async def count() -> int:
            return await customers.count_customers(merchant_id, search=search)

        return connection(
            [Customer.from_dto(dto) for dto in page.items],
            ids=[dto.id for dto in page.items],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            count=count,
        )

    @strawberry.field(permission_classes=CUSTOMER_READ, description="A customer of this shop, or null.")
    async def customer(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
    ) -> Customer | None:
        local_id = decode_id(id, "Customer")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("customers.customer").load(local_id)
        return None if dto is None else Customer.from_dto(dto)

    @strawberry.field(
        permission_classes=CUSTOMER_READ, description="A customer of this shop by Shopify id, or null."
    )
    async def customer_by_shopify_id(
        self,
        info: Info,
        shopify_id: Annotated[
            strawberry.ID, strawberry.argument(description="The Shopify customer id (numeric).")
        ],
    ) -> Customer | None:
        local_shopify_id = parse_local_id(str(shopify_id))
        if local_shopify_id is None:
            return None
        dto = await customers.get_by_shopify_id(info.context.merchant_id, local_shopify_id)
        return None if dto is None else Customer.from_dto(dto)


@strawberry.type
class MeQuery:
    @strawberry.field(
        permission_classes=[IsCustomer],
        description="The storefront customer of the request (app proxy or customer token); null "
        "(with an error) for anyone else, staff included.",
    )
    async def me(self, info: Info) -> Me | None:
        # what a storefront customer (the widget) may read: only themselves
        principal = info.context.customer
        return Me(
            shopify_customer_id=strawberry.ID(str(principal.shopify_customer_id)),
            enrolled=principal.customer_id is not None,
            local_id=principal.customer_id,
        )


QUERIES = (CustomersQuery, MeQuery)
