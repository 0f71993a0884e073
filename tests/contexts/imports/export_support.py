"""A small shop worth exporting, built through the product's own doors (webhooks,
staff mutations, the points, referrals and tiers apis), and talking to the export API
as staff do: exportCustomers, export(id), the signed download link."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalnest.contexts.imports import reading
from loyalnest.contexts.points import api as points
from loyalnest.contexts.referrals import api as referrals
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.imports.support import path_of
from tests.contexts.support import rows, scalar
from tests.graphql.conftest import adjust, create_customers, customer_gid
from tests.graphql.test_tiers_config import create

EXPORT_FIELDS = """
  id format includeHistory status customers historyRows rowsDone rowsTotal eta fileBytes historyBytes
  requestedBy createdAt startedAt finishedAt expiresAt lastError downloadUrl historyDownloadUrl
"""
EXPORT_CUSTOMERS = f"""
mutation ($format: ExportFormat!, $history: Boolean) {{
  exportCustomers(format: $format, includeHistory: $history) {{
    customerExport {{ {EXPORT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
EXPORT = f"query ($id: ID!) {{ export(id: $id) {{ {EXPORT_FIELDS} }} }}"
EXPORTS = """
query ($first: Int, $after: String) {
  exports(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id format status }
  }
}
"""
PROGRESS = (
    "subscription ($id: ID!) { exportProgress(exportId: $id) { status rowsDone rowsTotal downloadUrl } }"
)
SETTINGS = """
mutation ($policy: PointsExpiryPolicy, $days: Int, $pending: Int) {
  updateProgramSettings(expiryPolicy: $policy, expiryDays: $days, pendingDays: $pending) {
    userErrors { field message code }
  }
}
"""
ASSIGN = """
mutation ($c: ID!, $t: ID) {
  assignTier(customerId: $c, tierId: $t) { userErrors { field message code } }
}
"""
RECORD_CONSENTS = """
mutation ($id: ID!, $changes: [ConsentInput!]!) {
  recordCustomerConsents(customerId: $id, changes: $changes) { userErrors { field message code } }
}
"""


@dataclass(frozen=True)
class Known:
    """What the shop knows of one customer, as every export should carry it."""

    customer_id: int
    values: dict[str, Any]


async def _local_id(shop: Any, shopify_id: int) -> int:
    found = await scalar(
        "select id from customers where merchant_id = :m and shopify_customer_id = :s",
        m=shop.id,
        s=shopify_id,
    )
    assert found is not None
    return int(found)


async def populated_shop(make_shop: Any, drain: Any, *, base: int = 7_000) -> tuple[Any, list[Known]]:
    """A shop with three customers who between them have every field an export writes:
    Ada (balance after a redemption, lifetime, Gold by hand, birthday, referral code,
    both consents), Alan (pending points of an order, a small balance, never
    subscribed), Grace (no email: known by her Shopify id alone). Points expire a year
    after they are earned, so lots carry an expiry."""
    shop = await make_shop()
    settings = await shop.gql(SETTINGS, {"policy": "DAYS_AFTER_EARN", "days": 365, "pending": 14})
    assert settings["data"]["updateProgramSettings"]["userErrors"] == [], settings
    gold = (await create(shop, "Gold", "100000"))["tier"]["id"]
    ada_s, alan_s, grace_s = base + 1, base + 2, base + 3
    await create_customers(
        shop,
        drain,
        [
            {"id": ada_s, "email": f"ada{base}@example.org", "first_name": "Ada", "last_name": "Lovelace",
             "marketing": "subscribed", "birthday": "1990-12-10", "phone": None},
            {"id": alan_s, "email": f"alan{base}@example.org", "first_name": "Alan", "last_name": "Turing",
             "marketing": "unsubscribed", "phone": None},
            {"id": grace_s, "email": None, "first_name": "Grace", "last_name": "Hopper",
             "marketing": "not_subscribed", "phone": None},
        ],
    )  # fmt: skip
    ada, alan, grace = [await _local_id(shop, s) for s in (ada_s, alan_s, grace_s)]
    ada_gid = await customer_gid(shop, ada_s)
    assert (await adjust(shop, ada_gid, 1500, "welcome back"))["data"]["adjustPoints"]["userErrors"] == []
    async with unit_of_work() as uow:
        await points.spend_points(
            uow,
            merchant_id=shop.id,
            customer_id=ada,
            points=200,
            source="reward",
            source_ref="redemption:1",
            idempotency_key=f"test-spend:{ada}",
        )
        code = await referrals.ensure_code(uow, merchant_id=shop.id, customer_id=ada)
    assigned = await shop.gql(ASSIGN, {"c": ada_gid, "t": gold})
    assert assigned["data"]["assignTier"]["userErrors"] == [], assigned
    recorded = await shop.gql(
        RECORD_CONSENTS, {"id": ada_gid, "changes": [{"type": "SMS_MARKETING", "granted": True}]}
    )
    assert recorded["data"]["recordCustomerConsents"]["userErrors"] == [], recorded
    alan_gid = await customer_gid(shop, alan_s)
    assert (await adjust(shop, alan_gid, 40, "goodwill"))["data"]["adjustPoints"]["userErrors"] == []
    alan_body = payloads.customer(
        alan_s,
        email=f"alan{base}@example.org",
        first_name="Alan",
        last_name="Turing",
        marketing="unsubscribed",
        phone=None,
    )
    body = payloads.order(base * 10 + 1, subtotal="150.00", customer_body=alan_body)
    assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    created = {
        r["id"]: r["created_at"]
        for r in await rows("select id, created_at from customers where merchant_id = :m", m=shop.id)
    }
    link = f"https://{shop.domain}/apps/{shop.settings.app_proxy_subpath}/r/{code}"
    known = [
        Known(
            ada,
            {
                "shopify_customer_id": ada_s,
                "email": f"ada{base}@example.org",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "points_balance": 1300,
                "points_pending": 0,
                "lifetime_points": 1500,
                "points_spent": 200,
                "tier_name": "Gold",
                "birthday": reading.Birthday(12, 10, 1990),
                "referral_code": code,
                "referral_url": link,
                "accepts_email_marketing": True,
                "accepts_sms_marketing": True,
                "enrolled_at": created[ada],
            },
        ),
        Known(
            alan,
            {
                "shopify_customer_id": alan_s,
                "email": f"alan{base}@example.org",
                "first_name": "Alan",
                "last_name": "Turing",
                "points_balance": 40,
                "points_pending": 150,
                # as LoyaltyLion counts it: the pending points included
                "lifetime_points": 190,
                "points_spent": 0,
                "tier_name": None,
                "birthday": None,
                "referral_code": None,
                "referral_url": None,
                # Shopify said unsubscribed: no consent was ever given (the default state)
                "accepts_email_marketing": None,
                "accepts_sms_marketing": None,
                "enrolled_at": created[alan],
            },
        ),
        Known(
            grace,
            {
                "shopify_customer_id": grace_s,
                "email": None,
                "first_name": "Grace",
                "last_name": "Hopper",
                "points_balance": 0,
                "points_pending": 0,
                "lifetime_points": 0,
                "points_spent": 0,
                "tier_name": None,
                "birthday": None,
                "referral_code": None,
                "referral_url": None,
                "accepts_email_marketing": None,
                "accepts_sms_marketing": None,
                "enrolled_at": created[grace],
            },
        ),
    ]
    # the export's order: the customers' ids (the worker may have created them in any order)
    return shop, sorted(known, key=lambda k: k.customer_id)


def named(known: list[Known], first_name: str) -> Known:
    return next(k for k in known if k.values["first_name"] == first_name)


async def request(
    shop: Any, format: str, *, history: bool = False, token: str | None = None
) -> dict[str, Any]:
    """exportCustomers' payload."""
    result = await shop.gql(EXPORT_CUSTOMERS, {"format": format, "history": history}, token=token)
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["exportCustomers"]
    return payload


async def read(shop: Any, export_id: str, token: str | None = None) -> dict[str, Any] | None:
    result = await shop.gql(EXPORT, {"id": export_id}, token=token)
    assert "errors" not in result, result
    found: dict[str, Any] | None = result["data"]["export"]
    return found


async def exported(shop: Any, drain: Any, format: str, *, history: bool = False) -> dict[str, Any]:
    """An export asked for, written by the worker: the export, completed."""
    payload = await request(shop, format, history=history)
    assert payload["userErrors"] == [], payload
    assert payload["customerExport"]["status"] == "QUEUED"
    await drain()
    done = await read(shop, payload["customerExport"]["id"])
    assert done is not None
    assert done["status"] == "COMPLETED", done
    return done


async def download(http: Any, url: str) -> tuple[bytes, dict[str, str]]:
    """The file behind a link, and the response's headers."""
    response = await http.get(path_of(url))
    assert response.status_code == 200, response.text
    return response.content, dict(response.headers)


def records(content: bytes, source: str) -> list[reading.CustomerRecord]:
    """The customer file read back by our own importer (every row must be good)."""
    reader = reading.read_customers(io.BytesIO(content), source, None)
    found = list(reader)
    assert all(isinstance(r, reading.CustomerRecord) for r in found), found
    assert reader.ignored_columns == ()
    return found  # type: ignore[return-value]


def history(content: bytes) -> list[reading.HistoryRecord]:
    reader = reading.read_history(io.BytesIO(content))
    found = list(reader)
    assert all(isinstance(r, reading.HistoryRecord) for r in found), found
    assert reader.ignored_columns == ()
    return found  # type: ignore[return-value]


def values_of(record: reading.CustomerRecord, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(record, f) for f in fields}


def as_moment(value: datetime) -> datetime:
    """Stored moments come back as the file wrote them (ISO 8601 with the offset)."""
    return datetime.fromisoformat(value.isoformat())


def birthday_of(value: date) -> reading.Birthday:
    return reading.Birthday(value.month, value.day, value.year)
