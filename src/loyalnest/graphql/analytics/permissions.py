"""Who may read and configure analytics: admin:full or admin:analytics (the issue's
staff roles for every analytics field and mutation). Storefront fields (``me.nudges``,
``recordNudgeEvent``) take the signed-in customer."""

from __future__ import annotations

from loyalnest.graphql.core.permissions import _HasRole
from loyalnest.platform.tenancy import Role


class CanUseAnalytics(_HasRole):
    message = "requires role admin:full or admin:analytics"
    roles = (Role.ANALYTICS,)
