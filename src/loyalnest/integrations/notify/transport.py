"""One HTTP request to a provider within a hard timeout, with transport failures
turned into transient ``ProviderError``s. One connection pool per event loop (the API
process, each worker loop, the test loop), as the Shopify Admin client does."""

from __future__ import annotations

import asyncio
import ssl
import weakref
from collections.abc import Mapping
from typing import Any

import httpx

from loyalnest.integrations.notify.messages import ProviderError

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def _http_client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(
            headers={"User-Agent": "LoyalNest"},
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            follow_redirects=False,
        )
        _clients[loop] = client
    return client


async def close_http_clients() -> None:
    """Close this loop's pool (at worker shutdown, beside the DB and Redis pools)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


async def request(
    provider: str,
    method: str,
    url: str,
    *,
    timeout: float,
    headers: Mapping[str, str],
    content: bytes | None = None,
    data: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> httpx.Response:
    """Send and read the whole answer within ``timeout`` seconds in all (connect,
    write, wait, read: a slow trickle cannot stretch it). Any status comes back; the
    caller classifies it."""
    kwargs: dict[str, Any] = {"headers": dict(headers), "timeout": httpx.Timeout(timeout)}
    if content is not None:
        kwargs["content"] = content
    if data is not None:
        kwargs["data"] = dict(data)
    if auth is not None:
        kwargs["auth"] = httpx.BasicAuth(*auth)
    try:
        async with asyncio.timeout(timeout):
            return await _http_client().request(method, url, **kwargs)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise ProviderError(
            "TIMEOUT", f"{provider} did not answer within {timeout:g} s", permanent=False
        ) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise ProviderError(
            "INVALID_REQUEST", f"{provider}'s URL is not usable: {exc}", permanent=True
        ) from exc
    except httpx.ConnectError as exc:
        if _caused_by_tls(exc):
            raise ProviderError("TLS", f"TLS with {provider} failed ({exc})", permanent=True) from exc
        raise ProviderError(
            "CONNECTION", f"cannot connect to {provider} ({type(exc).__name__}: {exc})", permanent=False
        ) from exc
    except httpx.TransportError as exc:
        raise ProviderError(
            "CONNECTION", f"connection to {provider} failed ({type(exc).__name__})", permanent=False
        ) from exc


def _caused_by_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
