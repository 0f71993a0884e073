"""The shop's expiry policy as the ledger applies it: read once per unit of work (a
batch of webhooks handled in one transaction opens its lots under one rule), with the
shop's timezone when the policy needs it, and changed through the settings screen."""

from __future__ import annotations

from dataclasses import dataclass

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import ExpiryPolicyDTO
from loyalnest.contexts.points.repository import PolicyRow
from loyalnest.platform.uow import CacheKey, UnitOfWork


@dataclass(frozen=True, slots=True)
class ExpiryRule:
    policy: str
    days: int | None
    # the shop's IANA timezone for the calendar policies, else UTC
    timezone: str


EXPIRY_RULE = CacheKey[ExpiryRule]("points.expiry_rule")


def to_dto(row: PolicyRow) -> ExpiryPolicyDTO:
    return ExpiryPolicyDTO(
        merchant_id=row.merchant_id,
        expiry_policy=row.expiry_policy,
        expiry_days=row.expiry_days,
        updated_at=row.updated_at,
    )


async def policy_in(uow: UnitOfWork, merchant_id: int) -> ExpiryPolicyDTO:
    """The shop's expiry policy read inside the caller's transaction."""
    row = await repository.get_policy(uow.session, merchant_id, transactional=True)
    if row is None:
        raise LookupError(f"merchant {merchant_id} has no expiry policy")
    return to_dto(row)


async def expiry_rule(uow: UnitOfWork, merchant_id: int) -> ExpiryRule:
    """The rule new lots of the shop get in this unit of work."""

    async def load() -> ExpiryRule:
        found = await policy_in(uow, merchant_id)
        timezone = "UTC"
        if found.expiry_policy in (rules.END_OF_MONTH, rules.END_OF_YEAR):
            merchant = await merchants.get_merchant_in(uow, merchant_id)
            timezone = merchant.iana_timezone if merchant is not None else "UTC"
        return ExpiryRule(found.expiry_policy, found.expiry_days, timezone)

    return await uow.cached(EXPIRY_RULE, merchant_id, load)


async def install_policy(uow: UnitOfWork, merchant_id: int) -> None:
    """A new shop's policy: points never expire (left alone if the shop has one)."""
    await repository.insert_policy(uow.session, merchant_id)
    uow.forget(EXPIRY_RULE, merchant_id)


@dataclass(frozen=True)
class PolicyChange:
    """What ``change_policy`` did: the policy before and after, and the fields that
    changed as ``{name: {"from": str, "to": str}}`` (empty: nothing changed)."""

    before: ExpiryPolicyDTO
    after: ExpiryPolicyDTO
    changes: dict[str, object]


async def change_policy(
    uow: UnitOfWork, merchant_id: int, *, expiry_policy: str | None, expiry_days: int | None
) -> PolicyChange:
    """Change the expiry policy (``None``: keep), applied to lots opened from now on.
    Raises ``ValidationFailed`` (nothing changes) for a policy without its days or days
    a policy does not take. Not audited here: the caller records what it changed."""
    rules.validate_expiry(expiry_policy, expiry_days)
    before = to_dto(await repository.lock_policy(uow.session, merchant_id))
    policy, days = rules.expiry_after(
        expiry_policy, expiry_days, before_policy=before.expiry_policy, before_days=before.expiry_days
    )
    changes: dict[str, object] = {}
    for name, value in (("expiry_policy", policy), ("expiry_days", days)):
        if value != getattr(before, name):
            changes[name] = {"from": str(getattr(before, name)), "to": str(value)}
    if not changes:
        return PolicyChange(before, before, changes)
    after = to_dto(
        await repository.update_policy(uow.session, merchant_id, expiry_policy=policy, expiry_days=days)
    )
    uow.forget(EXPIRY_RULE, merchant_id)
    return PolicyChange(before, after, changes)
