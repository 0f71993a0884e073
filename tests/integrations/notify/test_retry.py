"""``with_retries`` and the classification shared by every provider."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalnest.integrations.notify import (
    ProviderError,
    SendResult,
    http_error,
    parse_retry_after,
    with_retries,
)
from loyalnest.integrations.notify.retry import smtp_reply_error
from tests.integrations.notify.conftest import RecordingSleep


class Script:
    """A call failing with the given errors, then succeeding."""

    def __init__(self, *errors: ProviderError):
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> SendResult:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return SendResult(provider_message_id=f"ok-{self.calls}")


def transient(retry_after: float | None = None) -> ProviderError:
    return ProviderError("UNAVAILABLE", "down", permanent=False, retry_after=retry_after)


async def test_full_jitter_grows_and_is_capped(fast_sleep: RecordingSleep) -> None:
    call = Script(*(transient() for _ in range(5)))
    await with_retries(call, attempts=6, base_delay=0.5, max_delay=1.5, sleep=fast_sleep, rng=lambda: 1.0)
    assert fast_sleep.delays == [0.5, 1.0, 1.5, 1.5, 1.5]


async def test_jitter_is_random_below_the_ceiling(fast_sleep: RecordingSleep) -> None:
    await with_retries(Script(transient(), transient()), sleep=fast_sleep, rng=lambda: 0.25)
    assert fast_sleep.delays == [0.05, 0.1]


async def test_retry_after_is_a_floor_within_the_cap(fast_sleep: RecordingSleep) -> None:
    result = await with_retries(Script(transient(1.2)), sleep=fast_sleep, rng=lambda: 0.0)
    assert result.provider_message_id == "ok-2"
    assert fast_sleep.delays == [1.2]


async def test_permanent_errors_are_raised_at_once(fast_sleep: RecordingSleep) -> None:
    call = Script(ProviderError("BOUNCED", "no such user", permanent=True))
    with pytest.raises(ProviderError):
        await with_retries(call, sleep=fast_sleep)
    assert call.calls == 1


async def test_gives_up_after_the_attempts_with_the_last_error(fast_sleep: RecordingSleep) -> None:
    errors = [ProviderError("TIMEOUT", f"try {i}", permanent=False) for i in range(4)]
    call = Script(*errors)
    with pytest.raises(ProviderError) as caught:
        await with_retries(call, sleep=fast_sleep)
    assert call.calls == 3
    assert caught.value is errors[2]


def test_parse_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:05 GMT", now=now) == 5.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, "REJECTED", True),
        (401, "AUTH_FAILED", True),
        (403, "AUTH_FAILED", True),
        (404, "REJECTED", True),
        (408, "TIMEOUT", False),
        (422, "REJECTED", True),
        (429, "RATE_LIMITED", False),
        (500, "UNAVAILABLE", False),
        (503, "UNAVAILABLE", False),
    ],
)
def test_http_classification(status: int, code: str, permanent: bool) -> None:
    error = http_error("X", status, headers={"retry-after": "2"})
    assert (error.code, error.permanent, error.status) == (code, permanent, status)
    if status in (429, 503):
        assert error.retry_after == 2.0


@pytest.mark.parametrize(
    ("reply", "rcpt", "code", "permanent"),
    [
        (550, True, "BOUNCED", True),
        (553, True, "BOUNCED", True),
        (554, False, "REJECTED", True),
        (535, False, "AUTH_FAILED", True),
        (421, False, "UNAVAILABLE", False),
        (450, True, "DEFERRED", False),
        (451, True, "DEFERRED", False),
        (452, False, "DEFERRED", False),
    ],
)
def test_smtp_classification(reply: int, rcpt: bool, code: str, permanent: bool) -> None:
    error = smtp_reply_error(reply, "text", recipient_stage=rcpt)
    assert (error.code, error.permanent, error.status) == (code, permanent, reply)
