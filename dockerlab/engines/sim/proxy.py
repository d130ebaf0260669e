"""docker-proxy for the simulator: published ports are real sockets on the host's loopback.

While a container with ``-p 127.0.0.1:HOST:CONTAINER`` runs, :class:`Proxy`
listens on 127.0.0.1:HOST and answers each connection with what the
container's main process would (:mod:`dockerlab.kernel.services`' stand-ins, through
the :class:`~dockerlab.engines.sim.shell.Shell`); a container that serves nothing on
that port drops the connection, as docker-proxy does.
"""

from __future__ import annotations

import socket
import threading

from dockerlab.engines.sim.shell import Shell
from dockerlab.engines.sim.state import SimBox
from dockerlab.kernel import services


class Proxy:
    """docker-proxy for one published port: a real socket on 127.0.0.1, answered by the simulator.

    Parameters
    ----------
    shell : Shell
        The simulated containers' shell (and through it, the engine).
    box : SimBox
        The container whose port is published.
    inner, outer : int
        The container's port and the host's.

    Raises
    ------
    OSError
        When 127.0.0.1:``outer`` cannot be bound (``127.0.0.1:8080: bind: address already in use``).
    """

    def __init__(self, shell: Shell, box: SimBox, inner: int, outer: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Go's listeners do
        try:
            self.sock.bind(("127.0.0.1", outer))
            self.sock.listen(16)
        except OSError as e:
            self.sock.close()
            raise OSError(e.errno, f"127.0.0.1:{outer}: bind: {(e.strerror or str(e)).lower()}") from e
        self.shell, self.box, self.inner = shell, box, inner
        threading.Thread(target=self._accept, name=f"sim-proxy-{outer}", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the container stopped
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        """One connection, as docker-proxy would pass it to the container."""
        engine = self.shell.engine
        with conn:
            conn.settimeout(5)
            with engine.lock:
                served = self.box.listener if self.box.running and self.box.id in engine.boxes else None
            if served is None or served.port != self.inner:
                return  # nothing listens in the container: the proxy drops the connection
            if isinstance(served, services.EchoService):
                conn.sendall(served.greeting.encode() + b"\n")
                return
            request = b""
            try:
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
            except OSError:
                return
            conn.sendall(self.shell.http(self.box, served, request))

    def close(self) -> None:
        """Stop listening (the container stopped)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.sock.close()


__all__ = ["Proxy"]
