"""Changes to customer profiles: Shopify's customer facts on the way in (PII sealed),
birthdays entered by customers or staff. Each takes the caller's unit of work."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from cryptography.exceptions import InvalidTag

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import pii, repository, rules
from loyalnest.contexts.customers.dto import (
    CustomerDTO,
    CustomerWrite,
    ImportedCustomer,
    SealedCustomer,
    ShopifyCustomerFacts,
)
from loyalnest.contexts.customers.models import (
    BIRTHDAY,
    EMAIL,
    FIRST_NAME,
    LAST_NAME,
    UNREADABLE_BIRTHDAY_INDEX,
)
from loyalnest.platform import db
from loyalnest.platform.crypto import KeyringError, encrypt_optional, get_keyring
from loyalnest.platform.errors import NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import CacheKey, UnitOfWork

log = logging.getLogger(__name__)


# whether a shop has imported customers waiting for Shopify's id, read once per unit of
# work (a webhook batch): shops that imported nobody pay one probe per batch, not one
# statement per customer
IMPORTED_WAITING = CacheKey[bool]("customers.imported_waiting")


async def _claim_imported(uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts) -> None:
    """A customer an import brought with this email, waiting for Shopify's id, is this
    customer: the row takes the id, and the upsert after it updates that row rather
    than making a second customer. Whichever webhook names them first (an order of an
    existing Shopify customer usually comes before any customers/update)."""
    if not facts.email:
        return

    async def load() -> bool:
        return await repository.has_imported_waiting(uow.session, merchant_id)

    if not await uow.cached(IMPORTED_WAITING, merchant_id, load):
        return
    await repository.claim_imported(
        uow.session, merchant_id, facts.shopify_customer_id, rules.email_indexes(get_keyring(), facts.email)
    )


async def upsert_from_shopify(uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts) -> int:
    """The profile from an order's customer object. It never records a marketing opt-in:
    only customers/create|update webhooks do, and they earn the newsletter points for
    it. (Were an order to record it first, e.g. when orders/create overtakes the
    customers/create of a new subscriber, the webhook would find it already recorded
    and the customer would never earn them.)"""
    now = utcnow()
    await _claim_imported(uow, merchant_id, facts)
    values = pii.upsert_values(get_keyring(), merchant_id, facts, now=now, opt_in=False)
    customer_id, _ = await repository.upsert_by_shopify_id(uow.session, values, keep=pii.kept_columns(facts))
    return customer_id


async def record_customer_webhook(
    uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts
) -> CustomerWrite:
    """The profile from a customers/create|update webhook, noting the first time it shows
    the customer's marketing consent on."""
    now = utcnow()
    keyring = get_keyring()
    await _claim_imported(uow, merchant_id, facts)
    values = pii.upsert_values(keyring, merchant_id, facts, now=now, opt_in=True)
    customer_id, opted_in = await repository.upsert_by_shopify_id(
        uow.session, values, keep=pii.kept_columns(facts)
    )
    return CustomerWrite(id=customer_id, marketing_opted_in=opted_in)


async def set_birthday(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, birthday: date | None, actor: str
) -> CustomerDTO:
    """A birthday entered by the customer or by staff (None clears it). Moving it to
    another day of the year restarts its 30-day wait (see the repository)."""
    now = utcnow()
    if birthday is not None:
        rules.validate_birthday(birthday, today=now.date())
    keyring = get_keyring()
    day = None if birthday is None else rules.month_day(birthday)
    index = None if day is None else rules.birthday_index(keyring, merchant_id, day)
    found = await repository.set_birthday(
        uow.session,
        merchant_id,
        customer_id,
        birthday_enc=encrypt_optional(keyring, birthday.isoformat() if birthday else None, context=BIRTHDAY),
        birthday_md_bidx=index,
        birthday_md_indexes=[] if day is None else rules.birthday_indexes(keyring, merchant_id, day),
        now=now,
    )
    if not found:
        raise NotFound("customer not found", field="customerId")
    # who changed it, never the date itself (audit rows hold no PII)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="customer.birthday_set" if birthday is not None else "customer.birthday_cleared",
        target_type="Customer",
        target_id=str(customer_id),
    )
    row = await repository.get(uow.session, merchant_id, customer_id)
    assert row is not None
    return pii.to_dto(row, keyring)


async def index_birthdays(uow: UnitOfWork, *, limit: int = 500) -> int:
    """Give birthdays stored before the month-day index existed their index (their set
    time stays unknown: they count as set long ago). Returns how many rows it handled."""
    keyring = get_keyring()
    rows = await repository.lock_unindexed_birthdays(uow.session, limit=limit)
    indexes: list[tuple[int, int, str]] = []
    for merchant_id, customer_id, token in rows:
        try:
            birthday = date.fromisoformat(keyring.decrypt(token, context=BIRTHDAY))
        except (KeyringError, InvalidTag, ValueError):
            log.warning("stored birthday cannot be read", extra={"customer_id": customer_id})
            indexes.append((merchant_id, customer_id, UNREADABLE_BIRTHDAY_INDEX))
            continue
        index = rules.birthday_index(keyring, merchant_id, rules.month_day(birthday))
        indexes.append((merchant_id, customer_id, index))
    await repository.set_birthday_indexes(uow.session, indexes)
    return len(rows)


