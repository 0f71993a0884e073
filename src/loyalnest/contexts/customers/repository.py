"""All SQL of the customers context; every call is scoped by merchant."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.customers.models import Customer
from loyalnest.platform.db import driver_connection

_UPSERT_FIELDS = (
    "email_enc",
    "email_bidx",
    "first_name_enc",
    "last_name_enc",
    "phone_enc",
    "birthday_enc",
    "birthday_md_bidx",
    "birthday_set_at",
    "accepts_marketing",
    "marketing_opt_in_at",
    "tags",
    "state",
    "shopify_updated_at",
    "locale",
    "updated_at",
)
# Columns an update does not simply overwrite. Both right-hand sides read the stored row.
_UPDATE_EXPRESSIONS = {
    # the birthday counts as set anew only when it moves to another day of the year: the
    # stored index is compared with the day's index under every configured blind key (the
    # parameter after the columns), since a row not yet re-indexed by a key rotation holds
    # an older one
    "birthday_set_at": "CASE WHEN customers.birthday_md_bidx IS NOT DISTINCT FROM EXCLUDED.birthday_md_bidx"
    f" OR customers.birthday_md_bidx = ANY(${2 + len(_UPSERT_FIELDS) + 1}::text[])"
    " THEN customers.birthday_set_at ELSE EXCLUDED.birthday_set_at END",
    # set once, the first time consent is seen on, and never cleared
    "marketing_opt_in_at": "COALESCE(customers.marketing_opt_in_at, EXCLUDED.marketing_opt_in_at)",
}


_UPSERT_COLUMNS = ("merchant_id", "shopify_customer_id", *_UPSERT_FIELDS)
_UPSERT_SQL: dict[frozenset[str], str] = {}
_ID_BY_SHOPIFY_ID = "SELECT id FROM customers WHERE merchant_id = $1 AND shopify_customer_id = $2"


def _upsert_sql(keep: frozenset[str]) -> str:
    """The upsert for one set of kept columns, built once (asyncpg then prepares it once
    per connection): building it with SQLAlchemy cost ~1.2 ms of CPU per order webhook.

    It also says, in the same round trip, whether this write is the one that recorded
    the customer's first marketing opt-in: the caller passes one timestamp as both
    ``updated_at`` and the opt-in time, so the stored opt-in equals this write's
    ``updated_at`` only when this statement set it (an earlier opt-in keeps its own
    time). That needs no read of the old row, and concurrent writers cannot both see it:
    the conflict update works on the latest committed row."""
    sql = _UPSERT_SQL.get(keep)
    if sql is None:
        columns = ", ".join(_UPSERT_COLUMNS)
        params = ", ".join(f"${i}" for i in range(1, len(_UPSERT_COLUMNS) + 1))
        sets = ", ".join(
            f"{name} = {_UPDATE_EXPRESSIONS.get(name, f'EXCLUDED.{name}')}"
            for name in _UPSERT_FIELDS
            if name not in keep
        )
        sql = _UPSERT_SQL[keep] = (
            f"INSERT INTO customers ({columns}) VALUES ({params}) "
            f"ON CONFLICT (merchant_id, shopify_customer_id) DO UPDATE SET {sets} "
            "WHERE customers.shopify_updated_at IS NULL OR EXCLUDED.shopify_updated_at IS NULL "
            "OR EXCLUDED.shopify_updated_at >= customers.shopify_updated_at "
            "RETURNING id, marketing_opt_in_at IS NOT NULL AND marketing_opt_in_at = updated_at"
        )
    return sql


async def upsert_by_shopify_id(
    session: AsyncSession, values: dict[str, Any], *, keep: Collection[str] = ()
) -> tuple[int, bool]:
    """Insert or update the customer; a payload older than the stored one changes nothing.
    Columns named in ``keep`` are only written for a new customer. Returns the customer
    id either way, and whether this write recorded the first marketing opt-in."""
    connection = await driver_connection(session)
    args = [values[name] for name in _UPSERT_COLUMNS]
    if "birthday_set_at" not in keep:  # the statement compares the stored birthday index
        args.append(values["birthday_md_indexes"])
    record = await connection.fetchrow(_upsert_sql(frozenset(keep)), *args)
    if record is None:  # a stale payload: nothing written
        customer_id = await connection.fetchval(
            _ID_BY_SHOPIFY_ID, values["merchant_id"], values["shopify_customer_id"]
        )
        return int(customer_id), False
    return int(record[0]), bool(record[1])


_SET_BIRTHDAY = """
UPDATE customers
SET birthday_enc = $3, birthday_md_bidx = $4::varchar,
    birthday_set_at = CASE WHEN $4::varchar IS NULL THEN NULL
        WHEN birthday_md_bidx IS NULL OR NOT birthday_md_bidx = ANY($6::text[]) THEN $5
        ELSE birthday_set_at END,
    updated_at = $5
