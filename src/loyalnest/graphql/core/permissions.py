"""Who may touch which field. Checked by Strawberry before any resolver runs.

One instance of each permission class serves every request, so a check never keeps
per-request state on ``self``: a refusal that needs a request-specific message raises
it directly."""

from __future__ import annotations

from typing import Any

from graphql import OperationType
from starlette.websockets import WebSocket
from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.graphql.core.errors import PublicError
from loyalnest.platform.tenancy import Customer, Role, Staff


def _principal(info: Info) -> Any:
    return info.context.principal


def _refuse_operations_over_websocket(info: Info) -> None:
    """The WebSocket's credential is checked once, at connection_init, and a Shopify
    session token lives a minute: queries and mutations go over HTTP, where every
    request brings a fresh one. The socket carries subscriptions only."""
    if isinstance(info.context.request, WebSocket) and info.operation.operation != OperationType.SUBSCRIPTION:
        raise PublicError(
            "the WebSocket carries subscriptions only; send queries and mutations over HTTP",
            code="BAD_REQUEST",
        )


def _refuse_with_reason(info: Info) -> None:
    # say why this request's credential was refused (expired, wrong audience, unknown shop...)
    if info.context.principal is None and info.context.auth_error:
        raise PublicError(info.context.auth_error, code="UNAUTHENTICATED")


class IsStaff(BasePermission):
    message = "staff session token required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _refuse_operations_over_websocket(info)
        if isinstance(_principal(info), Staff):
            return True
        _refuse_with_reason(info)
        return False


class IsCustomer(BasePermission):
    message = "storefront customer session required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _refuse_operations_over_websocket(info)
        if isinstance(_principal(info), Customer):
            return True
        _refuse_with_reason(info)
        return False


class _HasRole(BasePermission):
    roles: tuple[Role, ...] = ()
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = _principal(info)
        return isinstance(principal, Staff) and principal.has_any(*self.roles)


class CanManageProgram(_HasRole):
    message = "requires role admin:full"
    roles = (Role.FULL,)


class CanAdjustPoints(_HasRole):
    message = "requires role admin:full or admin:points"
    roles = (Role.POINTS,)


class CanSeeCustomerPii(_HasRole):
    """Contact details are for people who serve customers, not for analysts."""

    message = "requires role admin:full, admin:points or admin:support"
    roles = (Role.POINTS, Role.SUPPORT)


class CanReadLedgerNotes(BasePermission):
    """The free text of a ledger row (``reason``, ``actor``): staff notes that name people
    and circumstances, so staff need the role that reads contact details. A storefront
    customer reads the notes of their own ledger (the only one ``me`` reaches)."""

    message = CanSeeCustomerPii.message
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = _principal(info)
        if isinstance(principal, Customer):
            return True
        return isinstance(principal, Staff) and principal.has_any(*CanSeeCustomerPii.roles)


def may_see_customer_pii(info: Info) -> bool:
    """Whether the request's principal holds a role that may read customers' PII (and so
    may also search by it: a match confirms the value as surely as reading it)."""
    principal = _principal(info)
    return isinstance(principal, Staff) and principal.has_any(*CanSeeCustomerPii.roles)
