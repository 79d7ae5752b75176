"""Dead services for fault tests: a closed port, and a black hole that accepts and never answers."""

from __future__ import annotations

import socket
import threading


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound once to find it free, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BlackHole:
    """A TCP server on 127.0.0.1 (port 0: any free port) that accepts every connection and
    never sends a byte: a host behind a broken firewall, a hung server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True, name="black-hole")
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
