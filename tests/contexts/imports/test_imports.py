"""Importing customers through the GraphQL endpoint, as a merchant switching apps does:
a dry run that writes nothing, the import, the same file again (nothing twice), a
revert that takes back exactly what the import did, a re-import after it; pending
customers that Shopify's customers/create claims; the upload link for large files;
every named bad input; another shop's token refused everywhere."""

from __future__ import annotations

import asyncio

import pytest

from loyalnest.contexts.imports import applying, rules
from loyalnest.contexts.points import api as points
from loyalnest.contexts.privacy import api as privacy
from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.platform.db import observe_statements
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.imports import support
from tests.contexts.notifications.support import configure, set_smtp, settle
from tests.contexts.support import execute, rows, scalar
from tests.http.serving import RawConnection

pytestmark = pytest.mark.usefixtures("broker")

_ID_MAPPING = [
    {"header": "Email", "field": "email"},
    {"header": "Points", "field": "points_balance"},
    {"header": "Shopify Customer ID", "field": "shopify_customer_id"},
]
_LEDGER = "select customer_id, delta, kind from points_ledger where merchant_id = :m order by id"


async def _balances(merchant_id: int) -> dict[int, int]:
    found = await rows(
        "select customer_id, balance from points_accounts where merchant_id = :m", m=merchant_id
    )
    return {r["customer_id"]: r["balance"] for r in found}


async def _customer_id(merchant_id: int, shopify_id: int) -> int | None:
    return await scalar(
        "select id from customers where merchant_id = :m and shopify_customer_id = :s",
        m=merchant_id,
        s=shopify_id,
    )


SMILE = support.csv_bytes(
    "First Name,Last Name,Email,Points Balance,Date Of Birth",
    "Ada,Lovelace,ada@example.org,1500,1990-12-10",
    "Alan,Turing,alan@example.org,250,",
    "Grace,Hopper,grace@example.org,0,",
)


async def test_dry_run_import_reimport_revert_and_import_again(shop, drain):
    # Grace is a customer of the shop already (Shopify told us): she is matched, not created
    body = payloads.customer(9_301, email="grace@example.org", first_name="Grace", last_name="Hopper")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    grace = await _customer_id(shop.id, 9_301)
    ledger_before = await rows(_LEDGER, m=shop.id)
    customers_before = int(await scalar("select count(*) from customers where merchant_id = :m", m=shop.id))

    dry = await support.imported(shop, SMILE, source="SMILE", dry_run=True)
    await drain()
    checked = await support.read(shop, dry["id"])
    assert checked["status"] == "READY"
    assert checked["counts"] == {
        "rows": 3,
        "valid": 3,
        "invalid": 0,
        "toMatch": 1,
        "toCreate": 2,
        "points": 1750,
        "created": 0,
        "matched": 0,
        "pointsPosted": 0,
    }
    # a dry run writes nothing outside the import
    assert await rows(_LEDGER, m=shop.id) == ledger_before
    assert (
        await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == customers_before
    )

    started = (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]
    assert started["userErrors"] == []
    await drain()
    done = await support.read(shop, dry["id"])
    assert done["status"] == "COMPLETED"
    assert (done["counts"]["created"], done["counts"]["matched"], done["counts"]["pointsPosted"]) == (
        2,
        1,
        1750,
    )
    created = await rows(
        "select id, state, shopify_customer_id < 0 as waiting from customers where merchant_id = :m"
        " and state = 'imported' order by id",
        m=shop.id,
    )
    assert [(c["state"], c["waiting"]) for c in created] == [("imported", True), ("imported", True)]
    ada, alan = (c["id"] for c in created)
    assert {k: v for k, v in (await _balances(shop.id)).items() if k in (ada, alan, grace)} == {
        ada: 1500,
        alan: 250,
    }
    kinds = [r["kind"] for r in await rows(_LEDGER, m=shop.id) if r not in ledger_before]
    assert kinds == ["import", "import"]

    # the same file again: validated and imported, nothing posted twice
    again = await support.imported(shop, SMILE, source="SMILE", dry_run=False)
    await drain()
    repeat = await support.read(shop, again["id"])
    assert repeat["status"] == "COMPLETED"
    assert (repeat["counts"]["created"], repeat["counts"]["pointsPosted"]) == (0, 0)

    # Shopify's customers/create with Ada's email: the imported customer takes Shopify's id
    body = payloads.customer(9_302, email="ADA@example.org", first_name="Ada", last_name="Lovelace")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    assert await _customer_id(shop.id, 9_302) == ada
    assert (
        await scalar("select state from customers where merchant_id = :m and id = :c", m=shop.id, c=ada)
        != "imported"
    )

    # revert the first import: its postings reversed; Alan (created, nothing else) removed;
    # Ada (claimed by Shopify: signup points since) kept; Grace untouched
    reverted = (await shop.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]
    assert reverted["userErrors"] == []
    await drain()
    back = await support.read(shop, dry["id"])
    assert back["status"] == "REVERTED"
    balances = await _balances(shop.id)
    assert (balances.get(ada, 0), balances.get(grace, 0)) == (0, 0)
    assert (
        await scalar("select count(*) from customers where merchant_id = :m and id = :c", m=shop.id, c=ada)
        == 1
    )
    assert (
        await scalar("select count(*) from customers where merchant_id = :m and id = :c", m=shop.id, c=alan)
        == 0
    )
    assert (
        await scalar("select count(*) from customers where merchant_id = :m and id = :c", m=shop.id, c=grace)
        == 1
    )
    twice = (await shop.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]
    assert twice["userErrors"][0]["code"] == "NOT_REVERTIBLE"

    # and imported again after the revert: posted again
    third = await support.imported(shop, SMILE, source="SMILE", dry_run=False)
    await drain()
    final = await support.read(shop, third["id"])
    assert final["status"] == "COMPLETED"
    assert final["counts"]["pointsPosted"] == 1750


