"""Mutations of the notifications context: templates, settings and providers (admin:full,
audited by the context), the provider check and the test send (flows: they call out,
outside any transaction), and the storefront customer's own preferences."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import time
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.notifications import api as notifications
from loyalnest.graphql.core.errors import USER_ERRORS, UserError, user_error_code
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanManageProgram, IsCustomer, IsStaff
from loyalnest.graphql.notifications.types import (
    NotificationChannel,
    NotificationPreference,
    NotificationProvider,
    NotificationProviderKind,
    NotificationProviderRole,
    NotificationSettings,
    NotificationTemplate,
    NotificationTemplateError,
    NotificationTypeName,
    SmsApiStyle,
    SmtpSecurity,
    wire,
)
from loyalnest.platform.errors import DomainError, ValidationFailed
from loyalnest.platform.uow import unit_of_work

ADMIN = [IsStaff, CanManageProgram]

TYPE = "The message type."
CHANNEL = "The channel."
LOCALE = "A BCP 47 tag: one of the 22 shipped locales, or another (then only your override exists)."


@strawberry.input(description="A template of a message type, channel and locale.")
class NotificationTemplateInput:
    type: NotificationTypeName = strawberry.field(description=TYPE)  # type: ignore[valid-type]
    channel: NotificationChannel = strawberry.field(description=CHANNEL)
    locale: str = strawberry.field(description=LOCALE)
    subject: str | None = strawberry.field(default=None, description="The email subject; required for email.")
    html: str | None = strawberry.field(
        default=None, description="The email body's HTML fragment; required for email, not allowed for SMS."
    )
    text: str | None = strawberry.field(
        default=None, description="The plain-text email body, or the SMS text."
    )


@strawberry.input(description="Which template: a message type, channel and locale.")
class NotificationTemplateKeyInput:
    type: NotificationTypeName = strawberry.field(description=TYPE)  # type: ignore[valid-type]
    channel: NotificationChannel = strawberry.field(description=CHANNEL)
    locale: str = strawberry.field(description=LOCALE)


@strawberry.type(description="The result of updateNotificationTemplate and resetNotificationTemplate.")
class NotificationTemplatePayload:
    template: NotificationTemplate | None = strawberry.field(
        description="The template afterwards; null when refused."
    )
    template_errors: list[NotificationTemplateError] | None = strawberry.field(
        description="The template's problems, with line and column, when it was refused for them "
        "(each is also in userErrors, code INVALID_TEMPLATE); empty otherwise."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The channels of one message type.")
class NotificationTypeChannelsInput:
    type: NotificationTypeName = strawberry.field(description=TYPE)  # type: ignore[valid-type]
    channels: list[NotificationChannel] = strawberry.field(description="The channels it goes by; empty: off.")


@strawberry.input(description="A text in one locale.")
class NotificationLocaleTextInput:
    locale: str = strawberry.field(description="A BCP 47 tag.")
    text: str = strawberry.field(description="The text in that locale.")


@strawberry.input(description="A word in one CLDR plural category.")
class NotificationPluralFormInput:
    category: str = strawberry.field(description="zero, one, two, few, many or other.")
    word: str = strawberry.field(description="The word for counts in that category.")


@strawberry.input(description="What points are called in one locale.")
class NotificationPointsNameInput:
    locale: str = strawberry.field(description="A BCP 47 tag.")
    forms: list[NotificationPluralFormInput] = strawberry.field(
        description="The word per plural category the locale uses (other at least)."
    )


@strawberry.input(description="Changes to the notification settings: omitted fields keep their value.")
class NotificationSettingsInput:
    types: list[NotificationTypeChannelsInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Channels per message type; types not listed keep theirs."
    )
    default_locale: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The locale used when a customer's own has no template; null: the shop's language in "
        "Shopify (when templates ship in it), else en.",
    )
    staff_email: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where staff messages and test sends go; null clears it."
    )
    sender_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The name emails come from; null: the shop's name."
    )
    reply_to: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where replies go; null clears it."
    )
    logo_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="The logo's https address; null: none."
    )
    primary_color: str | None = strawberry.field(default=strawberry.UNSET, description="#RRGGBB.")
    footer: list[NotificationLocaleTextInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The footer per locale (replaces every locale's)."
    )
    points_name: list[NotificationPointsNameInput] | None = strawberry.field(
        default=strawberry.UNSET, description="What points are called per locale (replaces every locale's)."
    )
    quiet_hours_start: str | None = strawberry.field(
        default=strawberry.UNSET, description="No SMS from this time, HH:MM in shop time."
    )
    quiet_hours_end: str | None = strawberry.field(
        default=strawberry.UNSET, description="... until this time, HH:MM in shop time."
    )


@strawberry.type(description="The result of updateNotificationSettings.")
class NotificationSettingsPayload:
    notification_settings: NotificationSettings | None = strawberry.field(
        description="The settings afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of removeNotificationProvider.")
class RemoveNotificationProviderPayload:
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    # read when selected, which is after the helper committed the removal
    merchant_id: strawberry.Private[int | None]

    @strawberry.field(description="The settings afterwards; null when refused.")
    async def notification_settings(self) -> NotificationSettings | None:
        if self.merchant_id is None:
            return None
        return NotificationSettings.from_dto(await notifications.get_settings(self.merchant_id))


@strawberry.input(description="An SMTP server.")
class SmtpSettingsInput:
    host: str = strawberry.field(description="The server's host name.")
    port: int = strawberry.field(default=587, description="The server's port.")
    security: SmtpSecurity = strawberry.field(default=SmtpSecurity.STARTTLS, description="How to secure it.")
    username: str | None = strawberry.field(default=None, description="The login; null: none.")
    from_address: str = strawberry.field(description="The address emails come from.")


@strawberry.input(description="A Klaviyo account (its private API key goes in `secret`).")
class KlaviyoSettingsInput:
    base_url: str = strawberry.field(default="https://a.klaviyo.com", description="Klaviyo's API address.")


@strawberry.input(description="An HTTP SMS provider (its API key or auth token goes in `secret`).")
class SmsSettingsInput:
    style: SmsApiStyle = strawberry.field(description="Which API shape it speaks.")
    base_url: str = strawberry.field(description="The API's address.")
    account_id: str | None = strawberry.field(default=None, description="The account SID (Twilio style).")
    from_number: str | None = strawberry.field(
        default=None, description="The number or sender id texts come from."
    )


@strawberry.input(
    description="A provider for a channel: the settings object matching `kind` (and only it), and its secret."
)
class NotificationProviderInput:
    channel: NotificationChannel = strawberry.field(description="The channel it sends.")
    role: NotificationProviderRole = strawberry.field(
        description="Primary or fallback (replaces the one there)."
    )
    kind: NotificationProviderKind = strawberry.field(description="What kind of service it is.")
    smtp: SmtpSettingsInput | None = strawberry.field(default=None, description="For kind SMTP.")
    klaviyo: KlaviyoSettingsInput | None = strawberry.field(default=None, description="For kind KLAVIYO.")
    sms: SmsSettingsInput | None = strawberry.field(default=None, description="For kind SMS.")
    secret: str | None = strawberry.field(
        default=None,
        description="The SMTP password, Klaviyo private key or SMS API key/token, stored encrypted; null "
        "keeps the stored one.",
    )


@strawberry.type(description="The result of setNotificationProvider.")
class NotificationProviderPayload:
    provider: NotificationProvider | None = strawberry.field(
        description="The provider afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of testNotificationProvider.")
class TestNotificationProviderPayload:
    ok: bool | None = strawberry.field(
        description="Whether the provider accepted the credentials; null when the test was refused."
    )
    message: str | None = strawberry.field(description="What the provider said, for a person to read.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of sendTestNotification.")
class SendTestNotificationPayload:
    status: str | None = strawberry.field(description="sent or failed (as the delivery log says).")
    message: str | None = strawberry.field(description="Where it went, or why it failed.")
    delivery_id: strawberry.ID | None = strawberry.field(
        description="The delivery log's row for it (its `id` in notificationDeliveries)."
    )
    template_errors: list[NotificationTemplateError] | None = strawberry.field(
        description="The draft's problems, with line and column, when it could not be rendered."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="Subscribe to or unsubscribe from a message type on a channel.")
class NotificationPreferenceInput:
    type: NotificationTypeName = strawberry.field(description=TYPE)  # type: ignore[valid-type]
    channel: NotificationChannel = strawberry.field(description=CHANNEL)
    subscribed: bool = strawberry.field(description="False: stop sending it to you; true: send it again.")


@strawberry.type(description="The result of updateMyNotificationPreferences.")
class UpdateMyNotificationPreferencesPayload:
    preferences: list[NotificationPreference] | None = strawberry.field(
        description="Your preferences afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _template_errors(
    exc: notifications.TemplateInvalid, path: Sequence[str]
) -> tuple[list[NotificationTemplateError], list[UserError]]:
    code = user_error_code(exc.code)
    errors = [NotificationTemplateError.from_dto(e) for e in exc.errors]
    user_errors = [
        UserError(field=[*path, e.field], message=_located(e.message, e.line, e.column), code=code)
        for e in exc.errors
    ] or [UserError(field=list(path) or None, message=exc.message, code=code)]
    return errors, user_errors


def _located(message: str, line: int | None, column: int | None) -> str:
    if line is None:
        return message
    return f"line {line}" + ("" if column is None else f", column {column}") + f": {message}"


def _hh_mm(value: str, field: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValidationFailed("expected HH:MM (24-hour clock)", field=field) from None


def _given(value: Any, convert: Any = None) -> Any:
    """None keeps the stored value (the context's SettingsUpdate); a value given converted."""
    if value is strawberry.UNSET or value is None:
        return None
    return value if convert is None else convert(value)


# the optional settings a null clears (for the others, null keeps the stored value)
CLEARABLE = ("default_locale", "staff_email", "sender_name", "reply_to", "logo_url")


def _settings_update(data: NotificationSettingsInput) -> notifications.SettingsUpdate:
    enabled = None
    if data.types not in (strawberry.UNSET, None):
        # the context replaces the channels of the types named; the others keep theirs
        enabled = {
            wire(item.type): tuple(dict.fromkeys(wire(c) for c in item.channels)) for item in data.types
        }
    clear = tuple(name for name in CLEARABLE if getattr(data, name) is None)
    return notifications.SettingsUpdate(
        enabled=enabled,
        default_locale=_given(data.default_locale),
        staff_email=_given(data.staff_email),
        sender_name=_given(data.sender_name),
        reply_to=_given(data.reply_to),
        logo_url=_given(data.logo_url),
        primary_color=_given(data.primary_color),
        footer=_given(data.footer, lambda items: {i.locale: i.text for i in items}),
        points_name=_given(
            data.points_name, lambda items: {i.locale: {f.category: f.word for f in i.forms} for i in items}
        ),
        quiet_start=_given(data.quiet_hours_start, lambda v: _hh_mm(v, "quietHoursStart")),
        quiet_end=_given(data.quiet_hours_end, lambda v: _hh_mm(v, "quietHoursEnd")),
        clear=clear,
    )


def _provider_settings(data: NotificationProviderInput) -> dict[str, Any]:
    given = {"smtp": data.smtp, "klaviyo": data.klaviyo, "sms": data.sms}
    kind = wire(data.kind)
    extra = [name for name, value in given.items() if value is not None and name != kind]
    if extra:
        raise ValidationFailed(f"only `{kind}` settings go with kind {data.kind.name}", field=extra[0])
    chosen = given[kind]
    if chosen is None:
        raise ValidationFailed(f"kind {data.kind.name} needs its `{kind}` settings", field=kind)
    if isinstance(chosen, SmtpSettingsInput):
        return {
            "host": chosen.host,
            "port": chosen.port,
            "security": wire(chosen.security),
            "username": chosen.username,
            "from_address": chosen.from_address,
        }
    if isinstance(chosen, KlaviyoSettingsInput):
        return {"base_url": chosen.base_url}
    assert isinstance(chosen, SmsSettingsInput)
    return {
        "style": wire(chosen.style),
        "base_url": chosen.base_url,
        "account_id": chosen.account_id,
        "from_number": chosen.from_number,
    }


def _input_path(exc: DomainError) -> Sequence[str]:
    return ("input",)


@contextmanager
def renamed_fields(names: Mapping[str, str]) -> Iterator[None]:
    """The context names a few fields its own way (``enabled``, ``settings``): a
    refusal points at this API's input field instead."""
    try:
        yield
    except DomainError as exc:
        if exc.field is not None and exc.field in names:
            exc.field = names[exc.field]
        raise


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Save the shop's own template for a type, channel and locale (it wins over the "
        "shipped one). A template with a syntax error, an unknown variable, anything reaching outside "
        "the sandbox or over 64 KiB is refused with line and column, and nothing is saved. Audited.",
    )
    @mutation(NotificationTemplatePayload, unit_of_work=False, error_path=_input_path)
    async def update_notification_template(
        self,
        info: Info,
        write: Write,
        input: Annotated[NotificationTemplateInput, strawberry.argument(description="The template.")],
    ) -> NotificationTemplatePayload:
        staff = info.context.staff
        draft = notifications.Draft(subject=input.subject, html=input.html, text=input.text)
        try:
            async with unit_of_work() as uow:  # rolled back when the template is refused
                dto = await notifications.update_template(
                    uow,
                    merchant_id=staff.merchant_id,
                    actor=staff.actor,
                    type_name=wire(input.type),
                    channel=wire(input.channel),
                    locale=input.locale,
                    draft=draft,
                )
        except notifications.TemplateInvalid as exc:
            errors, user_errors = _template_errors(exc, ("input",))
            return NotificationTemplatePayload(template=None, template_errors=errors, user_errors=user_errors)
        return NotificationTemplatePayload(
            template=NotificationTemplate.from_dto(dto), template_errors=[], user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Drop the shop's own template for a type, channel and locale: the shipped one "
        "applies again (a locale LoyalNest does not ship then has none). Audited.",
    )
    @mutation(NotificationTemplatePayload, error_path=_input_path)
    async def reset_notification_template(
        self,
        info: Info,
        write: Write,
        input: Annotated[NotificationTemplateKeyInput, strawberry.argument(description="Which template.")],
    ) -> NotificationTemplatePayload:
        staff = info.context.staff
        dto = await notifications.reset_template(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            type_name=wire(input.type),
            channel=wire(input.channel),
            locale=input.locale,
        )
        return NotificationTemplatePayload(
            template=NotificationTemplate.from_dto(dto), template_errors=[], user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Change which messages go by which channel, the default locale, the staff email, "
        "the branding or the quiet hours. Audited.",
    )
    @mutation(NotificationSettingsPayload, error_path=_input_path)
    async def update_notification_settings(
        self,
        info: Info,
        write: Write,
        input: Annotated[NotificationSettingsInput, strawberry.argument(description="What to change.")],
    ) -> NotificationSettingsPayload:
        staff = info.context.staff
        update = _settings_update(input)
        with renamed_fields({"enabled": "types"}):
            dto = await notifications.update_settings(
                write.uow, merchant_id=staff.merchant_id, actor=staff.actor, update=update
            )
        return NotificationSettingsPayload(
            notification_settings=NotificationSettings.from_dto(dto), user_errors=[]
        )

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Configure a channel's primary or fallback provider (replacing the one there); its "
        "secret is stored encrypted and never shown again. Check it with testNotificationProvider. Audited.",
    )
    @mutation(NotificationProviderPayload, error_path=_input_path)
    async def set_notification_provider(
        self,
        info: Info,
        write: Write,
        input: Annotated[NotificationProviderInput, strawberry.argument(description="The provider.")],
    ) -> NotificationProviderPayload:
        staff = info.context.staff
        data = notifications.ProviderInput(
            channel=wire(input.channel),
            role=wire(input.role),
            kind=wire(input.kind),
            settings=_provider_settings(input),
            secret=input.secret,
        )
        with renamed_fields({"settings": wire(input.kind)}):
            dto = await notifications.set_provider(
                write.uow, merchant_id=staff.merchant_id, actor=staff.actor, data=data
            )
        return NotificationProviderPayload(provider=NotificationProvider.from_dto(dto), user_errors=[])

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Remove a channel's primary or fallback provider (and its stored secret). Audited.",
    )
    @mutation(RemoveNotificationProviderPayload)
    async def remove_notification_provider(
        self,
        info: Info,
        write: Write,
        channel: Annotated[NotificationChannel, strawberry.argument(description=CHANNEL)],
        role: Annotated[NotificationProviderRole, strawberry.argument(description="Primary or fallback.")],
    ) -> RemoveNotificationProviderPayload:
        staff = info.context.staff
        await notifications.remove_provider(
            write.uow,
            merchant_id=staff.merchant_id,
            actor=staff.actor,
            channel=wire(channel),
            role=wire(role),
        )
        return RemoveNotificationProviderPayload(merchant_id=staff.merchant_id, user_errors=[])

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Connect to a configured provider with its stored credentials (SMTP login, "
        "Klaviyo key, SMS account) and say whether they work. Sends no message.",
    )
    @mutation(TestNotificationProviderPayload, unit_of_work=False)
    async def test_notification_provider(
        self,
        info: Info,
        write: Write,
        channel: Annotated[NotificationChannel, strawberry.argument(description=CHANNEL)],
        role: Annotated[NotificationProviderRole, strawberry.argument(description="Primary or fallback.")],
    ) -> TestNotificationProviderPayload:
        result = await notifications.test_provider(
            info.context.staff.merchant_id, channel=wire(channel), role=wire(role)
        )
        return TestNotificationProviderPayload(ok=result.ok, message=result.message, user_errors=[])

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Render a draft (none given: the template that applies now for the locale) with "
        "the sample values and send it now through the shop's "
        "providers: an email to the shop's staff email (notificationSettings.staffEmail), an SMS to "
        "`to`. Logged in the delivery log (reason test).",
    )
    @mutation(SendTestNotificationPayload, unit_of_work=False)
    async def send_test_notification(
        self,
        info: Info,
        write: Write,
        type: Annotated[NotificationTypeName, strawberry.argument(description=TYPE)],  # type: ignore[valid-type]
        channel: Annotated[NotificationChannel, strawberry.argument(description=CHANNEL)],
        locale: Annotated[str, strawberry.argument(description=LOCALE)],
        text: Annotated[
            str | None, strawberry.argument(description="The plain-text body or SMS text.")
        ] = None,
        subject: Annotated[str | None, strawberry.argument(description="The email subject.")] = None,
        html: Annotated[str | None, strawberry.argument(description="The email body's HTML.")] = None,
        to: Annotated[
            str | None,
            strawberry.argument(
                description="The phone number for an SMS test (E.164). Emails always go to staffAlertsTo."
            ),
        ] = None,
    ) -> SendTestNotificationPayload:
        staff = info.context.staff
        if channel is NotificationChannel.SMS:
            if not to:
                raise ValidationFailed("an SMS test needs `to`, your phone number", field="to")
            recipient = to
        else:
            # a Shopify session token carries no email: where staff alerts go it is (the staff
            # email, else the shop's), never an address typed here (the test send must not
            # become a way to mail anyone)
            recipient = (await notifications.get_settings(staff.merchant_id)).staff_alerts_to or ""
            if not recipient:
                raise ValidationFailed(
                    "set the staff email (updateNotificationSettings) to receive test emails", field="to"
                )
        if subject is None and html is None and text is None:
            # no draft given: the template as it applies now (the shop's own or shipped)
            draft = await notifications.current_draft(
                staff.merchant_id, type_name=wire(type), channel=wire(channel), locale=locale
            )
        else:
            draft = notifications.Draft(subject=subject, html=html, text=text)
        # a draft that does not render is not sent (nor logged): its errors, as the preview says
        checked = await notifications.preview(
            staff.merchant_id,
            type_name=wire(type),
            channel=wire(channel),
            locale=locale,
            draft=draft,
            sample_overrides=None,
            customer_id=None,
        )
        if checked.errors:
            errors, user_errors = _template_errors(notifications.TemplateInvalid(list(checked.errors)), ())
            return SendTestNotificationPayload(
                status=None, message=None, delivery_id=None, template_errors=errors, user_errors=user_errors
            )
        result = await notifications.send_test(
            staff.merchant_id,
            actor=staff.actor,
            to=recipient,
            type_name=wire(type),
            channel=wire(channel),
            locale=locale,
            draft=draft,
        )
        return SendTestNotificationPayload(
            status=result.status,
            message=result.message,
            delivery_id=None
            if result.delivery_id is None
            else encode_id("NotificationDelivery", result.delivery_id),
            template_errors=[],
            user_errors=[],
        )

    @strawberry.mutation(
        permission_classes=[IsCustomer],
        description="Subscribe to or unsubscribe from message types (storefront), effective at once. "
        "Marketing messages also need your marketing consent.",
    )
    @mutation(UpdateMyNotificationPreferencesPayload)
    async def update_my_notification_preferences(
        self,
        info: Info,
        write: Write,
        changes: Annotated[
            list[NotificationPreferenceInput], strawberry.argument(description="What to change.")
        ],
    ) -> UpdateMyNotificationPreferencesPayload:
        principal = info.context.customer
        if principal.customer_id is None:
            raise DomainError(
                "the shop has not told us about you yet; try again after your account is set up",
                code="NOT_ENROLLED",
            )
        found = await notifications.set_preferences(
            write.uow,
            merchant_id=principal.merchant_id,
            customer_id=principal.customer_id,
            changes=[
                notifications.PreferenceChange(
                    type=wire(c.type), channel=wire(c.channel), subscribed=c.subscribed
                )
                for c in changes
            ],
        )
        return UpdateMyNotificationPreferencesPayload(
            preferences=[NotificationPreference.from_dto(dto) for dto in found], user_errors=[]
        )


MUTATIONS = (NotificationsMutation,)
