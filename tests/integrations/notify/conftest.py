"""Fixtures for the notification senders: the provider fakes on loopback (emptied
per test, so switches and recordings never leak) and a sleep that records instead of
waiting, so retry tests stay fast while checking the delays asked for."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from loyalnest.devtools.provider_fakes import KlaviyoFake, SmsFake, SmtpSink


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def fast_sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        yield running


@pytest.fixture(scope="session")
def klaviyo_server() -> Iterator[KlaviyoFake]:
    with KlaviyoFake() as running:
        yield running


@pytest.fixture(scope="session")
def sms_server() -> Iterator[SmsFake]:
    with SmsFake() as running:
        yield running


# HTTP fakes are shared by the run (uvicorn takes ~0.2 s to stop) and emptied per test.
@pytest.fixture
def klaviyo(klaviyo_server: KlaviyoFake) -> KlaviyoFake:
    klaviyo_server.reset()
    return klaviyo_server


@pytest.fixture
def sms(sms_server: SmsFake) -> SmsFake:
    sms_server.reset()
    return sms_server


def closed_port() -> int:
    """A loopback port nobody listens on (bound then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
