"""Staff queries over customers, and the storefront customer's ``me``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_cursor, decode_id, encode_cursor, parse_local_id
from loyalnest.graphql.core.pagination import Connection, Edge, PageInfo, page_size
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff, may_see_customer_pii
from loyalnest.graphql.customers.types import Customer, Me

MAX_SEARCH_LENGTH = 255


@strawberry.type
class CustomersQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="The shop's customers, oldest first. `search` is exact: an email address, "
        "a Shopify customer id, or a tag; searching by email needs a role that may read it "
        "(admin:full, admin:points or admin:support). Null (with an error) for a caller who is not staff.",
    )
    async def customers(
        self, info: Info, first: int | None = None, after: str | None = None, search: str | None = None
    ) -> Connection[Customer] | None:
        size = page_size(first)
        if search is not None and len(search) > MAX_SEARCH_LENGTH:
            raise PublicError(f"search is limited to {MAX_SEARCH_LENGTH} characters", code="BAD_USER_INPUT")
        if search is not None and any(ord(c) < 32 or ord(c) == 127 for c in search):
            raise PublicError("search must not contain control characters", code="BAD_USER_INPUT")
        after_id = decode_cursor(after)
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
            return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        page = await customers.list_customers(
            info.context.merchant_id, after_id=after_id, first=size, search=search
        )
        edges = [Edge(cursor=encode_cursor(dto.id), node=Customer.from_dto(dto)) for dto in page.items]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None
            ),
        )

    @strawberry.field(permission_classes=[IsStaff], description="A customer of this shop, or null.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        local_id = decode_id(id, "Customer")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("customers.customer").load(local_id)
        return None if dto is None else Customer.from_dto(dto)

    @strawberry.field(permission_classes=[IsStaff], description="Look a customer up by Shopify id.")
    async def customer_by_shopify_id(self, info: Info, shopify_id: strawberry.ID) -> Customer | None:
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
