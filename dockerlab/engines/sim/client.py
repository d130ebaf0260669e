"""The docker-py facade of the simulator: :class:`SimClient` has the surface of ``docker.DockerClient`` the Lab uses.

It only translates: docker-py's arguments into calls on the engine's state
(:class:`~dockerlab.engines.sim.state.SimEngine`) and its shell
(:class:`~dockerlab.engines.sim.shell.Shell`), and the simulator's
:class:`~dockerlab.engines.sim.state.SimError` into docker-py's ``APIError``,
``NotFound`` and ``ImageNotFound``. This is the only module of the simulator
that imports docker-py.
"""

from __future__ import annotations

import builtins
import functools
import io
import posixpath
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import docker.errors
from docker.models.containers import ExecResult

from dockerlab.engines.sim.proxy import Proxy
from dockerlab.engines.sim.shell import Shell
from dockerlab.engines.sim.state import Endpoint, NoSuchImage, SimBox, SimEngine, SimError, SimNet
from dockerlab.kernel.labbox import IMAGE
from dockerlab.model import DEFAULT_VERSION, split_link


class Swarm(Protocol):
    """What an engine asks of the simulated swarm it is a host of (:class:`~dockerlab.engines.sim.swarm.SimSwarm`)."""

    def create_overlay(self, name: str, subnet: str | None, labels: dict[str, str] | None = None) -> SimNet:
        """``docker network create --driver overlay`` on the swarm's manager."""
        ...


@contextmanager
def _docker_errors() -> Iterator[None]:
    """Raise the simulator's errors as docker-py's, as a client talking to the engine would get them."""
    try:
        yield
    except NoSuchImage as e:
        raise docker.errors.ImageNotFound(e.message) from e.__cause__
    except SimError as e:
        cls = docker.errors.NotFound if e.status == 404 else docker.errors.APIError
        raise cls(f"{e.status} Server Error: {e.message}", explanation=e.message) from e.__cause__


class _Container:
    """What ``client.containers.get`` returns: a handle with docker-py's methods."""

    def __init__(self, client: SimClient, box: SimBox) -> None:
        self.client = client
        self._box = box
        self.id = box.id
        self.attrs = client.engine.container_attrs(box)

    @property
    def name(self) -> str:
        return self._box.name

    @property
    def short_id(self) -> str:
        return self._box.short_id

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.attrs["Config"]["Labels"] or {})

    @property
    def status(self) -> str:
        return str(self.attrs["State"]["Status"])

    @_docker_errors()
    def reload(self) -> None:
        self._box = self.client.engine.box(self.id)
        self.attrs = self.client.engine.container_attrs(self._box)

    @_docker_errors()
    def start(self) -> None:
        self.client.engine.start(self.client.engine.box(self.id))

    @_docker_errors()
    def stop(self, timeout: float | None = 10) -> None:
        self.client.engine.stop(self.client.engine.box(self.id))

    @_docker_errors()
    def restart(self, timeout: float | None = 10) -> None:
        box = self.client.engine.box(self.id)
        self.client.engine.stop(box)
        self.client.engine.start(box)

    @_docker_errors()
    def remove(self, force: bool = False, v: bool = False) -> None:
        self.client.engine.remove(self.client.engine.box(self.id), force)

    def logs(self, **kwargs: Any) -> bytes:
        return b""

    @_docker_errors()
    def get_archive(
        self, path: str, chunk_size: int | None = None, encode_stream: bool = False
    ) -> tuple[Iterator[bytes], dict[str, Any]]:
        """``docker cp``'s read: a tar of the file, and its stat; running or not, as the engine does."""
        with self.client.engine.lock:
            box = self.client.engine.box(self.id)
            text = self.client.shell.files(box).get(path)
        if text is None:
            raise SimError(f"Could not find the file {path} in container {box.name}", 404)
        data = text.encode()
        info = tarfile.TarInfo(posixpath.basename(path))
        info.size, info.mode = len(data), 0o644
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.addfile(info, io.BytesIO(data))
        return iter([buf.getvalue()]), {"name": info.name, "size": info.size, "mode": info.mode}

    @_docker_errors()
    def exec_run(self, cmd: list[str] | str, environment: Any = None, demux: bool = False, **kw: Any) -> ExecResult:
        code, text = self.client.shell.exec(self.client.engine.box(self.id), cmd)
        return ExecResult(code, text.encode())


class _Network:
    """What ``client.networks.get`` returns."""

    def __init__(self, client: SimClient, net: SimNet) -> None:
        self.client = client
        self.id = net.id
        self.name = net.name
        self.attrs = net.attrs()

    @_docker_errors()
    def remove(self) -> None:
        self.client.engine.remove_network(self.name)

    @_docker_errors()
    def reload(self) -> None:
        self.attrs = self.client.engine.net(self.name).attrs()


