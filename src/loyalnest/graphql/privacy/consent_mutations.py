"""Mutations of consents: the customer's own choices (storefront) and a choice staff
record on the customer's behalf. Both are audited (one entry per change) and honoured
at once, in the same transaction, by every context concerned."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation, not_found
from loyalnest.graphql.core.permissions import IsCustomer
from loyalnest.graphql.privacy.consent_permissions import CanHandleConsents
from loyalnest.graphql.privacy.consent_types import Consent, ConsentInput, to_choices
from loyalnest.platform.errors import DomainError

CHANGES = strawberry.argument(
    description="The consents to grant or revoke (each type at most once); one equal to the current state "
    "changes nothing and adds nothing to the history."
)


@strawberry.type(description="The result of updateMyConsents.")
class UpdateMyConsentsPayload:
    consents: list[Consent] | None = strawberry.field(
        description="Your consents afterwards, one per ConsentType; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of recordCustomerConsents.")
class RecordCustomerConsentsPayload:
    consents: list[Consent] | None = strawberry.field(
        description="The customer's consents afterwards, one per ConsentType; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _changes_path(exc: DomainError) -> tuple[str, ...]:
    # the consents' refusals name a field of an item of ``changes``; others (customerId) stand alone
    return ("changes",) if exc.field == "type" else ()


@strawberry.type
class ConsentsMutation:
    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Grant or revoke your consents (storefront), effective at once: marketing messages, "
        "RFM scoring, nudges and referral invites follow them. Refusals: NOT_ENROLLED until the shop has "
        "told us about you; DUPLICATE for a type given twice.",
    )
    @mutation(UpdateMyConsentsPayload, error_path=_changes_path)
    async def update_my_consents(
        self, info: Info, write: Write, changes: Annotated[list[ConsentInput], CHANGES]
    ) -> UpdateMyConsentsPayload:
        principal = info.context.customer
        if principal.customer_id is None:
            raise DomainError(
                "the shop has not told us about you yet; try again after your account is set up",
                code="NOT_ENROLLED",
            )
        found = await privacy.record_consents(
            write.uow,
            merchant_id=principal.merchant_id,
            customer_id=principal.customer_id,
            choices=to_choices(changes),
            source="storefront",
            actor=f"customer:{principal.customer_id}",
        )
        write.changed_customer(principal.customer_id)
        return UpdateMyConsentsPayload(consents=[Consent.from_dto(dto) for dto in found], user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanHandleConsents],
        description="Record consents a customer granted or revoked through the shop's staff (source STAFF; "
        "admin:full, admin:points or admin:support; audited), effective at once. Refusals: NOT_FOUND for "
        "an id of no customer of this shop; DUPLICATE for a type given twice.",
    )
    @mutation(RecordCustomerConsentsPayload, ids={"customer_id": "Customer"}, error_path=_changes_path)
    async def record_customer_consents(
        self,
        info: Info,
        write: Write,
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
        changes: Annotated[list[ConsentInput], CHANGES],
    ) -> RecordCustomerConsentsPayload:
        local_id = int(customer_id)
        customer = await info.context.loaders.get("customers.customer").load(local_id)
        if customer is None:
            raise not_found("Customer", "customerId")
        staff = info.context.staff
        found = await privacy.record_consents(
            write.uow,
            merchant_id=staff.merchant_id,
            customer_id=local_id,
            choices=to_choices(changes),
            source="staff",
            actor=staff.actor,
        )
        write.changed_customer(local_id)
        return RecordCustomerConsentsPayload(
            consents=[Consent.from_dto(dto) for dto in found], user_errors=[]
        )
