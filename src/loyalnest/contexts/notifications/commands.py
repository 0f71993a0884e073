"""Business rules of the notifications context that change state, in the caller's unit
of work (never committing): templates (checked by the renderer before anything is
saved), settings, providers (secrets encrypted), customers' preferences. Staff changes
are audited like every other context's: who did what, never the data (no template
text, no address, no secret)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import delivery, repository, rules
from loyalnest.contexts.notifications.dto import (
    Draft,
    NotificationSettingsDTO,
    PreferenceChange,
    PreferenceDTO,
    ProviderDTO,
    ProviderInput,
    SettingsUpdate,
    TemplateInvalid,
    TemplateSlotDTO,
)
from loyalnest.contexts.notifications.models import (
    PROVIDER_SECRET_CONTEXT,
    RECIPIENT_CONTEXT,
    STAFF_EMAIL_CONTEXT,
)
from loyalnest.contexts.notifications.queries import (
    preferences_of,
    settings_dto,
    slot_of_default,
    to_provider_dto,
)
from loyalnest.contexts.notifications.rendering import check
from loyalnest.platform.crypto import KeyringError, get_keyring
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.uow import UnitOfWork

# required non-secret settings per provider kind, and the optional ones
_PROVIDER_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "smtp": (("host", "port", "from_address"), ("security", "username")),
    "klaviyo": ((), ("base_url", "revision")),
    "sms": (("style", "base_url"), ("account_id", "from_number")),
}
_SECURITY = ("starttls", "tls", "none")
_SMS_STYLES = ("twilio", "postscript")


# --- templates ------------------------------------------------------------------------------


async def update_template(
    uow: UnitOfWork, *, merchant_id: int, actor: str, type_name: str, channel: str, locale: str, draft: Draft
) -> TemplateSlotDTO:
    """Save the merchant's own template for one slot; TemplateInvalid (every error with
    its line and column) and nothing saved when the renderer refuses it."""
    mt = rules.message_type(type_name)
    rules.check_channel(mt, channel)
    locale = rules.check_locale(locale)
    if channel == "sms":
        draft = Draft(None, None, draft.text)
    errors = check(mt, channel, draft)
    if errors:
        raise TemplateInvalid(errors)
    row = await repository.upsert_template(
        uow.session,
        merchant_id,
        type_name=mt.name,
        channel=channel,
        locale=locale,
        subject=draft.subject,
        html=draft.html,
        text=draft.text,
        actor=actor,
    )
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="notification.template_updated",
        target_type="NotificationTemplate",
        target_id=f"{mt.name}:{channel}:{locale}",
    )
    return TemplateSlotDTO(
        mt.name, channel, locale, "override", row.subject, row.html, row.text, row.updated_at
    )


async def reset_template(
    uow: UnitOfWork, *, merchant_id: int, actor: str, type_name: str, channel: str, locale: str
) -> TemplateSlotDTO:
    """Drop the override: the slot shows (and sends) the shipped default again."""
    mt = rules.message_type(type_name)
    rules.check_channel(mt, channel)
    locale = rules.check_locale(locale)
    removed = await repository.delete_template(
        uow.session, merchant_id, type_name=mt.name, channel=channel, locale=locale
    )
    if removed:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="notification.template_reset",
            target_type="NotificationTemplate",
            target_id=f"{mt.name}:{channel}:{locale}",
        )
    return slot_of_default(mt.name, channel, locale)


# --- settings -------------------------------------------------------------------------------


def _check_enabled(enabled: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for type_name, channels in enabled.items():
        mt = rules.message_type(type_name, field="enabled")
        for channel in channels:
            rules.check_channel(mt, channel, field="enabled")
        out[mt.name] = [c for c in mt.channels if c in channels]
    return out


def _check_points_name(value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for tag, words in value.items():
        locale = rules.check_locale(tag, field="pointsName")
        cleaned = {k: v.strip() for k, v in words.items() if v and v.strip()}
        if not cleaned or any(k not in ("zero", "one", "two", "few", "many", "other") for k in cleaned):
            raise ValidationFailed("plural forms are zero, one, two, few, many, other", field="pointsName")
        if "other" not in cleaned:
            raise ValidationFailed("the 'other' form is required", field="pointsName")
        if any(len(v) > 64 for v in cleaned.values()):
            raise ValidationFailed("a points name is at most 64 characters", field="pointsName")
        out[locale] = cleaned
    return out


def _check_footer(value: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag, text in value.items():
        if len(text) > 2000:
            raise ValidationFailed("a footer is at most 2,000 characters", field="footer")
        if text.strip():
            out[rules.check_locale(tag, field="footer")] = text.strip()
    return out


async def update_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: SettingsUpdate
) -> NotificationSettingsDTO:
    current = await repository.get_settings(uow.session, merchant_id, for_update=True)
    changes: dict[str, Any] = {}
    keyring = get_keyring()
    if update.enabled is not None:
        changes["enabled"] = {**current.enabled, **_check_enabled(update.enabled)}
    if update.default_locale is not None:
        changes["default_locale"] = rules.check_locale(update.default_locale, field="defaultLocale")
    if update.staff_email is not None:
        email = rules.check_email(update.staff_email, field="staffEmail")
        changes["staff_email_enc"] = keyring.encrypt(email, context=STAFF_EMAIL_CONTEXT)
    if update.sender_name is not None:
        if not update.sender_name.strip() or len(update.sender_name) > 255:
            raise ValidationFailed("a sender name is 1 to 255 characters", field="senderName")
        changes["sender_name"] = update.sender_name.strip()
    if update.reply_to is not None:
        changes["reply_to"] = rules.check_email(update.reply_to, field="replyTo")
    if update.logo_url is not None:
        if not update.logo_url.startswith("https://") or len(update.logo_url) > 2000:
            raise ValidationFailed("a logo URL starts with https://", field="logoUrl")
        changes["logo_url"] = update.logo_url
    if update.primary_color is not None:
        changes["primary_color"] = rules.check_color(update.primary_color)
    if update.footer is not None:
        changes["footer"] = _check_footer(update.footer)
    if update.points_name is not None:
        changes["points_name"] = _check_points_name(update.points_name)
    if update.quiet_start is not None:
        changes["quiet_start"] = update.quiet_start.replace(second=0, microsecond=0, tzinfo=None)
    if update.quiet_end is not None:
        changes["quiet_end"] = update.quiet_end.replace(second=0, microsecond=0, tzinfo=None)
    clearable = {
        "default_locale": "default_locale",
        "staff_email": "staff_email_enc",
        "sender_name": "sender_name",
        "reply_to": "reply_to",
        "logo_url": "logo_url",
    }
    for name in update.clear:
        if name not in clearable:
            raise ValidationFailed(f"{name} cannot be cleared", field="clear")
        changes[clearable[name]] = None
    changed = sorted(n for n, v in changes.items() if getattr(current, n) != v)
    row = current
    if changed:
        row = await repository.save_settings(uow.session, replace(current, **changes))
        uow.forget(delivery.SETTINGS_CACHE, merchant_id)
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="notification.settings_updated",
            target_type="NotificationSettings",
            target_id=str(merchant_id),
            details={"changed": [n.removesuffix("_enc") for n in changed]},
        )
    provider_rows = await repository.providers(uow.session, merchant_id)
    merchant = await merchants.get_merchant_in(uow, merchant_id)
    return settings_dto(row, provider_rows, merchant)


# --- providers ------------------------------------------------------------------------------


def _check_provider_settings(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    required, optional = _PROVIDER_FIELDS[kind]
    unknown = sorted(set(settings) - set(required) - set(optional))
    if unknown:
        raise ValidationFailed(f"unknown setting(s) for {kind}: {', '.join(unknown)}", field="settings")
    missing = [name for name in required if settings.get(name) in (None, "")]
    if missing:
        raise ValidationFailed(f"{kind} needs {', '.join(missing)}", field="settings")
    out = {k: v for k, v in settings.items() if v is not None}
    if kind == "smtp":
        try:
            port = int(out["port"])
        except (TypeError, ValueError):
            raise ValidationFailed("port is a number", field="settings") from None
        if not 1 <= port <= 65535:
            raise ValidationFailed("port is between 1 and 65535", field="settings")
        out["port"] = port
        out["security"] = out.get("security", "starttls")
        if out["security"] not in _SECURITY:
            raise ValidationFailed("security is starttls, tls or none", field="settings")
        out["from_address"] = rules.check_email(str(out["from_address"]), field="settings")
    if kind == "sms" and out["style"] not in _SMS_STYLES:
        raise ValidationFailed("style is twilio or postscript", field="settings")
    for name in ("base_url",):
        if name in out and not str(out[name]).startswith(("https://", "http://")):
            raise ValidationFailed("base_url is an http(s) URL", field="settings")
    return out


async def set_provider(uow: UnitOfWork, *, merchant_id: int, actor: str, data: ProviderInput) -> ProviderDTO:
    if data.channel not in rules.KINDS_BY_CHANNEL:
        raise ValidationFailed(f"unknown channel {data.channel!r}", field="channel")
    if data.role not in rules.ROLES:
        raise ValidationFailed("role is primary or fallback", field="role")
    if data.kind not in rules.KINDS_BY_CHANNEL[data.channel]:
        raise ValidationFailed(f"{data.kind!r} cannot send {data.channel}", field="kind")
    settings = _check_provider_settings(data.kind, dict(data.settings))
    existing = next(
        (
            p
            for p in await repository.providers(uow.session, merchant_id)
            if p.channel == data.channel and p.role == data.role
        ),
        None,
    )
    if data.secret is not None:
        secret_enc = (
            get_keyring().encrypt(data.secret, context=PROVIDER_SECRET_CONTEXT) if data.secret else None
        )
    else:
        # keep the stored secret only for the same kind (an SMTP password is no API key)
        secret_enc = existing.secret_enc if existing is not None and existing.kind == data.kind else None
    if data.kind in ("klaviyo", "sms") and secret_enc is None:
        raise ValidationFailed(f"{data.kind} needs its API key", field="secret")
    row = await repository.upsert_provider(
        uow.session,
        merchant_id,
        channel=data.channel,
        role=data.role,
        kind=data.kind,
        settings=settings,
        secret_enc=secret_enc,
    )
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="notification.provider_set",
        target_type="NotificationProvider",
        target_id=f"{data.channel}:{data.role}",
        details={"kind": data.kind, "secret_changed": data.secret is not None},
    )
    return to_provider_dto(row)


async def remove_provider(uow: UnitOfWork, *, merchant_id: int, actor: str, channel: str, role: str) -> None:
    if not await repository.delete_provider(uow.session, merchant_id, channel=channel, role=role):
        raise NotFound(f"no {role} provider for {channel}", field="role")
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="notification.provider_removed",
        target_type="NotificationProvider",
        target_id=f"{channel}:{role}",
    )


# --- preferences ----------------------------------------------------------------------------


async def set_preferences(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, changes: Sequence[PreferenceChange]
) -> list[PreferenceDTO]:
    """A customer's own choices (storefront). Only customer types; a re-subscribe
    makes unsubscribe links issued before it void."""
    cleaned: list[tuple[str, str, bool]] = []
    for change in changes:
        mt = rules.message_type(change.type, field="changes")
        if mt.audience != "customer":
            raise ValidationFailed(f"{mt.name} is not sent to customers", field="changes")
        if not mt.can_opt_out:
            # the answer to a privacy request, which the law requires: always sent
            raise ValidationFailed(
                f"{mt.name} answers a privacy request: it cannot be turned off", field="changes"
            )
        rules.check_channel(mt, change.channel, field="changes")
        cleaned.append((mt.name, change.channel, bool(change.subscribed)))
    await repository.set_preferences(uow.session, merchant_id, customer_id, cleaned)
    rows = await repository.preferences(uow.session, merchant_id, [customer_id])
    return preferences_of(rows)


async def set_marketing_consent(
    uow: UnitOfWork, merchant_id: int, customer_id: int, *, channel: str, granted: bool, changed_at: datetime
) -> None:
    """The customer's marketing consent on ``channel`` as privacy recorded it (its
    ``ConsentChanged``); a change made before the one kept changes nothing."""
    await repository.set_marketing_consent(
        uow.session, merchant_id, customer_id, channel, granted, changed_at
    )


def _address(value: str) -> str:
    return value.strip().lower()


async def erase_deliveries_of(
    uow: UnitOfWork, merchant_id: int, customer_id: int, known_as: Sequence[str]
) -> None:
    """A customer's erasure (``platform.erasure.CustomerErased``): their deliveries, and
    the messages sent to one of their addresses before they were a customer (a
    referral's friend): each such delivery's address is opened and compared."""
    addresses = {_address(value) for value in known_as}
    keyring = get_keyring()
    also = []
    for delivery_id, recipient_enc in await repository.addressed_without_customer(uow.session, merchant_id):
        try:
            recipient = keyring.decrypt(recipient_enc, context=RECIPIENT_CONTEXT)
        except (KeyringError, InvalidTag, ValueError):
            continue  # unreadable with every key: it names nobody we can find
        if _address(recipient) in addresses:
            also.append(delivery_id)
    await repository.erase_customer(uow.session, merchant_id, customer_id, also)
