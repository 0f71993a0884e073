"""Delivery: from a cause to a message at the provider, once.

1. **Queue** (``queue_messages``, in the cause's own transaction): one row per type,
   cause and enabled channel, ``INSERT ... ON CONFLICT (merchant_id, idempotency_key) DO
   NOTHING``, so a replayed event or a second pass writes nothing. If anything was new,
   ONE ``notifications.deliver_batch(merchant_id)`` message goes into the transaction's
   outbox (one per shop per transaction, not one per customer): it reaches the broker
   only if the transaction commits, and the relay re-sends it if the process dies first.
2. **Claim** (``deliver_batch``, the actor): a short transaction moves up to N waiting
   rows of the shop to ``sending`` (``FOR UPDATE SKIP LOCKED``, ``claimed_at`` = the
   claim's time, which is also its fencing token) and commits.
3. **Send** each row outside any transaction: consent, opt-out, recipient and quiet
   hours are decided now (so an unsubscribe or a type turned off is respected at once),
   the template is rendered in the customer's locale, and the primary provider is tried
   with retries, then the fallback.

A **guest** is someone who is not a customer yet (a friend invited by an advocate, a
friend who claimed a referral code): the cause gives the address (``Outgoing.recipient``,
encrypted into ``recipient_enc`` at once, never logged) and the locale to write in. The
row has no customer, so there is no name, no balance and no unsubscribe link (the
one-click token names a customer); the footer says why the message came instead. What
keeps a guest who does not want these messages from getting them: the referrals context
sends an invite only when an advocate asks, to the one address typed, at most 20 a day
per advocate, and never to an address of the shop's customers; and at send time an
email address that belongs to a customer who unsubscribed from the type is skipped
(``opted_out``), found through the customers' blind index. A guest with no customer
record cannot unsubscribe: there is no store of such addresses yet (a suppression list
by blind index would need its own table).
4. **Mark** each row right after its send, in its own short transaction, only while
   the claim is still ours (``status = 'sending' AND claimed_at = <claim>``). Emails
   through SMTP go in chunks of up to ``EMAIL_CHUNK`` over one connection, and a chunk's
   rows are marked together once the chunk is done.

What a worker killed at any point leaves: before 2 commits, nothing (the rows stay
queued); between 2 and 4, rows in ``sending`` that the sweep re-queues once their lease
(``notifications_lease_seconds``) has passed. A row whose send had already reached the
provider when the worker died is sent again after the lease: Klaviyo drops it (its
``unique_id`` is the idempotency key) and Postscript too (the key is the event id);
SMTP and Twilio have no server-side dedupe, so such a row can reach the inbox twice,
with the same ``Message-ID`` (derived from the key) that mail clients and our log
recognise. That window is the time between the provider's answer and the mark's commit
(a few milliseconds per row; for SMTP, the rest of the row's chunk, at most
``EMAIL_CHUNK`` messages); a row is never sent twice otherwise, and never lost.

A provider that is down (timeouts, 5xx, 421/45x after the retries, and the fallback
too) does not fail the row: it waits ``held`` with a growing ``not_before`` and is sent
later; after ``MAX_ATTEMPTS`` claims it is ``failed`` with the last error. A permanent
refusal (a bounced recipient, bad credentials) fails the row at once if the fallback
cannot take it either: never retried forever.
"""

from __future__ import annotations

import asyncio
import logging
import time as clock
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import orjson

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import defaults, layout, locales, registry, repository, rules, tokens
from loyalnest.contexts.notifications.models import RECIPIENT_CONTEXT, SEALED_CONTEXT
from loyalnest.contexts.notifications.registry import Money
from loyalnest.contexts.notifications.rendering import Branding
from loyalnest.contexts.notifications.repository import (
    DeliveryRow,
    NewDelivery,
    Outcome,
    ProviderRow,
    SettingsRow,
)
from loyalnest.contexts.notifications.sending import (
    EMAIL_CHUNK,
    MAX_ATTEMPTS,
    Prepared,
    RateGate,
    Shop,
    choose_draft,
    load_shop,
    providers_for,
    send_email_chunk,
    send_prepared,
)
from loyalnest.contexts.points import api as points
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import plain_connection, read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import CacheKey, UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

