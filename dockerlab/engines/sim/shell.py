"""The busybox shell of the simulated containers: what ``docker exec`` answers, from the engine's state.

:class:`Shell` answers the commands the series runs (``ping``, ``cat``,
``grep``, ``nslookup``, ``nc HOST PORT``, ``ip addr``, ``ip link``, ``ip route``,
``hostname``, ``echo``, ``true``, the probe script of :mod:`dockerlab.kernel.probe`
and :data:`dockerlab.kernel.topology.SNAPSHOT_SCRIPT`) as busybox would print them,
and the stand-in app's HTTP answers (:mod:`dockerlab.kernel.services`). Names,
routes and reachability come from the model's
:class:`~dockerlab.model.State` of the engine; what differs between releases
from :class:`~dockerlab.model.Release`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from dockerlab.engines.sim.state import SimBox, SimEngine, SimError, mac_address
from dockerlab.i18n import _
from dockerlab.kernel import links, probe, services
from dockerlab.kernel.links import one_line
from dockerlab.kernel.topology import SNAPSHOT_SCRIPT
from dockerlab.model import EMBEDDED_DNS, Box, State

#: The simulated host's own interface, eth0: 10.254.0.2 in 10.254.0.0/24, a private (RFC 1918)
#: range, gateway 10.254.0.1 (also the host's name server).
HOST_ROUTES = ["default via 10.254.0.1 dev eth0", "10.254.0.0/24 dev eth0 proto kernel scope link src 10.254.0.2"]
_PROBE_PREFIX = probe.script_argv([])


#: The MTU of an interface on an overlay network: 1500 less VXLAN's 50 bytes of headers.
OVERLAY_MTU = 1450
#: What ``ip`` takes for its ``addr`` and ``link`` objects (busybox accepts the abbreviations).
IP_OBJECTS = {"addr": "addr", "a": "addr", "address": "addr", "link": "link", "l": "link"}


@dataclass(frozen=True)
class Interface:
    """One interface as busybox ``ip`` prints it: ``index: name: head``, its ``link/...`` line, its ``inet`` lines."""

    index: int
    name: str  # as ip prints it: eth0@if45
    head: str  # flags, mtu, qdisc (and master): what follows "index: name: "
    link: str
    inets: tuple[str, ...] = ()

    @property
    def dev(self) -> str:
        """The device's own name (``eth0`` for ``eth0@if45``): what ``ip ... show DEV`` takes."""
        return self.name.split("@")[0]

    def link_text(self, one_line: bool) -> str:
        """``ip link`` (or ``ip -o link``) for this interface."""
        return f"{self.index}: {self.name}: {self.head}" + ("\\" if one_line else "\n") + f"    {self.link}\n"

    def addr_text(self) -> str:
        """``ip addr`` for this interface."""
        inets = "".join(f"    {i}\n       valid_lft forever preferred_lft forever\n" for i in self.inets)
        return self.link_text(False) + inets


LOOPBACK = Interface(
    1,
    "lo",
    "<LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000",
    "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
    ("inet 127.0.0.1/8 scope host lo",),
)
#: The simulated host's own interface (see :data:`HOST_ROUTES`).
HOST_ETH0 = Interface(
    2,
    "eth0",
    "<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel qlen 1000",
    "link/ether 02:00:0a:fe:00:02 brd ff:ff:ff:ff:ff:ff",
    ("inet 10.254.0.2/24 brd 10.254.0.255 scope global eth0",),
)


def host_veth(box: SimBox, network: str) -> str:
    """The name of the host end of ``box``'s veth pair on ``network`` (stable: made from the container's id)."""
    return "veth" + uuid.uuid5(uuid.NAMESPACE_OID, box.id + network).hex[:7]


