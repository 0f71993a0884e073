"""Work of the notifications context spanning several transactions or an outside call:
the hourly passes that turn points' expiry reminders and rewards' expiring codes into
delivery rows (1,000 per transaction, one actor message per shop per transaction), a
test send, a provider check, and the one-click unsubscribe."""

from __future__ import annotations

import time as clock
import uuid
from datetime import datetime, timedelta

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import delivery, registry, repository, rules, sending, tokens
from loyalnest.contexts.notifications.delivery import Outgoing
from loyalnest.contexts.notifications.dto import Draft, ProviderCheckDTO, TestSendDTO, UnsubscribeResult
from loyalnest.contexts.notifications.models import RECIPIENT_CONTEXT
from loyalnest.contexts.notifications.rendering import sample_variables
from loyalnest.contexts.notifications.repository import DeliveryRow
from loyalnest.contexts.notifications.sending import Prepared
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.integrations import notify
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

SCAN_BATCH = 1000
# "your code ends in 3 days": codes ending between 2 and 3 days from now, every hour
# (the window overlaps the previous pass's; the idempotency key makes that harmless and
# a pass that did not run for a day still catches up)
CODE_NOTICE_AHEAD = timedelta(days=3)
CODE_NOTICE_WINDOW = timedelta(days=1)


async def queue_expiry_reminders(*, batch_size: int = SCAN_BATCH) -> int:
    """Hand every due "points expiring soon" reminder to the delivery log: per
    transaction, ``batch_size`` reminders are claimed from points (marked sent there)
    and their rows written here, so a reminder is handed on exactly once or stays due."""
    total = 0
    while True:
        async with unit_of_work() as uow:
            due = await points.claim_due_reminders(uow, limit=batch_size)
            by_shop: dict[int, list[Outgoing]] = {}
            for reminder in due:
                by_shop.setdefault(reminder.merchant_id, []).append(
                    Outgoing(
                        "points_expiring",
                        str(reminder.id),
                        reminder.customer_id,
                        {"points": reminder.points, "expires_on": reminder.expires_on},
                    )
                )
            for merchant_id, items in by_shop.items():
                total += await delivery.queue_messages(uow, merchant_id, items)
        if len(due) < batch_size:
            return total


async def queue_expiring_codes(*, now: datetime | None = None, batch_size: int = SCAN_BATCH) -> int:
    now = now or utcnow()
    end = now + CODE_NOTICE_AHEAD
    start = end - CODE_NOTICE_WINDOW
    total = 0
    after: tuple[datetime, int] | None = None
    while True:
        codes = await rewards.codes_expiring_between(start, end, after=after, limit=batch_size)
        if not codes:
            return total
        async with unit_of_work() as uow:
            by_shop: dict[int, list[Outgoing]] = {}
            for code in codes:
                by_shop.setdefault(code.merchant_id, []).append(
                    Outgoing(
                        "reward_code_expiring",
                        str(code.redemption_id),
                        code.customer_id,
                        {
                            "reward_title": code.reward_title,
                            "expires_at": code.expires_at,
                            "points_spent": code.points_spent,
                        },
                        sealed={"code": code.code},
                    )
                )
            for merchant_id, items in by_shop.items():
                total += await delivery.queue_messages(uow, merchant_id, items)
        if len(codes) < batch_size:
            return total
        after = (codes[-1].expires_at, codes[-1].redemption_id)


# --- staff actions ----------------------------------------------------------------------------


async def test_provider(merchant_id: int, *, channel: str, role: str) -> ProviderCheckDTO:
    shop = await sending.load_shop(merchant_id)
    if shop is None:
        raise NotFound("shop not found")
    row = next((p for p in shop.providers.get(channel, []) if p.role == role), None)
    if row is None:
        raise NotFound(f"no {role} provider for {channel}", field="role")
    try:
        await sending.check_provider(row)
    except notify.ProviderError as error:
        return ProviderCheckDTO(ok=False, message=error.message)
    except (KeyError, ValueError) as error:
        return ProviderCheckDTO(ok=False, message=f"incomplete settings: {error}")
    return ProviderCheckDTO(ok=True, message=f"{row.kind} accepted the credentials")


