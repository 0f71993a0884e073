"""Each fraud check through the webhook route, with its verdict: reject, review (held:
the referral waits for staff) or signal (recorded, decides nothing). A shared IP or a
household address alone never rejects; flatmates may refer each other's friends."""

from __future__ import annotations

import pytest

from loyalnest.contexts.referrals import api as referrals
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import local_id, new_id
from tests.contexts.referrals.support import (
    advocate,
    checks_of,
    code_of,
    confirmation_passes,
    enable,
    friend_order,
    one_referral,
    place,
    referral_ledger,
    referral_rows,
)
from tests.contexts.support import rows as sql
from tests.contexts.support import scalar

HOME = {
    "address1": "12  Rose Lane",
    "address2": "Flat 2",
    "city": "Leeds",
    "province_code": "",
    "zip": "LS1 4AP",
    "country_code": "GB",
}


async def test_self_referral_by_customer_email_and_phone_is_rejected(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain, email="Ada.Lovelace+shop@gmail.com", phone="+44 7700 900123")
    code = await code_of(shop, ada)
    # a second account with the same mailbox (Gmail ignores dots and +tags)
    await place(
        shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, email="adalovelace@googlemail.com")
    )
    # and one with the same phone
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, phone="0044 7700 900123"))
    email_row, phone_row = await referral_rows(shop)
    assert (email_row["status"], checks_of(email_row)) == ("rejected", {"self_referral_email": "reject"})
    assert (phone_row["status"], checks_of(phone_row)) == ("rejected", {"self_referral_phone": "reject"})
    # reasons never hold the values compared
    assert "ada" not in str(email_row["reasons"]).lower()


async def test_the_advocate_ordering_with_her_own_code_is_rejected(shop, drain):
    await enable(shop)
    ada_shopify = new_id()
    body = friend_order(new_id(), ada_shopify, subtotal="40.00", email="ada@example.com")
    await place(shop, drain, body)  # her first order: she becomes a customer
    ada_id = await local_id(shop, ada_shopify)
    code = await code_of(shop, ada_id)
    await place(
        shop,
        drain,
        friend_order(new_id(), ada_shopify, discount_codes=[f"REF-{code}"], email="ada@example.com"),
    )
    row = await one_referral(shop)
    assert row["status"] == "rejected"
    assert checks_of(row)["self_referral_customer"] == "reject"


async def test_same_address_or_card_as_the_advocate_holds_or_rejects(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    other = await advocate(shop, drain, email="bob@example.com", phone=None)
    other_code = await code_of(shop, other)
    # Ada orders through Bob's code from home with her card: rejected for Bob (she is
    # not new), and her address and card are remembered (hashed) as an advocate's
    ada_order = friend_order(
        new_id(), new_id(), ref_attribute=other_code, address=HOME, card=("424242", "4242")
    )
    ada_order["customer"] = {**ada_order["customer"], "id": await _shopify_id(shop, ada)}
    ada_order["email"] = "ada@example.com"
    ada_order["customer"]["email"] = "ada@example.com"
    await place(shop, drain, ada_order)
    # a friend shipping to her home (her flatmate?): held for review, not rejected
    await place(
        shop,
        drain,
        friend_order(new_id(), new_id(), ref_attribute=code, address={**HOME, "address1": "12 rose lane"}),
    )
    # a friend paying with her card: rejected
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, card=("424242", "4242")))
    _, household, card = await referral_rows(shop)
    assert (household["status"], household["held"], checks_of(household)) == (
        "pending",
        True,
        {"self_referral_address": "review"},
    )
    assert (card["status"], checks_of(card)["payment_fingerprint"]) == ("rejected", "reject")
    assert await local_id(shop, ada_order["customer"]["id"]) == ada


