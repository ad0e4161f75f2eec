"""Issuers that misbehave on purpose, as real servers on 127.0.0.1 (tests and benchmarks).

    with DripServer() as drip:            # status line and headers one byte at a time, for ever
        fetch(drip.url("/assertion.json"))  # must give up at the fetch deadline

``IssuerServer`` (issuer_server.py) covers slow and garbage answers (``delay=``, any body);
this covers what it cannot: a server that never finishes its headers.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

LOOPBACK = "127.0.0.1"


class DripServer:
    """Accepts connections and sends ``HTTP/1.1 200 OK`` then header bytes every ``interval`` seconds."""

    def __init__(self, *, interval: float = 0.2) -> None:
        self.interval = interval
        self.connections = 0
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self.port = 0

    def start(self) -> DripServer:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((LOOPBACK, 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> DripServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, path: str = "/") -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _address = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._drip, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _drip(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            # One header that never ends: "X-Slow: aaaa…", one byte per interval.
            conn.sendall(b"X-Slow: ")
            while not self._stop.is_set():
                conn.sendall(b"a")
                time.sleep(self.interval)


def deep_json(depth: int = 100_000) -> bytes:
    """``[[[[…]]]]``: tiny on the wire, a RecursionError for a naive parser."""
    return b"[" * depth + b"]" * depth
