"""Email through any SMTP server (aiosmtplib).

The MIME message: ``multipart/alternative`` with the text part first and the HTML
part last (clients show the last part they can), both UTF-8, each in 7bit when plain
ASCII, quoted-printable when mostly Latin, base64 otherwise (so no relay without
8BITMIME mangles them); headers encoded per RFC 2047 where not ASCII (an Arabic
subject survives any relay); ``From`` with the shop's display name; ``Reply-To`` when
given; a ``Message-ID`` derived from the caller's stable id (see
``EmailMessage.message_id``); the caller's extra headers (``List-Unsubscribe``,
``List-Unsubscribe-Post``, ``Content-Language``) as given. The bytes are written here
rather than by ``email.message``: the standard library's policy machinery costs ~4 ms
a message, which alone would cap the bulk sends below their 500/s target.

``send_email`` opens one connection per message; ``send_emails`` sends a batch over
one connection (reconnecting as needed), each message within its own timeout.

What "sent" means: the server answered 250 to the end of DATA. A timeout after DATA
went out is reported as transient although the server may have taken the message; the
re-send carries the same Message-ID, which is the only dedupe SMTP offers.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import email.utils
import functools
import hashlib
import re
import secrets
import socket
import ssl
from collections.abc import Sequence
from email.header import Header

import aiosmtplib

from loyalnest.integrations.notify.messages import EmailMessage, ProviderError, SendResult, SmtpConfig
from loyalnest.integrations.notify.retry import smtp_reply_error

# Headers the sender writes itself: a caller's copy would make two of them.
_OWN_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "reply-to",
        "message-id",
        "date",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field-name: printable ASCII but ':'
_MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+$")
_PER_CONNECTION = 100  # many servers close the session after ~100


def message_id_for(stable_id: str | None, domain: str) -> str:
    """The Message-ID header for a message: derived from ``stable_id`` (so the same
    delivery always gets the same one; hashed, so the id reveals nothing about the
    shop or customer), used as is when already ``<local@domain>``, else random."""
    if stable_id is None:
        return email.utils.make_msgid(domain=domain)
    if _MESSAGE_ID.match(stable_id):
        return stable_id
    digest = hashlib.sha256(stable_id.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def _invalid(message: str) -> ProviderError:
    return ProviderError("INVALID_REQUEST", message, permanent=True)


def _address(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not _ADDRESS.match(value):
        raise _invalid(f"the {what} is not an email address: {value!r}")
    return value


def _header_text(name: str, value: str) -> str:
    """A header value as written on the wire: as is when ASCII (within the 998-character
    line limit; ``email.header`` cost ~0.2 ms per header for nothing there, measured
    under ``bench notifications``), RFC 2047 encoded and folded otherwise."""
    if "\r" in value or "\n" in value:
        raise _invalid(f"header {name!r} contains a line break")
    if value.isascii() and len(name) + 2 + len(value) <= 998:
        return value
    return _encoded_header(name, value)


@functools.lru_cache(maxsize=4096)
def _encoded_header(name: str, value: str) -> str:
    # the same subject goes to many customers of a shop and locale: encode it once
    charset = "us-ascii" if value.isascii() else "utf-8"
    return Header(value, charset, header_name=name).encode(maxlinelen=78, linesep="\r\n")


def _body_part(content_type: str, text: str) -> bytes:
    """One MIME part: headers, blank line, the body in the lightest safe encoding."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    data = text.encode("utf-8")
    if text.isascii() and all(len(line) <= 998 for line in text.split("\n")):
        cte, body = "7bit", data
    elif len(text[:4096].encode("ascii", "ignore")) >= 0.8 * min(len(text), 4096):
        cte, body = "quoted-printable", binascii.b2a_qp(data, istext=True)
    else:
        cte, body = "base64", base64.encodebytes(data)
    body = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    head = f'Content-Type: {content_type}; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n\r\n'
    return head.encode("ascii") + body


