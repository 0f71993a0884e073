"""Switching without losing anything, through the GraphQL endpoint: each competitor's
file brings balances with their lifetime, VIP tiers (reason ``import``; an unknown one
is a row error), birthdays (an unknown year kept as Smile writes it), referral codes
(old links keep working), and a points-history file whose rows become dated ledger rows
and lots with their own expiry. A revert takes all of it back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.uow import unit_of_work
from tests.contexts.imports import support
from tests.contexts.points.helpers import release, set_rule
from tests.contexts.referrals.link_support import set_program
from tests.contexts.support import execute, rows, scalar
from tests.graphql.conftest import proxy_params

pytestmark = pytest.mark.usefixtures("broker")

_CUSTOMER = """query ($id: ID!) { customer(id: $id) {
  pointsBalance lifetimePoints birthday tier { id } } }"""


async def _tier(shop: Any, name: str, threshold: str) -> int:
    async with unit_of_work() as uow:
        tier = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=tiers.TierInput(names=[("en", name)], default_locale="en", threshold=Decimal(threshold)),
        )
    return tier.id


async def _by_email_order(shop: Any) -> list[int]:
    """The shop's imported customers, in the order the file created them."""
    found = await rows("select id from customers where merchant_id = :m order by id", m=shop.id)
    return [r["id"] for r in found]


async def _customer(shop: Any, customer_id: int) -> dict[str, Any]:
    from loyalnest.graphql.core.ids import encode_id

    result = await shop.gql(_CUSTOMER, {"id": encode_id("Customer", customer_id)})
    assert "errors" not in result, result
    return result["data"]["customer"]


async def test_a_loyaltylion_file_brings_lifetime_tiers_birthdays_and_codes_and_its_revert_takes_them_back(
    shop, drain, http, settings
):
    bronze = await _tier(shop, "Bronze", "100")
    gold = await _tier(shop, "Gold", "5000")
    await drain()  # the re-tier the new ladder asks for
    await set_program(shop, enabled=True, friend_kind="fixed_amount", friend_value=Decimal("10"))
    content = support.csv_bytes(
        "Email,First name,Last name,Points approved,Points spent,Tier,Birthday,Referral URL",
        "ada@example.org,Ada,Lovelace,1200,3800,gold,1990-12-10,https://ll.example/r/ADA2024",
        "alan@example.org,Alan,Turing,300,0,Bronze,,",
        "bad@example.org,Bad,Tier,10,0,Platinum,,",
    )
    dry = await support.send_files(shop, content, source="LOYALTYLION", dry_run=True)
    await drain()
    checked = await support.read_full(shop, dry["id"])
    assert checked["status"] == "READY"
    counts = checked["counts"]
    assert (counts["valid"], counts["invalid"], counts["tiers"], counts["birthdays"]) == (2, 1, 2, 1)
    assert counts["referralCodes"] == 1
    [error] = checked["errors"]
    assert (error["line"], error["column"], error["inHistoryFile"]) == (4, "Tier", False)
    assert "unknown tier" in error["reason"]
    assert "Gold" in error["reason"]
    # a dry run writes nothing: no customer, tier or code
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == 0

    started = (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]
    assert started["userErrors"] == []
    await drain()
    done = await support.read_full(shop, dry["id"])
    assert done["status"] == "COMPLETED", done
    assert done["counts"]["pointsPosted"] == 1500
    ada, alan = await _by_email_order(shop)

    seen = await _customer(shop, ada)
    # spent with the old app: in the lifetime, not in the balance
    assert (seen["pointsBalance"], seen["lifetimePoints"]) == (1200, 5000)
    assert seen["birthday"] == "1990-12-10"
    assert seen["tier"] is not None
    held = await rows(
        "select customer_id, tier_id from customer_tiers where merchant_id = :m order by customer_id",
        m=shop.id,
    )
    assert [(r["customer_id"], r["tier_id"]) for r in held] == [(ada, gold), (alan, bronze)]
    moves = await rows(
        "select customer_id, from_tier_id, to_tier_id, reason from tier_history where merchant_id = :m"
        " order by customer_id",
        m=shop.id,
    )
    assert [(m["customer_id"], m["to_tier_id"], m["reason"]) for m in moves] == [
        (ada, gold, "import"),
        (alan, bronze, "import"),
    ]
    # no entry bonus for a tier brought along: the ledger holds the import's rows only
    kinds = await rows(
        "select customer_id, delta, kind from points_ledger where merchant_id = :m order by id", m=shop.id
    )
    assert [(k["customer_id"], k["delta"], k["kind"]) for k in kinds] == [
        (ada, 5000, "import"),
        (alan, 300, "import"),
        (ada, -3800, "import"),
    ]
    # the old link's code is Ada's here: the link redirects to the shop
    assert (
        await scalar(
            "select code from referral_codes where merchant_id = :m and customer_id = :c", m=shop.id, c=ada
        )
        == "ADA2024"
    )
    link = await http.get(
        "/proxy/r/ada2024",
        params=proxy_params(settings, shop.domain, None),
        headers={"X-Forwarded-For": "198.51.100.23", "User-Agent": "Mozilla/5.0 (test)"},
    )
    assert link.status_code == 302, link.text
    assert link.headers["location"].endswith("?ref=ADA2024")

    reverted = (await shop.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]
    assert reverted["userErrors"] == []
    await drain()
    assert (await support.read_full(shop, dry["id"]))["status"] == "REVERTED"
    # both were created by the import and did nothing else: gone, with all they had
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == 0
    assert await scalar("select count(*) from referral_codes where merchant_id = :m", m=shop.id) == 0
    assert (
        await scalar(
            "select count(*) from customer_tiers where merchant_id = :m and tier_id is not null", m=shop.id
        )
        == 0
    )


