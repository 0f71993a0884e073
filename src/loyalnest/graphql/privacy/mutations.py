"""Privacy mutations: staff send a stuck request back to work and set the retention
limits (admin:full, audited); the storefront customer asks for a copy of their data or
its erasure, each confirmed by an emailed link before it runs. Consents' mutations are
in ``consent_mutations``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanManageProgram, IsCustomer, IsStaff
from loyalnest.graphql.privacy.consent_mutations import ConsentsMutation
from loyalnest.graphql.privacy.types import MyPrivacyRequest, PrivacyRequest, RetentionSettings, field_name
from loyalnest.platform.errors import DomainError


@strawberry.type(description="The result of processPrivacyRequest.")
class ProcessPrivacyRequestPayload:
    privacy_request: PrivacyRequest | None = strawberry.field(description="The request, sent back to work.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="Retention limits to change (days); a limit left out keeps its value.")
class RetentionSettingsInput:
    inbox_days: int | None = strawberry.field(default=None, description="Handled webhook rows (7-90).")
    delivery_log_days: int | None = strawberry.field(
        default=None, description="Finished notification deliveries (30-730)."
    )
    export_days: int | None = strawberry.field(
        default=None, description="Data request archives (1-30); applies to archives made from now on."
    )
    artefact_days: int | None = strawberry.field(
        default=None,
        description="A completed request's artefacts (30-365); applies to requests completed from now on.",
    )
    audit_days: int | None = strawberry.field(default=None, description="Audit entries (180-2555).")


@strawberry.type(description="The result of updateRetentionSettings.")
class UpdateRetentionSettingsPayload:
    retention_settings: RetentionSettings | None = strawberry.field(
        description="Every limit after the change."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of requestMyData.")
class RequestMyDataPayload:
    request: MyPrivacyRequest | None = strawberry.field(
        description="Your request: UNCONFIRMED until you follow the link "
        "we emailed you (asking again returns "
        "the request already open)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of requestErasure.")
class RequestErasurePayload:
    request: MyPrivacyRequest | None = strawberry.field(
        description="Your request: UNCONFIRMED until you follow the link "
        "we emailed you (asking again returns "
        "the request already open)."
    )
    points_forfeited: int | None = strawberry.field(
        description="The points you hold now, which are lost when the erasure runs."
    )
    warning: str | None = strawberry.field(
        description="What the erasure does, in English, to show before you confirm."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Send a stuck privacy request back to work now "
        "(admin:full; audited): one that failed, or "
        "has been processing for 5 minutes without finishing. Refusals: NOT_FOUND, NOT_RETRYABLE (done, "
        "expired, or waiting for its customer's confirmation), IN_PROGRESS.",
    )
    @mutation(ProcessPrivacyRequestPayload, ids={"id": "PrivacyRequest"})
    async def process_privacy_request(
        self,
        info: Info,
        write: Write,
        id: Annotated[strawberry.ID, strawberry.argument(description="The request's global id.")],
    ) -> ProcessPrivacyRequestPayload:
        staff = info.context.staff
        request = await privacy.process_again(
            write.uow, merchant_id=staff.merchant_id, request_id=int(id), actor=staff.actor
        )
        return ProcessPrivacyRequestPayload(
            privacy_request=PrivacyRequest.from_dto(privacy.describe(request)), user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change the shop's retention limits (admin:full; "
        "audited with the values before and after). "
        "A value outside its bounds refuses the whole change (INVALID on its field).",
    )
    @mutation(UpdateRetentionSettingsPayload, error_path=lambda exc: ("input",))
    async def update_retention_settings(
        self,
        info: Info,
        write: Write,
        input: Annotated[RetentionSettingsInput, strawberry.argument(description="The limits to change.")],
    ) -> UpdateRetentionSettingsPayload:
        staff = info.context.staff
        changes = {
            name: value
            for name, value in (
                ("inbox_days", input.inbox_days),
                ("delivery_log_days", input.delivery_log_days),
                ("export_days", input.export_days),
                ("artefact_days", input.artefact_days),
                ("audit_days", input.audit_days),
            )
            if value is not None
        }
        try:
            values = await privacy.update_retention(
                write.uow, merchant_id=staff.merchant_id, changes=changes, actor=staff.actor
            )
        except DomainError as exc:
            if exc.field:
                exc.field = field_name(exc.field)
            raise
        return UpdateRetentionSettingsPayload(
            retention_settings=RetentionSettings.from_values(values), user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Storefront: ask for a copy of everything the loyalty "
        "program holds about you. We email you "
        "a link to confirm (nothing happens until you do); when the copy is ready, we email you a download "
        "link. Refusals: NOT_ENROLLED (nothing is held about you), NO_EMAIL.",
    )
    @mutation(RequestMyDataPayload)
    async def request_my_data(self, info: Info, write: Write) -> RequestMyDataPayload:
        principal = info.context.customer
        request, _ = await privacy.request_by_customer(
            write.uow,
            merchant_id=principal.merchant_id,
            shop_domain=principal.shop_domain,
            customer_id=principal.customer_id,
            shopify_customer_id=principal.shopify_customer_id,
            type="data_request",
        )
        return RequestMyDataPayload(
            request=MyPrivacyRequest.from_dto(privacy.describe(request)), user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Storefront: ask for the erasure of your personal data. Your loyalty account closes and "
        "your points are lost (`pointsForfeited`); it cannot be undone. We email you a link to confirm "
        "(nothing happens until you do). Refusals: NOT_ENROLLED, NO_EMAIL.",
    )
    @mutation(RequestErasurePayload)
    async def request_erasure(self, info: Info, write: Write) -> RequestErasurePayload:
        principal = info.context.customer
        request, forfeited = await privacy.request_by_customer(
            write.uow,
            merchant_id=principal.merchant_id,
            shop_domain=principal.shop_domain,
            customer_id=principal.customer_id,
            shopify_customer_id=principal.shopify_customer_id,
            type="customer_redact",
        )
        return RequestErasurePayload(
            request=MyPrivacyRequest.from_dto(privacy.describe(request)),
            points_forfeited=forfeited,
            warning=f"Erasing your data closes your loyalty account: your {forfeited:,} points and any "
            "points still pending are lost, your unused reward codes and your referral link stop "
            "working, and this cannot be undone.",
            user_errors=[],
        )


MUTATIONS = (PrivacyMutation, ConsentsMutation)
