"""A real uvicorn server in a background thread and browser contexts for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext


class LiveServer:
    """uvicorn serving one app on 127.0.0.1 in a background thread."""

    def __init__(self, sock: socket.socket, app: FastAPI, lifespan: str = "off") -> None:
        """``lifespan="on"`` runs the app's startup as ``kennisbank serve`` does (it bounds
        the request threads to ``KENNISBANK_THREADS``)."""
        self.sock = sock
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan=lifespan, ws="none"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 90
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn stopped while starting"
            assert time.monotonic() < deadline, "uvicorn did not start within 90 s"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def free_socket() -> tuple[socket.socket, str]:
    """A listening socket on a free loopback port, handed to uvicorn (no port race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "nl-NL")
    context = browser.new_context(**options)
    context.set_default_timeout(45_000)
    return context
