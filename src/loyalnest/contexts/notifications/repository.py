"""All SQL of the notifications context; every call takes the merchant id, except the
sweeps of the periodic jobs, which find the shops with work and hand back their ids.

Plain SQL as asyncpg prepared statements on the session's connection (like tiers and
rewards): delivery rows are written on the earning path (one statement per batch of
events, ``unnest`` of arrays) and the worker claims and marks thousands per minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform import retention
from loyalnest.platform.db import driver_connection


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _loads(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


# --- settings ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsRow:
    merchant_id: int
    enabled: dict[str, list[str]]
    default_locale: str | None  # None: the shop's language (see sending.Shop.default_locale)
    staff_email_enc: str | None
    sender_name: str | None
    reply_to: str | None
    logo_url: str | None
    primary_color: str
    footer: dict[str, str]
    points_name: dict[str, dict[str, str]]
    quiet_start: time
    quiet_end: time
    updated_at: datetime | None


_SETTINGS_COLUMNS = ", ".join(SettingsRow.__slots__)
_SETTINGS_FIELDS = (
    "enabled",
    "default_locale",
    "staff_email_enc",
    "sender_name",
    "reply_to",
    "logo_url",
    "primary_color",
    "footer",
    "points_name",
    "quiet_start",
    "quiet_end",
)
_SETTINGS_JSON = {"enabled", "footer", "points_name"}


def default_settings(merchant_id: int) -> SettingsRow:
    """What a shop without a settings row has (the column defaults)."""
    return SettingsRow(
        merchant_id, {}, None, None, None, None, None, "#1F6FEB", {}, {}, time(21, 0), time(8, 0), None
    )


def _settings(record: Any) -> SettingsRow:
    values = dict(record)
    for name in _SETTINGS_JSON:
        values[name] = _loads(values[name])
    return SettingsRow(**values)


_GET_SETTINGS = f"SELECT {_SETTINGS_COLUMNS} FROM notification_settings WHERE merchant_id = $1"
_GET_SETTINGS_FOR_UPDATE = _GET_SETTINGS + " FOR UPDATE"
_UPSERT_SETTINGS = f"""
INSERT INTO notification_settings (merchant_id, {", ".join(_SETTINGS_FIELDS)}, updated_at)
VALUES ($1, {", ".join(f"${i + 2}{'::jsonb' if n in _SETTINGS_JSON else ''}" for i, n in enumerate(_SETTINGS_FIELDS))}, now())
ON CONFLICT (merchant_id) DO UPDATE SET
    {", ".join(f"{n} = EXCLUDED.{n}" for n in _SETTINGS_FIELDS)}, updated_at = now()
RETURNING {_SETTINGS_COLUMNS}
"""  # noqa: E501


async def get_settings(
    session: AsyncSession, merchant_id: int, *, transactional: bool = True, for_update: bool = False
) -> SettingsRow:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_GET_SETTINGS_FOR_UPDATE if for_update else _GET_SETTINGS, merchant_id)
    return default_settings(merchant_id) if record is None else _settings(record)


async def shops_with_type_on(session: AsyncSession, type_name: str) -> list[int]:
    """The shops whose settings switch ``type_name`` on for at least one channel (a type
    off by default is on only where a shop said so)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        "SELECT merchant_id FROM notification_settings"
        " WHERE enabled -> $1::text <> '[]'::jsonb"  # absent: null, never true
        " ORDER BY merchant_id",
        type_name,
    )
    return [int(r[0]) for r in records]


async def any_queued(session: AsyncSession, merchant_id: int, keys: Sequence[str]) -> bool:
    """Whether a delivery of one of these idempotency keys was written for the shop."""
    connection = await driver_connection(session, transactional=False)
    return bool(
        await connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM notification_deliveries"
            " WHERE merchant_id = $1 AND idempotency_key = ANY($2::text[]))",
            merchant_id,
            list(keys),
        )
    )


