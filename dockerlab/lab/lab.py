"""The Lab: the containers and networks of one lesson, on one real engine.

A lab owns what it creates: every container and network carries the label
``dockerlab.lab=<lab name>``, and cleanup selects by that label only. Every
call that changes the engine prints its equivalent ``docker`` command line
and keeps it in :attr:`Lab.history`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

import docker
import docker.errors
import networkx as nx
import pandas as pd

from dockerlab import model
from dockerlab.engines import backend, reading
from dockerlab.engines import image as labimage
from dockerlab.engines.client import DEFAULT_TIMEOUT, engine_call, remove_labelled
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import (
    DockerlabError,
    EngineError,
    InvalidInput,
    UnknownContainer,
)
from dockerlab.i18n import N_, _
from dockerlab.kernel import probe, topology
from dockerlab.lab import checks, probing, validate
from dockerlab.lab.engineside import EngineSide, Taken
from dockerlab.lab.handle import ContainerHandle, ExecResult, create, exec_in, start_new, wait_ready
from dockerlab.lab.lookup import Lookup
from dockerlab.lab.spec import (
    LAB_LABEL,
    SPEC_LABEL,
    NetworkSpec,
    ProbePlan,
    adopt_or_replace,
    connect_command,
)
from dockerlab.views import html as views
from dockerlab.views.commands import CommandLog, LogsCommands
from dockerlab.views.display import Comparison, Guess
from dockerlab.views.graphs import reachability_graph
from dockerlab.views.progress import percent_bar, run_many
from dockerlab.views.tables import addresses_table, networks_table

#: The resolver every lab container is given: the container's own loopback,
#: where nothing listens. Names the lab does not know then fail at once,
#: inside the lab, instead of being asked of your network's DNS server.
LOCAL_DNS = "127.0.0.1"
READY_SECONDS = 15.0

By = Literal["name", "ip"]


class Lab(LogsCommands):
    """The containers and networks of one lesson, on one engine.

    Parameters
    ----------
    name:
        The lab's name; its resources are labelled ``dockerlab.lab=<name>``.
    client:
        A ``docker.DockerClient``; by default one is made from the environment
        on first use (never at import time).
    image:
        The image containers run; by default the offline lab image.
    dns:
        The resolver given to each container (``--dns``); the default keeps
        every name lookup inside the lab. ``None`` uses the engine's default.
    echo:
        Print each engine-changing command line as it runs.
    engine:
        ``"docker"`` (a real engine), ``"sim"`` (dockerlab's in-memory
        simulator, one per process, shared by its labs) or ``"auto"`` (the
        real engine when one answers, else the simulator; never under CI).
        :mod:`dockerlab.engines.backend` makes the choice.
    log:
        Where the command lines go (:class:`~dockerlab.views.commands.CommandLog`);
        by default a log of its own that prints them when ``echo``. A log
        given here keeps its own ``echo`` and its ``DOCKER_HOST``.
    shared_networks:
        Names of networks made elsewhere that this lab may use as its own,
        asked when needed (a cluster's overlays, made on the swarm's manager).
    """

    def __init__(
        self,
        name: str,
        *,
        client: EngineClient | None = None,
        image: str = labimage.IMAGE,
        dns: str | None = LOCAL_DNS,
        echo: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        engine: str = "docker",
        log: CommandLog | None = None,
        shared_networks: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        if engine not in backend.ENGINES:
            raise InvalidInput(
                _("engine must be one of {engines}, not {engine}.").format(
                    engines=", ".join(backend.ENGINES), engine=repr(engine)
                )
            )
        self.engine = engine
        self.name = validate.lab_name(name)
        self.image = image
        self.dns = None if dns is None else str(validate.ipv4_address(dns, N_("dns server")))
        self.log = log if log is not None else CommandLog(echo=echo)
        self.timeout = timeout
        self._lookup = Lookup(self.name, lambda: self.client, timeout, shared_networks or (lambda: ()))
        self._client = client
        self._simulated = None if client is None else backend.is_simulated(client)
        self._release: model.Release | None = None
        self._side = EngineSide(self.name, lambda: self.client, image, self.network_inspect, timeout)

    # -- the engine ------------------------------------------------------------

    @property
    def client(self) -> EngineClient:
        """The Docker client (or the simulator's stand-in), connected on first use."""
        if self._client is None:
            chosen = backend.choose(self.engine, self.timeout)
            self._client, self._simulated = chosen.client, chosen.simulated
        return self._client

    @property
    def release(self) -> model.Release:
        """The engine's release, for the rules that differ between releases (asked once)."""
        if self._release is None:
            self._release = reading.release_of(self.client, self.timeout)
        return self._release

    @property
    def simulated(self) -> bool:
        """Whether this lab runs on dockerlab's simulator rather than a real engine."""
        if self._simulated is None:
            self.client  # noqa: B018 (connecting says which engine it is)
        return bool(self._simulated)

    def _call(self, operation: str) -> Any:
        return engine_call(operation, self.timeout)

    @property
    def label(self) -> str:
        """The label filter selecting this lab's resources."""
        return f"{LAB_LABEL}={self.name}"

    def provision(self, progress: Callable[[str], None] | None = None, *, pull: bool = False) -> str:
        """Make sure the lab image is on the engine; return its name.

        It is built offline from this machine's static busybox. With
        ``pull=True``, your consent to a download, it is built on Docker's
        busybox pulled by digest instead (see :mod:`dockerlab.engines.pull`), with a
        progress bar made from the pull's progress stream.
        """
        say = progress or self.log.say
        if not pull:
            return labimage.provision(self.client, progress=say, image=self.image)
        percent, close = percent_bar(_("busybox download"), shown=self.echo)
        try:
            return labimage.provision(self.client, progress=say, image=self.image, pull=True, percent=percent)
        finally:
            close()

    def image_plan(self) -> labimage.Plan:
        """Which way the lab image gets onto this engine (present, offline, tag, or pull), changing nothing.

        Notebook 00 shows it: where no local busybox fits (macOS, Windows, a
        binary for another architecture), it says so and offers
        ``lab.provision(pull=True)``.
        """
        return labimage.plan(self.client, image=self.image)

    # -- what the lab owns -----------------------------------------------------

    def _own_containers(self) -> list[Any]:
        return self._lookup.containers()

    @property
    def containers(self) -> list[str]:
        """Names of this lab's containers, sorted."""
        return [c.name for c in self._own_containers()]

    def handles(self) -> list[ContainerHandle]:
        """A handle on each of this lab's containers, sorted by name, from one ``docker ps``."""
        return [ContainerHandle(self, c.name, c.attrs) for c in self._own_containers()]

    def network_inspect(self) -> list[dict[str, Any]]:
        """``docker network inspect`` data of every network on the engine (read only)."""
        with self._call("docker network ls"):
            return [n.attrs for n in self.client.networks.list()]

    def hosts_files(self) -> dict[str, str | None]:
        """The text of each container's ``/etc/hosts``, read in parallel; None where it cannot be read.

        A stopped container gets None. The file is read through the archive
        API (:mod:`dockerlab.engines.reading`), never exec.
        """
        return self._read_hosts(self._own_containers())

    def _read_hosts(self, containers: list[Any]) -> dict[str, str | None]:
        return reading.hosts_files(containers, self.timeout, parallel=not self.simulated)

    def state(self) -> model.State:
        """The model's view of this lab: inspect data, every network, each running container's /etc/hosts.

        Nothing is changed and no packet is sent; :meth:`predict` and
        :meth:`explain` apply Docker's rules (:mod:`dockerlab.model`) to it.
        """
        containers = self._own_containers()
        hosts = self._read_hosts(containers)
        return reading.state_of(containers, self.network_inspect(), hosts, self.release)

    @property
    def network_names(self) -> list[str]:
        """Names of this lab's own networks, sorted (Docker's bridge/host/none excluded)."""
        return [n.name for n in self._lookup.networks()]

    def __getitem__(self, name: str) -> ContainerHandle:
        """``lab["tomcat1"]``: a handle on one of the lab's containers."""
        validate.container_name(name)
        return ContainerHandle(self, name).reload()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.containers

    def _find_container(self, name: str) -> Any | None:
        return self._lookup.container(name)

    def _find_network(self, name: str) -> Any | None:
        return self._lookup.network(name)

    def inspect(self, name: str) -> dict[str, Any]:
        """One of the lab's containers as ``docker inspect`` reports it (read only)."""
        c = self._require_container(name)
        with self._call(f"docker inspect {name}"):
            c.reload()
        return c.attrs

    def _require_container(self, name: str) -> Any:
        return self._lookup.own_container(name)

    def _require_network(self, name: str) -> str:
        return self._lookup.usable_network(name)

    # -- lifecycle -----------------------------------------------------------

    def reset(self) -> None:
        """Remove this lab's containers and networks, and nothing else.

        Safe to call twice; selects by label only (:func:`dockerlab.engines.client.remove_labelled`).
        """
        self.log.record(f"docker ps -aq --filter label={self.label} | xargs -r docker rm -f")
        self.log.record(f"docker network ls -q --filter label={self.label} | xargs -r docker network rm")
        failures = remove_labelled(self.client, self.label, timeout=self.timeout)
        if failures:
            raise EngineError(
                _("Lab {lab} could not remove everything: {failures}").format(
                    lab=self.name, failures="; ".join(failures)
                )
            )

    def close(self) -> None:
        """Reset the lab and release the client."""
        try:
            self.reset()
        finally:
            if self._client is not None:
                self._client.close()
                self._client = None

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- networks --------------------------------------------------------------

    def network(
        self,
        name: str,
        subnet: str | None = None,
        gateway: str | None = None,
        *,
        internal: bool = False,
        icc: bool = True,
    ) -> str:
        """Create a user-defined bridge network (``docker network create``).

        An explicit ``subnet`` that overlaps another Docker network or a route
        of the engine's host is refused with a suggested free subnet. Calling
        again with the same arguments reuses the network.
        """
        validate.network_name(name, creating=True)
        subnet, gateway = validate.subnet_and_gateway(subnet, gateway)
        spec = NetworkSpec(name, self.name, subnet=subnet, gateway=gateway, internal=bool(internal), icc=bool(icc))
        found = self._find_network(name)
        labels = None if found is None else found.attrs.get("Labels") or {}
        if adopt_or_replace(spec, labels, lambda: self.remove_network(name)):
            self.log.say(_("(network {name} exists with this spec: reusing it)").format(name=name))
            return name
        if subnet is not None:
            self._side.refuse_overlap(subnet)
        self.log.record(spec.command_line)
        with self._call(f"docker network create {name}"):
            self.client.networks.create(name, **spec.create_kwargs())
        return name

    def remove_network(self, name: str) -> None:
        """Remove one of the lab's networks (``docker network rm``)."""
        validate.network_name(name, creating=True)
        self._require_network(name)
        self.log.record(f"docker network rm {name}")
        with self._call(f"docker network rm {name}"):
            n = self._find_network(name)
            if n is not None:
                n.remove()

    def networks(self) -> pd.DataFrame:
        """``docker network ls`` for this lesson: Docker's own networks and the lab's."""
        return networks_table(self.network_inspect(), self.name, LAB_LABEL)

    def host_snapshot(self, helper: str = "topology") -> str:
        """The engine host's interfaces, read from the engine's side (:meth:`EngineSide.snapshot`)."""
        return self._side.snapshot(helper)

    def host_routes(self) -> list[tuple[str, str]]:
        """The engine host's IPv4 routes as (destination CIDR, device), read from the engine's side."""
        return self._side.routes()

    def taken_subnets(self, *, ignore_own: bool = False) -> Taken:
        """IPv4 ranges in use on the engine's side, each with what uses it; ``ignore_own`` leaves out the lab's."""
        return self._side.taken(ignore_own=ignore_own)

    def clashes(self, subnet: str | ipaddress.IPv4Network) -> list[str]:
        """What ``subnet`` overlaps: Docker networks and routes of the engine's host, in words."""
        return self._side.clashes(subnet)

    def free_subnet(self, preferred: str | None = None, prefixlen: int = 16) -> str:
        """Return ``preferred`` if no Docker network or host route overlaps it, else a free one.

        ``lab.free_subnet("192.168.0.0/16")`` gives the article's subnet where it
        is free, else the first free /16 in the private ranges.
        """
        return self._side.free_subnet(preferred, prefixlen)

    # -- containers ----------------------------------------------------------

    def run(
        self,
        name: str,
        *,
        network: str | None = None,
        links: list[str] | dict[str, str] | None = None,
        ip: str | None = None,
        aliases: list[str] | None = None,
        ports: dict[int, int] | None = None,
        command: str | list[str] | None = None,
        hostname: str | None = None,
        add_hosts: dict[str, str] | None = None,
    ) -> ContainerHandle:
        """Start a container that keeps running (``docker run -d``).

        ``network`` defaults to Docker's default bridge. ``links`` are ``--link``
        (a list of names or container ids, or a dict target -> alias): on the
        default bridge, a line in this container's /etc/hosts; on a
        user-defined network, a private alias only this container resolves.
        ``ports`` publishes ``{container_port: host_port}`` on the host's
        loopback only; ``hostname`` is ``--hostname``; ``add_hosts`` (name ->
        address) are ``--add-host`` lines in /etc/hosts. Running the same call
        again reuses the container; a different spec recreates it.
        """
        spec = checks.run_spec(
            self._lookup, self.handles, lambda key, attrs: ContainerHandle(self, key, attrs), name,
            image=self.image, dns=self.dns, network=network, links=links, ip=ip, aliases=aliases, ports=ports,
            command=command, hostname=hostname, add_hosts=add_hosts,
        )  # fmt: skip
        spec = checks.for_engine(spec, self.release)
        found = self._find_container(name)
        if adopt_or_replace(spec, None if found is None else found.labels or {}, lambda: self.remove(name)):
            handle = ContainerHandle(self, name).reload()
            if not handle.running:
                return self.start(name)
            self.log.say(_("(container {name} exists with this spec and is running: reusing it)").format(name=name))
            return handle
        labimage.require(self.client, self.image)
        self.log.record(spec.command_line)
        start_new(create(self.client, self.image, spec, self.timeout), spec, self.timeout)
        return self._wait_ready(name)

    def run_many(self, names: list[str], *, progress: Any = None, **kwargs: Any) -> list[ContainerHandle]:
        """:meth:`run` each name with the same ``kwargs``, with a progress bar (see views.progress.run_many)."""
        return run_many(self, names, progress=progress, **kwargs)

    def _wait_ready(self, name: str) -> ContainerHandle:
        """Poll (bounded) until the container runs and has its addresses."""
        return wait_ready(ContainerHandle(self, name), self._last_output, READY_SECONDS)

    def _last_output(self, container_id: str) -> str:
        with self._call("docker logs"):
            return self.client.containers.get(container_id).logs(tail=5).decode(errors="replace")

    def _act(self, name: str, command: str, act: Callable[[Any], object]) -> None:
        """Show ``docker COMMAND NAME`` and do it to the lab's container ``name``."""
        c = self._require_container(name)
        self.log.record(f"docker {command} {name}")
        with self._call(f"docker {command} {name}"):
            act(c)

    def start(self, name: str) -> ContainerHandle:
        """Start a stopped container (``docker start``)."""
        self._act(name, "start", lambda c: c.start())
        return self._wait_ready(name)

    def stop(self, name: str) -> None:
        """Stop a container (``docker stop``); it keeps its name, loses its addresses."""
        self._act(name, "stop", lambda c: c.stop(timeout=5))

    def restart(self, name: str) -> ContainerHandle:
        """Restart a container (``docker restart``)."""
        self._act(name, "restart", lambda c: c.restart(timeout=5))
        return self._wait_ready(name)

    def remove(self, name: str) -> None:
        """Remove a container, running or not (``docker rm -f``); one already gone is not an error."""
        self._act(name, "rm -f", _remove)

    def connect(
        self, network: str, container: str, *, ip: str | None = None, aliases: list[str] | None = None
    ) -> ContainerHandle:
        """Attach a container to one more network (``docker network connect NETWORK CONTAINER``).

        A stopped container may be connected too: it gets its address on the
        new network when it starts.
        """
        net, ip, alias_list = checks.connect_args(self._lookup, network, ip, aliases)
        c = self._require_container(container)
        handle = ContainerHandle(self, container).reload()
        already = checks.already_on(container, net, handle.networks)
        if already is not None:
            self.log.say(already)
            return handle
        checks.joinable(container, handle.networks)
        self.log.record(connect_command(net, container, ip=ip, aliases=alias_list))
        with self._call(f"docker network connect {net} {container}"):
            self.client.api.connect_container_to_network(c.id, net, ipv4_address=ip, aliases=alias_list or None)
        if not handle.running:
            return handle.reload()
        ready = self._wait_ready(container)
        if net not in model.PREDEFINED_NETWORKS:  # the embedded DNS: names on the network, a moment later
            peers = [h.name for h in self.handles() if h.running and h.name != container and net in h.networks]
            probing.until_resolved(self.ping, container, peers)
        return ready

    def disconnect(self, network: str, container: str) -> ContainerHandle:
        """Detach a container from a network (``docker network disconnect``)."""
        net = self._require_network(network)
        c = self._require_container(container)
        handle = ContainerHandle(self, container).reload()
        if net not in handle.networks:
            self.log.say(_("({container} is not on {network})").format(container=container, network=net))
            return handle
        self.log.record(f"docker network disconnect {net} {container}")
        with self._call(f"docker network disconnect {net} {container}"):
            self.client.api.disconnect_container_from_network(c.id, net)
        return handle.reload()

    # -- looking inside --------------------------------------------------------

    def exec(self, name: str, cmd: str | list[str], timeout: float = 10) -> ExecResult:
        """Run a command in a container and return its exit code and output.

        A string is split like a shell would (``"ip addr"``); the command is
        bounded by busybox ``timeout``.
        """
        argv = validate.exec_command(cmd)
        return exec_in(self._require_container(name), name, argv, timeout, self.timeout)

    def read_file(self, name: str, path: str) -> str:
        """The text of a file in a container, for instance ``/etc/hosts``."""
        return self.exec(name, ["cat", path]).output

    def addresses(self) -> pd.DataFrame:
        """One row per (container, network): ip, gateway, mac; like ``docker inspect``."""
        return addresses_table(h.info for h in self.handles())

    # -- probes ----------------------------------------------------------------

    def ping(self, source: str, target: str) -> probe.PingResult:
        """Ping ``target`` (a container name, a name to resolve, or an IP) once from ``source``."""
        return self.ping_many(source, [target])[0]

    def ping_many(self, source: str, targets: list[str]) -> list[probe.PingResult]:
        """Ping each of ``targets`` (names or IPs) once from ``source``, all at once: one ``docker exec``."""
        targets = validate.ping_targets(targets)
        self._require_container(source)
        return self._probe_from(source, targets)

    def _probe_from(self, source: str, targets: list[str]) -> list[probe.PingResult]:
        return probing.ping_from(self._find_container, source, targets, self.timeout)

    def _plan(self, by: By) -> ProbePlan:
        """Who pings whom among the lab's containers now (see :class:`~dockerlab.lab.spec.ProbePlan`)."""
        checked = model.checked_by(by)  # refused before the engine is asked
        return ProbePlan.of([h.info for h in self.handles()], checked)

    def probe(self, by: By = "name") -> pd.DataFrame:
        """Ping every other container from every container, in parallel.

        Returns the long table: one row per (source, target[, network]) with
        ``ok``, the resolved ``address`` and the ``reason``.
        """
        return probing.measure(self._find_container, self._plan(by), self.timeout)

    def reachability(self, by: By = "name") -> pd.DataFrame:
        """Who reaches whom: rows = source, columns = target; the diagonal is NA.

        ``by="ip"`` has a column per address: a MultiIndex (container, network).
        """
        plan = self._plan(by)
        return probing.matrix(probing.measure(self._find_container, plan, self.timeout), plan, by)

    def graph(self, by: By = "name") -> nx.DiGraph:
        """A directed graph: nodes are containers, an edge ``src -> dst`` where reachable."""
        matrix = self.reachability(by)
        return reachability_graph(matrix, self.node_attributes(), by=by)

    def node_attributes(self) -> dict[str, dict[str, Any]]:
        """Each container's networks, addresses and state, as the graphs' nodes carry them."""
        return {h.name: {"networks": h.networks, "addresses": h.ips, "running": h.running} for h in self.handles()}

    # -- under the hood --------------------------------------------------------

    def snapshot(self) -> topology.Snapshot:
        """Both ends of every veth pair of the running containers, read in parallel from the engine's side.

        The containers' side with ``docker exec``, the host's with
        :meth:`host_snapshot`; :func:`dockerlab.kernel.topology.assemble` matches them by index.
        """
        running = [h for h in self.handles() if h.running]
        host_text, inside = probing.interfaces(running, self.exec, self.host_snapshot)
        wanted = {"bridge", *self.network_names, *(n for h in running for n in h.networks)}
        return topology.assemble(host_text, inside, [h.attrs for h in running], self.network_inspect(), wanted)

    def interfaces(self) -> pd.DataFrame:
        """One row per interface of the running containers, with its veth peer and bridge.

        Columns: ``container``, ``interface`` (eth0, eth1...), ``ifindex``,
        ``peer_ifindex`` (the ``N`` of ``eth0@ifN``), ``host_interface`` (the
        host-side veth end), ``host_ifindex``, ``bridge`` (docker0, br-<id>),
        ``network``, ``ip``, ``cidr``, ``mac``, and the ``ip link`` names
        ``label`` (``eth0@if45``) and ``host_label`` (``veth8eb364e@if44``).
        Containers on the host network share the host's interfaces and have no row.
        """
        return self.snapshot().interfaces

    def topology(self) -> nx.Graph:
        """Containers, interfaces, veth ends, bridges and the host as a graph.

        See :func:`dockerlab.kernel.topology.build_graph`.
        """
        return self.snapshot().graph()

    # -- predict and explain -------------------------------------------------

    def explain(self, source: str, target: str, by: By = "name") -> model.Explanation:
        """Why ``source`` can or cannot reach ``target``, from the engine's state alone (no packet sent).

        Returns a :class:`dockerlab.model.Explanation`: ``.reachable``, and a sentence as ``str()``.
        """
        self._require_container(source)
        state = self.state()
        if source not in state.boxes:
            raise UnknownContainer(source, self.name, list(state.boxes))
        return model.explain_state(state, source, target, by)

    def predict(self, by: By = "name") -> pd.DataFrame:
        """The matrix :meth:`reachability` would measure, predicted from state alone (no packet sent)."""
        return model.predict_state(self.state(), by)

    def compare(self, by: By = "name", *, mine: dict[tuple[str, str], bool] | None = None) -> Comparison | Guess:
        """Predict first, then measure (real pings), and put both side by side.

        Without ``mine``, the prediction is dockerlab's, from the engine's
        state (a :class:`~dockerlab.views.display.Comparison`). With ``mine``, it is
        yours: ``{("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}``,
        scored cell by cell (a :class:`~dockerlab.views.display.Guess`). Your pairs
        are checked before anything is measured.
        """
        validate.answered(mine)  # before the engine is touched: blanks stop here, with a short request
        if mine is None:
            predicted = self.predict(by)
            return Comparison(predicted, self.reachability(by), by)
        guess = validate.prediction(mine, self.containers)
        return Guess(guess, self.reachability(by), by)

    def __repr__(self) -> str:
        return f"Lab({self.name!r})"

    def _repr_html_(self) -> str:
        try:
            infos = [h.info for h in self.handles()]
            nets = self.networks()
        except DockerlabError as e:
            return views.error_html(_("lab {name}").format(name=self.name), e)
        return views.lab_html(self.name, LAB_LABEL, infos, nets)

    def __iter__(self) -> Iterator[str]:
        return iter(self.containers)


def _remove(container: Any) -> None:
    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        pass  # already gone: what `rm -f` wanted


__all__ = [
    "LAB_LABEL",
    "LOCAL_DNS",
    "SPEC_LABEL",
    "By",
    "ContainerHandle",
    "ExecResult",
    "Lab",
]
