"""Sending one message: the shop as the sender sees it (branding, providers, the
merchant's templates), the template chosen on the locale fallback chain, the providers'
configurations (secrets decrypted just before the call, never kept), the per-shop and
per-provider rate limits, and the send itself: the primary with retries, then the
fallback, turned into the outcome the delivery log records."""

from __future__ import annotations

import asyncio
import logging
import time as clock
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import defaults, locales, registry, repository, rules
from loyalnest.contexts.notifications.models import (
    PROVIDER_SECRET_CONTEXT,
    RECIPIENT_CONTEXT,
    STAFF_EMAIL_CONTEXT,
)
from loyalnest.contexts.notifications.registry import Money
from loyalnest.contexts.notifications.rendering import (
    Branding,
    Draft,
    Rendered,
    RenderFailed,
    TemplateInvalid,
    render,
)
from loyalnest.contexts.notifications.repository import DeliveryRow, Outcome, ProviderRow, SettingsRow
from loyalnest.integrations import notify
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.redis import get_async_redis, key, shop_key
from loyalnest.platform.timeutil import utcnow

log = logging.getLogger(__name__)

# claims of one row before a provider that stays down fails it
MAX_ATTEMPTS = 8
# The CPU a render of a message being sent may take. Templates are checked when saved
# (the sandbox bounds loops and sizes) and previewed under the tight default (50 ms); a
# message of a saved template that takes longer here met a cold cache or a collector
# pass, not a runaway template, and failing it would lose a message for nothing.
DELIVERY_RENDER_TIMEOUT = 1.0
# attempts at one provider per claim (with jittered backoff between them), and the wait
# before retrying a message a chunk's connection did not take
PROVIDER_ATTEMPTS = 3
RETRY_BASE_DELAY = 0.2
RETRY_WAIT_CAP = 2.0


# --- the shop, as the sender needs it ---------------------------------------------------------


@dataclass
class Shop:
    merchant_id: int
    name: str
    domain: str
    currency: str
    timezone: str
    settings: SettingsRow
    providers: dict[str, list[ProviderRow]]
    overrides: dict[tuple[str, str, str], Draft]
    branding: Branding
    # False once the shop uninstalled the app: only what the law requires still goes
    installed: bool = True
    # the shop as the merchants context has it (its contact email, sealed)
    merchant: merchants.MerchantDTO | None = None

    @property
    def shop_url(self) -> str:
        return f"https://{self.domain}"

    def staff_email(self) -> str | None:
        """Where staff alerts go: the staff email the shop set, else its contact email
        as Shopify last told it (shop/update): a shop that set nothing still hears of
        a failing provider or a held export."""
        token = self.settings.staff_email_enc
        if token is not None:
            return get_keyring().decrypt(token, context=STAFF_EMAIL_CONTEXT)
        return self.contact_email

    @property
    def default_locale(self) -> str:
        return rules.default_locale(
            self.settings.default_locale, None if self.merchant is None else self.merchant.primary_locale
        )

    @property
    def contact_email(self) -> str | None:
        return None if self.merchant is None else merchants.shop_email(self.merchant)


def branding_of(settings: SettingsRow, shop_name: str) -> Branding:
    return Branding(
        sender_name=settings.sender_name or shop_name,
        reply_to=settings.reply_to,
        logo_url=settings.logo_url,
        primary_color=settings.primary_color,
        footer=dict(settings.footer),
        points_name={k: dict(v) for k, v in settings.points_name.items()},
    )


async def load_shop(merchant_id: int) -> Shop | None:
    merchant = await merchants.get_merchant(merchant_id)
    if merchant is None:
        return None
    async with read_session() as session:
        settings = await repository.get_settings(session, merchant_id, transactional=False)
        provider_rows = await repository.providers(session, merchant_id, transactional=False)
        template_rows = await repository.templates(session, merchant_id, transactional=False)
    by_channel: dict[str, list[ProviderRow]] = {}
    for row in sorted(provider_rows, key=lambda p: rules.ROLES.index(p.role)):
        by_channel.setdefault(row.channel, []).append(row)
    overrides = {(t.type, t.channel, t.locale): Draft(t.subject, t.html, t.text) for t in template_rows}
    return Shop(
        merchant_id=merchant_id,
        name=merchant.name,
        domain=merchant.shop_domain,
        currency=merchant.currency,
        timezone=merchant.iana_timezone or "UTC",
        settings=settings,
        providers=by_channel,
        overrides=overrides,
        branding=branding_of(settings, merchant.name),
        installed=merchant.active,
        merchant=merchant,
    )


