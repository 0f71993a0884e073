"""GraphQL types of the notifications context, built from its DTOs and its registry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.types import Info

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.notifications import locales, registry
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.pagination import Connection, Count, connection

if TYPE_CHECKING:
    from loyalnest.graphql.customers.types import Customer


def wire(member: Enum) -> str:
    """An enum member's value as the context spells it ("points_earned", "email")."""
    return str(member.value)


def _enum_name(value: str) -> str:
    return value.upper().replace("-", "_")


# One value per registry entry: a type added to the registry appears here (and in the
# SDL, which is the point: the React team sees it), described by the registry itself.
_TYPE_NAMES = cast(
    type[Enum],
    Enum(  # type: ignore[misc]
        "NotificationTypeName",
        {
            _enum_name(t.name): strawberry.enum_value(t.name, description=t.description)
            for t in registry.TYPES.values()
        },
    ),
)
NotificationTypeName = strawberry.enum(
    _TYPE_NAMES,
    name="NotificationTypeName",
    description="A message LoyalNest sends (the registry's types; `notificationTypes` tells more).",
)


@strawberry.enum(description="How a message reaches its recipient.")
class NotificationChannel(Enum):
    EMAIL = strawberry.enum_value("email", description="Email (SMTP, or a Klaviyo event for its flows).")
    SMS = strawberry.enum_value("sms", description="A text message, through an HTTP SMS API.")


@strawberry.enum(description="Who receives a message.")
class NotificationAudience(Enum):
    CUSTOMER = strawberry.enum_value("customer", description="The shop's customer.")
    MERCHANT = strawberry.enum_value("merchant", description="The shop's staff (the staff email).")


@strawberry.enum(description="Whether a message needs the customer's marketing consent.")
class NotificationCategory(Enum):
    TRANSACTIONAL = strawberry.enum_value(
        "transactional", description="About the customer's own account (codes, expiring points): always sent."
    )
    MARKETING = strawberry.enum_value(
        "marketing",
        description="A greeting or a nudge: sent only with the customer's marketing consent for the "
        "channel (NEWSLETTER for email, SMS_MARKETING for SMS).",
    )


@strawberry.enum(description="What a template variable holds, and so which filters suit it.")
class NotificationVariableType(Enum):
    STRING = strawberry.enum_value("string", description="Text: `{{ name }}`.")
    INT = strawberry.enum_value("int", description="A whole number: `{{ n|number }}`, `{{ n|points }}`.")
    MONEY = strawberry.enum_value("money", description="An amount with its currency: `{{ v|money }}`.")
    DATE = strawberry.enum_value("date", description="A day: `{{ d|date }}`.")
    DATETIME = strawberry.enum_value(
        "datetime", description="An instant, shown in the shop's timezone: `{{ t|datetime }}`."
    )
    URL = strawberry.enum_value("url", description="A web address (for links).")
    STRING_LIST = strawberry.enum_value(
        "string_list", description="A short list of texts (at most 20), the only thing a `for` may loop over."
    )


@strawberry.enum(description="Where the template used for a locale comes from.")
class NotificationTemplateSource(Enum):
    DEFAULT = strawberry.enum_value("default", description="LoyalNest's shipped template.")
    OVERRIDE = strawberry.enum_value(
        "override", description="The shop's own (resetNotificationTemplate drops it)."
    )


@strawberry.enum(description="Where a message stands in the delivery log.")
class NotificationDeliveryStatus(Enum):
    QUEUED = strawberry.enum_value(
        "queued", description="Waiting for the worker (or being sent by it right now)."
    )
    HELD = strawberry.enum_value("held", description="Held until the shop's quiet hours end (SMS).")
    SENT = strawberry.enum_value("sent", description="The provider accepted it.")
    FAILED = strawberry.enum_value(
        "failed", description="Every provider refused it, after retries (see `reason`)."
    )
    SKIPPED = strawberry.enum_value(
        "skipped", description="Not sent, on purpose (see `reason`: no_recipient, unsubscribed...)."
    )


