"""A unix socket in front of the real engine that a test can cut, restore or make hang.

It stands in for "the engine stopped between two cells" and "the engine
accepts connections but never answers" without touching the real dockerd,
which other labs on the same machine keep using.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path


def engine_socket() -> str:
    """The real engine's unix socket path (DOCKER_HOST or the default)."""
    host = os.environ.get("DOCKER_HOST", "")
    return host.removeprefix("unix://") if host.startswith("unix://") else "/var/run/docker.sock"


class EngineProxy:
    """Forward a private unix socket to the engine; ``stop()``/``start()``/``hang()`` inject faults."""

    def __init__(self, upstream: str | None = None) -> None:
        self.upstream = upstream or engine_socket()
        self.path = str(Path(tempfile.mkdtemp(prefix="dockerlab-proxy-")) / "engine.sock")
        self.mode = "forward"
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The DOCKER_HOST value that reaches the engine through this proxy."""
        return f"unix://{self.path}"

    def start(self, mode: str = "forward") -> EngineProxy:
        """Listen (again), forwarding or hanging."""
        self.mode = mode
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the socket and every open connection, as a stopped engine would."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for c in self._conns:
                _close(c)
            self._conns.clear()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._conns.append(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.upstream)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._conns.append(upstream)
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        _close(src)
        _close(dst)


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
