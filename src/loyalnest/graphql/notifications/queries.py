"""Staff queries of the notifications context: the message types, the templates, the
settings, the delivery log, and the live preview the template editor calls on every
keystroke (a query: it renders, it changes nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import strawberry
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import api as notifications
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, First, Last, page_request
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.notifications.types import (
    NotificationChannel,
    NotificationDeliveryConnection,
    NotificationDeliveryStatus,
    NotificationPreview,
    NotificationSettings,
    NotificationTemplate,
    NotificationType,
    NotificationTypeName,
    delivery_connection,
    wire,
)
from loyalnest.platform.errors import DomainError
from loyalnest.platform.tenancy import Role, Staff

# configuration (templates, settings, providers) is the program's: admin:full
CONFIG_READ: list[type[BasePermission]] = [IsStaff, CanManageProgram]


class CanReadDeliveries(BasePermission):
    """The log names customers and (masked) addresses: for staff who serve customers
    ("did she get her code?") and admins, not for analysts."""

    message = "requires role admin:full or admin:support"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return isinstance(principal, Staff) and principal.has_any(Role.SUPPORT)


TYPE_ARGUMENT = strawberry.argument(description="The message type.")
CHANNEL_ARGUMENT = strawberry.argument(description="The channel.")
LOCALE_ARGUMENT = strawberry.argument(description="A BCP 47 tag (one of the 22 shipped locales, or another).")
SUBJECT_ARGUMENT = strawberry.argument(description="The email subject's template; null for SMS.")
HTML_ARGUMENT = strawberry.argument(description="The email body's HTML template; null for SMS.")
TEXT_ARGUMENT = strawberry.argument(description="The plain-text email body's template, or the SMS text's.")


@strawberry.input(description="Which deliveries to list; every field narrows the list.")
class NotificationDeliveryFilter:
    status: NotificationDeliveryStatus | None = strawberry.field(
        default=None, description="Only this status."
    )
    type: NotificationTypeName | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only this message type."
    )
    channel: NotificationChannel | None = strawberry.field(default=None, description="Only this channel.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's (their global id)."
    )


@contextmanager
def refusals_as_errors() -> Iterator[None]:
    """A query has no userErrors: a DomainError of the context (an unknown locale, a
    channel the type has not) is the field's error, with its code, rather than masked."""
    try:
        yield
    except DomainError as exc:
        raise PublicError(exc.message, code=exc.code) from exc


def _draft(subject: str | None, html: str | None, text: str | None) -> notifications.Draft:
    return notifications.Draft(subject=subject, html=html, text=text)


async def preview_customer(info: Info, customer_id: strawberry.ID | None) -> int | None:
    """The local id of the customer whose real values the preview uses, after the role
    check; another shop's customer is not found (tenancy), like a malformed id."""
    if customer_id is None:
        return None
    staff = info.context.staff
    if not staff.has_any(Role.SUPPORT):
        raise PublicError(
            "previewing with a customer's values requires role admin:full or admin:support", code="FORBIDDEN"
        )
    local_id = decode_id(customer_id, "Customer")
    if local_id is None or await customers.get_customer(staff.merchant_id, local_id) is None:
        raise PublicError("customer not found", code="NOT_FOUND")
    return local_id