@strawberry.enum(description="The kind of service a provider is.")
class NotificationProviderKind(Enum):
    SMTP = strawberry.enum_value("smtp", description="Any SMTP server (STARTTLS, TLS or plain).")
    KLAVIYO = strawberry.enum_value(
        "klaviyo", description="The shop's Klaviyo account, which receives events for its own flows."
    )
    SMS = strawberry.enum_value("sms", description="An HTTP SMS API (Twilio-style or Postscript-style).")


@strawberry.enum(description="Which provider of a channel a message tries first.")
class NotificationProviderRole(Enum):
    PRIMARY = strawberry.enum_value("primary", description="Tried first.")
    FALLBACK = strawberry.enum_value("fallback", description="Used when the primary fails after its retries.")


@strawberry.enum(description="How an SMTP connection is secured.")
class SmtpSecurity(Enum):
    STARTTLS = strawberry.enum_value(
        "starttls", description="Plain connection upgraded with STARTTLS (port 587)."
    )
    TLS = strawberry.enum_value("tls", description="TLS from the first byte (port 465).")
    NONE = strawberry.enum_value("none", description="No encryption (local relays and development only).")


@strawberry.enum(description="The request shape of an HTTP SMS provider.")
class SmsApiStyle(Enum):
    TWILIO = strawberry.enum_value(
        "twilio", description="Twilio's Messages API (account SID and auth token)."
    )
    POSTSCRIPT = strawberry.enum_value("postscript", description="Postscript's API (a bearer key).")


def sample_text(value: Any) -> str:
    """A registry sample as the dashboard shows it (and as `sampleOverrides` takes it)."""
    if isinstance(value, registry.Money):
        return f"{value.amount} {value.currency}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@strawberry.type(description="A variable a message's templates may use.")
class NotificationVariable:
    name: str = strawberry.field(description="Its name in templates: `{{ points }}`.")
    type: NotificationVariableType = strawberry.field(description="What it holds.")
    description: str = strawberry.field(description="What it means.")
    sample: str = strawberry.field(
        description="The value the preview uses, as text (money: `10.00 USD`; dates ISO 8601; lists "
        "comma-separated)."
    )


@strawberry.type(description="A message LoyalNest can send, with what its templates may use.")
class NotificationType:
    name: NotificationTypeName = strawberry.field(description="The type.")  # type: ignore[valid-type]
    audience: NotificationAudience = strawberry.field(description="Who receives it.")
    category: NotificationCategory = strawberry.field(description="Whether it needs marketing consent.")
    description: str = strawberry.field(description="When it is sent, in English.")
    channels: list[NotificationChannel] = strawberry.field(description="The channels it can go by.")
    enabled_by_default: bool = strawberry.field(
        description="Whether a shop has it on until it says otherwise."
    )
    variables: list[NotificationVariable] = strawberry.field(
        description="Every variable its templates may use: the ones every message of its audience gets "
        "(shop name, unsubscribe link...) first, then its own."
    )

    @classmethod
    def from_registry(cls, t: registry.MessageType) -> NotificationType:
        return cls(
            name=NotificationTypeName(t.name),
            audience=NotificationAudience(t.audience),
            category=NotificationCategory(t.category),
            description=t.description,
            channels=[NotificationChannel(c) for c in t.channels],
            enabled_by_default=t.enabled_by_default,
            variables=[
                NotificationVariable(
                    name=v.name,
                    type=NotificationVariableType(v.type),
                    description=v.description,
                    sample=sample_text(v.sample),
                )
                for v in t.all_variables
            ],
        )


