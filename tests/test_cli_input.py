"""The command line's answers to bad input and to a missing server, run as a user runs
it (issue 8, item 10): one clear line and a non-zero exit, never a traceback, and
nothing written."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from loyalnest.platform.db import read_session
from tests.test_cli import cli_env, loyalnest

pytestmark = pytest.mark.usefixtures("broker")


async def _shop_exists(domain: str) -> bool:
    async with read_session() as session:
        found = await session.execute(text("SELECT 1 FROM merchants WHERE shop_domain = :d"), {"d": domain})
        return found.first() is not None


@pytest.mark.heavy
@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--plan", "gold", "plan must be one of free, standard, advanced, plus, enterprise"),
        ("--currency", "XYZ", "currency must be an ISO 4217 code"),
        ("--currency", "dollars", "currency must be an ISO 4217 code"),
    ],
)
async def test_seed_refuses_an_unknown_plan_or_currency_and_installs_nothing(settings, option, value, said):
    domain = f"seed{uuid.uuid4().hex[:10]}.myshopify.com"
    result = await asyncio.to_thread(loyalnest, settings, "seed", "--shop", domain, option, value)
    assert result.returncode == 2, result.stdout + result.stderr
    # the message as the terminal shows it, without the box typer draws around it
    assert said in " ".join(result.stderr.replace("│", " ").split())
    assert "Traceback" not in result.stderr
    assert not await _shop_exists(domain)


@pytest.mark.heavy
async def test_seed_accepts_plans_in_any_case_and_stores_them_lower_case(settings):
    domain = f"seed{uuid.uuid4().hex[:10]}.myshopify.com"
    result = await asyncio.to_thread(
        loyalnest, settings, "seed", "--shop", domain, "--plan", "Plus", "--currency", "eur"
    )
    assert result.returncode == 0, result.stderr
    async with read_session() as session:
        row = (
            await session.execute(
                text("SELECT plan, currency FROM merchants WHERE shop_domain = :d"), {"d": domain}
            )
        ).one()
    assert tuple(row) == ("plus", "EUR")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.heavy
async def test_simulate_says_in_one_line_when_nothing_listens(settings):
    port = _free_port()
    env = {**cli_env(settings), "LOYALNEST_PORT": str(port)}
    result = await asyncio.to_thread(_run, env, "simulate", "--orders", "3")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip() == (
        f"no server answers at http://127.0.0.1:{port}: start it (make run) or pass --url"
    )


@pytest.mark.heavy
async def test_simulate_sends_to_the_server_named_by_loyalnest_port(settings, shop, server):
    port = urlsplit(server).port
    env = {**cli_env(settings), "LOYALNEST_PORT": str(port), "LOYALNEST_HOST": "0.0.0.0"}
    result = await asyncio.to_thread(_run, env, "simulate", "--shop", shop.domain, "--orders", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "errors 0" in result.stdout


def _run(env: dict[str, str], *args: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "loyalnest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plan_names_agree_everywhere():
    """The plans a shop may have (seed, install) are the ones the Admin API throttle sizes
    buckets for, the Shopify fake knows and the README's configuration names."""
    from pathlib import Path

    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.devtools.shopify_fake import PLAN_LIMITS
    from loyalnest.integrations.shopify_admin.throttle import STANDARD, limits_for_plan

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for plan in merchants.PLANS:
        assert plan in PLAN_LIMITS, plan
        assert (limits_for_plan(plan).maximum, limits_for_plan(plan).restore_rate) == PLAN_LIMITS[plan]
        assert f"`{plan}`" in readme, plan
    assert limits_for_plan("free") == STANDARD
