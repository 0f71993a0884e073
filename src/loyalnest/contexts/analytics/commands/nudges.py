"""Business rules of nudges that change state, in the caller's unit of work (never
committed here): definitions and variants (validated as a whole, audited), storefront
events, tier drops and conversions (from handlers), and email nudges (a request, then
pages the actor works through).

Email nudges: a request (``request_nudge_email``) writes a run and enqueues the actor in
the same transaction. Each page (``send_nudge_email_page``, one transaction) takes up to
``EMAIL_PAGE`` customers of the audience after the run's cursor, keeps those who accept
marketing and have an email, records a send per customer (the 30-day rule: none in the
30 days before, one per 30-day window by key) and queues a ``nudge`` message for each
newly recorded one through the notifications context, then moves the cursor. A page
retried after a crash rolled back entirely; after its commit the cursor is past it: a
customer is never emailed twice for one nudge within 30 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from loyalnest.contexts.analytics.dto.nudges import (
    KEEP,
    EmailRunDTO,
    NudgeDTO,
    NudgeInput,
    NudgeUpdate,
    VariantSpec,
)
from loyalnest.contexts.analytics.queries.nudges import to_nudge_dto, to_run_dto
from loyalnest.contexts.analytics.repository import nudges as repository
from loyalnest.contexts.analytics.repository.nudges import PlacedOrder
from loyalnest.contexts.analytics.rules import nudges as rules
from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.webhooks.events import OrderPlaced
from loyalnest.platform.db import driver_connection
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "ANALYTICS_QUEUE",
    "EMAIL_PAGE",
    "SEND_NUDGE_EMAIL_ACTOR",
    "archive_nudge",
    "create_nudge",
    "mark_tier_drops",
    "record_nudge_conversions",
    "record_nudge_event",
    "request_nudge_email",
    "send_nudge_email_page",
    "set_nudge_variants",
    "update_nudge",
]

ANALYTICS_QUEUE = "analytics"
SEND_NUDGE_EMAIL_ACTOR = "analytics.send_nudge_email"
# customers per page of an email nudge (one transaction, one customers read)
EMAIL_PAGE = 500
NUDGE_MESSAGE_TYPE = "nudge"


def _not_found() -> NotFound:
    return NotFound("nudge not found", field="id")


def _pairs(texts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(str(locale), str(text)) for locale, text in texts]


def _clean_definition(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate a whole definition (the merged one on update), with named fields."""
    default_locale = rules.normalise_locale(fields["default_locale"], field="defaultLocale")
    return {
        "name": rules.check_name(fields["name"]),
        "kind": fields["kind"],
        "segment": rules.check_audience(fields["kind"], fields["segment"]),
        "default_locale": default_locale,
        "titles": rules.clean_texts(
            _pairs(fields["titles"]),
            field="titles",
            max_length=rules.MAX_TITLE,
            required_locale=default_locale,
        ),
        "bodies": rules.clean_texts(
            _pairs(fields["bodies"]),
            field="bodies",
            max_length=rules.MAX_BODY,
            required_locale=default_locale,
        ),
        "cta_labels": rules.clean_texts(
            _pairs(fields["cta_labels"]),
            field="ctaLabels",
            max_length=rules.MAX_CTA_LABEL,
            required_locale=default_locale,
        ),
        "cta_url": rules.check_url(fields["cta_url"]),
        "enabled": bool(fields["enabled"]),
        "hide_days": rules.check_hide_days(fields["hide_days"]),
    }


async def _dto(uow: UnitOfWork, merchant_id: int, row: repository.NudgeRow) -> NudgeDTO:
    conn = await driver_connection(uow.session)
    variants = await repository.variants_of(conn, merchant_id, [row.id])
    return to_nudge_dto(merchant_id, row, variants)