@strawberry.type(description="One locale's template of a message type on a channel.")
class NotificationTemplate:
    type: NotificationTypeName = strawberry.field(description="The message type.")  # type: ignore[valid-type]
    channel: NotificationChannel = strawberry.field(description="The channel.")
    locale: str = strawberry.field(description="A BCP 47 tag: en, pt-BR, zh-CN...")
    source: NotificationTemplateSource = strawberry.field(
        description="The shipped default, or the shop's override."
    )
    right_to_left: bool = strawberry.field(
        description="Whether the locale is written right to left (ar, he, fa)."
    )
    subject: str | None = strawberry.field(description="The email subject; null for SMS.")
    html: str | None = strawberry.field(
        description="The email body's HTML (the layout adds logo, footer and unsubscribe link); null for SMS."
    )
    text: str | None = strawberry.field(description="The plain-text email body, or the SMS text.")
    updated_at: datetime | None = strawberry.field(
        description="When the shop last changed it; null: a default."
    )

    @classmethod
    def from_dto(cls, dto: notifications.TemplateSlotDTO) -> NotificationTemplate:
        return cls(
            type=NotificationTypeName(dto.type),
            channel=NotificationChannel(dto.channel),
            locale=dto.locale,
            source=NotificationTemplateSource(dto.source),
            right_to_left=locales.is_rtl(dto.locale),
            subject=dto.subject,
            html=dto.html,
            text=dto.text,
            updated_at=dto.updated_at,
        )


@strawberry.type(description="A problem in a template (or in a preview's sample values).")
class NotificationTemplateError:
    field: str = strawberry.field(
        description="Where: subject, html or text (a template), or sampleOverrides.<name>."
    )
    message: str = strawberry.field(description="What is wrong, in English.")
    line: int | None = strawberry.field(description="The line in that field, from 1; null when unknown.")
    column: int | None = strawberry.field(description="The column in that line, from 1; null when unknown.")

    @classmethod
    def from_dto(cls, error: notifications.TemplateError) -> NotificationTemplateError:
        return cls(field=error.field, message=error.message, line=error.line, column=error.column)


@strawberry.type(description="A draft rendered as the recipient would receive it.")
class NotificationPreview:
    subject: str | None = strawberry.field(
        description="The subject; null for SMS or when the draft has errors."
    )
    html: str | None = strawberry.field(
        description="The complete HTML email (layout, branding, footer); null for SMS or when the draft has "
        "errors."
    )
    text: str | None = strawberry.field(
        description="The plain-text body or SMS text; null when the draft has errors."
    )
    errors: list[NotificationTemplateError] = strawberry.field(
        description="Why it could not be rendered (with line and column); empty when it was."
    )
    render_ms: float = strawberry.field(description="How long rendering took, in milliseconds.")

    @classmethod
    def from_dto(cls, dto: notifications.PreviewDTO) -> NotificationPreview:
        return cls(
            subject=dto.subject,
            html=dto.html,
            text=dto.text,
            errors=[NotificationTemplateError.from_dto(e) for e in dto.errors],
            render_ms=dto.render_ms,
        )


@strawberry.type(description="A text in one locale.")
class NotificationLocaleText:
    locale: str = strawberry.field(description="A BCP 47 tag.")
    text: str = strawberry.field(description="The text in that locale.")


@strawberry.type(description="A word in one CLDR plural category.")
class NotificationPluralForm:
    category: str = strawberry.field(description="The CLDR category: zero, one, two, few, many or other.")
    word: str = strawberry.field(description="The word for counts in that category.")


@strawberry.type(description="What points are called in one locale, in each plural form it uses.")
class NotificationPointsName:
    locale: str = strawberry.field(description="A BCP 47 tag.")
    forms: list[NotificationPluralForm] = strawberry.field(
        description='The word per plural category, e.g. pl: one "punkt", few "punkty", many "punktów".'
    )