async def save_settings(session: AsyncSession, row: SettingsRow) -> SettingsRow:
    connection = await driver_connection(session)
    params = [_json(getattr(row, n)) if n in _SETTINGS_JSON else getattr(row, n) for n in _SETTINGS_FIELDS]
    return _settings(await connection.fetchrow(_UPSERT_SETTINGS, row.merchant_id, *params))


# --- providers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderRow:
    merchant_id: int
    id: int
    channel: str
    kind: str
    role: str
    settings: dict[str, Any]
    secret_enc: str | None
    updated_at: datetime


_PROVIDER_COLUMNS = ", ".join(ProviderRow.__slots__)


def _provider(record: Any) -> ProviderRow:
    values = dict(record)
    values["settings"] = _loads(values["settings"])
    return ProviderRow(**values)


_PROVIDERS = f"""
SELECT {_PROVIDER_COLUMNS} FROM notification_providers WHERE merchant_id = $1
ORDER BY channel, role DESC
"""
_UPSERT_PROVIDER = f"""
INSERT INTO notification_providers (merchant_id, channel, role, kind, settings, secret_enc)
VALUES ($1, $2, $3, $4, $5::jsonb, $6)
ON CONFLICT (merchant_id, channel, role) DO UPDATE SET
    kind = EXCLUDED.kind, settings = EXCLUDED.settings, secret_enc = EXCLUDED.secret_enc,
    updated_at = now()
RETURNING {_PROVIDER_COLUMNS}
"""
_DELETE_PROVIDER = """
DELETE FROM notification_providers WHERE merchant_id = $1 AND channel = $2 AND role = $3 RETURNING id
"""


async def providers(
    session: AsyncSession, merchant_id: int, *, transactional: bool = True
) -> list[ProviderRow]:
    """The shop's providers, primary before fallback within a channel."""
    connection = await driver_connection(session, transactional=transactional)
    return [_provider(r) for r in await connection.fetch(_PROVIDERS, merchant_id)]


async def upsert_provider(
    session: AsyncSession,
    merchant_id: int,
    *,
    channel: str,
    role: str,
    kind: str,
    settings: dict[str, Any],
    secret_enc: str | None,
) -> ProviderRow:
    connection = await driver_connection(session)
    record = await connection.fetchrow(
        _UPSERT_PROVIDER, merchant_id, channel, role, kind, _json(settings), secret_enc
    )
    return _provider(record)


async def delete_provider(session: AsyncSession, merchant_id: int, *, channel: str, role: str) -> bool:
    connection = await driver_connection(session)
    return await connection.fetchval(_DELETE_PROVIDER, merchant_id, channel, role) is not None


# --- templates -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateRow:
    merchant_id: int
    type: str
    channel: str
    locale: str
    subject: str | None
    html: str | None
    text: str | None
    actor: str
    updated_at: datetime


_TEMPLATE_COLUMNS = ", ".join(TemplateRow.__slots__)
_TEMPLATES = f"""
SELECT {_TEMPLATE_COLUMNS} FROM notification_templates
WHERE merchant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR channel = $3)
ORDER BY type, channel, locale
"""
_UPSERT_TEMPLATE = f"""
INSERT INTO notification_templates (merchant_id, type, channel, locale, subject, html, text, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (merchant_id, type, channel, locale) DO UPDATE SET
    subject = EXCLUDED.subject, html = EXCLUDED.html, text = EXCLUDED.text,
    actor = EXCLUDED.actor, updated_at = now()
RETURNING {_TEMPLATE_COLUMNS}
"""
_DELETE_TEMPLATE = """
DELETE FROM notification_templates WHERE merchant_id = $1 AND type = $2 AND channel = $3 AND locale = $4
RETURNING id
"""


async def templates(
    session: AsyncSession,
    merchant_id: int,
    *,
    type_name: str | None = None,
    channel: str | None = None,
    transactional: bool = True,
) -> list[TemplateRow]:
    connection = await driver_connection(session, transactional=transactional)
    return [TemplateRow(*r) for r in await connection.fetch(_TEMPLATES, merchant_id, type_name, channel)]