def choose_draft(
    shop: Shop, type_name: str, channel: str, customer_locale: str | None
) -> tuple[str, Draft] | None:
    """The first template on the locale fallback chain; at each step the merchant's own
    override wins over the shipped default."""
    for locale in locales.fallback_chain(customer_locale, shop.default_locale):
        override = shop.overrides.get((type_name, channel, locale))
        if override is not None:
            return locale, override
        shipped = defaults.default_draft(type_name, channel, locale)
        if shipped is not None:
            return locale, shipped
    return None


# --- providers --------------------------------------------------------------------------------

Sender = Callable[[], Awaitable[notify.SendResult]]


def _secret(row: ProviderRow) -> str | None:
    if row.secret_enc is None:
        return None
    return get_keyring().decrypt(row.secret_enc, context=PROVIDER_SECRET_CONTEXT)


def smtp_config(row: ProviderRow) -> notify.SmtpConfig:
    s = row.settings
    return notify.SmtpConfig(
        host=str(s["host"]),
        port=int(s["port"]),
        security=s.get("security", "starttls"),
        username=s.get("username"),
        password=_secret(row),
        from_address=str(s["from_address"]),
    )


def klaviyo_config(row: ProviderRow) -> notify.KlaviyoConfig:
    s = row.settings
    return notify.KlaviyoConfig(
        api_key=_secret(row) or "",
        base_url=s.get("base_url") or "https://a.klaviyo.com",
        revision=s.get("revision") or "2024-10-15",
    )


def sms_config(row: ProviderRow) -> notify.SmsConfig:
    s = row.settings
    return notify.SmsConfig(
        style=s.get("style", "twilio"),
        base_url=str(s["base_url"]),
        account_id=s.get("account_id"),
        api_key=_secret(row) or "",
        from_number=s.get("from_number"),
    )


def dev_smtp_row(merchant_id: int, domain: str) -> ProviderRow | None:
    """The development sink (``notifications_dev_smtp``) for a shop with no email provider."""
    from loyalnest.settings import get_settings

    address = get_settings().notifications_dev_smtp
    if not address:
        return None
    host, _, port = address.rpartition(":")
    return ProviderRow(
        merchant_id,
        0,
        "email",
        "smtp",
        "primary",
        {
            "host": host or "127.0.0.1",
            "port": int(port),
            "security": "none",
            "from_address": f"rewards@{domain}",
        },
        None,
        utcnow(),
    )


def providers_for(shop: Shop, channel: str) -> list[ProviderRow]:
    rows = shop.providers.get(channel, [])
    if not rows and channel == "email":
        dev = dev_smtp_row(shop.merchant_id, shop.domain)
        return [dev] if dev else []
    return rows


async def check_provider(row: ProviderRow) -> None:
    """Raise ``ProviderError`` when the provider refuses its configuration."""
    if row.kind == "smtp":
        await notify.check_smtp(smtp_config(row))
    elif row.kind == "klaviyo":
        await notify.check_klaviyo(klaviyo_config(row))
    else:
        await notify.check_sms(sms_config(row))


# --- rate limits ------------------------------------------------------------------------------