async def test_bad_rows_are_named_and_reported_and_a_bad_file_is_refused(shop, drain, http):
    content = support.csv_bytes(
        "email,points,date_of_birth",
        "ok@example.org,10,",
        "not-an-email,5,",
        "big@example.org,1000000000000,",
        "neg@example.org,-5,",
        "ok@example.org,99,",
        "=cmd|' /C calc'!A0@example.org,1,",
        "future@example.org,1,2999-01-01",
    )
    dry = await support.imported(shop, content, source="SMILE")
    await drain()
    checked = await support.read(shop, dry["id"])
    assert checked["status"] == "READY"
    assert (checked["counts"]["valid"], checked["counts"]["invalid"]) == (1, 6)
    assert [e["line"] for e in checked["errors"]] == [3, 4, 5, 6, 7, 8]
    assert "duplicate" in checked["errors"][3]["reason"]
    assert (checked["errors"][5]["column"], "out of range" in checked["errors"][5]["reason"]) == (
        "date_of_birth",
        True,
    )
    report = await http.get(support.path_of(checked["errorReportUrl"]))
    assert report.status_code == 200
    text = report.content.decode("utf-8-sig")
    assert "'=cmd" in text  # a formula neutralised
    assert "\n=" not in text
    assert ",=" not in text

    for bad, reason in (
        (b"", "empty"),
        (b"email,points\r\n", "header"),
        (b"name,balance\r\nAda,5\r\n", "email"),
        (b"PK\x03\x04" + b"\x00" * 100, "zip"),
    ):
        refused = await support.imported(shop, bad, source="SMILE")
        await drain()
        found = await support.read(shop, refused["id"])
        assert found["status"] == "INVALID", (reason, found)
        assert found["lastError"], reason
        started = (await shop.gql(support.START, {"id": refused["id"]}))["data"]["startImport"]
        assert started["userErrors"][0]["code"] == "NOT_READY"


async def test_an_email_of_another_shops_customer_is_matched_only_within_the_shop(make_shop, drain):
    shop, other = await make_shop(), await make_shop()
    body = payloads.customer(9_401, email="shared@example.org")
    assert (await other.webhook("customers/create", body)).status_code == 200
    await drain()
    dry = await support.imported(
        shop, support.csv_bytes("email,points", "shared@example.org,40"), dry_run=False
    )
    await drain()
    done = await support.read(shop, dry["id"])
    assert (done["counts"]["created"], done["counts"]["matched"]) == (1, 0)
    theirs = await _customer_id(other.id, 9_401)
    assert (await _balances(other.id)).get(theirs, 0) == 0