def build_mime(message: EmailMessage, *, from_address: str | None = None) -> tuple[bytes, str]:
    """The message as it goes on the wire, and its Message-ID. ``from_address``: the
    provider's configured sender, used when the message has none."""
    sender = _address(message.from_address or from_address, "sender")
    to = _address(message.to, "recipient")
    message_id = message_id_for(message.message_id, message.message_id_domain)
    display_name = message.sender_name.replace("\r", " ").replace("\n", " ").strip()
    lines = [
        "From: " + email.utils.formataddr((display_name, sender), charset="utf-8"),
        "To: " + to,
    ]
    if message.reply_to:
        lines.append("Reply-To: " + _address(message.reply_to, "reply-to address"))
    lines += [
        "Subject: " + _header_text("Subject", message.subject),
        "Date: " + email.utils.formatdate(usegmt=True),
        "Message-ID: " + message_id,
    ]
    for name, value in message.headers.items():
        if name.lower() in _OWN_HEADERS or not _HEADER_NAME.match(name):
            raise _invalid(f"header {name!r} cannot be set by the caller")
        lines.append(f"{name}: " + _header_text(name, value))
    boundary = "=_ln_" + secrets.token_hex(12)
    lines += ["MIME-Version: 1.0", f'Content-Type: multipart/alternative; boundary="{boundary}"', "", ""]
    delimiter = f"--{boundary}\r\n".encode("ascii")
    return (
        "\r\n".join(lines).encode("ascii")
        + delimiter
        + _body_part("text/plain", message.text)
        + delimiter
        + _body_part("text/html", message.html)
        + f"--{boundary}--\r\n".encode("ascii")
    ), message_id


@functools.cache
def _local_hostname() -> str:
    # aiosmtplib would call socket.getfqdn() (a DNS lookup) on every connection
    return socket.getfqdn()


def _client(config: SmtpConfig, timeout: float) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=config.host,
        port=config.port,
        use_tls=config.security == "tls",
        start_tls=config.security == "starttls",
        timeout=timeout,
        local_hostname=_local_hostname(),
        tls_context=ssl.create_default_context() if config.security != "none" else None,
    )


