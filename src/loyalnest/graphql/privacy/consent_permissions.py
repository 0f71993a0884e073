"""Who may touch consents.

Staff: the people who serve customers (admin:full, admin:points, admin:support) read a
customer's consents and their history, and record a choice the customer made with them
(on the phone, by email); analysts do not (a consent is about a person, as their
contact details are). Storefront: a signed-in customer reads and changes their own."""

from __future__ import annotations

from loyalnest.graphql.core.permissions import _HasRole
from loyalnest.platform.tenancy import Role


class CanHandleConsents(_HasRole):
    message = "requires role admin:full, admin:points or admin:support"
    roles = (Role.POINTS, Role.SUPPORT)