class Shell:
    """busybox in every container of ``engine``, and the host's ``ip`` for throwaway host-network containers."""

    def __init__(self, engine: SimEngine) -> None:
        self.engine = engine

    # -- docker exec -------------------------------------------------------------

    def exec(self, box: SimBox, cmd: list[str] | str) -> tuple[int, str]:
        """``docker exec box cmd``: exit code and output; :class:`SimError` when the engine refuses."""
        with self.engine.lock:
            if not box.running:
                raise SimError(f"Container {box.id} is not running", 409)
            problem = self.engine.exec_refused(box)
            if problem:
                raise SimError(problem)
            argv = cmd.split() if isinstance(cmd, str) else list(cmd)
            if len(argv) > 2 and argv[0] == "timeout":
                argv = argv[2:]
            if argv[: len(_PROBE_PREFIX)] == _PROBE_PREFIX:
                return 0, self.probe_script(box, argv[len(_PROBE_PREFIX) :])
            return self.command(box, argv)

    def on_host(self, argv: list[str]) -> str | None:
        """The output of ``argv`` in a throwaway container on the host network, if the simulator knows it."""
        with self.engine.lock:
            if argv[:2] == ["ip", "-4"]:
                return self.host_routes()
            if is_snapshot(argv):
                return self.host_snapshot()
            return None

    def probe_script(self, box: SimBox, targets: list[str]) -> str:
        """What :func:`dockerlab.kernel.probe.script_argv` prints in ``box``: one ping per target."""
        state = self.engine.view()
        src = state.boxes[box.name]
        pings = []
        for target in targets:
            code, text = ping_output(state, src, target)
            pings.append((target, text, code))
        return probe.script_output(pings)

    def files(self, box: SimBox) -> dict[str, str]:
        """The files of ``box`` the simulator knows, by path: those Docker writes into every container."""
        return {
            "/etc/hosts": self.engine.hosts_text(box),
            "/etc/hostname": box.hostname + "\n",
            "/etc/resolv.conf": self.resolv(box),
        }

    def command(self, box: SimBox, argv: list[str]) -> tuple[int, str]:
        """One busybox command in ``box``: exit code and output (127 for a command it does not know)."""
        prog, args = (argv[0], argv[1:]) if argv else ("", [])
        if prog == "cat" and len(args) == 1:
            files = self.files(box)
            if args[0] in files:
                return 0, files[args[0]]
            return 1, f"cat: can't open '{args[0]}': No such file or directory\n"
        if is_snapshot(argv):
            return 0, (self.host_snapshot() if box.mode == "host" else self.snapshot(box))
        if prog == "grep" and len(args) == 2:
            code, text = self.command(box, ["cat", args[1]])
            if code:
                return 2, text.replace("cat:", "grep:")
            hits = [line for line in text.splitlines(keepends=True) if re.search(args[0], line)]
            return (0 if hits else 1), "".join(hits)
        names = [a for a in args if a.lower() not in ("-type=a", "-query=a")] if prog == "nslookup" else []
        if prog == "nslookup" and len(names) == 1:  # the simulator answers A records, as -type=a asks
            return self.nslookup(box, names[0])
        if prog == "ping" and args:
            state = self.engine.view()
            return ping_output(state, state.boxes[box.name], args[-1])
        flags = [a for a in args if a.startswith("-")] if prog == "ip" else []
        words = [a for a in args if not a.startswith("-")] if prog == "ip" else []
        if words and words[-1] != "route" and words[0] in IP_OBJECTS:
            return self.ip_show(box, IP_OBJECTS[words[0]], flags, words[1:])
        if words and ("route" in words or words[-1] == "r"):
            return 0, self.ip_route(box)
        if prog == "nc" and len(args) >= 2 and args[-1].isdigit() and not {"-l", "-ll", "-e"} & set(args):
            return self.tcp(box, args[-2], int(args[-1]))
        if prog == "hostname":
            return 0, box.hostname + "\n"
        if prog == "echo":
            return 0, " ".join(args) + "\n"
        if prog == "true":
            return 0, ""
        note = _(
            "(the dockerlab simulator answers ping, cat, grep, nslookup [-type=a], nc HOST PORT, ip addr, "
            "ip link, ip route, hostname, echo and true only; run the notebook on a Docker engine for anything "
            "else)"
        )
        return 127, f"timeout: can't execute '{prog}': No such file or directory\n{note}\n"

    def nslookup(self, box: SimBox, name: str) -> tuple[int, str]:
        """busybox ``nslookup``: it asks the DNS server only (never /etc/hosts)."""
        if not box.embedded_dns:
            return 1, ";; connection timed out; no servers could be reached\n\n"
        state = self.engine.state()
        found = state.dns_names(state.boxes[box.name])
        head = f"Server:\t\t{EMBEDDED_DNS}\nAddress:\t{EMBEDDED_DNS}:53\n\n"
        if name.lower() not in found:  # DNS ignores case
            return 1, head + f"** server can't find {name}: NXDOMAIN\n\n"
        return 0, head + f"Non-authoritative answer:\nName:\t{name}\nAddress: {found[name.lower()]}\n\n"

    def tcp(self, box: SimBox, host: str, port: int) -> tuple[int, str]:
        """busybox ``nc -w N host port </dev/null`` from ``box``: exit code and output, from the rules."""
        with self.engine.lock:
            state = self.engine.state()
            code, ip = state.ping_code(state.boxes[box.name], host)
            if code == "unresolved":
                if box.embedded_dns and not self.engine.release.unknown_name_answered:
                    return 1, "nc: timed out\n"  # the embedded DNS never answers: -w runs out
                return 1, f"nc: bad address '{host}'\n"
            if code == "unreachable":
                return 1, f"nc: can't connect to remote host ({ip}): Network is unreachable\n"
            if code != "ok":
                return 1, "nc: timed out\n"
            boxes = self.engine.boxes.values()
            target = box if ip == "127.0.0.1" else next((b for b in boxes if ip in b.ips.values()), None)
            served = target.listener if target is not None and target.running else None
            if served is None or served.port != port:
                return 1, f"nc: can't connect to remote host ({ip}): Connection refused\n"
            if isinstance(served, services.EchoService):
                return 0, served.greeting + "\n"
            return 0, ""  # an HTTP server waits for a request, and this nc sends none

    def http(self, box: SimBox, app: services.WebApp, request: bytes) -> bytes:
        """busybox httpd's answer to ``request``, as the app container ``box`` serves it."""
        words = request.split(b"\r\n", 1)[0].decode(errors="replace").split()
        path = words[1].split("?", 1)[0] if len(words) >= 2 else ""
        if path == services.APP_PAGE:
            code, text = self.tcp(box, app.service, app.service_port)
            body = f"the app asked {app.service}:{app.service_port} and got:\n" + (text if code == 0 else "")
            return b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body.encode()
        if path in ("/", "/index.html"):
            page = services.INDEX_HTML.encode()
            return (
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-type: text/html\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(page), page)
            )
        return (
            b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-type: text/html\r\n\r\n"
            b"<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\n"
            b"The requested URL was not found\n</BODY></HTML>\n"
        )

    # -- files and interfaces ----------------------------------------------------

    def resolv(self, box: SimBox) -> str:
        """/etc/resolv.conf; from 26 on, the engine comments on where each line came from."""
        if box.mode == "host":
            return "nameserver 10.254.0.1\n"
        servers = box.dns or ["10.254.0.1"]
        release = self.engine.release
        if release.is_podman:  # aardvark-dns on each DNS network's gateway, then the host's (measured on 4.3.1)
            gateways = [] if box.dns else [release.resolver(ep.get("Gateway")) for ep in self._dns_endpoints(box)]
            search = ["search dns.podman"] if gateways else []
            return "\n".join([*search, *(f"nameserver {d}" for d in [*gateways, *servers])]) + "\n"
        if box.embedded_dns:
            lines = [f"nameserver {EMBEDDED_DNS}", "options ndots:0"]
            notes = ["(internal resolver)", f"# ExtServers: [{' '.join(servers)}]"]
            notes += ["# Overrides: [nameservers]"] * bool(box.dns) + ["# Option ndots from: internal"]
        else:
            lines = [f"nameserver {d}" for d in servers]
            notes = ["(legacy)"] + ["# Overrides: [nameservers]"] * bool(box.dns)
        if not self.engine.release.resolv_conf_commented:
            return "\n".join(lines) + "\n"
        head = (
            "# Generated by Docker Engine.\n# This file can be edited; Docker Engine will not make further "
            "changes once it\n# has been modified.\n\n"
        )
        based = f"# Based on host file: '/etc/resolv.conf' {notes[0]}"
        return head + "\n".join(lines) + "\n\n" + "\n".join([based, *notes[1:]]) + "\n"

    def _dns_endpoints(self, box: SimBox) -> list[dict[str, Any]]:
        """``box``'s endpoints (as ``docker inspect`` shows them) on networks with a DNS server, in order."""
        nets = self.engine.container_attrs(box)["NetworkSettings"]["Networks"]
        return [ep for name, ep in nets.items() if self.engine.release.default_network != name and ep.get("Gateway")]

    def ip_show(self, box: SimBox, what: str, flags: list[str], words: list[str]) -> tuple[int, str]:
        """busybox ``ip [-o] [-4] addr|link [show [dev] DEV]`` in ``box``: exit code and output."""
        ifaces = self.interfaces(box)
        wanted = [w for w in words if w not in ("show", "list", "ls", "lst", "dev")]
        if wanted:
            ifaces = [i for i in ifaces if i.dev == wanted[0]]
            if not ifaces:
                return 2, f"ip: can't find device '{wanted[0]}'\n"
        if what == "link":
            return 0, "".join(i.link_text("-o" in flags) for i in ifaces)
        text = "".join(i.addr_text() for i in ifaces)
        return 0, one_line(text, "-4" in flags) if "-o" in flags else text

    def ip_addr(self, box: SimBox) -> str:
        """busybox ``ip addr`` in ``box`` (the host's interfaces on the host network)."""
        return self.ip_show(box, "addr", [], [])[1]

    def interfaces(self, box: SimBox) -> list[Interface]:
        """The interfaces ``ip`` lists in ``box``: lo and an ``ethN@ifM`` per network; on the host network the
        host's own (lo, eth0, the bridges and the host ends of the veth pairs, as the topology snapshot has them).
        """
        if box.mode == "host":
            return self.host_interfaces()
        found = [LOOPBACK]
        for k, net_name in enumerate(sorted(box.ips, key=lambda n: box.ifindex[n])):
            ip, index, net = box.ips[net_name], box.ifindex[net_name], self.engine.nets[net_name]
            assert net.subnet is not None
            mtu = OVERLAY_MTU if net.driver == "overlay" else 1500
            found.append(
                Interface(
                    index,
                    links.label(f"eth{k}", index + 1),
                    f"<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu {mtu} qdisc noqueue ",
                    f"link/ether {mac_address(ip)} brd ff:ff:ff:ff:ff:ff",
                    (f"inet {ip}/{net.subnet.prefixlen} brd {net.subnet.broadcast_address} scope global eth{k}",),
                )
            )
        return found

    def host_interfaces(self) -> list[Interface]:
        """The simulated host's interfaces: lo, eth0, each bridge, and the host end of each veth pair."""
        found = [LOOPBACK, HOST_ETH0]
        bridges = [n for n in self.engine.nets.values() if n.driver == "bridge" and n.subnet and not n.hidden]
        for n in bridges:
            assert n.subnet is not None
            dev = n.device
            found.append(
                Interface(
                    n.ifindex,
                    dev,
                    "<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue ",
                    f"link/ether {mac_address(n.gateway or '0.0.0.0')} brd ff:ff:ff:ff:ff:ff",
                    (f"inet {n.gateway}/{n.subnet.prefixlen} brd {n.subnet.broadcast_address} scope global {dev}",),
                )
            )
        on_bridge = {n.name for n in bridges}
        for b in self.engine.boxes.values():
            for net_name, index in b.ifindex.items():
                if net_name not in on_bridge:
                    continue
                dev = self.engine.nets[net_name].device
                found.append(
                    Interface(
                        index + 1,
                        links.label(host_veth(b, net_name), index),
                        f"<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue master {dev} ",
                        f"link/ether 0a:{mac_address(b.ips[net_name])[3:]} brd ff:ff:ff:ff:ff:ff",
                    )
                )
        return sorted(found, key=lambda i: i.index)

    def ip_route(self, box: SimBox) -> str:
        """busybox ``ip route`` in ``box``."""
        if box.mode == "host":
            return self.host_routes()
        order = sorted(box.ips, key=lambda n: box.ifindex[n])
        lines = []
        if order:
            first = order[0]
            lines.append(f"default via {self.engine.nets[first].gateway} dev eth0 ")
        for k, net_name in enumerate(order):
            lines.append(f"{self.engine.nets[net_name].subnet} dev eth{k} scope link  src {box.ips[net_name]} ")
        return "\n".join(lines) + ("\n" if lines else "")

    def host_routes(self) -> str:
        """``ip -4 route`` on the simulated host: its own interface and one route per bridge."""
        lines = list(HOST_ROUTES)
        for n in self.engine.nets.values():
            if n.subnet and n.driver == "bridge" and not n.hidden:
                lines.append(f"{n.subnet} dev {n.device} proto kernel scope link src {n.gateway}")
        return "\n".join(lines) + "\n"

    def snapshot(self, box: SimBox) -> str:
        """:data:`dockerlab.kernel.topology.SNAPSHOT_SCRIPT`'s output inside a container: lo and its eth ends."""
        link = [
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    "
            "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
        ]
        addr = ["1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever"]
        sys = ["lo 1 1"]
        for k, net_name in enumerate(sorted(box.ips, key=lambda n: box.ifindex[n])):
            ip, index, subnet = box.ips[net_name], box.ifindex[net_name], self.engine.nets[net_name].subnet
            assert subnet is not None
            link.append(
                f"{index}: {links.label(f'eth{k}', index + 1)}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 "
                f"qdisc noqueue \\    link/ether {mac_address(ip)} brd ff:ff:ff:ff:ff:ff"
            )
            addr.append(
                f"{index}: eth{k}    inet {ip}/{subnet.prefixlen} brd {subnet.broadcast_address} "
                f"scope global eth{k}\\       valid_lft forever preferred_lft forever"
            )
            sys.append(f"eth{k} {index} {index + 1}")
        return _sections(link, addr, sys, [])

    def host_snapshot(self) -> str:
        """The same on the simulated host: lo, eth0, the bridges and the host ends of the veth pairs."""
        link = [
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    "
            "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
            "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel qlen 1000\\    "
            "link/ether 02:00:0a:fe:00:02 brd ff:ff:ff:ff:ff:ff",
        ]
        addr = [
            "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
            "2: eth0    inet 10.254.0.2/24 brd 10.254.0.255 scope global eth0\\       valid_lft forever",
        ]
        sys, bridges = ["lo 1 1", "eth0 2 2"], []
        for n in self.engine.nets.values():
            if n.hidden or n.driver != "bridge" or n.subnet is None:
                continue
            link.append(
                f"{n.ifindex}: {n.device}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue "
                f"\\    link/ether {mac_address(n.gateway or '0.0.0.0')} brd ff:ff:ff:ff:ff:ff"
            )
            addr.append(
                f"{n.ifindex}: {n.device}    inet {n.gateway}/{n.subnet.prefixlen} brd "
                f"{n.subnet.broadcast_address} scope global {n.device}\\       valid_lft forever"
            )
            sys.append(f"{n.device} {n.ifindex} {n.ifindex}")
            bridges.append(n.device)
        for b in self.engine.boxes.values():
            for net_name, index in b.ifindex.items():
                dev = self.engine.nets[net_name].device
                veth = host_veth(b, net_name)
                link.append(
                    f"{index + 1}: {links.label(veth, index)}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
                    f"noqueue master {dev} \\    link/ether 0a:{mac_address(b.ips[net_name])[3:]} "
                    "brd ff:ff:ff:ff:ff:ff"
                )
                sys.append(f"{veth} {index + 1} {index} {dev}")
        return _sections(link, addr, sys, bridges)