async def upsert_template(
    session: AsyncSession,
    merchant_id: int,
    *,
    type_name: str,
    channel: str,
    locale: str,
    subject: str | None,
    html: str | None,
    text: str | None,
    actor: str,
) -> TemplateRow:
    connection = await driver_connection(session)
    record = await connection.fetchrow(
        _UPSERT_TEMPLATE, merchant_id, type_name, channel, locale, subject, html, text, actor
    )
    return TemplateRow(*record)


async def delete_template(
    session: AsyncSession, merchant_id: int, *, type_name: str, channel: str, locale: str
) -> bool:
    connection = await driver_connection(session)
    return await connection.fetchval(_DELETE_TEMPLATE, merchant_id, type_name, channel, locale) is not None


# --- preferences ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreferenceRow:
    customer_id: int
    type: str
    channel: str
    subscribed: bool
    changed_at: datetime


_PREFERENCES = """
SELECT customer_id, type, channel, subscribed, changed_at FROM notification_preferences
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
"""
_SET_PREFERENCES = """
INSERT INTO notification_preferences (merchant_id, customer_id, type, channel, subscribed, changed_at)
SELECT $1, $2, t, c, s, now() FROM unnest($3::text[], $4::text[], $5::boolean[]) AS x(t, c, s)
ON CONFLICT (merchant_id, customer_id, type, channel) DO UPDATE SET
    subscribed = EXCLUDED.subscribed,
    -- the time of the last real change (a re-subscribe refuses older unsubscribe links)
    changed_at = CASE WHEN notification_preferences.subscribed = EXCLUDED.subscribed
                      THEN notification_preferences.changed_at ELSE now() END
"""
_MARKETING_CONSENTS = """
SELECT customer_id, channel, granted FROM notification_marketing_consents
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
"""
_SET_MARKETING_CONSENT = """
INSERT INTO notification_marketing_consents (merchant_id, customer_id, channel, granted, changed_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (merchant_id, customer_id, channel) DO UPDATE SET
    granted = EXCLUDED.granted, changed_at = EXCLUDED.changed_at
WHERE notification_marketing_consents.changed_at <= EXCLUDED.changed_at
"""
_LOCK_PREFERENCE = """
SELECT subscribed, changed_at FROM notification_preferences
WHERE merchant_id = $1 AND customer_id = $2 AND type = $3 AND channel = $4 FOR UPDATE
"""


async def preferences(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, transactional: bool = True
) -> list[PreferenceRow]:
    connection = await driver_connection(session, transactional=transactional)
    return [PreferenceRow(*r) for r in await connection.fetch(_PREFERENCES, merchant_id, list(customer_ids))]


async def marketing_consents(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, transactional: bool = True
) -> dict[tuple[int, str], bool]:
    """{(customer, channel): granted} of the customers that have a row."""
    connection = await driver_connection(session, transactional=transactional)
    rows = await connection.fetch(_MARKETING_CONSENTS, merchant_id, list(customer_ids))
    return {(int(r[0]), str(r[1])): bool(r[2]) for r in rows}


async def set_marketing_consent(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    channel: str,
    granted: bool,
    changed_at: datetime,
) -> None:
    connection = await driver_connection(session)
    await connection.execute(_SET_MARKETING_CONSENT, merchant_id, customer_id, channel, granted, changed_at)


async def set_preferences(
    session: AsyncSession, merchant_id: int, customer_id: int, changes: Sequence[tuple[str, str, bool]]
) -> None:
    if not changes:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _SET_PREFERENCES,
        merchant_id,
        customer_id,
        [c[0] for c in changes],
        [c[1] for c in changes],
        [c[2] for c in changes],
    )


async def lock_preference(
    session: AsyncSession, merchant_id: int, customer_id: int, type_name: str, channel: str
) -> tuple[bool, datetime] | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(_LOCK_PREFERENCE, merchant_id, customer_id, type_name, channel)
    return None if record is None else (record[0], record[1])


