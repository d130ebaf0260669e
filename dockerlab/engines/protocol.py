"""What dockerlab asks of an engine's client: the part of docker-py's ``DockerClient`` both engines provide.

:class:`EngineClient` is a :class:`~typing.Protocol`: ``docker.DockerClient``
(the real engine) and :class:`~dockerlab.engines.sim.SimClient` (the
simulator) both satisfy it without naming it, and a type checker proves it
(:mod:`dockerlab.engines.backend` hands out either as one). Code that works
on both engines takes an ``EngineClient``; code that only a real engine can
serve (building or pulling images, a swarm's nodes) takes a
``docker.DockerClient``. Which engine a client is, is asked in one place:
:func:`dockerlab.engines.backend.is_simulated`.

Each protocol lists only what dockerlab calls, with the keywords it passes:

- :class:`EngineClient`: ``containers``, ``networks``, ``images``, ``api``,
  ``ping()``, ``info()``, ``version()``, ``close()``;
- :class:`Containers` and :class:`Container`: ``docker ps``/``create``/``run``,
  and a container's start, stop, restart, rm, exec, logs, cp and inspect data;
- :class:`Networks` and :class:`Network`: ``docker network ls``/``create``/``inspect``/``rm``;
- :class:`Images` and :class:`Image`: ``docker image inspect``/``tag``/``rm``;
- :class:`LowLevelApi`: the endpoint settings of ``docker create``,
  ``docker network connect``/``disconnect`` and ``docker import``.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from docker.models.containers import ExecResult

__all__ = [
    "Container",
    "Containers",
    "EngineClient",
    "ExecResult",
    "Image",
    "Images",
    "LowLevelApi",
    "Network",
    "Networks",
]


class Container(Protocol):
    """A container's handle (``docker.models.containers.Container``): its inspect data and its verbs."""

    @property
    def id(self) -> str | None: ...

    @property
    def name(self) -> str | None: ...

    @property
    def attrs(self) -> dict[str, Any]:
        """``docker inspect``'s data, as of the last :meth:`reload`."""
        ...

    @property
    def labels(self) -> dict[str, str]: ...

    @property
    def status(self) -> str: ...

    def reload(self) -> None: ...

    def start(self) -> None: ...

    def stop(self, *, timeout: float | None = None) -> None: ...

    def restart(self, *, timeout: float | None = 10) -> None: ...

    def remove(self, *, force: bool = False) -> None: ...

    def logs(self, *, tail: int = ...) -> bytes: ...

    def get_archive(self, path: str) -> tuple[Iterator[bytes], dict[str, Any] | None]:
        """``docker cp CONTAINER:PATH -``: a tar stream of ``path``, and its stat."""
        ...

    def exec_run(
        self,
        cmd: str | list[str],
        *,
        environment: dict[str, str] | None = None,
        demux: bool = False,
    ) -> ExecResult: ...


class Containers(Protocol):
    """``client.containers``."""

    def list(
        self, all: bool = False, *, filters: dict[str, Any] | None = None, ignore_removed: bool = False
    ) -> Sequence[Container]:
        """``docker ps`` (``-a`` with ``all``): :class:`Container` handles (``ignore_removed``: skip one removed
        meanwhile)."""
        ...

    def get(self, container_id: str) -> Container: ...

    def create(
        self,
        image: str,
        command: str | builtins.list[str] | None = None,
        *,
        name: str | None = None,
        detach: bool = False,
        labels: dict[str, str] | None = None,
        hostname: str | None = None,
        dns: builtins.list[str] | None = None,
        extra_hosts: dict[str, str] | None = None,
        network: str | None = None,
        network_mode: str | None = None,
        networking_config: Any = None,
        links: dict[str, str] | None = None,
        ports: Any = None,
    ) -> Container:
        """``docker create``, with the options dockerlab gives it."""
        ...

    def run(
        self,
        image: str,
        command: str | builtins.list[str] | None = None,
        *,
        network_mode: str | None = None,
        remove: bool = False,
        read_only: bool | None = None,
        cap_drop: builtins.list[str] | None = None,
        security_opt: builtins.list[str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> bytes:
        """``docker run --rm`` of a helper, in the foreground: its output."""
        ...


class Network(Protocol):
    """A network's handle (``docker.models.networks.Network``)."""

    @property
    def id(self) -> str | None: ...

    @property
    def name(self) -> str | None: ...

    @property
    def attrs(self) -> dict[str, Any]:
        """``docker network inspect``'s data, as of the last :meth:`reload`."""
        ...

    def reload(self) -> None: ...

    def remove(self) -> None: ...


class Networks(Protocol):
    """``client.networks``."""

    def list(self, names: list[str] | None = None, *, filters: dict[str, Any] | None = None) -> Sequence[Network]:
        """``docker network ls``: :class:`Network` handles."""
        ...

    def get(self, network_id: str) -> Network: ...

    def create(
        self,
        name: str,
        driver: str = ...,
        *,
        ipam: Any = None,
        internal: bool = False,
        options: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Network: ...


class Image(Protocol):
    """An image's handle (``docker.models.images.Image``)."""

    @property
    def id(self) -> str | None: ...

    @property
    def tags(self) -> list[str]: ...

    def tag(self, repository: str, tag: str | None = None, *, force: bool = False) -> bool:
        """``docker tag``."""
        ...


class Images(Protocol):
    """``client.images``."""

    def get(self, name: str) -> Image: ...

    def remove(self, image: str, force: bool = False, noprune: bool = False) -> None: ...


class LowLevelApi(Protocol):
    """``client.api``: docker-py's low-level calls that dockerlab makes."""

    def create_endpoint_config(
        self,
        *,
        ipv4_address: str | None = None,
        aliases: list[str] | None = None,
        links: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...

    def connect_container_to_network(
        self,
        container: str,
        net_id: str,
        *,
        ipv4_address: str | None = None,
        aliases: list[str] | None = None,
        links: list[tuple[str, str]] | None = None,
    ) -> None: ...

    def disconnect_container_from_network(self, container: str, net_id: str, force: bool = False) -> None: ...

    def import_image_from_data(
        self, data: bytes, *, repository: str | None = None, tag: str | None = None, changes: list[str] | None = None
    ) -> Any: ...


class EngineClient(Protocol):
    """A client of a Docker engine, real (``docker.DockerClient``) or simulated (``SimClient``)."""

    @property
    def containers(self) -> Containers: ...

    @property
    def networks(self) -> Networks: ...

    @property
    def images(self) -> Images: ...

    @property
    def api(self) -> LowLevelApi: ...

    def ping(self) -> bool:
        """Whether the engine answers (``docker version`` gets through)."""
        ...

    def info(self) -> dict[str, Any]:
        """``docker info``."""
        ...

    def version(self) -> dict[str, Any]:
        """``docker version``'s engine part."""
        ...

    def close(self) -> None: ...
