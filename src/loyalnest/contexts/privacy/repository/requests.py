"""The request log: one row per privacy duty (see ``models.PrivacyRequest``).

Opening a request is one ``INSERT ... ON CONFLICT DO NOTHING``: the partial unique
indexes (one open request per shop, per customer and type, per Shopify data request id)
make a repeat find the first instead of adding a second, however many deliveries race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.privacy import rules
from loyalnest.contexts.privacy.models import OPEN

LOG_TABLE = "privacy_requests"


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: int
    merchant_id: int
    shop_domain: str
    type: str
    source: str
    source_ref: str | None
    customer_ref: int | None
    status: str
    received_at: datetime
    due_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    retention_expires_at: datetime | None
    attempts: int
    last_error: str | None
    result: dict[str, Any]
    external_ref: str | None
    confirmed_at: datetime | None
    alerted_at: datetime | None


_COLUMNS = (
    "id, merchant_id, shop_domain, type, source, source_ref, customer_ref, status, received_at, due_at,"
    " started_at, completed_at, retention_expires_at, attempts, last_error, result, external_ref,"
    " confirmed_at, alerted_at"
)


def _row(record: Any) -> RequestRow:
    return RequestRow(*record)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


_OPEN_REQUEST = """
INSERT INTO privacy_requests (merchant_id, shop_domain, type, source, source_ref, customer_ref,
    external_ref, status, received_at, due_at)
VALUES (:m, :domain, :type, :source, :ref, :customer, :external, :status, :now, :due)
ON CONFLICT DO NOTHING
RETURNING id
"""


async def open_request(
    session: AsyncSession,
    *,
    merchant_id: int,
    shop_domain: str,
    type: str,
    source: str,
    source_ref: str | None,
    customer_ref: int | None,
    external_ref: str | None,
    status: str,
    now: datetime,
) -> tuple[RequestRow, bool]:
    """The request (created unless the same one exists: Shopify's data request of that
    id, or an open request of the type for the shop or the customer): (it, created)."""
    params = {
        "m": merchant_id,
        "domain": shop_domain,
        "type": type,
        "source": source,
        "ref": source_ref,
        "customer": customer_ref,
        "external": external_ref,
        "status": status,
        "now": now,
        "due": rules.due_at(now),
    }
    created = (await session.execute(text(_OPEN_REQUEST), params)).scalar_one_or_none()
    if created is not None:
        found = await get(session, merchant_id, int(created))
        assert found is not None
        return found, True
    if external_ref is not None:
        where = "external_ref = :external"
    elif type == rules.SHOP_REDACT:
        where = f"type = 'shop_redact' AND {OPEN}"
    else:
        where = f"type = :type AND customer_ref = :customer AND {OPEN}"
    record = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM privacy_requests WHERE merchant_id = :m AND {where} LIMIT 1"),
            params,
        )
    ).one_or_none()
    if record is None and external_ref is not None:
        # Shopify's new id for a customer whose data request is still open: that one
        # answers it (one export)
        record = (
            await session.execute(
                text(
                    f"SELECT {_COLUMNS} FROM privacy_requests WHERE merchant_id = :m AND type = :type"
                    f" AND customer_ref = :customer AND {OPEN} LIMIT 1"
                ),
                params,
            )
        ).one()
    assert record is not None
    return _row(record), False


async def get(session: AsyncSession, merchant_id: int, request_id: int) -> RequestRow | None:
    record = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM privacy_requests WHERE merchant_id = :m AND id = :id"),
            {"m": merchant_id, "id": request_id},
        )
    ).one_or_none()
    return None if record is None else _row(record)


async def get_by_id(session: AsyncSession, request_id: int) -> RequestRow | None:
    """A request by id alone, for its actor (the message names the request; a shop's
    deletion request outlives the shop, so there is no tenant to scope it by)."""
    record = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM privacy_requests WHERE id = :id"), {"id": request_id}
        )
    ).one_or_none()
    return None if record is None else _row(record)


async def list_page(
    session: AsyncSession,
    merchant_id: int,
    *,
    status: str | None,
    type: str | None,
    customer_ref: int | None,
    first: int,
    after: int | None,
) -> tuple[list[RequestRow], bool]:
    """The shop's requests newest first, after the cursor ``after`` (an id): (the page,
    whether more follow)."""
    clauses = ["merchant_id = :m"]
    params: dict[str, Any] = {"m": merchant_id, "limit": first + 1}
    for column, value in (("status", status), ("type", type), ("customer_ref", customer_ref)):
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    if after is not None:
        clauses.append("id < :after")
        params["after"] = after
    records = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM privacy_requests WHERE {' AND '.join(clauses)}"
                " ORDER BY id DESC LIMIT :limit"
            ),
            params,
        )
    ).all()
    rows = [_row(r) for r in records]
    return rows[:first], len(rows) > first


async def count(session: AsyncSession, merchant_id: int, *, status: str | None, type: str | None) -> int:
    clauses = ["merchant_id = :m"]
    params: dict[str, Any] = {"m": merchant_id}
    for column, value in (("status", status), ("type", type)):
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    return int(
        (
            await session.execute(
                text(f"SELECT count(*) FROM privacy_requests WHERE {' AND '.join(clauses)}"), params
            )
        ).scalar_one()
    )


async def confirm(session: AsyncSession, merchant_id: int, request_id: int, *, now: datetime) -> bool:
    """An unconfirmed request confirmed (its deadline runs from now); False if it was
    not waiting (confirmed already, expired, or not a customer's own request)."""
    result = await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'pending', confirmed_at = :now, due_at = :due"
            " WHERE merchant_id = :m AND id = :id AND status = 'unconfirmed'"
        ),
        {"m": merchant_id, "id": request_id, "now": now, "due": rules.due_at(now)},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expire_unconfirmed(session: AsyncSession, *, received_before: datetime) -> int:
    """Customers' requests whose link was never followed: expired (nothing was done)."""
    result = await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'expired', completed_at = now()"
            " WHERE status = 'unconfirmed' AND received_at < :before"
        ),
        {"before": received_before},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# A request is taken by one worker at a time: a second message for it (a retry, the
