"""SMS through the Twilio-style and Postscript-style APIs, against the loopback fake."""

from __future__ import annotations

import pytest

from loyalnest.devtools.provider_fakes import DEV_POSTSCRIPT_KEY, DEV_TWILIO_SID, DEV_TWILIO_TOKEN, SmsFake
from loyalnest.integrations import notify
from loyalnest.integrations.notify import ProviderError, SmsConfig, SmsMessage
from tests.integrations.notify.conftest import RecordingSleep, closed_port

TEXT = "Café Luna: 1.250 Punkte! Code SAVE-10 gilt bis 31.01."


def twilio(fake: SmsFake, *, token: str = DEV_TWILIO_TOKEN, sender: str = "+15005550006") -> SmsConfig:
    return SmsConfig(
        style="twilio", base_url=fake.base_url, account_id=DEV_TWILIO_SID, api_key=token, from_number=sender
    )


def postscript(fake: SmsFake, *, key: str = DEV_POSTSCRIPT_KEY) -> SmsConfig:
    return SmsConfig(
        style="postscript", base_url=fake.base_url, account_id=None, api_key=key, from_number=None
    )


async def test_twilio_style_sends_the_form_and_returns_the_message_sid(sms: SmsFake) -> None:
    result = await notify.send_sms(twilio(sms), SmsMessage(to="+4915112345678", text=TEXT))

    [sent] = sms.messages
    assert (sent.style, sent.to, sent.sender, sent.body, sent.account) == (
        "twilio",
        "+4915112345678",
        "+15005550006",
        TEXT,
        DEV_TWILIO_SID,
    )
    assert result.provider_message_id == sent.id
    assert str(result.provider_message_id).startswith("SM")


async def test_twilio_style_uses_a_messaging_service_when_the_sender_is_one(sms: SmsFake) -> None:
    await notify.send_sms(twilio(sms, sender="MG" + "1" * 32), SmsMessage(to="+4915112345678", text="hi"))
    assert sms.messages[0].sender == "MG" + "1" * 32


async def test_twilio_style_wrong_token_is_permanent(sms: SmsFake, fast_sleep: RecordingSleep) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.with_retries(
            lambda: notify.send_sms(twilio(sms, token="nope"), SmsMessage(to="+4915112345678", text="hi")),
            sleep=fast_sleep,
        )
    assert (caught.value.code, caught.value.permanent, caught.value.status) == ("AUTH_FAILED", True, 401)
    assert "20003" in caught.value.message
    assert len(sms.calls) == 1


async def test_twilio_style_invalid_number_is_a_permanent_rejection(sms: SmsFake) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.send_sms(twilio(sms), SmsMessage(to="015112345678", text="hi"))
    assert (caught.value.code, caught.value.permanent) == ("REJECTED", True)
    assert "21211" in caught.value.message


async def test_postscript_style_sends_an_event_deduplicated_by_its_key(sms: SmsFake) -> None:
    message = SmsMessage(
        to="+4915112345678",
        text=TEXT,
        idempotency_key="7:points_expiring:3:sms",
        message_type="points_expiring",
    )
    first = await notify.send_sms(postscript(sms), message)
    await notify.send_sms(postscript(sms), message)

    [sent] = sms.messages
    assert sent.style == "postscript"
    assert sent.event_type == "loyalnest_points_expiring"
    assert sent.properties == {"text": TEXT, "message_type": "points_expiring"}
    assert sent.unique_id == "7:points_expiring:3:sms"
    assert first.provider_message_id == sent.id
    assert sms.duplicates == 1


async def test_postscript_style_wrong_key_is_permanent(sms: SmsFake) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.send_sms(postscript(sms, key="sk_wrong"), SmsMessage(to="+4915112345678", text="hi"))
    assert (caught.value.code, caught.value.permanent) == ("AUTH_FAILED", True)


@pytest.mark.parametrize("style", ["twilio", "postscript"])
async def test_429_is_retried_after_its_delay_and_5xx_is_transient(
    sms: SmsFake, fast_sleep: RecordingSleep, style: str
) -> None:
    config = twilio(sms) if style == "twilio" else postscript(sms)
    sms.throttle_next(1, retry_after=0.5)
    sms.fail_next(1, status=500)

    result = await notify.with_retries(
        lambda: notify.send_sms(config, SmsMessage(to="+4915112345678", text="hi")),
        sleep=fast_sleep,
        rng=lambda: 0.0,
    )

    assert result.provider_message_id
    assert fast_sleep.delays == [0.5, 0.0]
    assert [c.status for c in sms.calls][-1] in (200, 201)
    assert len(sms.messages) == 1


async def test_slow_and_unreachable_providers_are_transient(sms: SmsFake) -> None:
    sms.delay_next(1, seconds=2.0)
    with pytest.raises(ProviderError) as slow:
        await notify.send_sms(twilio(sms), SmsMessage(to="+4915112345678", text="hi"), timeout=0.3)
    assert (slow.value.code, slow.value.permanent) == ("TIMEOUT", False)

    down = SmsConfig(
        style="twilio",
        base_url=f"http://127.0.0.1:{closed_port()}",
        account_id=DEV_TWILIO_SID,
        api_key=DEV_TWILIO_TOKEN,
        from_number="+15005550006",
    )
    with pytest.raises(ProviderError) as refused:
        await notify.send_sms(down, SmsMessage(to="+4915112345678", text="hi"))
    assert (refused.value.code, refused.value.permanent) == ("CONNECTION", False)


async def test_check_sms_for_both_styles(sms: SmsFake) -> None:
    await notify.check_sms(twilio(sms))
    await notify.check_sms(postscript(sms))
    for bad in (twilio(sms, token="nope"), postscript(sms, key="sk_wrong")):
        with pytest.raises(ProviderError) as caught:
            await notify.check_sms(bad)
        assert caught.value.code == "AUTH_FAILED"
    assert sms.messages == []  # checking sends nothing