@strawberry.type
class NotificationsQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="Every message LoyalNest can send (registry order), with its channels and the "
        "variables its templates may use, each with a sample. Any staff role.",
    )
    def notification_types(self) -> list[NotificationType] | None:
        return [NotificationType.from_registry(t) for t in notifications.message_types()]

    @strawberry.field(
        permission_classes=CONFIG_READ,
        description="A message type's templates on a channel: one per shipped locale (the shop's "
        "override or the default), plus the shop's overrides in other locales. admin:full.",
    )
    async def notification_templates(
        self,
        info: Info,
        type: Annotated[NotificationTypeName, TYPE_ARGUMENT],  # type: ignore[valid-type]
        channel: Annotated[NotificationChannel, CHANNEL_ARGUMENT],
    ) -> list[NotificationTemplate] | None:
        with refusals_as_errors():
            slots = await notifications.list_templates(info.context.merchant_id, wire(type), wire(channel))
        return [NotificationTemplate.from_dto(dto) for dto in slots]

    @strawberry.field(
        permission_classes=CONFIG_READ,
        description="Which messages the shop sends by which channel, its branding, quiet hours and "
        "providers (secrets never shown). admin:full.",
    )
    async def notification_settings(self, info: Info) -> NotificationSettings | None:
        return NotificationSettings.from_dto(await notifications.get_settings(info.context.merchant_id))

    @strawberry.field(
        permission_classes=[IsStaff, CanReadDeliveries],
        description="The delivery log, newest first, with counts by status. Pages forwards only "
        "(`first`/`after`; `last`/`before` are refused). admin:full or admin:support.",
    )
    async def notification_deliveries(
        self,
        info: Info,
        filter: Annotated[
            NotificationDeliveryFilter | None, strawberry.argument(description="Which deliveries; null: all.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> NotificationDeliveryConnection | None:
        request = page_request(first, after, last, before)
        if request.backward or request.before_id is not None:
            # a log read newest first, paged by its id: the dashboard only ever reads on
            raise PublicError(
                "notificationDeliveries pages forwards only: use first/after", code="BAD_USER_INPUT"
            )
        chosen = filter or NotificationDeliveryFilter()
        customer_id: int | None = None
        if chosen.customer_id is not None:
            customer_id = decode_id(chosen.customer_id, "Customer")
            if customer_id is None:
                raise PublicError("filter.customerId is not a customer id", code="BAD_USER_INPUT")
        merchant_id = info.context.merchant_id
        type_name = None if chosen.type is None else wire(chosen.type)
        channel = None if chosen.channel is None else wire(chosen.channel)
        status = None if chosen.status is None else wire(chosen.status)
        page = await notifications.list_deliveries(
            merchant_id,
            status=status,
            type_name=type_name,
            channel=channel,
            customer_id=customer_id,
            first=request.size,
            after=request.after_id,
        )
        counted: dict[str, int] | None = None

        async def counts() -> dict[str, int]:
            # totalCount and countsByStatus share one count
            nonlocal counted
            if counted is None:
                counted = await notifications.count_deliveries(
                    merchant_id, type_name=type_name, channel=channel, customer_id=customer_id
                )
            return counted

        async def total() -> int:
            found = await counts()
            return found.get(status, 0) if status is not None else sum(found.values())

        return delivery_connection(page, after=request.after_id, count=total, counts=counts)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="Render a draft as its recipient would get it, with the type's sample values "
        "(`sampleOverrides` replaces some) or a real customer's (`customerId`: admin:full or "
        "admin:support). Template problems come back in `errors` with line and column, never as a "
        "GraphQL error; fast enough to call on every keystroke. Saves nothing.",
    )
    async def preview_notification(
        self,
        info: Info,
        type: Annotated[NotificationTypeName, TYPE_ARGUMENT],  # type: ignore[valid-type]
        channel: Annotated[NotificationChannel, CHANNEL_ARGUMENT],
        locale: Annotated[str, LOCALE_ARGUMENT],
        text: Annotated[str | None, TEXT_ARGUMENT] = None,
        subject: Annotated[str | None, SUBJECT_ARGUMENT] = None,
        html: Annotated[str | None, HTML_ARGUMENT] = None,
        sample_overrides: Annotated[
            JSON | None,
            strawberry.argument(
                description='Values replacing samples: {"points": 40, "value": "5.00 EUR", '
                '"expires_on": "2027-01-31", "perks": ["Free shipping"]}. Unknown names and values '
                "of the wrong type come back in `errors`."
            ),
        ] = None,
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Use this customer's real values (global id; admin:full or admin:support)."
            ),
        ] = None,
    ) -> NotificationPreview | None:
        local_customer = await preview_customer(info, customer_id)
        with refusals_as_errors():
            dto = await notifications.preview(
                info.context.merchant_id,
                type_name=wire(type),
                channel=wire(channel),
                locale=locale,
                draft=_draft(subject, html, text),
                sample_overrides=sample_overrides,
                customer_id=local_customer,
            )
        return NotificationPreview.from_dto(dto)


QUERIES = (NotificationsQuery,)
