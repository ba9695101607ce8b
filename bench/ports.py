"""A free TCP port on the loopback address, for the bench scripts that start a server.

Its own module, with nothing but the standard library, so that a script that only needs a
port does not import another script's dependencies (load_test pulls in httpx and numpy).
"""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port no one listens on now (the kernel's pick for a socket bound to port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