__all__ = ["MAX_ATTEMPTS", "Outgoing", "deliver_batch", "queue_messages", "sweep"]

NOTIFICATIONS_QUEUE = "notifications"
DELIVER_BATCH_ACTOR = "notifications.deliver_batch"
# a deliver_batch call hands the rest of the backlog to a new message after this long,
# so one shop's 100,000 reminders do not hold a worker thread for an hour
TIME_BUDGET_SECONDS = 120.0

_ENQUEUED: CacheKey[bool] = CacheKey("notifications.deliver_batch_enqueued")
SETTINGS_CACHE: CacheKey[SettingsRow] = CacheKey("notifications.settings")


# --- 1. queue (in the cause's transaction) ---------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A message owed: its type, its cause (unique within the type: a redemption id, a
    reminder id...), who receives it (None: the shop's staff), the facts its template
    needs that are not PII (points, titles, dates) and the ones that are (``sealed``:
    a discount code), stored encrypted.

    ``recipient`` (with ``customer_id`` None, customer types only): a guest's address,
    an email for the email channel or a phone for SMS; a channel the address does not
    suit writes a ``skipped`` row saying so. ``locale``: the guest's language (BCP 47;
    unknown or None: the shop's default, then English)."""

    type: str
    cause: str
    customer_id: int | None
    variables: Mapping[str, Any] = field(default_factory=dict)
    sealed: Mapping[str, Any] | None = None
    recipient: str | None = field(default=None, repr=False)
    locale: str | None = None


async def shop_settings(uow: UnitOfWork, merchant_id: int) -> SettingsRow:
    async def load() -> SettingsRow:
        return await repository.get_settings(uow.session, merchant_id)

    return await uow.cached(SETTINGS_CACHE, merchant_id, load)


async def queue_messages(uow: UnitOfWork, merchant_id: int, items: Sequence[Outgoing]) -> int:
    """Write the delivery rows of ``items`` for every channel their type is on at this
    shop; returns how many new rows wait to be sent (a guest's channel that its address
    cannot take is recorded ``skipped`` and not counted: zero means nothing will go out).
    One statement for the whole batch."""
    if not items:
        return 0
    settings = await shop_settings(uow, merchant_id)
    keyring = get_keyring()
    rows: list[NewDelivery] = []
    for item in items:
        mt = registry.get(item.type)
        guest = _guest_address(item, mt)
        channels = rules.enabled_channels(settings.enabled, mt)
        if not channels:
            continue  # a type off writes no row: the log holds what was owed, not noise
        variables = rules.encode_variables(item.variables)
        for channel in channels:
            key = rules.idempotency_key(item.type, item.cause, channel)
            if item.recipient is not None:
                mismatch = rules.recipient_mismatch(channel, guest)
                if mismatch is not None:
                    # recorded, not raised: the cause's transaction must not fail because
                    # the shop also turned SMS on for a type an email was given for
                    rows.append(
                        NewDelivery(
                            item.type, channel, None, key, variables, status="skipped", reason=mismatch
                        )
                    )
                    continue
            sealed = None
            if item.sealed:
                sealed = keyring.encrypt(
                    orjson.dumps(rules.encode_variables(item.sealed)).decode(), context=SEALED_CONTEXT
                )
            rows.append(
                NewDelivery(
                    type=item.type,
                    channel=channel,
                    customer_id=item.customer_id,
                    idempotency_key=key,
                    variables=variables,
                    sealed_enc=sealed,
                    recipient_enc=None
                    if guest is None
                    else keyring.encrypt(guest[1], context=RECIPIENT_CONTEXT),
                    locale=locales.normalize(item.locale) if item.recipient is not None else None,
                )
            )
    inserted = await repository.insert_deliveries(uow.session, merchant_id, rows)
    waiting = sum(1 for _, status in inserted if status == "queued")
    if waiting:
        await request_delivery(uow, merchant_id)
    return waiting


def _guest_address(item: Outgoing, mt: registry.MessageType) -> tuple[rules.AddressKind, str] | None:
    """The guest's address, normalized (None: not a guest, or not an address at all:
    the rows record ``invalid_recipient``). A recipient beside a customer, or on a staff
    message, is a caller's mistake, refused before anything is written."""
    if item.recipient is None:
        return None
    if item.customer_id is not None:
        raise ValueError("an Outgoing goes to a customer or to a recipient, not both")
    if mt.audience != "customer":
        raise ValueError(f"{mt.name} goes to the shop's staff: it takes no recipient")
    return rules.address_kind(item.recipient)


async def request_delivery(uow: UnitOfWork, merchant_id: int) -> None:
    """One deliver_batch message per shop per transaction (the outbox sends it after
    commit); the actor drains the whole backlog, whatever number of rows is waiting."""

    async def enqueue() -> bool:
        uow.enqueue(DELIVER_BATCH_ACTOR, queue_name=NOTIFICATIONS_QUEUE, merchant_id=merchant_id)
        return True

    await uow.cached(_ENQUEUED, merchant_id, enqueue)


# --- 2-4. claim, prepare, send, mark ------------------------------------------------------------


@dataclass(frozen=True)
class Guest:
    """A guest row's address (decrypted for the send only) and the customer it belongs
    to, if the shop has one with that email (their opt-outs apply)."""

    address: str = field(repr=False)
    customer_id: int | None = None


@dataclass
class Facts:
    """What a claimed batch needs from other contexts, read once per batch."""

    customers: dict[int, customers.CustomerDTO]
    balances: dict[int, int]
    opted_out: set[tuple[int, str, str]]
    tiers: dict[int, tiers.TierDTO]
    # by delivery row id
    guests: dict[int, Guest] = field(default_factory=dict)
    # (customer, channel) -> marketing consent, for customers with a row (privacy's
    # ``newsletter`` / ``sms_marketing``, see ``marketing_consented``)
    marketing: dict[tuple[int, str], bool] = field(default_factory=dict)


def marketing_consented(facts: Facts, customer: customers.CustomerDTO, channel: str) -> bool:
    """Whether a marketing message may go to ``customer`` on ``channel``: their consent
    as privacy last published it (email: ``newsletter``, SMS: ``sms_marketing``); with
    none recorded, email follows Shopify's marketing state and SMS has no consent."""
    found = facts.marketing.get((customer.id, channel))
    if found is not None:
        return found
    return channel == "email" and customer.accepts_marketing


def is_guest_row(row: DeliveryRow, mt: registry.MessageType) -> bool:
    """A customer message queued with a recipient instead of a customer. (A staff row may
    carry ``recipient_enc`` too, once a send recorded the staff address.)"""
    return mt.audience == "customer" and row.customer_id is None and row.recipient_enc is not None


async def load_guests(merchant_id: int, rows: Sequence[DeliveryRow]) -> dict[int, Guest]:
    """Guest addresses of the batch; an email is looked up among the shop's customers
    (blind index, one read per address: guests are a handful per batch, an advocate
    invites at most 20 a day)."""
    keyring = get_keyring()
    found: dict[int, Guest] = {}
    owners: dict[str, int | None] = {}
    for row in rows:
        mt = registry.TYPES.get(row.type)
        if mt is None or row.recipient_enc is None or not is_guest_row(row, mt):
            continue
        address = keyring.decrypt(row.recipient_enc, context=RECIPIENT_CONTEXT)
        if row.channel == "email" and address not in owners:
            owners[address] = await customers.customer_id_by_email(merchant_id, address)
        found[row.id] = Guest(address, owners.get(address))
    return found


async def load_facts(shop: Shop, rows: Sequence[DeliveryRow]) -> Facts:
    guests = await load_guests(shop.merchant_id, rows)
    ids = sorted({r.customer_id for r in rows if r.customer_id is not None})
    owners = sorted({g.customer_id for g in guests.values() if g.customer_id is not None} - set(ids))
    tier_ids = sorted(
        {
            int(r.variables[name])
            for r in rows
            if r.type == "tier_changed"
            for name in ("tier_id", "previous_tier_id")
            if r.variables.get(name) is not None
        }
    )
    found = await customers.get_customers(shop.merchant_id, ids) if ids else {}
    accounts = await points.get_accounts(shop.merchant_id, ids) if ids else {}
    async with read_session() as session:
        prefs = (
            await repository.preferences(session, shop.merchant_id, ids + owners, transactional=False)
            if ids or owners
            else []
        )
        marketing = (
            await repository.marketing_consents(session, shop.merchant_id, ids, transactional=False)
            if any(registry.TYPES[r.type].category == "marketing" for r in rows if r.type in registry.TYPES)
            else {}
        )
    return Facts(
        customers=found,
        balances={cid: a.balance for cid, a in accounts.items()},
        opted_out={(p.customer_id, p.type, p.channel) for p in prefs if not p.subscribed},
        tiers=await tiers.get_tiers(shop.merchant_id, tier_ids) if tier_ids else {},
        guests=guests,
        marketing=marketing,
    )


def dashboard_url(domain: str) -> str:
    handle = domain.removesuffix(".myshopify.com")
    return f"https://admin.shopify.com/store/{handle}/apps/loyalnest"


def _tier_facts(stored: dict[str, Any], found: Mapping[int, tiers.TierDTO], locale: str) -> dict[str, Any]:
    to = found.get(int(stored.pop("tier_id"))) if stored.get("tier_id") is not None else None
    before = (
        found.get(int(stored.pop("previous_tier_id"))) if stored.get("previous_tier_id") is not None else None
    )
    stored.pop("tier_id", None)
    stored.pop("previous_tier_id", None)
    perks = (to.perk(locale) if to else None) or ""
    return {
        "tier_name": to.name(locale) if to else "",
        "previous_tier_name": before.name(locale) if before else "",
        "direction": "up" if (to.threshold if to else 0) > (before.threshold if before else 0) else "down",
        "perks": [line.strip() for line in perks.splitlines() if line.strip()][: registry.MAX_LIST_ITEMS],
    }


def variables_for(
    shop: Shop,
    row: DeliveryRow,
    mt: registry.MessageType,
    locale: str,
    facts: Facts,
    customer: customers.CustomerDTO | None,
    unsubscribe_url: str | None,
) -> dict[str, Any]:
    stored = dict(row.variables)
    if row.sealed_enc:
        stored.update(orjson.loads(get_keyring().decrypt(row.sealed_enc, context=SEALED_CONTEXT)))
    if mt.name == "tier_changed":
        stored.update(_tier_facts(stored, facts.tiers, locale))
    values = rules.decode_variables(mt, stored)
    if mt.name == "reward_issued" and isinstance(values.get("value"), Money):
        money = values["value"]
        values["value"] = Money(money.amount, money.currency or shop.currency)
    if mt.audience == "customer":
        common: dict[str, Any] = {
            "shop_name": shop.name,
            "shop_url": shop.shop_url,
            "customer_first_name": (customer.first_name if customer else None) or "",
            # a guest's row has no customer: 0 (the guest templates do not show it)
            "points_balance": facts.balances.get(row.customer_id, 0) if row.customer_id else 0,
            "unsubscribe_url": unsubscribe_url or "",
        }
    else:
        common = {"shop_name": shop.name, "dashboard_url": dashboard_url(shop.domain)}
    return {**common, **values}


def prepare(shop: Shop, row: DeliveryRow, facts: Facts, *, now: datetime) -> Prepared | Outcome:
    """Decide now whether the row goes, and how: the rules are read at send time so an
    unsubscribe, a consent withdrawn or a type turned off applies to waiting rows too."""
    mt = registry.TYPES.get(row.type)
    if mt is None:
        return Outcome(row.id, "skipped", "unknown_type")
    if not shop.installed and mt.can_opt_out:
        # the shop left the program: its customers hear nothing more of it, bar the
        # answers to privacy requests the law requires (its compliance webhooks still come)
        return Outcome(row.id, "skipped", "shop_uninstalled")
    if row.channel not in rules.enabled_channels(shop.settings.enabled, mt):
        return Outcome(row.id, "skipped", "disabled")
    customer = None
    unsubscribe = None
    branding: Branding | None = None
    recipient: str | None
    guest = facts.guests.get(row.id)
    if is_guest_row(row, mt):
        if guest is None:
            return Outcome(row.id, "skipped", "no_recipient")
        if (
            mt.can_opt_out
            and guest.customer_id is not None
            and (guest.customer_id, mt.name, row.channel) in facts.opted_out
        ):
            return Outcome(row.id, "skipped", "opted_out")
        if mt.category == "marketing":
            return Outcome(row.id, "skipped", "no_consent")  # a guest never gave any
        recipient = guest.address
        customer_locale = row.locale
    elif mt.audience == "customer":
        customer = facts.customers.get(row.customer_id or 0)
        if customer is None:
            return Outcome(row.id, "skipped", "no_recipient")
        # a type without opt-out (the answer to a privacy request, which the law requires)
        # goes out whatever the customer unsubscribed from
        if mt.can_opt_out and (customer.id, mt.name, row.channel) in facts.opted_out:
            return Outcome(row.id, "skipped", "opted_out")
        if mt.category == "marketing" and not marketing_consented(facts, customer, row.channel):
            return Outcome(row.id, "skipped", "no_consent")
        recipient = customer.email if row.channel == "email" else customer.phone
        customer_locale = customer.locale
    else:
        recipient = shop.staff_email()
        customer_locale = None
    if not recipient:
        return Outcome(row.id, "skipped", "no_recipient")
    if row.channel == "sms":
        until = rules.quiet_until(now, shop.timezone, shop.settings.quiet_start, shop.settings.quiet_end)
        if until is not None:
            return Outcome(row.id, "held", "quiet_hours", not_before=until)
    chosen = choose_draft(shop, mt.name, row.channel, customer_locale)
    if chosen is None:
        return Outcome(row.id, "failed", "no_template")
    locale, draft = chosen
    if customer is not None and mt.can_opt_out:
        # the page the link opens speaks the message's language (``lang``); a type that
        # cannot be opted out of gets no link (nor List-Unsubscribe) that would not work
        unsubscribe = tokens.unsubscribe_url(
            shop.merchant_id, customer.id, mt.name, row.channel, locale=locale
        )
    if guest is not None and row.channel == "email":
        branding = guest_branding(shop, locale)
    return Prepared(
        row=row,
        mt=mt,
        recipient=recipient,
        locale=locale,
        draft=draft,
        variables=variables_for(shop, row, mt, locale, facts, customer, unsubscribe),
        customer_id=row.customer_id,
        unsubscribe_url=unsubscribe,
        branding=branding,
    )


def guest_branding(shop: Shop, locale: str) -> Branding:
    """The shop's branding with a footer that is true for a guest: the shipped members'
    line ("you are a member of the rewards program") gives way to why a guest got the
    message; a footer the merchant wrote (it may hold the postal address the law asks
    for) stays, after it."""
    own = layout.footer_text(shop.branding, locale, shop.name)
    text = defaults.guest_footer(locale)
    if own != layout.footer_text(replace(shop.branding, footer={}), locale, shop.name):
        text = f"{text}\n{own}"
    return replace(shop.branding, footer={locale: text})


async def _mark(merchant_id: int, outcomes: Sequence[Outcome], *, claimed_at: datetime) -> int:
    """One UPDATE on a plain connection: its own transaction, committed when it returns
    (a session's BEGIN/COMMIT round trips would double the cost of a mark)."""
    if not outcomes:
        return 0
    async with plain_connection() as connection:
        return await repository.mark_deliveries_on(
            connection, merchant_id, outcomes, now=utcnow(), claimed_at=claimed_at
        )


async def process_claimed(
    shop: Shop,
    rows: Sequence[DeliveryRow],
    *,
    claimed_at: datetime,
    retry_sleep: Any = asyncio.sleep,
    gates: dict[str, RateGate] | None = None,
) -> Counter[str]:
    """Send a claimed batch: decisions without a send are marked together; each send is
    marked in its own transaction as soon as the provider answered."""
    from loyalnest.settings import get_settings

    facts = await load_facts(shop, rows)
    report: Counter[str] = Counter()
    gates = {} if gates is None else gates
    decided: list[Outcome] = []
    jobs: list[Prepared] = []
    for row in rows:
        try:
            result = prepare(shop, row, facts, now=claimed_at)
        except Exception:  # one broken row must not stall the shop's queue
            log.exception(
                "notification could not be prepared", extra={"merchant_id": shop.merchant_id, "id": row.id}
            )
            result = Outcome(row.id, "failed", "internal_error")
        if isinstance(result, Outcome):
            decided.append(result)
        else:
            jobs.append(result)
    await _mark(shop.merchant_id, decided, claimed_at=claimed_at)
    report.update(o.status for o in decided)
    gate = asyncio.Semaphore(get_settings().notifications_send_concurrency)
    # emails whose first provider is SMTP go in chunks over one connection each, and a
    # chunk's rows are marked together; everything else is sent and marked one by one
    chunked: dict[int, tuple[ProviderRow, list[Prepared]]] = {}
    single: list[Prepared] = []
    for job in jobs:
        candidates = providers_for(shop, job.row.channel)
        if job.row.channel == "email" and candidates and candidates[0].kind == "smtp":
            chunked.setdefault(id(candidates[0]), (candidates[0], []))[1].append(job)
        else:
            single.append(job)

    async def chunk(provider: ProviderRow, part: list[Prepared]) -> None:
        async with gate:
            try:
                outcomes = await send_email_chunk(
                    shop, provider, part, now=claimed_at, retry_sleep=retry_sleep, gates=gates
                )
            except Exception:
                log.exception("notification send crashed", extra={"merchant_id": shop.merchant_id})
                outcomes = [
                    Outcome(job.row.id, "failed", "internal_error", locale=job.locale) for job in part
                ]
            await _mark(shop.merchant_id, outcomes, claimed_at=claimed_at)
            report.update(outcome.status for outcome in outcomes)

    async def one(job: Prepared) -> None:
        async with gate:
            try:
                outcome = await send_prepared(shop, job, now=claimed_at, retry_sleep=retry_sleep, gates=gates)
            except Exception:
                log.exception(
                    "notification send crashed", extra={"merchant_id": shop.merchant_id, "id": job.row.id}
                )
                outcome = Outcome(job.row.id, "failed", "internal_error", locale=job.locale)
            await _mark(shop.merchant_id, [outcome], claimed_at=claimed_at)
            report[outcome.status] += 1

    await asyncio.gather(
        *(one(job) for job in single),
        *(
            chunk(provider, part[start : start + EMAIL_CHUNK])
            for provider, part in chunked.values()
            for start in range(0, len(part), EMAIL_CHUNK)
        ),
    )
    return report


async def deliver_batch(
    merchant_id: int, *, retry_sleep: Any = asyncio.sleep, time_budget: float = TIME_BUDGET_SECONDS
) -> Counter[str]:
    """Drain the shop's waiting rows, a claim of ``notifications_batch_size`` at a time;
    past ``time_budget`` the rest goes to a new actor message (fair to other shops)."""
    from loyalnest.settings import get_settings

    batch_size = get_settings().notifications_batch_size
    shop = await load_shop(merchant_id)
    report: Counter[str] = Counter()
    if shop is None:
        return report
    started = clock.monotonic()
    gates: dict[str, RateGate] = {}
    while True:
        claimed_at = utcnow()
        async with unit_of_work() as uow:
            rows = await repository.claim_deliveries(
                uow.session, merchant_id, limit=batch_size, now=claimed_at
            )
        if not rows:
            return report
        report.update(
            await process_claimed(shop, rows, claimed_at=claimed_at, retry_sleep=retry_sleep, gates=gates)
        )
        if clock.monotonic() - started > time_budget:
            async with unit_of_work() as uow:
                await request_delivery(uow, merchant_id)
            return report


async def sweep(*, now: datetime | None = None) -> list[int]:
    """Re-queue rows stuck in ``sending`` past the lease (a killed worker's), and send a
    deliver_batch to every shop with rows due (held rows whose time came, queued rows
    nobody took for five minutes). Returns the shops woken."""
    from loyalnest.settings import get_settings

    now = now or utcnow()
    lease = timedelta(seconds=get_settings().notifications_lease_seconds)
    async with unit_of_work() as uow:
        stuck = await repository.requeue_stuck(uow.session, claimed_before=now - lease)
        waiting = await repository.shops_waiting(
            uow.session, now=now, queued_before=now - timedelta(minutes=5)
        )
        shops = sorted(set(stuck) | set(waiting))
        for merchant_id in shops:
            await request_delivery(uow, merchant_id)
    if stuck:
        log.warning("notifications re-queued after their lease", extra={"shops": len(stuck)})
    return shops
