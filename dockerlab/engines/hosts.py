"""Several real Docker engines on one machine, joined by Docker Swarm: the hosts of chapter 08.

Every host of the cluster is an *extra* engine: a ``dockerd`` of its own in a
network namespace of its own, all under one lab-owned directory
(:data:`ROOT`). The machine's main engine (``/var/run/docker.sock``) is never
a host and never joins a swarm, so the single-engine chapters, the tests and
the simulator never see ``docker_gwbridge``, ``ingress`` or a taken address
pool, and other users of that engine are not disturbed. What
:meth:`Cluster.up` makes, all named ``<name>-...`` (``dlab-`` by default)::

    ip netns add dlab-wire                      # the "switch" between the hosts
    ip -n dlab-wire link add dlab-br0 type bridge
    ip netns add dlab-host1                     # one per host
    ip link add ... type veth peer ...          # host1's eth0 <-> a port of dlab-br0
    nsenter --net=/run/netns/dlab-host1 dockerd --data-root D --exec-root E \\
        -H unix:///run/dockerlab/hosts/dlab/host1/docker.sock --pidfile P ...
    docker save dockerlab/labbox:... | DOCKER_HOST=unix://... docker load
    DOCKER_HOST=unix://.../host1/docker.sock docker swarm init --advertise-addr 10.199.0.11 ...
    DOCKER_HOST=unix://.../host2/docker.sock docker swarm join --token ... 10.199.0.11:2377

Even the bridge between the hosts lives in a namespace (``dlab-wire``): the
machine's own interfaces, routes and iptables chains stay exactly as they
were (the main engine's ``FORWARD DROP`` policy would otherwise drop the
bridged traffic). Each host gets its own address ranges (``--bip`` and
``--default-address-pool``, see :func:`dockerlab.model.hosts.host_ranges`), so that every address in
the lab names one container; real machines often all use 172.17.0.0/16.

:meth:`Cluster.down` undoes everything, also what an interrupted ``up()``
left: ``docker swarm leave --force`` on every host, each daemon stopped by
its pid file with a bounded wait, the namespaces deleted (with the veths and
the bridge in them), the directory unmounted and removed. It needs root on
Linux, ``ip`` (iproute2) and ``nsenter`` (util-linux). Where they are
missing (Docker Desktop, rootless, not root), :func:`single_node_swarm`
shows an overlay on a one-node swarm of the main engine instead, and the
simulator stays available; each says so first.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import docker
import docker.errors

from dockerlab.engines import image as labimage
from dockerlab.engines.client import engine_call, in_ci, real_engine
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import ClusterError, ClusterUnavailable, InvalidInput
from dockerlab.i18n import _
from dockerlab.model.hosts import SWARM_POOL, host_ranges
from dockerlab.views.commands import CommandLog, LogsCommands
from dockerlab.waits import poll, wait_until

#: The lab-owned directory under which every cluster keeps its daemons' files.
ROOT = Path(os.environ.get("DOCKERLAB_HOSTS_ROOT", "/run/dockerlab/hosts"))
#: The wire between the hosts: a private /24 no lab network and no Docker default pool uses.
WIRE_SUBNET = ipaddress.IPv4Network("10.199.0.0/24")
#: VXLAN's UDP port (``--data-path-port`` keeps it).
VXLAN_PORT = 4789
#: Seconds a daemon gets to answer, a swarm to form, a daemon to stop.
DAEMON_SECONDS = 20.0
SWARM_SECONDS = 30.0
STOP_SECONDS = 8.0
CLUSTER_NAME = re.compile(r"[a-z][a-z0-9]{0,5}")
HOST_NAME = re.compile(r"[a-z][a-z0-9]{0,7}")
#: The API version of a client made while its host's engine is down (Engine 20.10's; any answering engine
#: of the cluster speaks it).
DOWN_API_VERSION = "1.41"


def wire_address(index: int) -> str:
    """Host number ``index``'s address on the wire.

    >>> wire_address(1)
    '10.199.0.11'
    """
    return str(WIRE_SUBNET.network_address + 10 + index)


def missing_tools() -> list[str]:
    """What this machine lacks for extra engines (empty when the cluster can be made)."""
    missing = []
    if os.name != "posix" or not Path("/proc/self/ns/net").exists():
        return [_("Linux network namespaces (this is not Linux: Docker Desktop users get the fallback)")]
    if os.geteuid() != 0:
        missing.append(_("root (network namespaces and extra daemons need it: run as root)"))
    for tool in ("ip", "nsenter", "dockerd"):
        if shutil.which(tool) is None:
            missing.append(tool)
    return missing


def unavailable_message(missing: list[str]) -> str:
    """What to tell a learner whose machine cannot start extra engines."""
    return _(
        "Extra Docker engines cannot be started here: missing {missing}. They need root on Linux with "
        "`ip` (iproute2) and `nsenter` (util-linux). Run as root (sudo), or use the fallback: "
        "dockerlab.hosts.single_node_swarm() shows an overlay on the main engine, and "
        "Lab(..., engine='sim') the simulator."
    ).format(missing=", ".join(missing))


def _run(argv: list[str], timeout: float = 10, check: bool = True) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise ClusterError(
            _("{command} did not finish within {seconds} s").format(command=" ".join(argv), seconds=timeout)
        ) from e
    if check and done.returncode != 0:
        raise ClusterError(
            _("{command} failed: {error}").format(command=" ".join(argv), error=(done.stderr or done.stdout).strip())
        )
    return done.stdout


@dataclass
class Host:
    """One extra engine of the cluster."""

    name: str
    index: int
    cluster: str
    root: Path

    @property
    def netns(self) -> str:
        """Its network namespace (``ip netns``)."""
        return f"{self.cluster}-{self.name}"

    @property
    def address(self) -> str:
        """Its address on the wire."""
        return wire_address(self.index)

    @property
    def dir(self) -> Path:
        return self.root / self.name

    @property
    def socket(self) -> str:
        """Its engine's ``DOCKER_HOST``."""
        return f"unix://{self.dir / 'docker.sock'}"

    @property
    def pidfile(self) -> Path:
        return self.dir / "docker.pid"

    @property
    def veth(self) -> str:
        """The wire's end of its veth pair (the host's end is its eth0)."""
        return f"{self.cluster}-{self.name}"

    def client(self, timeout: float = 15) -> docker.DockerClient:
        """A docker-py client for its engine; while the engine does not answer, one of the API version the
        cluster's engines speak, whose calls fail until it is back (the host reads ``host-down``)."""
        try:
            return docker.DockerClient(base_url=self.socket, version="auto", timeout=int(timeout))
        except docker.errors.DockerException:
            return docker.DockerClient(base_url=self.socket, version=DOWN_API_VERSION, timeout=int(timeout))

    def saved_containers(self) -> list[dict[str, Any]]:
        """Its containers as its engine last wrote them to disk (``<data-root>/containers/*/config.v2.json``
        and ``hostconfig.json``), shaped like ``docker inspect``: what is known of them while the engine
        does not answer. Empty when there is nothing to read."""
        found = []
        for config in sorted((self.dir / "data" / "containers").glob("*/config.v2.json")):
            try:
                saved = json.loads(config.read_text())
                host_config = json.loads((config.parent / "hostconfig.json").read_text())
            except (OSError, ValueError):
                continue
            keys = ("Name", "Created", "State", "Config", "NetworkSettings")
            found.append({"Id": saved.get("ID", ""), "HostConfig": host_config, **{k: saved.get(k) for k in keys}})
        return found

    def dockerd_argv(self) -> list[str]:
        (subnet, gateway), pool = host_ranges(self.index)
        bip = f"{gateway}/{subnet.split('/')[1]}"
        return [
            "nsenter", f"--net=/run/netns/{self.netns}", "dockerd",
            "--data-root", str(self.dir / "data"), "--exec-root", str(self.dir / "exec"),
            "-H", self.socket, "--pidfile", str(self.pidfile),
            "--bip", bip, "--default-address-pool", f"base={pool},size=24",
            "--userland-proxy=false", "--log-level", "warn",
        ]  # fmt: skip