async def create_nudge(uow: UnitOfWork, *, merchant_id: int, actor: str, data: NudgeInput) -> NudgeDTO:
    fields = _clean_definition(
        {
            "name": data.name,
            "kind": data.kind,
            "segment": data.segment,
            "default_locale": data.default_locale,
            "titles": data.titles,
            "bodies": data.bodies,
            "cta_labels": data.cta_labels,
            "cta_url": data.cta_url,
            "enabled": data.enabled,
            "hide_days": data.hide_days,
        }
    )
    given = data.variants if data.variants is not None else (VariantSpec("Control", 1, control=True),)
    variants = rules.clean_variants(given)
    if any(v.id is not None for v in variants):
        raise ValidationFailed("a new nudge's variants have no id yet", field="variants")
    row = await repository.insert_nudge(uow.session, merchant_id, fields)
    for variant in variants:
        await repository.insert_variant(uow.session, merchant_id, row.id, variant)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="analytics.nudge_created",
        target_type="nudge",
        target_id=str(row.id),
        details={"kind": fields["kind"], "segment": fields["segment"], "variants": len(variants)},
    )
    return await _dto(uow, merchant_id, row)


async def update_nudge(
    uow: UnitOfWork, *, merchant_id: int, actor: str, nudge_id: int, update: NudgeUpdate
) -> NudgeDTO:
    """Change a live nudge; the result is validated as a whole. Changing the type to
    anything but SEGMENT clears the segment."""
    current = await repository.lock_nudge(uow.session, merchant_id, nudge_id)
    if current is None:
        raise _not_found()
    merged = {
        "name": current.name,
        "kind": current.kind,
        "segment": current.segment,
        "default_locale": current.default_locale,
        "titles": list(current.titles.items()),
        "bodies": list(current.bodies.items()),
        "cta_labels": list(current.cta_labels.items()),
        "cta_url": current.cta_url,
        "enabled": current.enabled,
        "hide_days": current.hide_days,
    }
    given = {k: getattr(update, k) for k in merged if getattr(update, k) is not KEEP}
    if "kind" in given and given["kind"] != "segment" and "segment" not in given:
        given["segment"] = None
    merged.update(given)
    cleaned = _clean_definition(merged)
    changes = {k: v for k, v in cleaned.items() if k in given}
    row = await repository.update_nudge(uow.session, merchant_id, nudge_id, changes)
    assert row is not None  # locked above
    if update.variants is not KEEP:
        await _replace_variants(uow, merchant_id, nudge_id, update.variants)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="analytics.nudge_updated",
        target_type="nudge",
        target_id=str(nudge_id),
        details={"changed": sorted(changes) + (["variants"] if update.variants is not KEEP else [])},
    )
    return await _dto(uow, merchant_id, row)


async def _replace_variants(
    uow: UnitOfWork, merchant_id: int, nudge_id: int, specs: Sequence[VariantSpec]
) -> None:
    cleaned = rules.clean_variants(specs)
    conn = await driver_connection(uow.session)
    existing = {v.id for v in await repository.variants_of(conn, merchant_id, [nudge_id])}
    unknown = [v.id for v in cleaned if v.id is not None and v.id not in existing]
    if unknown:
        raise NotFound("variant not found", field="variants")
    kept = [v.id for v in cleaned if v.id is not None]
    # removed first: the control flag moves without two controls at any moment
    await repository.remove_variants_except(uow.session, merchant_id, nudge_id, kept)
    for variant in cleaned:
        if variant.id is None:
            await repository.insert_variant(uow.session, merchant_id, nudge_id, variant)
        else:
            await repository.update_variant(uow.session, merchant_id, nudge_id, variant)


async def set_nudge_variants(
    uow: UnitOfWork, *, merchant_id: int, actor: str, nudge_id: int, variants: Sequence[VariantSpec]
) -> NudgeDTO:
    """Replace the variant list: a variant given with its id is updated, one without is
    new, a live one left out is removed (its events and conversions stay in the results).
    A customer keeps their variant while the list's weights are unchanged."""
    return await update_nudge(
        uow, merchant_id=merchant_id, actor=actor, nudge_id=nudge_id, update=NudgeUpdate(variants=variants)
    )


async def archive_nudge(uow: UnitOfWork, *, merchant_id: int, actor: str, nudge_id: int) -> NudgeDTO:
    """Switch a nudge off for good: it leaves the storefront and the list of live nudges;
    its results stay readable (``nudgeResults``)."""
    row = await repository.update_nudge(
        uow.session, merchant_id, nudge_id, {"archived_at": utcnow(), "enabled": False}
    )
    if row is None:
        raise _not_found()
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="analytics.nudge_archived",
        target_type="nudge",
        target_id=str(nudge_id),
    )
    return await _dto(uow, merchant_id, row)


