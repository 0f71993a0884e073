"""SQL of ``referrals`` (claims, attributed orders, the sweep, staff lists) and the counts
an advocate's progress is made of (``referral_clicks_daily`` read here, written by the
click flush)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

# --- referrals ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferralRow:
    merchant_id: int
    id: int
    advocate_customer_id: int
    friend_customer_id: int | None
    friend_email_bidx: str | None
    friend_email_enc: str | None
    source: str
    status: str
    held: bool
    reasons: list[dict[str, str]]
    friend_code_enc: str | None
    friend_code_lookup: str | None
    friend_discount_gid: str | None
    friend_code_expires_at: datetime | None
    shopify_order_id: int | None
    order_subtotal: Decimal | None
    order_refunded: Decimal
    refund_ids: list[int]
    currency: str | None
    ip_hash: str | None
    address_hash: str | None
    claimed_at: datetime | None
    ordered_at: datetime | None
    confirm_at: datetime | None
    completed_at: datetime | None
    rewarded_at: datetime | None
    expires_at: datetime | None
    cancelled_at: datetime | None
    decided_by: str | None
    reward_points: int | None
    created_at: datetime
    updated_at: datetime


_COLUMNS = ", ".join(ReferralRow.__slots__)
_WRITABLE = frozenset(ReferralRow.__slots__) - {"merchant_id", "id", "created_at", "updated_at"}


def _referral(row: Any) -> ReferralRow:
    return ReferralRow(*row)


async def insert_referral(
    session: AsyncSession, merchant_id: int, values: dict[str, Any]
) -> ReferralRow | None:
    """A new referral; None when a unique rule refused it (the friend already referred,
    the email already claimed for this advocate, the order already attributed)."""
    unknown = set(values) - _WRITABLE
    if unknown:
        raise ValueError(f"not writable: {sorted(unknown)}")
    names = sorted(values)
    params = {
        name: orjson.dumps(values[name]).decode() if name == "reasons" else values[name] for name in names
    }
    placeholders = ", ".join(f"CAST(:{n} AS jsonb)" if n == "reasons" else f":{n}" for n in names)
    row = (
        await session.execute(
            text(
                f"INSERT INTO referrals (merchant_id, {', '.join(names)}) VALUES (:m, {placeholders})"
                f" ON CONFLICT DO NOTHING RETURNING {_COLUMNS}"
            ),
            {**params, "m": merchant_id},
        )
    ).first()
    return None if row is None else _referral(row)


async def insert_referrals(
    session: AsyncSession, merchant_id: int, rows: Sequence[dict[str, Any]]
) -> list[ReferralRow]:
    """New referrals in one statement (every row with the same columns); those a unique
    rule refused (see ``insert_referral``) are absent from the result."""
    if not rows:
        return []
    names = sorted(rows[0])
    unknown = set(names) - _WRITABLE
    if unknown or any(sorted(row) != names for row in rows):
        raise ValueError(f"rows must have the same writable columns: {sorted(unknown)}")
    params: dict[str, Any] = {"m": merchant_id}
    tuples = []
    for index, row in enumerate(rows):
        cells = []
        for name in names:
            key = f"{name}_{index}"
            value = row[name]
            params[key] = orjson.dumps(value).decode() if name == "reasons" else value
            cells.append(f"CAST(:{key} AS jsonb)" if name == "reasons" else f":{key}")
        tuples.append(f"(:m, {', '.join(cells)})")
    result = await session.execute(
        text(
            f"INSERT INTO referrals (merchant_id, {', '.join(names)}) VALUES {', '.join(tuples)}"
            f" ON CONFLICT DO NOTHING RETURNING {_COLUMNS}"
        ),
        params,
    )
    return [_referral(row) for row in result.all()]


async def update_referral(
    session: AsyncSession, merchant_id: int, referral_id: int, values: dict[str, Any]
) -> ReferralRow:
    unknown = set(values) - _WRITABLE
    if unknown:
        raise ValueError(f"not writable: {sorted(unknown)}")
    assignments = ", ".join(f"{n} = CAST(:{n} AS jsonb)" if n == "reasons" else f"{n} = :{n}" for n in values)
    params = {n: orjson.dumps(v).decode() if n == "reasons" else v for n, v in values.items()}
    row = (
        await session.execute(
            text(
                f"UPDATE referrals SET {assignments}, updated_at = now()"
                f" WHERE merchant_id = :m AND id = :id RETURNING {_COLUMNS}"
            ),
            {**params, "m": merchant_id, "id": referral_id},
        )
    ).one()
    return _referral(row)


async def get_referral(
    session: AsyncSession, merchant_id: int, referral_id: int, *, lock: bool = False
) -> ReferralRow | None:
    sql = f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND id = :id"
    if lock:
        sql += " FOR UPDATE"
    row = (await session.execute(text(sql), {"m": merchant_id, "id": referral_id})).first()
    return None if row is None else _referral(row)


async def get_referrals(session: AsyncSession, merchant_id: int, ids: Sequence[int]) -> list[ReferralRow]:
    if not ids:
        return []
    rows = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"m": merchant_id, "ids": sorted(set(ids))},
        )
    ).all()
    return [_referral(row) for row in rows]


async def by_friend_code(
    session: AsyncSession, merchant_id: int, lookups: Sequence[str], *, lock: bool = False
) -> list[ReferralRow]:
    if not lookups:
        return []
    sql = f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND friend_code_lookup IN :lookups"
    if lock:
        sql += " ORDER BY id FOR UPDATE"
    rows = (
        await session.execute(
            text(sql).bindparams(bindparam("lookups", expanding=True)),
            {"m": merchant_id, "lookups": sorted(set(lookups))},
        )
    ).all()
    return [_referral(row) for row in rows]


async def by_friend_email(
    session: AsyncSession, merchant_id: int, advocate_customer_id: int, email_bidxes: Sequence[str]
) -> ReferralRow | None:
    """``email_bidxes``: the address's index under each configured blind key."""
    row = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m"
                " AND advocate_customer_id = :a AND friend_email_bidx = ANY(:e) LIMIT 1"
            ),
            {"m": merchant_id, "a": advocate_customer_id, "e": list(email_bidxes)},
        )
    ).first()
    return None if row is None else _referral(row)