WHERE merchant_id = $1 AND id = $2
RETURNING id
"""


async def set_birthday(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    *,
    birthday_enc: str | None,
    birthday_md_bidx: str | None,
    birthday_md_indexes: Sequence[str],
    now: datetime,
) -> bool:
    """Store a birthday (or clear it); False when the customer is not the shop's.
    ``birthday_md_indexes``: the day's index under every configured blind key (the
    stored one may predate a key rotation), to tell a moved birthday from the same."""
    connection = await driver_connection(session)
    found = await connection.fetchval(
        _SET_BIRTHDAY,
        merchant_id,
        customer_id,
        birthday_enc,
        birthday_md_bidx,
        now,
        list(birthday_md_indexes),
    )
    return found is not None


# an import's birthdays: only where none is stored (the customer's own entry wins);
# ``birthday_set_at`` stays NULL, so no waiting period: the old app knew the date
_IMPORT_BIRTHDAYS = """
UPDATE customers c SET birthday_enc = u.enc, birthday_md_bidx = u.bidx, birthday_set_at = NULL,
    updated_at = $5
FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u(id, enc, bidx)
WHERE c.merchant_id = $1 AND c.id = u.id AND c.birthday_enc IS NULL
RETURNING c.id
"""
# a revert clears the birthdays its import set, unless moved since (a move sets the time)
_CLEAR_IMPORTED_BIRTHDAYS = """
UPDATE customers SET birthday_enc = NULL, birthday_md_bidx = NULL, updated_at = $3
WHERE merchant_id = $1 AND id = ANY($2::bigint[]) AND birthday_set_at IS NULL
  AND birthday_enc IS NOT NULL
"""


async def import_birthdays(
    session: AsyncSession,
    merchant_id: int,
    rows: Sequence[tuple[int, str, str]],
    now: datetime,
) -> list[int]:
    """Store (customer, birthday ciphertext, day index) where no birthday is stored;
    returns the customers written."""
    if not rows:
        return []
    connection = await driver_connection(session)
    records = await connection.fetch(
        _IMPORT_BIRTHDAYS,
        merchant_id,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        now,
    )
    return [int(r[0]) for r in records]


async def clear_imported_birthdays(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], now: datetime
) -> int:
    if not customer_ids:
        return 0
    connection = await driver_connection(session)
    status = await connection.execute(_CLEAR_IMPORTED_BIRTHDAYS, merchant_id, list(customer_ids), now)
    return int(status.split()[-1])


_BIRTHDAYS_ON = """
SELECT id FROM customers
WHERE merchant_id = $1 AND birthday_md_bidx = ANY($2::text[])
  AND (birthday_set_at IS NULL OR birthday_set_at < $3)
ORDER BY id
"""


async def ids_with_birthday_index(
    session: AsyncSession, merchant_id: int, month_day_indexes: Sequence[str], *, set_before: datetime
) -> list[int]:
    """Customers whose birthday index is one of ``month_day_indexes`` (each day's under
    every configured blind key) and whose birthday was set before ``set_before`` (or
    before it was tracked)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_BIRTHDAYS_ON, merchant_id, list(month_day_indexes), set_before)
    return [int(r[0]) for r in records]