# --- deliveries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewDelivery:
    type: str
    channel: str
    customer_id: int | None
    idempotency_key: str
    variables: dict[str, Any]
    sealed_enc: str | None = None
    status: str = "queued"
    reason: str | None = None
    recipient_enc: str | None = None
    # the locale asked for at queue time (a guest's: no customer profile holds it)
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    merchant_id: int
    id: int
    type: str
    channel: str
    customer_id: int | None
    idempotency_key: str
    status: str
    reason: str | None
    provider: str | None
    attempts: int
    provider_message_id: str | None
    recipient_enc: str | None
    locale: str | None
    variables: dict[str, Any]
    sealed_enc: str | None
    not_before: datetime | None
    claimed_at: datetime | None
    created_at: datetime
    sent_at: datetime | None


_DELIVERY_COLUMNS = ", ".join(DeliveryRow.__slots__)


def _delivery(record: Any) -> DeliveryRow:
    values = dict(record)
    values["variables"] = _loads(values["variables"])
    return DeliveryRow(**values)


# one statement for a whole batch; a cause already recorded keeps its row (and is not
# returned), so a replayed event or a second pass queues nothing twice
_INSERT_DELIVERIES = """
INSERT INTO notification_deliveries
    (merchant_id, type, channel, customer_id, idempotency_key, variables, sealed_enc, status, reason,
     recipient_enc, locale)
SELECT $1, t, c, cu, k, v::jsonb, s, st, r, re, lo
FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::text[]) AS x(t, c, cu, k, v, s, st, r, re, lo)
ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
RETURNING id, status
"""


async def insert_deliveries(
    session: AsyncSession, merchant_id: int, rows: Sequence[NewDelivery]
) -> list[tuple[int, str]]:
    """Insert the rows whose key is new; returns (id, status) of those inserted."""
    if not rows:
        return []
    connection = await driver_connection(session)
    records = await connection.fetch(
        _INSERT_DELIVERIES,
        merchant_id,
        [r.type for r in rows],
        [r.channel for r in rows],
        [r.customer_id for r in rows],
        [r.idempotency_key for r in rows],
        [_json(r.variables) for r in rows],
        [r.sealed_enc for r in rows],
        [r.status for r in rows],
        [r.reason for r in rows],
        [r.recipient_enc for r in rows],
        [r.locale for r in rows],
    )
    return [(r[0], r[1]) for r in records]


# the worker's claim: waiting rows of one shop (queued, or held and due), oldest first;
# SKIP LOCKED lets several workers share a shop's backlog without waiting on each other
_CLAIM = f"""
UPDATE notification_deliveries d
SET status = 'sending', claimed_at = $3, attempts = d.attempts + 1, updated_at = $3
FROM (
    SELECT merchant_id, id FROM notification_deliveries
    WHERE merchant_id = $1
      AND (status = 'queued' OR status = 'held')
      AND (not_before IS NULL OR not_before <= $3)
    ORDER BY id LIMIT $2
    FOR UPDATE SKIP LOCKED
) c
WHERE d.merchant_id = c.merchant_id AND d.id = c.id
RETURNING {", ".join(f"d.{n}" for n in DeliveryRow.__slots__)}
"""


async def claim_deliveries(
    session: AsyncSession, merchant_id: int, *, limit: int, now: datetime
) -> list[DeliveryRow]:
    connection = await driver_connection(session)
    rows = [_delivery(r) for r in await connection.fetch(_CLAIM, merchant_id, limit, now)]
    rows.sort(key=lambda r: r.id)
    return rows


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a claimed row."""

    id: int
    status: str  # sent | failed | skipped | held | queued
    reason: str | None = None
    provider: str | None = None
    provider_message_id: str | None = None
    recipient_enc: str | None = None
    locale: str | None = None
    not_before: datetime | None = None


# only while the claim is ours (same claimed_at): a row the lease sweep gave to another
# worker is not overwritten by the first one's late answer
_MARK = """
UPDATE notification_deliveries d SET
    status = x.status, reason = x.reason, provider = COALESCE(x.provider, d.provider),
    provider_message_id = COALESCE(x.pmid, d.provider_message_id),
    recipient_enc = COALESCE(x.recipient, d.recipient_enc), locale = COALESCE(x.locale, d.locale),
    not_before = x.not_before,
    claimed_at = NULL,
    sent_at = CASE WHEN x.status = 'sent' THEN $3 ELSE d.sent_at END,
    updated_at = $3
