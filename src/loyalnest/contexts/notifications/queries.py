"""Reads of the notifications context; each opens its own short read session. The live
preview is here too: it renders, it never writes."""

from __future__ import annotations

import time as clock
from collections.abc import Sequence
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import defaults, locales, registry, repository, rules, sending
from loyalnest.contexts.notifications.dto import (
    DeliveryDTO,
    DeliveryPage,
    Draft,
    NotificationSettingsDTO,
    PreferenceDTO,
    PreviewDTO,
    ProviderDTO,
    TemplateSlotDTO,
)
from loyalnest.contexts.notifications.models import RECIPIENT_CONTEXT, STAFF_EMAIL_CONTEXT
from loyalnest.contexts.notifications.overrides import parse_overrides
from loyalnest.contexts.notifications.rendering import preview as render_preview
from loyalnest.contexts.notifications.rendering import sample_variables
from loyalnest.contexts.notifications.repository import DeliveryRow, PreferenceRow, ProviderRow, SettingsRow
from loyalnest.contexts.notifications.sending import branding_of
from loyalnest.contexts.points import api as points
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import NotFound

MAX_PAGE = 100


def message_types() -> list[registry.MessageType]:
    return list(registry.TYPES.values())


def to_provider_dto(row: ProviderRow) -> ProviderDTO:
    return ProviderDTO(
        row.channel, row.role, row.kind, dict(row.settings), row.secret_enc is not None, row.updated_at
    )


def settings_dto(
    row: SettingsRow, providers: Sequence[ProviderRow], merchant: merchants.MerchantDTO | None
) -> NotificationSettingsDTO:
    staff = row.staff_email_enc
    staff_email = None if staff is None else get_keyring().decrypt(staff, context=STAFF_EMAIL_CONTEXT)
    contact = None if merchant is None else merchants.shop_email(merchant)
    return NotificationSettingsDTO(
        enabled={mt.name: rules.enabled_channels(row.enabled, mt) for mt in registry.TYPES.values()},
        default_locale=rules.default_locale(
            row.default_locale, None if merchant is None else merchant.primary_locale
        ),
        staff_email=staff_email,
        branding=branding_of(row, merchant.name if merchant else ""),
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        providers=tuple(to_provider_dto(p) for p in providers),
        updated_at=row.updated_at,
        staff_alerts_to=staff_email or contact,
    )


async def get_settings(merchant_id: int) -> NotificationSettingsDTO:
    merchant = await merchants.get_merchant(merchant_id)
    async with read_session() as session:
        row = await repository.get_settings(session, merchant_id, transactional=False)
        provider_rows = await repository.providers(session, merchant_id, transactional=False)
    return settings_dto(row, provider_rows, merchant)


async def shops_that_turned_on(type_name: str) -> list[int]:
    """The shops that switched on a type that is off by default (a weekly summary)."""
    if registry.get(type_name).enabled_by_default:
        raise ValueError(f"{type_name} is on by default: every shop has it unless it said no")
    async with read_session() as session:
        return await repository.shops_with_type_on(session, type_name)


async def was_queued(merchant_id: int, type_name: str, cause: str) -> bool:
    """Whether a message of this type and cause was queued for the shop already (on any
    of its channels): a pass that would compute the message's facts first asks."""
    keys = [rules.idempotency_key(type_name, cause, channel) for channel in registry.get(type_name).channels]
    async with read_session() as session:
        return await repository.any_queued(session, merchant_id, keys)


def slot_of_default(type_name: str, channel: str, locale: str) -> TemplateSlotDTO:
    draft = defaults.default_draft(type_name, channel, locale)
    if draft is None:
        return TemplateSlotDTO(type_name, channel, locale, "default", None, None, None, None)
    return TemplateSlotDTO(type_name, channel, locale, "default", draft.subject, draft.html, draft.text, None)


async def list_templates(merchant_id: int, type_name: str, channel: str) -> list[TemplateSlotDTO]:
    """One slot per shipped locale (the override when there is one, else the shipped
    default), then the shop's overrides in locales not shipped."""
    mt = rules.message_type(type_name)
    rules.check_channel(mt, channel)
    async with read_session() as session:
        rows = await repository.templates(
            session, merchant_id, type_name=mt.name, channel=channel, transactional=False
        )
    overrides = {r.locale: r for r in rows}
    slots = []
    for locale in (*locales.LOCALES, *sorted(set(overrides) - set(locales.LOCALES))):
        row = overrides.get(locale)
        if row is None:
            slots.append(slot_of_default(mt.name, channel, locale))
        else:
            slots.append(
                TemplateSlotDTO(
                    mt.name, channel, locale, "override", row.subject, row.html, row.text, row.updated_at
                )
            )
    return slots