# --- the storefront ---------------------------------------------------------------------------------


async def record_nudge_event(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, nudge_id: int, variant_id: int, kind: str
) -> bool:
    """Count a view, click or dismissal of a variant the customer was shown. Counted once
    per customer, nudge, kind and UTC day (a re-render is not a second view); returns
    whether this one was new. A dismissal also hides the nudge for its hide days (each
    dismissal restarts them)."""
    if kind not in rules.EVENT_KINDS:
        raise ValidationFailed("kind is VIEW, CLICK or DISMISS", field="kind")
    conn = await driver_connection(uow.session)
    nudges = await repository.nudges_by_id(conn, merchant_id, [nudge_id])
    if not nudges or nudges[0].archived_at is not None:
        raise NotFound("nudge not found", field="nudgeId")
    variants = await repository.variants_of(conn, merchant_id, [nudge_id])
    if variant_id not in {v.id for v in variants}:
        raise NotFound("variant not found", field="variantId")
    now = utcnow()
    new = await repository.record_event(
        uow.session,
        merchant_id,
        nudge_id=nudge_id,
        variant_id=variant_id,
        customer_id=customer_id,
        kind=kind,
        day=now.date(),
        at=now,
    )
    if kind == "dismiss":
        await repository.record_dismissal(uow.session, merchant_id, nudge_id, customer_id, now)
    return new


# --- handlers' work ------------------------------------------------------------------------------------


async def mark_tier_drops(
    uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int], at: datetime
) -> None:
    """These customers' tier dropped at ``at``: tier_dropped nudges apply to them for
    ``TIER_DROP_ELIGIBLE_DAYS`` from then."""
    if customer_ids:
        await repository.mark_tier_drops(uow.session, merchant_id, customer_ids, at)


async def record_nudge_conversions(uow: UnitOfWork, events: Sequence[OrderPlaced]) -> None:
    """Orders of customers who clicked a nudge in the 7 days before: one conversion per
    order, for the variant of the latest click. One statement for the batch (every shop
    in it); none for a batch of guest or test orders."""
    now = utcnow()
    orders = [
        PlacedOrder(e.merchant_id, e.shopify_order_id, e.customer_id, e.placed_at or now, e.subtotal)
        for e in events
        if e.customer_id is not None and not e.test and not e.cancelled
    ]
    if orders:
        await repository.insert_conversions(uow.session, orders, rules.CONVERSION_WINDOW_DAYS)


async def catch_up_conversions(uow: UnitOfWork, merchant_id: int, since: datetime) -> int:
    """The daily catch-up when real time is off: the stored orders since ``since``."""
    return await repository.catch_up_conversions(
        uow.session, merchant_id, since, rules.CONVERSION_WINDOW_DAYS
    )


# --- email nudges ----------------------------------------------------------------------------------------


async def request_nudge_email(
    uow: UnitOfWork, *, merchant_id: int, actor: str, nudge_id: int, segment: str | None
) -> EmailRunDTO:
    """Email a nudge to a segment (None: the nudge's own audience). Asking again while a
    run for the same nudge and audience is still going returns that run. Audited."""
    conn = await driver_connection(uow.session)
    found = await repository.nudges_by_id(conn, merchant_id, [nudge_id])
    if not found or found[0].archived_at is not None:
        raise _not_found()
    nudge = found[0]
    if segment is not None:
        audience = rules.check_audience("segment", segment)
        assert audience is not None
    elif nudge.kind == "segment":
        assert nudge.segment is not None
        audience = nudge.segment
    else:
        # "type:loyal" (Champions and Loyal), never the bare slug "loyal" (the Loyal segment)
        audience = f"type:{nudge.kind}"
    running = await repository.open_run(uow.session, merchant_id, nudge_id, audience)
    if running is not None:
        return to_run_dto(running)
    run = await repository.insert_run(uow.session, merchant_id, nudge_id, audience, actor)
    uow.enqueue(SEND_NUDGE_EMAIL_ACTOR, queue_name=ANALYTICS_QUEUE, merchant_id=merchant_id, run_id=run.id)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="analytics.nudge_email_requested",
        target_type="nudge",
        target_id=str(nudge_id),
        details={"segment": audience, "run_id": run.id},
    )
    return to_run_dto(run)