FROM unnest($2::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::timestamptz[]) AS x(id, status, reason, provider, pmid, recipient, locale, not_before)
WHERE d.merchant_id = $1 AND d.id = x.id AND d.status = 'sending' AND d.claimed_at = $11
"""


async def mark_deliveries(
    session: AsyncSession,
    merchant_id: int,
    outcomes: Sequence[Outcome],
    *,
    now: datetime,
    claimed_at: datetime,
) -> int:
    if not outcomes:
        return 0
    connection = await driver_connection(session)
    result = await connection.execute(
        _MARK,
        merchant_id,
        [o.id for o in outcomes],
        now,
        [o.status for o in outcomes],
        [o.reason for o in outcomes],
        [o.provider for o in outcomes],
        [o.provider_message_id for o in outcomes],
        [o.recipient_enc for o in outcomes],
        [o.locale for o in outcomes],
        [o.not_before for o in outcomes],
        claimed_at,
    )
    return int(result.split()[-1])


async def mark_deliveries_on(
    connection: Any, merchant_id: int, outcomes: Sequence[Outcome], *, now: datetime, claimed_at: datetime
) -> int:
    """``mark_deliveries`` on a plain asyncpg connection (the statement commits alone)."""
    result = await connection.execute(
        _MARK,
        merchant_id,
        [o.id for o in outcomes],
        now,
        [o.status for o in outcomes],
        [o.reason for o in outcomes],
        [o.provider for o in outcomes],
        [o.provider_message_id for o in outcomes],
        [o.recipient_enc for o in outcomes],
        [o.locale for o in outcomes],
        [o.not_before for o in outcomes],
        claimed_at,
    )
    return int(result.split()[-1])


_REQUEUE_STUCK = """
UPDATE notification_deliveries SET status = 'queued', claimed_at = NULL, updated_at = now()
WHERE status = 'sending' AND claimed_at < $1
RETURNING merchant_id
"""
_SHOPS_WAITING = """
SELECT DISTINCT merchant_id FROM notification_deliveries
WHERE (status = 'held' AND not_before <= $1) OR (status = 'queued' AND updated_at < $2)
"""


async def requeue_stuck(session: AsyncSession, *, claimed_before: datetime) -> list[int]:
    """Rows left in ``sending`` past the lease (a worker killed mid-batch) go back to the
    queue; returns the shops concerned."""
    connection = await driver_connection(session)
    return sorted({r[0] for r in await connection.fetch(_REQUEUE_STUCK, claimed_before)})


async def shops_waiting(session: AsyncSession, *, now: datetime, queued_before: datetime) -> list[int]:
    """Shops with held rows whose time came, or queued rows nobody took for a while."""
    connection = await driver_connection(session, transactional=False)
    return [r[0] for r in await connection.fetch(_SHOPS_WAITING, now, queued_before)]


_LIST_DELIVERIES = f"""
SELECT {_DELIVERY_COLUMNS} FROM notification_deliveries
WHERE merchant_id = $1
  AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR type = $3)
  AND ($4::text IS NULL OR channel = $4) AND ($5::bigint IS NULL OR customer_id = $5)
  AND ($6::bigint IS NULL OR id < $6)
ORDER BY id DESC LIMIT $7
"""
_COUNT_DELIVERIES = """
SELECT status, count(*) FROM notification_deliveries
WHERE merchant_id = $1 AND ($2::text IS NULL OR type = $2)
  AND ($3::text IS NULL OR channel = $3) AND ($4::bigint IS NULL OR customer_id = $4)
