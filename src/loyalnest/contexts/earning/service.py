"""Earning rules and their triggers. Every award is one ledger posting through
``points.award_points`` (the one earning door, where later multipliers apply), under an
idempotency key that makes the trigger safe to replay:

- signup       ``signup:<customer>``               once per customer
- newsletter   ``newsletter:<customer>``           once per customer, ever
- birthday     ``birthday:<customer>:<year>``      once per year
- review       ``review:<customer>:<product>``     once per product
- custom       ``custom:<staff user>:<caller's key>``

A shop's rules are created with the defaults the first time they are needed (the
merchants context cannot call here at install without a cycle), and by the migration
for the shops that existed before.
"""

from __future__ import annotations

import dataclasses
import secrets
import weakref
from datetime import date, datetime

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import repository, rules
from loyalnest.contexts.earning.dto import (
    PURCHASE,
    EarningRuleDTO,
    EarningRuleUpdate,
    ReviewWebhookDTO,
)
from loyalnest.contexts.earning.repository import RuleRow
from loyalnest.contexts.earning.reviews import ReviewFacts
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import api as points
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import DomainError, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

# The review-webhook secret is stored encrypted under this AAD (re-exported by api).
REVIEW_SECRET_CONTEXT = b"review_webhook_secrets.secret"

# Rules read once per unit of work: a batch of webhooks handled in one transaction
# earns under one set of rules, with one read.
_rules_by_uow: weakref.WeakKeyDictionary[UnitOfWork, dict[int, dict[str, RuleRow]]] = (
    weakref.WeakKeyDictionary()
)


# --- rules ---------------------------------------------------------------------------------


def _to_dto(row: RuleRow) -> EarningRuleDTO:
    return EarningRuleDTO(
        trigger=row.trigger, enabled=row.enabled, points=row.points, updated_at=row.updated_at
    )


def _purchase_dto(settings: merchants.ProgramSettingsDTO) -> EarningRuleDTO:
    return EarningRuleDTO(
        trigger=PURCHASE,
        enabled=settings.purchase_enabled,
        points=None,
        updated_at=settings.updated_at,
        purchase=settings,
    )


async def install_rules(uow: UnitOfWork, merchant_id: int, *, enabled: bool = True) -> None:
    """Create the shop's rules with the default points, on (or all off: a shop whose only
    way to earn is purchases). Rules the shop already has are left as they are."""
    await repository.insert_rules(uow.session, merchant_id, rules.DEFAULT_POINTS, enabled=enabled)
    _rules_by_uow.get(uow, {}).pop(merchant_id, None)


async def rules_in(uow: UnitOfWork, merchant_id: int) -> dict[str, RuleRow]:
    """The shop's rules inside the caller's transaction, created on first need."""
    cached = _rules_by_uow.setdefault(uow, {})
    found = cached.get(merchant_id)
    if found is None:
        found = await repository.get_rules(uow.session, merchant_id, transactional=True)
        if len(found) < len(rules.TRIGGERS):
            await install_rules(uow, merchant_id)
            found = await repository.get_rules(uow.session, merchant_id, transactional=True)
        cached[merchant_id] = found
    return found


async def _rule_rows(merchant_id: int) -> dict[str, RuleRow]:
    async with read_session() as session:
        found = await repository.get_rules(session, merchant_id, transactional=False)
    if len(found) < len(rules.TRIGGERS):  # first read for this shop: create its rules
        async with unit_of_work() as uow:
            found = await rules_in(uow, merchant_id)
    return found


async def get_rules(merchant_id: int) -> list[EarningRuleDTO]:
    """Every way to earn, purchases first."""
    settings = await merchants.get_program_settings(merchant_id)
    rows = await _rule_rows(merchant_id)
    return [_purchase_dto(settings), *(_to_dto(rows[t]) for t in rules.TRIGGERS)]


def _changes(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    return {
        name: {"from": before[name], "to": value} for name, value in after.items() if value != before[name]
    }


async def update_rule(
    uow: UnitOfWork, *, merchant_id: int, actor: str, trigger: str, update: EarningRuleUpdate
) -> EarningRuleDTO:
    """Change one way to earn; audited when something changed. The purchase rule is the
    program settings of the merchants context, changed (and audited) there."""
    if trigger == PURCHASE:
        return await _update_purchase(uow, merchant_id=merchant_id, actor=actor, update=update)
    if trigger not in rules.TRIGGERS:
        raise ValidationFailed(f"unknown way to earn: {trigger!r}", field="trigger")
    if update.purchase is not None:
        raise ValidationFailed("purchase options belong to the purchase rule", field="purchase")
    if update.points is not None:
        rules.validate_points(update.points)
    await rules_in(uow, merchant_id)  # the rule exists from here on
    row = await repository.lock_rule(uow.session, merchant_id, trigger)
    assert row is not None
    enabled = row.enabled if update.enabled is None else update.enabled
    points_each = row.points if update.points is None else update.points
    changes = _changes(
        {"enabled": row.enabled, "points": row.points}, {"enabled": enabled, "points": points_each}
    )
    if not changes:
        return _to_dto(row)
    updated = await repository.update_rule(
        uow.session, merchant_id, trigger, enabled=enabled, points=points_each
    )
    _rules_by_uow.get(uow, {}).pop(merchant_id, None)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="earning_rule.updated",
        target_type="EarningRule",
        target_id=trigger,
        details=changes,
    )
    return _to_dto(updated)


