"""Who may read a campaign's results: staff who configure (admin:full) and analysts
(admin:analytics). Everyone on staff may read the campaigns themselves."""

from __future__ import annotations

from loyalnest.graphql.core.permissions import _HasRole
from loyalnest.platform.tenancy import Role


class CanReadCampaignResults(_HasRole):
    message = "requires role admin:full or admin:analytics"
    roles = (Role.ANALYTICS,)