@dataclass
class Status:
    """What :meth:`Cluster.status` finds: per host, whether its engine answers and its swarm state."""

    name: str
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def up(self) -> bool:
        return bool(self.hosts) and all(h["engine"] and h["swarm"] == "active" for h in self.hosts.values())

    @property
    def down(self) -> list[str]:
        """The hosts whose engine does not answer (``host-down``)."""
        return [name for name, h in self.hosts.items() if not h["engine"]]

    def __str__(self) -> str:
        lines = [_("cluster {name}: {state}").format(name=self.name, state=_("up") if self.up else _("not up"))]
        for host, h in self.hosts.items():
            engine = _("engine answers") if h["engine"] else _("engine does not answer (host-down)")
            lines.append(f"  {host}: {engine}, swarm {h['swarm']}, {h['socket']}")
        if self.down and len(self.down) < len(self.hosts):
            lines.append(
                _(
                    "{hosts} down: `dockerlab hosts up` (or open_cluster()) restarts only what is down and keeps "
                    "the other hosts and their containers"
                ).format(hosts=", ".join(self.down))
            )
        return "\n".join(lines)


class Cluster(LogsCommands):
    """A swarm of extra Docker engines on this machine (see the module's text).

    >>> c = Cluster(hosts=["host1", "host2"])
    >>> c.hosts["host2"].socket, c.hosts["host2"].address
    ('unix:///run/dockerlab/hosts/dlab/host2/docker.sock', '10.199.0.12')
    >>> Cluster(hosts=["host1", "host1"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    dockerlab.errors.InvalidInput: host names must be distinct, lower case letters and digits (up to 8): ...
    """

    simulated = False

    def __init__(self, name: str = "dlab", hosts: list[str] | None = None, *, echo: bool = True) -> None:
        if not CLUSTER_NAME.fullmatch(name or ""):
            raise InvalidInput(_("a cluster name is a lower case letter then up to 5 letters or digits, not {name!r}")
                               .format(name=name))  # fmt: skip
        names = list(hosts or ["host1", "host2", "host3"])
        if len(set(names)) != len(names) or not all(HOST_NAME.fullmatch(h) for h in names) or not 1 <= len(names) <= 8:
            raise InvalidInput(
                _("host names must be distinct, lower case letters and digits (up to 8): {names}").format(names=names)
            )
        self.name = name
        self.root = ROOT / name
        self.hosts = {h: Host(h, i + 1, name, self.root) for i, h in enumerate(names)}
        self.log = CommandLog(echo=echo)
        self.timings: dict[str, float] = {}

    # -- what it shows ---------------------------------------------------------

    @property
    def wire(self) -> str:
        """The wire's namespace, where the bridge between the hosts is."""
        return f"{self.name}-wire"

    @property
    def bridge(self) -> str:
        """The bridge between the hosts (in :attr:`wire`)."""
        return f"{self.name}-br0"

    @property
    def manager(self) -> Host:
        return next(iter(self.hosts.values()))

    def host(self, name: str) -> Host:
        """The host called ``name``; a clear error for one the cluster does not have."""
        if name not in self.hosts:
            raise InvalidInput(
                _("the cluster {cluster} has no host {host!r} (it has: {hosts})").format(
                    cluster=self.name, host=name, hosts=", ".join(self.hosts)
                )
            )
        return self.hosts[name]

    # -- status ----------------------------------------------------------------

    def _answers(self, host: Host) -> dict[str, Any] | None:
        if not Path(host.socket.removeprefix("unix://")).exists():
            return None
        try:
            client = host.client(timeout=3)
            try:
                return client.info()
            finally:
                client.close()
        except (docker.errors.DockerException, OSError):
            return None

    def status(self) -> Status:
        """Whether each host's engine answers, and its swarm state."""
        found = Status(self.name)
        for h, host in self.hosts.items():
            info = self._answers(host)
            swarm = ((info or {}).get("Swarm") or {}).get("LocalNodeState", "?") if info else "-"
            found.hosts[h] = {"engine": info is not None, "swarm": swarm, "socket": host.socket}
        return found

    # -- up --------------------------------------------------------------------

    def up(self, main: EngineClient | None = None) -> Cluster:
        """Bring the cluster up: namespaces, the wire, a daemon per host, the lab image, the swarm.

        Idempotent: a cluster that is up is reused; leftovers of an interrupted
        one are removed first. On a failure everything made is removed again.
        """
        missing = missing_tools()
        if missing:
            raise ClusterUnavailable(unavailable_message(missing), missing)
        status = self.status()
        if status.up:
            self.log.say(_("(cluster {name} is up: reusing it)").format(name=self.name))
            return self
        if self._repairable(status) and self._repair(status):
            return self
        if self.root.exists():  # what was there goes, the lab's containers with it: never silently
            self.log.say(
                _("cluster {name} is not whole and cannot be restarted host by host: rebuilding it from scratch "
                  "(the containers on its hosts are removed)").format(name=self.name)
            )  # fmt: skip
        self.down(quiet=True)
        t0 = time.monotonic()
        try:
            self._wire()
            self.timings["wire"] = time.monotonic() - t0
            self._daemons()
            self.timings["daemons"] = time.monotonic() - t0
            self._load_image(main)
            self.timings["image"] = time.monotonic() - t0
            self._swarm()
            self.timings["swarm"] = time.monotonic() - t0
        except BaseException:
            self.down(quiet=True)
            raise
        self.timings["up"] = time.monotonic() - t0
        return self

    def _repairable(self, status: Status) -> bool:
        """Whether only some hosts' engines are down in a cluster otherwise whole: its namespaces there, each
        host that answers in the swarm, each that does not with the swarm state it saved on disk."""
        if not status.down:
            return False
        if len(self._namespaces()) != len(self.hosts) + 1:
            return False
        answering = [h for name, h in status.hosts.items() if name not in status.down]
        saved = all((self.hosts[h].dir / "data" / "swarm").is_dir() for h in status.down)
        return saved and all(h["swarm"] == "active" for h in answering)

    def _repair(self, status: Status) -> bool:
        """Restart the engines of the hosts that are down, alone: the other hosts and their containers stay.

        A restarted engine finds its swarm state on disk and rejoins as the same node; if it is not listed
        ready within :data:`SWARM_SECONDS`, it leaves and joins again. Returns whether the cluster is up.
        """
        down = [self.hosts[h] for h in status.down]
        names = ", ".join(h.name for h in down)
        kept = ", ".join(h for h in self.hosts if h not in status.down)
        if kept:
            text = _(
                "{hosts}: engine down (it does not answer). Restarting {hosts} alone; {kept} and their containers "
                "are kept. The containers of {hosts} come back stopped: lab.start(name) starts one again."
            )
        else:
            text = _(
                "{hosts}: engines down (they do not answer). Restarting them; their containers come back stopped: "
                "lab.start(name) starts one again."
            )
        self.log.say(text.format(hosts=names, kept=kept))
        t0 = time.monotonic()
        try:
            for host in down:
                self._stop(host)
                self._kill_leftovers(host.dir)
            self._daemons(down)
            for host in down:
                if not self._ready(host):
                    self._rejoin(host)
            for host in self.hosts.values():  # a restarted manager hears from its workers again
                if not self._ready(host):
                    raise ClusterError(_("{host} did not rejoin the swarm").format(host=host.name))
        except ClusterError as e:
            self.log.say(_("restarting {hosts} failed ({error}): rebuilding the whole cluster").format(
                hosts=names, error=e))  # fmt: skip
            return False
        self.timings["repair"] = time.monotonic() - t0
        if not self.status().up:
            self.log.say(_("{hosts} did not come back: rebuilding the whole cluster").format(hosts=names))
            return False
        return True

    def _ready(self, host: Host) -> bool:
        """Whether the manager lists ``host`` as a ready node (bounded by :data:`SWARM_SECONDS`)."""

        def ready() -> bool | None:
            m = self.manager.client(timeout=5)
            try:
                nodes = m.nodes.list()
            except docker.errors.DockerException:
                return None
            finally:
                m.close()
            states = [n.attrs.get("Status", {}) for n in nodes]
            return True if any(x.get("Addr") == host.address and x.get("State") == "ready" for x in states) else None

        return poll(ready, SWARM_SECONDS, delay=0.2, max_delay=1.0) is True

    def _rejoin(self, host: Host) -> None:
        """``host`` did not come back as its old node: leave, remove the old node, join again."""
        self.log.record("docker swarm leave --force", docker_host=host.socket)
        c = host.client(timeout=SWARM_SECONDS)
        m = self.manager.client(timeout=SWARM_SECONDS)
        try:
            with engine_call(f"docker swarm leave ({host.name})", SWARM_SECONDS):
                try:
                    c.swarm.leave(force=True)
                except docker.errors.APIError:
                    pass
            for node in m.nodes.list():
                if (
                    node.attrs.get("Status", {}).get("Addr") == host.address
                    and node.attrs["Status"]["State"] != "ready"
                ):
                    self.log.record(f"docker node rm --force {node.id}", docker_host=self.manager.socket)
                    node.remove(force=True)
            m.swarm.reload()
            token = m.swarm.attrs["JoinTokens"]["Worker"]
            self.log.record(
                f"docker swarm join --token <worker token> --advertise-addr {host.address} {self.manager.address}:2377",
                docker_host=host.socket,
            )
            with engine_call(f"docker swarm join ({host.name})", SWARM_SECONDS):
                c.swarm.join(remote_addrs=[f"{self.manager.address}:2377"], join_token=token,
                             advertise_addr=host.address, listen_addr=f"{host.address}:2377")  # fmt: skip
        except docker.errors.DockerException as e:
            raise ClusterError(str(e)) from e
        finally:
            c.close()
            m.close()
        if not self._ready(host):
            raise ClusterError(_("{host} did not rejoin the swarm").format(host=host.name))

    def _wire(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "cluster.json").write_text(json.dumps({"hosts": list(self.hosts)}))
        self.log.record(f"ip netns add {self.wire}")
        _run(["ip", "netns", "add", self.wire])
        self.log.record(
            f"ip -n {self.wire} link add {self.bridge} type bridge && ip -n {self.wire} link set {self.bridge} up"
        )
        _run(["ip", "-n", self.wire, "link", "add", self.bridge, "type", "bridge"])
        _run(["ip", "-n", self.wire, "link", "set", self.bridge, "up"])
        for host in self.hosts.values():
            host.dir.mkdir(parents=True, exist_ok=True)
            self.log.record(
                f"ip netns add {host.netns} && ip -n {self.wire} link add {host.veth} type veth peer name eth0 "
                f"netns {host.netns} && ip -n {host.netns} addr add {host.address}/{WIRE_SUBNET.prefixlen} dev eth0"
            )
            _run(["ip", "netns", "add", host.netns])
            _run(["ip", "-n", self.wire, "link", "add", host.veth, "type", "veth", "peer", "name", "eth0",
                  "netns", host.netns])  # fmt: skip
            _run(["ip", "-n", self.wire, "link", "set", host.veth, "master", self.bridge, "up"])
            _run(["ip", "-n", host.netns, "addr", "add", f"{host.address}/{WIRE_SUBNET.prefixlen}", "dev", "eth0"])
            _run(["ip", "-n", host.netns, "link", "set", "eth0", "up"])
            _run(["ip", "-n", host.netns, "link", "set", "lo", "up"])

    def _daemons(self, which: list[Host] | None = None) -> None:
        hosts = list(self.hosts.values()) if which is None else which
        for host in hosts:
            self.log.record(" ".join(host.dockerd_argv()) + " &")
            with open(host.dir / "dockerd.log", "ab") as log:
                subprocess.Popen(
                    host.dockerd_argv(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )  # fmt: skip
        for host in hosts:
            wait_until(partial(self._answers, host), DAEMON_SECONDS, partial(_silent, host), delay=0.05, max_delay=0.25)

    def _load_image(self, main: EngineClient | None) -> None:
        own = main is None
        main = main or docker.from_env(version="auto", timeout=60)
        try:
            labimage.provision(main)
            self.log.record(f"docker save {labimage.IMAGE} | DOCKER_HOST=<each host> docker load")
            with engine_call(f"docker save {labimage.IMAGE}", 60):
                data = b"".join(real_engine(main, "docker save").images.get(labimage.IMAGE).save(named=True))
        finally:
            if own:
                main.close()

        def load(host: Host) -> None:
            client = host.client(timeout=60)
            try:
                with engine_call(f"DOCKER_HOST={host.socket} docker load", 60):
                    client.images.load(data)
            finally:
                client.close()

        with ThreadPoolExecutor(max_workers=len(self.hosts)) as pool:
            list(pool.map(load, self.hosts.values()))

    def _swarm(self) -> None:
        manager = self.manager
        self.log.record(
            f"docker swarm init --advertise-addr {manager.address} --listen-addr {manager.address}:2377 "
            f"--default-addr-pool {SWARM_POOL} --default-addr-pool-mask-length 24",
            docker_host=manager.socket,
        )
        m = manager.client(timeout=SWARM_SECONDS)
        try:
            with engine_call("docker swarm init", SWARM_SECONDS):
                m.swarm.init(
                    advertise_addr=manager.address,
                    listen_addr=f"{manager.address}:2377",
                    default_addr_pool=[SWARM_POOL],
                    subnet_size=24,
                )
                m.swarm.reload()
                token = m.swarm.attrs["JoinTokens"]["Worker"]

            def join(host: Host) -> None:
                self.log.record(
                    f"docker swarm join --token <worker token> --advertise-addr {host.address} {manager.address}:2377",
                    docker_host=host.socket,
                )
                c = host.client(timeout=SWARM_SECONDS)
                try:
                    with engine_call(f"docker swarm join ({host.name})", SWARM_SECONDS):
                        c.swarm.join(
                            remote_addrs=[f"{manager.address}:2377"],
                            join_token=token,
                            advertise_addr=host.address,
                            listen_addr=f"{host.address}:2377",
                        )
                finally:
                    c.close()

            workers = list(self.hosts.values())[1:]
            if workers:
                with ThreadPoolExecutor(max_workers=len(workers)) as pool:
                    list(pool.map(join, workers))

            def ready() -> bool | None:
                nodes = m.nodes.list()
                up = [n for n in nodes if n.attrs.get("Status", {}).get("State") == "ready"]
                return True if len(up) == len(self.hosts) else None

            wait_until(
                ready,
                SWARM_SECONDS,
                lambda: ClusterError(
                    _("the swarm did not list {n} ready nodes within {seconds:g} s (docker node ls)").format(
                        n=len(self.hosts), seconds=SWARM_SECONDS
                    )
                ),
                delay=0.05,
                max_delay=0.25,
            )
        finally:
            m.close()

    # -- down ------------------------------------------------------------------

    def down(self, quiet: bool = False) -> None:
        """Remove everything of this cluster, also what an interrupted :meth:`up` left; safe to call twice.

        Swarm left on every host, daemons stopped by pid file (bounded),
        namespaces deleted (the veths and the bridge with them), the
        directory unmounted and removed. Touches nothing that is not named
        after the cluster.
        """
        t0 = time.monotonic()
        say: Callable[..., None] = (lambda *_a, **_kw: None) if quiet else self.log.record

        def leave(host: Host) -> None:
            if self._answers(host) is None:
                return
            say("docker swarm leave --force", docker_host=host.socket)
            try:
                c = host.client(timeout=10)
                try:
                    c.swarm.leave(force=True)
                finally:
                    c.close()
            except (docker.errors.DockerException, OSError):
                pass

        def stop(host: Host) -> None:
            say(f"kill $(cat {host.pidfile})")
            self._stop(host)

        with ThreadPoolExecutor(max_workers=len(self.hosts)) as pool:
            list(pool.map(leave, self.hosts.values()))
            list(pool.map(stop, self.hosts.values()))
        self._kill_leftovers()
        for ns in self._namespaces():
            say(f"ip netns delete {ns}")
            _run(["ip", "netns", "delete", ns], check=False)
        self._unmount()
        if self.root.exists():
            say(f"rm -rf {self.root}")
            shutil.rmtree(self.root, ignore_errors=True)
        for parent in (ROOT, ROOT.parent):  # the lab-owned directories, once no cluster is left in them
            try:
                parent.rmdir()
            except OSError:
                pass
        self.timings["down"] = time.monotonic() - t0

    def _stop(self, host: Host) -> None:
        try:
            pid = int(host.pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        if not _is_dockerd(pid, host):
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if poll(lambda: True if not _alive(pid) else None, STOP_SECONDS, delay=0.05, max_delay=0.2) is None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            poll(lambda: True if not _alive(pid) else None, 3, delay=0.05, max_delay=0.2)

    def _kill_leftovers(self, under: Path | None = None) -> None:
        """Processes started for this cluster (or for the host whose directory is ``under``) that outlived
        their daemon: its containerd and shims (found by our path in their command line) and everything
        under them, the containers' own processes too (a killed daemon leaves its containers running, and
        they would keep the hosts' namespaces alive)."""
        mark = str(under or self.root) + "/"
        parents: dict[int, int] = {}
        ours: list[int] = []
        for pid in _pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (OSError, IndexError):
                continue
            parents[pid] = int(stat[1])
            if mark in cmd:
                ours.append(pid)
        found = set(ours)
        grew = True
        while grew:  # the descendants of what is ours
            new = {pid for pid, ppid in parents.items() if ppid in found and pid not in found}
            found |= new
            grew = bool(new)
        for pid in sorted(found, key=lambda p: p in ours):  # the containers' processes first, then their shims
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _namespaces(self) -> list[str]:
        names = {f"{self.name}-wire", *(h.netns for h in self.hosts.values())}
        try:
            present = set(os.listdir("/run/netns"))
        except OSError:
            return []
        return sorted(names & present)

    def _unmount(self) -> None:
        mark = str(self.root)
        try:
            lines = Path("/proc/mounts").read_text().splitlines()
        except OSError:
            return
        points = [line.split()[1] for line in lines if len(line.split()) > 1]
        points = [p for p in points if p == mark or p.startswith(mark + "/")]
        for p in sorted(points, key=len, reverse=True):
            _run(["umount", "-l", p], check=False)


class SingleNodeSwarm(LogsCommands):
    """The first fallback where extra engines cannot be started: a one-node swarm on the main engine.

    It shows an attachable overlay, ``docker_gwbridge`` and the VXLAN device
    on one host (nothing crosses hosts). Use it as a context manager: the
    engine is in swarm mode only inside the ``with`` block, and leaving it
    runs ``docker swarm leave --force`` and removes the ``docker_gwbridge``
    the swarm made. An engine already in a swarm is refused and left alone.
    """

    def __init__(self, client: docker.DockerClient, *, echo: bool = True) -> None:
        self.client = client
        self.log = CommandLog(echo=echo)
        self._networks_before: set[str] = set()

    def __enter__(self) -> SingleNodeSwarm:
        with engine_call("docker info"):
            state = (self.client.info().get("Swarm") or {}).get("LocalNodeState", "inactive")
        if state != "inactive":
            raise ClusterError(
                _(
                    "this engine is already part of a swarm (state {state}) that dockerlab did not make: "
                    "dockerlab neither joins nor leaves it. Use another engine, or leave that swarm yourself "
                    "if it is yours (docker swarm leave)."
                ).format(state=state)
            )
        self.log.say(
            _("FALLBACK: extra engines cannot be started here, so this is a one-node swarm on your main engine.")
        )
        with engine_call("docker network ls"):
            self._networks_before = {n.name for n in self.client.networks.list() if n.name}
        self.log.record(f"docker swarm init --advertise-addr 127.0.0.1 --default-addr-pool {SWARM_POOL}")
        try:
            with engine_call("docker swarm init", SWARM_SECONDS):
                self.client.swarm.init(advertise_addr="127.0.0.1", default_addr_pool=[SWARM_POOL], subnet_size=24)
        except BaseException:
            self.leave()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.leave()

    def leave(self) -> None:
        """Leave the swarm and remove what it left (``docker_gwbridge``, if it was not there before)."""
        self.log.record("docker swarm leave --force")
        with engine_call("docker swarm leave", SWARM_SECONDS):
            try:
                self.client.swarm.leave(force=True)
            except docker.errors.APIError:
                pass
        if "docker_gwbridge" not in self._networks_before:
            self.log.record("docker network rm docker_gwbridge")
            with engine_call("docker network rm docker_gwbridge"):
                for n in self.client.networks.list(names=["docker_gwbridge"]):
                    if n.name == "docker_gwbridge":
                        try:
                            n.remove()
                        except docker.errors.NotFound:
                            pass


def single_node_swarm(client: docker.DockerClient, *, echo: bool = True) -> SingleNodeSwarm:
    """The first fallback (see :class:`SingleNodeSwarm`); refused under CI, where the real cluster must come up."""
    if in_ci() and not os.environ.get("DOCKERLAB_ALLOW_FALLBACK"):
        raise ClusterUnavailable(
            _("CI=true: dockerlab does not fall back to a one-node swarm under CI; the real cluster must come up."),
            missing_tools(),
        )
    return SingleNodeSwarm(client, echo=echo)


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _is_dockerd(pid: int, host: Host) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "dockerd" in cmd and str(host.dir) in cmd


def _silent(host: Host) -> ClusterError:
    """What to say of a host whose engine did not answer in time: where its log is, and its last lines."""
    return ClusterError(
        _("the engine of {host} did not answer within {seconds:g} s; its log: {log}").format(
            host=host.name, seconds=DAEMON_SECONDS, log=host.dir / "dockerd.log"
        )
        + "\n"
        + _tail(host.dir / "dockerd.log")
    )


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


__all__ = [
    "ROOT",
    "SWARM_POOL",
    "VXLAN_PORT",
    "WIRE_SUBNET",
    "Cluster",
    "Host",
    "SingleNodeSwarm",
    "Status",
    "host_ranges",
    "single_node_swarm",
]