def is_snapshot(argv: list[str]) -> bool:
    """Whether ``argv`` runs :data:`dockerlab.kernel.topology.SNAPSHOT_SCRIPT`."""
    return argv == ["sh", "-c", SNAPSHOT_SCRIPT]


def ping_output(state: State, src: Box, target: str) -> tuple[int, str]:
    """busybox ``ping -c 1 -W 1 target``'s exit code and output, from the rules."""
    code, ip = state.ping_code(src, target)
    if code == "unresolved":
        return 1, f"ping: bad address '{target}'\n"
    head = f"PING {target} ({ip}): 56 data bytes\n"
    if code == "unreachable":
        return 1, "ping: sendto: Network is unreachable\n" + head
    stats = f"\n--- {target} ping statistics ---\n1 packets transmitted, "
    if code == "ok":
        return 0, (
            head
            + f"64 bytes from {ip}: seq=0 ttl=64 time=0.080 ms\n"
            + stats
            + "1 packets received, 0% packet loss\nround-trip min/avg/max = 0.080/0.080/0.080 ms\n"
        )
    return 1, head + stats + "0 packets received, 100% packet loss\n"


def _sections(link: list[str], addr: list[str], sys: list[str], bridges: list[str]) -> str:
    parts = {"link": link, "addr": addr, "sys": sys, "bridges": bridges}
    return "".join(f"## {k}\n" + "".join(line + "\n" for line in v) for k, v in parts.items())


__all__ = ["HOST_ROUTES", "IP_OBJECTS", "Interface", "Shell", "host_veth", "is_snapshot", "one_line", "ping_output"]
