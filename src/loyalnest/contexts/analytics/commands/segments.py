"""Custom segments: create, update, delete (validated, audited) and the materialisation
of their members. A rule over RFM facts only (r, f, m, segment, last_order_days) is
evaluated in one SQL statement on the analytics tables; a rule that also reads tier,
points or tags is evaluated in Python over bulk reads of those contexts' api, a page of
customers at a time (the customers context lists the universe)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from loyalnest.contexts.analytics.dto.segments import CustomSegmentDTO, CustomSegmentInput
from loyalnest.contexts.analytics.repository import segments as repository
from loyalnest.contexts.analytics.repository.segments import CustomSegmentRow
from loyalnest.contexts.analytics.rules.segments import language
from loyalnest.contexts.analytics.rules.segments.evaluation import (
    BLANK,
    CustomerFacts,
    can_match_unscored,
    matches,
)
from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.db import driver_connection
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)

ANALYTICS_QUEUE = "analytics"
REFRESH_CUSTOM_SEGMENT_ACTOR = "analytics.refresh_custom_segment"

MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 1000
MAX_CUSTOM_SEGMENTS = 100
# customers read per page when a rule needs facts from other contexts
UNIVERSE_PAGE = 1000


def to_dto(row: CustomSegmentRow) -> CustomSegmentDTO:
    return CustomSegmentDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        name=row.name,
        description=row.description,
        rule=row.rule,
        canonical_rule=language.format_rule(language.from_json(row.parsed_rule)),
        members=row.members,
        refreshed_at=row.refreshed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def validate_segment(data: CustomSegmentInput) -> tuple[str, str | None, language.Rule]:
    """Name, description and the parsed rule, or ``ValidationFailed`` naming the field (a
    bad rule's message is the parser's, with the position)."""
    name = data.name.strip()
    if not name:
        raise ValidationFailed("a segment needs a name", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(f"a name has at most {MAX_NAME_LENGTH} characters", field="name")
    description = (data.description or "").strip() or None
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(
            f"a description has at most {MAX_DESCRIPTION_LENGTH} characters", field="description"
        )
    try:
        rule = language.parse_rule(data.rule)
    except language.RuleError as error:
        raise ValidationFailed(str(error), field="rule") from error
    return name, description, rule


async def create_custom_segment(
    uow: UnitOfWork, merchant_id: int, data: CustomSegmentInput, *, actor: str
) -> CustomSegmentDTO:
    """A new segment; its members are materialised in the background (actor)."""
    name, description, rule = validate_segment(data)
    existing = await repository.list_segments(await driver_connection(uow.session), merchant_id)
    if len(existing) >= MAX_CUSTOM_SEGMENTS:
        raise ValidationFailed(f"a shop has at most {MAX_CUSTOM_SEGMENTS} custom segments", field="name")
    row = await repository.insert_segment(
        uow.session,
        merchant_id,
        name=name,
        description=description,
        rule=data.rule.strip(),
        parsed=language.to_json(rule),
    )
    _queue_refresh(uow, merchant_id, row.id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="custom_segment.created",
        target_type="CustomSegment",
        target_id=str(row.id),
        details={"name": name, "rule": language.format_rule(rule)},
    )
    return to_dto(row)


async def update_custom_segment(
    uow: UnitOfWork, merchant_id: int, segment_id: int, data: CustomSegmentInput, *, actor: str
) -> CustomSegmentDTO:
    """Replace name, description and rule; a changed rule re-materialises the members."""
    name, description, rule = validate_segment(data)
    current = await repository.lock_segment(uow.session, merchant_id, segment_id)
    if current is None:
        raise NotFound("no such custom segment", field="id")
    parsed = language.to_json(rule)
    rule_changed = parsed != current.parsed_rule
    row = await repository.update_segment(
        uow.session,
        merchant_id,
        segment_id,
        name=name,
        description=description,
        rule=data.rule.strip(),
        parsed=parsed,
        rule_changed=rule_changed,
    )
    assert row is not None  # locked above
    if rule_changed:
        _queue_refresh(uow, merchant_id, segment_id)
    changes = {
        key: {"from": before, "to": after}
        for key, before, after in (
            ("name", current.name, name),
            ("description", current.description, description),
            (
                "rule",
                language.format_rule(language.from_json(current.parsed_rule)),
                language.format_rule(rule),
            ),
        )
        if before != after
    }
    if changes:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="custom_segment.updated",
            target_type="CustomSegment",
            target_id=str(segment_id),
            details=changes,
        )
    return to_dto(row)


async def delete_custom_segment(uow: UnitOfWork, merchant_id: int, segment_id: int, *, actor: str) -> None:
    if not await repository.delete_segment(uow.session, merchant_id, segment_id):
        raise NotFound("no such custom segment", field="id")
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="custom_segment.deleted",
        target_type="CustomSegment",
        target_id=str(segment_id),
    )


def _queue_refresh(uow: UnitOfWork, merchant_id: int, segment_id: int) -> None:
    uow.enqueue(
        REFRESH_CUSTOM_SEGMENT_ACTOR,
        queue_name=ANALYTICS_QUEUE,
        merchant_id=merchant_id,
        segment_id=segment_id,
    )


# --- materialising members ----------------------------------------------------------------------


async def refresh_custom_segment_members(uow: UnitOfWork, merchant_id: int) -> int:
    """Re-materialise the members of every custom segment of the shop (the RFM full
    recompute calls this at its end). Returns the memberships now held, all segments."""
    segments = await repository.lock_rules(uow.session, merchant_id)
    return await _refresh(uow, merchant_id, [(sid, language.from_json(parsed)) for sid, parsed in segments])


async def refresh_custom_segment(uow: UnitOfWork, merchant_id: int, segment_id: int) -> int | None:
    """Re-materialise one segment (idempotent: the members become what the rule says
    now). None when the segment is gone (deleted since it was queued)."""
    row = await repository.lock_segment(uow.session, merchant_id, segment_id)
    if row is None:
        return None
    return await _refresh(uow, merchant_id, [(row.id, language.from_json(row.parsed_rule))])


async def _refresh(uow: UnitOfWork, merchant_id: int, segments: Sequence[tuple[int, language.Rule]]) -> int:
    if not segments:
        return 0
    now = utcnow()
    total = 0
    in_python: list[tuple[int, language.Rule]] = []
    for segment_id, rule in segments:
        if language.fields_of(rule) <= language.LOCAL_FIELDS and not matches(rule, BLANK):
            # every member has an RFM row: one set-based statement
            total += await repository.replace_members_by_rule(uow.session, merchant_id, segment_id, rule, now)
        else:
            in_python.append((segment_id, rule))
    if in_python:
        members = await _evaluate_over_customers(uow, merchant_id, in_python, now)
        for segment_id, _ in in_python:
            total += await repository.replace_members(
                uow.session, merchant_id, segment_id, members[segment_id]
            )
    await repository.mark_refreshed(uow.session, merchant_id, [segment_id for segment_id, _ in segments], now)
    return total


async def _evaluate_over_customers(
    uow: UnitOfWork, merchant_id: int, rules: Sequence[tuple[int, language.Rule]], now: datetime
) -> dict[int, list[int]]:
    """Members of each rule, a page of customers at a time: per page one read of RFM
    facts and, only when a rule reads them, one of points, tiers and tags.

    When no rule can match a customer without an RFM row (``can_match_unscored``), only
    scored customers are read (the analytics table, tags by id from the customers
    context). Otherwise every customer of the shop is: the customers context's list,
    plus scored customers it does not list."""
    fields = frozenset().union(*(language.fields_of(rule) for _, rule in rules))
    tier_names: dict[int, str] = {}
    if "tier" in fields:
        tier_names = {tier.id: tier.name() for tier in await tiers.list_tiers(merchant_id)}
    members: dict[int, list[int]] = {segment_id: [] for segment_id, _ in rules}
    conn = await driver_connection(uow.session)
    seen: set[int] = set()
    if any(can_match_unscored(rule) for _, rule in rules):
        after: int | None = None
        while True:
            page = await customers.list_customers(merchant_id, after_id=after, first=UNIVERSE_PAGE)
            ids = [c.id for c in page.items]
            tags = {c.id: _tags(c.tags) for c in page.items} if "tags" in fields else {}
            await _evaluate_page(conn, merchant_id, ids, tags, tier_names, fields, rules, now, members)
            seen.update(ids)
            if not page.has_next_page or not ids:
                break
            after = ids[-1]
    # scored customers (those the customers context did not list, when it was read);
    # reading only scored customers, those the rules' RFM conditions already rule out
    # are left in PostgreSQL
    prefilter = None if seen else language_prefilter(rules)
    after_scored = 0
    while ids := await repository.scored_customer_ids_after(
        conn, merchant_id, after_scored, UNIVERSE_PAGE, prefilter=prefilter, now=now
    ):
        after_scored = ids[-1]
        unseen = [cid for cid in ids if cid not in seen]
        if not unseen:
            continue
        tags = {}
        if "tags" in fields and not seen:
            profiles = await customers.get_customers(merchant_id, unseen)
            tags = {cid: _tags(dto.tags) for cid, dto in profiles.items()}
        await _evaluate_page(conn, merchant_id, unseen, tags, tier_names, fields, rules, now, members)
    return members


def language_prefilter(rules: Sequence[tuple[int, language.Rule]]) -> language.Rule | None:
    """An RFM-only condition every member of some rule meets (the union of each rule's
    RFM-only conjuncts), or None when some rule has none."""
    parts: list[language.Rule] = []
    for _, rule in rules:
        local = language.local_conjuncts(rule)
        if local is None:
            return None
        parts.append(local)
    return parts[0] if len(parts) == 1 else language.Or(tuple(parts))


def _tags(tags: Sequence[str]) -> frozenset[str]:
    return frozenset(t.lower() for t in tags)


async def _evaluate_page(
    conn: object,
    merchant_id: int,
    ids: list[int],
    tags: dict[int, frozenset[str]],
    tier_names: dict[int, str],
    fields: frozenset[str],
    rules: Sequence[tuple[int, language.Rule]],
    now: datetime,
    members: dict[int, list[int]],
) -> None:
    excluded = await repository.excluded_among(conn, merchant_id, ids)
    ids = [cid for cid in ids if cid not in excluded]
    if not ids:
        return
    rfm = await repository.rfm_facts(conn, merchant_id, ids)
    accounts = (
        await points.get_accounts(merchant_id, ids) if fields & {"points_balance", "lifetime_points"} else {}
    )
    standings = await tiers.get_customer_tiers(merchant_id, ids) if "tier" in fields else {}
    for cid in ids:
        row = rfm.get(cid)
        account = accounts.get(cid)
        standing = standings.get(cid)
        tier_id = standing.tier_id if standing is not None else None
        facts = CustomerFacts(
            r=row.r if row else None,
            f=row.f if row else None,
            m=row.m if row else None,
            segment=(row.segment or "other") if row else "other",
            last_order_days=(now - row.last_order_at).days if row and row.last_order_at else None,
            tier=tier_names.get(tier_id) if tier_id is not None else None,
            points_balance=account.balance if account else 0,
            lifetime_points=account.lifetime_earned if account else 0,
            tags=tags.get(cid, frozenset()),
        )
        for segment_id, rule in rules:
            if matches(rule, facts):
                members[segment_id].append(cid)