_PENDING = "query ($id: ID!) { customer(id: $id) { pointsBalance pendingPoints lifetimePoints } }"
_COUNTS = "query ($id: ID!) { import(id: $id) { status counts { points pointsPending pointsPosted } } }"


async def _pending_of(shop: Any, customer_id: int) -> tuple[int, int, int]:
    from loyalnest.graphql.core.ids import encode_id

    seen = (await shop.gql(_PENDING, {"id": encode_id("Customer", customer_id)}))["data"]["customer"]
    return seen["pointsBalance"], seen["pendingPoints"], seen["lifetimePoints"]


async def test_loyaltylions_pending_points_wait_here_then_join_the_balance_and_a_revert_takes_them_back(
    shop, drain
):
    await set_rule(shop, pending_days=14)
    silver = await _tier(shop, "Silver", "150")
    await drain()  # the re-tier the new ladder asks for
    content = support.csv_bytes(
        # LoyaltyLion's lifetime counts approved, pending, spent and expired points
        "Email,Points approved,Points pending,Points spent,Points lifetime",
        "ada@example.org,100,50,20,170",
        "alan@example.org,10,30,,",
    )
    done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
    await drain()
    found = (await shop.gql(_COUNTS, {"id": done["id"]}))["data"]["import"]
    assert found["status"] == "COMPLETED"
    assert found["counts"] == {"points": 110, "pointsPending": 80, "pointsPosted": 110}
    ada, alan = await _by_email_order(shop)
    # approved points are the balance; pending ones wait the shop's pending period here
    assert await _pending_of(shop, ada) == (100, 50, 120)
    assert await _pending_of(shop, alan) == (10, 30, 10)
    assert await scalar("select count(*) from points_ledger where merchant_id = :m", m=shop.id) == 3

    # Ada's period is over (Alan's is not): hers join her balance and her lifetime
    await execute(
        "update held_points set release_at = now() - interval '1 second'"
        " where merchant_id = :m and customer_id = :c",
        m=shop.id,
        c=ada,
    )
    tier_of = "select tier_id from customer_tiers where merchant_id = :m and customer_id = :c"
    assert await scalar(tier_of, m=shop.id, c=ada) is None  # 120 earned here: below Silver's 150
    await release(drain)
    assert await _pending_of(shop, ada) == (150, 0, 170)
    # released, they are earned: the points metric counts them and she reaches Silver
    assert await scalar(tier_of, m=shop.id, c=ada) == silver
    assert await _pending_of(shop, alan) == (10, 30, 10)

    reverted = (await shop.gql(support.REVERT, {"id": done["id"]}))["data"]["revertImport"]
    assert reverted["userErrors"] == []
    await drain()
    # Ada's released points are taken back with the rest of what the import gave her
    # (what she spent with the old app is the shortfall); Alan's are never posted
    reversals = await rows(
        "select customer_id, delta, shortfall from points_ledger where merchant_id = :m and kind = 'reversal'"
        " order by customer_id",
        m=shop.id,
    )
    assert [(r["customer_id"], r["delta"], r["shortfall"]) for r in reversals] == [
        (ada, -150, 20),
        (alan, -10, 0),
    ]
    held = await rows(
        "select customer_id, status from held_points where merchant_id = :m order by customer_id", m=shop.id
    )
    assert [(r["customer_id"], r["status"]) for r in held] == [(ada, "released"), (alan, "cancelled")]
    await execute(
        "update held_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    await release(drain)
    assert (
        await scalar(
            "select count(*) from points_ledger where merchant_id = :m and customer_id = :c",
            m=shop.id,
            c=alan,
        )
        == 2
    )  # its credit and its reversal: nothing released after the revert


async def test_a_matched_customer_gets_the_files_tier_and_the_revert_restores_the_one_held_before(
    shop, drain
):
    from tests import payloads

    silver = await _tier(shop, "Silver", "1")
    gold = await _tier(shop, "Gold", "100000")
    await drain()
    body = payloads.customer(9_401, email="grace@example.org", first_name="Grace", last_name="Hopper")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    grace = int(await scalar("select id from customers where merchant_id = :m", m=shop.id))
    async with unit_of_work() as uow:  # she holds Silver before the import
        await tiers.import_standings(uow, shop.id, [tiers.ImportedStanding(grace, tier_id=silver)])
    content = support.csv_bytes("Email,Points,Tier,Birthday", "grace@example.org,50,GOLD,12/09")
    done = await support.send_files(shop, content, source="YOTPO", dry_run=False)
    await drain()
    assert (await support.read_full(shop, done["id"]))["status"] == "COMPLETED"
    seen = await _customer(shop, grace)
    assert seen["pointsBalance"] == 50
    # Yotpo's MM/DD: the year unknown, kept as Smile's 1004
    assert seen["birthday"] == "1004-12-09"
    assert (
        await scalar(
            "select tier_id from customer_tiers where merchant_id = :m and customer_id = :c",
            m=shop.id,
            c=grace,
        )
        == gold
    )

    assert (await shop.gql(support.REVERT, {"id": done["id"]}))["data"]["revertImport"]["userErrors"] == []
    await drain()
    # she stays (Shopify's customer), with Silver again, no birthday and no points
    seen = await _customer(shop, grace)
    assert (seen["pointsBalance"], seen["lifetimePoints"], seen["birthday"]) == (0, 0, None)
    assert (
        await scalar(
            "select tier_id from customer_tiers where merchant_id = :m and customer_id = :c",
            m=shop.id,
            c=grace,
        )
        == silver
    )
    reasons = await rows(
        "select reason, note from tier_history where merchant_id = :m and customer_id = :c order by id",
        m=shop.id,
        c=grace,
    )
    assert [r["reason"] for r in reasons] == ["import", "import", "import"]
    assert reasons[-1]["note"] == "import reverted"


HISTORY_CUSTOMERS = support.csv_bytes(
    "email,shopify_customer_id,points",
    "ada@example.org,,0",
    "alan@example.org,,0",
)
HISTORY = support.csv_bytes(
    "email,occurred_at,points,reason,expires_at",
    "ada@example.org,2025-01-01T10:00:00Z,100,Order #1001,2025-06-30T00:00:00Z",
    "ada@example.org,2025-03-01T10:00:00Z,200,Order #1002,2027-01-01T00:00:00Z",
    "ada@example.org,2025-04-01T10:00:00Z,-50,Redeemed $5 off,",
    "ada@example.org,2025-06-30T00:00:00Z,-50,expired,",
    "alan@example.org,2025-02-01T00:00:00Z,70,Signup,",
    "nobody@example.org,2025-02-01T00:00:00Z,10,Signup,",
    "alan@example.org,2999-01-01T00:00:00Z,10,Future,",
)


async def test_a_history_file_becomes_dated_ledger_rows_and_lots_that_expire_by_their_own_dates(shop, drain):
    dry = await support.send_files(shop, HISTORY_CUSTOMERS, HISTORY, source="GENERIC", dry_run=True)
    await drain()
    checked = await support.read_full(shop, dry["id"])
    assert checked["status"] == "READY", checked
    assert checked["historyFileName"] == "history.csv"
    assert (checked["counts"]["historyRows"], checked["counts"]["historyInvalid"]) == (5, 2)
    history_errors = sorted((e["line"], e["reason"]) for e in checked["errors"] if e["inHistoryFile"])
    assert [line for line, _ in history_errors] == [7, 8]
    assert "no customer of the customer file" in history_errors[0][1]
    assert "out of range" in history_errors[1][1]

    assert (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]["userErrors"] == []
    await drain()
    done = await support.read_full(shop, dry["id"])
    assert done["status"] == "COMPLETED", done
    ada, alan = await _by_email_order(shop)
    ledger = await rows(
        "select customer_id, delta, kind, reason, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day"
        " from points_ledger where merchant_id = :m order by created_at, id",
        m=shop.id,
    )
    assert [(r["customer_id"], r["delta"], r["kind"], r["day"]) for r in ledger] == [
        (ada, 100, "import", "2025-01-01"),
        (alan, 70, "import", "2025-02-01"),
        (ada, 200, "import", "2025-03-01"),
        # the spend takes from the oldest lot open then: January's
        (ada, -50, "import", "2025-04-01"),
        # January's lot expires on its own date (the file's "expired" row is not posted)
        (ada, -50, "expire", "2025-06-30"),
    ]
    lots = await rows(
        "select customer_id, points, remaining, to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD') as exp"
        " from points_lots where merchant_id = :m order by id",
        m=shop.id,
    )
    by_customer = [(r["customer_id"], r["points"], r["remaining"], r["exp"]) for r in lots]
    assert (ada, 100, 0, "2025-06-30") in by_customer
    assert (ada, 200, 200, "2027-01-01") in by_customer
    assert next(lot for lot in by_customer if lot[0] == alan)[:3] == (alan, 70, 70)
    assert (await _customer(shop, ada))["pointsBalance"] == 200
    assert (await _customer(shop, ada))["lifetimePoints"] == 300

    # the same two files again post nothing twice
    again = await support.send_files(shop, HISTORY_CUSTOMERS, HISTORY, source="GENERIC", dry_run=False)
    await drain()
    assert (await support.read_full(shop, again["id"]))["counts"]["pointsPosted"] == 0

    assert (await shop.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]["userErrors"] == []
    await drain()
    assert (
        await scalar(
            "select coalesce(sum(balance), 0) from points_accounts where merchant_id = :m", m=shop.id
        )
        == 0
    )


_IMPORT_CREATING_TIERS = f"""
mutation ($file: Upload!) {{
  importCustomers(source: SMILE, file: $file, dryRun: true, createMissingTiers: true) {{
    import {{ {support.FULL_FIELDS} }} userErrors {{ code message }}
  }}
}}"""


async def test_tiers_the_shop_lacks_are_created_when_asked_and_go_with_the_revert(shop, drain):
    import orjson

    bronze = await _tier(shop, "Bronze", "100")
    await drain()
    content = support.csv_bytes(
        "email,points,vip_tier",
        "a@example.org,500,Silver",
        "b@example.org,900,SILVER",
        "c@example.org,5000,Gold",
        "d@example.org,50,bronze",
    )
    response = await shop.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(
                {"query": _IMPORT_CREATING_TIERS, "variables": {"file": None}}
            ).decode(),
            "map": orjson.dumps({"0": ["variables.file"]}).decode(),
        },
        files={"0": ("vip.csv", content, "text/csv")},
        headers={"Authorization": f"Bearer {shop.token()}"},
    )
    payload = response.json()["data"]["importCustomers"]
    assert payload["userErrors"] == []
    await drain()
    checked = await support.read_full(shop, payload["import"]["id"])
    assert checked["status"] == "READY", checked
    assert (checked["counts"]["invalid"], checked["counts"]["tiers"]) == (0, 4)
    assert checked["counts"]["tiersToCreate"] == 2
    # a dry run creates nothing
    assert await scalar("select count(*) from tiers where merchant_id = :m", m=shop.id) == 1

    assert (await shop.gql(support.START, {"id": checked["id"]}))["data"]["startImport"]["userErrors"] == []
    await drain()
    assert (await support.read_full(shop, checked["id"]))["status"] == "COMPLETED"
    ladder = await rows(
        "select id, rank, threshold, names->>'en' as name from tiers where merchant_id = :m"
        " and deleted_at is null order by rank",
        m=shop.id,
    )
    assert [(t["name"], t["threshold"]) for t in ladder] == [
        ("Bronze", Decimal(100)),
        ("Silver", Decimal(500)),
        ("Gold", Decimal(5000)),
    ]
    silver, gold = ladder[1]["id"], ladder[2]["id"]
    held = await rows(
        "select c.tier_id from customer_tiers c join customers u on u.merchant_id = c.merchant_id"
        " and u.id = c.customer_id where c.merchant_id = :m order by u.id",
        m=shop.id,
    )
    assert [h["tier_id"] for h in held] == [silver, silver, gold, bronze]

    assert (await shop.gql(support.REVERT, {"id": checked["id"]}))["data"]["revertImport"]["userErrors"] == []
    await drain()
    left = await rows(
        "select id from tiers where merchant_id = :m and deleted_at is null order by rank", m=shop.id
    )
    assert [t["id"] for t in left] == [bronze]


