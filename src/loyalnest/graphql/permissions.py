"""Who may touch which field. Checked by Strawberry before any resolver runs."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.platform.tenancy import Customer, Role, Staff


def _principal(info: Info) -> Any:
    return info.context.principal


class IsStaff(BasePermission):
    message = "staff session token required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if isinstance(_principal(info), Staff):
            return True
        # say why the credential was refused (expired, wrong audience, unknown shop...)
        self.message = info.context.auth_error or self.message
        return False


class IsCustomer(BasePermission):
    message = "storefront customer session required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if isinstance(_principal(info), Customer):
            return True
        self.message = info.context.auth_error or self.message
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
