"""Errors shown to API clients. Anything else is masked as "Unexpected error."."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError


class PublicError(GraphQLError):
    """A top-level GraphQL error whose message is meant for the client."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, extensions={"code": code})


# built from a DomainError by the mutation helper (core/mutations.py)
@strawberry.type(description="A problem with the input of a mutation; nothing was changed.")
class UserError:
    field: list[str] | None
    message: str
    code: str


def should_mask_error(error: GraphQLError) -> bool:
    original = error.original_error
    # validation, permission and PublicError errors are for the client; the rest is masked
    return not (original is None or isinstance(original, GraphQLError))