# each competitor's own header spellings (../shared/research/import-formats.md)
_PRESET_FILES = {
    "SMILE": ("first_name,last_name,email,points_balance,date_of_birth", "Ada,Byron,{e},700,1004-02-29"),
    "LOYALTYLION": (
        "Email,First name,Last name,Points approved,Points pending,Points spent,Enrolled at",
        "{e},Ada,Byron,700,25,300,2024-05-01T09:00:00Z",
    ),
    "YOTPO": (
        "Full Name,Email,Points Balance,Points Spent,Birthday,Anniversary",
        "Ada Byron,{e},700,300,02/29,",
    ),
    "GENERIC": ("shopify_customer_id,email,points", "8801,{e},700"),
}


@pytest.mark.parametrize("source", sorted(_PRESET_FILES))
async def test_each_preset_moves_a_merchant_with_a_dry_run_an_import_a_revert_and_a_reimport(
    shop, drain, source
):
    header, row = _PRESET_FILES[source]
    content = support.csv_bytes(header, row.format(e=f"ada.{source.lower()}@example.org"))
    dry = await support.send_files(shop, content, source=source, dry_run=True)
    await drain()
    checked = await support.read_full(shop, dry["id"])
    assert (checked["status"], checked["counts"]["valid"], checked["counts"]["invalid"]) == ("READY", 1, 0), (
        checked
    )
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == 0

    assert (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]["userErrors"] == []
    await drain()
    assert (await support.read_full(shop, dry["id"]))["counts"]["pointsPosted"] == 700
    [customer] = await _by_email_order(shop)
    seen = await _customer(shop, customer)
    lifetime = 1000 if source in ("LOYALTYLION", "YOTPO") else 700
    assert (seen["pointsBalance"], seen["lifetimePoints"]) == (700, lifetime)
    if source in ("SMILE", "YOTPO"):
        assert seen["birthday"] == "1004-02-29"  # a leap day, year unknown

    assert (await shop.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]["userErrors"] == []
    await drain()
    assert (await support.read_full(shop, dry["id"]))["status"] == "REVERTED"
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == 0

    again = await support.send_files(shop, content, source=source, dry_run=False)
    await drain()
    assert (await support.read_full(shop, again["id"]))["counts"]["pointsPosted"] == 700
    [customer] = await _by_email_order(shop)
    assert (await _customer(shop, customer))["pointsBalance"] == 700


