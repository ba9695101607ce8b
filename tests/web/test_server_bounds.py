"""``kennisbank serve`` bounds slow and huge clients (issue 21, items 4 and 7).

A real ``kennisbank serve`` process on loopback and raw sockets: a client that never
finishes its request head is disconnected, a huge head gets a 431 without the worker
holding it, the concurrency limit answers 503, and uvicorn's own error answers carry the
security headers. Before the fix each of these failed (sockets stayed open forever, the
64 MB head was buffered, the 400 had no headers).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import REPO_ROOT

from kennisbank.webapp.operations.security import SECURITY_HEADERS

from .helpers import CONTENT

HEAD_TIMEOUT = 1.5
CONCURRENCY = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(bundled_index: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "KENNISBANK_HEADER_TIMEOUT": str(HEAD_TIMEOUT),
        "KENNISBANK_LIMIT_CONCURRENCY": str(CONCURRENCY),
        "KENNISBANK_MAX_HEADER_BYTES": str(16 * 1024),
    }
    args = ["serve", "--content", str(CONTENT), "--index", str(bundled_index)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kennisbank", *args, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, "serve stopped while starting"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def answer(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def assert_security_headers(raw: bytes) -> None:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for name, value in SECURITY_HEADERS.items():
        assert f"{name.lower()}: {value.lower()}" in head, (name, head)


def test_a_client_that_never_finishes_its_head_is_disconnected(server: tuple[int, object]) -> None:
    port = server[0]
    with connect(port) as silent, connect(port) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        for _ in range(3):  # a byte now and then does not keep it open either
            time.sleep(HEAD_TIMEOUT / 4)
            slow.sendall(b"X-a: b\r\n")
        assert closed_by_server(slow, HEAD_TIMEOUT * 3)
        assert closed_by_server(silent, HEAD_TIMEOUT * 3)
        assert time.monotonic() - started < HEAD_TIMEOUT * 4
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200


def test_a_keep_alive_connection_gets_a_new_head_deadline(server: tuple[int, object]) -> None:
    with connect(server[0]) as sock:
        for _ in range(3):  # requests on one connection, together past one deadline
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while b'"index"' not in data:  # the whole (small) answer, head and body
                chunk = sock.recv(65536)
                assert chunk, "the server closed a keep-alive connection"
                data += chunk
            assert data.startswith(b"HTTP/1.1 200"), data
            time.sleep(HEAD_TIMEOUT * 0.6)


def test_a_huge_head_gets_431_with_the_security_headers(server: tuple[int, object]) -> None:
    with connect(server[0]) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nCookie: selectie=")
        try:
            for _ in range(64 * 16):  # up to 64 MB, as the probe sent; refused long before
                sock.sendall(b"a" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        raw = answer(sock)
    assert raw.startswith(b"HTTP/1.1 431"), raw[:200]
    assert_security_headers(raw)


@pytest.mark.parametrize(
    "request_bytes",
    [b"GET / HTTP/1.1\r\nHost: x\r\nX-a: a\x00b\r\n\r\n", b"GET / HTTP/1.1\r\nHost x\r\n\r\n"],
    ids=["nul-in-header", "no-colon"],
)
def test_uvicorns_own_400_carries_the_security_headers(
    server: tuple[int, object], request_bytes: bytes
) -> None:
    with connect(server[0]) as sock:
        sock.sendall(request_bytes)
        raw = answer(sock)
    assert raw.startswith(b"HTTP/1.1 400"), raw[:200]
    assert_security_headers(raw)


def test_past_the_concurrency_limit_requests_get_503_with_headers(
    server: tuple[int, object],
) -> None:
    port = server[0]
    idle = [connect(port) for _ in range(CONCURRENCY)]
    try:
        time.sleep(0.3)
        raw = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert raw.status_code == 503
        for name, value in SECURITY_HEADERS.items():
            assert raw.headers[name] == value
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.3)
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
