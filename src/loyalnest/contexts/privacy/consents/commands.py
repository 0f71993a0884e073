"""Recording consents, in the caller's transaction (a mutation's, a webhook's): each
change appended to the history, audited, and published (``ConsentChanged``) so every
honouring context reacts in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.privacy.consents import repository, rules
from loyalnest.contexts.privacy.consents.dto import ConsentChoice, ConsentDTO, MarketingState
from loyalnest.platform.consents import (
    CONSENT_SOURCES,
    CONSENT_TYPES,
    NEWSLETTER,
    SHOPIFY,
    SMS_MARKETING,
    ConsentChanged,
)
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork


async def record_consents(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    choices: Sequence[ConsentChoice],
    source: str,
    actor: str,
) -> list[ConsentDTO]:
    """Record the customer's (or staff's on their behalf, or an import's) choices, made
    now. A choice equal to the current state records nothing, except the first choice
    of a type without a row: an explicit choice is recorded once even when it confirms
    the default, as the proof of it, and so that every honouring context holds it
    explicitly instead of deriving it (notifications derives email marketing from
    Shopify's state until a row says otherwise). The caller has checked that the
    customer is one of the shop's. Returns every type's state afterwards."""
    if source not in CONSENT_SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    for choice in choices:
        if choice.type not in CONSENT_TYPES:
            raise ValidationFailed(f"unknown consent type {choice.type!r}", field="type")
    if len({c.type for c in choices}) != len(choices):
        raise ValidationFailed("each consent type at most once", field="type", code="DUPLICATE")
    await repository.lock_customer(uow.session, merchant_id, customer_id)
    latest = await repository.latest_of(uow.session, merchant_id, customer_id)
    now = utcnow()
    changed: list[ConsentChanged] = []
    for choice in choices:
        found = latest.get(choice.type)
        if found is not None and choice.granted == found.granted:
            continue
        changed.append(
            ConsentChanged(
                merchant_id=merchant_id,
                customer_id=customer_id,
                type=choice.type,
                granted=choice.granted,
                source=source,
                occurred_at=now,
                actor=actor,
            )
        )
    await _append(uow, changed)
    return await current_in(uow, merchant_id, customer_id)


async def retract_stated(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, stated_by: str, source: str, actor: str
) -> None:
    """Where the customer's current state of a type is the one ``stated_by`` recorded,
    record the state before it again (the type's default where there was none): a new
    row, published like any change, so honouring contexts follow."""
    await repository.lock_customer(uow.session, merchant_id, customer_id)
    restore = [
        ConsentChoice(type=type_, granted=rows[1].granted if len(rows) > 1 else rules.DEFAULTS[type_])
        for type_, rows in sorted(
            (await repository.last_two_of(uow.session, merchant_id, customer_id)).items()
        )
        if rows[0].actor == stated_by
    ]
    if restore:
        await record_consents(
            uow, merchant_id=merchant_id, customer_id=customer_id, choices=restore, source=source, actor=actor
        )


async def record_shopify_marketing(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    email: MarketingState | None,
    sms: MarketingState | None,
    seen_at: datetime | None,
) -> int:
    """What a customers/create|update webhook says of the customer's marketing consent
    (``None``: the payload says nothing of that channel). Recorded only where it changes
    the current state and is newer than the latest row (``rules.shopify_change``): a
    redelivered or late webhook writes nothing. ``seen_at`` (the payload's
    ``updated_at``) dates the row of a state without its own ``consent_updated_at`` (it
    is not compared: see the rule). Returns how many changes were recorded."""
    given = [(NEWSLETTER, email), (SMS_MARKETING, sms)]
    if all(state is None for _, state in given):
        return 0
    await repository.lock_customer(uow.session, merchant_id, customer_id)
    latest = await repository.latest_of(uow.session, merchant_id, customer_id)
    changed: list[ConsentChanged] = []
    for type_, state in given:
        if state is None:
            continue
        granted = rules.is_granted(state.state)
        if not rules.shopify_change(
            latest.get(type_), granted=granted, consented_at=state.updated_at, default=rules.DEFAULTS[type_]
        ):
            continue
        occurred_at = state.updated_at or seen_at
        changed.append(
            ConsentChanged(
                merchant_id=merchant_id,
                customer_id=customer_id,
                type=type_,
                granted=granted,
                source=SHOPIFY,
                occurred_at=occurred_at or utcnow(),
                actor=SHOPIFY,
            )
        )
    await _append(uow, changed)
    return len(changed)


async def _append(uow: UnitOfWork, changed: Sequence[ConsentChanged]) -> None:
    for event in changed:
        row_id = await repository.append(
            uow.session,
            event.merchant_id,
            event.customer_id,
            type_=event.type,
            granted=event.granted,
            source=event.source,
            actor=event.actor,
            occurred_at=event.occurred_at,
        )
        await audit.record(
            uow,
            merchant_id=event.merchant_id,
            actor=event.actor,
            action="consent.granted" if event.granted else "consent.revoked",
            target_type="Customer",
            target_id=str(event.customer_id),
            details={"type": event.type, "source": event.source, "consent_id": row_id},
        )
    if changed:
        await uow.publish_events(list(changed))


def states(rows: Sequence[repository.ConsentRow]) -> list[ConsentDTO]:
    """Every type's state (in ``CONSENT_TYPES`` order) from the latest row of each."""
    by_type = {row.type: row for row in rows}
    out: list[ConsentDTO] = []
    for type_ in CONSENT_TYPES:
        row = by_type.get(type_)
        if row is None:
            out.append(ConsentDTO(type=type_, granted=rules.DEFAULTS[type_], is_default=True))
        else:
            out.append(
                ConsentDTO(
                    type=type_,
                    granted=row.granted,
                    is_default=False,
                    source=row.source,
                    changed_at=row.occurred_at,
                )
            )
    return out


async def current_in(uow: UnitOfWork, merchant_id: int, customer_id: int) -> list[ConsentDTO]:
    """Every type's state as this unit of work sees it (a mutation's payload)."""
    return states(await repository.current_rows(uow.session, merchant_id, [customer_id]))
