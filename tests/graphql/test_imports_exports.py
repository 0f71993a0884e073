"""Customer exports end to end over HTTP: exportCustomers, the real worker writing the
encrypted files, export(id) with its progress and links, the download streamed through
the signed link; each format read back by our own importer into the same values (the
format contract), the history file, progress pushed live, refusals, roles, and the
wall between shops."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from loyalnest.contexts.imports import export_api as exports
from loyalnest.graphql.core.ids import decode_id
from loyalnest.platform.timeutil import utcnow
from tests.contexts.imports import export_support as support
from tests.contexts.support import execute, rows
from tests.graphql.conftest import error_codes, refused_roots, ws_session

# the fields each format carries (the rest read back as None)
CARRIED = {
    "GENERIC": [
        "shopify_customer_id", "email", "first_name", "last_name", "points_balance", "points_pending",
        "lifetime_points", "points_spent", "tier_name", "birthday", "referral_code", "referral_url",
        "accepts_email_marketing", "accepts_sms_marketing", "enrolled_at",
    ],
    "SMILE": [
        "email", "first_name", "last_name", "points_balance", "tier_name", "birthday", "referral_url",
        "shopify_customer_id", "accepts_email_marketing", "accepts_sms_marketing",
    ],
    "LOYALTYLION": [
        "email", "first_name", "last_name", "points_balance", "points_pending", "points_spent",
        "lifetime_points", "tier_name", "birthday", "referral_url", "enrolled_at", "shopify_customer_id",
        "accepts_email_marketing", "accepts_sms_marketing",
    ],
}  # fmt: skip
HEADERS = {
    "GENERIC": "shopify_customer_id,email,first_name,last_name,points_balance,points_pending,lifetime_points,"
    "points_spent,tier_name,birthday,referral_code,referral_url,accepts_email_marketing,"
    "accepts_sms_marketing,enrolled_at",
    "SMILE": "email,first_name,last_name,points_balance,vip_tier,date_of_birth,referral_url,"
    "shopify_customer_id,accepts_email_marketing,accepts_sms_marketing",
    "LOYALTYLION": "Email,First name,Last name,Points approved,Points pending,Points spent,Points lifetime,"
    "Tier,Birthday,Referral URL,Enrolled at,Shopify Customer ID,Accepts email marketing,"
    "Accepts SMS marketing",
}


def _expected(known: support.Known, format: str) -> dict[str, Any]:
    values = {field: known.values[field] for field in CARRIED[format]}
    if "referral_url" in values and "referral_code" not in values:
        # the importer takes the code from the link's last segment
        values["referral_code"] = known.values["referral_code"]
    return values


async def test_each_format_is_written_downloaded_and_read_back_with_the_same_values(make_shop, drain, http):
    shop, known = await support.populated_shop(make_shop, drain, base=7_100)
    for format in ("GENERIC", "SMILE", "LOYALTYLION"):
        done = await support.exported(shop, drain, format)
        assert (done["format"], done["includeHistory"]) == (format, False)
        assert (done["customers"], done["rowsDone"], done["rowsTotal"], done["historyRows"]) == (3, 3, 3, 0)
        assert done["requestedBy"].startswith("staff:")
        assert done["finishedAt"] is not None
        assert done["eta"] is None
        assert done["historyDownloadUrl"] is None
        assert done["downloadUrl"].startswith(f"{shop.settings.public_base_url.rstrip('/')}/imports/exports/")
        content, headers = await support.download(http, done["downloadUrl"])
        assert content.decode().split("\r\n", 1)[0] == HEADERS[format]
        assert len(content) == done["fileBytes"]
        assert headers["content-type"] == "text/csv; charset=utf-8"
        assert headers["cache-control"] == "no-store"
        local_id = decode_id(done["id"], "CustomerExport")
        day = datetime.fromisoformat(done["createdAt"]).strftime("%Y%m%d")
        assert headers["content-disposition"] == (
            f'attachment; filename="loyalnest-customers-{format.lower()}-{day}-{local_id}.csv"'
        )
        read_back = support.records(content, format)
        fields = sorted({*CARRIED[format], "referral_code"})
        assert [support.values_of(r, fields) for r in read_back] == [
            {field: _expected(k, format).get(field) for field in fields} for k in known
        ], format
    # audited: who asked for which export, and each download (not the data)
    audited = await rows(
        "select action, actor, target_type, details from audit_entries where merchant_id = :m"
        " and target_type = 'CustomerExport' order by id",
        m=shop.id,
    )
    assert [(a["action"], a["details"]) for a in audited] == [
        (action, details)
        for format in ("GENERIC", "SMILE", "LOYALTYLION")
        for action, details in (
            ("imports.customer_export.requested", {"format": format, "include_history": False}),
            ("imports.customer_export.downloaded", {"file": "customers"}),
        )
    ]
    assert {a["actor"] for a in audited if a["action"].endswith("downloaded")} == {"download-link"}
    listed = (await shop.gql(support.EXPORTS, {"first": 2}))["data"]["exports"]
    assert listed["totalCount"] == 3
    assert [n["format"] for n in listed["nodes"]] == ["LOYALTYLION", "SMILE"]
    assert listed["pageInfo"]["hasNextPage"] is True
    rest = (await shop.gql(support.EXPORTS, {"first": 2, "after": listed["pageInfo"]["endCursor"]}))["data"]
    assert [n["format"] for n in rest["exports"]["nodes"]] == ["GENERIC"]
    assert rest["exports"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True,
                                           "endCursor": rest["exports"]["pageInfo"]["endCursor"]}  # fmt: skip


HISTORY_LEDGER = """
select e.id, e.customer_id, e.delta, e.kind, e.reason, e.created_at, l.expires_at,
  (select f.entry_id from points_lot_consumptions c
   join points_lots f on f.merchant_id = c.merchant_id and f.id = c.lot_id
   where c.merchant_id = e.merchant_id and c.entry_id = e.id and e.delta < 0) as took_from
