"""The RFM GraphQL surface through the HTTP endpoint: Customer.rfm following orders,
refunds and cancellations sent as signed webhooks and processed by the real worker;
configuration (validation, presets, audit, the background recompute on the real
broker), preview, on-demand recompute, the tracking opt-out; roles; tenancy (shop A's
token never reads or changes shop B's)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.points.helpers import cancel, local_id, new_id, order, refund
from tests.contexts.support import rows

CUSTOMER_RFM = """
query ($id: ID!) {
  customer(id: $id) {
    id
    rfm {
      recency frequency monetary score segment shopifyRfmGroup orderCount netSpend lastOrderAt segmentSince
      history(first: 5) { from to changedAt }
    }
  }
}
"""

CONFIG = """
{ rfmConfig { mode preset thresholds { recencyDays frequencyMax monetaryRatios } lookbackDays timeWeighting
  halfLifeDays averageOrderValue frequencyCuts lastRecomputedAt recomputePending } }
"""

UPDATE = """
mutation ($input: RfmConfigInput!) {
  updateRfmConfig(input: $input) {
    rfmConfig {
      mode preset thresholds { recencyDays frequencyMax monetaryRatios } lookbackDays recomputePending
    }
    userErrors { field message code }
  }
}
"""

PREVIEW = """
query ($config: RfmConfigInput!) {
  previewRfmConfig(config: $config) { total milliseconds segments { segment customers } }
}
"""

RECOMPUTE = (
    "mutation { recomputeRfm { rfmConfig { recomputePending lastRecomputedAt } userErrors { code } } }"
)

TRACKING = """
mutation ($id: ID!, $enabled: Boolean!) {
  setRfmTracking(customerId: $id, enabled: $enabled) { tracked userErrors { field message code } }
}
"""


async def buyer(shop: Any, drain: Any, *subtotals: str) -> tuple[int, list[int]]:
    """A customer with one order per subtotal; returns our id and the order ids (the
    Shopify customer id is ``SHOPIFY_IDS[our id]``)."""
    shopify_id = new_id()
    orders = []
    for subtotal in subtotals:
        order_id = new_id()
        await order(shop, drain, order_id, shopify_id, subtotal)
        orders.append(order_id)
    ours = await local_id(shop, shopify_id)
    SHOPIFY_IDS[ours] = shopify_id
    return ours, orders


SHOPIFY_IDS: dict[int, int] = {}


async def rfm_of(shop: Any, customer_id: int, token: str | None = None) -> dict[str, Any]:
    result = await shop.gql(CUSTOMER_RFM, {"id": encode_id("Customer", customer_id)}, token=token)
    assert "errors" not in result, result
    return result["data"]["customer"]["rfm"]


async def test_customer_rfm_follows_orders_refunds_and_cancellations(shop, drain):
    ada, (first, second) = await buyer(shop, drain, "40.00", "60.00")
    bob, _ = await buyer(shop, drain, "500.00")
    rfm = await rfm_of(shop, ada)
    assert (rfm["orderCount"], Decimal(rfm["netSpend"])) == (2, Decimal("100.00"))
    assert rfm["score"] == f"{rfm['recency']}-{rfm['frequency']}-{rfm['monetary']}"
    assert rfm["recency"] == 5  # bought today (thresholds until the first full pass)
    assert rfm["history"][-1]["from"] is None
    assert (await rfm_of(shop, bob))["orderCount"] == 1

    await refund(shop, drain, second, "15.00")
    assert Decimal((await rfm_of(shop, ada))["netSpend"]) == Decimal("85.00")
    await cancel(shop, drain, first, SHOPIFY_IDS[ada])
    rfm = await rfm_of(shop, ada)
    assert (rfm["orderCount"], Decimal(rfm["netSpend"])) == (1, Decimal("45.00"))
    # the order copy holds the lines too, with the refund on them
    stored = await rows(
        "select shopify_order_id, amount, refunded, cancelled from analytics_orders where merchant_id = :m"
        " order by shopify_order_id",
        m=shop.id,
    )
    assert [(r["amount"], r["refunded"], r["cancelled"]) for r in stored] == [
        (Decimal("40.00"), Decimal("0.00"), True),
        (Decimal("60.00"), Decimal("15.00"), False),
        (Decimal("500.00"), Decimal("0.00"), False),
    ]


async def test_configuration_validation_preview_and_background_recompute(shop, drain):
    for subtotals in (("20.00",), ("30.00", "35.00"), ("250.00", "90.00", "70.00"), ("15.00",)):
        await buyer(shop, drain, *subtotals)
    config = (await shop.gql(CONFIG))["data"]["rfmConfig"]
    # the shop's first orders queued its first full pass (the drain ran it)
    assert (config["mode"], config["lookbackDays"]) == ("QUINTILES", 365)
    assert config["lastRecomputedAt"] is not None
    assert config["thresholds"]["recencyDays"] == [7, 30, 60, 90]

    refused = (await shop.gql(UPDATE, {"input": {"recencyDays": [7, 30, 30, 90]}}))["data"]["updateRfmConfig"]
    assert refused["rfmConfig"] is None
    assert refused["userErrors"][0]["field"] == ["input", "recencyDays"]
    assert refused["userErrors"][0]["code"] == "INVALID"
    for bad in ({"lookbackDays": 10}, {"halfLifeDays": 3}, {"monetaryRatios": ["-1", "1", "2", "5"]}):
        errors = (await shop.gql(UPDATE, {"input": bad}))["data"]["updateRfmConfig"]["userErrors"]
        assert errors, bad
        assert errors[0]["code"] == "INVALID", bad

    preview = (await shop.gql(PREVIEW, {"config": {"mode": "THRESHOLDS", "preset": "APPAREL"}}))["data"]
    sizes = preview["previewRfmConfig"]
    assert sizes["total"] == 4
    assert sum(s["customers"] for s in sizes["segments"]) == 4
    assert len(sizes["segments"]) == 12
    # a preview saves nothing
    assert (await shop.gql(CONFIG))["data"]["rfmConfig"]["mode"] == "QUINTILES"

    saved = (await shop.gql(UPDATE, {"input": {"mode": "THRESHOLDS", "preset": "APPAREL"}}))["data"]
    saved = saved["updateRfmConfig"]
    assert saved["userErrors"] == []
    assert saved["rfmConfig"]["preset"] == "APPAREL"
    assert saved["rfmConfig"]["thresholds"]["recencyDays"] == [30, 90, 180, 270]
    assert saved["rfmConfig"]["recomputePending"] is True
    await drain()
    config = (await shop.gql(CONFIG))["data"]["rfmConfig"]
    assert config["lastRecomputedAt"] is not None
    assert config["recomputePending"] is False
    assert Decimal(config["averageOrderValue"]) == Decimal("72.86")  # 510 / 7
    audit = await rows("select action, details from audit_entries where merchant_id = :m", m=shop.id)
    assert [a["action"] for a in audit] == ["rfm_config.updated"]
    assert audit[0]["details"]["mode"] == {"from": "quintiles", "to": "thresholds"}

    # editing a row by hand leaves the preset
    edited = (await shop.gql(UPDATE, {"input": {"frequencyMax": [1, 2, 5, 9]}}))["data"]["updateRfmConfig"]
    assert edited["rfmConfig"]["preset"] is None

    done = (await shop.gql(RECOMPUTE))["data"]["recomputeRfm"]
    assert done["rfmConfig"]["recomputePending"] is True
    await drain()
    daily = await rows(
        "select segment, customers from analytics_segment_daily where merchant_id = :m", m=shop.id
    )
    assert len(daily) == 12
    assert sum(r["customers"] for r in daily) == 4


async def test_first_orders_store_the_fallback_aov_and_queue_the_first_full_pass(shop, drain):
    settings = (
        "select average_order_value, recompute_requested_at, boundaries_computed_at"
        " from analytics_rfm_settings where merchant_id = :m"
    )
    assert await rows(settings, m=shop.id) == []
    # the first batch: no AOV yet (no stored order); the first pass asked for, and run
    await buyer(shop, drain, "20.00")
    first = (await rows(settings, m=shop.id))[0]
    assert first["recompute_requested_at"] is not None
    assert first["boundaries_computed_at"] is not None
    assert first["average_order_value"] == Decimal("20.00")
    # later batches read the stored AOV and ask for nothing more (the daily pass moves it)
    await buyer(shop, drain, "80.00")
    assert (await rows(settings, m=shop.id))[0] == first
    assert (await shop.gql(CONFIG))["data"]["rfmConfig"]["recomputePending"] is False


async def test_withdrawn_tracking_removes_the_score_until_restored(shop, drain):
    ada, _ = await buyer(shop, drain, "40.00")
    gid = encode_id("Customer", ada)
    off = (await shop.gql(TRACKING, {"id": gid, "enabled": False}))["data"]["setRfmTracking"]
    assert off == {"tracked": False, "userErrors": []}
    assert await rfm_of(shop, ada) is None
    # a new order does not score them either
    await order(shop, drain, new_id(), SHOPIFY_IDS[ada], "10.00")
    assert await rfm_of(shop, ada) is None
    on = (await shop.gql(TRACKING, {"id": gid, "enabled": True}))["data"]["setRfmTracking"]
    assert on["tracked"] is True
    rfm = await rfm_of(shop, ada)
    assert rfm["orderCount"] == 2
    # withdrawing deleted the segment history too (it is the rfm_tracking consent): it starts anew
    assert [h["to"] for h in rfm["history"]] == [rfm["segment"]]


async def test_roles_and_tenancy(make_shop, drain):
    a, b = await make_shop(), await make_shop()
    ada, _ = await buyer(a, drain, "40.00")
    gid = encode_id("Customer", ada)

    points_only = a.token(roles=["admin:points"])
    refused = await a.gql(CONFIG, token=points_only)
    assert refused["data"]["rfmConfig"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    analyst = a.token(roles=["admin:analytics"])
    assert (await a.gql(CONFIG, token=analyst))["data"]["rfmConfig"]["mode"] == "QUINTILES"

    # shop B cannot read A's customer's scores, nor change A's customer's consent
    seen = await b.gql(CUSTOMER_RFM, {"id": gid})
    assert seen["data"]["customer"] is None
    result = (await b.gql(TRACKING, {"id": gid, "enabled": False}))["data"]["setRfmTracking"]
    assert result["tracked"] is None
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert (
        await rows("select * from analytics_rfm_exclusions where merchant_id in (:a, :b)", a=a.id, b=b.id)
        == []
    )
    # B's configuration and preview are B's own
    await b.gql(UPDATE, {"input": {"mode": "THRESHOLDS"}})
    assert (await a.gql(CONFIG))["data"]["rfmConfig"]["mode"] == "QUINTILES"
    preview = (await b.gql(PREVIEW, {"config": {}}))["data"]["previewRfmConfig"]
    assert preview["total"] == 0
    before = (await a.gql(CONFIG))["data"]["rfmConfig"]["lastRecomputedAt"]
    recompute = (await b.gql(RECOMPUTE))["data"]["recomputeRfm"]
    assert recompute["userErrors"] == []
    await drain()
    assert (await a.gql(CONFIG))["data"]["rfmConfig"]["lastRecomputedAt"] == before
    assert (await rfm_of(a, ada))["orderCount"] == 1
