"""``SmtpSink``: a real SMTP server on loopback (aiosmtpd, in a background thread)
that keeps what it receives, for tests, the bench and ``make run``.

- every message accepted is kept in memory (``messages``: the envelope, the raw
  bytes and, parsed on first use, the ``email.message.EmailMessage``; the last
  ``keep`` only, ``received`` counts all) and,
  with a ``directory``, written there as ``<n>-<time>.eml`` (open it in any mail
  client: that is how ``make run`` shows email);
- ``reject(recipient)``: RCPT TO that address answers 550 (a bounce), until
  ``accept(recipient)``;
- ``fail_next(n, code=451)``: the next ``n`` transactions are refused at RCPT (or at
  ``MAIL``/``DATA`` with ``at=``) with that code (4xx transient, 5xx permanent);
- ``delay_next(n, seconds)``: the next ``n`` messages are answered after a delay at the
  end of DATA (for timeouts);
- ``stop()`` is "the server is down" (connection refused); ``start()`` again serves on
  the same port;
- with ``username``/``password`` the sink requires AUTH (PLAIN or LOGIN, allowed
  without TLS on loopback) and answers 535 to any other pair.
"""

from __future__ import annotations

import asyncio
import email.policy
import functools
import itertools
import logging
import re
import socket
import threading
import time
import warnings
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

log = logging.getLogger(__name__)

Stage = Literal["mail", "rcpt", "data"]


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    path: Path | None  # the .eml file, when the sink writes them
    login: str | None  # the AUTH user, when the session authenticated

    @functools.cached_property
    def message(self) -> EmailMessage:
        """Parsed (``email.policy.default``) on first use, not on receipt: parsing
        costs more than receiving, and the bench only counts."""
        parsed = BytesParser(policy=email.policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Failure:
    code: int
    text: str
    at: Stage


class _Handler:
    """aiosmtpd's hooks; runs on the sink's own loop, shares state under the lock."""

    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self.sink._take_failure("mail")
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self.sink._take_failure("rcpt") or self.sink._rejection(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self.sink._take_failure("data")
        if refusal is not None:
            return refusal
        delay = self.sink._take_delay()
        if delay:
            await asyncio.sleep(delay)
        raw = envelope.original_content or b""
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        self.sink._keep(envelope.mail_from or "", tuple(envelope.rcpt_tos), raw, login)
        return "250 2.0.0 Message accepted for delivery"


# MAIL FROM / RCPT TO as every client sends them: "<local@domain>" and maybe parameters
_PLAIN_ADDRESS = re.compile(r"""<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,255})>""")
# RFC 5321 4.5.3.1.6: a line is at most 1,000 octets with its CRLF
_MAX_LINE = 998


class _SinkSMTP(SMTP):
    """aiosmtpd's server with its two hot spots made cheap, same answers otherwise.

    ``bench notifications`` found the sink, in its own process, spending ~2 ms of CPU
    per message and saturating its core before the worker did: a fifth of it parsing
    MAIL/RCPT addresses with the email package's header parser (and defining a
    ``typing.Protocol`` class on every call), over a third reading DATA one line per
    ``readuntil``. Plain ``<local@domain>`` addresses are taken by a regex (anything
    else still goes through aiosmtpd's parser), and DATA is read in blocks up to the
    end marker, then unstuffed and checked (line length, size) in a few C-level passes.
    """

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        match = _PLAIN_ADDRESS.match(arg)
        if match is None:
            return super()._getaddr(arg)
        return match.group(1), arg[match.end() :]

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        received = bytearray()
        while True:
            try:
                # every line that ends with "." ends a block; the end marker is the one
                # that is a line of its own
                received += await self._reader.readuntil(b".\r\n")
            except asyncio.LimitOverrunError as exc:
                # past the reader's 1,001-byte limit: take what is there and go on
                received += await self._reader.readexactly(exc.consumed)
                continue
            except asyncio.IncompleteReadError:
                return  # the client went away mid-DATA
            if received == b".\r\n" or received.endswith(b"\r\n.\r\n"):
                break
        body = bytes(received[:-3])
        limit = self.data_size_limit
        if limit and len(body) > limit:
            await self.push("552 Error: Too much mail data")
            self._set_post_data_state()
            return
        if body and max(map(len, body.split(b"\r\n"))) > _MAX_LINE:
            await self.push("500 Line too long (see RFC5321 4.5.3.1.6)")
            self._set_post_data_state()
            return
        # RFC 5321 4.5.2: the client doubled every leading "."
        body = body.replace(b"\r\n.", b"\r\n")
        if body.startswith(b"."):
            body = body[1:]
        self.envelope.content = body
        self.envelope.original_content = body
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)


class _Controller(Controller):
    """aiosmtpd's threaded controller on a socket we bound ourselves (so port 0 works
    and the real port is known before its readiness probe)."""

    def __init__(self, handler: Any, sock: socket.socket, **kwargs: Any):
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **kwargs)
        self._sock = sock

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)

    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # "AUTH without TLS": deliberate, loopback only
            warnings.simplefilter("ignore")
            return _SinkSMTP(self.handler, **self.SMTP_kwargs)


