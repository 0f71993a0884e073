"""Who may touch privacy requests: they name customers and hand out their data, so
people who serve customers read them (admin:full, admin:support); admin:full sends a
stuck one back to work and sets the retention limits. Every staff role reads the limits."""

from __future__ import annotations

from loyalnest.graphql.core.permissions import IsStaff, _HasRole
from loyalnest.platform.tenancy import Role


class CanReadPrivacyRequests(_HasRole):
    message = "requires role admin:full or admin:support"
    roles = (Role.SUPPORT,)


PRIVACY_READ = [IsStaff, CanReadPrivacyRequests]
