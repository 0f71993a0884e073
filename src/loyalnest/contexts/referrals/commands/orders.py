"""Attribution of friends' orders (with the fraud checks), cancellations and refunds."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.customers.api import CustomerDTO
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.contexts.referrals import rules
from loyalnest.contexts.referrals.commands.common import (
    NEW_ACCOUNT_SLACK,
    advocate_key,
    email_indexes,
    friend_code_indexes,
    program_in,
    progress_changed,
)
from loyalnest.contexts.referrals.repository import codes as code_repository
from loyalnest.contexts.referrals.repository import referrals as repository
from loyalnest.contexts.referrals.repository.codes import CodeRow
from loyalnest.contexts.referrals.repository.programs import ProgramRow
from loyalnest.contexts.referrals.repository.referrals import ReferralRow
from loyalnest.contexts.webhooks.events import OrderCancelled, OrderPlaced, RefundCreated
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)


# --- attribution of orders -----------------------------------------------------------------------


def _marker(
    event: OrderPlaced, owners: dict[str, CodeRow], claims: dict[str, ReferralRow]
) -> tuple[str, CodeRow | None, ReferralRow | None] | None:
    """The order's referral marker, in the spec's order: a discount code (link discount
    or friend code), the cart attribute, the landing URL. (source, owner, claim)."""
    for discount in event.discount_codes:
        found = rules.code_of_discount(discount)
        if found is None:
            continue
        kind, value = found
        if kind == "link" and value in owners:
            return "link_discount", owners[value], None
        if kind == "friend":
            # the claim is keyed by its stored index: the code's under one configured key
            claim = next((claims[i] for i in friend_code_indexes(value) if i in claims), None)
            if claim is not None:
                return "friend_code", None, claim
    facts = event.referral
    assert facts is not None
    if facts.ref_attribute and facts.ref_attribute in owners:
        return "cart_attribute", owners[facts.ref_attribute], None
    if facts.landing_ref and facts.landing_ref in owners:
        return "landing_url", owners[facts.landing_ref], None
    return None


@dataclass(slots=True)
class _Candidate:
    """A marked order that names a known advocate, before its checks."""

    order: OrderPlaced
    source: str
    advocate_id: int
    claim: ReferralRow | None


async def attribute_orders(uow: UnitOfWork, merchant_id: int, orders: Sequence[OrderPlaced]) -> None:
    """Attribute marked orders (``OrderPlaced.referral`` set) to their advocates: the
    first qualifying order of a new customer becomes a pending referral (or rejected /
    held by the fraud checks). Orders without a marker never get here.

    Everything a batch needs is read in a fixed number of statements whatever the
    number of marked orders (a worker batch of 200 orders carries several when a shop's
    referrals work), then one INSERT or UPDATE per referral: a shop with the program on
    must award orders about as fast as one without it (``bench webhooks --referrals``)."""
    marked = [o for o in orders if o.referral is not None and not o.test and not o.cancelled]
    if not marked:
        return
    program = await program_in(uow, merchant_id)
    if program is None or not program.enabled:
        return
    values: set[str] = set()
    lookups: set[str] = set()
    for order in marked:
        assert order.referral is not None
        for discount in order.discount_codes:
            found = rules.code_of_discount(discount)
            if found is not None and found[0] == "link":
                values.add(found[1])
            elif found is not None:
                lookups.update(friend_code_indexes(found[1]))
        values.update(v for v in (order.referral.ref_attribute, order.referral.landing_ref) if v)
    owners = await code_repository.codes_by_value(uow.session, merchant_id, sorted(values))
    claims = {
        row.friend_code_lookup: row
        for row in await repository.by_friend_code(uow.session, merchant_id, sorted(lookups), lock=True)
        if row.friend_code_lookup
    }
    if not owners and not claims:
        return  # codes of no one: nothing to attribute
    seen = {
        row.shopify_order_id
        for row in await repository.by_orders(
            uow.session, merchant_id, [o.shopify_order_id for o in marked], lock=False
        )
    }
    customer_ids = [o.customer_id for o in marked if o.customer_id is not None]
    friends = await repository.referred_friends(uow.session, merchant_id, customer_ids)
    candidates: list[_Candidate] = []
    for order in marked:
        marker = _marker(order, owners, claims)
        if marker is None or order.shopify_order_id in seen:
            continue  # an unknown code, or a replay of an attributed order
        if order.customer_id is None:
            continue  # a guest checkout: no customer to call new, nobody to reward later
        if order.customer_id in friends:
            continue  # not their first referred order: only the first one counts
        if order.subtotal < program.min_order_subtotal:
            continue  # not a qualifying order: the claim (if any) keeps waiting
        source, owner, claim = marker
        advocate_id = claim.advocate_customer_id if claim is not None else owner.customer_id  # type: ignore[union-attr]
        candidates.append(_Candidate(order, source, advocate_id, claim))
    if not candidates:
        return
    # a friend who claimed by email and then ordered through the link: one referral
    # (looked up under each configured blind key; the claim found is keyed by its own)
    by_email = {
        (c.advocate_id, index): c
        for c in candidates
        if c.claim is None and c.order.referral is not None and c.order.referral.email
        for index in email_indexes(c.order.referral.email)
    }
    for key, claim in (
        await repository.open_claims_by_emails(uow.session, merchant_id, list(by_email))
    ).items():
        by_email[key].claim = claim
    advocate_ids = sorted({c.advocate_id for c in candidates})
    now = utcnow()
    order_counts = await earning.count_customer_orders(
        uow, merchant_id, [c.order.customer_id for c in candidates if c.order.customer_id is not None]
    )
    codes = await code_repository.codes_of_customers(uow.session, merchant_id, advocate_ids)
    advocates = await customers.get_customers(merchant_id, advocate_ids)
    histories = await repository.advocate_histories(
        uow.session, merchant_id, advocate_ids, now - timedelta(days=7)
    )
    changed: set[int] = set()
    new_rows: list[dict[str, Any]] = []
    for candidate in candidates:
        order = candidate.order
        assert order.customer_id is not None
        claim = candidate.claim
        if claim is not None and claim.status != "claimed":
            continue
        if order.customer_id in friends:
            continue  # two orders of one new friend in this batch: the first one counts
        history = histories[candidate.advocate_id]
        columns = _decide(
            program,
            candidate,
            order_counts.get(order.customer_id, 0),
            code=codes.get(candidate.advocate_id),
            advocate=advocates.get(candidate.advocate_id),
            history=history,
            now=now,
        )
        friends.add(order.customer_id)
        # the next order of this batch sees this referral, as a later batch would
        histories[candidate.advocate_id] = repository.AdvocateHistory(
            history.address_hashes | ({columns["address_hash"]} if columns["address_hash"] else set()),
            history.ip_hashes | ({columns["ip_hash"]} if columns["ip_hash"] else set()),
            history.recent + (1 if claim is None else 0),
        )
        if claim is not None:
            # the source becomes how the order came (the friend code, or a link used after
            # claiming): analytics prices the discount the order used by it
            updated = await repository.update_referral(
                uow.session, merchant_id, claim.id, {**columns, "source": candidate.source}
            )
            _checked(merchant_id, updated)
            changed.add(candidate.advocate_id)
        else:
            new_rows.append(
                {**columns, "advocate_customer_id": candidate.advocate_id, "source": candidate.source}
            )
    for row in await repository.insert_referrals(uow.session, merchant_id, new_rows):
        _checked(merchant_id, row)
        changed.add(row.advocate_customer_id)
    if changed:
        await progress_changed(uow, merchant_id, changed)


def _decide(
    program: ProgramRow,
    candidate: _Candidate,
    recorded_orders: int,
    *,
    code: CodeRow | None,
    advocate: CustomerDTO | None,
    history: repository.AdvocateHistory,
    now: datetime,
) -> dict[str, Any]:
    """The referral's columns for a friend's order: its fraud checks run, the verdict
    taken (rejected, held for review, or pending)."""
    order, claim, advocate_id = candidate.order, candidate.claim, candidate.advocate_id
    facts = order.referral
    assert facts is not None
    assert order.customer_id is not None
    salt = program.visitor_salt
    placed = order.placed_at or now
    friend_address = rules.address_hash(salt, facts.shipping_address)
    friend_ip = rules.optional_hash(salt, "ip", facts.client_ip)
    friend_payment = rules.optional_hash(salt, "payment", facts.payment_fingerprint)
    not_new = _not_new_reason(facts.customer_created_at, claim, placed, recorded_orders)
    reasons = rules.run_checks(
        rules.CheckSettings(
            program.checks,
            program.velocity_per_week,
            program.disposable_domains_blocked,
            tuple(program.disposable_domains_extra),
            tuple(program.disposable_domains_allowed),
        ),
        rules.FriendFacts(
            customer_id=order.customer_id,
            email=facts.email,
            phone=facts.phone,
            address_hash=friend_address,
            ip_hash=friend_ip,
            payment_hash=friend_payment,
            not_new_reason=not_new,
        ),
        rules.AdvocateFacts(
            customer_id=advocate_id,
            email=advocate.email if advocate else None,
            phone=advocate.phone if advocate else None,
            address_hash=code.address_hash if code else None,
            ip_hash=code.ip_hash if code else None,
            payment_hash=code.payment_hash if code else None,
            other_address_hashes=history.address_hashes,
            other_ip_hashes=history.ip_hashes,
            # this referral itself excluded: a claim made this week is already counted
            referrals_this_week=history.recent
            - (1 if claim is not None and claim.created_at >= now - timedelta(days=7) else 0),
        ),
    )
    outcome = rules.verdict(reasons)
    values: dict[str, Any] = {
        "friend_customer_id": order.customer_id,
        "status": "rejected" if outcome == rules.REJECT else "pending",
        "held": outcome == rules.REVIEW,
        "reasons": rules.reasons_json(reasons),
        "shopify_order_id": order.shopify_order_id,
        "order_subtotal": order.subtotal,
        "currency": order.currency or None,
        "ip_hash": friend_ip,
        "address_hash": friend_address,
        "ordered_at": placed,
        "confirm_at": placed + timedelta(days=program.confirmation_days),
        "decided_by": "fraud_check" if outcome == rules.REJECT else None,
    }
    return values


def _checked(merchant_id: int, row: ReferralRow) -> None:
    """Log the verdict of a referral the checks flagged (the checks' names, no facts)."""
    if row.status == "rejected" or row.held:
        log.info(
            "referral checked",
            extra={
                "merchant_id": merchant_id,
                "referral_id": row.id,
                "verdict": "reject" if row.status == "rejected" else "review",
                "checks": [reason.get("check") for reason in row.reasons],
            },
        )


def _not_new_reason(
    account_created: datetime | None, claim: ReferralRow | None, placed: datetime, recorded_orders: int
) -> str | None:
    # the earning handler ran first: this order is already among the recorded ones
    if recorded_orders > 1:
        return "the friend has an earlier order"
    if account_created is not None:
        if claim is not None and claim.claimed_at is not None and account_created < claim.claimed_at:
            return "the friend's account is older than the claim"
        if claim is None and account_created < placed - NEW_ACCOUNT_SLACK:
            return "the friend's account is older than the referred order"
    return None


async def record_advocate_orders(uow: UnitOfWork, merchant_id: int, orders: Sequence[OrderPlaced]) -> None:
    """Keep hashed facts of marked orders placed by advocates (their address, IP and
    card): later friends' orders are compared with them. Unmarked orders are not read
    (they must cost the referrals context nothing). One statement per batch."""
    program = await program_in(uow, merchant_id)
    if program is None or not program.enabled:
        return
    salt = program.visitor_salt
    await code_repository.record_advocate_facts(
        uow.session,
        merchant_id,
        [
            code_repository.AdvocateFacts(
                order.customer_id,
                address_hash=rules.address_hash(salt, order.referral.shipping_address),
                ip_hash=rules.optional_hash(salt, "ip", order.referral.client_ip),
                payment_hash=rules.optional_hash(salt, "payment", order.referral.payment_fingerprint),
            )
            for order in orders
            if order.referral is not None and order.customer_id is not None
        ],
    )


# --- cancellations and refunds -----------------------------------------------------------------


async def cancel_orders(uow: UnitOfWork, merchant_id: int, events: Sequence[OrderCancelled]) -> None:
    """A friend's order cancelled: a referral still waiting is cancelled; a paid reward
    is taken back."""
    rows = await repository.by_orders(uow.session, merchant_id, [e.shopify_order_id for e in events])
    changed = [await _cancel(uow, merchant_id, row, "order cancelled") for row in rows]
    await progress_changed(uow, merchant_id, [a for a in changed if a is not None])


async def refund_orders(uow: UnitOfWork, merchant_id: int, events: Sequence[RefundCreated]) -> None:
    """Refunds add up per order, each Shopify refund once (its id is kept on the referral:
    a refund delivered again under a new event id adds nothing); once the order's subtotal
    is refunded in full the referral is cancelled (or its paid reward reversed). Partial
    refunds only count."""
    by_order: dict[int, dict[int, Decimal]] = {}
    for event in events:
        by_order.setdefault(event.shopify_order_id, {})[event.shopify_refund_id] = event.line_subtotal
    rows = await repository.by_orders(uow.session, merchant_id, list(by_order))
    changed: list[int] = []
    for row in rows:
        assert row.shopify_order_id is not None
        new = {
            rid: amount for rid, amount in by_order[row.shopify_order_id].items() if rid not in row.refund_ids
        }
        if not new:
            continue
        refunded = row.order_refunded + sum(new.values(), Decimal("0"))
        row = await repository.update_referral(
            uow.session,
            merchant_id,
            row.id,
            {"order_refunded": refunded, "refund_ids": sorted({*row.refund_ids, *new})},
        )
        if row.order_subtotal is not None and refunded >= row.order_subtotal:
            advocate = await _cancel(uow, merchant_id, row, "order fully refunded")
            if advocate is not None:
                changed.append(advocate)
    await progress_changed(uow, merchant_id, changed)


async def _cancel(uow: UnitOfWork, merchant_id: int, row: ReferralRow, why: str) -> int | None:
    now = utcnow()
    if row.status in ("pending", "completed"):
        await repository.update_referral(
            uow.session, merchant_id, row.id, {"status": "cancelled", "cancelled_at": now, "decided_by": why}
        )
        return row.advocate_customer_id
    if row.status == "rewarded":
        if row.reward_points:
            await points.reverse_earning(
                uow,
                merchant_id=merchant_id,
                customer_id=row.advocate_customer_id,
                points=row.reward_points,
                earning_key=advocate_key(row.id),
                source="referral",
                source_ref=f"referral:{row.id}",
                idempotency_key=f"{advocate_key(row.id)}:reversal",
            )
        await repository.update_referral(
            uow.session, merchant_id, row.id, {"status": "cancelled", "cancelled_at": now, "decided_by": why}
        )
        return row.advocate_customer_id
    return None
