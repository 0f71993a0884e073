"""Chart data over the RFM tables: the RxF heatmap, the recency/monetary scatter, segment
sizes over time and the segment transition matrix. Each reads on a plain connection of
its own, scoped by the shop."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from loyalnest.contexts.analytics.dto.program import (
    ChartDTO,
    ChartSeriesDTO,
    HeatmapDTO,
    ScatterDTO,
    ScatterPointDTO,
    TransitionMatrixDTO,
)
from loyalnest.contexts.analytics.repository import charts as repository
from loyalnest.contexts.analytics.rules import program as rules
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS
from loyalnest.contexts.merchants import api as merchants
from loyalnest.platform.db import plain_connection
from loyalnest.platform.errors import NotFound
from loyalnest.platform.timeutil import utcnow

# at most this many customers in the scatter (a deterministic sample beyond)
SCATTER_SAMPLE = 2000
SCORES = (1, 2, 3, 4, 5)
# where a first scoring comes from in the transition matrix
NEW = "new"


async def rfm_heatmap(merchant_id: int) -> HeatmapDTO:
    async with plain_connection() as conn:
        cells = await repository.heatmap_cells(conn, merchant_id)
    counts = {(r, f): n for r, f, n, _ in cells}
    averages = {(r, f): avg for r, f, _, avg in cells}
    labels = tuple(f"R{r}" for r in SCORES)

    def grid(value: object) -> tuple[ChartSeriesDTO, ...]:
        return tuple(
            ChartSeriesDTO(f"F{f}", f"F{f}", tuple(value(r, f) for r in SCORES))  # type: ignore[operator]
            for f in SCORES
        )

    return HeatmapDTO(
        counts=ChartDTO(labels, grid(lambda r, f: float(counts.get((r, f), 0)))),
        average_monetary=ChartDTO(
            labels,
            grid(
                lambda r, f: (
                    float(Decimal(averages[(r, f)]).quantize(rules.CENTS, rounding=ROUND_HALF_UP))
                    if averages.get((r, f)) is not None
                    else 0.0
                )
            ),
        ),
    )


async def rfm_scatter(merchant_id: int, *, now: datetime | None = None) -> ScatterDTO:
    """Days since the last order against net spend, for a stable sample of customers."""
    now = now or utcnow()
    async with plain_connection() as conn:
        rows = await repository.scatter_sample(conn, merchant_id, SCATTER_SAMPLE)
        population = await repository.population(conn, merchant_id)
    return ScatterDTO(
        points=tuple(
            ScatterPointDTO(cid, max((now - last).days, 0), Decimal(spend), segment)
            for cid, last, spend, segment in rows
        ),
        population=population,
    )


async def _timezone(merchant_id: int) -> str:
    merchant = await merchants.get_merchant(merchant_id)
    if merchant is None:
        raise NotFound("shop")
    return merchant.iana_timezone


async def segment_sizes(merchant_id: int, start: date, end: date) -> ChartDTO:
    """Customers per segment per day (one series per segment, in the segments' order)."""
    rules.validate_range(start, end)
    async with plain_connection() as conn:
        rows = await repository.segment_daily(conn, merchant_id, start, end)
    days = rules.days(start, end)
    sizes: dict[str, dict[date, int]] = defaultdict(dict)
    for day, segment, customers in rows:
        sizes[segment][day] = customers
    return ChartDTO(
        tuple(d.isoformat() for d in days),
        tuple(
            ChartSeriesDTO(segment, segment, tuple(float(sizes[segment].get(d, 0)) for d in days))
            for segment in SEGMENTS
        ),
    )


async def segment_transition_matrix(merchant_id: int, start: date, end: date) -> TransitionMatrixDTO:
    """Moves between segments on ``start``..``end`` (shop-local days): one series per
    segment moved from (``new`` for a first scoring), one value per segment moved to."""
    rules.validate_range(start, end)
    timezone = await _timezone(merchant_id)
    async with plain_connection() as conn:
        rows = await repository.transitions(
            conn,
            merchant_id,
            rules.local_midnight(start, timezone),
            rules.local_midnight(end + timedelta(days=1), timezone),
        )
    moves = {(src or NEW, dst): n for src, dst, n in rows}
    sources = (NEW, *SEGMENTS)
    return TransitionMatrixDTO(
        labels=SEGMENTS,
        series=tuple(
            ChartSeriesDTO(src, src, tuple(float(moves.get((src, dst), 0)) for dst in SEGMENTS))
            for src in sources
        ),
        total=sum(moves.values()),
    )