@strawberry.type(description="The shop's look in every message.")
class NotificationBranding:
    sender_name: str = strawberry.field(description="The name emails come from.")
    reply_to: str | None = strawberry.field(description="Where replies go; null: the sender address.")
    logo_url: str | None = strawberry.field(description="The logo at the top of emails; null: none.")
    primary_color: str = strawberry.field(description="Buttons and highlights, as #RRGGBB.")
    footer: list[NotificationLocaleText] = strawberry.field(
        description="The footer text per locale (plain text); a locale missing here gets the shipped one."
    )
    points_name: list[NotificationPointsName] = strawberry.field(
        description='What points are called per locale ("Stars"); a locale missing here says "points" in '
        "its own language."
    )

    @classmethod
    def from_dto(cls, branding: notifications.Branding) -> NotificationBranding:
        return cls(
            sender_name=branding.sender_name,
            reply_to=branding.reply_to,
            logo_url=branding.logo_url,
            primary_color=branding.primary_color,
            footer=[NotificationLocaleText(locale=k, text=v) for k, v in sorted(branding.footer.items())],
            points_name=[
                NotificationPointsName(
                    locale=k,
                    forms=[NotificationPluralForm(category=c, word=w) for c, w in forms.items()],
                )
                for k, forms in sorted(branding.points_name.items())
            ],
        )


def _text(settings: Mapping[str, Any], key: str) -> str | None:
    value = settings.get(key)
    return None if value is None else str(value)


@strawberry.type(description="An SMTP server's settings (the password is never shown).")
class SmtpSettings:
    host: str = strawberry.field(description="The server's host name.")
    port: int = strawberry.field(description="The server's port.")
    security: SmtpSecurity = strawberry.field(description="How the connection is secured.")
    username: str | None = strawberry.field(description="The login; null: no authentication.")
    from_address: str = strawberry.field(description="The address emails are sent from.")


@strawberry.type(description="A Klaviyo account's settings (the private API key is never shown).")
class KlaviyoSettings:
    base_url: str = strawberry.field(description="Klaviyo's API address.")


@strawberry.type(description="An HTTP SMS provider's settings (the API key or token is never shown).")
class SmsSettings:
    style: SmsApiStyle = strawberry.field(description="Which API shape it speaks.")
    base_url: str = strawberry.field(description="The API's address.")
    account_id: str | None = strawberry.field(description="The account SID (Twilio style); null otherwise.")
    from_number: str | None = strawberry.field(description="The number or sender id texts come from.")


@strawberry.type(description="A service that sends one channel's messages for the shop.")
class NotificationProvider:
    channel: NotificationChannel = strawberry.field(description="The channel it sends.")
    role: NotificationProviderRole = strawberry.field(description="Primary or fallback.")
    kind: NotificationProviderKind = strawberry.field(description="What kind of service it is.")
    has_secret: bool = strawberry.field(
        description="Whether a password or API key is stored (encrypted; it is never shown)."
    )
    updated_at: datetime | None = strawberry.field(description="When it last changed.")
    settings: strawberry.Private[Mapping[str, Any]]

    @strawberry.field(description="Its SMTP settings; null unless kind is SMTP.")
    def smtp(self) -> SmtpSettings | None:
        if self.kind is not NotificationProviderKind.SMTP:
            return None
        s = self.settings
        return SmtpSettings(
            host=str(s.get("host", "")),
            port=int(s.get("port") or 0),
            security=SmtpSecurity(s.get("security") or "starttls"),
            username=_text(s, "username"),
            from_address=str(s.get("from_address", "")),
        )

    @strawberry.field(description="Its Klaviyo settings; null unless kind is KLAVIYO.")
    def klaviyo(self) -> KlaviyoSettings | None:
        if self.kind is not NotificationProviderKind.KLAVIYO:
            return None
        return KlaviyoSettings(base_url=str(self.settings.get("base_url") or "https://a.klaviyo.com"))

    @strawberry.field(description="Its SMS API settings; null unless kind is SMS.")
    def sms(self) -> SmsSettings | None:
        if self.kind is not NotificationProviderKind.SMS:
            return None
        s = self.settings
        return SmsSettings(
            style=SmsApiStyle(s.get("style") or "twilio"),
            base_url=str(s.get("base_url", "")),
            account_id=_text(s, "account_id"),
            from_number=_text(s, "from_number"),
        )

    @classmethod
    def from_dto(cls, dto: notifications.ProviderDTO) -> NotificationProvider:
        return cls(
            channel=NotificationChannel(dto.channel),
            role=NotificationProviderRole(dto.role),
            kind=NotificationProviderKind(dto.kind),
            has_secret=dto.has_secret,
            updated_at=dto.updated_at,
            settings=dict(dto.settings),
        )


