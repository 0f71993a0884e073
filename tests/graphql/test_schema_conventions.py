"""The SDL is the React team's documentation, and its shapes are conventions they rely
on: every type, field, argument, input field and enum value is described; every list is
a Relay connection with both paging directions and a full PageInfo; every DomainError
code a mutation can return is a value of the UserErrorCode enum."""

from __future__ import annotations

import ast
from enum import Enum
from pathlib import Path

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    specified_scalar_types,
)

from loyalnest.graphql.schema import build_schema
from loyalnest.platform.errors import DomainError

SRC = Path(__file__).resolve().parents[2] / "src" / "loyalnest"


@pytest.fixture(scope="module")
def schema(settings) -> GraphQLSchema:
    return build_schema(settings)._schema


def _described(thing: object) -> bool:
    return bool((getattr(thing, "description", None) or "").strip())


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument, input field and enum value without a description
    (introspection types and the built-in scalars aside)."""
    missing: list[str] = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        if not _described(named):
            missing.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if not _described(field):
                    missing.append(f"{name}.{field_name}")
                missing.extend(
                    f"{name}.{field_name}({arg_name})"
                    for arg_name, arg in field.args.items()
                    if not _described(arg)
                )
        elif isinstance(named, GraphQLInputObjectType):
            missing.extend(
                f"{name}.{field_name}" for field_name, field in named.fields.items() if not _described(field)
            )
        elif isinstance(named, GraphQLEnumType):
            missing.extend(
                f"{name}.{value_name}" for value_name, value in named.values.items() if not _described(value)
            )
        elif isinstance(named, GraphQLUnionType) and not _described(named):
            missing.append(name)
    return missing


def test_everything_in_the_schema_is_described(schema):
    missing = undescribed(schema)
    assert not missing, f"{len(missing)} without a description:\n" + "\n".join(missing)


# a schema with one of each undescribed thing, for the check itself
@strawberry.enum
class BareColour(Enum):
    RED = "red"


@strawberry.input(description="in")
class BareFilter:
    colour: BareColour


@strawberry.type
class BareQuery:
    @strawberry.field(description="f")
    def paint(self, filter: BareFilter) -> BareColour:
        return BareColour.RED


def test_the_check_finds_what_is_missing():
    found = undescribed(strawberry.Schema(query=BareQuery)._schema)
    assert sorted(found) == sorted(
        ["BareQuery", "BareQuery.paint(filter)", "BareFilter.colour", "BareColour", "BareColour.RED"]
    )


def _connections(schema: GraphQLSchema) -> list[tuple[str, object]]:
    found = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in named.fields.items():
            if get_named_type(field.type).name.endswith("Connection"):
                found.append((f"{name}.{field_name}", field))
    return found


def test_every_list_is_a_connection_with_both_paging_directions(schema):
    connections = _connections(schema)
    assert {path for path, _ in connections} >= {
        "Query.customers",
        "Query.rewards",
        "Customer.transactions",
        "Customer.redemptions",
        "Me.transactions",
        "Me.rewards",
        "Me.redemptions",
    }
    for path, field in connections:
        args = {name: str(arg.type) for name, arg in field.args.items()}  # type: ignore[attr-defined]
        paging = {k: args.get(k) for k in ("first", "after", "last", "before")}
        assert paging == {"first": "Int", "after": "String", "last": "Int", "before": "String"}, path
        connection = get_named_type(field.type)  # type: ignore[attr-defined]
        assert {"edges", "nodes", "pageInfo", "totalCount"} <= set(connection.fields), path
    page_info = schema.type_map["PageInfo"]
    assert {name: str(f.type) for name, f in page_info.fields.items()} == {  # type: ignore[attr-defined]
        "hasNextPage": "Boolean!",
        "hasPreviousPage": "Boolean!",
        "startCursor": "String",
        "endCursor": "String",
    }


def test_types_with_global_ids_implement_node(schema):
    node = schema.type_map["Node"]
    implementing = sorted(t.name for t in schema.get_possible_types(node))  # type: ignore[arg-type]
    assert implementing == [
        "Campaign",
        "CustomSegment",
        "Customer",
        "Nudge",
        "PointsTransaction",
        "Redemption",
        "Referral",
        "Reward",
        "Tier",
    ]
    query = schema.query_type
    assert query is not None
    assert str(query.fields["node"].type) == "Node"
    assert {n: str(a.type) for n, a in query.fields["node"].args.items()} == {"id": "ID!"}
    # nullable like every root that can be refused, so a refusal never nulls its siblings
    assert str(query.fields["nodes"].type) == "[Node]"
    assert {n: str(a.type) for n, a in query.fields["nodes"].args.items()} == {"ids": "[ID!]!"}


def _domain_error_codes() -> dict[str, set[str]]:
    """Every DomainError code in the source: the classes' own, and each ``code="..."``
    given when one is raised. {code: where}."""
    classes: dict[str, str] = {}
    todo = [DomainError]
    while todo:
        cls = todo.pop()
        classes[cls.__name__] = cls.code
        todo.extend(cls.__subclasses__())
    found: dict[str, set[str]] = {}
    for name, code in classes.items():
        found.setdefault(code, set()).add(f"class {name}")
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if callee not in classes:
                continue
            for keyword in node.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    found.setdefault(keyword.value.value, set()).add(str(path.relative_to(SRC)))
    return found


def test_every_domain_error_code_is_a_user_error_code(schema):
    user_error = schema.type_map["UserError"]
    code_type = user_error.fields["code"].type  # type: ignore[attr-defined]
    assert isinstance(code_type, GraphQLNonNull)
    enum = code_type.of_type
    assert isinstance(enum, GraphQLEnumType)
    assert enum.name == "UserErrorCode"
    codes = _domain_error_codes()
    assert {"NOT_FOUND", "INSUFFICIENT_POINTS", "REWARD_UNAVAILABLE"} <= set(codes)  # the scan sees them
    missing = {code: where for code, where in codes.items() if code not in enum.values}
    assert not missing, f"DomainError codes missing from UserErrorCode: {missing}"