def to_delivery_dto(row: DeliveryRow) -> DeliveryDTO:
    recipient = None
    if row.recipient_enc is not None:
        recipient = rules.mask(get_keyring().decrypt(row.recipient_enc, context=RECIPIENT_CONTEXT))
    return DeliveryDTO(
        id=row.id,
        type=row.type,
        channel=row.channel,
        customer_id=row.customer_id,
        # a claimed row is shown as waiting: "sending" is the worker's business
        status="queued" if row.status == "sending" else row.status,
        reason=row.reason,
        provider=row.provider,
        attempts=row.attempts,
        provider_message_id=row.provider_message_id,
        recipient_masked=recipient,
        locale=row.locale,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


async def list_deliveries(
    merchant_id: int,
    *,
    status: str | None,
    type_name: str | None,
    channel: str | None,
    customer_id: int | None,
    first: int,
    after: int | None,
) -> DeliveryPage:
    """Newest first, keyset on id (``after``: the last id of the previous page)."""
    limit = max(1, min(first, MAX_PAGE))
    async with read_session() as session:
        rows = await repository.list_deliveries(
            session,
            merchant_id,
            status=status,
            type_name=type_name,
            channel=channel,
            customer_id=customer_id,
            before_id=after,
            limit=limit + 1,
        )
    return DeliveryPage(items=[to_delivery_dto(r) for r in rows[:limit]], has_next=len(rows) > limit)


async def count_deliveries(
    merchant_id: int,
    *,
    type_name: str | None = None,
    channel: str | None = None,
    customer_id: int | None = None,
) -> dict[str, int]:
    """By status (every status present, zeros included; "sending" counts as queued)."""
    async with read_session() as session:
        found = await repository.count_deliveries(
            session, merchant_id, type_name=type_name, channel=channel, customer_id=customer_id
        )
    counts = dict.fromkeys(("queued", "held", "sent", "failed", "skipped"), 0)
    for status, n in found.items():
        counts["queued" if status == "sending" else status] = counts.get(status, 0) + n
    return counts


def preferences_of(rows: Sequence[PreferenceRow]) -> list[PreferenceDTO]:
    chosen = {(r.type, r.channel): r.subscribed for r in rows}
    return [
        PreferenceDTO(mt.name, channel, mt.category, chosen.get((mt.name, channel), True))
        for mt in registry.TYPES.values()
        # a type without opt-out (a privacy request's answer) is no choice of the customer's
        if mt.audience == "customer" and mt.can_opt_out
        for channel in mt.channels
    ]


async def get_preferences(merchant_id: int, customer_id: int) -> list[PreferenceDTO]:
    async with read_session() as session:
        rows = await repository.preferences(session, merchant_id, [customer_id], transactional=False)
    return preferences_of(rows)


async def preview(
    merchant_id: int,
    *,
    type_name: str,
    channel: str,
    locale: str,
    draft: Draft,
    sample_overrides: Any,
    customer_id: int | None,
) -> PreviewDTO:
    """Render a draft with the type's samples (a customer's real name and balance when
    ``customer_id`` is given: the caller checks the role; another shop's customer is
    NOT_FOUND). Template errors come back in ``errors``, never raised."""
    started = clock.perf_counter()
    mt = rules.message_type(type_name)
    rules.check_channel(mt, channel)
    locale = rules.check_locale(locale)
    merchant = await merchants.get_merchant(merchant_id)
    if merchant is None:
        raise NotFound("shop not found")
    async with read_session() as session:
        settings = await repository.get_settings(session, merchant_id, transactional=False)
    variables: dict[str, Any] = sample_variables(mt)
    if mt.audience == "customer":
        variables.update({"shop_name": merchant.name, "shop_url": f"https://{merchant.shop_domain}"})
    if customer_id is not None:
        customer = await customers.get_customer(merchant_id, customer_id)
        if customer is None:
            raise NotFound("customer not found", field="customerId")
        balance = (await points.get_accounts(merchant_id, [customer_id]))[customer_id].balance
        variables.update({"customer_first_name": customer.first_name or "", "points_balance": balance})
    overrides, refused = parse_overrides(mt, sample_overrides)
    if refused:  # every refused override at once, nothing rendered
        return PreviewDTO(None, None, None, tuple(refused), (clock.perf_counter() - started) * 1000)
    if "reason" in overrides and "trigger" not in overrides and mt.variable("trigger") is not None:
        # a reason typed for the preview is shown as typed, not worded from the sample trigger
        variables["trigger"] = ""
    variables.update(overrides)
    rendered, errors = render_preview(
        mt,
        channel,
        draft,
        locale=locale,
        variables=variables,
        branding=branding_of(settings, merchant.name),
        shop_name=merchant.name,
        timezone=merchant.iana_timezone or "UTC",
    )
    elapsed = (clock.perf_counter() - started) * 1000
    if rendered is None:
        return PreviewDTO(None, None, None, tuple(errors), elapsed)
    return PreviewDTO(rendered.subject, rendered.html, rendered.text, (), elapsed)


async def current_draft(merchant_id: int, *, type_name: str, channel: str, locale: str) -> Draft:
    """The template a message of this type, channel and locale goes out with now: the
    shop's own or the shipped one, along the locale fallback (what a test send of "the
    template as it is" sends)."""
    mt = rules.message_type(type_name)
    rules.check_channel(mt, channel)
    locale = rules.check_locale(locale)
    shop = await sending.load_shop(merchant_id)
    if shop is None:
        raise NotFound("shop not found")
    chosen = sending.choose_draft(shop, mt.name, channel, locale)
    if chosen is None:
        raise NotFound("no template for this type and channel", field="type")
    return chosen[1]
