"""customers/data_request through the signed webhook route, checked on the raw database
and in the archive itself (downloaded through the link staff read over GraphQL): every
table holding a customer id is in it with exactly the rows the database holds about the
customer (the tables are found in ``information_schema`` here, so a table a later issue
adds fails this test until the export covers it), staff are emailed, the same request
delivered three times makes one archive, and bad links are refused."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import text

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.privacy import links
from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import set_smtp
from tests.contexts.privacy import support
from tests.contexts.support import execute, rows, scalar

pytestmark = pytest.mark.usefixtures("broker")

# integer columns naming a customer of ours: customer_id or <role>_customer_id
_CUSTOMER_COLUMNS = """
SELECT c.table_name, c.column_name
FROM information_schema.columns c
JOIN information_schema.tables t USING (table_schema, table_name)
WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
  AND (c.column_name = 'customer_id' OR c.column_name LIKE '%\\_customer\\_id')
  AND c.column_name <> 'shopify_customer_id'
  AND c.data_type IN ('bigint', 'integer')
ORDER BY 1, 2
"""

_REQUEST = """
query ($id: ID!) {
  privacyRequest(id: $id) {
    id type source status shopifyCustomerId overdue outcome
    export { downloadUrl expiresAt bytes }
  }
}
"""
_REQUESTS = """
query ($status: PrivacyRequestStatus, $type: PrivacyRequestType) {
  privacyRequests(first: 10, status: $status, type: $type) {
    totalCount
    edges { node { id type status } }
  }
}
"""


async def _rows_about(merchant_id: int, customer_id: int, shopify_id: int) -> dict[str, int]:
    """{table: rows about the customer} as the raw database holds them."""
    counts: dict[str, int] = {}
    async with read_session() as session:
        columns: dict[str, list[str]] = {}
        for table, column in (await session.execute(text(_CUSTOMER_COLUMNS))).all():
            columns.setdefault(table, []).append(column)
        for table, names in columns.items():
            where = " OR ".join(f'"{name}" = :c' for name in names)
            counts[table] = int(
                (
                    await session.execute(
                        text(f'SELECT count(*) FROM "{table}" WHERE merchant_id = :m AND ({where})'),
                        {"m": merchant_id, "c": customer_id},
                    )
                ).scalar_one()
            )
    counts["customers"] = 1
    counts["privacy_requests"] = int(
        await scalar(
            "select count(*) from privacy_requests where merchant_id = :m and customer_ref = :s",
            m=merchant_id,
            s=shopify_id,
        )
    )
    counts["audit_entries"] = int(
        await scalar(
            "select count(*) from audit_entries where merchant_id = :m and target_type = 'Customer'"
            " and target_id = :c",
            m=merchant_id,
            c=str(customer_id),
        )
    )
    return counts


async def _ask(shop: Any, shopify_id: int, email: str, request_id: int) -> None:
    response = await shop.webhook(
        "customers/data_request", _data_request(shop, shopify_id, email, request_id)
    )
    assert response.status_code == 200


def _data_request(shop: Any, shopify_id: int, email: str, request_id: int) -> dict[str, Any]:
    # Shopify's sample payload, with this shop and customer
    return {
        "shop_id": 954889,
        "shop_domain": shop.domain,
        "orders_requested": [299938, 280263, 220458],
        "customer": {"id": shopify_id, "email": email, "phone": "555-625-1199"},
        "data_request": {"id": request_id},
    }


async def _staff_email(merchant_id: int, sink: SmtpSink) -> str:
    address = f"privacy-{uuid.uuid4().hex[:8]}@shop.test"
    await set_smtp(merchant_id, sink)
    async with unit_of_work() as uow:
        await notifications.update_settings(
            uow,
            merchant_id=merchant_id,
            actor="staff:test",
            update=notifications.SettingsUpdate(staff_email=address),
        )
    return address


def _archive(content: bytes) -> tuple[dict[str, Any], dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    return orjson.loads(files["data.json"]), files


async def test_a_data_request_exports_every_table_about_the_customer_once(make_shop, drain, http):
    shop, other = await make_shop(), await make_shop()
    await support.populate(shop, drain, orders=4)
    person = support.person()
    customer_id = await support.customer_with_history(shop, drain, person, 66_001)
    await support.customer_with_history(other, drain, support.person(), 66_001)  # same Shopify id elsewhere
    with SmtpSink() as sink:
        staff = await _staff_email(shop.id, sink)
        body = _data_request(shop, 66_001, person["email"], 9_001)
        for _ in range(3):  # the same request delivered three times (each its own webhook id)
            assert (await shop.webhook("customers/data_request", body)).status_code == 200
        await drain()
        [request] = await rows(
            "select id, type, source, status, customer_ref, external_ref from privacy_requests"
            " where merchant_id = :m",
            m=shop.id,
        )
        assert (request["type"], request["source"], request["status"]) == (
            "data_request",
            "webhook",
            "completed",
        )
        assert (request["customer_ref"], request["external_ref"]) == (66_001, "9001")
        assert await scalar("select count(*) from privacy_exports where merchant_id = :m", m=shop.id) == 1
        # staff were told, with the link
        sink.wait_for(1, timeout=10)
        [mail] = sink.messages_to(staff)
        assert "/privacy/exports/" in mail.raw.decode(errors="replace")

    gid = (await shop.gql(_REQUESTS, {"type": "DATA_REQUEST"}))["data"]["privacyRequests"]["edges"][0][
        "node"
    ]["id"]
    detail = (await shop.gql(_REQUEST, {"id": gid}))["data"]["privacyRequest"]
    assert (detail["status"], detail["outcome"], detail["overdue"]) == ("COMPLETED", "exported", False)
    assert detail["shopifyCustomerId"] == "66001"
    url = detail["export"]["downloadUrl"]
    response = await http.get(_path(url))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    document, files = _archive(response.content)

    expected = await _rows_about(shop.id, customer_id, 66_001)
    exported = {table: len(items) for table, items in document["tables"].items()}
    missing = sorted(set(expected) - set(exported))
    assert missing == [], f"tables holding rows about a customer but not in the export: {missing}"
    assert {t: exported[t] for t in expected} == expected
    assert all(f"{table}.csv" in files for table in expected)
    # the profile is readable: decrypted, named without _enc, lookup hashes left out
    [profile] = document["tables"]["customers"]
    assert (profile["email"], profile["first_name"], profile["birthday"]) == (
        person["email"],
        person["first_name"],
        person["birthday"],
    )
    assert not {"email_bidx", "email_enc"} & set(profile)
    assert person["email"] in files["customers.csv"]
    assert sum(r["delta"] for r in document["tables"]["points_ledger"]) == await scalar(
        "select balance from points_accounts where merchant_id = :m and customer_id = :c",
        m=shop.id,
        c=customer_id,
    )
    # nothing of the other shop's customer of the same Shopify id
    assert document["customer"] == {"id": customer_id, "shopify_customer_id": 66_001}
    assert all(
        row.get("merchant_id") in (None, shop.id) for items in document["tables"].values() for row in items
    )
    # the download is audited
    assert (
        await scalar(
            "select count(*) from audit_entries where merchant_id = :m"
            " and action = 'privacy.export_downloaded'",
            m=shop.id,
        )
        == 1
    )


async def test_a_data_request_for_an_unknown_customer_completes_with_an_empty_export(shop, drain, http):
    body = _data_request(shop, 404_404, "nobody@example.org", 9_002)
    assert (await shop.webhook("customers/data_request", body)).status_code == 200
    await drain()
    [request] = await rows(
        "select id, status, result from privacy_requests where merchant_id = :m", m=shop.id
    )
    assert request["status"] == "completed"
    assert request["result"]["outcome"] == "unknown customer: nothing held"
    expires_at = await scalar("select expires_at from privacy_exports where merchant_id = :m", m=shop.id)
    response = await http.get(_path(links.download_url(shop.id, request["id"], expires_at)))
    document, _ = _archive(response.content)
    assert document["customer"] is None
    assert {t for t, items in document["tables"].items() if items} == {"privacy_requests"}


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


async def test_download_links_expired_forged_or_of_another_shop_are_refused(make_shop, drain, http):
    shop, other = await make_shop(), await make_shop()
    assert (
        await shop.webhook("customers/data_request", _data_request(shop, 1, "a@example.org", 1))
    ).status_code == 200
    await drain()
    request_id = int(await scalar("select id from privacy_requests where merchant_id = :m", m=shop.id))
    expires_at = await scalar("select expires_at from privacy_exports where merchant_id = :m", m=shop.id)
    good = _path(links.download_url(shop.id, request_id, expires_at))
    assert (await http.get(good)).status_code == 200
    token = good.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    refused = [
        "/privacy/exports/" + forged,
        "/privacy/exports/not-a-token",
        _path(links.download_url(shop.id, request_id, utcnow() - timedelta(seconds=1))),  # expired link
        _path(links.download_url(other.id, request_id, expires_at)),  # the request under another shop
    ]
    for path in refused:
        response = await http.get(path)
        assert response.status_code == 404, path
        assert b"PK" not in response.content[:2]
    # the archive itself expired: the retention pass deletes it, the link answers 404 before that
    await execute(
        "update privacy_exports set expires_at = now() - interval '1 second' where merchant_id = :m",
        m=shop.id,
    )
    assert (await http.get(good)).status_code == 404


async def test_staff_of_another_shop_cannot_read_or_retry_a_request(make_shop, drain):
    shop, other = await make_shop(), await make_shop()
    assert (
        await shop.webhook("customers/data_request", _data_request(shop, 5, "b@example.org", 5))
    ).status_code == 200
    await drain()
    gid = (await shop.gql(_REQUESTS))["data"]["privacyRequests"]["edges"][0]["node"]["id"]
    assert (await other.gql(_REQUEST, {"id": gid}))["data"]["privacyRequest"] is None
    assert (await other.gql(_REQUESTS))["data"]["privacyRequests"] == {"totalCount": 0, "edges": []}
    retry = await other.gql(_PROCESS, {"id": gid})
    assert retry["data"]["processPrivacyRequest"]["userErrors"][0]["code"] == "NOT_FOUND"
    # roles: an analyst reads no requests
    analyst = shop.token(roles=["admin:analytics"])
    refused = await shop.gql(_REQUESTS, token=analyst)
    assert refused["data"]["privacyRequests"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


_PROCESS = """
mutation ($id: ID!) {
  processPrivacyRequest(id: $id) { privacyRequest { status attempts } userErrors { field code message } }
}
"""


async def test_staff_send_a_failed_request_back_to_work(shop, drain):
    assert (
        await shop.webhook("customers/data_request", _data_request(shop, 7, "c@example.org", 7))
    ).status_code == 200
    await drain()
    gid = (await shop.gql(_REQUESTS))["data"]["privacyRequests"]["edges"][0]["node"]["id"]
    done = await shop.gql(_PROCESS, {"id": gid})
    assert done["data"]["processPrivacyRequest"]["userErrors"][0]["code"] == "NOT_RETRYABLE"
    await execute(
        "update privacy_requests set status = 'failed', last_error = 'boom' where merchant_id = :m",
        m=shop.id,
    )
    support_token = shop.token(roles=["admin:support"])
    assert (await shop.gql(_PROCESS, {"id": gid}, token=support_token))["data"][
        "processPrivacyRequest"
    ] is None
    sent = await shop.gql(_PROCESS, {"id": gid})
    assert sent["data"]["processPrivacyRequest"] == {
        "privacyRequest": {"status": "PENDING", "attempts": 1},
        "userErrors": [],
    }
    await drain()
    detail = (await shop.gql(_REQUEST, {"id": gid}))["data"]["privacyRequest"]
    assert detail["status"] == "COMPLETED"
    assert (
        await scalar(
            "select count(*) from audit_entries where merchant_id = :m"
            " and action = 'privacy.request_retried'",
            m=shop.id,
        )
        == 1
    )


async def test_an_overdue_request_alerts_staff_once_and_shows_overdue(shop, drain):
    assert (
        await shop.webhook("customers/data_request", _data_request(shop, 9, "d@example.org", 9))
    ).status_code == 200
    await drain()
    # a worker took it a moment ago (not stale: the sweep leaves it to that worker) and
    # its deadline passed
    await execute(
        "update privacy_requests set status = 'processing', started_at = now(),"
        " due_at = now() - interval '1 day' where merchant_id = :m",
        m=shop.id,
    )
    for _ in range(2):  # the hourly sweep, twice: one alert
        async with unit_of_work() as uow:
            uow.enqueue("privacy.sweep_requests", queue_name="privacy")
        await drain()
    alerts = await rows(
        "select type, customer_id from notification_deliveries where merchant_id = :m and type = :t",
        m=shop.id,
        t="privacy_request_overdue",
    )
    assert alerts == [{"type": "privacy_request_overdue", "customer_id": None}]
    assert await scalar(
        "select alerted_at is not null from privacy_requests where merchant_id = :m", m=shop.id
    )
    listed = (await shop.gql(_REQUESTS))["data"]["privacyRequests"]["edges"][0]["node"]["id"]
    assert (await shop.gql(_REQUEST, {"id": listed}))["data"]["privacyRequest"]["overdue"] is True


async def test_a_forged_data_request_stores_nothing(shop, drain):
    body = _data_request(shop, 5, "forged@example.org", 77)
    response = await shop.webhook("customers/data_request", body, secret="not-the-app-secret")
    assert response.status_code == 401
    await drain()
    assert await scalar("select count(*) from shopify_webhook_inbox where merchant_id = :m", m=shop.id) == 0
    assert await scalar("select count(*) from privacy_requests where merchant_id = :m", m=shop.id) == 0


async def test_a_data_request_naming_another_shops_customer_exports_nothing_of_theirs(make_shop, drain, http):
    shop, other = await make_shop(), await make_shop()
    person = support.person()
    await support.customer_with_history(other, drain, person, 67_001)  # only the other shop knows them
    await _ask(shop, 67_001, person["email"], 67)
    await drain()
    [request] = await rows("select id, result from privacy_requests where merchant_id = :m", m=shop.id)
    assert request["result"]["outcome"] == "unknown customer: nothing held"
    expires_at = await scalar("select expires_at from privacy_exports where merchant_id = :m", m=shop.id)
    response = await http.get(_path(links.download_url(shop.id, request["id"], expires_at)))
    assert person["email"].encode() not in response.content
    document, files = _archive(response.content)
    assert not any(person["email"] in text for text in files.values())
    assert {t for t, items in document["tables"].items() if items} == {"privacy_requests"}
    # and nothing was asked of the other shop
    assert await scalar("select count(*) from privacy_requests where merchant_id = :m", m=other.id) == 0
