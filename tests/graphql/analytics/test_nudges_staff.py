"""Staff GraphQL of nudges over HTTP: create (validated with named userErrors), update,
setNudgeVariants, archive, nudges/nudge, nudgeResults, sendNudgeEmail; roles; and
tenancy (shop B's staff can neither read nor change shop A's nudges)."""

from __future__ import annotations

from typing import Any

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.support import rows
from tests.graphql.conftest import error_codes

FIELDS = """
id name type segment defaultLocale titles { locale text } bodies { locale text }
ctaLabels { locale text } ctaUrl enabled hideDays archivedAt createdAt updatedAt
variants { id name weight control titles { locale text } }
"""

CREATE = f"""
mutation ($input: NudgeInput!) {{
  createNudge(input: $input) {{ nudge {{ {FIELDS} }} userErrors {{ field message code }} }}
}}
"""

UPDATE = f"""
mutation ($id: ID!, $input: NudgeUpdateInput!) {{
  updateNudge(id: $id, input: $input) {{ nudge {{ {FIELDS} }} userErrors {{ field message code }} }}
}}
"""

SET_VARIANTS = """
mutation ($id: ID!, $variants: [NudgeVariantInput!]!) {
  setNudgeVariants(id: $id, variants: $variants) {
    nudge { variants { id name weight control } } userErrors { field message code }
  }
}
"""

ARCHIVE = """
mutation ($id: ID!) { archiveNudge(id: $id) { nudge { id enabled archivedAt } userErrors { field code } } }
"""

SEND = """
mutation ($id: ID!, $segment: String) {
  sendNudgeEmail(id: $id, segment: $segment) {
    run { id nudgeId segment status seen queued skipped createdAt finishedAt } userErrors { field code }
  }
}
"""

READ = f"""
query ($id: ID!) {{
  nudge(id: $id) {{ {FIELDS} }}
  nudges(first: 10) {{ totalCount nodes {{ id name }} pageInfo {{ hasNextPage endCursor }} }}
  nudgeResults(id: $id) {{
    nudgeId controlVariantId
    variants {{ variantId name control weight removed views clicks ctr conversions convertedCustomers
               revenue conversionRate pValue significant ctrPValue }}
  }}
}}
"""

ARCHIVED = "{ nudges(archived: true) { nodes { id } } }"


def nudge_input(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Win back",
        "type": "AT_RISK",
        "defaultLocale": "en",
        "titles": [{"locale": "en", "text": "We miss you"}, {"locale": "fr", "text": "Vous nous manquez"}],
        "bodies": [{"locale": "en", "text": "Double points this week"}],
        "ctaLabels": [{"locale": "en", "text": "Shop now"}],
        "ctaUrl": "https://example.com/sale",
        "enabled": True,
        **fields,
    }


async def create(shop: Any, token: str | None = None, **fields: Any) -> dict[str, Any]:
    result = await shop.gql(CREATE, {"input": nudge_input(**fields)}, token=token)
    assert "errors" not in result, result
    return result["data"]["createNudge"]


