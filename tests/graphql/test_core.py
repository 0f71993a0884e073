"""The GraphQL machinery contexts build on: the mutation helper and the DataLoader
registry, on a toy schema (the real mutations are tested through the API)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.types import Info

from loyalnest.graphql.core.context import Context
from loyalnest.graphql.core.errors import UserError
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.loaders import CUSTOMER, RequestLoaders, loader
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.platform.errors import DomainError
from loyalnest.platform.tenancy import ALL_ROLES, Staff

LOADS: list[tuple[int, list[int], tuple[Any, ...]]] = []


@loader("test.echo", invalidate_on=CUSTOMER)
async def echo(merchant_id: int, ids: Sequence[int], *params: Any) -> list[str]:
    LOADS.append((merchant_id, list(ids), params))
    return [f"{merchant_id}:{i}:{params}" for i in ids]


async def test_loaders_are_made_per_key_and_parameters_and_forgotten_by_customer():
    LOADS.clear()
    loaders = RequestLoaders(merchant_id=5)
    assert loaders.get("test.echo") is loaders.get("test.echo")
    assert loaders.get("test.echo", 10) is not loaders.get("test.echo", 20)
    assert await loaders.get("test.echo", 10).load(1) == "5:1:(10,)"
    await loaders.get("test.echo", 10).load(1)
    assert LOADS == [(5, [1], (10,))]  # cached within the request
    loaders.forget_customer(1)
    loaders.forget_customer(99)  # never loaded: nothing to drop
    await loaders.get("test.echo", 10).load(1)
    assert len(LOADS) == 2


@strawberry.type
class TogglePayload:
    value: str | None
    user_errors: list[UserError]


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Mutation:
    @strawberry.mutation
    @mutation(TogglePayload, ids={"customer_id": "Customer", "other_id": "Customer"}, unit_of_work=False)
    async def toggle(
        self, info: Info, write: Write, customer_id: int, refuse: bool = False, other_id: int | None = None
    ) -> TogglePayload:
        if refuse:
            raise DomainError("refused", field="refuse", code="REWARD_UNAVAILABLE")
        value = await info.context.loaders.get("test.echo").load(customer_id)
        write.changed_customer(customer_id)
        return TogglePayload(value=f"{value}/{other_id}", user_errors=[])


schema = strawberry.Schema(query=Query, mutation=Mutation)


def test_the_schema_shows_the_arguments_with_ids_and_without_the_write_handle():
    toggle = schema._schema.mutation_type.fields["toggle"]  # type: ignore[union-attr]
    assert str(toggle.type) == "TogglePayload"
    assert {name: str(arg.type) for name, arg in toggle.args.items()} == {
        "customerId": "ID!",
        "refuse": "Boolean!",
        "otherId": "ID",
    }
    # a declared id is described as the global id it is
    assert toggle.args["customerId"].description == "The customer's global id."


async def test_ids_are_decoded_refusals_become_user_errors_and_loads_are_forgotten(settings):
    context = Context(
        settings=settings, principal=Staff(merchant_id=3, shop_domain="x", user_id="1", roles=ALL_ROLES)
    )
    query = (
        "mutation ($id: ID!, $refuse: Boolean!) { toggle(customerId: $id, refuse: $refuse) {"
        " value userErrors { field message code } } }"
    )

    async def toggle(global_id: str, refuse: bool = False) -> Any:
        result = await schema.execute(
            query, variable_values={"id": global_id, "refuse": refuse}, context_value=context
        )
        assert result.errors is None, result.errors
        return result.data["toggle"]  # type: ignore[index]

    LOADS.clear()
    assert await toggle(encode_id("Customer", 7)) == {"value": "3:7:()/None", "userErrors": []}
    assert await toggle(encode_id("Customer", 7)) == {"value": "3:7:()/None", "userErrors": []}
    assert len(LOADS) == 2  # the first toggle forgot customer 7's cached load
    assert await toggle(encode_id("Reward", 7)) == {
        "value": None,
        "userErrors": [{"field": ["customerId"], "message": "customer not found", "code": "NOT_FOUND"}],
    }
    assert await toggle(encode_id("Customer", 7), refuse=True) == {
        "value": None,
        "userErrors": [{"field": ["refuse"], "message": "refused", "code": "REWARD_UNAVAILABLE"}],
    }
