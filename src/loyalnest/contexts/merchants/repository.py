"""All SQL of the merchants context.

Shops are the tenants themselves, so a few statements here are not scoped by one
merchant: looking a shop up by its domain or its referral code (how a request or an
install finds its shop) and the daily referral sweep over every shop's pending
referrals. Everything a shop reads about itself takes its ``merchant_id``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.merchants.models import Merchant


async def get_by_domain(session: AsyncSession, shop_domain: str) -> Merchant | None:
    result = await session.execute(select(Merchant).where(Merchant.shop_domain == shop_domain))  # type: ignore[arg-type]
    return result.scalar_one_or_none()


async def get(session: AsyncSession, merchant_id: int) -> Merchant | None:
    return await session.get(Merchant, merchant_id)


# A new shop is inserted; a known one is left as it is, except that a shop that had
# uninstalled is installed again. ``xmax = 0`` is true only for a freshly inserted row:
# it tells a first install (which may record a referral) from a reinstall.
_INSTALL = text(
    """
INSERT INTO merchants (shop_domain, name, currency, plan, iana_timezone, referral_code)
VALUES (:shop_domain, :name, :currency, :plan, :iana_timezone, :referral_code)
ON CONFLICT (shop_domain) DO UPDATE SET uninstalled_at = NULL WHERE merchants.uninstalled_at IS NOT NULL
RETURNING (xmax = 0) AS inserted
"""
)
# codes drawn per install before giving up (a collision is ~1 in 10^6 even with a million shops)
_CODE_ATTEMPTS = 5


class Installed(NamedTuple):
    merchant: Merchant
    created: bool


async def insert_if_absent(
    session: AsyncSession,
    *,
    shop_domain: str,
    name: str,
    currency: str,
    plan: str,
    iana_timezone: str,
    new_referral_code: Callable[[], str],
) -> Installed:
    """Insert the shop unless its domain is known (reactivating it if it had
    uninstalled). ``new_referral_code()`` gives the code a new shop gets; a code that
    another shop already holds is drawn again (inside a savepoint, so the collision
    does not abort the caller's transaction)."""
    created = False
    for attempt in range(_CODE_ATTEMPTS):
        try:
            async with session.begin_nested():
                result = await session.execute(
                    _INSTALL,
                    {
                        "shop_domain": shop_domain,
                        "name": name,
                        "currency": currency,
                        "plan": plan,
                        "iana_timezone": iana_timezone,
                        "referral_code": new_referral_code(),
                    },
                )
                created = bool(result.scalar_one_or_none())
            break
        except IntegrityError as exc:
            if "uq_merchants_referral_code" not in str(exc.orig) or attempt == _CODE_ATTEMPTS - 1:
                raise
    merchant = (
        await session.execute(
            select(Merchant)
            .where(Merchant.shop_domain == shop_domain)  # type: ignore[arg-type]
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    return Installed(merchant, created)


async def set_access_token_enc(session: AsyncSession, merchant_id: int, token_enc: str | None) -> bool:
    result = await session.execute(
        update(Merchant)
        .where(Merchant.id == merchant_id)  # type: ignore[arg-type]
        .values(access_token_enc=token_enc)
        .returning(Merchant.id)  # type: ignore[call-overload]
    )
    return result.scalar_one_or_none() is not None


async def get_admin_credentials_row(
    session: AsyncSession, merchant_id: int
) -> tuple[str, str, str | None] | None:
    """(shop_domain, plan, access_token_enc) of an installed shop; None if unknown or
    uninstalled."""
    result = await session.execute(
        select(Merchant.shop_domain, Merchant.plan, Merchant.access_token_enc).where(  # type: ignore[call-overload]
            Merchant.id == merchant_id,  # type: ignore[arg-type]
            Merchant.uninstalled_at.is_(None),  # type: ignore[union-attr]
        )
    )
    row = result.one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def get_timezones(session: AsyncSession, merchant_ids: list[int]) -> dict[int, str]:
    result = await session.execute(
        select(Merchant.id, Merchant.iana_timezone).where(Merchant.id.in_(merchant_ids))  # type: ignore[union-attr,call-overload]
    )
    return {int(row[0]): str(row[1]) for row in result.all()}


# --- merchant referral program ----------------------------------------------------------


async def get_by_referral_code(session: AsyncSession, code: str) -> Merchant | None:
    """The shop holding ``code`` (codes are unique across shops: the code is the key)."""
    result = await session.execute(
        select(Merchant).where(Merchant.referral_code == code)  # type: ignore[arg-type]
    )
    return result.scalar_one_or_none()


async def get_referral_code(session: AsyncSession, merchant_id: int) -> str | None:
    result = await session.execute(
        text("SELECT referral_code FROM merchants WHERE id = :m"), {"m": merchant_id}
    )
    return result.scalar_one_or_none()


async def insert_referral(
    session: AsyncSession, *, merchant_id: int, referred_merchant_id: int
) -> int | None:
    """Record that ``referred_merchant_id`` was installed with ``merchant_id``'s code; None
    when that shop was referred before (by anyone)."""
    result = await session.execute(
        text(
            "INSERT INTO merchant_referrals (merchant_id, referred_merchant_id) VALUES (:m, :r)"
            " ON CONFLICT (referred_merchant_id) DO NOTHING RETURNING id"
        ),
        {"m": merchant_id, "r": referred_merchant_id},
    )
    return result.scalar_one_or_none()


class ReferralRow(NamedTuple):
    id: int
    merchant_id: int
    referrer_shop_domain: str
    referred_merchant_id: int
    referred_shop_domain: str
    status: str
    created_at: Any
    qualified_at: Any
    credited_at: Any
    cancelled_at: Any


_REFERRAL_SELECT = """
SELECT r.id, r.merchant_id, referrer.shop_domain, r.referred_merchant_id, referred.shop_domain,
       r.status, r.created_at, r.qualified_at, r.credited_at, r.cancelled_at
FROM merchant_referrals r
JOIN merchants referrer ON referrer.id = r.merchant_id
JOIN merchants referred ON referred.id = r.referred_merchant_id
"""

# Newest first, keyset on the id: ``after`` goes towards older rows, ``before`` towards
# newer ones. Reading backwards takes the rows nearest ``before`` (oldest first) and the
# caller turns them back.
_PAGE_BOUNDS = """
  AND (CAST(:after AS bigint) IS NULL OR {alias}.id < :after)
  AND (CAST(:before AS bigint) IS NULL OR {alias}.id > :before)
ORDER BY {alias}.id {direction}
LIMIT :limit
"""


def _page_sql(head: str, where: str, alias: str, backward: bool) -> Any:
    direction = "ASC" if backward else "DESC"
    return text(head + where + _PAGE_BOUNDS.format(alias=alias, direction=direction))


async def list_referrals(
    session: AsyncSession,
    merchant_id: int,
    *,
    after_id: int | None,
    before_id: int | None,
    backward: bool,
    limit: int,
) -> list[ReferralRow]:
    """The shops ``merchant_id`` referred, newest first."""
    result = await session.execute(
        _page_sql(_REFERRAL_SELECT, "WHERE r.merchant_id = :m", "r", backward),
        {"m": merchant_id, "after": after_id, "before": before_id, "limit": limit},
    )
    rows = [ReferralRow(*row) for row in result.all()]
    return rows[::-1] if backward else rows


async def count_referrals(session: AsyncSession, merchant_id: int) -> int:
    result = await session.execute(
        text("SELECT count(*) FROM merchant_referrals WHERE merchant_id = :m"), {"m": merchant_id}
    )
    return int(result.scalar_one())


async def get_referral_of(session: AsyncSession, referred_merchant_id: int) -> ReferralRow | None:
    """The referral through which ``referred_merchant_id`` (the shop asking) was installed."""
    result = await session.execute(
        text(_REFERRAL_SELECT + "WHERE r.referred_merchant_id = :m"), {"m": referred_merchant_id}
    )
    row = result.one_or_none()
    return None if row is None else ReferralRow(*row)


async def apply_shop_update(
    session: AsyncSession,
    merchant_id: int,
    *,
    name: str | None,
    email_enc: str | None,
    currency: str | None,
    iana_timezone: str | None,
    primary_locale: str | None,
    updated_at: datetime | None,
) -> str | None:
    """Write what shop/update told (a None keeps the column), unless a newer update was
    applied already; returns the shop's domain when the row was written."""
    result = await session.execute(
        text(
            "UPDATE merchants SET name = COALESCE(:name, name), email_enc = COALESCE(:email, email_enc),"
            " currency = COALESCE(:currency, currency), iana_timezone = COALESCE(:zone, iana_timezone),"
            " primary_locale = COALESCE(:locale, primary_locale),"
            " shop_updated_at = COALESCE(:at, shop_updated_at)"
            " WHERE id = :m AND (CAST(:at AS timestamptz) IS NULL OR shop_updated_at IS NULL"
            " OR shop_updated_at <= :at) RETURNING shop_domain"
        ),
        {
            "m": merchant_id,
            "name": name,
            "email": email_enc,
            "currency": currency,
            "zone": iana_timezone,
            "locale": primary_locale,
            "at": updated_at,
        },
    )
    return result.scalar_one_or_none()


async def mark_uninstalled(session: AsyncSession, merchant_id: int) -> str | None:
    """Record the uninstall (the first one counts: a repeated webhook keeps its time);
    returns the shop's domain, None if it is unknown."""
    result = await session.execute(
        text(
            "UPDATE merchants SET uninstalled_at = COALESCE(uninstalled_at, now()), access_token_enc = NULL"
            " WHERE id = :m RETURNING shop_domain"
        ),
        {"m": merchant_id},
    )
    return result.scalar_one_or_none()


async def uninstalled_before(session: AsyncSession, cutoff: datetime, *, limit: int) -> list[tuple[int, str]]:
    """(id, domain) of shops uninstalled before ``cutoff`` (and not back since)."""
    result = await session.execute(
        text(
            "SELECT id, shop_domain FROM merchants WHERE uninstalled_at < :cutoff"
            " ORDER BY uninstalled_at LIMIT :limit"
        ),
        {"cutoff": cutoff, "limit": limit},
    )
    return [(int(r[0]), str(r[1])) for r in result.all()]


async def uninstalled_ids(session: AsyncSession) -> list[int]:
    result = await session.execute(
        text("SELECT id FROM merchants WHERE uninstalled_at IS NOT NULL ORDER BY id")
    )
    return [int(r[0]) for r in result.all()]


async def cancel_referral_of(
    session: AsyncSession, referred_merchant_id: int, *, qualifying_days: int
) -> int | None:
    """Cancel the pending referral of a shop that uninstalled before it qualified (after
    the qualifying days it is the sweep's to credit, uninstall or not)."""
    result = await session.execute(
        text(
            "UPDATE merchant_referrals SET status = 'cancelled', cancelled_at = now()"
            " WHERE referred_merchant_id = :m AND status = 'pending'"
            " AND created_at > now() - make_interval(days => :d) RETURNING id"
        ),
        {"m": referred_merchant_id, "d": qualifying_days},
    )
    return result.scalar_one_or_none()


# The sweep goes over every shop's pending referrals (a handful a day), oldest first, in
# batches; SKIP LOCKED lets two sweeps (a retry beside a late run) share the work.
# An app/uninstalled webhook cancels a young referral at once (``cancel_referral_of``);
# the sweep also honours an uninstall recorded on the shop itself (``uninstalled_at``),
# so the rule holds whichever way the uninstall became known.
_CANCEL_DUE = text(
    """
WITH due AS (
    SELECT r.merchant_id, r.id, m.uninstalled_at
    FROM merchant_referrals r JOIN merchants m ON m.id = r.referred_merchant_id
    WHERE r.status = 'pending'
      AND m.uninstalled_at IS NOT NULL
      AND m.uninstalled_at < r.created_at + make_interval(days => :d)
    ORDER BY r.created_at
    LIMIT :limit
    FOR UPDATE OF r SKIP LOCKED
)
UPDATE merchant_referrals r SET status = 'cancelled', cancelled_at = due.uninstalled_at
FROM due WHERE r.merchant_id = due.merchant_id AND r.id = due.id
RETURNING r.id
"""
)

_QUALIFY_DUE = text(
    """
WITH due AS (
    SELECT r.merchant_id, r.id, r.created_at
    FROM merchant_referrals r JOIN merchants m ON m.id = r.referred_merchant_id
    WHERE r.status = 'pending'
      AND r.created_at <= now() - make_interval(days => :d)
      AND (m.uninstalled_at IS NULL OR m.uninstalled_at >= r.created_at + make_interval(days => :d))
    ORDER BY r.created_at
    LIMIT :limit
    FOR UPDATE OF r SKIP LOCKED
)
UPDATE merchant_referrals r
SET status = 'qualified', qualified_at = due.created_at + make_interval(days => :d), credited_at = now()
FROM due WHERE r.merchant_id = due.merchant_id AND r.id = due.id
RETURNING r.merchant_id, r.id
"""
)


async def cancel_due_referrals(session: AsyncSession, *, qualifying_days: int, limit: int) -> int:
    """Pending referrals whose referred shop uninstalled within the qualifying days."""
    result = await session.execute(_CANCEL_DUE, {"d": qualifying_days, "limit": limit})
    return len(result.all())


async def qualify_due_referrals(
    session: AsyncSession, *, qualifying_days: int, limit: int
) -> list[tuple[int, int]]:
    """Pending referrals whose referred shop stayed installed the qualifying days, now
    qualified: [(referring merchant id, referral id)]."""
    result = await session.execute(_QUALIFY_DUE, {"d": qualifying_days, "limit": limit})
    return [(int(row[0]), int(row[1])) for row in result.all()]


async def insert_credits(
    session: AsyncSession, credits: Sequence[tuple[int, str]], *, months: int, kind: str
) -> int:
    """Append ``(merchant_id, idempotency key)`` credits of ``months`` each (the key is
    also the source reference); a key already there is left alone. Returns how many
    rows were appended."""
    if not credits:
        return 0
    result = await session.execute(
        text(
            "INSERT INTO merchant_credits (merchant_id, months, kind, source_ref, idempotency_key)"
            " SELECT c.m, :months, :kind, c.k, c.k"
            " FROM unnest(CAST(:ms AS bigint[]), CAST(:ks AS text[])) AS c(m, k)"
            " ORDER BY c.m, c.k"
            " ON CONFLICT (merchant_id, idempotency_key) DO NOTHING RETURNING id"
        ),
        {"ms": [m for m, _ in credits], "ks": [k for _, k in credits], "months": months, "kind": kind},
    )
    return len(result.all())


class CreditRow(NamedTuple):
    id: int
    months: int
    kind: str
    source_ref: str
    created_at: Any


async def list_credits(
    session: AsyncSession,
    merchant_id: int,
    *,
    after_id: int | None,
    before_id: int | None,
    backward: bool,
    limit: int,
) -> list[CreditRow]:
    """The shop's credit ledger, newest first."""
    result = await session.execute(
        _page_sql(
            "SELECT c.id, c.months, c.kind, c.source_ref, c.created_at FROM merchant_credits c ",
            "WHERE c.merchant_id = :m",
            "c",
            backward,
        ),
        {"m": merchant_id, "after": after_id, "before": before_id, "limit": limit},
    )
    rows = [CreditRow(*row) for row in result.all()]
    return rows[::-1] if backward else rows


async def count_credits(session: AsyncSession, merchant_id: int) -> int:
    result = await session.execute(
        text("SELECT count(*) FROM merchant_credits WHERE merchant_id = :m"), {"m": merchant_id}
    )
    return int(result.scalar_one())


async def sum_credit_months(session: AsyncSession, merchant_id: int) -> int:
    result = await session.execute(
        text("SELECT coalesce(sum(months), 0) FROM merchant_credits WHERE merchant_id = :m"),
        {"m": merchant_id},
    )
    return int(result.scalar_one())