from points_ledger e left join points_lots l on l.merchant_id = e.merchant_id and l.entry_id = e.id
where e.merchant_id = :m order by e.customer_id, e.id
"""


async def test_the_history_file_holds_every_ledger_entry_in_order(make_shop, drain, http):
    shop, known = await support.populated_shop(make_shop, drain, base=7_200)
    done = await support.exported(shop, drain, "GENERIC", history=True)
    assert done["includeHistory"] is True
    ledger = await rows(HISTORY_LEDGER, m=shop.id)
    assert len(ledger) == 3  # Ada's credit and redemption, Alan's credit (pending points are not posted)
    assert done["historyRows"] == 3
    content, headers = await support.download(http, done["historyDownloadUrl"])
    assert len(content) == done["historyBytes"]
    assert (
        content.decode().split("\r\n", 1)[0]
        == "email,shopify_customer_id,points,occurred_at,reason,expires_at,entry,takes_from,shortfall"
    )
    local_id = decode_id(done["id"], "CustomerExport")
    assert headers["content-disposition"].endswith(f'-{local_id}.csv"')
    assert "loyalnest-points-history-" in headers["content-disposition"]
    by_id = {k.customer_id: k.values for k in known}
    entries = support.history(content)
    assert [
        (
            e.email,
            e.shopify_customer_id,
            e.points,
            e.occurred_at,
            e.reason,
            e.expires_at,
            e.entry,
            e.takes_from,
        )
        for e in entries
    ] == [
        (
            by_id[r["customer_id"]]["email"],
            by_id[r["customer_id"]]["shopify_customer_id"],
            r["delta"],
            r["created_at"],
            f"{r['kind']}: {r['reason']}" if r["reason"] else r["kind"],
            r["expires_at"] if r["delta"] > 0 else None,
            r["id"],
            r["took_from"],
        )
        for r in ledger
    ]
    # Ada's redemption names the credit whose lot it took from
    assert [e.takes_from is not None for e in entries] == [r["delta"] < 0 for r in ledger]
    # the credits carry their lot's expiry (points expire a year after they are earned)
    assert all(e.expires_at is not None for e in entries if e.points > 0)
    # each customer's rows add up to their balance (the ledger's invariant, kept by the file)
    for values in by_id.values():
        assert (
            sum(e.points for e in entries if e.shopify_customer_id == values["shopify_customer_id"])
            == (values["points_balance"])
        )
    # and the customer file is the same as without history
    customers_file, _ = await support.download(http, done["downloadUrl"])
    assert len(support.records(customers_file, "GENERIC")) == 3


async def test_progress_is_pushed_until_the_links(make_shop, server, drain, held_worker):
    shop, _ = await support.populated_shop(make_shop, drain, base=7_300)
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        async with held_worker():
            queued = (await support.request(shop, "SMILE"))["customerExport"]
            op = await ws.subscribe(support.PROGRESS, {"id": queued["id"]})
            seen = [await ws.receive()]
            assert seen[0]["id"] == op
            assert seen[0]["payload"]["data"]["exportProgress"]["status"] == "QUEUED"
        # the worker takes it now: nothing more than the subscription tells the client
        while (
            seen[-1]["type"] == "next"
            and seen[-1]["payload"]["data"]["exportProgress"]["status"] != "COMPLETED"
        ):
            seen.append(await asyncio.wait_for(ws.receive(), 10))
        last = seen[-1]["payload"]["data"]["exportProgress"]
        assert (last["status"], last["rowsDone"], last["rowsTotal"]) == ("COMPLETED", 3, 3)
        assert last["downloadUrl"] is not None
        assert (await asyncio.wait_for(ws.receive(), 10))["type"] == "complete"


def _forged(url: str, **changes: int) -> str:
    """The link's token with its fields changed (merchant, export, file), signature kept."""
    import base64

    token = url.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    version, merchant, export, file, expiry = base64.urlsafe_b64decode(payload + "==").decode().split("|")
    fields = {"merchant": merchant, "export": export, "file": file, **{k: str(v) for k, v in changes.items()}}
    forged = "|".join([version, fields["merchant"], fields["export"], fields["file"], expiry])
    return (
        url.rsplit("/", 1)[0]
        + "/"
        + base64.urlsafe_b64encode(forged.encode()).rstrip(b"=").decode()
        + "."
        + signature
    )