@strawberry.type(description="The channels a message type goes by for this shop.")
class NotificationTypeSetting:
    type: NotificationTypeName = strawberry.field(description="The message type.")  # type: ignore[valid-type]
    channels: list[NotificationChannel] = strawberry.field(
        description="Its channels switched on; empty: off."
    )


def hh_mm(value: time) -> str:
    return value.strftime("%H:%M")


@strawberry.type(description="How the shop's messages are sent, and what they look like.")
class NotificationSettings:
    types: list[NotificationTypeSetting] = strawberry.field(
        description="Every message type (registry order) with its channels switched on."
    )
    default_locale: str = strawberry.field(
        description="The locale used for customers whose own locale has no template (then en): the one the "
        "shop chose, else its language in Shopify (shop/update) when templates ship in it, else en."
    )
    staff_email: str | None = strawberry.field(
        description="The address staff messages (and sendTestNotification's emails) go to; null: not set, "
        "they go to the shop's email (staffAlertsTo)."
    )
    staff_alerts_to: str | None = strawberry.field(
        description="Where staff messages go now: staffEmail, else the shop's contact email as Shopify last "
        "sent it (shop/update webhook); null: nowhere yet, they are skipped."
    )
    branding: NotificationBranding = strawberry.field(description="Sender, logo, color, footer, points name.")
    quiet_hours_start: str = strawberry.field(
        description="No SMS from this time (HH:MM, shop time) ... (SMS due then are held, not dropped)."
    )
    quiet_hours_end: str = strawberry.field(description="... until this time (HH:MM, shop time).")
    providers: list[NotificationProvider] = strawberry.field(
        description="The configured providers (at most a primary and a fallback per channel)."
    )
    updated_at: datetime | None = strawberry.field(description="When they last changed; null: the defaults.")

    @classmethod
    def from_dto(cls, dto: notifications.NotificationSettingsDTO) -> NotificationSettings:
        enabled = dto.enabled
        return cls(
            types=[
                NotificationTypeSetting(
                    type=NotificationTypeName(name),
                    channels=[NotificationChannel(c) for c in enabled.get(name, ())],
                )
                for name in registry.TYPES
            ],
            default_locale=dto.default_locale,
            staff_email=dto.staff_email,
            staff_alerts_to=dto.staff_alerts_to,
            branding=NotificationBranding.from_dto(dto.branding),
            quiet_hours_start=hh_mm(dto.quiet_start),
            quiet_hours_end=hh_mm(dto.quiet_end),
            providers=[NotificationProvider.from_dto(p) for p in dto.providers],
            updated_at=dto.updated_at,
        )