# sweep) waits for the first to finish or, if the first died, takes over after
# ``stale`` has passed since it started.
_CLAIM = f"""
UPDATE privacy_requests SET status = 'processing', started_at = :now, attempts = attempts + 1
WHERE id = :id AND (status IN ('pending', 'failed') OR (status = 'processing' AND started_at < :stale))
RETURNING {_COLUMNS}
"""


async def claim(
    session: AsyncSession, request_id: int, *, now: datetime, stale: datetime
) -> RequestRow | None:
    record = (
        await session.execute(text(_CLAIM), {"id": request_id, "now": now, "stale": stale})
    ).one_or_none()
    return None if record is None else _row(record)


async def complete(
    session: AsyncSession,
    request_id: int,
    *,
    now: datetime,
    result: dict[str, Any],
    artefact_days: int = rules.ARTEFACT_DAYS,
) -> None:
    await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'completed', completed_at = :now,"
            " retention_expires_at = :keep, last_error = NULL, result = CAST(:result AS jsonb) WHERE id = :id"
        ),
        {
            "id": request_id,
            "now": now,
            "keep": rules.retention_expires_at(now, artefact_days),
            "result": _json(result),
        },
    )


async def fail(session: AsyncSession, request_id: int, *, error: str) -> None:
    await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'failed', last_error = :error"
            " WHERE id = :id AND status <> 'completed'"
        ),
        {"id": request_id, "error": error[:2000]},
    )


