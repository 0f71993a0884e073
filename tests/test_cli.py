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
        "LOYALNEST_DB_POOL_SIZE": str(settings.db_pool_size),
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


@pytest.mark.heavy
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


@pytest.mark.heavy
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


@pytest.mark.heavy
async def test_seed_can_store_an_admin_access_token(settings):
    from loyalnest.contexts.merchants import api as merchants

    domain = f"seed{uuid.uuid4().hex[:10]}.myshopify.com"
    result = await asyncio.to_thread(
        loyalnest, settings, "seed", "--shop", domain, "--access-token", "shpat_test_token"
    )
    assert result.returncode == 0, result.stderr
    merchant = await merchants.get_by_domain(domain)
    assert merchant is not None
    credentials = await merchants.get_admin_credentials(merchant.id)
    assert credentials is not None
    assert credentials.access_token == "shpat_test_token"


async def test_demo_rewards_are_seeded_once_and_redeemable(shop, http):
    from loyalnest.cli import seed_demo_rewards

    for _ in range(2):
        await seed_demo_rewards(shop.domain)
    result = await shop.gql("{ rewards(first: 10) { nodes { kind pointsCost title } } }")
    assert "errors" not in result, result
    assert [(n["kind"], n["pointsCost"]) for n in result["data"]["rewards"]["nodes"]] == [
        ("FIXED_AMOUNT", 500),
        ("PERCENTAGE", 1000),
        ("FREE_SHIPPING", 300),
    ]


@pytest.mark.heavy
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


@pytest.mark.heavy
async def test_run_serves_processes_webhooks_and_stops_cleanly(settings, make_shop):
    """`loyalnest run` (what `make run` starts): API + worker + scheduler and the bundled
    Shopify fake; an order earns, a reward is redeemed into a code made on the fake, and
    Ctrl-C/SIGTERM stops all of it."""
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.devtools.shopify_fake import DEV_ACCESS_TOKEN
    from loyalnest.platform.uow import unit_of_work

    shop = await make_shop()
    async with unit_of_work() as uow:  # what `run` gives the demo shop
        await merchants.set_access_token(uow, shop.id, DEV_ACCESS_TOKEN)
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

            async def staff(query: str, variables: dict[str, object]) -> dict[str, object]:
                response = await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {shop.token()}"},
                )
                return response.json()["data"]

            created = await staff(
                "mutation ($input: RewardInput!) { createReward(input: $input) {"
                " reward { id } userErrors { code } } }",
                {
                    "input": {
                        "kind": "FIXED_AMOUNT",
                        "pointsCost": 40,
                        "value": "5",
                        "titles": [{"locale": "en", "title": "$5 off"}],
                        "defaultLocale": "en",
                    }
                },
            )
            reward_id = created["createReward"]["reward"]["id"]
            customer_id = (await staff('{ customerByShopifyId(shopifyId: "4321") { id } }', {}))[
                "customerByShopifyId"
            ]["id"]
            redeemed = await staff(
                "mutation ($r: ID!, $c: ID) { redeemReward(rewardId: $r, customerId: $c) {"
                " redemption { status code } pointsBalance userErrors { code } } }",
                {"r": reward_id, "c": customer_id},
            )
            payload = redeemed["redeemReward"]
            assert payload["userErrors"] == []
            assert payload["redemption"]["status"] == "ISSUED"
            assert payload["redemption"]["code"].startswith("LN-")
            assert payload["pointsBalance"] == 2
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


