"""The wall between shops, for campaigns: shop A's staff cannot read, change, pause,
resume or archive shop B's campaigns (NOT_FOUND / null, nothing leaked, nothing
changed), and a storefront customer sees only their own shop's campaigns that apply
to them."""

from __future__ import annotations

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.campaigns import support

READ = """
query ($id: ID!) {
  campaign(id: $id) { id name } node(id: $id) { id }
  campaigns(first: 50, status: [SCHEDULED, ACTIVE, PAUSED, ENDED, ARCHIVED]) { nodes { id } totalCount }
}
"""
UPDATE = """
mutation ($id: ID!) {
  updateCampaign(id: $id, input: {name: "Mine now", multiplier: "3"}) {
    campaign { id } userErrors { field code }
  }
}
"""
CHANGE = "mutation ($id: ID!) {{ {name}(id: $id) {{ campaign {{ id }} userErrors {{ field code }} }} }}"
ME = """
query ($locale: String) {
  me {
    activeCampaigns(locale: $locale, first: 10) {
      nodes { id name description effect bonusPoints } totalCount
    }
  }
}
"""


async def test_staff_of_a_cannot_read_or_change_bs_campaigns(make_shop):
    a, b = await make_shop(), await make_shop()
    mine = await support.make_campaign(a.id, name="A's")
    theirs = await support.make_campaign(b.id, name="B's")
    theirs_id = encode_id("Campaign", theirs.id)

    read = await a.gql(READ, {"id": theirs_id})
    assert read["data"]["campaign"] is None
    assert read["data"]["node"] is None
    assert [n["id"] for n in read["data"]["campaigns"]["nodes"]] == [encode_id("Campaign", mine.id)]
    assert read["data"]["campaigns"]["totalCount"] == 1

    result = await a.gql(UPDATE, {"id": theirs_id})
    assert result["data"]["updateCampaign"] == {
        "campaign": None,
        "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}],
    }
    for name in ("pauseCampaign", "resumeCampaign", "archiveCampaign"):
        refused = await a.gql(CHANGE.format(name=name), {"id": theirs_id})
        assert refused["data"][name] == {
            "campaign": None,
            "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}],
        }

    seen_by_b = await b.gql(READ, {"id": theirs_id})
    assert seen_by_b["data"]["campaign"] == {"id": theirs_id, "name": "B's"}
    assert await support.status(b.id, theirs.id) == "active"
    assert await support.audit_actions(a.id) == ["campaign.created"]
    assert await support.audit_actions(b.id) == ["campaign.created"]


async def test_the_storefront_sees_its_own_shops_campaigns_that_apply_to_it(make_shop, proxy):
    a, b = await make_shop(), await make_shop()
    shopper = 8_801_001
    await support.make_customer(a.id, shopper, tags=("VIP",))
    await support.make_customer(b.id, shopper)
    everyone = await support.make_campaign(
        a.id, name="Everyone", effect="order_bonus", bonus_points=10,
        descriptions=(("en", "Ten more"), ("fr", "Dix de plus")),
    )  # fmt: skip
    vip = await support.make_campaign(
        a.id, name="VIP", effect="order_bonus", bonus_points=20, customer_tags=("vip",), priority=5
    )
    await support.make_campaign(
        a.id, name="Wholesale", effect="order_bonus", bonus_points=30, customer_tags=("b2b",)
    )
    paused = await support.make_campaign(a.id, name="Paused")
    from loyalnest.contexts.campaigns import api as campaigns
    from loyalnest.platform.uow import unit_of_work

    async with unit_of_work() as uow:
        await campaigns.pause_campaign(uow, merchant_id=a.id, actor="staff:test", campaign_id=paused.id)
    await support.make_campaign(b.id, name="B's")

    seen = (await proxy(a, shopper, ME, {"locale": "fr-CA"}))["data"]["me"]["activeCampaigns"]
    assert seen["totalCount"] == 2
    assert seen["nodes"] == [
        {"id": encode_id("Campaign", vip.id), "name": "VIP", "description": None, "effect": "ORDER_BONUS",
         "bonusPoints": 20},
        {"id": encode_id("Campaign", everyone.id), "name": "Everyone", "description": "Dix de plus",
         "effect": "ORDER_BONUS", "bonusPoints": 10},
    ]  # fmt: skip
    in_b = (await proxy(b, shopper, ME))["data"]["me"]["activeCampaigns"]
    assert [n["name"] for n in in_b["nodes"]] == ["B's"]
    # a shopper the shop has not told us about sees the campaigns for everyone
    stranger = (await proxy(a, 8_801_999, ME))["data"]["me"]["activeCampaigns"]
    assert [n["name"] for n in stranger["nodes"]] == ["Everyone"]
