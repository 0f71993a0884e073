"""Retrying a send, and sorting providers' failures into permanent and transient.

``with_retries`` is the one retry loop: the senders themselves try once (with their
per-attempt timeout), so the notifications actor decides what "once" means (the
primary with its retries, then the fallback).

Classification, the same for every provider:

- permanent: bad credentials (SMTP 535, HTTP 401/403), a refused recipient (SMTP 5xx:
  a bounce), any other SMTP 5xx, HTTP 4xx other than 408/429, TLS failures;
- transient: timeouts, refused or dropped connections, SMTP 4xx (421 service closing,
  450/451/452 greylisting or busy), HTTP 408/429/5xx.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from loyalnest.integrations.notify.messages import ProviderError, SendResult

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]


async def with_retries(
    call: Callable[[], Awaitable[SendResult]],
    *,
    attempts: int = 3,
    base_delay: float = 0.2,
    max_delay: float = 2.0,
    sleep: Sleep = asyncio.sleep,
    rng: Callable[[], float] = random.random,
) -> SendResult:
    """Call ``call`` up to ``attempts`` times while it raises a transient
    ``ProviderError``; return its first result, raise a permanent error at once, and
    the last error when all attempts failed.

    Between attempts: full jitter, a random wait in ``[0, min(max_delay, base_delay *
    2**(n-1))]`` (so many workers hitting one provider spread out). When the provider
    said how long to wait (``retry_after``) that wait is honoured if it is at most
    ``max_delay``; a longer one ends the retries at once (sleeping in a worker for a
    minute helps nobody): the error is raised with its ``retry_after`` so the caller
    can schedule the message for later. ``sleep`` and ``rng`` are injectable (tests).
    """
    if attempts < 1:
        raise ValueError("attempts must be >= 1")
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except ProviderError as error:
            if error.permanent or attempt >= attempts:
                raise
            if error.retry_after is not None and error.retry_after > max_delay:
                raise
            ceiling = min(max_delay, base_delay * 2 ** (attempt - 1))
            delay = rng() * ceiling
            if error.retry_after is not None:
                delay = max(delay, error.retry_after)
            log.info(
                "notification provider failed; retrying",
                extra={"code": error.code, "attempt": attempt, "delay": round(delay, 3)},
            )
            await sleep(delay)


# --- classification -------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 10.2.3);
    ``None`` when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def http_error(
    provider: str,
    status: int,
    *,
    headers: Mapping[str, str] | None = None,
    detail: str | None = None,
) -> ProviderError:
    """The error for a non-2xx HTTP answer. ``detail``: the provider's own words
    (never the request, which holds the key)."""
    retry_after = parse_retry_after((headers or {}).get("retry-after"))
    said = f": {detail}" if detail else ""
    if status == 429:
        return ProviderError(
            "RATE_LIMITED",
            f"{provider} is rate limiting (HTTP 429){said}",
            permanent=False,
            retry_after=retry_after,
            status=status,
        )
    if status == 408:
        return ProviderError(
            "TIMEOUT", f"{provider} timed out the request (HTTP 408){said}", permanent=False, status=status
        )
    if status >= 500:
        return ProviderError(
            "UNAVAILABLE",
            f"{provider} failed (HTTP {status}){said}",
            permanent=False,
            retry_after=retry_after,
            status=status,
        )
    if status in (401, 403):
        what = "refused the credentials" if status == 401 else "denied the request (key lacks permission)"
        return ProviderError(
            "AUTH_FAILED", f"{provider} {what} (HTTP {status}){said}", permanent=True, status=status
        )
    return ProviderError(
        "REJECTED", f"{provider} rejected the request (HTTP {status}){said}", permanent=True, status=status
    )


def smtp_reply_error(code: int, message: str, *, recipient_stage: bool = False) -> ProviderError:
    """The error for an SMTP reply code (from any stage). At RCPT a 5xx is a bounce."""
    text = message.strip() or "no text"
    if code == 535 or code == 530:
        return ProviderError(
            "AUTH_FAILED", f"the SMTP server refused the login ({code} {text})", permanent=True, status=code
        )
    if 500 <= code < 600:
        if recipient_stage:
            return ProviderError(
                "BOUNCED",
                f"the SMTP server refused the recipient ({code} {text})",
                permanent=True,
                status=code,
            )
        return ProviderError(
            "REJECTED", f"the SMTP server refused the message ({code} {text})", permanent=True, status=code
        )
    if code == 421:
        return ProviderError(
            "UNAVAILABLE",
            f"the SMTP server is closing the channel ({code} {text})",
            permanent=False,
            status=code,
        )
    return ProviderError(
        "DEFERRED", f"the SMTP server deferred the message ({code} {text})", permanent=False, status=code
    )