@pytest.mark.heavy
async def test_rotate_keys_reencrypts_pii_under_the_new_key_and_is_resumable(settings, shop, drain):
    import base64

    from loyalnest.platform.crypto import Keyring

    await shop.webhook("customers/create", payloads.customer(880, email="rotate@example.com"))
    await drain()
    new_key = "new1:" + base64.b64encode(b"n" * 32).decode()
    both_new_first = f"{new_key},{settings.encryption_keys}"
    both_old_first = f"{settings.encryption_keys},{new_key}"
    query = "SELECT email_enc FROM customers WHERE merchant_id = :m"

    def rotate(keys: str) -> subprocess.CompletedProcess[str]:
        env = {**cli_env(settings), "LOYALNEST_ENCRYPTION_KEYS": keys}
        return subprocess.run(
            [sys.executable, "-m", "loyalnest", "rotate-keys", "--batch-size", "7"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    # a value under a key that was retired too early: reported and left alone, not fatal
    gone = Keyring.from_config("gone1:" + base64.b64encode(b"g" * 32).decode(), settings.blind_index_key)
    orphan = gone.encrypt("+15550000000", context=b"customers.phone")
    async with read_session() as session, session.begin():
        await session.execute(
            text("UPDATE customers SET phone_enc = :p WHERE merchant_id = :m"), {"p": orphan, "m": shop.id}
        )
    try:
        first = await asyncio.to_thread(rotate, both_new_first)
        assert first.returncode == 0, first.stderr
        assert "under a key no longer configured" in first.stderr
        assert "values now under key new1" in first.stdout
        async with read_session() as session:
            (token,) = (await session.execute(text(query), {"m": shop.id})).one()
        assert token.startswith("new1:")
        keyring = Keyring.from_config(both_new_first, settings.blind_index_key)
        assert keyring.decrypt(token, context=b"customers.email") == "rotate@example.com"

        again = await asyncio.to_thread(rotate, both_new_first)
        assert "0 values now under key new1" in again.stdout  # nothing left to do
    finally:
        # put every row of the shared test database back under the key the server uses
        back = await asyncio.to_thread(rotate, both_old_first)
        assert back.returncode == 0, back.stderr
    async with read_session() as session:
        (token,) = (await session.execute(text(query), {"m": shop.id})).one()
    assert token.startswith(settings.encryption_keys.partition(":")[0] + ":")
    async with read_session() as session:
        (phone,) = (
            await session.execute(
                text("SELECT phone_enc FROM customers WHERE merchant_id = :m"), {"m": shop.id}
            )
        ).one()
    assert phone == orphan
    async with read_session() as session, session.begin():
        await session.execute(
            text("UPDATE customers SET phone_enc = NULL WHERE merchant_id = :m"), {"m": shop.id}
        )
    found = await shop.gql('{ customerByShopifyId(shopifyId: "880") { email } }')
    assert found["data"]["customerByShopifyId"]["email"] == "rotate@example.com"


@pytest.mark.heavy
async def test_rotate_keys_blind_index_reindexes_reports_one_way_indexes_and_a_second_run_is_a_no_op(
    settings, shop, drain
):
    import base64

    from loyalnest.platform.crypto import Keyring

    await shop.webhook("customers/create", payloads.customer(881, email="Reindex@Example.com"))
    await drain()
    async with read_session() as session, session.begin():
        # an invite keeps only its recipient's index: nothing to recompute it from
        await session.execute(
            text(
                "INSERT INTO referral_invites (merchant_id, advocate_customer_id, channel, recipient_bidx)"
                " SELECT merchant_id, id, 'email', 'one-way' FROM customers WHERE merchant_id = :m"
            ),
            {"m": shop.id},
        )
    new_key = "cli2:" + base64.b64encode(b"c" * 32).decode()
    new_first = f"{new_key},{settings.blind_index_key}"
    query = "SELECT email_bidx FROM customers WHERE merchant_id = :m"

    def reindex(keys: str) -> subprocess.CompletedProcess[str]:
        env = {**cli_env(settings), "LOYALNEST_BLIND_INDEX_KEY": keys}
        return subprocess.run(
            [sys.executable, "-m", "loyalnest", "rotate-keys", "--blind-index", "--batch-size", "7"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    rotated = Keyring.from_config(settings.encryption_keys, new_first)
    try:
        first = await asyncio.to_thread(reindex, new_first)
        assert first.returncode == 0, first.stderr
        assert "indexes now under blind key cli2" in first.stdout
        assert "referral_invites.recipient_bidx:" in first.stdout
        assert "one-way, not recomputable" in first.stdout
        assert "keep the older blind keys configured" in first.stderr
        assert "LOYALNEST_UNSUBSCRIBE_SIGNING_KEY" in first.stderr
        async with read_session() as session:
            (index,) = (await session.execute(text(query), {"m": shop.id})).one()
        assert index == rotated.blind_index("reindex@example.com", kind="email")

        again = await asyncio.to_thread(reindex, new_first)
        assert again.returncode == 0, again.stderr
        assert "0 indexes now under blind key cli2" in again.stdout  # nothing left to do
        assert "customers.email_bidx: 0 re-indexed" in again.stdout
    finally:
        # every index of the shared test database back under the key the server uses
        back = await asyncio.to_thread(reindex, f"{settings.blind_index_key},{new_key}")
        assert back.returncode == 0, back.stderr
        async with read_session() as session, session.begin():
            await session.execute(text("DELETE FROM referral_invites WHERE merchant_id = :m"), {"m": shop.id})
    found = await shop.gql('{ customers(search: "reindex@example.com") { nodes { id } } }')
    assert len(found["data"]["customers"]["nodes"]) == 1
