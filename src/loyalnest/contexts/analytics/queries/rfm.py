"""Reads of the RFM concern, each in its own read session."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from loyalnest.contexts.analytics.commands.rfm import config_of, config_values, to_config_dto
from loyalnest.contexts.analytics.dto.rfm import CustomerRfmDTO, RfmConfigDTO, RfmPreviewDTO, SegmentChangeDTO
from loyalnest.contexts.analytics.repository import rfm as repository
from loyalnest.contexts.analytics.rules import rfm as rules
from loyalnest.contexts.analytics.rules.rfm_segments import OTHER, SEGMENTS
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow


async def get_rfm_config(merchant_id: int) -> RfmConfigDTO:
    async with read_session() as session:
        return to_config_dto(merchant_id, await repository.get_settings(session, merchant_id))


def _customer(row: repository.CustomerRfmRow) -> CustomerRfmDTO:
    return CustomerRfmDTO(
        customer_id=row.customer_id,
        recency=row.r,
        frequency=row.f,
        monetary=row.m,
        segment=row.segment,
        segment_since=row.segment_since,
        first_order_at=row.first_order_at,
        last_order_at=row.last_order_at,
        order_count=row.order_count,
        net_spend=row.net_spend,
    )


async def get_customer_rfm(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, CustomerRfmDTO]:
    """Scores of these customers (absent: not scored; see ``dto.rfm``)."""
    if not customer_ids:
        return {}
    async with read_session() as session:
        rows = await repository.customer_rows(session, merchant_id, customer_ids)
    return {row.customer_id: _customer(row) for row in rows}


async def all_customer_rfm(merchant_id: int) -> list[CustomerRfmDTO]:
    """Every scored customer of the shop (tests, dev tools)."""
    async with read_session() as session:
        return [_customer(row) for row in await repository.all_customer_rows(session, merchant_id)]


async def segment_of(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, str]:
    """Each customer's segment; ``other`` for a customer without a score."""
    scored = await get_customer_rfm(merchant_id, customer_ids)
    return {cid: scored[cid].segment if cid in scored else OTHER for cid in customer_ids}


async def segment_history(
    merchant_id: int, customer_ids: Sequence[int], per_customer: int
) -> dict[int, list[SegmentChangeDTO]]:
    """The latest ``per_customer`` segment changes of each customer, newest first."""
    result: dict[int, list[SegmentChangeDTO]] = {cid: [] for cid in customer_ids}
    if not customer_ids or per_customer <= 0:
        return result
    async with read_session() as session:
        rows = await repository.history_of(session, merchant_id, customer_ids, per_customer)
    for row in rows:
        result[row.customer_id].append(
            SegmentChangeDTO(row.id, row.customer_id, row.from_segment, row.to_segment, row.changed_at)
        )
    return result


async def excluded_customers(merchant_id: int, customer_ids: Sequence[int]) -> set[int]:
    """Those of ``customer_ids`` who withdrew RFM tracking (nudges skip them)."""
    if not customer_ids:
        return set()
    async with read_session() as session:
        return await repository.excluded_among(session, merchant_id, customer_ids)


async def is_excluded(merchant_id: int, customer_id: int) -> bool:
    return customer_id in await excluded_customers(merchant_id, [customer_id])


async def preview_rfm_config(
    merchant_id: int, config: rules.RfmConfig, *, now: datetime | None = None
) -> tuple[RfmPreviewDTO, float]:
    """Segment sizes if ``config`` were saved, nothing written, and the seconds it took.
    One statement: over the stored summaries when the proposal keeps what they are made
    of (lookback, weighting), else over the orders."""
    errors = rules.validate_config(config)
    if errors:
        raise ValidationFailed(f"{errors[0].message} ({errors[0].code})", field=errors[0].field)
    started = time.perf_counter()
    async with read_session() as session:
        current = config_of(await repository.get_settings(session, merchant_id))
        same_inputs = (config.lookback_days, config.time_weighting, config.half_life_days) == (
            current.lookback_days,
            current.time_weighting,
            current.half_life_days,
        )
        values = config_values(config)
        params = {
            "mode": values["mode"],
            "rd": values["recency_days"],
            "fm": values["frequency_max"],
            "mr": values["monetary_ratios"],
            "lookback": values["lookback_days"],
            "tw": values["time_weighting"],
            "hl": values["half_life_days"],
        }
        counts = await repository.preview(
            session, merchant_id, params, now or utcnow(), from_orders=not same_inputs
        )
    full = {segment: counts.get(segment, 0) for segment in SEGMENTS}
    return RfmPreviewDTO(counts=full, total=sum(full.values())), time.perf_counter() - started
