"""Thin handles on what a lab made: a container (:class:`ContainerHandle`) and a command's result (:class:`ExecResult`).

As docker-py's ``models/containers.py`` over its client: a handle keeps the
engine's ``inspect`` data (``attrs``) and reads it again on :meth:`ContainerHandle.reload`;
everything else it says is derived from that data (:class:`dockerlab.model.ContainerInfo`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import docker.errors

from dockerlab import model
from dockerlab.engines.client import engine_call
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import DockerlabError, EngineError, EngineTimeout, LinkUnsupported
from dockerlab.i18n import _
from dockerlab.lab.spec import RunSpec
from dockerlab.model import Endpoint
from dockerlab.views import html as views
from dockerlab.waits import wait_until


class Owner(Protocol):
    """What a handle asks of the lab that made it (:class:`dockerlab.lab.Lab` is one)."""

    name: str

    def inspect(self, name: str) -> dict[str, Any]: ...

    def exec(self, name: str, cmd: str | list[str], timeout: float = 10) -> ExecResult: ...


@dataclass(frozen=True)
class ExecResult:
    """What a command run in a container returned (like docker-py's ExecResult)."""

    container: str
    argv: tuple[str, ...]
    exit_code: int
    output: str

    @property
    def command(self) -> str:
        """The equivalent command line."""
        return f"docker exec {self.container} {shlex.join(self.argv)}"

    @property
    def ok(self) -> bool:
        """Whether the command exited 0."""
        return self.exit_code == 0

    def __str__(self) -> str:
        return self.output

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython display
        p.text(f"$ {self.command}\n{self.output.rstrip()}")
        if self.exit_code:
            p.text("\n" + _("(exit code {code})").format(code=self.exit_code))


@dataclass
class ContainerHandle:
    """A thin handle on one lab container; :meth:`reload` refreshes its state."""

    lab: Owner
    name: str
    attrs: dict[str, Any] = field(default_factory=dict, repr=False)

    def reload(self) -> ContainerHandle:
        """Read the container's state from the engine again."""
        self.attrs = self.lab.inspect(self.name)
        return self

    @property
    def info(self) -> model.ContainerInfo:
        """What ``docker inspect`` says of it, as plain data (what the views take)."""
        return model.ContainerInfo.from_attrs(self.attrs)

    @property
    def running(self) -> bool:
        """Whether the container is running."""
        return bool(self.attrs.get("State", {}).get("Running"))

    @property
    def status(self) -> str:
        """Docker's status word: created, running, exited..."""
        return self.info.status

    @property
    def id(self) -> str:
        """The full container id."""
        return str(self.attrs.get("Id", ""))

    @property
    def endpoints(self) -> dict[str, Endpoint]:
        """Network name -> :class:`~dockerlab.model.Endpoint`, as the engine reports them."""
        return self.info.endpoints

    @property
    def networks(self) -> list[str]:
        """The networks this container is attached to."""
        return list(self.endpoints)

    @property
    def ips(self) -> dict[str, str]:
        """Network name -> IPv4 address, for the networks that give one."""
        return self.info.ips

    @property
    def ip(self) -> str | None:
        """The first address (the only one, unless connected to several networks)."""
        return next(iter(self.ips.values()), None)

    def exec(self, cmd: str | list[str], timeout: float = 10) -> ExecResult:
        """Run ``cmd`` in the container; see :meth:`Lab.exec`."""
        return self.lab.exec(self.name, cmd, timeout=timeout)

    def __repr__(self) -> str:
        ips = ", ".join(f"{n}={ip}" for n, ip in self.ips.items()) or _("no address")
        status = views.status_word(self.status)
        return _("<container {name} ({status}; {ips})>").format(name=self.name, status=status, ips=ips)

    def _repr_html_(self) -> str:
        try:
            self.reload()
        except DockerlabError as e:
            return views.error_html(_("container {name}").format(name=self.name), e)
        return views.container_html(self.info, self.lab.name)


__all__ = ["ContainerHandle", "ExecResult", "Owner"]


def wait_ready(handle: ContainerHandle, last_output: Callable[[str], str], seconds: float) -> ContainerHandle:
    """Poll ``handle`` (bounded by ``seconds``) until its container runs and has its addresses.

    A container that exits at once raises :class:`~dockerlab.errors.EngineError` with its last
    output (``last_output(container id)``, ``docker logs``), not a timeout.
    """

    def ready() -> ContainerHandle | None:
        handle.reload()
        wants_ip = [n for n in handle.networks if n not in ("host", "none")]
        if handle.running and all(handle.endpoints[n].ip for n in wants_ip):
            return handle
        if handle.status in ("exited", "dead"):
            raise EngineError(
                _("Container {name} exited at once (status {status}). Its last output: {logs}").format(
                    name=handle.name, status=handle.status, logs=repr(last_output(handle.id))
                )
            )
        return None

    return wait_until(
        ready,
        seconds,
        lambda: EngineTimeout(_("container {name} to be running").format(name=handle.name), seconds),
    )


def create(client: EngineClient, image: str, spec: RunSpec, timeout: float) -> Any:
    """``docker create`` of ``spec``; a refused ``--link`` says why (:class:`~dockerlab.errors.LinkUnsupported`)."""
    with engine_call(f"docker create {spec.name}", timeout):
        try:
            return client.containers.create(image, **spec.create_kwargs(client.api.create_endpoint_config))
        except docker.errors.APIError as e:
            if spec.links and "link" in str(e.explanation or e).lower():
                raise LinkUnsupported(str(e.explanation or e)) from e
            raise


def start_new(container: Any, spec: RunSpec, timeout: float) -> None:
    """``docker start`` a container just made; one that cannot start is removed (for instance a port is taken)."""
    try:
        with engine_call(f"docker start {spec.name}", timeout):
            container.start()
    except EngineError as e:
        with engine_call(f"docker rm -f {spec.name}", timeout):
            container.remove(force=True)
        if "port is already allocated" in str(e) or "address already in use" in str(e):
            taken = ", ".join(str(outer) for _inner, outer in spec.ports)
            raise EngineError(
                _(
                    "Cannot start {name}: host port {taken} is already in use. Pick another host port in "
                    "{ports}; the container was removed."
                ).format(name=spec.name, taken=taken, ports="ports={container_port: host_port}")
            ) from e
        raise


def exec_in(container: Any, name: str, argv: list[str], timeout: float, call_timeout: float) -> ExecResult:
    """``docker exec`` of ``argv`` in the running ``container``, bounded by busybox ``timeout``."""
    with engine_call(f"docker exec {name} {shlex.join(argv)}", call_timeout):
        container.reload()
        if container.status != "running":
            raise EngineError(
                _("Container {name} is {status}, not running: {command} first.").format(
                    name=name, status=container.status, command=f"lab.start({name!r})"
                )
            )
        code, out = container.exec_run(["timeout", str(int(timeout)), *argv], demux=False)
    text = (out or b"").decode(errors="replace")
    return ExecResult(name, tuple(argv), int(code if code is not None else -1), text)