# A loose index scan: one index probe per shop, however many birthdays each holds.
_SHOPS_WITH_BIRTHDAYS = """
WITH RECURSIVE shops(merchant_id) AS (
    (SELECT merchant_id FROM customers WHERE birthday_md_bidx IS NOT NULL ORDER BY merchant_id LIMIT 1)
  UNION ALL
    SELECT (
        SELECT c.merchant_id FROM customers c
        WHERE c.birthday_md_bidx IS NOT NULL AND c.merchant_id > shops.merchant_id
        ORDER BY c.merchant_id LIMIT 1
    )
    FROM shops WHERE shops.merchant_id IS NOT NULL
)
SELECT merchant_id FROM shops WHERE merchant_id IS NOT NULL
"""


async def shops_with_birthdays(session: AsyncSession) -> list[int]:
    """Every shop holding at least one indexed birthday (a fleet-wide maintenance read,
    like the inbox relay's)."""
    connection = await driver_connection(session, transactional=False)
    return [int(r[0]) for r in await connection.fetch(_SHOPS_WITH_BIRTHDAYS)]


_UNINDEXED_BIRTHDAYS = """
SELECT merchant_id, id, birthday_enc FROM customers
WHERE birthday_enc IS NOT NULL AND birthday_md_bidx IS NULL
ORDER BY merchant_id, id
LIMIT $1
FOR UPDATE SKIP LOCKED
"""
_SET_BIRTHDAY_INDEXES = """
UPDATE customers AS c SET birthday_md_bidx = u.bidx
FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(merchant_id, id, bidx)
WHERE c.merchant_id = u.merchant_id AND c.id = u.id
"""


async def lock_unindexed_birthdays(session: AsyncSession, *, limit: int) -> list[tuple[int, int, str]]:
    """(merchant_id, id, birthday_enc) of birthdays not yet in the month-day index,
    locked (other passes skip them)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_UNINDEXED_BIRTHDAYS, limit)
    return [(int(m), int(i), str(enc)) for m, i, enc in records]


async def set_birthday_indexes(session: AsyncSession, indexes: Sequence[tuple[int, int, str]]) -> None:
    """Write (merchant_id, id, month-day index) for rows locked above."""
    if not indexes:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _SET_BIRTHDAY_INDEXES,
        [m for m, _, _ in indexes],
        [i for _, i, _ in indexes],
        [b for _, _, b in indexes],
    )


_ID_BY_EMAIL = (
    "SELECT id FROM customers WHERE merchant_id = $1 AND email_bidx = ANY($2::text[]) ORDER BY id LIMIT 1"
)


async def id_by_email_index(
    session: AsyncSession, merchant_id: int, email_bidxes: Sequence[str]
) -> int | None:
    """``email_bidxes``: the address's index under each configured blind key."""
    connection = await driver_connection(session, transactional=False)
    found = await connection.fetchval(_ID_BY_EMAIL, merchant_id, list(email_bidxes))
    return None if found is None else int(found)


