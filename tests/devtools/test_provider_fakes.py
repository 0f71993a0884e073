"""The provider fakes themselves, driven by plain clients (smtplib, httpx) rather than
our senders: they must speak the providers' shapes to anyone, refuse what the real
ones refuse, and fail, stop and come back on command."""

from __future__ import annotations

import base64
import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from loyalnest.devtools.provider_fakes import (
    DEV_KLAVIYO_KEY,
    DEV_POSTSCRIPT_KEY,
    DEV_TWILIO_SID,
    DEV_TWILIO_TOKEN,
    KlaviyoFake,
    SmsFake,
    SmtpSink,
    start_dev_sink,
)

MAIL = b"From: a@shop.example\r\nTo: b@customer.example\r\nSubject: Hi\r\n\r\nHello\r\n"


def klaviyo_headers(key: str = DEV_KLAVIYO_KEY) -> dict[str, str]:
    return {
        "Authorization": f"Klaviyo-API-Key {key}",
        "revision": "2024-10-15",
        "Content-Type": "application/vnd.api+json",
    }


def klaviyo_event(**attributes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "properties": {"points": 10},
        "metric": {"data": {"type": "metric", "attributes": {"name": "Points Earned"}}},
        "profile": {"data": {"type": "profile", "attributes": {"email": "b@customer.example"}}},
        "unique_id": "u1",
    }
    base.update(attributes)
    return {"data": {"type": "event", "attributes": base}}


@pytest.fixture(scope="module")
def web() -> Iterator[httpx.Client]:
    # one client: creating one per request (httpx.post) costs ~0.2 s of TLS setup each
    with httpx.Client() as client:
        yield client


# --- SMTP sink ------------------------------------------------------------------------------


def test_the_sink_keeps_messages_and_writes_eml_files(tmp_path: Path) -> None:
    sink = start_dev_sink(tmp_path / "mail")
    try:
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        [received] = sink.wait_for(1)
        assert received.rcpt_tos == ("b@customer.example",)
        assert received.message["Subject"] == "Hi"
        assert received.path is not None
        assert received.path.parent == tmp_path / "mail"
        assert received.path.read_bytes().endswith(b"Hello\r\n")
        assert sink.messages_to("B@customer.example") == [received]
    finally:
        sink.stop()


def test_the_sink_reads_data_as_smtp_defines_it() -> None:
    """The sink reads DATA in blocks, not lines: what a client dot-stuffs comes back
    unstuffed, lines ending in "." do not end the message, bodies far past the reader's
    1,001-byte limit arrive whole, and a line over 998 octets is refused (500)."""
    lines = [
        "Subject: blocks",
        "",
        ".a line that starts with a dot",
        "..two dots",
        "Thanks.",
        ".",  # a lone dot inside the message, stuffed by the client
        *(f"line {n} " + "x" * 70 for n in range(200)),
        "the end.",
    ]
    body = "\r\n".join(lines) + "\r\n"
    with SmtpSink() as sink, smtplib.SMTP(sink.host, sink.port) as client:
        client.sendmail("<shop@shop.example>", ["b+tag@customer.example"], body.encode())
        client.sendmail("", ["c@customer.example"], b"")  # the null sender, a body of one CRLF
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("shop@shop.example", ["d@customer.example"], b"x" * 1200 + b"\r\n")
        assert refused.value.smtp_code == 500
        client.sendmail("shop@shop.example", ["e@customer.example"], MAIL)  # the session goes on
        first, empty, after = sink.wait_for(3)
    assert first.raw == body.encode()
    assert first.mail_from == "shop@shop.example"
    assert first.rcpt_tos == ("b+tag@customer.example",)
    assert empty.mail_from == "<>"  # as aiosmtpd reports the null sender
    assert empty.raw == b"\r\n"  # smtplib ends every message with a CRLF
    assert after.raw == MAIL
    assert sink.received == 3


