"""Who may see the schema: introspection, and the "Did you mean ...?" suggestions in
errors (which spell out field, argument and enum names just as well).

``LOYALNEST_INTROSPECTION`` (settings.introspection):
- ``staff`` (default): staff with a valid session token on /graphql (GraphiQL, codegen);
  nobody else, so never through /proxy/graphql, whose callers are storefront customers;
- ``open``: everyone, on both endpoints;
- ``off``: nobody.

Suggestions follow the same answer, but never for a caller who is not staff, even when
introspection is open: an anonymous probe learns nothing from a typo."""

from __future__ import annotations

from typing import Any

from loyalnest.platform.tenancy import Staff

STAFF = "staff"
OPEN = "open"
OFF = "off"


def may_introspect(mode: str, principal: Any) -> bool:
    return mode == OPEN or (mode == STAFF and isinstance(principal, Staff))


def shows_suggestions(mode: str, principal: Any) -> bool:
    return isinstance(principal, Staff) and may_introspect(mode, principal)


def principal_of(context: Any) -> Any:
    """The request's principal (None without a context, e.g. a schema executed directly)."""
    return getattr(context, "principal", None)
