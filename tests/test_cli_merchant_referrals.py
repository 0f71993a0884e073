"""`loyalnest seed --referred-by CODE`, run as a user runs it (a real subprocess against
the test servers): a shop installed with another shop's code records the merchant
referral and says so; a code no shop holds is refused with one clear line, a non-zero
exit and nothing installed. (The other refusals, a shop's own code and what cannot be
a code, are the same command function: tests/contexts/merchants.)"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.contexts.merchants.support import code_of, install, referrals_of
from tests.contexts.support import scalar
from tests.test_cli import loyalnest

pytestmark = pytest.mark.usefixtures("broker")


@pytest.mark.heavy
async def test_seed_referred_by_a_code_records_the_referral(settings):
    referrer = await install()
    code = await code_of(referrer.id)
    domain = f"seed{uuid.uuid4().hex[:10]}.myshopify.com"
    result = await asyncio.to_thread(
        loyalnest, settings, "seed", "--shop", domain, "--referred-by", code.lower()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"merchant referral: referred by {referrer.shop_domain} (pending)" in result.stdout
    referred_id = await scalar("select id from merchants where shop_domain = :d", d=domain)
    assert [(r["merchant_id"], r["status"]) for r in await referrals_of(referred_id)] == [
        (referrer.id, "pending")
    ]


@pytest.mark.heavy
async def test_seed_with_an_unknown_code_installs_nothing(settings):
    domain = f"seed{uuid.uuid4().hex[:10]}.myshopify.com"
    result = await asyncio.to_thread(
        loyalnest, settings, "seed", "--shop", domain, "--referred-by", "ZZZZZZZZ"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    # the message as the terminal shows it, without the box typer draws around it
    said = " ".join(result.stderr.replace("│", " ").split())
    assert "no shop has the merchant referral code ZZZZZZZZ" in said
    assert "--referred-by" in said
    assert "Traceback" not in result.stderr
    assert await scalar("select count(*) from merchants where shop_domain = :d", d=domain) == 0
