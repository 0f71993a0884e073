"""The program, codes and what every command shares: constants, the program read once
per unit of work, blind indexes, the progress event."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.dto import (
    ADVOCATE_KINDS,
    KEEP,
    ProgramDTO,
    ProgramUpdate,
    ReferralDTO,
)
from loyalnest.contexts.referrals.events import ReferralProgressChanged
from loyalnest.contexts.referrals.models import FRIEND_EMAIL_CONTEXT
from loyalnest.contexts.referrals.repository import codes as code_repository
from loyalnest.contexts.referrals.repository import programs as program_repository
from loyalnest.contexts.referrals.repository.codes import CodeRow
from loyalnest.contexts.referrals.repository.programs import ProgramRow
from loyalnest.contexts.referrals.repository.referrals import ReferralRow
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.crypto import decrypt_optional, get_keyring
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed
from loyalnest.platform.uow import CacheKey, UnitOfWork

log = logging.getLogger(__name__)


REFERRALS_QUEUE = "referrals"
CREATE_LINK_DISCOUNT_ACTOR = "referrals.create_link_discount"
ISSUE_FRIEND_CODE_ACTOR = "referrals.issue_friend_code"
SETTLE_DUE_ACTOR = "referrals.settle_due"

# An account created this long before the referred order is not a new customer's:
# Shopify creates the account at checkout, moments before the order.
NEW_ACCOUNT_SLACK = timedelta(hours=24)
CODE_ATTEMPTS = 10

PROGRAM = CacheKey[ProgramRow | None]("referrals.program")

DEFAULT_PROGRAM: dict[str, Any] = {
    "enabled": False,
    "friend_kind": "fixed_amount",
    "friend_value": Decimal("10.00"),
    "friend_min_order": None,
    "friend_code_validity_days": 30,
    "advocate_kind": "points",
    "advocate_points": 500,
    "advocate_reward_id": None,
    "min_order_subtotal": Decimal("0.00"),
    "confirmation_days": 14,
    "claim_validity_days": 30,
    "monthly_cap": 20,
    "milestones": [],
    "tier_multiplier_applies": False,
    "velocity_per_week": 10,
    "disposable_domains_blocked": True,
    "disposable_domains_extra": [],
    "disposable_domains_allowed": [],
    "checks": {},
}


# --- the program ---------------------------------------------------------------------------


def to_program_dto(merchant_id: int, row: ProgramRow | None) -> ProgramDTO:
    values: dict[str, Any] = dict(DEFAULT_PROGRAM)
    created_at = updated_at = None
    if row is not None:
        values = {name: getattr(row, name) for name in DEFAULT_PROGRAM}
        created_at, updated_at = row.created_at, row.updated_at
    return ProgramDTO(
        merchant_id=merchant_id,
        enabled=values["enabled"],
        friend_kind=values["friend_kind"],
        friend_value=values["friend_value"],
        friend_min_order=values["friend_min_order"],
        friend_code_validity_days=values["friend_code_validity_days"],
        advocate_kind=values["advocate_kind"],
        advocate_points=values["advocate_points"],
        advocate_reward_id=values["advocate_reward_id"],
        min_order_subtotal=values["min_order_subtotal"],
        confirmation_days=values["confirmation_days"],
        claim_validity_days=values["claim_validity_days"],
        monthly_cap=values["monthly_cap"],
        milestones=rules.milestones_of(values["milestones"]),
        tier_multiplier_applies=values["tier_multiplier_applies"],
        velocity_per_week=values["velocity_per_week"],
        disposable_domains_blocked=values["disposable_domains_blocked"],
        disposable_domains_extra=tuple(values["disposable_domains_extra"]),
        disposable_domains_allowed=tuple(values["disposable_domains_allowed"]),
        checks=rules.validate_checks(values["checks"], {}),
        created_at=created_at,
        updated_at=updated_at,
    )


async def program_in(uow: UnitOfWork, merchant_id: int) -> ProgramRow | None:
    """The shop's program row in the caller's transaction (None: never configured),
    read once per unit of work (a batch of orders is attributed under one program)."""

    async def load() -> ProgramRow | None:
        return await program_repository.get_program(uow.session, merchant_id)

    return await uow.cached(PROGRAM, merchant_id, load)


async def ensure_program(uow: UnitOfWork, merchant_id: int) -> ProgramRow:
    """The program row, created with the defaults (disabled) and a fresh visitor salt
    on first need."""
    row = await program_in(uow, merchant_id)
    if row is None:
        await program_repository.insert_defaults(uow.session, merchant_id, secrets.token_hex(32))
        uow.forget(PROGRAM, merchant_id)
        row = await program_in(uow, merchant_id)
    assert row is not None
    return row


# the program fields an update may clear (None); every other one needs a value
NULLABLE = frozenset({"friend_value", "friend_min_order", "advocate_reward_id"})


def _given(update: ProgramUpdate) -> dict[str, Any]:
    return {name: value for name, value in vars(update).items() if value is not KEEP}


def _camel(name: str) -> str:
    """A setting's name as the API spells it (errors name the field the caller sent)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def update_program(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: ProgramUpdate
) -> ProgramDTO:
    """Change the shop's program; validated as a whole (the result must make sense, not
    only each field), audited with what changed. Raises ``ValidationFailed``, nothing
    changed."""
    await ensure_program(uow, merchant_id)
    row = await program_repository.get_program(uow.session, merchant_id, lock=True)
    assert row is not None
    given = _given(update)
    merged: dict[str, Any] = {name: getattr(row, name) for name in program_repository.EDITABLE}
    for name, value in given.items():
        if value is None and name not in NULLABLE:
            raise ValidationFailed(f"{_camel(name)} cannot be empty", field=_camel(name))
        if name == "milestones":
            merged[name] = rules.validate_milestones(value)
        elif name == "checks":
            merged[name] = rules.validate_checks(row.checks, value)
        elif name in ("disposable_domains_extra", "disposable_domains_allowed"):
            merged[name] = rules.validate_domains(value, field=_camel(name))
        else:
            merged[name] = value
    await _validate_program(merchant_id, merged, given)
    changes = {
        name: {"from": _plain(getattr(row, name)), "to": _plain(value)}
        for name, value in merged.items()
        if value != getattr(row, name)
    }
    if not changes:
        return to_program_dto(merchant_id, row)
    updated = await program_repository.update_program(
        uow.session, merchant_id, {name: merged[name] for name in changes}
    )
    uow.forget(PROGRAM, merchant_id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="referral_program.updated",
        target_type="ReferralProgram",
        target_id=str(merchant_id),
        details=changes,
    )
    return to_program_dto(merchant_id, updated)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


