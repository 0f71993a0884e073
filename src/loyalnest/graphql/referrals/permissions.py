"""Who may touch the referral program.

Staff: admin:full configures the program and decides held referrals; admin:support and
admin:points read referrals (they answer customers' "where is my reward?");
admin:analytics reads the program's analytics. The program's settings are readable by
every staff role, as the reward catalog and the tier ladder are.

Storefront: a signed-in customer reads their own referral and sends invites; a visitor
who is not signed in (the anonymous storefront visitor of ``http.auth``) may only claim
a friend's code (``claimReferral``)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.graphql.core.permissions import IsCustomer, IsStaff, _HasRole
from loyalnest.platform.tenancy import Customer, Role


class CanReadReferrals(_HasRole):
    """Referrals name customers and show masked friend emails: people who serve
    customers read them, not analysts."""

    message = "requires role admin:full, admin:points or admin:support"
    roles = (Role.POINTS, Role.SUPPORT)


class CanReadReferralAnalytics(_HasRole):
    message = "requires role admin:full or admin:analytics"
    roles = (Role.ANALYTICS,)


class CanClaimReferral(BasePermission):
    """A storefront request from the app proxy: a signed-in customer, or a visitor who is
    not signed in (the friend usually has no account yet). Nothing else accepts the
    anonymous visitor."""

    message = "a storefront request through the app proxy is required"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if isinstance(info.context.principal, Customer):
            return IsCustomer().has_permission(source, info, **kwargs)
        if info.context.visitor is not None:
            return True
        # staff, or no credential: say why a credential was refused, if one was sent
        IsStaff().has_permission(source, info, **kwargs)
        return False


# the roots that read referrals, and ``node`` for a Referral id
REFERRAL_READ: list[type[BasePermission]] = [IsStaff, CanReadReferrals]
