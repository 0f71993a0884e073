"""Staff mutations of the RFM concern: the configuration (audited; rescoring follows in
the background), an on-demand recompute, and a customer's RFM tracking consent."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.rfm.inputs import RfmConfigInput, to_update
from loyalnest.graphql.analytics.rfm.loaders import RFM
from loyalnest.graphql.analytics.rfm.types import RfmConfig
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation, not_found
from loyalnest.platform.errors import DomainError


@strawberry.type(description="The result of updateRfmConfig and recomputeRfm.")
class RfmConfigPayload:
    rfm_config: RfmConfig | None = strawberry.field(
        description="The configuration afterwards (recomputePending: rescoring runs in the background); "
        "null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of setRfmTracking.")
class SetRfmTrackingPayload:
    tracked: bool | None = strawberry.field(
        description="Whether the customer is now scored (false: excluded from RFM and nudges); "
        "null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _input_path(exc: DomainError) -> tuple[str, ...]:
    return () if exc.field is None else ("input",)


@strawberry.type
class RfmMutation:
    @strawberry.mutation(
        permission_classes=[CanUseAnalytics],
        description="Change the RFM configuration (admin:full or admin:analytics), validated as a whole "
        "and audited; every customer is rescored in the background. Refusals: INVALID on the input field "
        "at fault (the message names the rule), nothing changed.",
    )
    @mutation(RfmConfigPayload, error_path=_input_path)
    async def update_rfm_config(
        self,
        info: Info,
        write: Write,
        input: Annotated[RfmConfigInput, strawberry.argument(description="What to change.")],
    ) -> RfmConfigPayload:
        staff = info.context.staff
        dto = await analytics.update_rfm_config(
            write.uow, staff.merchant_id, actor=staff.actor, update=to_update(input)
        )
        return RfmConfigPayload(rfm_config=RfmConfig.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanUseAnalytics],
        description="Recompute every customer's RFM scores and the quintile boundaries now (admin:full "
        "or admin:analytics). Returns at once: rfmConfig.recomputePending is true until "
        "rfmConfig.lastRecomputedAt moves.",
    )
    @mutation(RfmConfigPayload)
    async def recompute_rfm(self, info: Info, write: Write) -> RfmConfigPayload:
        merchant_id = info.context.merchant_id
        await analytics.request_rfm_recompute(write.uow, merchant_id)
        dto = await analytics.rfm_config_in(write.uow, merchant_id)
        return RfmConfigPayload(rfm_config=RfmConfig.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=[CanUseAnalytics],
        description="Withdraw (enabled: false) or restore a customer's RFM tracking consent (admin:full "
        "or admin:analytics; audited): the customer's RFM_TRACKING consent, recorded with source STAFF "
        "(as recordCustomerConsents does). Withdrawn: the customer's score, segment history and custom "
        "segment memberships are deleted at once and they are left out of scoring and nudges. Refusals: "
        "NOT_FOUND for an id of no customer of this shop.",
    )
    @mutation(SetRfmTrackingPayload, ids={"customer_id": "Customer"})
    async def set_rfm_tracking(
        self,
        info: Info,
        write: Write,
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
        enabled: Annotated[bool, strawberry.argument(description="Whether the customer may be scored.")],
    ) -> SetRfmTrackingPayload:
        local_id = int(customer_id)
        customer = await info.context.loaders.get("customers.customer").load(local_id)
        if customer is None:
            raise not_found("Customer", "customerId")
        staff = info.context.staff
        # the customer's rfm_tracking consent, recorded by staff: analytics honours it
        # (privacy's ConsentChanged) in this transaction, so consents and scores agree
        await privacy.record_consents(
            write.uow,
            merchant_id=staff.merchant_id,
            customer_id=local_id,
            choices=[privacy.ConsentChoice(type="rfm_tracking", granted=enabled)],
            source="staff",
            actor=staff.actor,
        )
        write.changed(RFM, local_id)
        write.changed_customer(local_id)
        return SetRfmTrackingPayload(tracked=enabled, user_errors=[])


MUTATIONS = (RfmMutation,)