async def test_another_shop_cannot_read_start_or_revert_an_import(make_shop, drain):
    shop, other = await make_shop(), await make_shop()
    dry = await support.imported(shop, SMILE)
    await drain()
    assert (await other.gql(support.IMPORT, {"id": dry["id"]}))["data"]["import"] is None
    assert (await other.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]["userErrors"][0][
        "code"
    ] == ("NOT_FOUND")
    assert (await other.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]["userErrors"][0][
        "code"
    ] == ("NOT_FOUND")
    listed = await other.gql("{ imports(first: 5) { totalCount } }")
    assert listed["data"]["imports"]["totalCount"] == 0
    # staff without admin:full read no import and send none
    support_token = shop.token(roles=["admin:support"])
    refused = await shop.gql(support.IMPORT, {"id": dry["id"]}, token=support_token)
    assert refused["data"]["import"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    sent = await support.send_file(shop, SMILE, token=support_token)
    assert sent["data"]["importCustomers"] is None


async def test_a_large_file_goes_to_an_upload_link_once(make_shop, drain, http):
    shop, other = await make_shop(), await make_shop()
    created = (await shop.gql(support.CREATE_UPLOAD, {"source": "SMILE", "dryRun": True}))["data"][
        "createImportUpload"
    ]
    assert created["userErrors"] == []
    path = support.path_of(created["uploadUrl"])
    # a declared size over 2 GB is refused before a byte is read
    port = http.base_url.port
    connection = await RawConnection.open(port)
    await connection.send(
        f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {3 * 1024**3}\r\n\r\n".encode()
    )
    answer = await connection.answer(timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    forged = await http.put(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"), content=SMILE)
    assert forged.status_code == 404
    taken = await http.put(path, content=SMILE)
    assert taken.status_code == 202, taken.text
    assert taken.json()["importId"] == created["import"]["id"]
    again = await http.put(path, content=SMILE)
    assert again.status_code == 409  # the link was used
    await drain()
    assert (await support.read(shop, created["import"]["id"]))["status"] == "READY"
    # the other shop sees nothing of it
    assert (await other.gql(support.IMPORT, {"id": created["import"]["id"]}))["data"]["import"] is None
    # once its rows are staged, the file (a copy of people's data) is gone from disk
    assert list((shop.settings.data_dir / "imports" / str(shop.id)).glob("*")) == []


async def test_a_generic_file_is_read_with_the_merchants_mapping_and_a_bad_mapping_is_refused(shop, drain):
    content = support.csv_bytes("Correo,Saldo", "maria@example.org,75")
    mapping = [{"header": "Correo", "field": "email"}, {"header": "Saldo", "field": "points_balance"}]
    done = await support.imported(shop, content, source="GENERIC", mapping=mapping, dry_run=False)
    await drain()
    found = await support.read(shop, done["id"])
    assert (found["status"], found["counts"]["pointsPosted"]) == ("COMPLETED", 75)
    bad = [{"header": "Correo", "field": "email"}, {"header": "Saldo", "field": "wallet"}]
    refused = await support.send_file(shop, content, source="GENERIC", mapping=bad)
    payload = refused["data"]["importCustomers"]
    assert payload["userErrors"][0]["code"] == "INVALID_MAPPING"
    assert "wallet" in payload["userErrors"][0]["message"]
    assert (await shop.gql("{ imports(first: 5) { totalCount } }"))["data"]["imports"]["totalCount"] == 1


async def test_the_marketing_consents_a_file_states_are_recorded_with_source_import(shop, drain):
    content = support.csv_bytes(
        "Email,Points,Accepts email marketing,Accepts SMS marketing",
        "optin@example.org,10,yes,no",
        "silent@example.org,10,,",
    )
    done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
    await drain()
    assert (await support.read(shop, done["id"]))["status"] == "COMPLETED"
    recorded = await rows(
        "select c.type, c.granted, c.source from privacy_consents c join customers u"
        " on u.merchant_id = c.merchant_id and u.id = c.customer_id"
        " where c.merchant_id = :m order by c.type",
        m=shop.id,
    )
    assert recorded == [
        {"type": "newsletter", "granted": True, "source": "import"},
        {"type": "sms_marketing", "granted": False, "source": "import"},
    ]


async def test_a_revert_takes_back_the_consents_the_file_stated_where_they_still_stand(shop, drain):
    # Kim subscribed through Shopify; Lou never said anything here
    kim = payloads.customer(9_501, email="kim@example.org")
    kim["email_marketing_consent"] = {"state": "subscribed", "consent_updated_at": "2026-11-01T10:00:00Z"}
    lou = payloads.customer(9_502, email="lou@example.org")
    for body in (kim, lou):
        assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    kim_id, lou_id = await _customer_id(shop.id, 9_501), await _customer_id(shop.id, 9_502)
    content = support.csv_bytes(
        "Email,Points,Accepts email marketing,Accepts SMS marketing",
        "kim@example.org,10,no,no",
        "lou@example.org,10,yes,",
        "new@example.org,10,yes,yes",
    )
    done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
    await drain()
    assert (await support.read(shop, done["id"]))["status"] == "COMPLETED"
    new_id = await scalar("select id from customers where merchant_id = :m and state = 'imported'", m=shop.id)
    # after the import, Lou changes her mind in the widget: her choice is hers, not the file's
    async with unit_of_work() as uow:
        await privacy.record_consents(
            uow, merchant_id=shop.id, customer_id=lou_id, source="storefront", actor=f"customer:{lou_id}",
            choices=[privacy.ConsentChoice(type="newsletter", granted=False)],
        )  # fmt: skip

    reverted = (await shop.gql(support.REVERT, {"id": done["id"]}))["data"]["revertImport"]
    assert reverted["userErrors"] == []
    await drain()
    assert (await support.read(shop, done["id"]))["status"] == "REVERTED"
    current = {
        (r["customer_id"], r["type"]): (r["granted"], r["source"], r["actor"])
        for r in await rows(
            "select distinct on (customer_id, type) customer_id, type, granted, source, actor"
            " from privacy_consents where merchant_id = :m order by customer_id, type, id desc",
            m=shop.id,
        )
    }
    actor = f"import:{await scalar('select max(id) from imports where merchant_id = :m', m=shop.id)}"
    assert current == {
        # Kim's Shopify subscription is hers again; the file's "no SMS" equals the default
        (kim_id, "newsletter"): (True, "import", actor),
        (kim_id, "sms_marketing"): (False, "import", actor),
        # Lou's own later choice stands
        (lou_id, "newsletter"): (False, "storefront", f"customer:{lou_id}"),
    }
    # the customer the import created is gone, and with it a history that was only the file's
    assert (
        await scalar("select count(*) from customers where merchant_id = :m and id = :c", m=shop.id, c=new_id)
        == 0
    )
    assert await scalar("select count(*) from privacy_consents where merchant_id = :m and customer_id = :c",
                        m=shop.id, c=new_id) == 0  # fmt: skip
    # the history is append-only: what the file said is still there, followed by its retraction
    kim_history = await rows(
        "select type, granted, source from privacy_consents where merchant_id = :m and customer_id = :c"
        " and type = 'newsletter' order by id",
        m=shop.id,
        c=kim_id,
    )
    assert [(r["granted"], r["source"]) for r in kim_history] == [
        (True, "shopify"),
        (False, "import"),
        (True, "import"),
    ]


async def test_two_uploads_racing_on_one_link_leave_the_winners_file(shop, drain, http):
    created = (await shop.gql(support.CREATE_UPLOAD, {"source": "SMILE", "dryRun": True}))["data"][
        "createImportUpload"
    ]
    path = support.path_of(created["uploadUrl"])
    other = support.csv_bytes("First Name,Last Name,Email,Points Balance", "Kay,Nyx,kay@example.org,5")

    def slowly(content: bytes):
        async def chunks():
            for start in range(0, len(content), 16):  # both are in flight before either ends
                await asyncio.sleep(0.02)
                yield content[start : start + 16]

        return chunks()

    first, second = await asyncio.gather(
        http.put(path, content=slowly(SMILE)), http.put(path, content=slowly(other))
    )
    assert sorted([first.status_code, second.status_code]) == [202, 409], (first.text, second.text)
    await drain()
    done = await support.read(shop, created["import"]["id"])
    winner_rows = 3 if first.status_code == 202 else 1
    assert (done["status"], done["counts"]["rows"]) == ("READY", winner_rows)  # the winner's, whole
    # the loser's copy is gone, and the winner's once its rows are staged
    assert list((shop.settings.data_dir / "imports" / str(shop.id)).glob("*")) == []


async def test_an_order_naming_an_imported_customer_first_claims_them(shop, make_shop, drain):
    done = await support.imported(shop, SMILE, source="SMILE", dry_run=False)
    await drain()
    assert (await support.read(shop, done["id"]))["status"] == "COMPLETED"
    ada = await scalar(
        "select id from customers where merchant_id = :m and state = 'imported' order by id limit 1",
        m=shop.id,
    )
    # Ada already had a Shopify account: her first webhook here is an order, not customers/create
    body = payloads.order(
        9_401_001,
        subtotal="20.00",
        customer_body=payloads.customer(9_401, email="Ada@Example.org", first_name="Ada"),
    )
    assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    assert await _customer_id(shop.id, 9_401) == ada  # no second customer
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == 3
    # her order's points join her imported balance
    assert (await _balances(shop.id))[ada] == 1500 + 20
    # a shop where nobody waits pays one probe per batch, and no customer a claim
    other = await make_shop()
    seen: list[str] = []
    order = payloads.order(
        9_402_001, subtotal="5.00", customer_body=payloads.customer(9_402, email="x@y.org")
    )
    with observe_statements(seen.append):
        assert (await other.webhook("orders/create", order)).status_code == 200
        await drain()
    imported = [statement for statement in seen if "state = 'imported'" in statement]
    assert len(imported) == 1, imported
    assert imported[0].lstrip().upper().startswith("SELECT EXISTS"), imported
    assert await scalar("select count(*) from customers where merchant_id = :m", m=other.id) == 1


async def test_a_worker_gone_quiet_mid_import_is_taken_over_and_posts_nothing_twice(shop, drain):
    content = support.csv_bytes(
        "Email,Points,Points spent",
        "one@example.org,100,20",
        "two@example.org,50,0",
        "three@example.org,70,30",
    )
    done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
    await drain()
    first = await support.read(shop, done["id"])
    assert (first["status"], first["rowsDone"], first["rowsTotal"]) == ("COMPLETED", 3, 3)
    ledger = await rows(_LEDGER, m=shop.id)
    import_id = int(await scalar("select max(id) from imports where merchant_id = :m", m=shop.id))
    # the state a worker leaves when it dies after its last chunk committed and before it
    # finished: the import still running, its heartbeat stale, the applied counts saved
    await execute(
        "update imports set status = 'importing', finished_at = null,"
        " heartbeat_at = now() - interval '1 hour',"
        " counts = counts || jsonb_build_object('applied_created', 3, 'applied_matched', 0,"
        " 'applied_points_posted', 220)"
        " where merchant_id = :m and id = :id",
        m=shop.id,
        id=import_id,
    )
    assert await applying.apply(shop.id, import_id)
    resumed = await support.read(shop, done["id"])
    assert (resumed["status"], resumed["rowsDone"], resumed["rowsTotal"]) == ("COMPLETED", 3, 3)
    assert (resumed["counts"]["created"], resumed["counts"]["pointsPosted"]) == (3, 220)
    assert first["counts"]["pointsPosted"] == 220
    assert await rows(_LEDGER, m=shop.id) == ledger
    async with unit_of_work() as uow:
        assert await points.verify_ledger(uow, shop.id) == []
        assert await points.verify_lots(uow, shop.id) == []


async def test_chunks_applied_side_by_side_count_every_row_once(shop, drain):
    # three chunks on the two lanes (LOYALNEST_IMPORT_APPLY_LANES): each chunk adds its
    # counts in its own transaction, none overwrites another's
    assert shop.settings.import_apply_lanes == 2
    body = payloads.customer(9_777, email="c42@example.org", first_name="Kim", last_name="Lee")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    total = 2 * rules.CHUNK_ROWS + 1_000
    content = support.csv_bytes("Email,Points", *(f"c{n}@example.org,{n % 100}" for n in range(total)))
    done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
    await drain()
    read = await support.read(shop, done["id"])
    assert (read["status"], read["rowsDone"], read["rowsTotal"]) == ("COMPLETED", total, total)
    assert (read["counts"]["created"], read["counts"]["matched"]) == (total - 1, 1)
    assert read["counts"]["pointsPosted"] == sum(n % 100 for n in range(total))
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == total
    assert await scalar(
        "select coalesce(sum(balance), 0) from points_accounts where merchant_id = :m", m=shop.id
    ) == sum(n % 100 for n in range(total))
    async with unit_of_work() as uow:
        assert await points.verify_ledger(uow, shop.id) == []
        assert await points.verify_lots(uow, shop.id) == []
    # the tables it filled were analyzed as they grew (after 5,000 and 10,000 rows; the
    # ledger has a row for 99 % of them: those with points)
    for table in ("import_rows", "customers", "points_ledger", "customer_tiers"):
        assert await scalar("select reltuples from pg_class where relname = :t", t=table) >= 9_000


async def test_a_chunk_that_fails_fails_the_import_and_leaves_nothing_of_itself(shop, drain):
    # five chunks on two lanes; the second fails as it is marked applied (a fault injected
    # in the database: a trigger refusing one of its rows). The import is failed with the
    # cause, and nothing of the failed chunk is left: rows not applied, no customers.
    total = 4 * rules.CHUNK_ROWS + 1_000
    content = support.csv_bytes("Email,Points", *(f"c{n}@example.org,{n % 100}" for n in range(total)))
    dry = await support.imported(shop, content, source="LOYALTYLION", dry_run=True)
    await drain()
    assert (await support.read(shop, dry["id"]))["status"] == "READY"
    import_id = int(await scalar("select max(id) from imports where merchant_id = :m", m=shop.id))
    fault_line = rules.CHUNK_ROWS + 2_000  # in the second chunk (the header is line 1)
    await execute(
        "create function injected_fault() returns trigger language plpgsql as $$ begin"
        f" if new.merchant_id = {shop.id} and new.line = {fault_line} and new.applied then"
        " raise exception 'injected fault'; end if; return new; end $$"
    )
    await execute(
        "create trigger injected_fault before update on import_rows"
        " for each row execute function injected_fault()"
    )
    try:
        await execute(
            "update imports set status = 'ready' where merchant_id = :m and id = :id", m=shop.id, id=import_id
        )
        with pytest.raises(Exception, match="injected fault"):
            await applying.apply(shop.id, import_id)
    finally:
        await execute("drop trigger injected_fault on import_rows")
        await execute("drop function injected_fault()")
    failed = await support.read(shop, dry["id"])
    assert failed["status"] == "FAILED"
    assert "injected fault" in failed["lastError"]
    applied = int(
        await scalar(
            "select count(*) from import_rows where merchant_id = :m and import_id = :id and applied",
            m=shop.id,
            id=import_id,
        )
    )
    # the failed chunk's rows are not applied (lanes take rows as they come, so a chunk's
    # lines interleave with the other lane's: its own row is what can be named)
    assert applied <= total - rules.CHUNK_ROWS
    assert (
        await scalar(
            "select applied from import_rows where merchant_id = :m and import_id = :id and line = :l",
            m=shop.id,
            id=import_id,
            l=fault_line,
        )
        is False
    )
    assert await scalar("select count(*) from customers where merchant_id = :m", m=shop.id) == applied


async def test_an_imports_sums_of_points_past_32_bits_read_back_exactly(shop, drain):
    # a million members with 2,500 points each is past GraphQL's Int: the counts are BigInt
    content = support.csv_bytes(
        "Email,Points",
        "one@example.org,900000000",
        "two@example.org,900000000",
        "three@example.org,900000000",
    )
    done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
    await drain()
    read = await shop.gql(
        "query ($id: ID!) { import(id: $id) { status counts { points pointsPosted } } }", {"id": done["id"]}
    )
    assert "errors" not in read, read
    assert read["data"]["import"] == {
        "status": "COMPLETED",
        "counts": {"points": 2_700_000_000, "pointsPosted": 2_700_000_000},
    }


async def test_a_customer_named_again_in_a_later_chunk_is_a_duplicate(shop, drain):
    # the check asks the rows staged from earlier chunks: memory for one chunk only
    assert rules.CHUNK_ROWS < 5_100
    lines = [f"c{n}@example.org,{n},{9_000_000 + n}" for n in range(5_100)]
    lines[5_050] = "c7@example.org,1,"  # c7 is on line 9 (the header is line 1)
    lines[5_060] = "late@example.org,1,9000012"  # c12's Shopify id, on line 14
    # the shop knows c20's Shopify id (line 22) with another email, which a later row names
    body = payloads.customer(9_000_020, email="known@example.org", first_name="Kim", last_name="Lee")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    lines[5_070] = "known@example.org,1,"
    content = support.csv_bytes("Email,Points,Shopify Customer ID", *lines)
    dry = await support.imported(shop, content, source="GENERIC", mapping=_ID_MAPPING, dry_run=True)
    await drain()
    checked = await support.read(shop, dry["id"])
    assert checked["status"] == "READY"
    assert (checked["counts"]["valid"], checked["counts"]["invalid"]) == (5_097, 3)
    assert checked["counts"]["toMatch"] == 1
    assert [(e["line"], e["reason"]) for e in checked["errors"]] == [
        (5_052, "duplicate email in the file, first on line 9"),
        (5_062, "duplicate Shopify customer id in the file, first on line 14"),
        (5_072, "the shop's customer this row names (by Shopify id or email) is on line 22"),
    ]


async def test_two_rows_naming_one_customer_of_the_shop_import_the_first(shop, drain):
    # Kim is known by her Shopify id; a second account of hers in the old app has the
    # email she has in the shop: refused at validation, naming the first line
    body = payloads.customer(9_401, email="kim@example.org", first_name="Kim", last_name="Lee")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    content = support.csv_bytes(
        "Email,Points,Shopify Customer ID", "kim.old@example.org,100,9401", "kim@example.org,200,"
    )
    dry = await support.imported(shop, content, source="GENERIC", mapping=_ID_MAPPING, dry_run=True)
    await drain()
    checked = await support.read(shop, dry["id"])
    assert (checked["counts"]["valid"], checked["counts"]["toMatch"], checked["counts"]["invalid"]) == (
        1,
        1,
        1,
    )
    assert [(e["line"], e["column"], e["reason"]) for e in checked["errors"]] == [
        (3, None, "the shop's customer this row names (by Shopify id or email) is on line 2")
    ]


async def test_rows_that_name_one_customer_only_since_validation_import_the_first(shop, drain):
    # two rows new to the shop at the dry run; before the import starts, Shopify tells of
    # a customer with the first's id and the second's email: only the first is imported,
    # the second is reported (both would post under one customer's key, one of them lost)
    content = support.csv_bytes(
        "Email,Points,Shopify Customer ID", "first@example.org,100,9501", "second@example.org,200,"
    )
    dry = await support.imported(shop, content, source="GENERIC", mapping=_ID_MAPPING, dry_run=True)
    await drain()
    assert (await support.read(shop, dry["id"]))["counts"]["toCreate"] == 2
    body = payloads.customer(9_501, email="second@example.org", first_name="Sam", last_name="Roe")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    sam = await _customer_id(shop.id, 9_501)

    started = (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]
    assert started["userErrors"] == []
    await drain()
    done = (
        await shop.gql(
            "query ($id: ID!) { import(id: $id) { status counts { created matched skipped pointsPosted }"
            " errors { line column reason } } }",
            {"id": dry["id"]},
        )
    )["data"]["import"]
    assert done["status"] == "COMPLETED"
    assert done["counts"] == {"created": 0, "matched": 1, "skipped": 1, "pointsPosted": 100}
    assert done["errors"] == [
        {
            "line": 3,
            "column": None,
            "reason": "not imported: the shop's customer this row names (by Shopify id or email)"
            " was imported from line 2 (matched since validation)",
        }
    ]
    assert (await _balances(shop.id))[sam] == 100
    assert [r["kind"] for r in await rows(_LEDGER, m=shop.id)] == ["import"]

    # the revert takes back what the first row gave, once, and keeps the shop's customer
    reverted = (await shop.gql(support.REVERT, {"id": dry["id"]}))["data"]["revertImport"]
    assert reverted["userErrors"] == []
    await drain()
    assert (await support.read(shop, dry["id"]))["status"] == "REVERTED"
    assert (await _balances(shop.id))[sam] == 0
    assert [r["kind"] for r in await rows(_LEDGER, m=shop.id)] == ["import", "reversal"]
    assert await _customer_id(shop.id, 9_501) == sam


async def test_rows_of_chunks_applied_side_by_side_naming_one_customer_import_one(shop, drain):
    # as above, but the two rows are in chunks the two lanes apply at once: neither lane
    # sees the other's row applied when it matches Sam. Each chunk is held open for 2 s
    # after it posted (a pause injected as the row is marked applied), so whichever lane
    # gets there first is still open when the other comes to Sam.
    assert shop.settings.import_apply_lanes == 2
    lines = ["first@example.org,100,9501", *(f"c{n}@example.org,1," for n in range(rules.CHUNK_ROWS))]
    lines[rules.CHUNK_ROWS] = "second@example.org,200,"  # the second chunk's first line
    content = support.csv_bytes("Email,Points,Shopify Customer ID", *lines)
    dry = await support.imported(shop, content, source="GENERIC", mapping=_ID_MAPPING, dry_run=True)
    await drain()
    assert (await support.read(shop, dry["id"]))["counts"]["toCreate"] == rules.CHUNK_ROWS + 1
    body = payloads.customer(9_501, email="second@example.org", first_name="Sam", last_name="Roe")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    sam = await _customer_id(shop.id, 9_501)
    import_id = int(await scalar("select max(id) from imports where merchant_id = :m", m=shop.id))
    await execute(
        "create function injected_pause() returns trigger language plpgsql as $$ begin"
        f" if new.merchant_id = {shop.id} and new.line in (2, {rules.CHUNK_ROWS + 2}) and new.applied then"
        " perform pg_sleep(2); end if; return new; end $$"
    )
    await execute(
        "create trigger injected_pause before update on import_rows"
        " for each row execute function injected_pause()"
    )
    try:
        await execute(
            "update imports set status = 'ready' where merchant_id = :m and id = :id", m=shop.id, id=import_id
        )
        assert await applying.apply(shop.id, import_id)
    finally:
        await execute("drop trigger injected_pause on import_rows")
        await execute("drop function injected_pause()")
    done = (
        await shop.gql(
            "query ($id: ID!) { import(id: $id) { status lastError counts { matched skipped pointsPosted }"
            " errors { line reason } } }",
            {"id": dry["id"]},
        )
    )["data"]["import"]
    assert done["status"] == "COMPLETED", done
    assert (done["counts"]["matched"], done["counts"]["skipped"]) == (1, 1)
    (error,) = done["errors"]
    # whichever lane took Sam first imported its row; the other row is reported
    assert error["line"] in (2, rules.CHUNK_ROWS + 2)  # the header is line 1
    assert "was imported from line" in error["reason"]
    imported = 200 if error["line"] == 2 else 100
    assert (await _balances(shop.id))[sam] == imported
    assert done["counts"]["pointsPosted"] == imported + rules.CHUNK_ROWS - 1
    async with unit_of_work() as uow:
        assert await points.verify_ledger(uow, shop.id) == []
        assert await points.verify_lots(uow, shop.id) == []


async def test_the_staff_are_told_when_an_import_finished_once(shop, drain):
    with SmtpSink() as sink:
        await set_smtp(shop.id, sink)
        await configure(shop.id, staff_email="owner@shop.test")
        content = support.csv_bytes(
            "Email,Points", "one@example.org,100", "two@example.org,20", "not-an-email,5"
        )
        done = await support.imported(shop, content, source="LOYALTYLION", dry_run=False)
        await drain()
        assert (await support.read(shop, done["id"]))["status"] == "COMPLETED"
        [row] = await settle(shop.id)
        assert (row["type"], row["status"], row["customer_id"]) == ("import_finished", "sent", None)
        [message] = sink.wait_for(1)
        assert message.rcpt_tos == ("owner@shop.test",)
        text = message.message.get_body(("plain",)).get_content()
        # two customers, 120 points, one row refused
        assert "Customers imported: 2" in text, text
        assert "Points posted: 120" in text, text
        assert "Rows refused: 1" in text, text
        import_id = int(await scalar("select max(id) from imports where merchant_id = :m", m=shop.id))
        # a delivery of the same import again (a worker that died after its commit) tells
        # nobody twice
        await execute(
            "update imports set status = 'importing', heartbeat_at = now() - interval '1 hour'"
            " where merchant_id = :m and id = :id",
            m=shop.id,
            id=import_id,
        )
        await applying.apply(shop.id, import_id)
        assert len(await settle(shop.id)) == 1
