"""How ``kennisbank serve`` runs uvicorn: bounds for slow and huge clients.

uvicorn on its own (0.30-0.55, httptools) never closes a connection that is still sending
its request head: the keep-alive timeout only runs *between* requests, and any byte
cancels it. It has no limit on the size of a request head either (``h11_max_incomplete_
event_size`` applies to the h11 parser only, not to httptools, which ``uvicorn[standard]``
uses). Measured before this module: 2,000 of 2,000 slow sockets still open after 30 s,
and four 64 MB Cookie headers took a worker to 320 MB. So the server uses
``BoundedHttpToolsProtocol``, uvicorn's own httptools protocol with three additions:

- **a request-head deadline** (``KENNISBANK_HEADER_TIMEOUT``): a connection whose request
  line and headers are not complete that many seconds after it opened (or after the first
  byte of its next request) is closed, like nginx's ``client_header_timeout``;
- **a request-head size limit** (``KENNISBANK_MAX_HEADER_BYTES``): a longer head gets a
  431 and the connection is closed, having buffered at most the limit plus one read;
- **security headers on uvicorn's own answers**: the 400 for a request it cannot parse, the
  431 and the 503 of the concurrency limit carry the same CSP, ``nosniff`` and frame
  headers as every page.

It also applies two of uvicorn's own bounds from Settings, so they hold however the
server is started (``kennisbank serve``, or ``uvicorn --http`` naming this class): the
concurrency limit (``KENNISBANK_LIMIT_CONCURRENCY``, kept below the open-file limit) and
the keep-alive timeout (``KENNISBANK_TIMEOUT_KEEP_ALIVE``). ``raise_file_limit`` (run when
the app starts) lifts the soft open-file limit to the hard one, so a few hundred idle
sockets cannot use up the 1,024 descriptors many systems start a process with.

What is left to a proxy in front (docs/deploy.md): request bodies (size and time), rate
limits, TLS, and slow *readers* of big answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kennisbank.webapp.operations.security import SECURITY_HEADERS
from kennisbank.webapp.settings import Settings

if TYPE_CHECKING:
    from uvicorn.config import Config
    from uvicorn.server import ServerState

log = logging.getLogger("kennisbank")

FD_RESERVE = 64  # descriptors kept free for the index, the log and the watcher
FILE_LIMIT_CAP = 65536

_SECURITY_LINES = b"".join(
    name.lower().encode("latin-1") + b": " + value.encode("latin-1") + b"\r\n"
    for name, value in SECURITY_HEADERS.items()
)
_REASONS = {
    400: b"Bad Request",
    431: b"Request Header Fields Too Large",
    503: b"Service Unavailable",
}


class Limits(NamedTuple):
    head_timeout: float
    max_head_bytes: int
    concurrency: int
    keep_alive: int


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The bounds from Settings, read once per process; the concurrency limit stays below
    the open-file limit (a connection beyond it could not even be accepted)."""
    settings = Settings()
    concurrency = settings.limit_concurrency
    ceiling = max(current_file_limit() - FD_RESERVE, 16)
    if concurrency > ceiling:
        log.warning(
            "KENNISBANK_LIMIT_CONCURRENCY %d past niet binnen de open-bestandslimiet; %d "
            "wordt gebruikt (verhoog LimitNOFILE)",
            concurrency,
            ceiling,
        )
        concurrency = ceiling
    return Limits(
        settings.header_timeout,
        settings.max_header_bytes,
        concurrency,
        settings.timeout_keep_alive,
    )


def plain_answer(status: int, text: str) -> bytes:
    """A complete HTTP/1.1 answer that closes the connection, with the security headers."""
    body = text.encode("utf-8")
    return b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (status, _REASONS.get(status, b"Error")),
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n",
            _SECURITY_LINES,
            b"\r\n",
            body,
        ]
    )


async def _unavailable(scope: Any, receive: Any, send: Any) -> None:
    """The concurrency limit's 503, as uvicorn's but with the security headers."""
    body = b"Te veel verzoeken tegelijk; probeer het zo opnieuw."
    headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    headers += [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"1"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a head deadline, a head size limit and safe errors."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        bounds = limits()
        self.head_timeout, self.max_head = bounds.head_timeout, bounds.max_head_bytes
        self.timeout_keep_alive = bounds.keep_alive
        # uvicorn's own check answers without security headers; this class does it instead
        self.concurrency_limit = bounds.concurrency
        if config.limit_concurrency is not None:  # an operator's --limit-concurrency
            self.concurrency_limit = min(self.concurrency_limit, config.limit_concurrency)
        self.limit_concurrency = None
        self._in_head = True
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.max_head and not self.transport.is_closing():
            self.logger.warning("Request head over %d bytes refused.", self.max_head)
            self._answer_and_close(431, "De aanvraag heeft te grote headers.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_head:
            self._start_head()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._stop_head_timer()
        limit = self.concurrency_limit
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            self.logger.warning("Exceeded concurrency limit.")
            app, self.app = self.app, _unavailable
            try:
                super().on_headers_complete()
            finally:
                self.app = app
            return
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        self._answer_and_close(400, msg)

    def _answer_and_close(self, status: int, text: str) -> None:
        self._stop_head_timer()
        if not self.transport.is_closing():
            self.transport.write(plain_answer(status, text))
            self.transport.close()

    def _start_head(self) -> None:
        self._in_head = True
        self._head_bytes = 0
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self.transport.close()  # nothing to answer: the client has not finished asking


def raise_file_limit() -> int:
    """Lift the soft open-file limit towards the hard one; returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FILE_LIMIT_CAP if hard == resource.RLIM_INFINITY else min(hard, FILE_LIMIT_CAP)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):  # not allowed here: keep what there is
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return current_file_limit()


def current_file_limit() -> int:
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return FILE_LIMIT_CAP if soft == resource.RLIM_INFINITY else soft