async def send_back(
    session: AsyncSession, merchant_id: int, request_id: int, *, started_before: datetime
) -> bool:
    """A stuck request made claimable again (staff's ``processPrivacyRequest``): one
    that failed, waits, or has been processing since before ``started_before``."""
    result = await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'pending', started_at = NULL"
            " WHERE merchant_id = :m AND id = :id AND (status IN ('pending', 'failed')"
            " OR (status = 'processing' AND started_at < :before))"
        ),
        {"m": merchant_id, "id": request_id, "before": started_before},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def cancel_open_shop_redact(
    session: AsyncSession, merchant_id: int, *, now: datetime, outcome: str
) -> None:
    """Close the shop's deletion request that has not started (the shop came back)."""
    await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'completed', completed_at = :now,"
            " retention_expires_at = :keep, result = CAST(:result AS jsonb)"
            " WHERE merchant_id = :m AND type = 'shop_redact' AND status IN ('pending', 'failed')"
        ),
        {
            "m": merchant_id,
            "now": now,
            "keep": rules.retention_expires_at(now),
            "result": _json({"outcome": outcome}),
        },
    )


async def unfinished(session: AsyncSession, *, stale: datetime, limit: int) -> list[tuple[int, str]]:
    """(id, type) of requests to (re)send: not completed, and not being worked on now."""
    result = await session.execute(
        text(
            "SELECT id, type FROM privacy_requests WHERE status IN ('pending', 'failed')"
            " OR (status = 'processing' AND started_at < :stale) ORDER BY due_at LIMIT :limit"
        ),
        {"stale": stale, "limit": limit},
    )
    return [(int(r[0]), str(r[1])) for r in result.all()]


async def take_overdue(session: AsyncSession, *, now: datetime, limit: int) -> list[RequestRow]:
    """Requests past their deadline that staff were not told about yet, marked told
    (one alert per request; the admin view keeps showing them as overdue)."""
    records = (
        await session.execute(
            text(
                "UPDATE privacy_requests SET alerted_at = :now WHERE id IN ("
                " SELECT id FROM privacy_requests WHERE status IN ('pending', 'processing', 'failed')"
                " AND due_at <= :now AND alerted_at IS NULL ORDER BY due_at LIMIT :limit"
                f" FOR UPDATE SKIP LOCKED) RETURNING {_COLUMNS}"
            ),
            {"now": now, "limit": limit},
        )
    ).all()
    return [_row(r) for r in records]


async def forget_artefacts(session: AsyncSession, *, now: datetime, limit: int) -> int:
    """Requests past their ``retention_expires_at``: what tied them to a customer (the
    Shopify customer id, Shopify's request id, the inbox row) and the details of what
    was done go; the row (type, dates, outcome) stays as the proof it was done."""
    result = await session.execute(
        text(
            "UPDATE privacy_requests SET customer_ref = NULL, external_ref = NULL, source_ref = NULL,"
            " last_error = NULL, result = jsonb_build_object('outcome', result->'outcome')"
            " WHERE id IN (SELECT id FROM privacy_requests WHERE retention_expires_at < :now"
            " AND (customer_ref IS NOT NULL OR external_ref IS NOT NULL OR source_ref IS NOT NULL)"
            " LIMIT :limit)"
        ),
        {"now": now, "limit": limit},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def count_artefacts(session: AsyncSession, *, now: datetime) -> int:
    return int(
        (
            await session.execute(
                text(
                    "SELECT count(*) FROM privacy_requests WHERE retention_expires_at < :now"
                    " AND (customer_ref IS NOT NULL OR external_ref IS NOT NULL OR source_ref IS NOT NULL)"
                ),
                {"now": now},
            )
        ).scalar_one()
    )


async def shop_redacted(session: AsyncSession, shop_domain: str) -> bool:
    """Whether a shop of this domain was deleted (its compliance webhooks, resent
    afterwards, are answered as done)."""
    found = await session.execute(
        text(
            "SELECT 1 FROM privacy_requests WHERE shop_domain = :d AND type = 'shop_redact'"
            " AND status = 'completed' LIMIT 1"
        ),
        {"d": shop_domain},
    )
    return found.first() is not None