def test_the_sink_rejects_fails_on_command_and_accepts_again() -> None:
    with SmtpSink() as sink, smtplib.SMTP("127.0.0.1", sink.port) as client:
        sink.reject("b@customer.example")
        with pytest.raises(smtplib.SMTPRecipientsRefused) as bounced:
            client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        assert bounced.value.recipients["b@customer.example"][0] == 550
        sink.accept("b@customer.example")

        sink.fail_next(1, code=451, at="mail")
        with pytest.raises(smtplib.SMTPSenderRefused) as deferred:
            client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        assert deferred.value.smtp_code == 451

        sink.fail_next(1, code=552, at="data")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        assert refused.value.smtp_code == 552

        client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        assert sink.received == 1


def test_the_sink_requires_auth_when_given_credentials() -> None:
    with SmtpSink(username="u", password="p") as sink:
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            with pytest.raises(smtplib.SMTPAuthenticationError) as wrong:
                client.login("u", "nope")
            assert wrong.value.smtp_code == 535
            with pytest.raises(smtplib.SMTPSenderRefused) as anonymous:
                client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
            assert anonymous.value.smtp_code == 530
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            client.login("u", "p")
            client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        assert sink.messages[0].login == "u"


def test_a_stopped_sink_refuses_connections_and_restarts_on_its_port() -> None:
    with SmtpSink() as sink:
        port = sink.port
        sink.stop()
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP("127.0.0.1", port, timeout=2)
        sink.start()
        assert sink.port == port
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail("a@shop.example", ["b@customer.example"], MAIL)
        assert sink.wait_for(1, timeout=2)


def test_wait_for_times_out_with_a_count() -> None:
    with SmtpSink() as sink, pytest.raises(TimeoutError, match="received 0 of 1"):
        sink.wait_for(1, timeout=0.05)


# --- Klaviyo fake --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_klaviyo() -> Iterator[KlaviyoFake]:
    with KlaviyoFake() as fake:
        yield fake


def test_klaviyo_fake_accepts_a_well_formed_event_with_202_and_no_body(web: httpx.Client) -> None:
    with KlaviyoFake() as fake:
        answer = web.post(f"{fake.base_url}/api/events", json=klaviyo_event(), headers=klaviyo_headers())
        assert answer.status_code == 202
        assert answer.content == b""
        assert fake.events_for("Points Earned")[0].properties == {"points": 10}

        accounts = web.get(f"{fake.base_url}/api/accounts/", headers=klaviyo_headers())
        assert accounts.status_code == 200
        assert accounts.json()["data"][0]["type"] == "account"


@pytest.mark.parametrize(
    ("headers", "body", "status", "code", "pointer"),
    [
        ({"Authorization": "Klaviyo-API-Key pk_nope"}, klaviyo_event(), 401, "not_authenticated", None),
        ({"Authorization": f"Bearer {DEV_KLAVIYO_KEY}"}, klaviyo_event(), 401, "not_authenticated", None),
        ({"revision": ""}, klaviyo_event(), 400, "invalid", "/headers/revision"),
        ({"Content-Type": "text/plain"}, klaviyo_event(), 415, "unsupported_media_type", None),
        ({}, {"data": {"type": "profile"}}, 400, "invalid", "/data/type"),
        ({}, klaviyo_event(metric={"data": {"type": "metric", "attributes": {}}}), 400, "invalid", None),
        ({}, klaviyo_event(profile={"data": {"type": "profile", "attributes": {}}}), 400, "invalid", None),
        ({}, klaviyo_event(time="yesterday"), 400, "invalid", "/data/attributes/time"),
        ({}, klaviyo_event(value="10"), 400, "invalid", "/data/attributes/value"),
    ],
)
def test_klaviyo_fake_refuses_what_klaviyo_refuses(
    web: httpx.Client,
    shared_klaviyo: KlaviyoFake,
    headers: dict[str, str],
    body: object,
    status: int,
    code: str,
    pointer: str | None,
) -> None:
    fake = shared_klaviyo
    fake.reset()
    answer = web.post(
        f"{fake.base_url}/api/events",
        content=httpx.Request("POST", "/", json=body).content,
        headers={**klaviyo_headers(), **headers},
    )
    assert answer.status_code == status
    [error] = answer.json()["errors"]
    assert error["code"] == code
    assert error["status"] == status
    if pointer is not None:
        assert error["source"]["pointer"] == pointer
    assert fake.events == []