class RateGate:
    """A per-second budget for one scope (a shop, a shop's provider), shared by every
    worker through Redis: a fixed one-second window counted with INCRBY, what providers'
    own limits count. Slots are taken from Redis a chunk at a time (a tenth of the
    budget, at most 50), so a busy sender asks Redis once per chunk, not per message;
    a worker may hold a few unused slots of a window, never more than the budget in all."""

    def __init__(self, scope: str, per_second: int, *, merchant_id: int | None = None):
        self.scope = scope
        # a shop's gate counts under the shop's own keys (they go with its data)
        self.merchant_id = merchant_id
        self.per_second = per_second
        self.chunk = max(1, min(per_second // 10, 50))
        self._window = -1
        self._left = 0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if self.per_second <= 0:
            return
        async with self._lock:
            while True:
                now = clock.time()
                window = int(now)
                if window == self._window and self._left > 0:
                    self._left -= 1
                    return
                granted = await self._reserve(window)
                if granted is None:  # Redis away: sending beats stalling; providers throttle us anyway
                    return
                self._window, self._left = window, granted
                if granted == 0:
                    await asyncio.sleep(max(window + 1 - now, 0.001))

    async def _reserve(self, window: int) -> int | None:
        tail = f"notifications:rate:{self.scope}:{window}"
        name = key(tail) if self.merchant_id is None else shop_key(self.merchant_id, tail)
        try:
            pipe = get_async_redis().pipeline()
            pipe.incrby(name, self.chunk)
            pipe.expire(name, 2)
            count, _ = await pipe.execute()
        except Exception:
            log.warning("notification rate limit unavailable", exc_info=True)
            return None
        before = int(count) - self.chunk
        return max(0, min(self.chunk, self.per_second - before))


# --- 3. send -------------------------------------------------------------------------------


@dataclass
class Prepared:
    """A row ready to go: where, and what (the rendering happens once, lazily: a
    Klaviyo send needs only the facts)."""

    row: DeliveryRow
    mt: registry.MessageType
    recipient: str
    locale: str
    draft: Draft
    variables: dict[str, Any]
    customer_id: int | None
    unsubscribe_url: str | None
    # None: the shop's (a guest's email carries its own footer)
    branding: Branding | None = None
    _rendered: Rendered | None = None

    def rendered(self, shop: Shop) -> Rendered:
        if self._rendered is None:
            self._rendered = render(
                self.mt,
                self.row.channel,
                self.draft,
                locale=self.locale,
                variables=self.variables,
                branding=self.branding or shop.branding,
                shop_name=shop.name,
                timezone=shop.timezone,
                timeout=DELIVERY_RENDER_TIMEOUT,
            )
        return self._rendered


def _sender(shop: Shop, provider: ProviderRow, job: Prepared) -> Sender:
    row = job.row
    if provider.kind == "klaviyo":
        config = klaviyo_config(provider)
        value = next((v.amount for v in job.variables.values() if isinstance(v, Money)), None)
        event = notify.KlaviyoEvent(
            metric_name=f"LoyalNest {job.mt.name.replace('_', ' ').title()}",
            properties={**rules.encode_variables(job.variables), "locale": job.locale, "type": job.mt.name},
            unique_id=row.idempotency_key,
            time=row.created_at,
            email=job.recipient,
            external_id=None
            if job.customer_id is None
            else f"loyalnest:{shop.merchant_id}:{job.customer_id}",
            value=value,
        )
        return lambda: notify.send_klaviyo_event(config, event)
    if provider.kind == "sms":
        sms = sms_config(provider)
        message = notify.SmsMessage(
            to=job.recipient,
            text=job.rendered(shop).text,
            idempotency_key=f"{shop.merchant_id}:{row.idempotency_key}",
            message_type=job.mt.name,
        )
        return lambda: notify.send_sms(sms, message)
    smtp = smtp_config(provider)
    email = email_message(shop, smtp, job)
    return lambda: notify.send_email(smtp, email)


def email_message(shop: Shop, smtp: notify.SmtpConfig, job: Prepared) -> notify.EmailMessage:
    """The job as an email (rendered now, if it was not yet): its ``Message-ID`` comes
    from the idempotency key, so a re-send after a lost answer is recognisable."""
    row = job.row
    rendered = job.rendered(shop)
    headers = {"Content-Language": job.locale}
    if job.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{job.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return notify.EmailMessage(
        to=job.recipient,
        from_address=smtp.from_address,
        sender_name=shop.branding.sender_name,
        reply_to=shop.branding.reply_to,
        subject=rendered.subject or "",
        html=rendered.html or "",
        text=rendered.text,
        headers=headers,
        message_id=f"{shop.merchant_id}:{row.idempotency_key}",
    )


# emails sent over one SMTP connection before the batch's rows are marked: a connection
# per message cost more than the message (measured: ~200/s one by one against ~800/s in
# chunks, against the same server), and this many is also the most a killed worker can
# leave sent but unmarked (re-sent, with the same Message-ID, after the lease)
EMAIL_CHUNK = 50


async def send_email_chunk(
    shop: Shop,
    provider: ProviderRow,
    jobs: Sequence[Prepared],
    *,
    now: datetime,
    retry_sleep: Any = asyncio.sleep,
    gates: dict[str, RateGate] | None = None,
) -> list[Outcome]:
    """Emails whose primary provider is ``provider`` (SMTP), over one connection; a
    message it did not take goes the whole way on its own (the primary with retries,
    then the fallback), as ``send_prepared`` does."""
    from loyalnest.settings import get_settings

    config = get_settings()
    smtp = smtp_config(provider)
    outcomes: list[Outcome] = []
    ready: list[Prepared] = []
    messages: list[notify.EmailMessage] = []
    for job in jobs:
        try:
            messages.append(email_message(shop, smtp, job))
        except (TemplateInvalid, RenderFailed) as exc:
            where = {"merchant_id": shop.merchant_id, "id": job.row.id}
            log.warning("notification render failed", extra=where)
            outcomes.append(
                Outcome(job.row.id, "failed", f"render_failed: {type(exc).__name__}", locale=job.locale)
            )
            continue
        ready.append(job)
    for _ in ready:
        await gate(shop.merchant_id, "shop", config.notifications_rate_per_shop, gates).acquire()
        await gate(
            shop.merchant_id, f"provider:{provider.kind}", config.notifications_rate_per_provider, gates
        ).acquire()
    results = await notify.send_emails(smtp, messages) if messages else []
    keyring = get_keyring()
    for job, result in zip(ready, results, strict=True):
        if isinstance(result, notify.SendResult):
            outcomes.append(
                Outcome(
                    job.row.id,
                    "sent",
                    None,
                    provider=provider.kind,
                    provider_message_id=result.provider_message_id,
                    recipient_enc=keyring.encrypt(job.recipient, context=RECIPIENT_CONTEXT),
                    locale=job.locale,
                )
            )
        else:
            outcomes.append(
                await send_prepared(
                    shop, job, now=now, retry_sleep=retry_sleep, gates=gates, first_error=result
                )
            )
    return outcomes


def gate(merchant_id: int, scope: str, per_second: int, gates: dict[str, RateGate] | None) -> RateGate:
    """The batch's gate for the shop's ``scope`` (one per deliver_batch call, so its
    chunks last)."""
    if gates is None:
        return RateGate(scope, per_second, merchant_id=merchant_id)
    slot = f"{merchant_id}:{scope}"
    found = gates.get(slot)
    if found is None:
        found = gates[slot] = RateGate(scope, per_second, merchant_id=merchant_id)
    return found


async def send_prepared(
    shop: Shop,
    job: Prepared,
    *,
    now: datetime,
    retry_sleep: Any = asyncio.sleep,
    gates: dict[str, RateGate] | None = None,
    first_error: notify.ProviderError | None = None,
) -> Outcome:
    """Primary with retries, then the fallback; the outcome to record. ``first_error``:
    the primary already refused this message once (in a chunk), which counts as its
    first attempt (a permanent refusal goes straight to the fallback)."""
    from loyalnest.settings import get_settings

    config = get_settings()
    row = job.row
    recipient_enc = get_keyring().encrypt(job.recipient, context=RECIPIENT_CONTEXT)
    candidates = providers_for(shop, row.channel)
    if not candidates:
        return Outcome(row.id, "skipped", "no_provider", recipient_enc=recipient_enc, locale=job.locale)
    errors: list[notify.ProviderError] = []
    for index, provider in enumerate(candidates):
        attempts = PROVIDER_ATTEMPTS
        if index == 0 and first_error is not None:
            if first_error.permanent or PROVIDER_ATTEMPTS <= 1:
                errors.append(first_error)
                continue
            attempts -= 1
            await retry_sleep(min(first_error.retry_after or 0.0, RETRY_WAIT_CAP) or RETRY_BASE_DELAY)
        try:
            send = _sender(shop, provider, job)
        except (TemplateInvalid, RenderFailed) as exc:
            log.warning("notification render failed", extra={"merchant_id": shop.merchant_id, "id": row.id})
            return Outcome(row.id, "failed", f"render_failed: {type(exc).__name__}", locale=job.locale)
        await gate(shop.merchant_id, "shop", config.notifications_rate_per_shop, gates).acquire()
        provider_scope = f"provider:{provider.kind}"
        await gate(shop.merchant_id, provider_scope, config.notifications_rate_per_provider, gates).acquire()
        try:
            result = await notify.with_retries(send, attempts=attempts, sleep=retry_sleep)
        except notify.ProviderError as error:
            errors.append(error)
            continue
        return Outcome(
            row.id,
            "sent",
            None,
            provider=provider.kind,
            provider_message_id=result.provider_message_id,
            recipient_enc=recipient_enc,
            locale=job.locale,
        )
    last = errors[-1]
    reason = ", ".join(f"{p.kind}: {e.code}" for p, e in zip(candidates, errors, strict=False))
    if all(e.permanent for e in errors) or row.attempts >= MAX_ATTEMPTS:
        return Outcome(
            row.id,
            "failed",
            reason[:255],
            provider=candidates[-1].kind,
            recipient_enc=recipient_enc,
            locale=job.locale,
        )
    # down, not refused: wait and try again (the provider's own wait when it gave one)
    delay = max(30.0 * 2 ** (row.attempts - 1), last.retry_after or 0.0)
    return Outcome(
        row.id,
        "held",
        f"retrying: {reason}"[:255],
        recipient_enc=recipient_enc,
        locale=job.locale,
        not_before=now + timedelta(seconds=min(delay, 3600.0)),
    )
