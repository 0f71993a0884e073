"""Retention: handled webhook rows after 30 days, the delivery log of finished messages
after 180, the audit trail after 400 go, each by the context that owns it; waiting rows
stay whatever their age; the daily actor (real broker and worker) and `loyalnest privacy
purge --dry-run` (a real process) count or delete the same rows."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from loyalnest.contexts.privacy import retention
from loyalnest.contexts.privacy.api import PRIVACY_QUEUE
from loyalnest.contexts.privacy.tasks import RETENTION_ACTOR
from loyalnest.platform import queue
from loyalnest.platform.db import read_session
from tests.contexts.privacy import support
from tests.contexts.support import scalar
from tests.test_cli import loyalnest

pytestmark = pytest.mark.usefixtures("broker")


async def _age(sql: str, merchant_id: int) -> None:
    async with read_session() as session:
        await session.execute(text(sql), {"m": merchant_id})
        await session.commit()


_INBOX = "select count(*) from shopify_webhook_inbox where merchant_id = :m and processed_at is {} null"
_FINISHED = (
    "select count(*) from notification_deliveries"
    " where merchant_id = :m and status in ('sent', 'failed', 'skipped')"
)


async def _counts(merchant_id: int) -> tuple[int, int, int, int]:
    """(handled inbox rows, waiting inbox rows, finished deliveries, audit entries)."""
    return (
        int(await scalar(_INBOX.format("not"), m=merchant_id)),
        int(await scalar(_INBOX.format(""), m=merchant_id)),
        int(await scalar(_FINISHED, m=merchant_id)),
        int(await scalar("select count(*) from audit_entries where merchant_id = :m", m=merchant_id)),
    )


async def _shop_with_an_old_past(make_shop, drain):
    shop = await make_shop()
    await support.populate(shop, drain, orders=3)
    handled, _, finished, audited = await _counts(shop.id)
    assert handled, "the test needs rows of each kind"
    assert finished
    assert audited
    # all of it old; one inbox row old but still waiting (its turn has not come)
    await _age(
        "update shopify_webhook_inbox set received_at = now() - interval '31 days' where merchant_id = :m",
        shop.id,
    )
    await _age(
        "update shopify_webhook_inbox set processed_at = null, outcome = null where merchant_id = :m"
        " and id = (select min(id) from shopify_webhook_inbox where merchant_id = :m)",
        shop.id,
    )
    await _age(
        "update notification_deliveries set created_at = now() - interval '181 days' where merchant_id = :m",
        shop.id,
    )
    await _age(
        "update audit_entries set created_at = now() - interval '401 days' where merchant_id = :m", shop.id
    )
    return shop


async def test_what_is_past_its_limit_goes_and_the_rest_stays(make_shop, drain):
    shop = await _shop_with_an_old_past(make_shop, drain)
    recent = await make_shop()
    await support.populate(recent, drain, orders=2)
    recent_before = await _counts(recent.id)
    before = await _counts(shop.id)

    counted = await retention.enforce(dry_run=True)
    assert await _counts(shop.id) == before  # a dry run deletes nothing
    assert counted["handled webhooks"] >= before[0] - 1
    assert counted["notification deliveries"] >= before[2]
    assert counted["audit entries"] >= before[3]

    queue.send(RETENTION_ACTOR, PRIVACY_QUEUE, {})  # the daily job, twice: the second finds nothing
    queue.send(RETENTION_ACTOR, PRIVACY_QUEUE, {})
    await drain()

    assert await _counts(shop.id) == (0, 1, 0, 0)  # the waiting row stays
    assert await _counts(recent.id) == recent_before
    assert set((await retention.enforce(dry_run=True)).values()) == {0}


@pytest.mark.heavy
async def test_the_cli_dry_run_counts_and_deletes_nothing(make_shop, drain, settings):
    shop = await _shop_with_an_old_past(make_shop, drain)
    before = await _counts(shop.id)
    result = await asyncio.to_thread(loyalnest, settings, "privacy", "purge", "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": would delete ") for line in result.stdout.strip().splitlines())
    assert set(lines) == {
        "handled webhooks",
        "notification deliveries",
        "audit entries",
        "data request archives",
        "request artefacts",
    }
    assert int(lines["audit entries"]) >= before[3]
    assert await _counts(shop.id) == before


_SETTINGS = "{ retentionSettings { inboxDays auditDays limits { name days defaultDays minDays maxDays } } }"
_UPDATE = """
mutation ($input: RetentionSettingsInput!) {
  updateRetentionSettings(input: $input) {
    retentionSettings { inboxDays deliveryLogDays exportDays artefactDays auditDays }
    userErrors { field code message }
  }
}
"""


async def test_a_shop_sets_its_own_limits_within_bounds_and_the_pass_keeps_to_them(make_shop, drain):
    shop, other = await make_shop(), await make_shop()
    defaults = (await shop.gql(_SETTINGS))["data"]["retentionSettings"]
    assert (defaults["inboxDays"], defaults["auditDays"]) == (30, 400)
    assert {"name": "inboxDays", "days": 30, "defaultDays": 30, "minDays": 7, "maxDays": 90} in defaults[
        "limits"
    ]

    refused = (await shop.gql(_UPDATE, {"input": {"inboxDays": 10, "auditDays": 30}}))["data"]
    assert refused["updateRetentionSettings"]["userErrors"] == [
        {"field": ["input", "auditDays"], "code": "INVALID", "message": "must be between 180 and 2555 days"}
    ]
    assert (await shop.gql(_SETTINGS))["data"]["retentionSettings"]["inboxDays"] == 30  # nothing changed
    analyst = shop.token(roles=["admin:analytics"])
    assert (await shop.gql(_UPDATE, {"input": {"inboxDays": 10}}, token=analyst))["data"][
        "updateRetentionSettings"
    ] is None
    changed = (await shop.gql(_UPDATE, {"input": {"inboxDays": 10}}))["data"]["updateRetentionSettings"]
    assert changed == {
        "retentionSettings": {
            "inboxDays": 10,
            "deliveryLogDays": 180,
            "exportDays": 30,
            "artefactDays": 90,
            "auditDays": 400,
        },
        "userErrors": [],
    }
    assert await scalar(
        "select details from audit_entries where merchant_id = :m and action = 'privacy.retention_changed'",
        m=shop.id,
    ) == {"inbox_days": {"from": 30, "to": 10}}
    # the other shop keeps the defaults
    assert (await other.gql(_SETTINGS))["data"]["retentionSettings"]["inboxDays"] == 30

    for tenant in (shop, other):
        await support.populate(tenant, drain, orders=2)
        await _age(
            "update shopify_webhook_inbox set received_at = now() - interval '15 days'"
            " where merchant_id = :m",
            tenant.id,
        )
    other_before = await _counts(other.id)
    assert other_before[0]
    queue.send(RETENTION_ACTOR, PRIVACY_QUEUE, {})
    await drain()
    assert (await _counts(shop.id))[0] == 0  # older than its 10 days
    assert (await _counts(other.id))[0] == other_before[0]  # younger than the default 30
