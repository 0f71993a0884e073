"""Changes to customer profiles: Shopify's customer facts on the way in (PII sealed),
birthdays entered by customers or staff. Each takes the caller's unit of work."""

from __future__ import annotations

import logging
from datetime import date

from cryptography.exceptions import InvalidTag

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import pii, repository, rules
from loyalnest.contexts.customers.dto import CustomerDTO, CustomerWrite, ShopifyCustomerFacts
from loyalnest.contexts.customers.models import BIRTHDAY, UNREADABLE_BIRTHDAY_INDEX
from loyalnest.platform.crypto import KeyringError, encrypt_optional, get_keyring
from loyalnest.platform.errors import NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)


async def upsert_from_shopify(uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts) -> int:
    """The profile from an order's customer object. It never records a marketing opt-in:
    only customers/create|update webhooks do, and they earn the newsletter points for
    it. (Were an order to record it first, e.g. when orders/create overtakes the
    customers/create of a new subscriber, the webhook would find it already recorded
    and the customer would never earn them.)"""
    now = utcnow()
    values = pii.upsert_values(get_keyring(), merchant_id, facts, now=now, opt_in=False)
    customer_id, _ = await repository.upsert_by_shopify_id(uow.session, values, keep=pii.kept_columns(facts))
    return customer_id


async def record_customer_webhook(
    uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts
) -> CustomerWrite:
    """The profile from a customers/create|update webhook, noting the first time it shows
    the customer's marketing consent on."""
    now = utcnow()
    values = pii.upsert_values(get_keyring(), merchant_id, facts, now=now, opt_in=True)
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