_UPLOAD_WITH_HISTORY = """
mutation { createImportUpload(source: GENERIC, fileName: "big.csv", dryRun: false, withHistory: true) {
  import { id status } uploadUrl historyUploadUrl userErrors { code } } }
"""


async def test_large_files_go_to_two_upload_links_the_history_first(shop, drain, http):
    created = (await shop.gql(_UPLOAD_WITH_HISTORY))["data"]["createImportUpload"]
    assert created["userErrors"] == []
    customers_path = support.path_of(created["uploadUrl"])
    history_path = support.path_of(created["historyUploadUrl"])
    assert customers_path != history_path
    # the customer file starts validation: it waits for the history
    early = await http.put(customers_path, content=HISTORY_CUSTOMERS)
    assert early.status_code == 409
    assert "history" in early.json()["error"]
    taken = await http.put(history_path, content=HISTORY)
    assert (taken.status_code, taken.json()["status"]) == (202, "AWAITING_UPLOAD")
    assert (await http.put(history_path, content=HISTORY)).status_code == 409  # used
    assert (await http.put(customers_path, content=HISTORY_CUSTOMERS)).status_code == 202
    await drain()
    done = await support.read_full(shop, created["import"]["id"])
    assert done["status"] == "COMPLETED", done
    assert (done["historyFileName"], done["counts"]["historyRows"], done["counts"]["pointsPosted"]) == (
        "points-history.csv",
        5,
        270,  # what Ada (200) and Alan (70) hold: January's lot expired
    )
    # both files are gone from disk once their rows are staged
    assert list((shop.settings.data_dir / "imports" / str(shop.id)).glob("*")) == []
