"""Work spanning transactions or an outside call: the status pass (scheduled campaigns
start, ended windows end) and a campaign's Shopify discount (created when the campaign
starts, switched off when it pauses, ends or is archived).

No database lock is held across a Shopify call: the campaign is read, Shopify is
called, and the outcome is written in a statement of its own. Both are idempotent: a
status moves only from the status it leaves; the discount is brought to what the
campaign's status wants, whatever it is now (a second run finds nothing to do, and a
create retried after a lost answer finds its own code, ``TAKEN``, and adopts it).
"""

from __future__ import annotations

import logging
from datetime import datetime

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.campaigns import repository, rules
from loyalnest.contexts.campaigns.commands import CAMPAIGNS_QUEUE, SYNC_DISCOUNT_ACTOR
from loyalnest.contexts.campaigns.dto import StatusReport
from loyalnest.contexts.campaigns.repository import CampaignRow
from loyalnest.contexts.merchants import api as merchants
from loyalnest.integrations.shopify_admin import api as shopify_admin
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# The Admin integration reads a shop's token through the credentials port; campaigns
# plugs in the merchants context's provider as rewards does (registering it again
# changes nothing).
shopify_admin.configure_credentials(merchants.get_admin_credentials)

# how many campaigns one status pass changes per transaction
STATUS_BATCH = 500


async def advance_statuses(*, now: datetime | None = None, batch: int = STATUS_BATCH) -> StatusReport:
    """Scheduled campaigns whose start came become active; campaigns whose end passed
    become ended. A batch per transaction; each shop's version is bumped with it, and
    campaigns with a discount get it created or switched off after commit."""
    moment = now or utcnow()
    started = ended = 0
    while True:
        async with unit_of_work() as uow:
            starts = await repository.start_due(uow.session, moment, batch)
            ends = await repository.end_due(uow.session, moment, batch)
            if starts or ends:
                await repository.bump_versions(uow.session, [m for m, _, _ in (*starts, *ends)])
            for action, changed in (("campaign.started", starts), ("campaign.ended", ends)):
                for merchant_id, campaign_id, has_discount in changed:
                    await audit.record(
                        uow,
                        merchant_id=merchant_id,
                        actor="system",
                        action=action,
                        target_type="Campaign",
                        target_id=str(campaign_id),
                        details={"reason": "schedule"},
                    )
                    if has_discount:
                        uow.enqueue(
                            SYNC_DISCOUNT_ACTOR,
                            queue_name=CAMPAIGNS_QUEUE,
                            merchant_id=merchant_id,
                            campaign_id=campaign_id,
                        )
        started += len(starts)
        ended += len(ends)
        if len(starts) < batch and len(ends) < batch:
            return StatusReport(started=started, ended=ended)


async def _set_state(
    row: CampaignRow, state: str, *, gid: str | None = None, error: str | None = None
) -> None:
    async with unit_of_work() as uow:
        await repository.set_discount_state(
            uow.session, row.merchant_id, row.id, state=state, gid=gid, error=error
        )


async def _create(row: CampaignRow) -> str:
    assert row.discount_code is not None
    assert row.discount_kind is not None
    minimum = rules.conditions_from_json(row.conditions).min_order_amount
    await _set_state(row, "pending")
    try:
        result = await shopify_admin.create_discount_code(
            row.merchant_id,
            code=row.discount_code,
            title=row.name,
            kind=row.discount_kind,  # type: ignore[arg-type]
            value=row.discount_value,
            minimum_subtotal=minimum,
            customer_gid=None,
            ends_at=row.ends_at,
            usage_limit=None,
            applies_once_per_customer=False,
        )
    except ValidationFailed as exc:
        await _set_state(row, "failed", error=exc.message)
        return "failed"
    except shopify_admin.ShopifyAdminError as exc:
        if exc.retryable:
            raise  # the actor's retry asks again (a create that went through is TAKEN then)
        await _set_state(row, "failed", error=f"Shopify: {exc.code}")
        return "failed"
    gid = result.discount_gid if result.ok else result.existing_discount_gid if result.code_taken else None
    if gid is None:
        messages = "; ".join(e.message for e in result.user_errors) or "no discount returned"
        await _set_state(row, "failed", error=f"Shopify refused the discount: {messages}"[:500])
        return "failed"
    await _set_state(row, "active", gid=gid)
    return "active"


async def _toggle(row: CampaignRow, *, activate: bool) -> str:
    assert row.discount_gid is not None
    try:
        refused = await shopify_admin.set_discount_active(row.merchant_id, row.discount_gid, active=activate)
    except shopify_admin.ShopifyAdminError as exc:
        if exc.retryable:
            raise  # the actor's retry asks again (switching on or off twice is harmless)
        await _set_state(row, "failed", error=f"Shopify: {exc.code}")
        return "failed"
    error = "; ".join(e.message for e in refused) or None
    state = ("active" if activate else "inactive") if error is None else "failed"
    await _set_state(row, state, error=error)
    return state


async def sync_discount(merchant_id: int, campaign_id: int) -> str:
    """Bring the campaign's Shopify discount to what its status wants: there while it
    is active, switched off otherwise. Returns the discount's state afterwards."""
    async with read_session() as session:
        row = await repository.get_campaign(session, merchant_id, campaign_id, transactional=False)
    if row is None or row.discount_kind is None:
        return "none"
    wanted = row.status == rules.ACTIVE and (row.ends_at is None or row.ends_at > utcnow())
    if wanted:
        if row.discount_state == "active":
            return "active"
        if row.discount_gid is not None and row.discount_state == "inactive":
            return await _toggle(row, activate=True)
        if row.discount_gid is None:
            return await _create(row)
        return row.discount_state
    if row.discount_gid is not None and row.discount_state in ("active", "pending"):
        return await _toggle(row, activate=False)
    log.debug(
        "campaign discount needs nothing", extra={"campaign_id": campaign_id, "state": row.discount_state}
    )
    return row.discount_state
