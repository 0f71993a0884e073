"""Email over real SMTP: the sender against the aiosmtpd sink on loopback, checking
the MIME message as received and how each failure is classified and retried."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.integrations import notify
from loyalnest.integrations.notify import EmailMessage, ProviderError, SendResult, SmtpConfig
from tests.integrations.notify.conftest import RecordingSleep, closed_port

ARABIC_SUBJECT = "مرحباً أحمد، لديك ١٬٢٥٠ نقطة — رمزك جاهز"  # noqa: RUF001 (Arabic-Indic digits on purpose)
ARABIC_HTML = '<div dir="rtl"><p>مرحباً أحمد</p><p>رمزك: <b>SAVE-10</b></p></div>'
ARABIC_TEXT = "مرحباً أحمد\nرمزك: SAVE-10"


def config(sink: SmtpSink, **changes: object) -> SmtpConfig:
    base = SmtpConfig(
        host="127.0.0.1",
        port=sink.port,
        security="none",
        username=None,
        password=None,
        from_address="rewards@shop.example",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def message(**changes: object) -> EmailMessage:
    base = EmailMessage(
        to="ahmed@customer.example",
        from_address="rewards@shop.example",
        sender_name="Café Ünïcode, Ltd",
        reply_to="help@shop.example",
        subject=ARABIC_SUBJECT,
        html=ARABIC_HTML,
        text=ARABIC_TEXT,
        headers={
            "List-Unsubscribe": "<https://app.example/notifications/unsubscribe?t=abc.def>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": "ar",
        },
        message_id_domain="mail.loyalnest.example",
        message_id="42:reward_issued:9001:email",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_the_received_message_has_both_parts_every_header_and_the_arabic_subject(
    sink: SmtpSink,
) -> None:
    result = await notify.send_email(config(sink), message())

    [received] = sink.messages
    assert received.mail_from == "rewards@shop.example"
    assert received.rcpt_tos == ("ahmed@customer.example",)
    mime = received.message
    # the subject was RFC 2047-encoded on the wire and decodes back intact
    assert b"=?utf-8?" in received.raw.split(b"\r\n\r\n")[0]
    assert mime["Subject"] == ARABIC_SUBJECT
    assert mime["From"].addresses[0].display_name == "Café Ünïcode, Ltd"
    assert mime["From"].addresses[0].addr_spec == "rewards@shop.example"
    assert mime["To"] == "ahmed@customer.example"
    assert mime["Reply-To"] == "help@shop.example"
    assert mime["List-Unsubscribe"] == "<https://app.example/notifications/unsubscribe?t=abc.def>"
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mime["Content-Language"] == "ar"
    assert mime["Date"] is not None
    assert mime["Message-ID"] == result.provider_message_id
    assert str(result.provider_message_id).endswith("@mail.loyalnest.example>")

    assert mime.get_content_type() == "multipart/alternative"
    parts = list(mime.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]  # html last: preferred
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert all(p["Content-Transfer-Encoding"] in ("7bit", "quoted-printable", "base64") for p in parts)
    assert parts[0].get_content().replace("\r\n", "\n").rstrip("\n") == ARABIC_TEXT
    assert parts[1].get_content().replace("\r\n", "\n").rstrip("\n") == ARABIC_HTML


async def test_long_lines_and_latin_text_survive_the_transfer_encoding(sink: SmtpSink) -> None:
    html = "<p>" + "Grüße aus Köln, Sie haben 1.250 Punkte. " * 60 + "</p>"
    text = "plain ascii " * 200  # one 2,400-character line: too long for 7bit
    await notify.send_email(config(sink), message(subject="Ihre Punkte", html=html, text=text))

    parts = list(sink.messages[0].message.iter_parts())
    assert parts[0]["Content-Transfer-Encoding"] == "quoted-printable"
    assert parts[0].get_content().rstrip("\n") == text
    assert parts[1].get_content().rstrip("\n") == html
    assert max(len(line) for line in sink.messages[0].raw.split(b"\r\n")) <= 998


async def test_the_message_id_is_derived_from_the_callers_key(sink: SmtpSink) -> None:
    first = await notify.send_email(config(sink), message())
    again = await notify.send_email(config(sink), message())
    other = await notify.send_email(config(sink), message(message_id="42:reward_issued:9002:email"))
    fresh = await notify.send_email(config(sink), message(message_id=None))

    assert first.provider_message_id == again.provider_message_id
    assert other.provider_message_id != first.provider_message_id
    assert fresh.provider_message_id not in (first.provider_message_id, other.provider_message_id)
    assert "reward_issued" not in str(first.provider_message_id)  # hashed: reveals nothing
    assert [m.message["Message-ID"] for m in sink.messages[:2]] == [first.provider_message_id] * 2


async def test_a_bounce_is_permanent_and_not_retried(sink: SmtpSink, fast_sleep: RecordingSleep) -> None:
    sink.reject("ahmed@customer.example")
    calls = 0

    async def send() -> SendResult:
        nonlocal calls
        calls += 1
        return await notify.send_email(config(sink), message())

    with pytest.raises(ProviderError) as caught:
        await notify.with_retries(send, sleep=fast_sleep)
    assert caught.value.code == "BOUNCED"
    assert caught.value.permanent
    assert caught.value.status == 550
    assert calls == 1
    assert fast_sleep.delays == []
    assert sink.messages == []


async def test_a_451_is_transient_and_retried_until_it_goes_through(
    sink: SmtpSink, fast_sleep: RecordingSleep
) -> None:
    sink.fail_next(2, code=451)

    result = await notify.with_retries(lambda: notify.send_email(config(sink), message()), sleep=fast_sleep)

    assert result.provider_message_id
    assert len(fast_sleep.delays) == 2
    assert all(0 <= d <= 2.0 for d in fast_sleep.delays)
    assert len(sink.messages) == 1


async def test_with_retries_gives_up_after_three_attempts(sink: SmtpSink, fast_sleep: RecordingSleep) -> None:
    sink.fail_next(5, code=451, at="data")

    with pytest.raises(ProviderError) as caught:
        await notify.with_retries(lambda: notify.send_email(config(sink), message()), sleep=fast_sleep)

    assert caught.value.code == "DEFERRED"
    assert not caught.value.permanent
    assert len(fast_sleep.delays) == 2  # three attempts, two waits
    assert sink.messages == []
    # two refusals are left: exactly three transactions reached the server
    after = await notify.send_emails(config(sink), [message()] * 3)
    assert [type(o).__name__ for o in after] == ["ProviderError", "ProviderError", "SendResult"]


async def test_a_421_greeting_or_reply_is_transient(sink: SmtpSink) -> None:
    sink.fail_next(1, code=421, at="mail")
    with pytest.raises(ProviderError) as caught:
        await notify.send_email(config(sink), message())
    assert (caught.value.code, caught.value.permanent) == ("UNAVAILABLE", False)


async def test_a_5xx_after_the_recipient_is_a_permanent_rejection(sink: SmtpSink) -> None:
    sink.fail_next(1, code=554, at="data")
    with pytest.raises(ProviderError) as caught:
        await notify.send_email(config(sink), message())
    assert (caught.value.code, caught.value.permanent, caught.value.status) == ("REJECTED", True, 554)


async def test_connection_refused_is_transient() -> None:
    down = SmtpConfig(
        host="127.0.0.1",
        port=closed_port(),
        security="none",
        username=None,
        password=None,
        from_address="rewards@shop.example",
    )
    with pytest.raises(ProviderError) as caught:
        await notify.send_email(down, message())
    assert (caught.value.code, caught.value.permanent) == ("CONNECTION", False)


async def test_a_stopped_server_is_down_and_serves_again_on_the_same_port(sink: SmtpSink) -> None:
    sink.stop()
    with pytest.raises(ProviderError) as caught:
        await notify.send_email(config(sink), message())
    assert caught.value.code == "CONNECTION"
    sink.start()
    await notify.send_email(config(sink), message())
    assert len(sink.messages) == 1


async def test_a_slow_server_times_out_as_transient(sink: SmtpSink) -> None:
    sink.delay_next(1, seconds=2.0)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        await notify.send_email(config(sink), message(), timeout=0.3)
    assert (caught.value.code, caught.value.permanent) == ("TIMEOUT", False)
    assert time.monotonic() - started < 1.5  # the attempt's timeout held


async def test_auth_accepts_the_right_login_and_refuses_a_wrong_one_permanently() -> None:
    with SmtpSink(username="shop", password="s3cret") as secured:
        good = config(secured, username="shop", password="s3cret")
        await notify.send_email(good, message())
        assert secured.messages[0].login == "shop"
        await notify.check_smtp(good)

        for bad in (config(secured, username="shop", password="wrong"), config(secured)):
            with pytest.raises(ProviderError) as caught:
                await notify.send_email(bad, message())
            assert caught.value.code == "AUTH_FAILED"
            assert caught.value.permanent
            assert "wrong" not in str(caught.value)  # never the secret

        with pytest.raises(ProviderError) as check:
            await notify.check_smtp(config(secured, username="shop", password="wrong"))
        assert check.value.status == 535
        assert len(secured.messages) == 1


async def test_starttls_required_but_not_offered_is_a_permanent_configuration_error(sink: SmtpSink) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.check_smtp(config(sink, security="starttls"))
    assert (caught.value.code, caught.value.permanent) == ("NOT_SUPPORTED", True)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"subject": "Hi\r\nBcc: victim@example.com"}, "line break"),
        ({"headers": {"Bcc": "victim@example.com"}}, "cannot be set"),
        ({"headers": {"X-Evil": "a\nBcc: victim@example.com"}}, "line break"),
        ({"to": "not an address"}, "recipient"),
        ({"to": "a@b.example, c@d.example"}, "recipient"),
    ],
)
async def test_unusable_messages_are_refused_before_sending(
    sink: SmtpSink, changes: dict[str, object], why: str
) -> None:
    with pytest.raises(ProviderError) as caught:
        await notify.send_email(config(sink), message(**changes))
    assert (caught.value.code, caught.value.permanent) == ("INVALID_REQUEST", True)
    assert why in caught.value.message
    assert sink.messages == []


async def test_a_batch_shares_connections_and_reports_each_message(sink: SmtpSink) -> None:
    sink.reject("bounce@customer.example")
    batch = [message(to=f"c{i}@customer.example", message_id=f"42:k:{i}") for i in range(5)]
    batch[2] = message(to="bounce@customer.example", message_id="42:k:2")

    outcomes = await notify.send_emails(config(sink), batch)

    assert [type(o).__name__ for o in outcomes] == ["SendResult"] * 2 + ["ProviderError"] + ["SendResult"] * 2
    bounced = outcomes[2]
    assert isinstance(bounced, ProviderError)
    assert bounced.code == "BOUNCED"
    assert [m.rcpt_tos[0] for m in sink.messages] == [f"c{i}@customer.example" for i in (0, 1, 3, 4)]


async def test_a_batch_against_a_server_that_is_down_fails_every_message_transiently() -> None:
    down = SmtpConfig(
        host="127.0.0.1",
        port=closed_port(),
        security="none",
        username=None,
        password=None,
        from_address="rewards@shop.example",
    )
    outcomes = await notify.send_emails(down, [message(), message()])
    assert all(isinstance(o, ProviderError) and o.code == "CONNECTION" for o in outcomes)
    assert len(outcomes) == 2


async def test_a_cancelled_batch_stops_sending_at_once(sink: SmtpSink) -> None:
    """aiosmtplib swallows a cancellation that lands while it waits for the server: the
    batch must still stop (a worker being stopped, a lease being lost), not send on."""
    sink.delay_next(40, seconds=0.05)
    messages = [message(to=f"c{i}@example.com") for i in range(40)]
    task = asyncio.create_task(notify.send_emails(config(sink), messages))
    deadline = time.monotonic() + 10
    while sink.received < 5:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stopped_at = sink.received
    await asyncio.sleep(0.5)
    assert sink.received == stopped_at
    assert stopped_at < 10
