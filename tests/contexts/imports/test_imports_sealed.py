"""An import's staged rows hold each person sealed as the customers context stores
them: validation encrypts once, importing copies the ciphertexts and the email's index
into the new customer. Rows staged before that (under the staged rows' own AAD) still
import, opened and sealed when applied."""

from __future__ import annotations

import pytest

from loyalnest.contexts.customers import models as customer_models
from loyalnest.contexts.customers import rules as customer_rules
from loyalnest.contexts.imports import models as import_models
from loyalnest.platform.crypto import get_keyring
from tests.contexts.imports import support
from tests.contexts.support import execute, rows

pytestmark = pytest.mark.usefixtures("broker")

FILE = support.csv_bytes(
    "First Name,Last Name,Email,Points Balance",
    "Ada,Lovelace,ada@example.org,1500",
    "Alan,,alan@example.org,250",
)
_STAGED = (
    "select line, customer_email_enc, email_bidx, customer_first_name_enc, customer_last_name_enc,"
    " email_enc, first_name_enc, last_name_enc from import_rows where merchant_id = :m order by line"
)
_CUSTOMERS = (
    "select c.email_enc, c.email_bidx, c.first_name_enc, c.last_name_enc, a.balance from customers c"
    " join points_accounts a on a.merchant_id = c.merchant_id and a.customer_id = c.id"
    " where c.merchant_id = :m order by c.id"
)


def test_the_staged_rows_are_sealed_with_the_customers_own_aad_and_index_kind():
    assert import_models.SEALED_EMAIL == customer_models.EMAIL
    assert import_models.SEALED_FIRST_NAME == customer_models.FIRST_NAME
    assert import_models.SEALED_LAST_NAME == customer_models.LAST_NAME
    assert import_models.SEALED_EMAIL_INDEX_KIND == customer_rules.EMAIL_INDEX_KIND


async def test_importing_copies_the_staged_ciphertexts_into_the_new_customers(shop, drain):
    keyring = get_keyring()
    dry = await support.imported(shop, FILE, source="SMILE", dry_run=True)
    await drain()
    staged = await rows(_STAGED, m=shop.id)
    assert [keyring.decrypt(r["customer_email_enc"], context=customer_models.EMAIL) for r in staged] == [
        "ada@example.org",
        "alan@example.org",
    ]
    assert [r["email_bidx"] for r in staged] == [
        customer_rules.email_index(keyring, "ada@example.org"),
        customer_rules.email_index(keyring, "alan@example.org"),
    ]
    assert staged[1]["customer_last_name_enc"] is None
    assert all(r["email_enc"] is None and r["first_name_enc"] is None for r in staged)

    assert (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]["userErrors"] == []
    await drain()
    assert (await support.read(shop, dry["id"]))["status"] == "COMPLETED"
    created = await rows(_CUSTOMERS, m=shop.id)
    assert [(c["email_enc"], c["email_bidx"], c["first_name_enc"], c["last_name_enc"]) for c in created] == [
        (s["customer_email_enc"], s["email_bidx"], s["customer_first_name_enc"], s["customer_last_name_enc"])
        for s in staged
    ]
    assert [c["balance"] for c in created] == [1500, 250]


async def test_rows_staged_before_sealing_are_opened_and_sealed_when_imported(shop, drain):
    keyring = get_keyring()
    dry = await support.imported(shop, FILE, source="SMILE", dry_run=True)
    await drain()
    # what validation staged before the rows were sealed as the customers' own
    for row, (email, first, last) in zip(
        await rows(_STAGED, m=shop.id),
        [("ada@example.org", "Ada", "Lovelace"), ("alan@example.org", "Alan", None)],
        strict=True,
    ):
        await execute(
            "update import_rows set email_enc = :e, first_name_enc = :f, last_name_enc = :l,"
            " customer_email_enc = null, email_bidx = null, customer_first_name_enc = null,"
            " customer_last_name_enc = null where merchant_id = :m and line = :line",
            m=shop.id,
            line=row["line"],
            e=keyring.encrypt(email, context=import_models.ROW_EMAIL),
            f=keyring.encrypt(first, context=import_models.ROW_FIRST_NAME),
            l=None if last is None else keyring.encrypt(last, context=import_models.ROW_LAST_NAME),
        )

    assert (await shop.gql(support.START, {"id": dry["id"]}))["data"]["startImport"]["userErrors"] == []
    await drain()
    assert (await support.read(shop, dry["id"]))["status"] == "COMPLETED"
    created = await rows(_CUSTOMERS, m=shop.id)
    assert [
        (
            keyring.decrypt(c["email_enc"], context=customer_models.EMAIL),
            c["email_bidx"],
            keyring.decrypt(c["first_name_enc"], context=customer_models.FIRST_NAME),
            c["last_name_enc"] and keyring.decrypt(c["last_name_enc"], context=customer_models.LAST_NAME),
            c["balance"],
        )
        for c in created
    ] == [
        ("ada@example.org", customer_rules.email_index(keyring, "ada@example.org"), "Ada", "Lovelace", 1500),
        ("alan@example.org", customer_rules.email_index(keyring, "alan@example.org"), "Alan", None, 250),
    ]
