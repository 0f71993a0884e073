"""Earning rules and the triggers besides orders, in the caller's unit of work. Every
award goes through the pipeline (``pipeline.award``) under an idempotency key that
makes the trigger safe to replay:

- signup       ``signup:<customer>``               once per customer
- newsletter   ``newsletter:<customer>``           once per customer, ever
- birthday     ``birthday:<customer>:<year>``      once per year
- review       ``review:<customer>:<product>``     once per product
- custom       ``custom:<staff user>:<caller's key>``
- referral     the referrals context's keys (``referral:<id>:advocate``,
               ``referral:milestone:<advocate>:<count>``)

A shop's rules are created at install (``ShopInstalled``), by the migration for the
shops that existed before, and with the defaults the first time they are needed by a
shop that has none.
"""

from __future__ import annotations

import dataclasses
import secrets

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.earning import pipeline, repository, rules
from loyalnest.contexts.earning.dto import (
    PURCHASE,
    EarningRuleDTO,
    EarningRuleUpdate,
    ProgramSettingsUpdate,
    PurchaseRuleDTO,
    ReviewWebhookDTO,
)
from loyalnest.contexts.earning.models import REVIEW_SECRET_CONTEXT
from loyalnest.contexts.earning.purchase import update_program_settings
from loyalnest.contexts.earning.repository import RuleRow, SecretRow
from loyalnest.contexts.points import api as points
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import DomainError, ValidationFailed
from loyalnest.platform.uow import CacheKey, UnitOfWork

# The rule (ledger source) of referral rewards; not one of the shop's earning rules:
# the referral program configures it.
REFERRAL = "referral"

# Rules read once per unit of work: a batch of webhooks handled in one transaction
# earns under one set of rules, with one read.
EARNING_RULES = CacheKey[dict[str, RuleRow]]("earning.rules")


# --- rules ---------------------------------------------------------------------------------


def to_rule_dto(row: RuleRow) -> EarningRuleDTO:
    return EarningRuleDTO(
        trigger=row.trigger, enabled=row.enabled, points=row.points, updated_at=row.updated_at
    )


def purchase_rule_dto(purchase: PurchaseRuleDTO) -> EarningRuleDTO:
    return EarningRuleDTO(
        trigger=PURCHASE,
        enabled=purchase.purchase_enabled,
        points=None,
        updated_at=purchase.updated_at,
        purchase=purchase,
    )


async def install_rules(uow: UnitOfWork, merchant_id: int, *, enabled: bool = True) -> None:
    """Create the shop's rules with the default points, on (or all off: a shop whose only
    way to earn is purchases). Rules the shop already has are left as they are."""
    await repository.insert_rules(uow.session, merchant_id, rules.DEFAULT_POINTS, enabled=enabled)
    uow.forget(EARNING_RULES, merchant_id)


async def rules_in(uow: UnitOfWork, merchant_id: int) -> dict[str, RuleRow]:
    """The shop's rules inside the caller's transaction, created on first need."""

    async def load() -> dict[str, RuleRow]:
        found = await repository.get_rules(uow.session, merchant_id, transactional=True)
        if len(found) < len(rules.TRIGGERS):
            await install_rules(uow, merchant_id)
            found = await repository.get_rules(uow.session, merchant_id, transactional=True)
        return found

    return await uow.cached(EARNING_RULES, merchant_id, load)


