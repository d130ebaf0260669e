"""A lab across hosts: containers on the extra engines of a :class:`~dockerlab.engines.hosts.Cluster`.

:class:`ClusterLab` keeps one :class:`HostLab` per host (a :class:`~dockerlab.lab.Lab`
on that host's engine, whose command lines carry its ``DOCKER_HOST=...``) and
adds what only several hosts have: overlay networks (made on the swarm's
manager, attachable from every host), reachability across hosts, the model's
prediction over all hosts (:mod:`dockerlab.model.hosts`), the kernel's evidence
(the VXLAN device in each overlay's namespace, ``docker_gwbridge``, MTU 1450)
and the encapsulation captured live on the wire between the hosts.

Container names are unique across the cluster (as service names are in a swarm):
a name taken on one host is refused on another.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import docker
import docker.errors
import networkx as nx
import pandas as pd

from dockerlab import model
from dockerlab.engines.backend import SIM_BANNER, choose_cluster, simulated_choice
from dockerlab.engines.client import engine_call, real_engine
from dockerlab.engines.hosts import VXLAN_PORT, WIRE_SUBNET, Cluster, Host, missing_tools
from dockerlab.engines.sim.swarm import SimHost, SimSwarm
from dockerlab.errors import (
    ClusterError,
    DockerlabError,
    EngineUnavailable,
    InvalidInput,
    NeedsEngine,
    SubnetOverlap,
)
from dockerlab.i18n import N_, _
from dockerlab.kernel import probe
from dockerlab.kernel.links import address_of, device_rows
from dockerlab.lab import validate
from dockerlab.lab.handle import ContainerHandle
from dockerlab.lab.lab import Lab
from dockerlab.lab.spec import LAB_LABEL, NetworkSpec, adopt_or_replace
from dockerlab.model import refusals, subnets
from dockerlab.model.hosts import GWBRIDGE, ClusterState, cluster_state
from dockerlab.views.commands import CommandLog, LogsCommands
from dockerlab.views.display import Comparison, Guess
from dockerlab.views.tables import ADDRESS_COLUMNS
from dockerlab.waits import poll

#: Packets :meth:`ClusterLab.capture` keeps at most.
CAPTURE_PACKETS = 8
#: Seconds the swarm gets to forget a removed overlay.
OVERLAY_GONE_SECONDS = 15.0
#: Seconds the other hosts get to learn, by the swarm's gossip, the name of a container just put on an overlay
#: (on a busy machine it was seen to take over a second, and a measurement at once said "unresolved").
NAME_GOSSIP_SECONDS = 10.0


#: What :meth:`ClusterLab.run` says of a link to a container on another host.
ACROSS_HOSTS = N_(
    "{target} runs on {other}, not on {host}: a link (or --network container:) joins containers of one engine "
    "only. Containers on two hosts reach each other, by name too, over an overlay network both are on "
    "(docker network create -d overlay --attachable)."
)


class HostLab(Lab):
    """One host's part of a :class:`ClusterLab`: a Lab on that host's engine.

    Its command lines are shown with the host's ``DOCKER_HOST=...``, and the
    cluster's overlays count as its networks even before a container of this
    host uses them (a worker lists an overlay only once it has one attached).
    """

    def __init__(self, name: str, host: Host | SimHost, overlays: Any, *, echo: bool = True, **kwargs: Any) -> None:
        log = CommandLog(echo=echo, docker_host=host.socket)
        super().__init__(name, client=host.client(), log=log, shared_networks=overlays, **kwargs)
        self.host = host


class ClusterLab(LogsCommands):
    """The containers and networks of one lesson across the hosts of ``cluster``.

    Parameters
    ----------
    name:
        The lab's name; its resources on every host are labelled ``dockerlab.lab=<name>``.
    cluster:
        A :class:`~dockerlab.engines.hosts.Cluster` that is up, or a simulated one
        (:class:`dockerlab.engines.sim.swarm.SimSwarm`).
    echo:
        Print each engine-changing command line (with its ``DOCKER_HOST``) as it runs.
    """

    def __init__(self, name: str, cluster: Cluster | SimSwarm, *, echo: bool = True) -> None:
        self.name = validate.lab_name(name)
        self.cluster = cluster
        self.log = CommandLog(echo=echo)
        #: the last known host of each container, so that a host that went down still has its rows
        self._seen: dict[str, str] = {}
        #: what the last :meth:`reset` could not remove, in words (a host down, an overlay a task there uses)
        self.not_removed: list[str] = []
        self.labs: dict[str, HostLab] = {
            h: HostLab(name, host, self.overlays, echo=echo) for h, host in cluster.hosts.items()
        }

    # -- plumbing --------------------------------------------------------------

    @property
    def echo(self) -> bool:
        """Whether engine-changing command lines are printed (on every host)."""
        return self.log.echo

    @echo.setter
    def echo(self, value: bool) -> None:
        self.log.echo = bool(value)
        for lab in self.labs.values():
            lab.echo = bool(value)

    @property
    def label(self) -> str:
        return f"{LAB_LABEL}={self.name}"

    @property
    def manager(self) -> HostLab:
        """The lab on the swarm's manager (where overlays are made)."""
        return self.labs[self.cluster.manager.name]

    def lab(self, host: str) -> HostLab:
        """The part of this lab on ``host``; a clear error for a host the cluster does not have."""
        self.cluster.host(host)
        return self.labs[host]

    def _up_hosts(self) -> dict[str, HostLab]:
        """The hosts whose engine answers (a killed host is left out, never waited for)."""

        def answers(item: tuple[str, HostLab]) -> bool:
            try:
                with engine_call("docker version", 3):
                    item[1].client.ping()
            except Exception:  # any failure to answer: the host is down
                return False
            return True

        items = list(self.labs.items())
        with ThreadPoolExecutor(max_workers=len(items)) as pool:
            alive = list(pool.map(answers, items))
        return {h: lab for (h, lab), ok in zip(items, alive, strict=True) if ok}

    def down_hosts(self) -> list[str]:
        """Hosts whose engine does not answer."""
        up = self._up_hosts()
        return [h for h in self.labs if h not in up]

    def _saved(self, host: str) -> list[dict[str, Any]]:
        """The lab's containers on ``host`` (whose engine does not answer) as its engine last saved them."""
        where = self.cluster.hosts[host]
        saved = where.saved_containers() if isinstance(where, Host) else []
        return [a for a in saved if model.has_label((a.get("Config") or {}).get("Labels"), self.label)]

    # -- what exists -------------------------------------------------------------

    def nodes(self) -> pd.DataFrame:
        """``docker node ls`` on the manager: each host's address in the swarm, its role and state."""
        by_address = {h.address: name for name, h in self.cluster.hosts.items()}
        rows = []
        if isinstance(self.cluster, SimSwarm):
            for i, (name, h) in enumerate(self.cluster.hosts.items()):
                role = "worker" if i else "manager"
                rows.append({"host": name, "address": h.address, "role": role, "state": "ready"})
            return pd.DataFrame(rows, columns=["host", "address", "role", "state"])
        down = self.down_hosts()
        if self.cluster.manager.name in down:  # no manager to ask: what each host is, from the cluster itself
            for i, name in enumerate(self.cluster.hosts):
                state = "host-down" if name in down else "?"
                address = self.cluster.hosts[name].address
                rows.append({"host": name, "address": address, "role": "worker" if i else "manager", "state": state})
        else:
            with engine_call("docker node ls"):
                for n in real_engine(self.manager.client, "docker node ls").nodes.list():
                    address = n.attrs.get("Status", {}).get("Addr", "")
                    host = by_address.get(address, "?")
                    rows.append(
                        {
                            "host": host,
                            "address": address,
                            "role": n.attrs.get("Spec", {}).get("Role", ""),
                            # the manager notices a dead host only after some seconds: its engine is asked too
                            "state": "host-down" if host in down else n.attrs.get("Status", {}).get("State", ""),
                        }
                    )
        return pd.DataFrame(rows, columns=["host", "address", "role", "state"]).sort_values("host", ignore_index=True)

    def overlays(self) -> list[str]:
        """The lab's overlay networks (asked of the manager; while it is down, of the hosts that answer, which
        list the overlays their containers use)."""
        filters = {"label": self.label, "driver": "overlay"}
        found = set()
        for lab in [self.manager, *(x for x in self.labs.values() if x is not self.manager)]:
            try:
                with engine_call("docker network ls --filter driver=overlay", 5):
                    found |= {n.name for n in lab.client.networks.list(filters=filters) if n.name}
            except EngineUnavailable:
                continue
            if lab is self.manager:
                break
        return sorted(found)

    def hosts_of(self) -> dict[str, str]:
        """Each of the lab's containers -> its host: from every host that answers, and for a host that is down,
        the containers it had when last seen."""
        up = self._up_hosts()
        out: dict[str, str] = {n: h for n, h in self._seen.items() if h not in up}
        for h in self.labs:
            if h not in up:
                out.update({str(a.get("Name", "")).lstrip("/"): h for a in self._saved(h)})
        for h, lab in up.items():
            for name in lab.containers:
                out[name] = h
        self._seen = {n: h for n, h in out.items()}
        return dict(sorted(out.items()))

    @property
    def containers(self) -> list[str]:
        """Names of the lab's containers on every host, sorted."""
        return list(self.hosts_of())

    def host_of(self, name: str) -> str:
        """The host running container ``name``."""
        validate.container_name(name)
        where = self.hosts_of()
        if name not in where:
            raise InvalidInput(
                _("lab {lab!r} has no container named {name!r} on any host (it has: {have})").format(
                    lab=self.name, name=name, have=", ".join(where) or "-"
                )
            )
        return where[name]

    def __getitem__(self, name: str) -> ContainerHandle:
        return self.labs[self.host_of(name)][name]

    # -- networks --------------------------------------------------------------

    def taken_subnets(self) -> list[tuple[ipaddress.IPv4Network, str]]:
        """Ranges in use anywhere in the cluster: every host's Docker networks and the wire between the hosts."""
        taken = [(WIRE_SUBNET, _("the wire between the hosts ({subnet})").format(subnet=WIRE_SUBNET))]
        seen = set()
        for h, lab in self._up_hosts().items():
            for attrs in lab.network_inspect():
                for subnet, _gw in model.ipv4_pools(attrs):
                    net = subnets.network(subnet)
                    key = (str(net), attrs.get("Name"))
                    if key not in seen:
                        seen.add(key)
                        taken.append((net, f"network {attrs.get('Name')!r} on {h} ({net})"))
        return taken

    def network(
        self,
        name: str,
        subnet: str | None = None,
        *,
        driver: str = "bridge",
        host: str | None = None,
        attachable: bool = True,
    ) -> str:
        """Create a network: an overlay across the hosts (``driver="overlay"``), or a bridge on ``host``.

        An overlay's explicit ``subnet`` must not overlap any network of any
        host, nor the wire between them.
        """
        if driver == "bridge":
            if host is None:
                raise InvalidInput(_("a bridge is local to one host: say which, host='host1'"))
            return self.lab(host).network(name, subnet)
        if driver != "overlay":
            raise InvalidInput(_("driver must be 'bridge' or 'overlay', not {driver!r}").format(driver=driver))
        validate.network_name(name, creating=True)
        subnet, _gw = validate.subnet_and_gateway(subnet, None)
        spec = NetworkSpec(name, self.name, driver="overlay", subnet=subnet, attachable=bool(attachable))
        m = self.manager
        with engine_call(f"docker network ls --filter name={name}"):
            found = next((n for n in m.client.networks.list(names=[name]) if n.name == name), None)
        labels = None if found is None else found.attrs.get("Labels") or {}
        if adopt_or_replace(spec, labels, lambda: self.remove_network(name)):
            return name
        if subnet is not None:
            refused = refusals.pool_overlap(subnet, self.taken_subnets())
            if refused is not None:
                raise SubnetOverlap(subnet, list(refused.clashes), None)
        self.log.record(spec.command_line, docker_host=m.host.socket)
        with engine_call(f"docker network create --driver overlay {name}"):
            m.client.networks.create(name, **spec.create_kwargs())
        return name

    def remove_network(self, name: str) -> None:
        """Remove one of the lab's overlays (on the manager) or bridges (on their host)."""
        if name in self.overlays():
            self.log.record(f"docker network rm {name}", docker_host=self.manager.host.socket)
            with engine_call(f"docker network rm {name}"):
                self.manager.client.networks.get(name).remove()
            # The swarm removes an overlay asynchronously: wait (bounded) until its name is free again.
            gone = poll(lambda: True if name not in self.overlays() else None, OVERLAY_GONE_SECONDS, delay=0.05)
            if gone is None:
                raise ClusterError(
                    _("the swarm still lists overlay {name} {seconds:g} s after docker network rm").format(
                        name=name, seconds=OVERLAY_GONE_SECONDS
                    )
                )
            return
        for lab in self._up_hosts().values():
            if name in lab.network_names:
                lab.remove_network(name)
                return
        raise InvalidInput(_("lab {lab!r} has no network {name!r} on any host").format(lab=self.name, name=name))

    # -- containers ----------------------------------------------------------

    def run(self, name: str, *, host: str, network: str | None = None, **kwargs: Any) -> ContainerHandle:
        """Start a container on ``host`` (``DOCKER_HOST=... docker run -d``); see :meth:`Lab.run`."""
        lab = self.lab(host)
        validate.container_name(name)
        elsewhere = self.hosts_of().get(name)
        if elsewhere not in (None, host):
            raise InvalidInput(
                _("{name} already runs on {other}: container names are unique across the cluster").format(
                    name=name, other=elsewhere
                )
            )
        self._refuse_across_hosts(host, network, kwargs.get("links"))
        handle = lab.run(name, network=network, **kwargs)
        if network is not None:
            self._until_known(network, name)
        return handle

    def _refuse_across_hosts(self, host: str, network: str | None, links: object) -> None:
        """A link (or ``--network container:``) to a container of another host: say where it runs.

        Docker joins containers of one engine only this way; without this, the host's lab would answer that no
        container of that name exists.
        """
        wanted = list(validate.links(links)) if links else []
        if network and network.startswith("container:"):
            wanted.append(network.split(":", 1)[1])
        where = self.hosts_of()
        for target in wanted:
            other = where.get(target)
            if other not in (None, host):
                raise InvalidInput(_(ACROSS_HOSTS).format(target=target, other=other, host=host))

    def _on(self, name: str) -> HostLab:
        return self.labs[self.host_of(name)]

    def stop(self, name: str) -> None:
        self._on(name).stop(name)

    def start(self, name: str) -> ContainerHandle:
        return self._on(name).start(name)

    def restart(self, name: str) -> ContainerHandle:
        return self._on(name).restart(name)

    def remove(self, name: str) -> None:
        self._on(name).remove(name)

    def connect(self, network: str, container: str, **kwargs: Any) -> ContainerHandle:
        """Attach ``container`` to ``network`` (``docker network connect``); on an overlay, return once the
        containers of the other hosts on it know the name (see :meth:`_until_known`)."""
        handle = self._on(container).connect(network, container, **kwargs)
        self._until_known(network, container)
        return handle

    def _until_known(self, network: str, container: str) -> None:
        """Wait (at most :data:`NAME_GOSSIP_SECONDS`) until the running containers on ``network`` of the other
        hosts resolve and reach ``container`` by name: the swarm tells the other hosts' embedded DNS by gossip,
        a moment after the engine has answered. Nothing is waited for on a bridge, or when nobody asks."""
        if network not in self.overlays():
            return
        here = self.host_of(container)
        peers = [
            (lab, h.name)
            for host, lab in self._up_hosts().items()
            if host != here
            for h in lab.handles()
            if h.running and network in h.networks
        ]

        def all_known() -> bool | None:
            nonlocal peers
            peers = [(lab, peer) for lab, peer in peers if not lab.ping(peer, container).ok]
            return True if not peers else None

        poll(all_known, NAME_GOSSIP_SECONDS, delay=0.25)

    def disconnect(self, network: str, container: str) -> ContainerHandle:
        return self._on(container).disconnect(network, container)

    def exec(self, name: str, cmd: str | list[str], timeout: float = 10) -> Any:
        return self._on(name).exec(name, cmd, timeout=timeout)

    def reset(self) -> None:
        """Remove the lab's containers on every host, then its bridges, then its overlays; nothing else.

        A host that is down keeps its containers, and an overlay a task there still uses stays: the rest is
        removed all the same, and what stays is named (and kept in :attr:`not_removed`).
        """
        up = self._up_hosts()
        self.not_removed = [self._down_note(h) for h in self.labs if h not in up]
        for lab in up.values():  # one after another: the command lines come out in a stable order
            self.not_removed += _remove_containers(lab)
        overlays = set(self.overlays()) if self.manager.host.name in up else set()
        for lab in up.values():
            for n in lab.network_names:
                if n not in overlays and n not in self.overlays():
                    self._try(n, partial(lab.remove_network, n))
        for n in sorted(overlays):
            self._try(n, partial(self.remove_network, n))
        if self.not_removed:
            self.log.say(_("reset() removed the rest, but not:") + "".join(f"\n  - {x}" for x in self.not_removed))

    def _down_note(self, host: str) -> str:
        """What :meth:`reset` says of a host that is down."""
        names = sorted(n for n, h in self.hosts_of().items() if h == host)
        return _(
            "the containers on {host} ({containers}): {host} is down (its engine does not answer); "
            "open_cluster() restarts it"
        ).format(host=host, containers=", ".join(names) or "-")

    def _try(self, network: str, remove: Callable[[], None]) -> None:
        """Remove ``network``; if the engine refuses (a task on a host that is down still uses it), say so."""
        try:
            remove()
        except (DockerlabError, docker.errors.DockerException) as e:
            self.not_removed.append(_("network {name}: {error}").format(name=network, error=str(e).strip()))

    def close(self) -> None:
        try:
            self.reset()
        finally:
            for lab in self.labs.values():
                lab.client.close()

    def __enter__(self) -> ClusterLab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state, predict, measure ---------------------------------------------

    def state(self) -> ClusterState:
        """The model's view of every host (no packet sent): see :func:`dockerlab.model.hosts.cluster_state`."""
        up = self._up_hosts()
        per_host: dict[str, Any] = {}
        for h, lab in self.labs.items():
            if h in up:
                handles = lab.handles()
                per_host[h] = ([x.attrs for x in handles], lab.network_inspect(), lab.hosts_files())
            else:  # what its engine last saved: the containers stay known, their cells read host-down
                per_host[h] = (self._saved(h), [], {})
        release = next(iter(up.values())).release if up else None
        return cluster_state(per_host, release, down=[h for h in self.labs if h not in up])

    def predict(self, by: str = "name") -> pd.DataFrame:
        """The matrix :meth:`reachability` would measure, predicted from the state of every host."""
        return model.predict_state(self.state(), by)

    def explain(self, source: str, target: str, by: str = "name") -> model.Explanation:
        """Why ``source`` can or cannot reach ``target``, across hosts (no packet sent)."""
        return model.explain_state(self.state(), source, target, by)

    def addresses(self) -> pd.DataFrame:
        """One row per (host, container, network): the addresses ``docker inspect`` reports on each host."""
        frames = []
        for h, lab in self._up_hosts().items():
            f = lab.addresses()
            f.insert(0, "host", h)
            frames.append(f)
        if not frames:
            return pd.DataFrame(columns=["host", *ADDRESS_COLUMNS])
        return pd.concat(frames, ignore_index=True).sort_values(["container", "network"], ignore_index=True)

    def probe(self, by: str = "name", state: ClusterState | None = None) -> pd.DataFrame:
        """Ping every other container from every container, on every host at once; rows of a host that is down
        read ``host-down`` (never a hang)."""
        model.checked_by(by)
        state = state or self.state()
        lost = {n: h for n, h in self._seen.items() if h in state.down and n not in state.boxes}
        names = sorted([*state.boxes, *lost])
        down = {**lost, **state.down_boxes()}
        meaning: dict[str, tuple[str, str | None]] = {n: (n, None) for n in names}
        targets: dict[str, list[str]] = {}
        for src in names:  # a target on a host that is down is not pinged: its cell reads host-down
            if by == "name":
                targets[src] = [n for n in names if n != src and n not in down]
            else:
                targets[src] = []
                for dst in state.boxes.values():
                    if dst.name != src and dst.name not in down:
                        for net, ip in dst.ips.items():
                            targets[src].append(ip)
                            meaning[ip] = (dst.name, net)
        results: list[probe.PingResult] = []

        def one(src: str) -> list[probe.PingResult]:
            host = down.get(src) or state.host_of[src]
            if host in state.down:
                return probe.failed(src, targets[src], "host-down")
            try:
                return self.labs[host].ping_many(src, targets[src])
            except EngineUnavailable:
                return probe.failed(src, targets[src], "host-down")

        if names:
            with ThreadPoolExecutor(max_workers=min(16, len(names))) as pool:
                for batch in pool.map(one, names):
                    results.extend(batch)
        return probe.results_frame(results, meaning)

    def reachability(self, by: str = "name", state: ClusterState | None = None) -> pd.DataFrame:
        """Who reaches whom across hosts (rows = source); :meth:`by_host` labels rows and columns with hosts.

        ``state`` (:meth:`state`, read once) saves reading the hosts again.
        """
        state = state or self.state()
        frame = self.probe(by, state)
        names = sorted({*state.boxes, *(n for n, h in self._seen.items() if h in state.down)})
        if by == "name":
            return model.mark_down(probe.name_matrix(frame, names), state)
        cols = [(b.name, net) for b in state.boxes.values() for net in b.ips]
        return model.mark_down(probe.ip_matrix(frame, names, cols if len(names) > 1 else []), state)

    def compare(self, by: str = "name", *, mine: dict[tuple[str, str], bool] | None = None) -> Comparison | Guess:
        """Predict first (yours with ``mine``, else dockerlab's), then measure across the hosts."""
        validate.answered(mine)  # before the engine is touched: blanks stop here, with a short request
        if mine is None:
            predicted = self.predict(by)
            return Comparison(predicted, self.reachability(by), by)
        guess = validate.prediction(mine, self.containers)
        return Guess(guess, self.reachability(by), by)

    def by_host(self, matrix: pd.DataFrame) -> pd.DataFrame:
        """``matrix`` with each row and column label prefixed by its container's host: ``(host1, a1)``."""
        where = self.hosts_of()
        down = matrix.attrs.get("down") or {}

        def host(name: str) -> str:  # a host that is down says so: its cells are <NA>, neither measured nor predicted
            return f"{where.get(name, '?')} (host-down)" if name in down else where.get(name, "?")

        out = matrix.copy()
        out.index = pd.MultiIndex.from_tuples([(host(n), n) for n in matrix.index], names=["host", "source"])
        if not isinstance(matrix.columns, pd.MultiIndex):
            out.columns = pd.MultiIndex.from_tuples([(host(n), n) for n in matrix.columns], names=["host", "target"])
        return out

    # -- under the hood --------------------------------------------------------

    def _needs_kernel(self, what: str) -> None:
        if isinstance(self.cluster, SimSwarm):
            raise NeedsEngine(
                _(
                    "{what} reads the kernel of real hosts; the simulated swarm has none: run it on a real cluster "
                    "(dockerlab hosts up, as root on Linux)"
                ).format(what=what)
            )

    def interfaces(self) -> pd.DataFrame:
        """Every interface of the lab's running containers, and of each overlay's namespace, on every host.

        Columns: ``host``, ``inside`` (a container, or ``overlay <net>``),
        ``interface``, ``kind`` (veth, vxlan, bridge), ``mtu``, ``master``,
        ``vxlan_id``, ``udp_port``, ``ip``, ``network``. The VXLAN device is
        the overlay's tunnel end on each host; a container's eth1 is its leg on
        ``docker_gwbridge``.
        """
        self._needs_kernel("interfaces()")
        rows: list[dict[str, Any]] = []
        overlays = self.overlays()
        for h, lab in self._up_hosts().items():
            for handle in lab.handles():
                if not handle.running:
                    continue
                text = lab.exec(handle.name, ["ip", "-o", "addr", "show"]).output
                links = lab.exec(handle.name, ["ip", "-o", "link", "show"]).output
                for link in device_rows(links):
                    if link["interface"] == "lo":
                        continue
                    ip = address_of(text, link["interface"])
                    network = next((n for n, a in handle.ips.items() if a == ip), None)
                    if network is None and ip:
                        network = GWBRIDGE
                    rows.append({"host": h, "inside": handle.name, **link, "ip": ip, "network": network})
            rows += self._overlay_devices(h, overlays)
        cols = ["host", "inside", "interface", "kind", "mtu", "master", "vxlan_id", "udp_port", "ip", "network"]
        return pd.DataFrame(rows, columns=cols)

    def topology(self) -> nx.Graph:
        """Hosts, containers, their interfaces, the bridges of each host, and each overlay with its VXLAN
        device on every host, as a graph (from :meth:`interfaces`).

        Nodes carry ``kind`` (host, container, interface, bridge, vxlan, overlay) and a ``label``; an
        interface also its ``network``, ``ip`` and ``mtu``, a VXLAN device its ``vxlan_id`` and
        ``udp_port``. A local network is one node per host (``bridge@host1``); an overlay is one node.
        """
        df = self.interfaces()
        overlays = set(self.overlays())
        g: nx.Graph = nx.Graph()
        r: Any  # a row of the interfaces table
        for r in df.itertuples(index=False):
            host = f"host:{r.host}"
            g.add_node(host, kind="host", label=r.host)
            if str(r.inside).startswith("overlay "):
                if r.kind != "vxlan":
                    continue
                vxlan = f"vxlan:{r.host}/{r.network}"
                g.add_node(vxlan, kind="vxlan", label=f"{r.interface}@{r.host}", vxlan_id=int(r.vxlan_id),
                           udp_port=int(r.udp_port), network=r.network)  # fmt: skip
                g.add_node(f"overlay:{r.network}", kind="overlay", label=str(r.network))
                g.add_edge(host, vxlan)
                g.add_edge(vxlan, f"overlay:{r.network}")
                continue
            box, nic = f"container:{r.inside}", f"interface:{r.inside}/{r.interface}"
            g.add_node(box, kind="container", label=r.inside)
            g.add_edge(host, box)
            g.add_node(nic, kind="interface", label=r.interface, network=r.network, ip=r.ip, mtu=int(r.mtu))
            g.add_edge(box, nic)
            if r.network in overlays:
                g.add_node(f"overlay:{r.network}", kind="overlay", label=str(r.network))
                g.add_edge(nic, f"overlay:{r.network}")
            elif r.network:
                bridge = f"bridge:{r.network}@{r.host}"
                g.add_node(bridge, kind="bridge", label=f"{r.network}@{r.host}", network=r.network)
                g.add_edge(nic, bridge)
                g.add_edge(bridge, host)
        return g

    def _overlay_devices(self, host: str, overlays: list[str]) -> list[dict[str, Any]]:
        """The VXLAN devices in the overlay namespaces (``<exec-root>/netns/1-<network id>``) of ``host``."""
        h = self.cluster.hosts[host]
        if not isinstance(h, Host):  # a simulated host has no kernel
            return []
        rows = []
        lab = self.labs[host]
        for net in lab.client.networks.list(filters={"driver": "overlay"}):
            if net.name not in overlays:
                continue
            ns = h.dir / "exec" / "netns" / f"1-{(net.id or '')[:10]}"
            if not ns.exists():
                continue
            argv = ["nsenter", f"--net={ns}", "ip", "-d", "-o", "link", "show"]
            out = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout
            for link in device_rows(out):
                if link["interface"] != "lo":
                    where = {"host": host, "inside": f"overlay {net.name}"}
                    rows.append({**where, **link, "ip": None, "network": net.name})
        return rows

    def capture(self, source: str, target: str, count: int = 4) -> pd.DataFrame:
        """Ping ``target`` from ``source`` while capturing UDP 4789 on the wire between the hosts.

        ``tcpdump`` runs in the wire's namespace, on the lab's own bridge only,
        and stops after ``count`` packets (at most :data:`CAPTURE_PACKETS`) or 10 s.
        One row per packet: the outer addresses (host to host, UDP 4789), the
        VXLAN id, and the inner addresses (container to container).
        """
        if isinstance(self.cluster, SimSwarm):  # no kernel, no packets: say so, and the chapter goes on
            print(_(NO_KERNEL))
            return pd.DataFrame(columns=CAPTURE_COLUMNS)
        count = max(1, min(int(count), CAPTURE_PACKETS))
        argv = [
            "ip", "netns", "exec", self.cluster.wire, "timeout", "10", "tcpdump", "-l", "-nn", "-c", str(count),
            "-i", self.cluster.bridge, "udp", "port", str(VXLAN_PORT),
        ]  # fmt: skip
        self.log.record(" ".join(argv))
        err = tempfile.TemporaryFile()
        dump = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            ready = poll(lambda: True if _listening(dump, err) else None, 5, delay=0.05, max_delay=0.1)
            if ready is None:
                err.seek(0)
                raise ClusterError(_("tcpdump did not start: {error}").format(error=err.read().decode().strip()))
            pings = max(1, (count + 1) // 2)
            self.exec(source, ["ping", "-c", str(pings), "-i", "0.2", "-W", "1", target])
            out, _err = dump.communicate(timeout=12)
        finally:
            if dump.poll() is None:
                dump.kill()
                dump.wait()
            err.close()
        return parse_vxlan(out)


def _listening(proc: subprocess.Popen, err: Any) -> bool:
    """Whether tcpdump has its socket open (it prints 'listening on' to stderr when it does)."""
    err.seek(0)
    return b"listening on" in err.read() and proc.poll() is None


#: What the kernel-evidence cells of chapter 08 say on the simulated swarm.
NO_KERNEL = N_(
    "(simulated: the simulated swarm has no kernel to show, so there are no VXLAN devices, docker_gwbridge "
    "or packets to capture here; run the chapter as root on Linux to see them)"
)
#: The columns of :meth:`ClusterLab.capture`'s table.
CAPTURE_COLUMNS = ["outer_src", "outer_dst", "udp_port", "vni", "inner_src", "inner_dst", "inner"]


#: The directories of the real clusters :func:`open_cluster` brought up in this process (not found up).
_STARTED: set[str] = set()


def open_cluster(echo: bool = True) -> Cluster | Any:
    """Chapter 08's hosts: the real cluster, or where extra engines cannot be started the simulated swarm
    (the choice is :func:`dockerlab.engines.backend.choose_cluster`'s).

    It remembers whether it brought the real hosts up or found them up (chapter 08's, say), so that
    :func:`close_cluster` stops only what this process started.
    (On Docker Desktop, :func:`dockerlab.engines.hosts.single_node_swarm` also shows an overlay on one real host.)
    """
    before = not simulated_choice() and not missing_tools() and Cluster(echo=False).status().up
    cluster = choose_cluster(echo)
    if isinstance(cluster, Cluster) and not before:
        _STARTED.add(str(cluster.root))
    return cluster


def close_cluster(cluster: Cluster | SimSwarm) -> None:
    """Stop the hosts :func:`open_cluster` brought up in this process; leave alone hosts it found up.

    Hosts that were up before (chapter 08's, or another notebook's) stay up for whoever uses them, and it says
    so; ``dockerlab hosts down`` removes them. The simulated swarm lives in the kernel's memory: nothing to stop.
    Safe to call twice.
    """
    if not isinstance(cluster, Cluster):
        return
    if str(cluster.root) in _STARTED:
        cluster.down()
        _STARTED.discard(str(cluster.root))
        return
    print(_(KEPT_UP).format(name=cluster.name))


#: What :func:`close_cluster` says of hosts it did not start.
KEPT_UP = N_(
    "(the hosts of cluster {name} were up before this notebook opened them: they stay up; "
    "`dockerlab hosts down` removes them)"
)


def _remove_containers(lab: Lab) -> list[str]:
    """Remove the lab's containers on ``lab``'s host; what could not be removed, in words."""
    left = []
    for name in lab.containers:
        try:
            lab.remove(name)
        except docker.errors.NotFound:
            pass
        except (DockerlabError, docker.errors.DockerException) as e:
            left.append(_("container {name}: {error}").format(name=name, error=str(e).strip()))
    return left


_OUTER = re.compile(r"IP (\d+\.\d+\.\d+\.\d+)\.\d+ > (\d+\.\d+\.\d+\.\d+)\.(\d+): VXLAN.*?vni (\d+)")
_INNER = re.compile(r"IP (\d+\.\d+\.\d+\.\d+) > (\d+\.\d+\.\d+\.\d+): (ICMP [^,]+)")


def parse_vxlan(text: str) -> pd.DataFrame:
    """tcpdump's lines for VXLAN packets (``-nn``) as rows: outer source/destination and port, vni, inner
    source/destination and what it carries.

    >>> t = ("12:00:00.1 IP 10.199.0.11.41000 > 10.199.0.12.4789: VXLAN, flags [I] (0x08), vni 4097\\n"
    ...      "IP 10.197.1.2 > 10.197.1.4: ICMP echo request, id 9, seq 0, length 64\\n")
    >>> parse_vxlan(t).iloc[0].to_dict()
    {'outer_src': '10.199.0.11', 'outer_dst': '10.199.0.12', 'udp_port': 4789, 'vni': 4097, \
'inner_src': '10.197.1.2', 'inner_dst': '10.197.1.4', 'inner': 'ICMP echo request'}
    """
    rows = []
    for line in text.splitlines():
        outer = _OUTER.search(line)
        if outer:
            rows.append(
                {
                    "outer_src": outer[1],
                    "outer_dst": outer[2],
                    "udp_port": int(outer[3]),
                    "vni": int(outer[4]),
                    "inner_src": None,
                    "inner_dst": None,
                    "inner": None,
                }
            )
            rest = line[outer.end() :]
        else:
            rest = line
        inner = _INNER.search(rest)
        if inner and rows and rows[-1]["inner_src"] is None:
            rows[-1].update(inner_src=inner[1], inner_dst=inner[2], inner=inner[3])
    cols = CAPTURE_COLUMNS
    return pd.DataFrame(rows, columns=cols)


__all__ = [
    "ACROSS_HOSTS",
    "CAPTURE_PACKETS",
    "KEPT_UP",
    "SIM_BANNER",
    "ClusterLab",
    "HostLab",
    "close_cluster",
    "open_cluster",
    "parse_vxlan",
]
