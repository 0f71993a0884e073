"""Who may redeem, and who may read a discount code.

One mutation serves both principals (see ``redeemReward``), and one ``Redemption`` type
is read by staff and by the customer who owns it, so these checks look at both."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff
from loyalnest.platform.tenancy import Customer, Role, Staff

# staff who serve customers may redeem for them and read their codes (not analysts)
SERVING_ROLES = (Role.POINTS, Role.SUPPORT)


class CanRedeem(BasePermission):
    """A storefront customer (for themself) or staff with admin:full, admin:points or
    admin:support (for a customer)."""

    message = "staff session token or storefront customer session required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        if isinstance(principal, Customer):
            return IsCustomer().has_permission(source, info, **kwargs)
        if isinstance(principal, Staff):
            if not IsStaff().has_permission(source, info, **kwargs):
                return False
            if not principal.has_any(*SERVING_ROLES):
                raise PublicError("requires role admin:full, admin:points or admin:support", code="FORBIDDEN")
            return True
        # no principal: say why the credential was refused, if one was sent
        IsStaff().has_permission(source, info, **kwargs)
        return False


class CanSeeRedemptionCode(BasePermission):
    """A discount code is PII: its owner sees it, and staff who serve customers."""

    message = "requires the customer who owns the code, or role admin:full, admin:points or admin:support"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        if isinstance(principal, Customer):
            return principal.customer_id is not None and principal.customer_id == source.customer_local_id
        return isinstance(principal, Staff) and principal.has_any(*SERVING_ROLES)
