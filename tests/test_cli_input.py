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


async def test_simulate_says_in_one_line_when_nothing_listens(settings):
    port = _free_port()
    env = {**cli_env(settings), "LOYALNEST_PORT": str(port)}
    result = await asyncio.to_thread(_run, env, "simulate", "--orders", "3")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip() == (
        f"no server answers at http://127.0.0.1:{port}: start it (make run) or pass --url"
    )


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