async def _update_purchase(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: EarningRuleUpdate
) -> EarningRuleDTO:
    if update.points is not None:
        raise ValidationFailed(
            "purchases earn per unit of currency: set purchase.pointsPerCurrencyUnit", field="points"
        )
    settings_update = update.purchase or merchants.ProgramSettingsUpdate()
    if update.enabled is not None:
        settings_update = dataclasses.replace(settings_update, purchase_enabled=update.enabled)
    settings = await merchants.update_program_settings(
        uow, merchant_id=merchant_id, actor=actor, update=settings_update
    )
    return _purchase_dto(settings)


async def ways_to_earn(merchant_id: int) -> list[EarningRuleDTO]:
    """What a storefront customer may be shown: every rule but custom awards (those
    are given by the shop, not earned by an action the widget can name)."""
    return [rule for rule in await get_rules(merchant_id) if rule.trigger != rules.CUSTOM]


# --- awards --------------------------------------------------------------------------------


async def _award(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    trigger: str,
    idempotency_key: str,
    source_ref: str | None = None,
    reason: str | None = None,
) -> points.PostingResult | None:
    """Award the rule's points once per key; None when the rule is off."""
    rule = (await rules_in(uow, merchant_id))[trigger]
    if not rule.enabled:
        return None
    return await points.award_points(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        points=rule.points,
        rule=trigger,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        reason=reason,
    )


async def award_signup(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> int:
    """The account-signup points (customers/create), once per customer. Returns the
    points awarded by this call (0: replay or rule off)."""
    result = await _award(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        trigger=rules.SIGNUP,
        idempotency_key=f"signup:{customer_id}",
    )
    return result.entry.delta if result is not None and result.created else 0


async def award_newsletter(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> int:
    """The newsletter-signup points (marketing consent seen on for the first time), once
    per customer ever. Returns the points awarded by this call."""
    result = await _award(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        trigger=rules.NEWSLETTER,
        idempotency_key=f"newsletter:{customer_id}",
    )
    return result.entry.delta if result is not None and result.created else 0


async def award_custom(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points_given: int | None,
    reason: str,
    actor: str,
    idempotency_key: str,
) -> points.PostingResult:
    """Points for a custom action, given by staff or an integration: the rule must be
    on; ``points_given`` None gives the rule's amount. A replayed key returns the first
    award; the same key for a different award is refused (IDEMPOTENCY_KEY_REUSED)."""
    reason = rules.validate_reason(reason)
    rule = (await rules_in(uow, merchant_id))[rules.CUSTOM]
    if not rule.enabled:
        raise DomainError("custom awards are switched off for this shop", code="RULE_DISABLED")
    amount = rule.points if points_given is None else points_given
    rules.validate_points(amount)
    result = await points.award_points(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        points=amount,
        rule=rules.CUSTOM,
        source_ref=None,
        idempotency_key=f"custom:{idempotency_key}",
        reason=reason,
        actor=actor,
    )
    entry = result.entry
    if not result.created and (
        entry.customer_id != customer_id
        or entry.source != rules.CUSTOM
        or entry.reason != reason
        or (points_given is not None and entry.delta != points_given)
    ):
        # the key names a different award: a client bug, not a retry
        raise DomainError(
            "idempotencyKey was already used for a different award",
            field="idempotencyKey",
            code="IDEMPOTENCY_KEY_REUSED",
        )
    if result.created:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="points.awarded",
            target_type="Customer",
            target_id=str(customer_id),
            details={"rule": rules.CUSTOM, "points": amount, "entry_id": entry.id},
        )
    return result


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
        result = await _award(
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


def _decrypt_secret(row: repository.SecretRow) -> ReviewWebhookDTO:
    secret = get_keyring().decrypt(row.secret_enc, context=REVIEW_SECRET_CONTEXT)
    return ReviewWebhookDTO(secret=secret, created_at=row.created_at, rotated_at=row.rotated_at)


def _new_secret_enc() -> str:
    return get_keyring().encrypt(secrets.token_urlsafe(32), context=REVIEW_SECRET_CONTEXT)


async def review_webhook(merchant_id: int) -> ReviewWebhookDTO:
    """The shop's review-webhook secret, generated the first time it is asked for."""
    async with read_session() as session:
        row = await repository.get_secret(session, merchant_id, transactional=False)
    if row is None:
        async with unit_of_work() as uow:
            await repository.insert_secret(uow.session, merchant_id, _new_secret_enc())
            row = await repository.get_secret(uow.session, merchant_id, transactional=True)
        assert row is not None
    return _decrypt_secret(row)


async def rotate_review_webhook_secret(uow: UnitOfWork, *, merchant_id: int, actor: str) -> ReviewWebhookDTO:
    """A new secret; the old one stops verifying at once (rotation is for a secret that
    may have leaked). Audited, without the secret."""
    row = await repository.replace_secret(uow.session, merchant_id, _new_secret_enc())
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="review_webhook.secret_rotated",
        target_type="ReviewWebhook",
        target_id=str(merchant_id),
    )
    return _decrypt_secret(row)


async def verify_review_signature(merchant_id: int, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is the shop's secret's HMAC of ``body``. A shop that never
    generated a secret accepts nothing."""
    if not signature:
        return False
    async with read_session() as session:
        row = await repository.get_secret(session, merchant_id, transactional=False)
    if row is None:
        return False
    return rules.signature_matches(_decrypt_secret(row).secret, body, signature)


# --- birthdays -----------------------------------------------------------------------------

# Birthdays of one shop awarded per transaction.
BIRTHDAY_BATCH = 500


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
            rule = (await rules_in(uow, merchant_id))[rules.BIRTHDAY]
            if not rule.enabled:
                break
            claimed = await repository.claim_birthdays(
                uow.session, merchant_id, candidates[start : start + BIRTHDAY_BATCH], day.year
            )
            for customer_id in claimed:
                result = await _award(
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