@strawberry.type(description="A message in the delivery log.")
class NotificationDelivery:
    id: strawberry.ID = strawberry.field(description="The delivery's global id (opaque).")
    type: NotificationTypeName = strawberry.field(description="The message type.")  # type: ignore[valid-type]
    channel: NotificationChannel = strawberry.field(description="The channel.")
    status: NotificationDeliveryStatus = strawberry.field(description="Where it stands.")
    reason: str | None = strawberry.field(
        description="Why it was skipped, held or failed (no_recipient, unsubscribed, no_consent, "
        "the provider's error...), or test for sendTestNotification; null otherwise."
    )
    provider: str | None = strawberry.field(
        description="The provider that sent it (or last tried); null: none yet."
    )
    attempts: int = strawberry.field(description="Send attempts so far, every provider counted.")
    provider_message_id: str | None = strawberry.field(description="The provider's id for it, once sent.")
    recipient: str | None = strawberry.field(
        description="The address or number, masked (a***@example.com); null: none."
    )
    locale: str | None = strawberry.field(description="The locale it was (or will be) rendered in.")
    created_at: datetime = strawberry.field(description="When its cause happened (the row was made).")
    sent_at: datetime | None = strawberry.field(description="When the provider accepted it.")
    customer_local_id: strawberry.Private[int | None]

    @strawberry.field(description="The customer it is for; null for staff messages and tests.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("loyalnest.graphql.customers.types")] | None:
        # imported here: the Customer type is composed from every context's fields, ours too
        from loyalnest.graphql.customers.types import Customer

        if self.customer_local_id is None:
            return None
        dto = await info.context.loaders.get("customers.customer").load(self.customer_local_id)
        return None if dto is None else Customer.from_dto(dto)

    @classmethod
    def from_dto(cls, dto: notifications.DeliveryDTO) -> NotificationDelivery:
        return cls(
            id=encode_id("NotificationDelivery", dto.id),
            type=NotificationTypeName(dto.type),
            channel=NotificationChannel(dto.channel),
            status=NotificationDeliveryStatus(dto.status),
            reason=dto.reason,
            provider=dto.provider,
            attempts=dto.attempts,
            provider_message_id=dto.provider_message_id,
            recipient=dto.recipient_masked,
            locale=dto.locale,
            created_at=dto.created_at,
            sent_at=dto.sent_at,
            customer_local_id=dto.customer_id,
        )


@strawberry.type(description="How many deliveries have a status.")
class NotificationDeliveryCount:
    status: NotificationDeliveryStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="Deliveries with it (the list's filter applied, status aside).")


@strawberry.type(
    description="A page of the delivery log, newest first (Relay connection), with counts by status."
)
class NotificationDeliveryConnection(Connection[NotificationDelivery]):
    counts: strawberry.Private[Any]

    @strawberry.field(
        description="Every status with its number of deliveries (the filter's type, channel and customer "
        "applied; its status not), for the log's tabs."
    )
    async def counts_by_status(self) -> list[NotificationDeliveryCount]:
        found: Mapping[str, int] = await self.counts()
        return [
            NotificationDeliveryCount(status=status, count=int(found.get(wire(status), 0)))
            for status in NotificationDeliveryStatus
        ]


def delivery_connection(
    page: notifications.DeliveryPage, *, after: int | None, count: Count, counts: Any
) -> NotificationDeliveryConnection:
    built = connection(
        [NotificationDelivery.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next,
        has_previous_page=after is not None,
        count=count,
    )
    return NotificationDeliveryConnection(
        edges=built.edges, page_info=built.page_info, counter=built.counter, counts=counts
    )


@strawberry.type(description="Whether you receive one message type by one channel.")
class NotificationPreference:
    type: NotificationTypeName = strawberry.field(description="The message type.")  # type: ignore[valid-type]
    channel: NotificationChannel = strawberry.field(description="The channel.")
    category: NotificationCategory = strawberry.field(
        description="Transactional (about your account) or marketing (also needs your marketing consent)."
    )
    subscribed: bool = strawberry.field(
        description="False once you unsubscribed from it (a link in a message, or here)."
    )

    @classmethod
    def from_dto(cls, dto: notifications.PreferenceDTO) -> NotificationPreference:
        return cls(
            type=NotificationTypeName(dto.type),
            channel=NotificationChannel(dto.channel),
            category=NotificationCategory(dto.category),
            subscribed=dto.subscribed,
        )