class _Containers:
    """``client.containers``."""

    def __init__(self, client: SimClient) -> None:
        self.client = client

    def list(self, all: bool = False, filters: dict[str, Any] | None = None, **kw: Any) -> list[_Container]:
        with self.client.engine.lock:
            return [_Container(self.client, b) for b in self.client.engine.containers(all, filters)]

    @_docker_errors()
    def get(self, container_id: str) -> _Container:
        with self.client.engine.lock:
            return _Container(self.client, self.client.engine.box(container_id))

    @_docker_errors()
    def create(self, image: str, command: builtins.list[str] | str | None = None, **kw: Any) -> _Container:
        argv = command.split() if isinstance(command, str) else (list(command) if command else None)
        endpoints: dict[str, Endpoint] = {
            str(net): (
                (ep.get("IPAMConfig") or {}).get("IPv4Address"),
                list(ep.get("Aliases") or []),
                {alias: target for target, alias in (split_link(link) for link in ep.get("Links") or [])},
            )
            for net, ep in (kw.get("networking_config") or {}).items()
            if ep
        }
        ports = {
            int(str(inner).split("/")[0]): int(outer[1] if isinstance(outer, tuple) else outer)
            for inner, outer in (kw.get("ports") or {}).items()
        }
        with self.client.engine.lock:
            box = self.client.engine.create(
                kw.get("name"),
                image,
                argv,
                labels=kw.get("labels"),
                dns=kw.get("dns"),
                mode=kw.get("network_mode") or kw.get("network") or "default",
                endpoints=endpoints,
                links={str(k): str(v) for k, v in sorted((kw.get("links") or {}).items())},  # as docker-py sends them
                ports=ports,
                hostname=kw.get("hostname"),
                extra_hosts={str(k): str(v) for k, v in (kw.get("extra_hosts") or {}).items()},
            )
            return _Container(self.client, box)

    @_docker_errors()
    def run(self, image: str, command: builtins.list[str] | str | None = None, **kw: Any) -> bytes:
        """Only what the Lab runs on the host network: ``ip -4 route show`` and the topology snapshot."""
        argv = command.split() if isinstance(command, str) else list(command or [])
        output = self.client.shell.on_host(argv) if kw.get("network_mode") == "host" else None
        if output is None:
            raise SimError(f"the dockerlab simulator cannot run {argv!r} in a throwaway container")
        return output.encode()


class _Networks:
    """``client.networks``."""

    def __init__(self, client: SimClient) -> None:
        self.client = client

    def list(self, names: list[str] | None = None, filters: dict[str, Any] | None = None, **kw: Any) -> list[_Network]:
        with self.client.engine.lock:
            return [_Network(self.client, n) for n in self.client.engine.networks(names, filters)]

    @_docker_errors()
    def get(self, network_id: str) -> _Network:
        with self.client.engine.lock:
            return _Network(self.client, self.client.engine.net(network_id))

    @_docker_errors()
    def create(
        self,
        name: str,
        driver: str = "bridge",
        ipam: Any = None,
        internal: bool = False,
        options: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
        **kw: Any,
    ) -> _Network:
        pools = (ipam or {}).get("Config") or []
        subnet = pools[0].get("Subnet") if pools else None
        gateway = pools[0].get("Gateway") if pools else None
        if driver == "overlay":
            if self.client.swarm is None:
                raise SimError(
                    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
                    "connect this node to swarm and try again.",
                    503,
                )
            return _Network(self.client, self.client.swarm.create_overlay(name, subnet, labels=labels))
        with self.client.engine.lock:
            net = self.client.engine.create_network(
                name, subnet, gateway, internal=internal, options=options, labels=labels
            )
            return _Network(self.client, net)


class _Image:
    """What ``client.images.get`` returns."""

    def __init__(self, engine: SimEngine, name: str) -> None:
        self._engine = engine
        self.id = "sha256:" + "0" * 64
        self.tags = [name]

    def tag(self, repository: str, tag: str | None = None, *, force: bool = False) -> bool:
        """``docker tag``: the engine knows the image under one more name."""
        self._engine.add_image(f"{repository}:{tag or 'latest'}")
        return True


class _Images:
    """``client.images``: the lab image is built in; others come by import."""

    def __init__(self, client: SimClient) -> None:
        self.client = client

    @property
    def tags(self) -> set[str]:
        """The tags of the engine's images."""
        return self.client.engine.images

    @_docker_errors()
    def get(self, name: str) -> _Image:
        return _Image(self.client.engine, self.client.engine.image(name))

    @_docker_errors()
    def remove(self, image: str, force: bool = False, noprune: bool = False) -> None:
        self.client.engine.remove_image(image)