# --- customers brought by an import ----------------------------------------------------


# Sealed at validation, copied at import: a file of a million customers is encrypted once
# (the import's staged rows hold what the customers' rows will), in a few calls per
# column, and matched and created with set-based statements.


def seal_imported(people: Sequence[ImportedCustomer]) -> list[SealedCustomer]:
    """The people as this context will store them (see ``SealedCustomer``)."""
    keyring = get_keyring()
    emails = [p.email for p in people]
    email_enc = keyring.encrypt_many(emails, context=EMAIL)
    email_bidx = keyring.blind_index_many(emails, kind=rules.EMAIL_INDEX_KIND)
    first_enc = keyring.encrypt_many([p.first_name for p in people], context=FIRST_NAME)
    last_enc = keyring.encrypt_many([p.last_name for p in people], context=LAST_NAME)
    return [
        SealedCustomer(p.shopify_customer_id, e, b, f, la)
        for p, e, b, f, la in zip(people, email_enc, email_bidx, first_enc, last_enc, strict=True)
    ]


async def refresh_statistics() -> None:
    """Fresh planner statistics for the tables an import is filling (see
    ``platform.db.refresh_statistics``)."""
    await db.refresh_statistics(repository.BULK_TABLES)


async def match_sealed(
    uow: UnitOfWork, merchant_id: int, people: Sequence[SealedCustomer]
) -> list[int | None]:
    """The shop's customer each imported person is, by Shopify id, then by the email's
    index; None for someone new to the shop. While an older blind key is still
    configured (a rotation under way) a stored index may be under it: then the emails
    are opened to look under every key."""
    keyring = get_keyring()
    if len(keyring.blind_keys) > 1:
        indexes = [
            []
            if p.email_enc is None
            else rules.email_indexes(keyring, keyring.decrypt(p.email_enc, context=EMAIL))
            for p in people
        ]
    else:
        indexes = [[] if p.email_bidx is None else [p.email_bidx] for p in people]
    by_shopify, by_email = await repository.match_for_import(
        uow.session,
        merchant_id,
        [p.shopify_customer_id for p in people if p.shopify_customer_id is not None],
        [index for found in indexes for index in found],
    )
    matched: list[int | None] = []
    for person, found in zip(people, indexes, strict=True):
        customer_id = by_shopify.get(person.shopify_customer_id) if person.shopify_customer_id else None
        if customer_id is None:
            customer_id = next((by_email[i] for i in found if i in by_email), None)
        matched.append(customer_id)
    return matched


async def hold(uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]) -> None:
    """Hold these customers of the shop until the transaction ends: another transaction
    holding one of them waits for this one to end first. An import applies its chunks
    side by side; two rows of different chunks can name one customer (matched since
    validation), and neither chunk sees the other's row until it commits."""
    if customer_ids:
        await repository.hold(uow.session, merchant_id, sorted(set(customer_ids)))


async def create_sealed(uow: UnitOfWork, merchant_id: int, people: Sequence[SealedCustomer]) -> list[int]:
    """New customers an import brings, in order, their sealed values copied as they are;
    one without a Shopify id waits (``imported``) for the first webhook naming their
    email (``_claim_imported``)."""
    return await repository.create_imported_columns(
        uow.session,
        merchant_id,
        [p.shopify_customer_id for p in people],
        [p.email_enc for p in people],
        [p.email_bidx for p in people],
        [p.first_name_enc for p in people],
        [p.last_name_enc for p in people],
    )


async def delete_imported(uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]) -> int:
    """Customers an import created, taken back by its revert."""
    return await repository.delete_imported(uow.session, merchant_id, customer_ids)


async def import_birthdays(
    uow: UnitOfWork, merchant_id: int, birthdays: Sequence[tuple[int, date]]
) -> list[int]:
    """Birthdays an import brings, (customer, date; year 1004 when the old app did not
    know the year, as Smile writes it), stored only where the customer has none; they
    count at once (no waiting period: the old app knew them). Returns the customers
    whose birthday the import set (a revert clears those)."""
    keyring = get_keyring()
    rows = [
        (
            customer_id,
            keyring.encrypt(day.isoformat(), context=BIRTHDAY),
            rules.birthday_index(keyring, merchant_id, rules.month_day(day)),
        )
        for customer_id, day in birthdays
    ]
    return await repository.import_birthdays(uow.session, merchant_id, rows, utcnow())


async def clear_imported_birthdays(uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]) -> int:
    """A revert: the birthdays its import set go, unless changed since."""
    return await repository.clear_imported_birthdays(uow.session, merchant_id, customer_ids, utcnow())