def _classify(exc: BaseException, config: SmtpConfig, timeout: float) -> ProviderError:
    where = f"{config.host}:{config.port}"
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        first = exc.recipients[0] if exc.recipients else None
        if first is None:
            return ProviderError("BOUNCED", "the SMTP server refused the recipient", permanent=True)
        return smtp_reply_error(first.code, first.message, recipient_stage=True)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        return smtp_reply_error(exc.code, exc.message, recipient_stage=True)
    if isinstance(exc, aiosmtplib.SMTPConnectResponseError):
        # the greeting was not 220 (421 too busy: transient; 554 no service: permanent)
        return smtp_reply_error(exc.code, exc.message)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return smtp_reply_error(exc.code, exc.message)
    if isinstance(exc, TimeoutError):  # aiosmtplib's timeouts subclass it
        return ProviderError("TIMEOUT", f"{where} did not answer within {timeout:g} s", permanent=False)
    if _is_tls(exc):
        return ProviderError("TLS", f"TLS with {where} failed ({exc})", permanent=True)
    if isinstance(exc, aiosmtplib.SMTPNotSupported) or (
        # aiosmtplib says "STARTTLS/AUTH extension not supported" with the base class
        type(exc) is aiosmtplib.SMTPException and "not supported" in str(exc)
    ):
        return ProviderError("NOT_SUPPORTED", f"{where}: {exc}", permanent=True)
    if isinstance(exc, ConnectionError | OSError | aiosmtplib.SMTPException):
        return ProviderError(
            "CONNECTION", f"cannot talk to {where} ({type(exc).__name__}: {exc})", permanent=False
        )
    raise exc


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _being_cancelled() -> bool:
    """Whether the running task was cancelled. aiosmtplib swallows a cancellation that
    lands while it waits for the server (the command completes, nothing is raised) or
    turns it into one of its own errors: unchecked, a cancelled batch (a worker being
    stopped) would go on sending to the end. Python keeps the task's cancel count."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def _open(config: SmtpConfig, timeout: float) -> aiosmtplib.SMTP:
    client = _client(config, timeout)
    async with asyncio.timeout(timeout):
        await client.connect()
        try:
            if config.username:
                await client.login(config.username, config.password or "")
        except BaseException:
            client.close()
            raise
    return client


async def _transaction(client: aiosmtplib.SMTP, sender: str, recipient: str, wire: bytes) -> None:
    """MAIL, RCPT, DATA for one recipient: what ``sendmail`` does, without parsing the
    addresses a second time (``build_mime`` checked them) and without the SIZE option,
    which made aiosmtplib scan the whole message once more to count it (the option is
    advisory, RFC 1870). Together ~15 % of a message's CPU in ``bench notifications``.
    A refusal resets the envelope, so the connection serves the next message."""
    try:
        await client.mail(sender)
        await client.rcpt(recipient)
        await client.data(wire)
    except aiosmtplib.SMTPResponseException:
        with contextlib.suppress(ConnectionError, aiosmtplib.SMTPResponseException):
            await client.rset()
        raise


async def send_email(config: SmtpConfig, message: EmailMessage, *, timeout: float = 5.0) -> SendResult:
    """Send one email over its own connection; the whole session (connect, TLS,
    login, MAIL, RCPT, DATA) within ``timeout`` seconds. Raises ``ProviderError``."""
    wire, message_id = build_mime(message, from_address=config.from_address)
    sender = _address(message.from_address or config.from_address, "sender")
    try:
        async with asyncio.timeout(timeout):
            client = await _open(config, timeout)
            try:
                await _transaction(client, sender, message.to.strip(), wire)
            except BaseException:
                client.close()
                raise
    except Exception as exc:
        if _being_cancelled():
            raise asyncio.CancelledError from exc
        raise _classify(exc, config, timeout) from exc
    if _being_cancelled():
        client.close()
        raise asyncio.CancelledError
    await _quit(client)  # outside the timeout: the message is already accepted
    return SendResult(provider_message_id=message_id)


async def send_emails(
    config: SmtpConfig, messages: Sequence[EmailMessage], *, timeout: float = 5.0
) -> list[SendResult | ProviderError]:
    """Send a batch over as few connections as possible (a new one after 100
    messages or after the server dropped one), each message within ``timeout``
    seconds. One outcome per message, in order: its ``SendResult`` or the
    ``ProviderError`` it got (a refused recipient does not stop the batch; when the
    server cannot be reached at all, every remaining message gets that error).
    Nothing is retried here: retry the failed ones with ``with_retries``."""
    outcomes: list[SendResult | ProviderError] = []
    client: aiosmtplib.SMTP | None = None
    on_connection = 0
    try:
        for index, message in enumerate(messages):
            try:
                wire, message_id = build_mime(message, from_address=config.from_address)
                sender = _address(message.from_address or config.from_address, "sender")
            except ProviderError as error:
                outcomes.append(error)
                continue
            if client is not None and (not client.is_connected or on_connection >= _PER_CONNECTION):
                await _quit(client)
                client = None
            if client is None:
                try:
                    client = await _open(config, timeout)
                except Exception as exc:
                    if _being_cancelled():
                        raise asyncio.CancelledError from exc
                    # unreachable or refusing us: the rest would fare the same
                    refused = _classify(exc, config, timeout)
                    outcomes.extend(refused for _ in messages[index:])
                    return outcomes
                on_connection = 0
            on_connection += 1
            connection = client
            try:
                async with asyncio.timeout(timeout):
                    await _transaction(connection, sender, message.to.strip(), wire)
                outcomes.append(SendResult(provider_message_id=message_id))
            except Exception as exc:
                if _being_cancelled():
                    connection.close()
                    client = None
                    raise asyncio.CancelledError from exc
                outcomes.append(_classify(exc, config, timeout))
                if not isinstance(exc, aiosmtplib.SMTPResponseException | aiosmtplib.SMTPRecipientsRefused):
                    connection.close()  # timed out or dropped mid-transaction: its state is unknown
                    client = None
                # else aiosmtplib has sent RSET: the connection serves the next message
                continue
            if _being_cancelled():  # sent, but unmarked: the lease brings it back
                connection.close()
                client = None
                raise asyncio.CancelledError
    finally:
        if client is not None:
            await _quit(client)
    return outcomes


async def _quit(client: aiosmtplib.SMTP) -> None:
    """Say goodbye politely but never wait long for it: the message is already sent."""
    if not client.is_connected:
        return
    try:
        async with asyncio.timeout(1.0):
            await client.quit()
    except Exception:
        client.close()


async def check_smtp(config: SmtpConfig, *, timeout: float = 5.0) -> None:
    """Connect, negotiate TLS as configured and log in: what ``testProvider`` runs.
    Raises ``ProviderError`` with a sentence a merchant can act on."""
    try:
        async with asyncio.timeout(timeout):
            client = await _open(config, timeout)
            try:
                await client.noop()
            except BaseException:
                client.close()
                raise
    except Exception as exc:
        raise _classify(exc, config, timeout) from exc
    await _quit(client)
