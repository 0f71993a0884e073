"""Work of the earning context that spans several transactions: the release pass of
pending points, the birthday fan-out and a shop's birthdays, and a review award (the
review webhook's route has no unit of work of its own)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import commands, held, orders, queries, repository, rules
from loyalnest.contexts.earning.dto import EarningRuleDTO, ReviewWebhookDTO
from loyalnest.contexts.earning.repository import RuleRow
from loyalnest.contexts.earning.repository import held as held_repository
from loyalnest.contexts.earning.reviews import ReviewFacts
from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform import queue
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

EARNING_QUEUE = "earning"
AWARD_SHOP_BIRTHDAYS_ACTOR = "earning.award_shop_birthdays"

# Due pending orders looked at per pass step; each shop's share is one transaction.
PASS_BATCH_SIZE = 500
MAX_BATCHES_PER_PASS = 100
# Birthdays of one shop awarded per transaction.
BIRTHDAY_BATCH = 500


# --- pending points ---------------------------------------------------------------------------


async def release_pending_points(
    *, batch_size: int = PASS_BATCH_SIZE, max_batches: int = MAX_BATCHES_PER_PASS
) -> int:
    """The release pass (``points.release_pending``): pending points whose period is
    over become spendable, each order's as its ``earn``, and points held for no order
    (an import's) under their own keys. Idempotent: a row is released once, under its
    lock, and posted under its own key. Returns the points released. Shops that
    uninstalled the app are left as they are (released when they come back); a shop
    that fails is skipped for the rest of the pass, in the query, so its rows never
    crowd out the others'."""
    now = utcnow()
    released = 0
    failed: set[int] = set()
    uninstalled = set(await merchants.uninstalled_shops())
    for _ in range(max_batches):
        async with read_session() as session:
            due = await repository.due_pending(
                session, now=now, limit=batch_size, skip_shops=sorted(failed | uninstalled)
            )
        if not due:
            break
        by_shop: dict[int, list[int]] = {}
        for merchant_id, order_id in due:
            by_shop.setdefault(merchant_id, []).append(order_id)
        for merchant_id, order_ids in by_shop.items():
            try:
                async with unit_of_work() as uow:
                    released += await orders.release_pending(uow, merchant_id, order_ids)
            except Exception:
                log.exception("releasing pending points failed", extra={"merchant_id": merchant_id})
                failed.add(merchant_id)
    for _ in range(max_batches):
        async with read_session() as session:
            waiting = await held_repository.due(
                session, now=now, limit=batch_size, skip_shops=sorted(failed | uninstalled)
            )
        if not waiting:
            break
        keys_by_shop: dict[int, list[str]] = {}
        for merchant_id, key in waiting:
            keys_by_shop.setdefault(merchant_id, []).append(key)
        for merchant_id, keys in keys_by_shop.items():
            try:
                async with unit_of_work() as uow:
                    released += await held.release_held(uow, merchant_id, keys)
            except Exception:
                log.exception("releasing held points failed", extra={"merchant_id": merchant_id})
                failed.add(merchant_id)
    return released


# --- reviews -------------------------------------------------------------------------------


async def award_review(merchant_id: int, facts: ReviewFacts) -> str:
    """Award a product review, once per product per customer. Returns what happened:
    "awarded", "already_awarded", "not_published", "store_review", "unknown_reviewer"
    or "rule_disabled"."""
    if not facts.published:
        return "not_published"
    if facts.product_id is None:
        return "store_review"
    customer_id = await customers.customer_id_by_email(merchant_id, facts.reviewer_email)
    if customer_id is None:
        return "unknown_reviewer"
    details = f"{facts.provider} review {facts.review_id}"
    if facts.rating is not None:
        details += f", {facts.rating}/5"
    if facts.verified_buyer:
        details += ", verified buyer"
    async with unit_of_work() as uow:
        result = await commands.award_rule(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            trigger=rules.REVIEW,
            idempotency_key=f"review:{customer_id}:{facts.product_id}",
            source_ref=f"product:{facts.product_id}",
            reason=details,
        )
    if result is None:
        return "rule_disabled"
    return "awarded" if result.created else "already_awarded"


# --- birthdays -----------------------------------------------------------------------------


async def award_shop_birthdays(
    merchant_id: int, *, on: date | None = None, now: datetime | None = None
) -> int:
    """Award the shop's customers whose birthday is ``on`` (default: today in the shop's
    timezone), once per customer per year, if the birthday rule is on. Feb 29 birthdays
    are celebrated on Feb 28 in other years; a birthday set less than 30 days before it
    falls waits for the next year. ``on`` may name a past day (a missed run), never a
    day the shop has not reached. Returns how many customers were awarded."""
    merchant = await merchants.get_merchant(merchant_id)
    if merchant is None or not merchant.active:
        return 0
    today = rules.shop_today(now or utcnow(), merchant.iana_timezone)
    day = on or today
    if day > today:
        raise ValidationFailed(f"{day} has not begun in {merchant.iana_timezone}", field="on")
    async with read_session() as session:
        rule_rows = await repository.get_rules(session, merchant_id, transactional=False)
    rule = rule_rows.get(rules.BIRTHDAY)
    if rule is not None and not rule.enabled:
        return 0
    candidates = await customers.customers_with_birthday_on(
        merchant_id,
        rules.birthdays_celebrated_on(day),
        set_before=rules.birthday_set_before(day, merchant.iana_timezone),
    )
    awarded = 0
    for start in range(0, len(candidates), BIRTHDAY_BATCH):
        async with unit_of_work() as uow:
            rule = (await commands.rules_in(uow, merchant_id))[rules.BIRTHDAY]
            if not rule.enabled:
                break
            claimed = await repository.claim_birthdays(
                uow.session, merchant_id, candidates[start : start + BIRTHDAY_BATCH], day.year
            )
            for customer_id in claimed:
                result = await commands.award_rule(
                    uow,
                    merchant_id=merchant_id,
                    customer_id=customer_id,
                    trigger=rules.BIRTHDAY,
                    idempotency_key=f"birthday:{customer_id}:{day.year}",
                    source_ref=f"birthday:{day.year}",
                )
                if result is not None and result.created:
                    awarded += 1
    return awarded


async def shops_due_birthdays() -> list[int]:
    """Index any birthdays stored before the month-day index existed, then list the
    shops that hold birthdays."""
    while True:
        async with unit_of_work() as uow:
            handled = await customers.index_birthdays(uow, limit=BIRTHDAY_BATCH)
        if handled < BIRTHDAY_BATCH:
            break
    return await customers.shops_with_birthdays()


def _shop_message_kwargs(merchant_id: int, on: date | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"merchant_id": merchant_id}
    if on is not None:
        kwargs["on"] = on.isoformat()
    return kwargs


async def send_birthday_awards(*, on: date | None = None) -> int:
    """The hourly pass: one AWARD_SHOP_BIRTHDAYS_ACTOR message per shop holding
    birthdays (but those that uninstalled the app), so shops fail and retry apart.
    Returns how many were sent. Safe to run twice: the awards are keyed."""
    uninstalled = set(await merchants.uninstalled_shops())
    shops = [m for m in await shops_due_birthdays() if m not in uninstalled]
    for merchant_id in shops:
        queue.send(AWARD_SHOP_BIRTHDAYS_ACTOR, EARNING_QUEUE, _shop_message_kwargs(merchant_id, on))
    return len(shops)


# --- reads that create what a shop lacks -----------------------------------------------
# Shops get their earning rules at install (ShopInstalled) and older shops from migration
# 0007; a shop without them still gets the defaults on first read, in a unit of work of
# its own. (The review secret is not one of these: see ``review_webhook``.)


async def _rule_rows(merchant_id: int) -> dict[str, RuleRow]:
    async with read_session() as session:
        found = await repository.get_rules(session, merchant_id, transactional=False)
    if len(found) < len(rules.TRIGGERS):  # first read for this shop: create its rules
        async with unit_of_work() as uow:
            found = await commands.rules_in(uow, merchant_id)
    return found


async def get_rules(merchant_id: int) -> list[EarningRuleDTO]:
    """Every way to earn, purchases first."""
    purchase = await queries.get_purchase_rule(merchant_id)
    rows = await _rule_rows(merchant_id)
    return [commands.purchase_rule_dto(purchase), *(commands.to_rule_dto(rows[t]) for t in rules.TRIGGERS)]


async def ways_to_earn(merchant_id: int) -> list[EarningRuleDTO]:
    """What a storefront customer may be shown: every rule but custom awards (those
    are given by the shop, not earned by an action the widget can name)."""
    return [rule for rule in await get_rules(merchant_id) if rule.trigger != rules.CUSTOM]


async def review_webhook(merchant_id: int) -> ReviewWebhookDTO | None:
    """The shop's review-webhook secret, or None for a shop that has none yet. A read
    only: shops get their secret at install (ShopInstalled); one installed before that
    makes it with ``rotate_review_webhook_secret``. Reading never writes: a secret that
    appeared because someone looked would be a secret nobody asked for (and a GET-able
    query with a side effect)."""
    async with read_session() as session:
        row = await repository.get_secret(session, merchant_id, transactional=False)
    return None if row is None else commands.decrypt_secret(row)