async def test_create_read_update_variants_and_archive(shop) -> None:
    analyst = shop.token(roles=["admin:analytics"])
    payload = await create(
        shop,
        analyst,
        variants=[
            {"name": "Control", "weight": 2},
            {"name": "Bold", "weight": 1, "titles": [{"locale": "en", "text": "COME BACK"}]},
        ],
    )
    assert payload["userErrors"] == []
    nudge = payload["nudge"]
    assert (nudge["type"], nudge["segment"], nudge["enabled"], nudge["hideDays"]) == (
        "AT_RISK",
        None,
        True,
        7,
    )
    assert [(v["name"], v["weight"], v["control"]) for v in nudge["variants"]] == [
        ("Control", 2, True),
        ("Bold", 1, False),
    ]
    assert nudge["variants"][1]["titles"] == [{"locale": "en", "text": "COME BACK"}]

    read = await shop.gql(READ, {"id": nudge["id"]}, token=analyst)
    assert "errors" not in read, read
    assert read["data"]["nudge"] == nudge
    assert read["data"]["nudges"]["totalCount"] == 1
    assert [n["id"] for n in read["data"]["nudges"]["nodes"]] == [nudge["id"]]
    results = read["data"]["nudgeResults"]
    assert results["controlVariantId"] == nudge["variants"][0]["id"]
    assert [(v["views"], v["ctr"], v["pValue"], v["significant"]) for v in results["variants"]] == [
        (0, None, None, False),
        (0, None, None, False),
    ]

    updated = await shop.gql(
        UPDATE,
        {
            "id": nudge["id"],
            "input": {"type": "SEGMENT", "segment": "champions", "hideDays": 14, "name": "VIP"},
        },
        token=analyst,
    )
    changed = updated["data"]["updateNudge"]
    assert changed["userErrors"] == []
    assert (changed["nudge"]["type"], changed["nudge"]["segment"], changed["nudge"]["hideDays"]) == (
        "SEGMENT",
        "champions",
        14,
    )
    assert changed["nudge"]["titles"] == nudge["titles"]  # omitted: kept

    _control, bold = nudge["variants"]
    swapped = await shop.gql(
        SET_VARIANTS,
        {
            "id": nudge["id"],
            "variants": [
                {"id": bold["id"], "name": "Bold", "weight": 5, "control": True},
                {"name": "Calm", "weight": 5},
            ],
        },
        token=analyst,
    )
    after = swapped["data"]["setNudgeVariants"]
    assert after["userErrors"] == []
    assert [
        (v["id"] == bold["id"], v["name"], v["weight"], v["control"]) for v in after["nudge"]["variants"]
    ] == [
        (True, "Bold", 5, True),
        (False, "Calm", 5, False),
    ]
    # the removed control stays in the results
    results = (await shop.gql(READ, {"id": nudge["id"]}, token=analyst))["data"]["nudgeResults"]
    assert {v["name"]: v["removed"] for v in results["variants"]} == {
        "Bold": False,
        "Calm": False,
        "Control": True,
    }

    archived = await shop.gql(ARCHIVE, {"id": nudge["id"]}, token=analyst)
    assert archived["data"]["archiveNudge"]["nudge"]["enabled"] is False
    assert archived["data"]["archiveNudge"]["nudge"]["archivedAt"] is not None
    assert (await shop.gql(READ, {"id": nudge["id"]}))["data"]["nudges"]["nodes"] == []
    assert (await shop.gql(ARCHIVED))["data"]["nudges"]["nodes"] == [{"id": nudge["id"]}]
    again = await shop.gql(UPDATE, {"id": nudge["id"], "input": {"name": "x"}})
    assert again["data"]["updateNudge"]["userErrors"][0]["code"] == "NOT_FOUND"

    audit = await rows(
        "SELECT action FROM audit_entries WHERE merchant_id = :m AND target_type = 'nudge' ORDER BY id",
        m=shop.id,
    )
    assert [a["action"] for a in audit] == [
        "analytics.nudge_created",
        "analytics.nudge_updated",
        "analytics.nudge_updated",
        "analytics.nudge_archived",
    ]


async def test_invalid_input_is_refused_with_the_field_named(shop) -> None:
    cases = [
        ({"ctaUrl": "http://example.com"}, ["input", "ctaUrl"]),
        ({"ctaUrl": "javascript:alert(1)"}, ["input", "ctaUrl"]),
        ({"titles": [{"locale": "fr", "text": "Salut"}]}, ["input", "titles"]),
        ({"titles": [{"locale": "en", "text": "x" * 121}]}, ["input", "titles"]),
        ({"ctaLabels": [{"locale": "en", "text": "x" * 41}]}, ["input", "ctaLabels"]),
        ({"variants": [{"name": "A", "weight": 0}]}, ["input", "variants"]),
        ({"variants": [{"name": f"v{i}", "weight": 1} for i in range(11)]}, ["input", "variants"]),
        ({"variants": []}, ["input", "variants"]),
        ({"type": "SEGMENT"}, ["input", "segment"]),
        ({"type": "SEGMENT", "segment": "whales"}, ["input", "segment"]),
        ({"hideDays": 400}, ["input", "hideDays"]),
        ({"defaultLocale": "not a locale"}, ["input", "defaultLocale"]),
        ({"name": " "}, ["input", "name"]),
    ]
    for fields, path in cases:
        payload = await create(shop, **fields)
        assert payload["nudge"] is None, fields
        [error] = payload["userErrors"]
        assert (error["field"], error["code"]) == (path, "INVALID"), (fields, error)
    assert (await shop.gql(ARCHIVED))["data"]["nudges"]["nodes"] == []
    assert await rows("SELECT id FROM analytics_nudges WHERE merchant_id = :m", m=shop.id) == []