async def _validate_program(merchant_id: int, merged: dict[str, Any], given: dict[str, Any]) -> None:
    if not isinstance(merged["enabled"], bool):
        raise ValidationFailed("enabled must be true or false", field="enabled")
    merged["friend_value"] = rules.validate_friend_reward(merged["friend_kind"], merged["friend_value"])
    merged["friend_min_order"] = rules.validate_money(merged["friend_min_order"], "friendMinOrder")
    merged["min_order_subtotal"] = rules.validate_money(
        merged["min_order_subtotal"], "minOrderSubtotal", allow_zero=True
    )
    rules.validate_range(merged["friend_code_validity_days"], "friendCodeValidityDays", 1, 365)
    rules.validate_range(merged["claim_validity_days"], "claimValidityDays", 1, 365)
    rules.validate_range(merged["confirmation_days"], "confirmationDays", 0, 90)
    rules.validate_range(merged["monthly_cap"], "monthlyCap", 1, 10_000)
    rules.validate_range(merged["velocity_per_week"], "velocityPerWeek", 1, 10_000)
    rules.validate_range(merged["advocate_points"], "advocatePoints", 1, 1_000_000)
    if merged["advocate_kind"] not in ADVOCATE_KINDS:
        raise ValidationFailed("advocateKind must be points or reward", field="advocateKind")
    if merged["advocate_kind"] == "reward" and merged["advocate_reward_id"] is None:
        raise ValidationFailed("a reward advocate reward needs the catalog reward", field="advocateRewardId")
    reward_id = merged["advocate_reward_id"]
    if reward_id is not None and "advocate_reward_id" in given:
        found = await rewards.get_rewards(merchant_id, [reward_id])
        if reward_id not in found:
            raise NotFound("no such reward in this shop's catalog", field="advocateRewardId")
    for flag in ("tier_multiplier_applies", "disposable_domains_blocked"):
        if not isinstance(merged[flag], bool):
            raise ValidationFailed(f"{flag} must be true or false", field=flag)


# --- codes ---------------------------------------------------------------------------------------