GROUP BY status
"""
_DELIVERIES_BY_ID = f"""
SELECT {_DELIVERY_COLUMNS} FROM notification_deliveries WHERE merchant_id = $1 AND id = ANY($2::bigint[])
ORDER BY id
"""


async def list_deliveries(
    session: AsyncSession,
    merchant_id: int,
    *,
    status: str | None,
    type_name: str | None,
    channel: str | None,
    customer_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[DeliveryRow]:
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _LIST_DELIVERIES, merchant_id, status, type_name, channel, customer_id, before_id, limit
    )
    return [_delivery(r) for r in records]


async def count_deliveries(
    session: AsyncSession,
    merchant_id: int,
    *,
    type_name: str | None,
    channel: str | None,
    customer_id: int | None,
) -> dict[str, int]:
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_COUNT_DELIVERIES, merchant_id, type_name, channel, customer_id)
    return {r[0]: int(r[1]) for r in records}


async def deliveries_by_id(
    session: AsyncSession, merchant_id: int, ids: Sequence[int], *, transactional: bool = True
) -> list[DeliveryRow]:
    connection = await driver_connection(session, transactional=transactional)
    return [_delivery(r) for r in await connection.fetch(_DELIVERIES_BY_ID, merchant_id, list(ids))]


_INSERT_TEST_DELIVERY = """
INSERT INTO notification_deliveries
    (merchant_id, type, channel, idempotency_key, status, reason, provider, attempts, provider_message_id,
     recipient_enc, locale, sent_at)
VALUES ($1, $2, $3, $4, $5::varchar, $6, $7, 1, $8, $9, $10, CASE WHEN $5::varchar = 'sent' THEN now() END)
RETURNING id
"""


async def insert_test_delivery(
    session: AsyncSession,
    merchant_id: int,
    *,
    type_name: str,
    channel: str,
    idempotency_key: str,
    status: str,
    reason: str | None,
    provider: str | None,
    provider_message_id: str | None,
    recipient_enc: str | None,
    locale: str,
) -> int:
    """A test send's row, written once its outcome is known (it has no cause to dedupe
    and the worker must never pick it up)."""
    connection = await driver_connection(session)
    return int(
        await connection.fetchval(
            _INSERT_TEST_DELIVERY,
            merchant_id,
            type_name,
            channel,
            idempotency_key,
            status,
            reason,
            provider,
            provider_message_id,
            recipient_enc,
            locale,
        )
    )


async def erase_customer(
    session: AsyncSession, merchant_id: int, customer_id: int, also: Sequence[int] = ()
) -> None:
    """The customer's deliveries (and ``also``: messages to their address before they
    were a customer) keep their type, status and times (what was sent when), not who
    to or what: recipient, sealed message and variables go."""
    connection = await driver_connection(session)
    await connection.execute(
        "UPDATE notification_deliveries SET recipient_enc = NULL, sealed_enc = NULL, variables = '{}'"
        " WHERE merchant_id = $1 AND (customer_id = $2 OR id = ANY($3::bigint[]))",
        merchant_id,
        customer_id,
        list(also),
    )


async def addressed_without_customer(session: AsyncSession, merchant_id: int) -> list[tuple[int, str]]:
    """(id, recipient_enc) of the shop's deliveries to an address with no customer behind
    it (a referral's friend, an invite): an erasure opens them to find the person's."""
    connection = await driver_connection(session)
    records = await connection.fetch(
        "SELECT id, recipient_enc FROM notification_deliveries"
        " WHERE merchant_id = $1 AND customer_id IS NULL AND recipient_enc IS NOT NULL",
        merchant_id,
    )
    return [(int(i), str(r)) for i, r in records]


# --- retention: the delivery log of finished messages, a bounded batch at a time ---------
_FINISHED_BEFORE = "status IN ('sent', 'failed', 'skipped') AND created_at < $1"


async def delete_finished_before(
    session: AsyncSession, cutoff: datetime, *, limit: int, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    return await retention.delete_older(
        session, "notification_deliveries", _FINISHED_BEFORE, cutoff, limit=limit, shops=shops
    )


async def count_finished_before(
    session: AsyncSession, cutoff: datetime, *, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    return await retention.count_older(
        session, "notification_deliveries", _FINISHED_BEFORE, cutoff, shops=shops
    )