async def test_shops_see_follow_and_download_only_their_own(make_shop, server, drain, http):
    shop_a, _ = await support.populated_shop(make_shop, drain, base=7_400)
    shop_b = await make_shop()
    theirs = await support.exported(shop_a, drain, "GENERIC", history=True)
    # B's token: A's export is not there, its list holds none of A's, its progress is refused
    assert await support.read(shop_b, theirs["id"]) is None
    assert (await shop_b.gql(support.EXPORTS, {"first": 10}))["data"]["exports"]["nodes"] == []
    async with ws_session(server, {"Authorization": f"Bearer {shop_b.token()}"}) as ws:
        op = await ws.subscribe(support.PROGRESS, {"id": theirs["id"]})
        assert [e["extensions"]["code"] for e in await ws.errors_of(op)] == ["NOT_FOUND"]
    # B's own export holds none of A's customers
    mine = await support.exported(shop_b, drain, "GENERIC", history=True)
    assert (mine["customers"], mine["historyRows"]) == (0, 0)
    content, _ = await support.download(http, mine["downloadUrl"])
    assert content.decode().count("\r\n") == 1
    # a link of A's export changed to name B (or another export, or the other file) is
    # refused, as is a link of another purpose carrying the same ids
    b_id = decode_id(mine["id"], "CustomerExport")
    for forged in (
        _forged(theirs["downloadUrl"], merchant=shop_b.id),
        _forged(theirs["downloadUrl"], merchant=shop_b.id, export=b_id),
        _forged(theirs["downloadUrl"], file=1),
        _forged(mine["downloadUrl"], merchant=shop_a.id),
    ):
        assert (await http.get(support.path_of(forged))).status_code == 404
    from loyalnest.contexts.imports import links

    a_id = decode_id(theirs["id"], "CustomerExport")
    report_link = links.report_url(shop_a.id, a_id, utcnow() + exports.LINK_TTL)
    token = report_link.rsplit("/", 1)[1]
    assert (await http.get(f"/imports/exports/{token}")).status_code == 404
    assert (await http.get("/imports/exports/not-a-token")).status_code == 404
    # the genuine links work, and say nothing about who asked
    assert (await http.get(support.path_of(theirs["downloadUrl"]))).status_code == 200
    assert (await http.get(support.path_of(mine["historyDownloadUrl"]))).status_code == 200