async def get(session: AsyncSession, merchant_id: int, customer_id: int) -> Customer | None:
    return await session.get(Customer, (merchant_id, customer_id))


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A customers row as the DataLoader reads it (no ORM object on the hot read path)."""

    merchant_id: int
    id: int
    shopify_customer_id: int
    email_enc: str | None
    first_name_enc: str | None
    last_name_enc: str | None
    phone_enc: str | None
    birthday_enc: str | None
    accepts_marketing: bool
    tags: str
    state: str
    created_at: datetime
    updated_at: datetime
    locale: str | None


_GET_MANY = f"""
SELECT {", ".join(CustomerRow.__slots__)} FROM customers
WHERE merchant_id = $1 AND id = ANY($2::bigint[])
"""


async def get_many(connection: Any, merchant_id: int, customer_ids: Sequence[int]) -> list[CustomerRow]:
    """Batch read for the per-request DataLoader, as one asyncpg prepared statement on a
    ``platform.db.plain_connection`` (SQLAlchemy's ORM overhead was most of a dashboard
    query's time)."""
    records = await connection.fetch(_GET_MANY, merchant_id, list(customer_ids))
    return [CustomerRow(*record) for record in records]


_TAGS_OF = "SELECT id, tags FROM customers WHERE merchant_id = $1 AND id = ANY($2::bigint[]) AND tags <> ''"


async def tags_of(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> dict[int, str]:
    """{customer id: stored tags (",a,b,")} of those among ``customer_ids`` with tags, in
    the session's transaction."""
    connection = await driver_connection(session)
    return {int(cid): tags for cid, tags in await connection.fetch(_TAGS_OF, merchant_id, list(customer_ids))}


_COLUMNS = ", ".join(CustomerRow.__slots__)
_GET_BY_SHOPIFY_ID = f"SELECT {_COLUMNS} FROM customers WHERE merchant_id = $1 AND shopify_customer_id = $2"


async def get_by_shopify_id(
    connection: Any, merchant_id: int, shopify_customer_id: int
) -> CustomerRow | None:
    """One prepared statement on a ``plain_connection``, like ``get_many``: through an
    ORM session (checkout, BEGIN, the query, ROLLBACK) it cost the staff
    ``customerByShopifyId`` query half its throughput."""
    record = await connection.fetchrow(_GET_BY_SHOPIFY_ID, merchant_id, shopify_customer_id)
    return None if record is None else CustomerRow(*record)


# one statement text per combination of bounds and filters (at most 64), so each is a
# prepared statement with a plan of its own rather than one plan for every optional bound
_LIST_PAGE_SQL: dict[tuple[bool, ...], str] = {}


def _list_page_sql(shape: tuple[bool, ...]) -> str:
    sql = _LIST_PAGE_SQL.get(shape)
    if sql is None:
        after, before, email, shopify_id, tag, backward = shape
        conditions = ["merchant_id = $1"]
        for present, condition in (
            (after, "id > ${}"),
            (before, "id < ${}"),
            (email, "email_bidx = ANY(${}::text[])"),
            (shopify_id, "shopify_customer_id = ${}"),
            # tags are stored ",a,b," so a tag matches whole, never as a substring of another
            (tag, "tags ILIKE ${} ESCAPE '\\'"),
        ):
            if present:
                conditions.append(condition.format(len(conditions) + 1))
        sql = _LIST_PAGE_SQL[shape] = (
            f"SELECT {_COLUMNS} FROM customers WHERE {' AND '.join(conditions)}"
            f" ORDER BY id{' DESC' if backward else ''} LIMIT ${len(conditions) + 1}"
        )
    return sql


async def list_page(
    connection: Any,
    merchant_id: int,
    *,
    after_id: int | None,
    limit: int,
    before_id: int | None = None,
    backward: bool = False,
    email_bidxes: list[str] | None = None,
    shopify_customer_id: int | None = None,
    tag: str | None = None,
) -> list[CustomerRow]:
    """Oldest first, keyset-paginated on the id between ``after_id`` and ``before_id``;
    ``backward`` reads the ``limit`` rows nearest ``before_id`` (still returned oldest
    first). One prepared statement on a ``plain_connection``: through an ORM session the
    list page spent more CPU in SQLAlchemy (checkout, BEGIN, compiling, ORM rows,
    ROLLBACK) than in everything else but GraphQL."""
    pattern = None if tag is None else f"%,{_escape_like(tag)},%"
    values = (after_id, before_id, email_bidxes, shopify_customer_id, pattern)
    args = [merchant_id, *(value for value in values if value is not None)]
    sql = _list_page_sql((*(value is not None for value in values), backward))
    rows = [CustomerRow(*record) for record in await connection.fetch(sql, *args, limit)]
    return rows[::-1] if backward else rows


async def count_matching(
    session: AsyncSession,
    merchant_id: int,
    *,
    email_bidxes: list[str] | None = None,
    shopify_customer_id: int | None = None,
    tag: str | None = None,
) -> int:
    """How many of the shop's customers ``list_page`` would list with these filters."""
    query = _matching(
        select(func.count()).select_from(Customer),
        merchant_id,
        email_bidxes=email_bidxes,
        shopify_customer_id=shopify_customer_id,
        tag=tag,
    )
    return int((await session.execute(query)).scalar_one())


def _matching(
    query: Any,
    merchant_id: int,
    *,
    email_bidxes: list[str] | None,
    shopify_customer_id: int | None,
    tag: str | None,
) -> Any:
    query = query.where(Customer.merchant_id == merchant_id)
    if email_bidxes is not None:
        query = query.where(Customer.email_bidx.in_(email_bidxes))  # type: ignore[union-attr]
    if shopify_customer_id is not None:
        query = query.where(Customer.shopify_customer_id == shopify_customer_id)
    if tag is not None:
        # tags are stored ",a,b," so a tag matches whole, never as a substring of another
        query = query.where(Customer.tags.ilike(f"%,{_escape_like(tag)},%", escape="\\"))  # type: ignore[attr-defined]
    return query


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Everything that names the person goes; the row stays (the ledger's rows are its), its
# Shopify id replaced by our own id negated: unique, and a later webhook about that
# Shopify customer makes a new customer rather than refilling this one.
_ERASE = text(
    """
UPDATE customers SET email_enc = NULL, email_bidx = NULL, first_name_enc = NULL, last_name_enc = NULL,
    phone_enc = NULL, birthday_enc = NULL, birthday_md_bidx = NULL, birthday_set_at = NULL,
    tags = '', locale = NULL, accepts_marketing = false, shopify_customer_id = -id, state = 'erased',
    updated_at = now()
WHERE merchant_id = :m AND id = :c
"""
)


async def erase(session: AsyncSession, merchant_id: int, customer_id: int) -> None:
    await session.execute(_ERASE, {"m": merchant_id, "c": customer_id})


# --- customers brought by an import ----------------------------------------------------

# An imported customer Shopify has not told us about yet: ``state`` 'imported' and, until
# Shopify's customers/create with their email claims the row, our id negated in place of
# Shopify's (the column is unique per shop and required).
IMPORTED_STATE = "imported"


# the tables an import fills (``refresh_statistics``)
BULK_TABLES = ("customers",)


async def match_for_import(
    session: AsyncSession, merchant_id: int, shopify_ids: Sequence[int], email_indexes: Sequence[str]
) -> tuple[dict[int, int], dict[str, int]]:
    """({Shopify id: customer id}, {email index: customer id}) of the shop's customers
    among those ids and indexes (an email index of any configured blind key)."""
    connection = await driver_connection(session)
    by_shopify: dict[int, int] = {}
    by_email: dict[str, int] = {}
    if shopify_ids:
        # one index probe per id (a LATERAL subquery; ``OFFSET 0`` keeps the planner from
        # pulling it up into a join): a join planned from the statistics of a table an
        # import is growing read every customer of the shop per chunk (0.4 s a chunk at
        # 300,000 customers, growing with them)
        for row in await connection.fetch(
            "SELECT i.shopify_id, f.id FROM unnest($2::bigint[]) AS i(shopify_id)"
            " CROSS JOIN LATERAL (SELECT c.id FROM customers c"
            " WHERE c.merchant_id = $1 AND c.shopify_customer_id = i.shopify_id OFFSET 0) AS f",
            merchant_id,
            list(shopify_ids),
        ):
            by_shopify[int(row[0])] = int(row[1])
    if email_indexes:
        # a probe per index, not ``email_bidx = ANY($2)`` (under a generic plan the array
        # is searched element by element for every row a scan reads: half a minute at
        # 100,000 customers) nor a join (planned from stale statistics, a merge join
        # sorted every customer of the shop per chunk: 0.4 s against 27 ms); the least id
        # is taken outside it: ``min()`` inside is planned as a walk of the shop's ids in
        # order until one has the email, every id for an email nobody has
        for row in await connection.fetch(
            "SELECT i.bidx, min(f.id) FROM unnest($2::text[]) AS i(bidx)"
            " CROSS JOIN LATERAL (SELECT c.id FROM customers c"
            " WHERE c.merchant_id = $1 AND c.email_bidx = i.bidx OFFSET 0) AS f GROUP BY i.bidx",
            merchant_id,
            list(email_indexes),
        ):
            by_email[str(row[0])] = int(row[1])
    return by_shopify, by_email


async def hold(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> None:
    """Lock the customers (``FOR NO KEY UPDATE``: rows pointing at them are still
    written freely) in the order given, ids ascending: two transactions holding
    overlapping sets take their common rows in one order, so they never deadlock. A
    probe per id, in that order (a nested loop; see ``match_for_import``)."""
    connection = await driver_connection(session)
    await connection.execute(
        "SELECT f.id FROM unnest($2::bigint[]) AS i(id)"
        " CROSS JOIN LATERAL (SELECT c.id FROM customers c"
        " WHERE c.merchant_id = $1 AND c.id = i.id FOR NO KEY UPDATE OF c) AS f",
        merchant_id,
        list(customer_ids),
    )


# The id is drawn first (the placeholder Shopify id of a waiting customer is its negation);
# the sequence is looked up once per statement, not once per row (a quarter of the
# statement's time at 100,000 rows, measured).
_CREATE_IMPORTED = """
WITH seq AS (
    SELECT pg_get_serial_sequence('customers', 'id')::regclass AS s
), input AS (
    SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
        WITH ORDINALITY AS t(shopify_customer_id, email_enc, email_bidx, first_name_enc, last_name_enc, n)
), numbered AS (
    SELECT input.*, nextval(seq.s) AS id FROM input CROSS JOIN seq ORDER BY n
)
INSERT INTO customers (merchant_id, id, shopify_customer_id, email_enc, email_bidx, first_name_enc,
                       last_name_enc, state)
SELECT $1, id, coalesce(shopify_customer_id, -id), email_enc, email_bidx, first_name_enc,
       last_name_enc, CASE WHEN shopify_customer_id IS NULL THEN 'imported' ELSE 'enabled' END
FROM numbered ORDER BY n
RETURNING id
"""


async def create_imported_columns(
    session: AsyncSession,
    merchant_id: int,
    shopify_customer_ids: Sequence[int | None],
    email_enc: Sequence[str | None],
    email_bidx: Sequence[str | None],
    first_name_enc: Sequence[str | None],
    last_name_enc: Sequence[str | None],
) -> list[int]:
    """Insert customers an import brings, column by column (one list per column, a row
    each); returns their ids in order. Without a Shopify id the row waits, ``imported``."""
    if not shopify_customer_ids:
        return []
    connection = await driver_connection(session)
    records = await connection.fetch(
        _CREATE_IMPORTED,
        merchant_id,
        list(shopify_customer_ids),
        list(email_enc),
        list(email_bidx),
        list(first_name_enc),
        list(last_name_enc),
    )
    return [int(r[0]) for r in records]


async def has_imported_waiting(session: AsyncSession, merchant_id: int) -> bool:
    """Whether the shop has customers an import brought that Shopify has not named yet
    (one probe of ``ix_customers_imported``)."""
    connection = await driver_connection(session)
    return bool(
        await connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE merchant_id = $1 AND state = 'imported')",
            merchant_id,
        )
    )


async def claim_imported(
    session: AsyncSession, merchant_id: int, shopify_customer_id: int, email_indexes: Sequence[str]
) -> int | None:
    """An imported customer waiting for Shopify's id, with this email, takes it (unless
    the shop already has a customer of that id); returns their id."""
    if not email_indexes:
        return None
    connection = await driver_connection(session)
    found = await connection.fetchval(
        """
        UPDATE customers SET shopify_customer_id = $2, state = 'enabled', updated_at = now()
        WHERE merchant_id = $1 AND state = 'imported' AND email_bidx = ANY($3::text[])
          AND id = (SELECT min(id) FROM customers WHERE merchant_id = $1 AND state = 'imported'
                    AND email_bidx = ANY($3::text[]))
          AND NOT EXISTS (SELECT 1 FROM customers WHERE merchant_id = $1 AND shopify_customer_id = $2)
        RETURNING id
        """,
        merchant_id,
        shopify_customer_id,
        list(email_indexes),
    )
    return None if found is None else int(found)


async def delete_imported(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> int:
    """Customers an import created, taken back by its revert (the caller checked they did
    nothing else), unless Shopify has told us about them since (a customers/create
    claimed the row, or a webhook updated it): those are the shop's customers now."""
    if not customer_ids:
        return 0
    connection = await driver_connection(session)
    status = await connection.execute(
        "DELETE FROM customers WHERE merchant_id = $1 AND id = "
        "ANY($2::bigint[]) AND shopify_updated_at IS NULL",
        merchant_id,
        list(customer_ids),
    )
    return int(status.rsplit(" ", 1)[-1])
