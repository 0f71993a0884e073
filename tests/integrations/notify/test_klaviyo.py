"""Klaviyo's Events API: the sender against the loopback fake, which checks the
auth header, revision, media type and JSON:API shape as Klaviyo does."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from loyalnest.devtools.provider_fakes import DEV_KLAVIYO_KEY, KlaviyoFake
from loyalnest.integrations import notify
from loyalnest.integrations.notify import KlaviyoConfig, KlaviyoEvent, ProviderError, SendResult
from tests.integrations.notify.conftest import RecordingSleep, closed_port


def config(fake: KlaviyoFake, **changes: str) -> KlaviyoConfig:
    return KlaviyoConfig(
        api_key=changes.get("api_key", DEV_KLAVIYO_KEY),
        base_url=fake.base_url,
        revision=changes.get("revision", "2024-10-15"),
    )


def event(unique_id: str = "7:reward_issued:55:klaviyo", **changes: object) -> KlaviyoEvent:
    fields: dict[str, object] = {
        "metric_name": "LoyalNest Reward Issued",
        "properties": {
            "reward_title": "10 € off",
            "code": "SAVE-10",
            "points_spent": 500,
            "value": Decimal("10.00"),
            "expires_at": datetime(2026, 1, 31, tzinfo=UTC),
        },
        "unique_id": unique_id,
        "time": datetime(2025, 12, 1, 12, 30, tzinfo=UTC),
        "email": "ana@customer.example",
        "external_id": "gid://shopify/Customer/77",
        "value": Decimal("10.50"),
    }
    fields.update(changes)
    return KlaviyoEvent(**fields)  # type: ignore[arg-type]


async def test_an_event_arrives_with_its_metric_profile_and_properties(klaviyo: KlaviyoFake) -> None:
    result = await notify.send_klaviyo_event(config(klaviyo), event())

    assert result.provider_message_id == "7:reward_issued:55:klaviyo"
    [recorded] = klaviyo.events
    assert recorded.metric == "LoyalNest Reward Issued"
    assert recorded.profile == {"email": "ana@customer.example", "external_id": "gid://shopify/Customer/77"}
    assert recorded.properties == {
        "reward_title": "10 € off",
        "code": "SAVE-10",
        "points_spent": 500,
        "value": 10,
        "expires_at": "2026-01-31T00:00:00+00:00",
    }
    assert recorded.value == 10.5
    assert recorded.unique_id == "7:reward_issued:55:klaviyo"
    assert recorded.time is not None
    assert datetime.fromisoformat(recorded.time) == datetime(2025, 12, 1, 12, 30, tzinfo=UTC)
    assert recorded.revision == "2024-10-15"
    assert recorded.api_key == DEV_KLAVIYO_KEY
    assert klaviyo.calls[-1].status == 202


async def test_a_resent_event_is_deduplicated_by_its_unique_id(klaviyo: KlaviyoFake) -> None:
    await notify.send_klaviyo_event(config(klaviyo), event())
    await notify.send_klaviyo_event(config(klaviyo), event())  # the worker died before marking it sent
    await notify.send_klaviyo_event(config(klaviyo), event("7:reward_issued:56:klaviyo"))

    assert [e.unique_id for e in klaviyo.events] == [
        "7:reward_issued:55:klaviyo",
        "7:reward_issued:56:klaviyo",
    ]
    assert klaviyo.duplicates == 1


async def test_a_429_is_retried_after_the_retry_after_delay(
    klaviyo: KlaviyoFake, fast_sleep: RecordingSleep
) -> None:
    klaviyo.throttle_next(1, retry_after=1)

    result = await notify.with_retries(
        lambda: notify.send_klaviyo_event(config(klaviyo), event()), sleep=fast_sleep, rng=lambda: 0.0
    )

    assert result.provider_message_id
    assert fast_sleep.delays == [1.0]
    assert [c.status for c in klaviyo.calls] == [429, 202]
    assert len(klaviyo.events) == 1


async def test_a_429_asking_for_longer_than_the_cap_is_handed_back_to_the_caller(
    klaviyo: KlaviyoFake, fast_sleep: RecordingSleep
) -> None:
    klaviyo.throttle_next(1, retry_after=30)
    with pytest.raises(ProviderError) as caught:
        await notify.with_retries(
            lambda: notify.send_klaviyo_event(config(klaviyo), event()), sleep=fast_sleep
        )
    assert (caught.value.code, caught.value.permanent, caught.value.retry_after) == (
        "RATE_LIMITED",
        False,
        30.0,
    )
    assert fast_sleep.delays == []


async def test_a_wrong_key_is_permanent_and_not_retried(
    klaviyo: KlaviyoFake, fast_sleep: RecordingSleep
) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.with_retries(
            lambda: notify.send_klaviyo_event(config(klaviyo, api_key="pk_wrong"), event()), sleep=fast_sleep
        )
    assert (caught.value.code, caught.value.permanent, caught.value.status) == ("AUTH_FAILED", True, 401)
    assert "invalid private key" in caught.value.message
    assert "pk_wrong" not in str(caught.value)
    assert len(klaviyo.calls) == 1


async def test_a_400_is_permanent_with_klaviyos_own_words(klaviyo: KlaviyoFake) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.send_klaviyo_event(config(klaviyo, revision="latest"), event())
    assert (caught.value.code, caught.value.permanent, caught.value.status) == ("REJECTED", True, 400)
    assert "revision" in caught.value.message


async def test_an_event_without_a_profile_identifier_is_refused_before_sending(klaviyo: KlaviyoFake) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.send_klaviyo_event(config(klaviyo), event(email=None, external_id=None))
    assert caught.value.code == "INVALID_REQUEST"
    assert klaviyo.calls == []


async def test_5xx_is_transient_and_with_retries_gives_up_after_three(
    klaviyo: KlaviyoFake, fast_sleep: RecordingSleep
) -> None:
    klaviyo.fail_next(3, status=503)
    with pytest.raises(ProviderError) as caught:
        await notify.with_retries(
            lambda: notify.send_klaviyo_event(config(klaviyo), event()), sleep=fast_sleep
        )
    assert (caught.value.code, caught.value.permanent, caught.value.status) == ("UNAVAILABLE", False, 503)
    assert [c.status for c in klaviyo.calls] == [503, 503, 503]
    assert len(fast_sleep.delays) == 2
    # full jitter: each wait within [0, min(2.0, 0.2 * 2**(n-1))]
    assert 0 <= fast_sleep.delays[0] <= 0.2
    assert 0 <= fast_sleep.delays[1] <= 0.4


async def test_5xx_then_success_goes_through(klaviyo: KlaviyoFake, fast_sleep: RecordingSleep) -> None:
    klaviyo.fail_next(2, status=502)
    result: SendResult = await notify.with_retries(
        lambda: notify.send_klaviyo_event(config(klaviyo), event()), sleep=fast_sleep
    )
    assert result.provider_message_id
    assert len(klaviyo.events) == 1


async def test_a_slow_answer_times_out_as_transient(klaviyo: KlaviyoFake) -> None:
    klaviyo.delay_next(1, seconds=2.0)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        await notify.send_klaviyo_event(config(klaviyo), event(), timeout=0.3)
    assert (caught.value.code, caught.value.permanent) == ("TIMEOUT", False)
    assert time.monotonic() - started < 1.5


async def test_connection_refused_is_transient() -> None:
    down = KlaviyoConfig(api_key=DEV_KLAVIYO_KEY, base_url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(ProviderError) as caught:
        await notify.send_klaviyo_event(down, event())
    assert (caught.value.code, caught.value.permanent) == ("CONNECTION", False)


async def test_check_klaviyo_accepts_a_good_key_and_names_a_bad_one(klaviyo: KlaviyoFake) -> None:
    await notify.check_klaviyo(config(klaviyo))
    with pytest.raises(ProviderError) as caught:
        await notify.check_klaviyo(config(klaviyo, api_key="pk_wrong"))
    assert caught.value.code == "AUTH_FAILED"
    assert klaviyo.events == []
