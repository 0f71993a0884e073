"""The merchant referral program: every shop has a code (made at install, unique across
shops, backfilled by migration 0017 for shops that existed); a shop installed with
another's code is its referral, once; an unknown code or a shop's own installs nothing;
an uninstall (the app/uninstalled webhook) within the qualifying days cancels the
referral; the daily ``merchants.credit_referrals`` actor, on
the real broker, credits the referring shop one month per referred shop installed 30
days, exactly once however often it runs."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.merchants import commands, flows, repository, rules
from loyalnest.migrations import alembic_config
from loyalnest.platform import queue
from loyalnest.platform.db import asyncpg_url
from loyalnest.platform.errors import NotFound, ValidationFailed
from loyalnest.platform.uow import unit_of_work
from tests.conftest import Shop
from tests.contexts.merchants.support import (
    code_of,
    credits_of,
    install,
    installed_days_ago,
    new_domain,
    referrals_of,
)
from tests.contexts.support import scalar
from tests.test_migrations import empty_database  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("broker")

CREDIT_REFERRALS = "merchants.credit_referrals"


def _sweep() -> None:
    queue.send(CREDIT_REFERRALS, "merchants", {})


async def _shop_exists(domain: str) -> bool:
    return bool(await scalar("select count(*) from merchants where shop_domain = :d", d=domain))


# --- codes --------------------------------------------------------------------------------


async def test_every_shop_gets_its_own_code_at_install_and_keeps_it():
    a, b = await install(), await install()
    code_a, code_b = await code_of(a.id), await code_of(b.id)
    for code in (code_a, code_b):
        assert len(code) == 8
        assert set(code) <= set(rules.REFERRAL_CODE_ALPHABET)
    assert code_a != code_b
    await install(a.shop_domain)  # a reinstall keeps the code
    assert await code_of(a.id) == code_a
    program = await merchants.get_referral_program(a.id)
    assert program is not None
    assert (program.code, program.link.split("/install?ref=")[1]) == (code_a, code_a)


async def test_a_code_another_shop_holds_is_drawn_again_without_aborting_the_install():
    taken = await code_of((await install()).id)
    drawn = iter([taken, "NEWCQDEZ"])
    domain = new_domain()
    async with unit_of_work() as uow:
        row, created = await repository.insert_if_absent(
            uow.session,
            shop_domain=domain,
            name="Collides",
            currency="USD",
            plan="free",
            iana_timezone="UTC",
            new_referral_code=lambda: next(drawn),
        )
    assert created
    assert row.referral_code == "NEWCQDEZ"
    assert await _shop_exists(domain)


# --- recording a referral -------------------------------------------------------------------


async def test_a_shop_installed_with_a_code_is_referred_once():
    a, c = await install(), await install()
    code = await code_of(a.id)
    b_domain = new_domain()
    b = await install(b_domain, referred_by=f"  {code.lower()} ")  # any case, spaces dropped
    [referral] = await referrals_of(b.id)
    assert (referral["merchant_id"], referral["status"]) == (a.id, "pending")

    await install(b_domain, referred_by=code)  # the same install again
    await install(b_domain, referred_by=await code_of(c.id))  # another shop's code on a reinstall
    assert [r["merchant_id"] for r in await referrals_of(b.id)] == [a.id]
    seen = await merchants.get_referral_of(b.id)
    assert seen is not None
    assert (seen.referrer_shop_domain, seen.referred_shop_domain) == (a.shop_domain, b_domain)


async def test_an_unknown_code_installs_nothing():
    domain = new_domain()
    with pytest.raises(NotFound) as refused:
        await install(domain, referred_by="ZZZZZZZZ")
    assert refused.value.field == "referredBy"
    assert "no shop has the merchant referral code ZZZZZZZZ" in refused.value.message
    assert not await _shop_exists(domain)


@pytest.mark.parametrize("code", ["ABC", "ABCDEFGH1", "0OIL2345", "ABCD-EFG"])
async def test_what_cannot_be_a_code_is_refused_before_any_lookup(code):
    domain = new_domain()
    with pytest.raises(ValidationFailed) as refused:
        await install(domain, referred_by=code)
    assert refused.value.field == "referredBy"
    assert not await _shop_exists(domain)


async def test_a_shops_own_code_is_refused():
    a = await install()
    with pytest.raises(ValidationFailed) as refused:
        await install(a.shop_domain, referred_by=await code_of(a.id))
    assert refused.value.field == "referredBy"
    assert await referrals_of(a.id) == []


async def test_a_shop_known_before_its_code_install_is_not_referred():
    a, b = await install(), await install()
    again = await install(b.shop_domain, referred_by=await code_of(a.id))
    assert again.id == b.id
    assert await referrals_of(b.id) == []
    assert await merchants.get_referral_of(b.id) is None


# --- uninstall --------------------------------------------------------------------------------


async def test_an_uninstall_cancels_a_young_referral_and_a_reinstall_does_not_revive_it(
    http, settings, drain
):
    a = await install()
    b = await install(referred_by=await code_of(a.id))
    referred = Shop(b, http, settings)
    for _ in range(2):  # Shopify may deliver twice (two event ids)
        response = await referred.webhook("app/uninstalled", {"id": 1, "myshopify_domain": b.shop_domain})
        assert response.status_code == 200
    await drain()

    [referral] = await referrals_of(b.id)
    assert referral["status"] == "cancelled"
    assert referral["cancelled_at"] is not None

    await install(b.shop_domain, referred_by=await code_of(a.id))
    assert [r["status"] for r in await referrals_of(b.id)] == ["cancelled"]
    _sweep()
    await drain()
    assert await credits_of(a.id) == []


async def test_an_uninstall_after_the_qualifying_days_leaves_the_referral_to_be_credited(
    http, settings, drain
):
    a = await install()
    b = await install(referred_by=await code_of(a.id))
    await installed_days_ago(b.id, 31)
    referred = Shop(b, http, settings)
    await referred.webhook("app/uninstalled", {"id": 1, "myshopify_domain": b.shop_domain})
    await drain()
    assert [r["status"] for r in await referrals_of(b.id)] == ["pending"]
    _sweep()
    await drain()
    assert [r["status"] for r in await referrals_of(b.id)] == ["qualified"]
    assert [c["months"] for c in await credits_of(a.id)] == [1]


# --- the daily sweep, on the real broker ----------------------------------------------------


async def test_the_sweep_credits_each_qualified_referral_once_and_cancels_early_uninstalls(drain):
    a = await install()
    code = await code_of(a.id)
    stayed, young, left_early, left_late = [await install(referred_by=code) for _ in range(4)]
    await installed_days_ago(stayed.id, 31)
    await installed_days_ago(young.id, 10)
    await installed_days_ago(left_early.id, 31, uninstalled_after=5)
    await installed_days_ago(left_late.id, 40, uninstalled_after=35)

    for _ in range(2):
        _sweep()
        _sweep()
        await drain()

    status = {m.id: (await referrals_of(m.id))[0] for m in (stayed, young, left_early, left_late)}
    assert {k: v["status"] for k, v in status.items()} == {
        stayed.id: "qualified",
        young.id: "pending",
        left_early.id: "cancelled",
        left_late.id: "qualified",
    }
    assert status[stayed.id]["credited_at"] is not None
    assert status[young.id]["credited_at"] is None
    # qualified the day the 30 days were reached, not the day the sweep saw it
    gap = await scalar(
        "select extract(epoch from r.qualified_at - r.created_at) / 86400"
        " from merchant_referrals r where r.referred_merchant_id = :m",
        m=left_late.id,
    )
    assert round(float(gap)) == 30

    credits = await credits_of(a.id)
    referral_ids = {
        int(i)
        for i in [
            await scalar("select id from merchant_referrals where referred_merchant_id = :m", m=m.id)
            for m in (stayed, left_late)
        ]
    }
    assert sorted(credits, key=lambda c: c["source_ref"]) == sorted(
        (
            {
                "months": 1,
                "kind": "referral",
                "source_ref": f"merchant_referral:{i}",
                "idempotency_key": f"merchant_referral:{i}",
            }
            for i in referral_ids
        ),
        key=lambda c: c["source_ref"],
    )
    assert await merchants.get_credit_months(a.id) == 2
    # the referred shops earned nothing themselves
    assert await credits_of(stayed.id) == []

    # the young one reaches its 30 days: the next run credits it, and only it
    await installed_days_ago(young.id, 30)
    _sweep()
    await drain()
    assert await merchants.get_credit_months(a.id) == 3
    assert len(await credits_of(a.id)) == 3


async def test_the_sweep_works_through_every_batch():
    a = await install()
    code = await code_of(a.id)
    for _ in range(3):
        referred = await install(referred_by=code)
        await installed_days_ago(referred.id, 31)
    report = await flows.credit_referrals(batch=1)  # a transaction per referral
    assert report.qualified >= 3
    assert report.credited == report.qualified
    assert await merchants.get_credit_months(a.id) == 3
    again = await flows.credit_referrals(batch=1)
    assert (again.qualified, again.credited) == (0, 0)


async def test_credits_are_append_only():
    a = await install()
    b = await install(referred_by=await code_of(a.id))
    await installed_days_ago(b.id, 31)
    async with unit_of_work() as uow:  # one batch of the sweep, as the actor runs it
        report = await commands.credit_due_referrals(uow)
    assert report.credited >= 1
    with pytest.raises(DBAPIError, match="append-only"):
        async with unit_of_work() as uow:
            await uow.session.execute(
                text("update merchant_credits set months = 12 where merchant_id = :m"), {"m": a.id}
            )
    assert [c["months"] for c in await credits_of(a.id)] == [1]


# --- migration 0017 ------------------------------------------------------------------------------


async def _execute(url: str, *statements: str) -> list[list[tuple]]:
    engine = create_async_engine(asyncpg_url(url))
    results = []
    async with engine.begin() as connection:
        for statement in statements:
            result = await connection.execute(text(statement))
            results.append([tuple(row) for row in result] if result.returns_rows else [])
    await engine.dispose()
    return results


def test_0017_gives_existing_shops_distinct_codes_and_its_downgrade_removes_the_program(
    empty_database,  # noqa: F811
):
    config = alembic_config(empty_database)
    command.upgrade(config, "0016")
    values = ", ".join(
        f"({i}, 's{i}-{uuid.uuid4().hex[:6]}.myshopify.com', 'S', 'USD')" for i in range(1, 51)
    )
    asyncio.run(
        _execute(empty_database, f"INSERT INTO merchants (id, shop_domain, name, currency) VALUES {values}")
    )
    command.upgrade(config, "0017")
    [codes] = asyncio.run(_execute(empty_database, "SELECT referral_code FROM merchants ORDER BY id"))
    assert len(codes) == 50
    assert len({c for (c,) in codes}) == 50
    assert all(len(c) == 8 and set(c) <= set(rules.REFERRAL_CODE_ALPHABET) for (c,) in codes)

    command.downgrade(config, "0016")
    [columns, tables] = asyncio.run(
        _execute(
            empty_database,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'merchants'"
            " AND column_name = 'referral_code'",
            "SELECT tablename FROM pg_tables WHERE tablename IN ('merchant_referrals', 'merchant_credits')",
        )
    )
    assert (columns, tables) == ([], [])
