"""State changes of the RFM concern, taking a unit of work and never committing.

Real time (``record_*``, called by ``handlers.rfm`` per batch and shop): the order copy
in one statement, then the touched customers' summaries rebuilt, scored, segmented and
their changes recorded in one more: two statements per batch, whatever its size.
Full pass (``full_recompute``): every customer of a shop, set-based in PostgreSQL.
Configuration (``update_config``), on-demand recompute and the tracking opt-out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loyalnest.contexts.analytics.commands.products import REFRESH_PRODUCT_STATS_ACTOR
from loyalnest.contexts.analytics.commands.segments import refresh_custom_segment_members
from loyalnest.contexts.analytics.dto.rfm import RecomputeReport, RfmConfigDTO, RfmConfigUpdate
from loyalnest.contexts.analytics.events import SegmentChanged, segments_changed_channel
from loyalnest.contexts.analytics.repository import rfm as repository
from loyalnest.contexts.analytics.rules import rfm as rules
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS
from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.webhooks.events import OrderCancelled, OrderPlaced, RefundCreated
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import CacheKey, UnitOfWork, unit_of_work

ANALYTICS_QUEUE = "analytics"
RECOMPUTE_RFM_ACTOR = "analytics.recompute_rfm"
SCHEDULE_RECOMPUTES_ACTOR = "analytics.schedule_rfm_recomputes"

# marks a shop whose change signal this unit of work already queued (one per shop)
_SIGNALLED = CacheKey[bool]("analytics.rfm.signalled")


# --- real time ---------------------------------------------------------------------------


def _amount(event: OrderPlaced) -> Decimal:
    """Net merchandise spend: the subtotal after discounts, without shipping, and without
    tax when the prices include it."""
    return event.subtotal - event.tax if event.taxes_included else event.subtotal


async def record_orders(
    uow: UnitOfWork, merchant_id: int, events: Sequence[OrderPlaced], *, now: datetime | None = None
) -> None:
    """Store one shop's batch of orders (test orders skipped, guests kept) and rescore
    the customers who placed them."""
    now = now or utcnow()
    latest: dict[int, OrderPlaced] = {}
    for event in events:
        if not event.test:
            latest[event.shopify_order_id] = event  # a redelivery in the same batch: last wins
    if not latest:
        return
    orders = [
        repository.OrderRow(
            shopify_order_id=e.shopify_order_id,
            customer_id=e.customer_id,
            placed_at=e.placed_at or now,
            amount=_amount(e),
            cancelled=e.cancelled,
        )
        for e in latest.values()
    ]
    lines = [
        repository.LineRow(
            shopify_order_id=e.shopify_order_id,
            line_no=index,
            product_id=line.product_id,
            quantity=line.quantity,
            revenue=line.price * line.quantity - line.discount,
        )
        for e in latest.values()
        for index, line in enumerate(e.lines, start=1)
    ]
    await repository.upsert_orders(uow.session, merchant_id, orders, lines)
    customers = sorted({e.customer_id for e in latest.values() if e.customer_id is not None})
    await _rescore(uow, merchant_id, customers, now)


async def record_refunds(
    uow: UnitOfWork, merchant_id: int, events: Sequence[RefundCreated], *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    refunds = {
        e.shopify_refund_id: repository.RefundRow(
            shopify_order_id=e.shopify_order_id,
            shopify_refund_id=e.shopify_refund_id,
            amount=e.line_subtotal,
            lines=tuple((line.product_id, line.subtotal) for line in e.lines),
        )
        for e in events
    }
    customers = await repository.add_refunds(uow.session, merchant_id, list(refunds.values()))
    await _rescore(uow, merchant_id, customers, now)


async def record_cancellations(
    uow: UnitOfWork, merchant_id: int, events: Sequence[OrderCancelled], *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    cancellations = {e.shopify_order_id: e.customer_id for e in events}
    customers = await repository.cancel_orders(uow.session, merchant_id, list(cancellations.items()))
    await _rescore(uow, merchant_id, customers, now)


async def _rescore(uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int], now: datetime) -> None:
    if not customer_ids:
        return
    rescored = await repository.rescore_customers(uow.session, merchant_id, customer_ids, now)
    if rescored.first_pass_requested:
        uow.enqueue(RECOMPUTE_RFM_ACTOR, queue_name=ANALYTICS_QUEUE, merchant_id=merchant_id)
    await _announce(uow, merchant_id, rescored.changes, now)


async def _announce(
    uow: UnitOfWork, merchant_id: int, changes: Sequence[repository.Change], now: datetime
) -> None:
    """``SegmentChanged`` for every change, in this transaction; one live signal per shop
    per unit of work, after commit."""
    if not changes:
        return
    await uow.publish_events(
        [SegmentChanged(merchant_id, c.customer_id, c.from_segment, c.to_segment, now) for c in changes]
    )

    async def signal() -> bool:
        uow.publish(segments_changed_channel(merchant_id), {"merchant_id": merchant_id})
        return True

    await uow.cached(_SIGNALLED, merchant_id, signal)


# --- full pass ----------------------------------------------------------------------------


async def _shop_day(uow: UnitOfWork, merchant_id: int, now: datetime) -> datetime:
    merchant = await merchants.get_merchant_in(uow, merchant_id)
    name = merchant.iana_timezone if merchant is not None else None
    try:
        zone = ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone)


async def full_recompute(
    uow: UnitOfWork, merchant_id: int, *, now: datetime | None = None, refresh_boundaries: bool = True
) -> RecomputeReport:
    """Rebuild every customer's summary from the orders, recompute the shop's boundaries
    (``refresh_boundaries``), rescore everyone, record changes, write today's segment
    counts, re-materialise the custom segments and queue the product stats' refresh.
    Idempotent: a second run changes nothing (rows whose values did not change are not
    written)."""
    started = time.perf_counter()
    now = now or utcnow()
    changes = await repository.full_pass(uow.session, merchant_id, now, refresh_boundaries=refresh_boundaries)
    await _announce(uow, merchant_id, changes, now)
    local = await _shop_day(uow, merchant_id, now)
    await repository.write_daily_counts(uow.session, merchant_id, local.date(), SEGMENTS)
    members = await refresh_custom_segment_members(uow, merchant_id)
    # the products' buyer segments follow the new ones (a heavier pass: on the worker)
    uow.enqueue(REFRESH_PRODUCT_STATS_ACTOR, queue_name=ANALYTICS_QUEUE, merchant_id=merchant_id)
    scored = await repository.count_scored(uow.session, merchant_id)
    return RecomputeReport(
        merchant_id=merchant_id,
        customers_scored=scored,
        segments_changed=len(changes),
        custom_segment_members=members,
        seconds=round(time.perf_counter() - started, 3),
    )


async def recompute_rfm(merchant_id: int, *, now: datetime | None = None) -> RecomputeReport:
    """The full pass for one shop in its own unit of work (the actor's and the CLI's
    boundary)."""
    async with unit_of_work() as uow:
        return await full_recompute(uow, merchant_id, now=now)


async def shops_to_recompute() -> list[int]:
    """Every shop with orders or scores (the daily pass)."""
    async with read_session() as session:
        return await repository.shops_with_orders(session)


async def request_recompute(uow: UnitOfWork, merchant_id: int, *, now: datetime | None = None) -> None:
    """Ask for a full pass (after commit, on the worker); the status shows it pending."""
    await repository.mark_recompute_requested(uow.session, merchant_id, now or utcnow())
    uow.enqueue(RECOMPUTE_RFM_ACTOR, queue_name=ANALYTICS_QUEUE, merchant_id=merchant_id)


# --- configuration -------------------------------------------------------------------------


def config_of(row: repository.SettingsRow | None) -> rules.RfmConfig:
    if row is None:
        return rules.DEFAULT_CONFIG
    return rules.RfmConfig(
        mode=row.mode,
        preset=row.preset,
        thresholds=rules.Thresholds(
            tuple(row.recency_days),  # type: ignore[arg-type]
            tuple(row.frequency_max),  # type: ignore[arg-type]
            tuple(Decimal(v) for v in row.monetary_ratios),  # type: ignore[arg-type]
        ),
        lookback_days=row.lookback_days,
        time_weighting=row.time_weighting,
        half_life_days=row.half_life_days,
    )


def to_config_dto(merchant_id: int, row: repository.SettingsRow | None) -> RfmConfigDTO:
    from datetime import UTC

    def moments(cuts: list[float] | None) -> tuple[datetime, ...] | None:
        return None if cuts is None else tuple(datetime.fromtimestamp(c, UTC) for c in cuts)

    return RfmConfigDTO(
        merchant_id=merchant_id,
        config=config_of(row),
        recency_cuts=moments(row.r_cuts) if row else None,
        frequency_cuts=tuple(row.f_cuts) if row and row.f_cuts is not None else None,
        monetary_cuts=tuple(row.m_cuts) if row and row.m_cuts is not None else None,
        average_order_value=row.average_order_value if row else None,
        last_recomputed_at=row.boundaries_computed_at if row else None,
        recompute_requested_at=row.recompute_requested_at if row else None,
    )


def apply_update(current: rules.RfmConfig, update: RfmConfigUpdate) -> rules.RfmConfig:
    """``current`` changed by ``update`` (a preset first, explicit rows over it)."""
    config = current
    if update.preset is not None:
        if update.preset not in rules.PRESETS:
            raise ValidationFailed(f"preset must be one of {', '.join(rules.PRESETS)}", field="preset")
        config = config.with_preset(update.preset)
    t = config.thresholds
    explicit_rows = (update.recency_days, update.frequency_max, update.monetary_ratios)
    thresholds = rules.Thresholds(
        update.recency_days if update.recency_days is not None else t.recency_days,  # type: ignore[arg-type]
        update.frequency_max if update.frequency_max is not None else t.frequency_max,  # type: ignore[arg-type]
        update.monetary_ratios if update.monetary_ratios is not None else t.monetary_ratios,  # type: ignore[arg-type]
    )
    # rows edited by hand no longer are the preset's (unless they equal it)
    preset = config.preset
    if (
        any(row is not None for row in explicit_rows)
        and preset is not None
        and rules.PRESETS[preset] != thresholds
    ):
        preset = None
    return replace(
        config,
        mode=update.mode if update.mode is not None else config.mode,
        preset=preset,
        thresholds=thresholds,
        lookback_days=update.lookback_days if update.lookback_days is not None else config.lookback_days,
        time_weighting=update.time_weighting if update.time_weighting is not None else config.time_weighting,
        half_life_days=update.half_life_days if update.half_life_days is not None else config.half_life_days,
    )


def check_config(config: rules.RfmConfig) -> None:
    """Refuse an invalid configuration with its first named error (field + message)."""
    errors = rules.validate_config(config)
    if errors:
        first = errors[0]
        raise ValidationFailed(f"{first.message} ({first.code})", field=first.field)


def config_values(config: rules.RfmConfig) -> dict[str, object]:
    return {
        "mode": config.mode,
        "preset": config.preset,
        "recency_days": list(config.thresholds.recency_days),
        "frequency_max": list(config.thresholds.frequency_max),
        "monetary_ratios": list(config.thresholds.monetary_ratios),
        "lookback_days": config.lookback_days,
        "time_weighting": config.time_weighting,
        "half_life_days": config.half_life_days,
    }


async def update_config(
    uow: UnitOfWork, merchant_id: int, *, actor: str, update: RfmConfigUpdate, now: datetime | None = None
) -> RfmConfigDTO:
    """Validate and save the configuration (audited), and ask for the full pass that
    rescores everyone under it. Cut points computed for other inputs are dropped (the
    thresholds score meanwhile)."""
    now = now or utcnow()
    row = await repository.get_settings(uow.session, merchant_id)
    current = config_of(row)
    config = apply_update(current, update)
    check_config(config)
    if config == current and row is not None:
        return to_config_dto(merchant_id, row)
    inputs_changed = (config.time_weighting, config.half_life_days, config.lookback_days) != (
        current.time_weighting,
        current.half_life_days,
        current.lookback_days,
    )
    values = config_values(config)
    saved = await repository.save_config(
        uow.session, merchant_id, values, clear_boundaries=inputs_changed, now=now
    )
    before = config_values(current)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="rfm_config.updated",
        target_type="RfmConfig",
        target_id=str(merchant_id),
        details={
            name: {"from": _plain(before[name]), "to": _plain(value)}
            for name, value in values.items()
            if value != before[name]
        },
    )
    uow.enqueue(RECOMPUTE_RFM_ACTOR, queue_name=ANALYTICS_QUEUE, merchant_id=merchant_id)
    return to_config_dto(merchant_id, saved)


def _plain(value: object) -> object:
    if isinstance(value, list):
        return [str(v) if isinstance(v, Decimal) else v for v in value]
    return str(value) if isinstance(value, Decimal) else value


async def rfm_config_in(uow: UnitOfWork, merchant_id: int) -> RfmConfigDTO:
    """The configuration as this unit of work sees it (a mutation's payload)."""
    return to_config_dto(merchant_id, await repository.get_settings(uow.session, merchant_id))


# --- tracking consent ----------------------------------------------------------------------


async def set_tracking(
    uow: UnitOfWork,
    merchant_id: int,
    customer_id: int,
    *,
    enabled: bool,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Withdraw (``enabled=False``) or restore a customer's RFM tracking. Withdrawn: the
    score row goes now (history records the move to ``other``) and nudges skip them.
    Restored: scored again from their orders at once. Returns whether anything changed."""
    now = now or utcnow()
    if enabled:
        changed = await repository.remove_exclusion(uow.session, merchant_id, customer_id)
    else:
        changed = await repository.add_exclusion(uow.session, merchant_id, customer_id)
    if changed:
        await _rescore(uow, merchant_id, [customer_id], now)
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="rfm_tracking.enabled" if enabled else "rfm_tracking.disabled",
            target_type="Customer",
            target_id=str(customer_id),
        )
    return changed