async def open_claims_by_emails(
    session: AsyncSession, merchant_id: int, pairs: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], ReferralRow]:
    """The claims still waiting for an order, by (advocate, friend email index), locked:
    friends who claimed by email and then ordered through a link (one referral). Each
    address comes as a pair per configured blind key; the result is keyed by the stored."""
    if not pairs:
        return {}
    unique = sorted(set(pairs))
    rows = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND status = 'claimed'"
                " AND (advocate_customer_id, friend_email_bidx) IN"
                " (SELECT * FROM unnest(CAST(:a AS bigint[]), CAST(:e AS text[])))"
                " ORDER BY id FOR UPDATE"
            ),
            {"m": merchant_id, "a": [a for a, _ in unique], "e": [e for _, e in unique]},
        )
    ).all()
    found: dict[tuple[int, str], ReferralRow] = {}
    for row in rows:
        referral = _referral(row)
        assert referral.friend_email_bidx is not None
        found.setdefault((referral.advocate_customer_id, referral.friend_email_bidx), referral)
    return found


@dataclass(frozen=True, slots=True)
class AdvocateHistory:
    """What the fraud checks compare a friend's order with, per advocate."""

    # hashes of the advocate's referrals' orders so far (household / shared IP)
    address_hashes: frozenset[str]
    ip_hashes: frozenset[str]
    # the advocate's referrals created since the velocity window began
    recent: int


async def advocate_histories(
    session: AsyncSession, merchant_id: int, advocate_ids: Sequence[int], since: datetime
) -> dict[int, AdvocateHistory]:
    """``AdvocateHistory`` of each advocate, in one statement for a batch of orders."""
    if not advocate_ids:
        return {}
    rows = (
        await session.execute(
            text(
                "SELECT advocate_customer_id,"
                " array_remove(array_agg(DISTINCT address_hash), NULL),"
                " array_remove(array_agg(DISTINCT ip_hash), NULL),"
                " count(*) FILTER (WHERE created_at >= :since)"
                " FROM referrals WHERE merchant_id = :m AND advocate_customer_id IN :ids"
                " GROUP BY advocate_customer_id"
            ).bindparams(bindparam("ids", expanding=True)),
            {"m": merchant_id, "ids": sorted(set(advocate_ids)), "since": since},
        )
    ).all()
    found = {
        int(a): AdvocateHistory(frozenset(addresses), frozenset(ips), int(recent))
        for a, addresses, ips, recent in rows
    }
    empty = AdvocateHistory(frozenset(), frozenset(), 0)
    return {a: found.get(a, empty) for a in advocate_ids}


