"""Body size caps and slow-client deadlines, over real sockets: a body over the cap is
refused before it is read (413), unfinished headers and bodies are cut off (408), and
an oversized header block is refused (431). Served as ``loyalnest serve`` and the Docker
image serve it (``app.server_config``)."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest

from loyalnest.app import server_config
from loyalnest.http.connection import MAX_HEADER_BYTES, GuardedHttpToolsProtocol
from tests.conftest import webhook_headers
from tests.graphql.conftest import proxy_params
from tests.http.serving import RawConnection, serving, status_of

GRAPHQL_PATHS = ["/graphql", "/proxy/graphql"]


def _port(server: str) -> int:
    return int(server.rsplit(":", 1)[1])


def _headers(path: str, **extra: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _credentialed(path: str, shop: Any, settings: Any, **extra: str) -> bytes:
    """The headers of a request that passes authentication (a session token, or the app
    proxy's signature for a logged-out visitor): its body is the server's to read."""
    if path == "/proxy/graphql":
        target = f"{path}?{urlencode(proxy_params(settings, shop.domain, None))}"
        return _headers(target, **extra)
    return _headers(path, Authorization=f"Bearer {shop.token()}", **extra)


def _json_body(answer: bytes) -> object:
    return orjson.loads(answer.split(b"\r\n\r\n", 1)[1])


@pytest.mark.parametrize("path", GRAPHQL_PATHS)
async def test_a_declared_length_over_the_cap_is_413_before_any_body_is_sent(server, settings, path):
    connection = await RawConnection.open(_port(server))
    try:
        started = time.monotonic()
        # the headers only: the server must answer without waiting for the body
        await connection.send(_headers(path, **{"Content-Length": str(settings.graphql_max_body_bytes + 1)}))
        answer = await connection.answer(timeout=5)
    finally:
        await connection.close()
    assert status_of(answer) == 413, answer[:200]
    assert time.monotonic() - started < 2
    assert b"connection: close" in answer.lower()
    [error] = _json_body(answer)["errors"]  # type: ignore[index]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert str(settings.graphql_max_body_bytes) in error["message"]


@pytest.mark.parametrize("path", GRAPHQL_PATHS)
async def test_a_chunked_body_is_cut_at_the_cap(server, shop, settings, path):
    connection = await RawConnection.open(_port(server))
    chunk = b"x" * 16384
    try:
        await connection.send(_credentialed(path, shop, settings, **{"Transfer-Encoding": "chunked"}))
        sent = 0
        while sent <= settings.graphql_max_body_bytes:
            await connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        # never finished (no last chunk): the answer must come from counting alone
        answer = await connection.answer(timeout=5)
    finally:
        await connection.close()
    assert status_of(answer) == 413, answer[:200]


async def test_a_body_within_the_cap_is_served(shop, settings):
    query = orjson.dumps({"query": "{ shop { domain } }"})
    padding = settings.graphql_max_body_bytes - len(query)
    body = query[:-1] + b" " * padding + b"}"  # JSON whitespace up to the cap
    assert len(body) == settings.graphql_max_body_bytes
    response = await shop.http.post(
        "/graphql",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {shop.token()}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["shop"]["domain"] == shop.domain


async def test_unfinished_headers_are_cut_off_with_408(broker, settings):
    async with serving(settings, http_header_timeout_seconds=0.5) as (_, port):
        connection = await RawConnection.open(port)
        try:
            started = time.monotonic()
            await connection.send(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: app")
            answer = await connection.answer(timeout=5)
            elapsed = time.monotonic() - started
        finally:
            await connection.close()
    assert status_of(answer) == 408, answer
    assert 0.4 < elapsed < 3


async def test_headers_sent_a_byte_at_a_time_still_meet_the_deadline(broker, settings):
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    async with serving(settings, http_header_timeout_seconds=0.5) as (_, port):
        connection = await RawConnection.open(port)
        started = time.monotonic()
        try:
            # each byte arrives quickly; the header block as a whole never does
            answer = await connection.trickle((bytes([b]) for b in request), interval=0.05)
        finally:
            await connection.close()
    assert status_of(answer) == 408, answer
    assert time.monotonic() - started < 3


async def test_a_connection_that_sends_nothing_is_closed(broker, settings):
    async with serving(settings, http_header_timeout_seconds=0.5) as (_, port):
        connection = await RawConnection.open(port)
        try:
            answer = await connection.answer(timeout=5)
        finally:
            await connection.close()
    assert answer == b""  # closed, no answer: no request was started


async def test_kept_alive_connections_get_the_deadline_for_each_request(broker, settings):
    async with serving(settings, http_header_timeout_seconds=0.5) as (_, port):
        connection = await RawConnection.open(port)
        try:
            await connection.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            first = await connection.reader.readuntil(b'{"status":"ok"}')
            await asyncio.sleep(0.3)
            await connection.send(b"GET /health HTTP/1.1\r\nHost: 12")  # and no more
            answer = await connection.answer(timeout=5)
        finally:
            await connection.close()
    assert status_of(first) == 200
    assert status_of(answer) == 408


@pytest.mark.parametrize("path", ["/graphql", "/proxy/graphql", "/webhooks/shopify"])
async def test_a_body_shorter_than_its_content_length_is_cut_off_with_408(broker, shop, settings, path):
    async with serving(settings, http_body_timeout_seconds=0.5) as (_, port):
        connection = await RawConnection.open(port)
        try:
            started = time.monotonic()
            head = _credentialed(path, shop, settings, **{"Content-Length": "100"})
            await connection.send(head + b'{"query": "{')
            answer = await connection.answer(timeout=5)
            elapsed = time.monotonic() - started
        finally:
            await connection.close()
    assert status_of(answer) == 408, answer
    assert 0.4 < elapsed < 3


async def test_a_body_trickling_in_is_cut_off_at_the_deadline(shop, settings):
    body = orjson.dumps({"id": 1})
    headers = webhook_headers(
        body, topic="orders/create", shop_domain=shop.domain, secret=settings.shopify_api_secret
    )
    head = "POST /webhooks/shopify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    async with serving(settings, http_body_timeout_seconds=0.5) as (_, port):
        connection = await RawConnection.open(port)
        try:
            await connection.send(head.encode())
            started = time.monotonic()
            # a byte every 0.1 s: each read is quick, the whole body never arrives
            answer = await connection.trickle((b" " for _ in range(100)), interval=0.1)
        finally:
            await connection.close()
    assert status_of(answer) == 408, answer
    assert time.monotonic() - started < 3


async def test_a_header_block_over_the_cap_is_431(broker, settings):
    line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
    async with serving(settings) as (_, port):
        connection = await RawConnection.open(port)
        try:
            await connection.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            # header lines in separate reads, never ending the block
            answer = await connection.trickle((line for _ in range(2 * MAX_HEADER_BYTES // len(line))), 0.002)
        finally:
            await connection.close()
    assert status_of(answer) == 431, answer[:200]


async def test_the_served_config_carries_the_limits(settings):
    from loyalnest.app import create_app

    changed = settings.model_copy(
        update={
            "http_header_timeout_seconds": 7.5,
            "http_keep_alive_seconds": 9,
            "graphql_max_body_bytes": 4096,
        }
    )
    config = server_config(create_app(changed), host="127.0.0.1", port=0)
    assert isinstance(config.http, type)
    assert issubclass(config.http, GuardedHttpToolsProtocol)
    assert config.http.header_timeout_seconds == 7.5
    assert config.timeout_keep_alive == 9
    assert config.ws_max_size == 4096