async def test_bad_input_and_one_export_at_a_time(make_shop, drain):
    shop = await make_shop()
    unknown = await shop.gql(support.EXPORT_CUSTOMERS, {"format": "CSV"})
    assert unknown["data"] is None
    assert "CSV" in unknown["errors"][0]["message"]
    first = await support.request(shop, "GENERIC")
    assert first["userErrors"] == []
    again = await support.request(shop, "SMILE", history=True)
    assert again == {
        "customerExport": None,
        "userErrors": [
            {
                "field": None,
                "code": "IN_PROGRESS",
                "message": "an export of this shop's customers is already under way",
            }
        ],
    }
    await drain()
    # once it is written, the next one may be asked for
    assert (await support.request(shop, "SMILE"))["userErrors"] == []
    await drain()
    assert await support.read(shop, "bm9wZQ") is None
    assert (await shop.gql(support.EXPORTS, {"first": 10}))["data"]["exports"]["totalCount"] == 2


@pytest.mark.parametrize("role", ["admin:points", "admin:analytics", "admin:support"])
async def test_only_admin_full_exports_or_reads_exports(shop, drain, role):
    token = shop.token(roles=[role])
    refused = await shop.gql(support.EXPORT_CUSTOMERS, {"format": "GENERIC"}, token=token)
    refused_roots(refused)
    assert error_codes(refused) == ["FORBIDDEN"]
    mine = await support.request(shop, "GENERIC")
    await drain()
    read = await shop.gql(support.EXPORT, {"id": mine["customerExport"]["id"]}, token=token)
    assert read["data"] == {"export": None}
    assert error_codes(read) == ["FORBIDDEN"]
    listed = await shop.gql(support.EXPORTS, {"first": 5}, token=token)
    assert listed["data"] == {"exports": None}


async def test_files_expire_links_stop_and_the_sweep_removes_them(make_shop, drain, http):
    from loyalnest.contexts.imports import export_links, export_storage, tasks

    shop, _ = await support.populated_shop(make_shop, drain, base=7_500)
    done = await support.exported(shop, drain, "LOYALTYLION", history=True)
    export_id = decode_id(done["id"], "CustomerExport")
    assert export_id is not None
    files = [export_storage.path_of(shop.id, export_id, f) for f in ("customers", "history")]
    assert all(path.exists() for path in files)
    # on disk the file is ciphertext: no email, no name
    raw = files[0].read_bytes()
    assert b"example.org" not in raw
    assert b"Lovelace" not in raw
    # a link past its own expiry is refused while the file is still there
    stale = export_links.download_url(shop.id, export_id, "customers", utcnow().replace(year=2020))
    assert (await http.get(support.path_of(stale))).status_code == 404
    # the files' time passes: the links stop at once, the sweep removes the files
    await execute(
        "update customer_exports set expires_at = now() - interval '1 minute' where merchant_id = :m",
        m=shop.id,
    )
    assert (await http.get(support.path_of(done["downloadUrl"]))).status_code == 404
    assert (await http.get(support.path_of(done["historyDownloadUrl"]))).status_code == 404
    still = await support.read(shop, done["id"])
    assert still is not None
    assert (still["status"], still["downloadUrl"], still["historyDownloadUrl"]) == ("COMPLETED", None, None)
    await tasks.purge_expired_exports()
    gone = await support.read(shop, done["id"])
    assert gone is not None
    assert gone["status"] == "EXPIRED"
    assert not any(path.exists() for path in files)


async def test_an_erasure_voids_the_exports_that_may_hold_the_customer(make_shop, drain, http):
    shop, known = await support.populated_shop(make_shop, drain, base=7_600)
    done = await support.exported(shop, drain, "GENERIC")
    erased = support.named(known, "Ada")
    ada = erased.values
    redact = {
        "shop_id": 1,
        "shop_domain": shop.domain,
        "customer": {"id": ada["shopify_customer_id"], "email": ada["email"]},
        "orders_to_redact": [],
    }
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    voided = await support.read(shop, done["id"])
    assert voided is not None
    assert (voided["status"], voided["downloadUrl"]) == ("EXPIRED", None)
    assert (await http.get(support.path_of(done["downloadUrl"]))).status_code == 404
    from loyalnest.contexts.imports import export_storage

    export_id = decode_id(done["id"], "CustomerExport")
    assert export_id is not None
    assert not export_storage.path_of(shop.id, export_id, "customers").exists()
    # a new export leaves the erased customer out (nothing left to know them by)
    again = await support.exported(shop, drain, "GENERIC")
    assert (again["customers"], again["rowsTotal"]) == (2, 3)
    content, _ = await support.download(http, again["downloadUrl"])
    assert [r.email for r in support.records(content, "GENERIC")] == [
        k.values["email"] for k in known if k is not erased
    ]