class _Api:
    """``client.api``: the low-level calls the Lab makes."""

    def __init__(self, client: SimClient) -> None:
        self.client = client

    def create_endpoint_config(
        self,
        ipv4_address: str | None = None,
        aliases: list[str] | None = None,
        links: dict[str, str] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        config = {"IPAMConfig": {"IPv4Address": ipv4_address} if ipv4_address else None, "Aliases": aliases}
        if links:  # as docker-py writes them
            config["Links"] = [f"{target}:{alias}" if alias else target for target, alias in sorted(links.items())]
        return config

    @_docker_errors()
    def connect_container_to_network(
        self,
        container: str,
        net_id: str,
        ipv4_address: str | None = None,
        aliases: list[str] | None = None,
        links: dict[str, str] | list[tuple[str, str]] | None = None,
        **kw: Any,
    ) -> None:
        """``docker network connect``; ``links`` as docker-py takes them: target -> alias, or (target, alias) pairs."""
        engine = self.client.engine
        pairs = links.items() if isinstance(links, dict) else links or []
        by_alias = {str(alias or target): str(target) for target, alias in pairs}
        engine.connect(engine.box(container), net_id, ipv4_address, aliases or [], by_alias)

    @_docker_errors()
    def disconnect_container_from_network(self, container: str, net_id: str, force: bool = False) -> None:
        engine = self.client.engine
        engine.disconnect(engine.box(container), net_id)

    def import_image_from_data(
        self, data: bytes, repository: str | None = None, tag: str | None = None, **kw: Any
    ) -> dict[str, str]:
        self.client.engine.add_image(f"{repository or ''}:{tag or 'latest'}")
        return {"status": "imported into the dockerlab simulator"}


class SimClient:
    """An in-memory Docker engine with the docker-py surface the Lab uses.

    Parameters
    ----------
    engine_version : str
        The Docker release whose behaviour to follow where releases differ, or a Podman version:
        ``SimClient("podman 4.3")`` (also ``SimClient(engine="podman 4.3")``) follows Podman's rules
        (:class:`~dockerlab.model.Release`).

    Attributes
    ----------
    engine : SimEngine
        The simulated engine's state (networks, containers, address pools).
    shell : Shell
        What ``docker exec`` answers in its containers.

    Examples
    --------
    >>> client = SimClient()
    >>> net = client.networks.create("myBridge", ipam={"Config": [{"Subnet": "10.10.0.0/24"}]})
    >>> for name in ("c1", "c2"):
    ...     client.containers.create(IMAGE, name=name, network="myBridge").start()
    >>> client.containers.get("c1").attrs["NetworkSettings"]["Networks"]["myBridge"]["IPAddress"]
    '10.10.0.2'
    >>> client.containers.get("c1").exec_run(["ping", "-c", "1", "c2"]).exit_code
    0
    >>> client.containers.get("c3")
    Traceback (most recent call last):
    ...
    docker.errors.NotFound: 404 Server Error: No such container: c3 ("No such container: c3")
    """

    def __init__(
        self,
        engine_version: str = DEFAULT_VERSION,
        *,
        bridge: tuple[str, str] | None = None,
        pools: list[str] | None = None,
        engine: str | None = None,
    ) -> None:
        engine_version = engine or engine_version
        self.engine_version = engine_version
        extra: dict[str, Any] = {"bridge": bridge} if bridge else {}
        self.engine = SimEngine(engine_version, images=[IMAGE], pools=pools, **extra)
        #: the simulated swarm this engine is a host of (:mod:`dockerlab.engines.sim.swarm`), if any
        self.swarm: Swarm | None = None
        self.shell = Shell(self.engine)
        self.engine.publish = functools.partial(Proxy, self.shell)
        self.containers = _Containers(self)
        self.networks = _Networks(self)
        self.images = _Images(self)
        self.api = _Api(self)

    def version(self) -> dict[str, str]:
        """``docker version``'s engine part."""
        return {
            "Version": f"{self.engine_version} (dockerlab simulator)",
            "ApiVersion": "1.41",
            "Arch": "amd64",
            "Os": "linux",
        }

    def info(self) -> dict[str, Any]:
        """``docker info``'s fields that dockerlab reads: a plain engine on Linux, no rootless, no Desktop."""
        return {
            "Name": "dockerlab-simulator",
            "ServerVersion": f"{self.engine_version} (dockerlab simulator)",
            "OperatingSystem": "dockerlab simulator",
            "OSType": "linux",
            "Architecture": "x86_64",
            "SecurityOptions": [],
            "Swarm": {"LocalNodeState": "inactive" if self.swarm is None else "active"},
        }

    def ping(self) -> bool:
        """The engine answers."""
        return True

    def close(self) -> None:
        """Nothing to release: the simulated engine lives as long as this object."""


_SHARED: SimClient | None = None
_SHARED_LOCK = threading.Lock()


def shared_client() -> SimClient:
    """The process's simulated engine: every ``Lab(..., engine="sim")`` uses this one, as labs share a real engine."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SimClient()
        return _SHARED


__all__ = ["SimClient", "shared_client"]
