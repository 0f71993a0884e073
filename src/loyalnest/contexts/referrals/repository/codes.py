"""SQL of ``referral_codes``: each advocate's code, link discount and hashed facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class CodeRow:
    merchant_id: int
    customer_id: int
    code: str
    link_discount_gid: str | None
    link_discount_state: str
    address_hash: str | None
    ip_hash: str | None
    payment_hash: str | None
    created_at: datetime


_CODE_COLUMNS = ", ".join(CodeRow.__slots__)


async def get_code(session: AsyncSession, merchant_id: int, customer_id: int) -> CodeRow | None:
    row = (
        await session.execute(
            text(f"SELECT {_CODE_COLUMNS} FROM referral_codes WHERE merchant_id = :m AND customer_id = :c"),
            {"m": merchant_id, "c": customer_id},
        )
    ).first()
    return None if row is None else CodeRow(*row)


async def codes_of_customers(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, CodeRow]:
    if not customer_ids:
        return {}
    rows = (
        await session.execute(
            text(
                f"SELECT {_CODE_COLUMNS} FROM referral_codes WHERE merchant_id = :m AND customer_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"m": merchant_id, "ids": sorted(set(customer_ids))},
        )
    ).all()
    return {row.customer_id: CodeRow(*row) for row in rows}


async def codes_by_value(session: AsyncSession, merchant_id: int, codes: Sequence[str]) -> dict[str, CodeRow]:
    if not codes:
        return {}
    rows = (
        await session.execute(
            text(
                f"SELECT {_CODE_COLUMNS} FROM referral_codes WHERE merchant_id = :m AND code IN :codes"
            ).bindparams(bindparam("codes", expanding=True)),
            {"m": merchant_id, "codes": sorted(set(codes))},
        )
    ).all()
    return {row.code: CodeRow(*row) for row in rows}


async def insert_code(session: AsyncSession, merchant_id: int, customer_id: int, code: str) -> bool:
    """False when the customer already has a code or the code is taken (either
    conflict): the caller reads which."""
    row = (
        await session.execute(
            text(
                "INSERT INTO referral_codes (merchant_id, customer_id, code) VALUES (:m, :c, :code)"
                " ON CONFLICT DO NOTHING RETURNING customer_id"
            ),
            {"m": merchant_id, "c": customer_id, "code": code},
        )
    ).first()
    return row is not None


async def claim_link_discount(session: AsyncSession, merchant_id: int, customer_id: int) -> CodeRow | None:
    """Mark the advocate's link discount as being created; None once it is created. Two
    creations racing are harmless: Shopify refuses the second code as taken and names
    the discount the first one made."""
    row = (
        await session.execute(
            text(
                "UPDATE referral_codes SET link_discount_state = 'creating'"
                " WHERE merchant_id = :m AND customer_id = :c AND link_discount_state <> 'created'"
                f" RETURNING {_CODE_COLUMNS}"
            ),
            {"m": merchant_id, "c": customer_id},
        )
    ).first()
    return None if row is None else CodeRow(*row)


async def finish_link_discount(
    session: AsyncSession, merchant_id: int, customer_id: int, *, state: str, gid: str | None
) -> None:
    await session.execute(
        text(
            "UPDATE referral_codes SET link_discount_state = :state,"
            " link_discount_gid = COALESCE(:gid, link_discount_gid)"
            " WHERE merchant_id = :m AND customer_id = :c AND link_discount_state <> 'created'"
        ),
        {"m": merchant_id, "c": customer_id, "state": state, "gid": gid},
    )


@dataclass(frozen=True, slots=True)
class AdvocateFacts:
    """Hashed facts of an advocate's own order (None: not known from this order)."""

    customer_id: int
    address_hash: str | None
    ip_hash: str | None
    payment_hash: str | None


async def record_advocate_facts(
    session: AsyncSession, merchant_id: int, facts: Sequence[AdvocateFacts]
) -> None:
    """Keep the latest hashed facts of advocates' own orders (known values only), for a
    batch of orders in one statement; with two orders of one advocate the later wins."""
    latest: dict[int, AdvocateFacts] = {}
    for fact in facts:
        before = latest.get(fact.customer_id)
        if before is not None:
            fact = AdvocateFacts(
                fact.customer_id,
                fact.address_hash or before.address_hash,
                fact.ip_hash or before.ip_hash,
                fact.payment_hash or before.payment_hash,
            )
        latest[fact.customer_id] = fact
    if not latest:
        return
    rows = [latest[c] for c in sorted(latest)]
    await session.execute(
        text(
            "UPDATE referral_codes AS r SET address_hash = COALESCE(f.a, r.address_hash),"
            " ip_hash = COALESCE(f.i, r.ip_hash), payment_hash = COALESCE(f.p, r.payment_hash)"
            " FROM unnest(CAST(:c AS bigint[]), CAST(:a AS text[]), CAST(:i AS text[]), CAST(:p AS text[]))"
            " AS f(c, a, i, p)"
            " WHERE r.merchant_id = :m AND r.customer_id = f.c"
        ),
        {
            "m": merchant_id,
            "c": [f.customer_id for f in rows],
            "a": [f.address_hash for f in rows],
            "i": [f.ip_hash for f in rows],
            "p": [f.payment_hash for f in rows],
        },
    )


_INSERT_CODES = """
INSERT INTO referral_codes (merchant_id, customer_id, code)
SELECT $1, u.customer_id, u.code FROM unnest($2::bigint[], $3::text[]) AS u(customer_id, code)
ORDER BY u.customer_id
ON CONFLICT DO NOTHING
RETURNING customer_id
"""
_DELETE_UNUSED_CODES = """
DELETE FROM referral_codes rc
USING unnest($2::bigint[], $3::text[]) AS u(customer_id, code)
WHERE rc.merchant_id = $1 AND rc.customer_id = u.customer_id AND rc.code = u.code
  AND NOT EXISTS (
    SELECT 1 FROM referrals r WHERE r.merchant_id = $1 AND r.advocate_customer_id = rc.customer_id
  )
"""


async def insert_codes(session: AsyncSession, merchant_id: int, codes: Sequence[tuple[int, str]]) -> set[int]:
    """Insert (customer, code) pairs; a pair whose customer has a code, or whose code
    another customer holds, is left out. Returns the customers inserted."""
    if not codes:
        return set()
    connection = await driver_connection(session)
    records = await connection.fetch(
        _INSERT_CODES, merchant_id, [c for c, _ in codes], [code for _, code in codes]
    )
    return {int(r[0]) for r in records}


async def delete_unused_codes(
    session: AsyncSession, merchant_id: int, codes: Sequence[tuple[int, str]]
) -> int:
    if not codes:
        return 0
    connection = await driver_connection(session)
    status = await connection.execute(
        _DELETE_UNUSED_CODES, merchant_id, [c for c, _ in codes], [code for _, code in codes]
    )
    return int(status.split()[-1])