async def test_only_analytics_roles_may(shop) -> None:
    nudge = (await create(shop))["nudge"]
    support = shop.token(roles=["admin:points", "admin:support"])
    read = await shop.gql(READ, {"id": nudge["id"]}, token=support)
    assert read["data"] == {"nudge": None, "nudges": None, "nudgeResults": None}
    assert set(error_codes(read)) == {"FORBIDDEN"}
    refused = await shop.gql(CREATE, {"input": nudge_input()}, token=support)
    assert refused["data"]["createNudge"] is None
    assert error_codes(refused) == ["FORBIDDEN"]
    sent = await shop.gql(SEND, {"id": nudge["id"]}, token=support)
    assert sent["data"]["sendNudgeEmail"] is None


async def test_send_nudge_email_through_graphql(shop, drain) -> None:
    nudge = (await create(shop))["nudge"]
    sent = await shop.gql(SEND, {"id": nudge["id"], "segment": "lost"})
    run = sent["data"]["sendNudgeEmail"]["run"]
    assert (run["nudgeId"], run["segment"], run["status"]) == (nudge["id"], "lost", "QUEUED")
    await drain()
    progress = await shop.gql(
        "query ($id: ID!) { nudgeEmailRun(id: $id) { status seen queued skipped finishedAt } }",
        {"id": run["id"]},
    )
    assert progress["data"]["nudgeEmailRun"]["status"] == "DONE"
    assert progress["data"]["nudgeEmailRun"]["seen"] == 0
    bad = await shop.gql(SEND, {"id": nudge["id"], "segment": "whales"})
    assert bad["data"]["sendNudgeEmail"]["userErrors"] == [{"field": ["segment"], "code": "INVALID"}]


async def test_another_shops_staff_can_neither_read_nor_change_it(make_shop, drain) -> None:
    a, b = await make_shop(), await make_shop()
    nudge = (await create(a))["nudge"]
    read = await b.gql(READ, {"id": nudge["id"]})
    assert read["data"]["nudge"] is None
    assert read["data"]["nudgeResults"] is None
    assert read["data"]["nudges"]["nodes"] == []
    assert read["data"]["nudges"]["totalCount"] == 0
    variant_id = nudge["variants"][0]["id"]
    for query, variables, root in [
        (UPDATE, {"id": nudge["id"], "input": {"name": "Mine now"}}, "updateNudge"),
        (SET_VARIANTS, {"id": nudge["id"], "variants": [{"name": "X", "weight": 1}]}, "setNudgeVariants"),
        (ARCHIVE, {"id": nudge["id"]}, "archiveNudge"),
        (SEND, {"id": nudge["id"]}, "sendNudgeEmail"),
    ]:
        refused = await b.gql(query, variables)
        [error] = refused["data"][root]["userErrors"]
        assert error["code"] == "NOT_FOUND", (root, refused)
    # a variant of A's nudge cannot be moved into B's own nudge either
    own = (await create(b))["nudge"]
    moved = await b.gql(
        SET_VARIANTS, {"id": own["id"], "variants": [{"id": variant_id, "name": "X", "weight": 1}]}
    )
    assert moved["data"]["setNudgeVariants"]["userErrors"][0]["code"] == "NOT_FOUND"
    run = await b.gql(
        "query ($id: ID!) { nudgeEmailRun(id: $id) { id } }", {"id": encode_id("NudgeEmailRun", 1)}
    )
    assert run["data"]["nudgeEmailRun"] is None
    after = (await a.gql(READ, {"id": nudge["id"]}))["data"]["nudge"]
    assert after == nudge