def _audience_query(audience: str, now: datetime) -> dict[str, Any]:
    """What ``repository.audience_page`` reads for a stored audience (``type:<kind>``, a
    built-in slug or custom:<id>)."""
    if audience == "type:tier_dropped":
        since = now - timedelta(days=rules.TIER_DROP_ELIGIBLE_DAYS)
        return {"segments": (), "custom_segment_id": None, "tier_dropped_since": since}
    custom = rules.custom_segment_id(audience)
    if custom is not None:
        return {"segments": (), "custom_segment_id": custom, "tier_dropped_since": None}
    if audience.startswith("type:"):
        segments = rules.KIND_SEGMENTS[audience.removeprefix("type:")]
    else:
        segments = (audience,)
    return {"segments": segments, "custom_segment_id": None, "tier_dropped_since": None}


async def send_nudge_email_page(uow: UnitOfWork, *, merchant_id: int, run_id: int) -> bool:
    """Work one page of a run (see the module docstring); True when the run is done."""
    run = await repository.lock_run(uow.session, merchant_id, run_id)
    if run is None or run.status == "done":
        return True
    conn = await driver_connection(uow.session)
    found = await repository.nudges_by_id(conn, merchant_id, [run.nudge_id])
    now = utcnow()
    if not found or found[0].archived_at is not None:
        # archived meanwhile: nothing more goes out
        await repository.advance_run(
            uow.session, merchant_id, run_id, cursor=None, seen=0, queued=0, skipped=0, done=True
        )
        return True
    nudge = to_nudge_dto(
        merchant_id, found[0], await repository.variants_of(conn, merchant_id, [run.nudge_id])
    )
    page = await repository.audience_page(
        uow.session, merchant_id, after=run.cursor, limit=EMAIL_PAGE, **_audience_query(run.segment, now)
    )
    if not page:
        await repository.advance_run(
            uow.session, merchant_id, run_id, cursor=None, seen=0, queued=0, skipped=0, done=True
        )
        return True
    profiles = await customers.get_customers(merchant_id, page)
    merchant = await merchants.get_merchant_in(uow, merchant_id)
    shop_domain = merchant.shop_domain if merchant is not None else ""
    # marketing consent (the notifications context checks it again when it sends)
    consenting = [c for c in page if c in profiles and profiles[c].accepts_marketing and profiles[c].email]
    new = await repository.insert_sends(
        uow.session,
        merchant_id,
        nudge_id=nudge.id,
        run_id=run_id,
        customer_ids=consenting,
        window_no=rules.email_window(now.date()),
        not_since=now - timedelta(days=rules.EMAIL_WINDOW_DAYS),
    )
    window = rules.email_window(now.date())
    outgoing = []
    for customer_id in new:
        locale = profiles[customer_id].locale
        variant = None
        # the email shows the customer's storefront variant (the same stable choice)
        if nudge.variants:
            chosen = rules.choose_variant(
                merchant_id, nudge.id, customer_id, [(v.id, v.weight) for v in nudge.variants]
            )
            variant = nudge.variant(chosen)
        outgoing.append(
            notifications.Outgoing(
                type=NUDGE_MESSAGE_TYPE,
                cause=f"{nudge.id}:{customer_id}:{window}",
                customer_id=customer_id,
                variables={
                    "title": nudge.title(locale, variant),
                    "body": nudge.body(locale, variant),
                    "cta_label": nudge.cta_label(locale, variant),
                    "cta_url": _absolute(nudge.cta_url, shop_domain),
                },
            )
        )
    if outgoing:
        await notifications.queue_messages(uow, merchant_id, outgoing)
    done = len(page) < EMAIL_PAGE
    await repository.advance_run(
        uow.session,
        merchant_id,
        run_id,
        cursor=page[-1],
        seen=len(page),
        queued=len(new),
        skipped=len(page) - len(new),
        done=done,
    )
    return done


def _absolute(url: str, shop_domain: str) -> str:
    """A path of the shop (the storefront resolves it) needs the shop's address in an
    email."""
    return f"https://{shop_domain}{url}" if url.startswith("/") else url