async def referred_friends(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> set[int]:
    """Those of ``customer_ids`` who already are the friend of a referral."""
    if not customer_ids:
        return set()
    rows = await session.execute(
        text(
            "SELECT friend_customer_id FROM referrals WHERE merchant_id = :m AND friend_customer_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"m": merchant_id, "ids": sorted(set(customer_ids))},
    )
    return {int(r[0]) for r in rows}


async def by_friends(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> list[ReferralRow]:
    if not customer_ids:
        return []
    rows = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND friend_customer_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"m": merchant_id, "ids": sorted(set(customer_ids))},
        )
    ).all()
    return [_referral(row) for row in rows]


async def by_orders(
    session: AsyncSession, merchant_id: int, order_ids: Sequence[int], *, lock: bool = True
) -> list[ReferralRow]:
    if not order_ids:
        return []
    sql = (
        f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND shopify_order_id IN :orders ORDER BY id"
    )
    if lock:
        sql += " FOR UPDATE"
    rows = (
        await session.execute(
            text(sql).bindparams(bindparam("orders", expanding=True)),
            {"m": merchant_id, "orders": sorted(set(order_ids))},
        )
    ).all()
    return [_referral(row) for row in rows]


async def rewarded_since(
    session: AsyncSession, merchant_id: int, advocate_customer_id: int, since: datetime
) -> int:
    return int(
        (
            await session.execute(
                text(
                    "SELECT count(*) FROM referrals WHERE merchant_id = :m AND advocate_customer_id = :a"
                    " AND status = 'rewarded' AND rewarded_at >= :since"
                ),
                {"m": merchant_id, "a": advocate_customer_id, "since": since},
            )
        ).scalar_one()
    )


async def rewarded_total(session: AsyncSession, merchant_id: int, advocate_customer_id: int) -> int:
    return int(
        (
            await session.execute(
                text(
                    "SELECT count(*) FROM referrals WHERE merchant_id = :m AND advocate_customer_id = :a"
                    " AND status = 'rewarded'"
                ),
                {"m": merchant_id, "a": advocate_customer_id},
            )
        ).scalar_one()
    )


