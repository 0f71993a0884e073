"""The staff ``Customer`` and storefront ``Me`` types, composed from the fields every
context contributes in its ``customer_fields.py`` (CONTEXTS order; the customers
context's profile first, then points, rewards, earning...), and the transport's own
session field last in ``Me``.

Other modules refer to the composed types through this module. To the type checker a
``Customer`` is its profile and a ``Me`` its identity: the classes every value of them is
built from (``Customer.from_dto``, ``Me(...)``), the composed classes being subclasses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loyalnest.graphql.core.composition import compose, declared
from loyalnest.graphql.core.session import MeSession
from loyalnest.graphql.customers.customer_fields import CustomerProfile, MeIdentity

if TYPE_CHECKING:
    Customer = CustomerProfile
    Me = MeIdentity
else:
    Customer = compose(
        "Customer",
        declared("customer_fields", "CUSTOMER_FIELDS"),
        description="A shop's customer and their loyalty standing.",
    )
    Me = compose(
        "Me",
        [*declared("customer_fields", "ME_FIELDS"), MeSession],
        description="The signed-in storefront customer's loyalty account.",
    )
