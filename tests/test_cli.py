"""The command line, run as a user runs it: real subprocesses against the test servers."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import httpx
import jwt
import orjson
import pytest
from sqlalchemy import text

from loyalnest.platform.db import read_session
from tests import payloads
from tests.conftest import webhook_headers

pytestmark = pytest.mark.usefixtures("broker")


def cli_env(settings) -> dict[str, str]:
    return {
        **os.environ,
        "LOYALNEST_DATABASE_URL": settings.database_url,
        "LOYALNEST_REDIS_URL": settings.redis_url,
        "LOYALNEST_REDIS_NAMESPACE": settings.redis_namespace,
        "LOYALNEST_LOG_LEVEL": "WARNING",
        "LOYALNEST_WORKER_METRICS_PORT": "0",
    }


def loyalnest(settings, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loyalnest", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_token_prints_a_session_token_app_bridge_would_send(settings):
    result = loyalnest(
        settings, "token", "--shop", "Demo.myshopify.com", "--roles", "admin:points,admin:support"
    )
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(
        result.stdout.strip(),
        settings.shopify_api_secret,
        algorithms=["HS256"],
        audience=settings.shopify_api_key,
    )
    assert claims["dest"] == "https://demo.myshopify.com"
    assert claims["roles"] == ["admin:points", "admin:support"]
    assert claims["exp"] > time.time() + 3000


async def test_seed_installs_a_shop_once(settings):
    domain = f"seed{uuid.uuid4().hex[:10]}.myshopify.com"
    for _ in range(2):
        result = await asyncio.to_thread(loyalnest, settings, "seed", "--shop", domain, "--currency", "EUR")
        assert result.returncode == 0, result.stderr
    async with read_session() as session:
        rows = (
            await session.execute(
                text("SELECT currency FROM merchants WHERE shop_domain = :d"), {"d": domain}
            )
        ).all()
    assert [r[0] for r in rows] == ["EUR"]


async def test_verify_ledger_finds_a_tampered_balance(settings, shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(4242, subtotal="50.00", customer_body=payloads.customer(77))
    )
    await drain()
    ok = await asyncio.to_thread(loyalnest, settings, "verify-ledger", "--shop", shop.domain)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ledger ok" in ok.stdout

    tamper = "UPDATE points_accounts SET balance = balance + :d WHERE merchant_id = :m"
    async with read_session() as session, session.begin():
        await session.execute(text(tamper), {"d": 5, "m": shop.id})
    try:
        bad = await asyncio.to_thread(loyalnest, settings, "verify-ledger", "--shop", shop.domain)
        assert bad.returncode == 1
        assert "balance 55 != ledger 50" in bad.stdout
    finally:
        async with read_session() as session, session.begin():
            await session.execute(text(tamper), {"d": -5, "m": shop.id})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_run_serves_processes_webhooks_and_stops_cleanly(settings, make_shop):
    """`loyalnest run` (what `make run` starts): API + worker + scheduler, Ctrl-C/SIGTERM
    stops all of it."""
    shop = await make_shop()
    port = _free_port()
    env = {**cli_env(settings), "LOYALNEST_PORT": str(port)}
    process = subprocess.Popen(  # noqa: ASYNC220 (starting it does not block; waits are async)
        [sys.executable, "-m", "loyalnest", "run", "--no-demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (await client.get("/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server never became ready"
                await asyncio.sleep(0.2)
            body = payloads.order(777, subtotal="42.99", customer_body=payloads.customer(4321))
            raw = orjson.dumps(body)
            headers = webhook_headers(
                raw, topic="orders/create", shop_domain=shop.domain, secret=settings.shopify_api_secret
            )
            assert (await client.post("/webhooks/shopify", content=raw, headers=headers)).status_code == 200
            query = '{ customerByShopifyId(shopifyId: "4321") { pointsBalance } }'
            deadline = time.monotonic() + 30
            while True:
                response = await client.post(
                    "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {shop.token()}"}
                )
                customer = response.json()["data"]["customerByShopifyId"]
                if customer and customer["pointsBalance"] == 42:
                    break
                assert time.monotonic() < deadline, f"points never arrived: {response.text}"
                await asyncio.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("loyalnest run did not stop within 30 s of SIGTERM")
    # nothing it started is left behind (worker, dramatiq processes share its session)
    await asyncio.sleep(0.5)
    leftovers = await asyncio.to_thread(
        subprocess.run, ["pgrep", "-s", str(process.pid)], capture_output=True, text=True, check=False
    )
    assert leftovers.stdout.strip() == "", f"processes left running: {leftovers.stdout}"