async def lock_advocate(session: AsyncSession, merchant_id: int, advocate_customer_id: int) -> None:
    """Serialise rewards of one advocate (the monthly cap and milestones count rows:
    two workers rewarding at once must not both see room under the cap)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('referrals:advocate:' || :m || ':' || :a, 0))"),
        {"m": str(merchant_id), "a": str(advocate_customer_id)},
    )


# --- the periodic sweep -------------------------------------------------------------------


async def shops_with_due(session: AsyncSession, now: datetime) -> list[int]:
    """Shops holding pending referrals past their confirmation, completed ones not yet
    rewarded, or claims past their validity (the sweep then works shop by shop)."""
    rows = await session.execute(
        text(
            "SELECT DISTINCT merchant_id FROM referrals WHERE (status = 'pending' AND confirm_at <= :now)"
            " OR (status = 'completed' AND NOT held AND reward_points IS NULL)"
            " OR (status = 'claimed' AND expires_at <= :now)"
        ),
        {"now": now},
    )
    return sorted(int(r[0]) for r in rows)


async def due_for_completion(
    session: AsyncSession, merchant_id: int, now: datetime, limit: int
) -> list[ReferralRow]:
    rows = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM referrals WHERE merchant_id = :m AND ("
                " (status = 'pending' AND confirm_at <= :now)"
                " OR (status = 'completed' AND NOT held AND reward_points IS NULL))"
                " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"
            ),
            {"m": merchant_id, "now": now, "limit": limit},
        )
    ).all()
    return [_referral(row) for row in rows]


async def expire_claims(session: AsyncSession, merchant_id: int, now: datetime) -> list[int]:
    """Claims past their validity become expired; returns their advocates."""
    rows = await session.execute(
        text(
            "UPDATE referrals SET status = 'expired', updated_at = now() WHERE merchant_id = :m"
            " AND status = 'claimed' AND expires_at <= :now RETURNING advocate_customer_id"
        ),
        {"m": merchant_id, "now": now},
    )
    return sorted({int(r[0]) for r in rows})


# --- lists and counts -----------------------------------------------------------------------


def _filters(
    status: str | None, held: bool | None, advocate: int | None, friend: int | None
) -> tuple[str, dict[str, Any]]:
    clauses = ["merchant_id = :m"]
    params: dict[str, Any] = {}
    if status is not None:
        clauses.append("status = :status")
        params["status"] = status
    if held is not None:
        clauses.append("held = :held")
        params["held"] = held
    if advocate is not None:
        clauses.append("advocate_customer_id = :advocate")
        params["advocate"] = advocate
    if friend is not None:
        clauses.append("friend_customer_id = :friend")
        params["friend"] = friend
    return " AND ".join(clauses), params


async def list_referrals(
    session: AsyncSession,
    merchant_id: int,
    *,
    status: str | None,
    held: bool | None,
    advocate: int | None,
    friend: int | None,
    after_id: int | None,
    limit: int,
) -> list[ReferralRow]:
    """Newest first, ids below ``after_id``."""
    where, params = _filters(status, held, advocate, friend)
    if after_id is not None:
        where += " AND id < :after"
        params["after"] = after_id
    rows = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM referrals WHERE {where} ORDER BY id DESC LIMIT :limit"),
            {**params, "m": merchant_id, "limit": limit},
        )
    ).all()
    return [_referral(row) for row in rows]


async def count_referrals(
    session: AsyncSession,
    merchant_id: int,
    *,
    status: str | None,
    held: bool | None,
    advocate: int | None,
    friend: int | None,
) -> int:
    where, params = _filters(status, held, advocate, friend)
    return int(
        (
            await session.execute(
                text(f"SELECT count(*) FROM referrals WHERE {where}"), {**params, "m": merchant_id}
            )
        ).scalar_one()
    )


@dataclass(frozen=True, slots=True)
class AdvocateCounts:
    by_status: dict[str, int]
    # friends who claimed the advocate's offer by email, whatever became of it
    claims: int
    # rewards still to come: pending, or completed and not yet paid (capped ones, marked
    # with 0 reward points, are not waiting)
    waiting: int


async def advocate_counts(
    session: AsyncSession, merchant_id: int, advocate_customer_id: int
) -> AdvocateCounts:
    """An advocate's referral counts in one statement (their progress, read on every
    live update)."""
    rows = (
        await session.execute(
            text(
                "SELECT status, count(*), count(*) FILTER (WHERE claimed_at IS NOT NULL),"
                " count(*) FILTER (WHERE status = 'pending'"
                " OR (status = 'completed' AND reward_points IS NULL))"
                " FROM referrals WHERE merchant_id = :m AND advocate_customer_id = :a GROUP BY status"
            ),
            {"m": merchant_id, "a": advocate_customer_id},
        )
    ).all()
    return AdvocateCounts(
        by_status={str(r[0]): int(r[1]) for r in rows},
        claims=sum(int(r[2]) for r in rows),
        waiting=sum(int(r[3]) for r in rows),
    )


async def total_clicks(session: AsyncSession, merchant_id: int, advocate_customer_id: int) -> int:
    return int(
        (
            await session.execute(
                text(
                    "SELECT COALESCE(sum(clicks), 0) FROM referral_clicks_daily"
                    " WHERE merchant_id = :m AND advocate_customer_id = :a"
                ),
                {"m": merchant_id, "a": advocate_customer_id},
            )
        ).scalar_one()
    )


async def set_friend_discount(session: AsyncSession, merchant_id: int, referral_id: int, gid: str) -> None:
    await session.execute(
        text(
            "UPDATE referrals SET friend_discount_gid = :gid, updated_at = now()"
            " WHERE merchant_id = :m AND id = :id AND friend_discount_gid IS NULL"
        ),
        {"m": merchant_id, "id": referral_id, "gid": gid},
    )
