"""The purchase rule: how orders earn. Owned here; shown on the program settings
screen together with the points context's expiry policy, and changed with it in one
transaction under one audit row (``update_program_settings``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.earning import repository, rules
from loyalnest.contexts.earning.dto import ProgramSettingsDTO, ProgramSettingsUpdate, PurchaseRuleDTO
from loyalnest.contexts.earning.repository import PurchaseRow
from loyalnest.contexts.points import api as points
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import CacheKey, UnitOfWork

# Read once per unit of work: a batch of webhooks handled in one transaction earns
# under one rule, with one read.
PURCHASE_RULE = CacheKey[PurchaseRuleDTO]("earning.purchase_rule")

# The minimal program (``ShopInstalled(starter_program=False)``): 1 point per unit.
MINIMAL_POINTS_PER_UNIT = Decimal(1)


def to_dto(row: PurchaseRow) -> PurchaseRuleDTO:
    return PurchaseRuleDTO(
        merchant_id=row.merchant_id,
        points_per_currency_unit=Decimal(row.points_per_currency_unit),
        rounding=row.rounding,  # type: ignore[arg-type]
        earn_on_shipping=row.earn_on_shipping,
        earn_on_tax=row.earn_on_tax,
        updated_at=row.updated_at,
        purchase_enabled=row.purchase_enabled,
        min_order_amount=None if row.min_order_amount is None else Decimal(row.min_order_amount),
        excluded_product_ids=tuple(row.excluded_product_ids or ()),
        excluded_product_tags=tuple(row.excluded_product_tags or ()),
        pending_days=row.pending_days,
        test_orders_earn=row.test_orders_earn,
        earn_on=row.earn_on,
    )


async def purchase_rule_in(uow: UnitOfWork, merchant_id: int) -> PurchaseRuleDTO:
    """The shop's purchase rule inside the caller's transaction (cached for it)."""

    async def load() -> PurchaseRuleDTO:
        row = await repository.get_purchase_rule(uow.session, merchant_id, transactional=True)
        if row is None:
            raise LookupError(f"merchant {merchant_id} has no purchase rule")
        return to_dto(row)

    return await uow.cached(PURCHASE_RULE, merchant_id, load)


async def install_purchase_rule(uow: UnitOfWork, merchant_id: int, *, starter: bool = True) -> None:
    """A new shop's purchase rule: the table's defaults, or (not ``starter``) the minimal
    program's rate. A shop that has one keeps it."""
    values = {} if starter else {"points_per_currency_unit": MINIMAL_POINTS_PER_UNIT}
    await repository.insert_purchase_rule(uow.session, merchant_id, **values)
    uow.forget(PURCHASE_RULE, merchant_id)


def _validate(update: ProgramSettingsUpdate) -> None:
    """Every value on its own, in the order the settings screen lists them, before
    anything is read: a bad value in either part changes nothing."""
    rules.validate_purchase(
        rate=update.points_per_currency_unit,
        rounding=update.rounding,
        min_order_amount=update.min_order_amount,
        excluded_product_ids=update.excluded_product_ids,
        excluded_product_tags=update.excluded_product_tags,
    )
    points.validate_expiry(update.expiry_policy, update.expiry_days)
    rules.validate_pending_days(update.pending_days)
    rules.validate_earn_on(update.earn_on)


def _wanted(update: ProgramSettingsUpdate) -> dict[str, object]:
    wanted: dict[str, object] = {
        name: getattr(update, name)
        for name in (
            "points_per_currency_unit",
            "rounding",
            "earn_on_shipping",
            "earn_on_tax",
            "purchase_enabled",
            "pending_days",
            "test_orders_earn",
            "earn_on",
        )
        if getattr(update, name) is not None
    }
    if update.min_order_amount is not None:
        wanted["min_order_amount"] = update.min_order_amount or None  # 0: no minimum
    if update.excluded_product_ids is not None:
        wanted["excluded_product_ids"] = tuple(sorted(set(update.excluded_product_ids)))
    if update.excluded_product_tags is not None:
        wanted["excluded_product_tags"] = tuple(
            sorted({rules.normalise_tag(t) for t in update.excluded_product_tags})
        )
    return wanted


async def _schedule_reached(uow: UnitOfWork, merchant_id: int, rule: PurchaseRuleDTO) -> None:
    """After the shop changed when orders earn: points waiting for a stage their order
    has reached under the new choice (every waiting order, for ORDER_CREATED) get their
    release date, the pending period from now; the release pass posts them. Their order
    rows are locked first, in order, as every order webhook does."""
    waiting = await repository.waiting_at_stage(uow.session, merchant_id, rule.earn_on)
    if not waiting:
        return
    await repository.upsert_orders(uow.session, merchant_id, waiting)
    await repository.schedule_waiting(
        uow.session, merchant_id, waiting, utcnow() + timedelta(days=rule.pending_days)
    )


async def update_program_settings(
    uow: UnitOfWork, *, merchant_id: int, actor: str, update: ProgramSettingsUpdate
) -> ProgramSettingsDTO:
    """Change the purchase rule and the points expiry policy together; audited once
    ("program_settings.updated", the changed fields from/to) when something changed.
    Raises ``ValidationFailed`` for a bad value (nothing changes)."""
    _validate(update)
    row = await repository.lock_purchase_rule(uow.session, merchant_id)
    before = to_dto(row)
    expiry = await points.change_expiry_policy(
        uow, merchant_id, expiry_policy=update.expiry_policy, expiry_days=update.expiry_days
    )
    changes: dict[str, object] = {}
    values: dict[str, object] = {}
    for name, value in _wanted(update).items():
        if value != getattr(before, name):
            changes[name] = {"from": str(getattr(before, name)), "to": str(value)}
            values[name] = list(value) if isinstance(value, tuple) else value
    changes.update(expiry.changes)
    if not changes:
        return ProgramSettingsDTO(before, expiry.after)
    # the settings' last change, whichever part it was in
    values["updated_at"] = max(utcnow(), expiry.after.updated_at)
    after = to_dto(await repository.update_purchase_rule(uow.session, merchant_id, **values))
    uow.forget(PURCHASE_RULE, merchant_id)
    if "earn_on" in values:
        await _schedule_reached(uow, merchant_id, after)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="program_settings.updated",
        target_type="ProgramSettings",
        target_id=str(merchant_id),
        details=changes,
    )
    return ProgramSettingsDTO(after, expiry.after)
