"""Reads of nudges, each on its own short connection: definitions (staff), the nudges
that apply to a customer now (storefront), the A/B results, email runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from loyalnest.contexts.analytics.dto.nudges import (
    EmailRunDTO,
    MyNudgeDTO,
    NudgeDTO,
    NudgePage,
    NudgeResultsDTO,
    NudgeVariantDTO,
    VariantResultDTO,
)
from loyalnest.contexts.analytics.repository import nudges as repository
from loyalnest.contexts.analytics.repository.nudges import AudienceFacts, NudgeRow, RunRow, VariantRow
from loyalnest.contexts.analytics.rules import nudges as rules
from loyalnest.platform.db import plain_connection
from loyalnest.platform.timeutil import utcnow

__all__ = [
    "MAX_NUDGE_PAGE",
    "MAX_PAGE",
    "count_nudges",
    "get_email_runs",
    "get_nudges",
    "list_nudges",
    "my_nudges",
    "nudge_results",
    "to_nudge_dto",
    "to_run_dto",
]

MAX_PAGE = 100
MAX_NUDGE_PAGE = MAX_PAGE  # as ``api`` names it


def _texts(texts: dict[str, str] | None) -> tuple[tuple[str, str], ...] | None:
    return None if texts is None else tuple(sorted(texts.items()))


def _variant_dto(row: VariantRow) -> NudgeVariantDTO:
    return NudgeVariantDTO(
        id=row.id,
        nudge_id=row.nudge_id,
        name=row.name,
        weight=row.weight,
        control=row.control,
        position=row.position,
        titles=_texts(row.titles),
        bodies=_texts(row.bodies),
        cta_labels=_texts(row.cta_labels),
        removed_at=row.removed_at,
    )


def to_nudge_dto(merchant_id: int, row: NudgeRow, variants: Sequence[VariantRow]) -> NudgeDTO:
    return NudgeDTO(
        id=row.id,
        merchant_id=merchant_id,
        name=row.name,
        kind=row.kind,
        segment=row.segment,
        default_locale=row.default_locale,
        titles=_texts(row.titles) or (),
        bodies=_texts(row.bodies) or (),
        cta_labels=_texts(row.cta_labels) or (),
        cta_url=row.cta_url,
        enabled=row.enabled,
        hide_days=row.hide_days,
        archived_at=row.archived_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        variants=tuple(_variant_dto(v) for v in variants if v.nudge_id == row.id and v.removed_at is None),
    )


def to_run_dto(row: RunRow) -> EmailRunDTO:
    return EmailRunDTO(
        id=row.id,
        nudge_id=row.nudge_id,
        segment=row.segment,
        status=row.status,
        seen=row.seen,
        queued=row.queued,
        skipped=row.skipped,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


async def get_nudges(merchant_id: int, nudge_ids: Sequence[int]) -> dict[int, NudgeDTO]:
    """By id, archived ones included; unknown ids (or another shop's) absent."""
    if not nudge_ids:
        return {}
    async with plain_connection() as conn:
        rows = await repository.nudges_by_id(conn, merchant_id, nudge_ids)
        variants = await repository.variants_of(conn, merchant_id, [r.id for r in rows])
    return {r.id: to_nudge_dto(merchant_id, r, variants) for r in rows}


async def list_nudges(
    merchant_id: int, *, archived: bool = False, first: int = 50, after: int | None = None
) -> NudgePage:
    """The shop's nudges, newest first (archived ones with ``archived``)."""
    size = max(1, min(first, MAX_PAGE))
    async with plain_connection() as conn:
        rows = await repository.list_nudges(conn, merchant_id, archived=archived, after=after, limit=size + 1)
        page = rows[:size]
        variants = await repository.variants_of(conn, merchant_id, [r.id for r in page])
    return NudgePage(
        items=tuple(to_nudge_dto(merchant_id, r, variants) for r in page), has_next=len(rows) > size
    )


async def count_nudges(merchant_id: int, *, archived: bool = False) -> int:
    async with plain_connection() as conn:
        return await repository.count_nudges(conn, merchant_id, archived=archived)


def _applies(nudge: NudgeRow, facts: AudienceFacts) -> bool:
    """Whether ``nudge`` is for a customer with these facts now (excluded customers were
    left out before)."""
    now = utcnow()
    dismissed = facts.dismissed.get(nudge.id)
    if dismissed is not None and dismissed > now - timedelta(days=nudge.hide_days):
        return False
    if nudge.kind == "tier_dropped":
        dropped = facts.tier_dropped_at
        return dropped is not None and dropped > now - timedelta(days=rules.TIER_DROP_ELIGIBLE_DAYS)
    for segment in rules.audience_segments(nudge.kind, nudge.segment):
        custom = rules.custom_segment_id(segment)
        if (custom is not None and custom in facts.custom_segment_ids) or segment == facts.segment:
            return True
    return False


async def my_nudges(merchant_id: int, customer_id: int, locale: str | None) -> list[MyNudgeDTO]:
    """The nudges that apply to the customer now, oldest nudge first, each in the
    customer's variant (stable hash) and locale. Three statements: the live nudges,
    their variants, and the customer's facts."""
    async with plain_connection() as conn:
        nudges = await repository.live_nudges(conn, merchant_id)
        if not nudges:
            return []
        facts = await repository.audience_facts(conn, merchant_id, customer_id)
        if facts.excluded:
            return []  # withdrew RFM tracking consent: no nudges either
        applying = [n for n in nudges if _applies(n, facts)]
        if not applying:
            return []
        variants = await repository.variants_of(conn, merchant_id, [n.id for n in applying])
    result = []
    for row in applying:
        nudge = to_nudge_dto(merchant_id, row, variants)
        if not nudge.variants:
            continue
        chosen = rules.choose_variant(
            merchant_id, nudge.id, customer_id, [(v.id, v.weight) for v in nudge.variants]
        )
        variant = nudge.variant(chosen)
        result.append(
            MyNudgeDTO(
                nudge_id=nudge.id,
                variant_id=chosen,
                kind=nudge.kind,
                title=nudge.title(locale, variant),
                body=nudge.body(locale, variant),
                cta_label=nudge.cta_label(locale, variant),
                cta_url=nudge.cta_url,
            )
        )
    return result


async def nudge_results(merchant_id: int, nudge_id: int) -> NudgeResultsDTO | None:
    """Per variant (removed ones included, live ones first): distinct viewers and
    clickers, CTR, conversions, converting customers, revenue, conversion rate
    (converting customers / viewers) and the p-values against the control of the
    two-proportion z-test on conversion rate and on CTR. None: no such nudge."""
    async with plain_connection() as conn:
        found = await repository.nudges_by_id(conn, merchant_id, [nudge_id])
        if not found:
            return None
        variants = await repository.variants_of(conn, merchant_id, [nudge_id], removed=True)
        counts = await repository.variant_counts(conn, merchant_id, nudge_id)
    control = next((v for v in variants if v.control and v.removed_at is None), None)
    base = counts.get(control.id, repository.VariantCounts()) if control is not None else None
    results = []
    for v in variants:
        c = counts.get(v.id, repository.VariantCounts())
        p_value = ctr_p = None
        if base is not None and control is not None and v.id != control.id:
            p_value = rules.two_proportion_p_value(
                c.converted_customers, c.views, base.converted_customers, base.views
            )
            ctr_p = rules.two_proportion_p_value(c.clicks, c.views, base.clicks, base.views)
        results.append(
            VariantResultDTO(
                variant_id=v.id,
                name=v.name,
                control=v.control and v.removed_at is None,
                weight=v.weight,
                removed=v.removed_at is not None,
                views=c.views,
                clicks=c.clicks,
                ctr=rules.rate(c.clicks, c.views),
                conversions=c.conversions,
                converted_customers=c.converted_customers,
                revenue=c.revenue,
                conversion_rate=rules.rate(c.converted_customers, c.views),
                p_value=p_value,
                significant=rules.significant(p_value),
                ctr_p_value=ctr_p,
            )
        )
    return NudgeResultsDTO(
        nudge_id=nudge_id, control_variant_id=None if control is None else control.id, variants=tuple(results)
    )


async def get_email_runs(merchant_id: int, run_ids: Sequence[int]) -> dict[int, EmailRunDTO]:
    if not run_ids:
        return {}
    async with plain_connection() as conn:
        rows = await repository.runs_by_id(conn, merchant_id, run_ids)
    return {r.id: to_run_dto(r) for r in rows}