def test_klaviyo_fake_failure_switches_apply_in_order(web: httpx.Client) -> None:
    with KlaviyoFake() as fake:
        fake.throttle_next(1, retry_after=3)
        fake.fail_next(1, status=503)
        url = f"{fake.base_url}/api/events"
        throttled = web.post(url, json=klaviyo_event(), headers=klaviyo_headers())
        assert throttled.status_code == 429
        assert throttled.headers["Retry-After"] == "3"
        assert throttled.json()["errors"][0]["code"] == "throttled"
        assert web.post(url, json=klaviyo_event(), headers=klaviyo_headers()).status_code == 503
        assert web.post(url, json=klaviyo_event(), headers=klaviyo_headers()).status_code == 202
        assert [c.status for c in fake.calls] == [429, 503, 202]


def test_an_http_fake_stops_and_comes_back_on_the_same_port(web: httpx.Client) -> None:
    with KlaviyoFake() as fake:
        url = f"{fake.base_url}/api/accounts/"
        fake.stop()
        with pytest.raises(httpx.ConnectError):
            web.get(url, headers=klaviyo_headers())
        fake.start()
        assert web.get(url, headers=klaviyo_headers()).status_code == 200


# --- SMS fake ------------------------------------------------------------------------------


def twilio_auth(sid: str = DEV_TWILIO_SID, token: str = DEV_TWILIO_TOKEN) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()}


def test_sms_fake_speaks_twilio(web: httpx.Client) -> None:
    with SmsFake() as fake:
        url = f"{fake.base_url}/2010-04-01/Accounts/{DEV_TWILIO_SID}/Messages.json"
        form = {"To": "+4915112345678", "From": "+15005550006", "Body": "Hallo"}
        created = web.post(url, data=form, headers=twilio_auth())
        assert created.status_code == 201
        assert created.json()["sid"].startswith("SM")
        assert created.json()["status"] == "queued"
        assert fake.messages[0].body == "Hallo"

        wrong = web.post(url, data=form, headers=twilio_auth(token="nope"))
        assert (wrong.status_code, wrong.json()["code"]) == (401, 20003)
        other_account = web.post(
            f"{fake.base_url}/2010-04-01/Accounts/AC{'1' * 32}/Messages.json",
            data=form,
            headers=twilio_auth(),
        )
        assert other_account.status_code == 401
        missing_to = web.post(url, data={"From": "+15005550006", "Body": "x"}, headers=twilio_auth())
        assert (missing_to.status_code, missing_to.json()["code"]) == (400, 21604)
        bad_to = web.post(url, data={**form, "To": "12345"}, headers=twilio_auth())
        assert bad_to.json()["code"] == 21211
        assert len(fake.messages) == 1


def test_sms_fake_speaks_postscript(web: httpx.Client) -> None:
    with SmsFake() as fake:
        url = f"{fake.base_url}/api/v2/events"
        auth = {"Authorization": f"Bearer {DEV_POSTSCRIPT_KEY}"}
        body = {"type": "loyalnest_birthday", "phone": "+4915112345678", "properties": {"text": "Alles Gute"}}
        created = web.post(url, json=body, headers=auth)
        assert created.status_code == 201
        assert created.json()["id"].startswith("evt_")
        assert fake.messages[0].event_type == "loyalnest_birthday"
        assert web.post(url, json=body, headers={"Authorization": "Bearer sk_nope"}).status_code == 401
        assert web.post(url, json={"phone": "+4915112345678"}, headers=auth).status_code == 400
        assert web.post(url, content=b"{", headers=auth).status_code == 400

        fake.throttle_next(1, retry_after=2)
        throttled = web.post(url, json=body, headers=auth)
        assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "2")


def test_reset_forgets_requests_still_in_flight(web: httpx.Client) -> None:
    with SmsFake() as fake:
        fake.delay_next(1, seconds=0.5)
        url = f"{fake.base_url}/api/v2/events"
        body = {"type": "t", "phone": "+4915112345678", "properties": {"text": "late"}}
        with pytest.raises(httpx.ReadTimeout):
            web.post(url, json=body, headers={"Authorization": f"Bearer {DEV_POSTSCRIPT_KEY}"}, timeout=0.1)
        fake.reset()
        time.sleep(0.7)  # the delayed request finishes on the server after the reset
        assert fake.messages == []
        assert fake.calls == []
