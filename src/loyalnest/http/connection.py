"""uvicorn's httptools protocol with a deadline and a size cap on request headers.

uvicorn bounds an idle keep-alive connection (``timeout_keep_alive``) but, on httptools,
nothing else before the app is called: a client that opens a connection and sends its
headers a byte at a time (or never finishes them) holds the connection for as long as
it likes, and the header lines it sends are buffered without limit (h11 has
``h11_max_incomplete_event_size``; httptools has no equivalent). The app cannot help:
it is only called once the headers are complete. So the deadline lives here:

- a new connection must complete its first request's headers within the deadline;
- every later request on a kept-alive connection, from its first byte;
- request line and headers together may not exceed ``MAX_HEADER_BYTES`` (plus the one
  read that started them).

A client that misses the deadline after starting a request gets ``408`` and the
connection is closed; one that never sent a byte is just disconnected (as an idle
keep-alive connection is). Too large a header block gets ``431``. The body's own
deadline is http/limits.py's.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# nginx's default is 4 x 8 KiB buffers; a Shopify session token is about 1 KiB.
MAX_HEADER_BYTES = 64 * 1024


def _raw_response(status: bytes, message: bytes) -> bytes:
    return b"".join(
        [
            b"HTTP/1.1 ",
            status,
            b"\r\ncontent-type: text/plain; charset=utf-8\r\nx-content-type-options: nosniff\r\n",
            b"content-length: ",
            str(len(message)).encode(),
            b"\r\nconnection: close\r\n\r\n",
            message,
        ]
    )


REQUEST_TIMEOUT = _raw_response(b"408 Request Timeout", b"request headers not received in time")
HEADERS_TOO_LARGE = _raw_response(b"431 Request Header Fields Too Large", b"request headers too large")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout_seconds: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._reading_headers = False  # between a request's first byte and its last header
        self._header_bytes = 0

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_seconds, self._headers_timed_out)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _refuse(self, answer: bytes) -> None:
        if self.transport.is_closing():
            return
        # Only between requests may we write an answer of our own: while an earlier
        # (pipelined) request is still being answered, the bytes would corrupt it.
        if self._reading_headers and (self.cycle is None or self.cycle.response_complete):
            self.transport.write(answer)
        self.transport.close()

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        self._refuse(REQUEST_TIMEOUT)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        was_reading = self._reading_headers
        super().data_received(data)
        if was_reading and self._reading_headers:
            # Only chunks read wholly inside an unfinished header block count: the chunk
            # that starts a request may end the previous one, and one read is bounded by
            # the transport's buffer anyway.
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._disarm_header_timer()
                self._refuse(HEADERS_TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_headers = True
        self._header_bytes = 0
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._disarm_header_timer()
        super().on_headers_complete()


def guarded_http_protocol(header_timeout_seconds: float) -> type[GuardedHttpToolsProtocol]:
    """The protocol class uvicorn instantiates per connection, with the deadline set."""
    return type(
        "GuardedHttpToolsProtocol",
        (GuardedHttpToolsProtocol,),
        {"header_timeout_seconds": header_timeout_seconds},
    )