async def test_shared_ip_and_household_address_are_signals_only(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    await place(
        shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, ip="198.51.100.9", address=HOME)
    )
    await place(
        shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, ip="198.51.100.9", address=HOME)
    )
    first, second = await referral_rows(shop)
    assert checks_of(first) == {}
    assert (await referrals.get_referrals(shop.id, [second["id"]]))[second["id"]].reasons == (
        referrals.ReasonDTO(
            "shared_ip", "signal", "same network address as the advocate or another of their referrals"
        ),
        referrals.ReasonDTO(
            "household_address", "signal", "same address as another referral of this advocate"
        ),
    )
    assert (second["status"], second["held"]) == ("pending", False)
    assert checks_of(second) == {"shared_ip": "signal", "household_address": "signal"}
    assert second["ip_hash"]
    assert "198.51" not in second["ip_hash"]
    await confirmation_passes(shop, drain)
    assert [r["status"] for r in await referral_rows(shop)] == ["rewarded", "rewarded"]


async def test_velocity_holds_for_review_and_staff_decide(shop, drain):
    await enable(shop, velocity_per_week=2)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    for _ in range(4):
        await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    rows = await referral_rows(shop)
    assert [(r["held"], checks_of(r).get("velocity")) for r in rows] == [
        (False, None),
        (False, None),
        (True, "review"),
        (True, "review"),
    ]
    held = await referrals.list_referrals(shop.id, held=True, first=10)
    assert [r.id for r in held.items] == [rows[3]["id"], rows[2]["id"]]
    await confirmation_passes(shop, drain)
    # held ones complete but are never rewarded until approved
    assert [r["status"] for r in await referral_rows(shop)] == [
        "rewarded",
        "rewarded",
        "completed",
        "completed",
    ]
    async with unit_of_work() as uow:
        approved = await referrals.approve_referral(
            uow, merchant_id=shop.id, referral_id=rows[2]["id"], actor="staff:1"
        )
        rejected = await referrals.reject_referral(
            uow,
            merchant_id=shop.id,
            referral_id=rows[3]["id"],
            actor="staff:1",
            reason="same household, checked",
        )
    assert (approved.status, approved.held, approved.reward_points) == ("rewarded", False, 500)
    assert (rejected.status, rejected.held, rejected.decided_by) == ("rejected", False, "staff:1")
    assert len(await referral_ledger(shop, ada)) == 3
    actions = [
        r["action"]
        for r in await sql("select action from audit_entries where merchant_id = :m order by id", m=shop.id)
    ]
    assert actions[-2:] == ["referral.approved", "referral.rejected"]
    # a decided referral cannot be decided again
    async with unit_of_work() as uow:
        with pytest.raises(ValidationFailed, match="only a held referral"):
            await referrals.approve_referral(
                uow, merchant_id=shop.id, referral_id=rows[2]["id"], actor="staff:1"
            )


async def test_disposable_email_is_rejected_and_the_list_is_overridable(shop, drain):
    await enable(
        shop, disposable_domains_extra=["throwaway.test"], disposable_domains_allowed=["yopmail.com"]
    )
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, email="x@mailinator.com"))
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, email="x@throwaway.test"))
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, email="x@yopmail.com"))
    statuses = [(r["status"], checks_of(r).get("disposable_email")) for r in await referral_rows(shop)]
    assert statuses == [("rejected", "reject"), ("rejected", "reject"), ("pending", None)]


async def test_a_check_switched_off_records_nothing(shop, drain):
    await enable(shop, checks={"shared_ip": False, "self_referral_phone": False})
    ada = await advocate(shop, drain, phone="+15555550199")
    code = await code_of(shop, ada)
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, phone="+1 555 555 0199"))
    row = await one_referral(shop)
    assert (row["status"], checks_of(row)) == ("pending", {})


async def _shopify_id(shop, customer_id: int) -> int:
    return int(
        await scalar(
            "select shopify_customer_id from customers where merchant_id = :m and id = :c",
            m=shop.id,
            c=customer_id,
        )
    )