async def ensure_code(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> str:
    """The customer's referral code, created on first need and never changed."""
    row = await ensure_code_row(uow, merchant_id=merchant_id, customer_id=customer_id)
    return row.code


async def ensure_code_row(uow: UnitOfWork, *, merchant_id: int, customer_id: int) -> CodeRow:
    existing = await code_repository.get_code(uow.session, merchant_id, customer_id)
    if existing is not None:
        return existing
    for _ in range(CODE_ATTEMPTS):
        if await code_repository.insert_code(uow.session, merchant_id, customer_id, rules.new_code()):
            break
        # a conflict: either a concurrent call gave the customer a code, or (31^7: rare)
        # the code is another customer's; the read says which
        if await code_repository.get_code(uow.session, merchant_id, customer_id) is not None:
            break
    row = await code_repository.get_code(uow.session, merchant_id, customer_id)
    if row is None:
        raise DomainError("could not allocate a referral code", code="CODE_UNAVAILABLE")
    return row


def request_link_discount(uow: UnitOfWork, merchant_id: int, code: CodeRow) -> None:
    """Have the advocate's ``REF-<CODE>`` discount created on Shopify after commit when
    it is not there yet (the actor makes sure only one creation runs)."""
    if code.link_discount_state in ("none", "failed"):
        uow.enqueue(
            CREATE_LINK_DISCOUNT_ACTOR,
            queue_name=REFERRALS_QUEUE,
            merchant_id=merchant_id,
            customer_id=code.customer_id,
        )


# --- events out ------------------------------------------------------------------------------------


async def progress_changed(uow: UnitOfWork, merchant_id: int, advocate_ids: Iterable[int]) -> None:
    """Tell whoever listens (and the live channel, through our own handler) that these
    advocates' counts moved."""
    await uow.publish_events(
        [ReferralProgressChanged(merchant_id, advocate) for advocate in sorted(set(advocate_ids))]
    )


async def offer_in(uow: UnitOfWork, program: ProgramRow) -> str:
    """The friend's offer in words, in the shop's currency."""
    shop = await merchants.get_merchant_in(uow, program.merchant_id)
    currency = shop.currency if shop is not None else ""
    return rules.offer_text(program.friend_kind, program.friend_value, program.friend_min_order, currency)


# --- claims ------------------------------------------------------------------------------------------


def email_index(email: str) -> str:
    return rules.email_index(get_keyring(), email)


def email_indexes(email: str) -> list[str]:
    return rules.email_indexes(get_keyring(), email)


def friend_code_index(code: str) -> str:
    return rules.friend_code_index(get_keyring(), code)


def friend_code_indexes(code: str) -> list[str]:
    return rules.friend_code_indexes(get_keyring(), code)


async def enabled_program(uow: UnitOfWork, merchant_id: int) -> ProgramRow:
    program = await program_in(uow, merchant_id)
    if program is None or not program.enabled:
        raise ValidationFailed(
            "this shop's referral program is not running", field="code", code="PROGRAM_DISABLED"
        )
    return program


async def code_owner(uow: UnitOfWork, merchant_id: int, code: str) -> CodeRow:
    normalised = rules.normalise_code(code)
    found = await code_repository.codes_by_value(uow.session, merchant_id, [normalised] if normalised else [])
    owner = found.get(normalised or "")
    if owner is None:
        raise NotFound("no such referral code", field="code", code="UNKNOWN_CODE")
    return owner


def to_referral_dto(row: ReferralRow) -> ReferralDTO:
    email = decrypt_optional(get_keyring(), row.friend_email_enc, context=FRIEND_EMAIL_CONTEXT)
    return ReferralDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        advocate_customer_id=row.advocate_customer_id,
        friend_customer_id=row.friend_customer_id,
        source=row.source,
        status=row.status,
        held=row.held,
        reasons=rules.reasons_of(row.reasons),
        shopify_order_id=row.shopify_order_id,
        order_subtotal=row.order_subtotal,
        currency=row.currency,
        claimed_at=row.claimed_at,
        ordered_at=row.ordered_at,
        confirm_at=row.confirm_at,
        completed_at=row.completed_at,
        rewarded_at=row.rewarded_at,
        expires_at=row.expires_at,
        cancelled_at=row.cancelled_at,
        reward_points=row.reward_points,
        created_at=row.created_at,
        friend_email_masked=rules.mask_email(email),
        decided_by=row.decided_by,
    )


def advocate_key(referral_id: int) -> str:
    """The ledger key of a referral's reward to its advocate."""
    return f"referral:{referral_id}:advocate"


def milestone_key(advocate_id: int, count: int) -> str:
    """The ledger key of a milestone bonus: once per advocate and count, ever."""
    return f"referral:milestone:{advocate_id}:{count}"


def proxy_subpath() -> str:
    # read at call time: settings are parsed once per process, after import
    from loyalnest.settings import get_settings

    return get_settings().app_proxy_subpath


async def link_in(uow: UnitOfWork, merchant_id: int, code: str) -> str:
    """The advocate's referral link (through the shop's app proxy)."""
    shop = await merchants.get_merchant_in(uow, merchant_id)
    return rules.link(shop.shop_domain if shop is not None else "", proxy_subpath(), code)