def _changes(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    return {
        name: {"from": before[name], "to": value} for name, value in after.items() if value != before[name]
    }


async def update_rule(
    uow: UnitOfWork, *, merchant_id: int, actor: str, trigger: str, update: EarningRuleUpdate
) -> EarningRuleDTO:
    """Change one way to earn; audited when something changed. For "purchase" the
    purchase options change with the program settings (and are audited as them)."""
    if trigger == PURCHASE:
        return await _update_purchase(uow, merchant_id=merchant_id, actor=actor, update=update)
    if trigger not in rules.TRIGGERS:
        raise ValidationFailed(f"unknown way to earn: {trigger!r}", field="trigger")
    if update.purchase is not None:
        raise ValidationFailed("purchase options belong to the purchase rule", field="purchase")
    if update.points is not None:
        rules.validate_points(update.points)
    await rules_in(uow, merchant_id)  # the rule exists from here on
    row = await repository.lock_earning_rule(uow.session, merchant_id, trigger)
    assert row is not None
    enabled = row.enabled if update.enabled is None else update.enabled
    points_each = row.points if update.points is None else update.points
    changes = _changes(
        {"enabled": row.enabled, "points": row.points}, {"enabled": enabled, "points": points_each}
    )
    if not changes:
        return to_rule_dto(row)
    updated = await repository.update_earning_rule(
        uow.session, merchant_id, trigger, enabled=enabled, points=points_each
    )
    uow.forget(EARNING_RULES, merchant_id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="earning_rule.updated",
        target_type="EarningRule",
        target_id=trigger,
        details=changes,
    )
    return to_rule_dto(updated)


async def _update_purchase(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: EarningRuleUpdate
) -> EarningRuleDTO:
    if update.points is not None:
        raise ValidationFailed(
            "purchases earn per unit of currency: set purchase.pointsPerCurrencyUnit", field="points"
        )
    settings_update = update.purchase or ProgramSettingsUpdate()
    if update.enabled is not None:
        settings_update = dataclasses.replace(settings_update, purchase_enabled=update.enabled)
    settings = await update_program_settings(
        uow, merchant_id=merchant_id, actor=actor, update=settings_update
    )
    return purchase_rule_dto(settings.purchase)


# --- awards --------------------------------------------------------------------------------


async def award_rule(
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
    return await pipeline.award_one(
        uow,
        merchant_id,
        pipeline.Award(
            customer_id=customer_id,
            points=rule.points,
            rule=trigger,
            idempotency_key=idempotency_key,
            source_ref=source_ref,
            reason=reason,
        ),
    )


async def award_signup(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> int:
    """The account-signup points (customers/create), once per customer. Returns the
    points awarded by this call (0: replay or rule off)."""
    result = await award_rule(
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
    result = await award_rule(
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
    result = await pipeline.award_one(
        uow,
        merchant_id,
        pipeline.Award(
            customer_id=customer_id,
            points=amount,
            rule=rules.CUSTOM,
            idempotency_key=f"custom:{idempotency_key}",
            reason=reason,
            actor=actor,
        ),
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


async def award_referral(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    idempotency_key: str,
    source_ref: str | None,
    reason: str | None,
    tier_multiplier_applies: bool = False,
) -> points.PostingResult | None:
    """A referral reward or milestone bonus (ledger kind ``referral``, rule "referral"),
    once per key. The referrals context decides the amount; the pipeline's steps (tier
    multiplier) run only when the program says multipliers apply, and then the tier
    step still multiplies only if the shop's tiers list "referral" among their triggers.
    None when there is nothing to award (0 points)."""
    if points <= 0:
        return None
    rules.validate_points(points)
    return await pipeline.award_one(
        uow,
        merchant_id,
        pipeline.Award(
            customer_id=customer_id,
            points=points,
            rule=REFERRAL,
            idempotency_key=idempotency_key,
            source_ref=source_ref,
            reason=reason,
            kind="referral",
            run_steps=tier_multiplier_applies,
        ),
    )


# --- review webhook secret -------------------------------------------------------------------


def decrypt_secret(row: SecretRow) -> ReviewWebhookDTO:
    secret = get_keyring().decrypt(row.secret_enc, context=REVIEW_SECRET_CONTEXT)
    return ReviewWebhookDTO(secret=secret, created_at=row.created_at, rotated_at=row.rotated_at)


def new_secret_enc() -> str:
    return get_keyring().encrypt(secrets.token_urlsafe(32), context=REVIEW_SECRET_CONTEXT)


async def install_review_secret(uow: UnitOfWork, merchant_id: int) -> None:
    """The shop's first review-webhook secret, made at install so reading it never
    writes. A reinstall keeps the secret the shop has (its review app still uses it)."""
    await repository.insert_secret(uow.session, merchant_id, new_secret_enc())


async def rotate_review_webhook_secret(uow: UnitOfWork, *, merchant_id: int, actor: str) -> ReviewWebhookDTO:
    """A new secret; the old one stops verifying at once (rotation is for a secret that
    may have leaked). For a shop installed before secrets were made at install, this
    makes its first one. Audited, without the secret."""
    row = await repository.replace_secret(uow.session, merchant_id, new_secret_enc())
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="review_webhook.secret_rotated",
        target_type="ReviewWebhook",
        target_id=str(merchant_id),
    )
    return decrypt_secret(row)