class SmtpSink:
    """See the module docstring. Thread-safe: the server thread and the test share it."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        directory: Path | None = None,
        username: str | None = None,
        password: str | None = None,
        keep: int = 10_000,
    ):
        self.host = host
        self.port = port
        self.directory = Path(directory) if directory is not None else None
        self.username = username
        self.password = password
        self._lock = threading.Lock()
        self._messages: deque[ReceivedMessage] = deque(maxlen=keep)
        self._arrived = threading.Condition(self._lock)
        self.received = 0
        self._rejected: dict[str, tuple[int, str]] = {}
        self._failures: list[_Failure] = []
        self._delays: list[float] = []
        self._controller: _Controller | None = None
        self._counter = itertools.count(1)

    # --- running ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpSink:
        if self._controller is not None:
            return self
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        # proto given: asyncio sets TCP_NODELAY on accepted sockets only when proto is TCP
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(100)
        self.port = sock.getsockname()[1]
        kwargs: dict[str, Any] = {
            "server_hostname": "loyalnest-sink.local",  # no getfqdn() DNS lookup per connection
            "ident": "LoyalNest SMTP sink",
            "ready_timeout": 10.0,
        }
        if self.username is not None:
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=False,
            )
        # aiosmtpd logs every connection and command at INFO ("Peer: ...", "EOF received"):
        # noise in `make run`'s output, and the sink says itself what it received
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = _Controller(_Handler(self), sock, **kwargs)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        """Stop serving: connections are refused until ``start``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- arranging ----------------------------------------------------------------------

    def reject(self, recipient: str, *, code: int = 550, text: str = "5.1.1 Mailbox unavailable") -> None:
        """RCPT TO ``recipient`` (case-insensitive) answers ``code`` until ``accept``."""
        with self._lock:
            self._rejected[recipient.lower()] = (code, text)

    def accept(self, recipient: str) -> None:
        with self._lock:
            self._rejected.pop(recipient.lower(), None)

    def fail_next(self, n: int = 1, *, code: int = 451, text: str | None = None, at: Stage = "rcpt") -> None:
        """The next ``n`` transactions are refused with ``code`` at ``at``."""
        if text is None:
            text = "4.7.1 Try again later" if code < 500 else "5.7.1 Refused"
        with self._lock:
            self._failures.extend(_Failure(code, text, at) for _ in range(n))

    def delay_next(self, n: int = 1, *, seconds: float) -> None:
        with self._lock:
            self._delays.extend(seconds for _ in range(n))

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._rejected.clear()
            self._failures.clear()
            self._delays.clear()
            self.received = 0

    # --- inspecting ---------------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    def messages_to(self, recipient: str) -> list[ReceivedMessage]:
        wanted = recipient.lower()
        return [m for m in self.messages if wanted in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count: int, *, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until ``received >= count`` (for senders in another process or
        thread); raises ``TimeoutError``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while self.received < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the SMTP sink received {self.received} of {count} messages")
                self._arrived.wait(left)
            return list(self._messages)

    # --- called from the server thread ----------------------------------------------------

    def _take_failure(self, stage: Stage) -> str | None:
        with self._lock:
            if self._failures and self._failures[0].at == stage:
                failure = self._failures.pop(0)
                return f"{failure.code} {failure.text}"
        return None

    def _rejection(self, address: str) -> str | None:
        with self._lock:
            found = self._rejected.get(address.lower())
        return f"{found[0]} {found[1]}" if found else None

    def _take_delay(self) -> float:
        with self._lock:
            return self._delays.pop(0) if self._delays else 0.0

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == (self.password or "")
        ):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    def _keep(self, mail_from: str, rcpt_tos: tuple[str, ...], raw: bytes, login: str | None) -> None:
        path = None
        number = next(self._counter)
        if self.directory is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            path = self.directory / f"{number:06d}-{stamp}.eml"
            try:
                path.write_bytes(raw)
            except OSError:
                log.exception("SMTP sink could not write %s", path)
                path = None
        received = ReceivedMessage(mail_from, rcpt_tos, raw, path, login)
        with self._arrived:
            self._messages.append(received)
            self.received += 1
            self._arrived.notify_all()


def start_dev_sink(directory: Path, *, host: str = "127.0.0.1", port: int = 0) -> SmtpSink:
    """The sink ``make run`` starts beside the Shopify fake: every email the app sends
    lands in ``directory`` as an ``.eml`` file. ``port`` 0 picks a free one (read
    ``sink.port``); give a fixed one (e.g. 1025) for shops configured by hand."""
    return SmtpSink(host=host, port=port, directory=directory).start()