async def send_test(
    merchant_id: int, *, actor: str, to: str, type_name: str, channel: str, locale: str, draft: Draft
) -> TestSendDTO:
    """Render the draft with the type's samples and send it now through the shop's
    providers (primary, then fallback); the send is logged as a delivery of its own
    (reason "test") and audited."""
    mt = rules.message_type(type_name)
    rules.check_channel(mt, channel)
    locale = rules.check_locale(locale)
    if channel == "email":
        to = rules.check_email(to, field="to")
    elif not to.strip():
        raise ValidationFailed("a phone number is needed", field="to")
    shop = await sending.load_shop(merchant_id)
    if shop is None:
        raise NotFound("shop not found")
    now = utcnow()
    key = f"test:{uuid.uuid4().hex}:{channel}"
    row = DeliveryRow(
        merchant_id, 0, mt.name, channel, None, key, "sending", "test", None, 1, None, None, locale, {}, None,
        None, now, now, None,
    )  # fmt: skip
    variables = sample_variables(mt)
    variables.update({"shop_name": shop.name, "shop_url": shop.shop_url} if mt.audience == "customer" else {})
    job = Prepared(row, mt, to.strip(), locale, draft, variables, None, None)
    outcome = await sending.send_prepared(shop, job, now=now)
    status = "sent" if outcome.status == "sent" else "failed"
    reason = "test" if status == "sent" else f"test: {outcome.reason}"[:255]
    async with unit_of_work() as uow:
        delivery_id = await repository.insert_test_delivery(
            uow.session,
            merchant_id,
            type_name=mt.name,
            channel=channel,
            idempotency_key=key,
            status=status,
            reason=reason,
            provider=outcome.provider,
            provider_message_id=outcome.provider_message_id,
            recipient_enc=get_keyring().encrypt(to.strip(), context=RECIPIENT_CONTEXT),
            locale=locale,
        )
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="notification.test_sent",
            target_type="NotificationDelivery",
            target_id=str(delivery_id),
            details={"type": mt.name, "channel": channel, "locale": locale, "status": status},
        )
    message = "sent" if status == "sent" else (outcome.reason or "failed")
    return TestSendDTO(status=status, message=message, delivery_id=delivery_id)


# --- the one-click unsubscribe ----------------------------------------------------------------


def read_unsubscribe_token(token: str) -> UnsubscribeResult:
    """What a link asks for, without changing anything (the GET page: mail scanners
    fetch links, so only the POST unsubscribes)."""
    try:
        claim = tokens.verify(token)
    except tokens.InvalidToken:
        return UnsubscribeResult(ok=False, outcome="invalid")
    if claim.type not in registry.TYPES or claim.channel not in registry.CHANNELS:
        return UnsubscribeResult(ok=False, outcome="invalid")
    return UnsubscribeResult(
        ok=True, outcome="valid", type=claim.type, channel=claim.channel, merchant_id=claim.merchant_id
    )


async def unsubscribe(token: str) -> UnsubscribeResult:
    """Record the opt-out a signed link asks for. A forged or malformed token changes
    nothing; so does one issued before the customer's latest re-subscribe to that type
    and channel (a replay of an old email's link)."""
    try:
        claim = tokens.verify(token)
    except tokens.InvalidToken:
        return UnsubscribeResult(ok=False, outcome="invalid")
    if claim.type not in registry.TYPES or claim.channel not in registry.CHANNELS:
        return UnsubscribeResult(ok=False, outcome="invalid")
    if await customers.get_customer(claim.merchant_id, claim.customer_id) is None:
        return UnsubscribeResult(ok=False, outcome="invalid")  # redacted since, or never ours
    async with unit_of_work() as uow:
        current = await repository.lock_preference(
            uow.session, claim.merchant_id, claim.customer_id, claim.type, claim.channel
        )
        result = UnsubscribeResult(
            ok=True,
            outcome="unsubscribed",
            type=claim.type,
            channel=claim.channel,
            merchant_id=claim.merchant_id,
        )
        if current is not None:
            subscribed, changed_at = current
            if not subscribed:
                return UnsubscribeResult(
                    ok=True,
                    outcome="already_unsubscribed",
                    type=claim.type,
                    channel=claim.channel,
                    merchant_id=claim.merchant_id,
                )
            if changed_at > claim.issued_at:
                return UnsubscribeResult(ok=False, outcome="replayed", merchant_id=claim.merchant_id)
        await repository.set_preferences(
            uow.session, claim.merchant_id, claim.customer_id, [(claim.type, claim.channel, False)]
        )
        await audit.record(
            uow,
            merchant_id=claim.merchant_id,
            actor=f"customer:{claim.customer_id}",
            action="notification.unsubscribed",
            target_type="Customer",
            target_id=str(claim.customer_id),
            details={"type": claim.type, "channel": claim.channel, "via": "link"},
        )
    return result


def elapsed_ms(started: float) -> float:
    return (clock.perf_counter() - started) * 1000
