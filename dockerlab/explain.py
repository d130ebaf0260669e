"""Predict and explain reachability from the engine's state alone: no packet is sent.

The model reads what ``docker inspect`` shows (networks, endpoints, links) and
each running container's ``/etc/hosts``, and applies Docker's rules, each one
checked on a real engine (20.10):

- a name is looked up in ``/etc/hosts`` first (where ``--link`` writes the
  linked container, one way), then in Docker's embedded DNS (127.0.0.11),
  which a container has only while it is on a user-defined network, and which
  knows the running containers (names and aliases) of the user-defined
  networks it shares with them; the default bridge has no embedded DNS;
- an address is reachable when source and target share a network whose
  bridge lets its containers talk (ICC); bridges are isolated from each
  other, even by IP; ``--internal`` networks keep their traffic inside;
- a container on ``host`` reaches every container address, one on ``none``
  (or disconnected from everything) has only ``lo``;
- a stopped container has no address and probes nothing; and the engine
  refuses ``docker exec`` into a default-bridge container whose ``--link``
  target is not running or no longer on the default bridge, so nothing can
  be probed from it.

:func:`predict` gives the matrix :meth:`Lab.reachability` would measure,
:func:`explain` says why for one pair, :func:`compare` puts both side by side.
"""

from __future__ import annotations

import html
import ipaddress
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dockerlab.errors import EngineError, InvalidInput, UnknownContainer

if TYPE_CHECKING:
    from dockerlab.lab import Lab

#: ``HostConfig.NetworkMode`` values meaning Docker's default bridge (where --link works).
BRIDGE_MODES = ("bridge", "default")
EMBEDDED_DNS = "127.0.0.11"


# -- the state ----------------------------------------------------------------


@dataclass(frozen=True)
class Net:
    """A network as the model sees it."""

    name: str
    kind: str  # "default" (Docker's bridge), "user" (user-defined bridge), "host", "none"
    subnet: str | None = None
    gateway: str | None = None
    internal: bool = False
    icc: bool = True
    device: str = ""

    @property
    def label(self) -> str:
        """``bridge (docker0)``, ``myBridge (br-1a2b3c4d5e6f, --internal)``..."""
        extra = [x for x in (self.device, "--internal" if self.internal else "", "" if self.icc else "icc off") if x]
        return f"{self.name} ({', '.join(extra)})" if extra else self.name


@dataclass(frozen=True)
class Box:
    """A container as the model sees it."""

    name: str
    running: bool
    mode: str
    endpoints: dict[str, tuple[str | None, tuple[str, ...]]]  # network -> (ip, aliases)
    links: dict[str, str] = field(default_factory=dict)  # target -> alias (legacy links in effect)
    hosts: dict[str, str] = field(default_factory=dict)  # name -> ip, from /etc/hosts

    @property
    def ips(self) -> dict[str, str]:
        """Network -> address, for the endpoints that have one."""
        return {n: ip for n, (ip, _) in self.endpoints.items() if ip}


class State:
    """Containers and networks, with the indexes the rules need."""

    def __init__(self, boxes: list[Box], nets: list[Net]) -> None:
        self.boxes = {b.name: b for b in sorted(boxes, key=lambda b: b.name)}
        self.nets = {n.name: n for n in nets}
        #: address -> (container, network), running containers only
        self.owner: dict[str, tuple[str, str]] = {}
        #: network -> addresses on it
        self.on_net: dict[str, list[str]] = {}
        #: user-defined network -> {name or alias: address} (what its embedded DNS answers)
        self.dns: dict[str, dict[str, str]] = {}
        for b in self.boxes.values():
            if not b.running:
                continue
            for net, (ip, aliases) in b.endpoints.items():
                if not ip:
                    continue
                self.owner[ip] = (b.name, net)
                self.on_net.setdefault(net, []).append(ip)
                if self.net(net).kind == "user":
                    names = self.dns.setdefault(net, {})
                    for n in (b.name, *aliases):
                        names.setdefault(n, ip)
        self._reach: dict[str, frozenset[str]] = {}

    def net(self, name: str) -> Net:
        """The network called ``name`` (an unknown one is taken for a user-defined bridge)."""
        return self.nets.get(name) or Net(name, "user")

    def exec_refused(self, b: Box) -> str | None:
        """Why the engine refuses ``docker exec`` into ``b`` (a link target not running), if it does."""
        for target, alias in b.links.items():
            t = self.boxes.get(target)
            if t is None or not t.running:
                return f"Cannot link to a non running container: /{target} AS /{b.name}/{alias}"
            if "bridge" not in t.ips:
                return f"Cannot link to /{target}, as it does not belong to the default network"
        return None

    def has_dns(self, b: Box) -> bool:
        """Whether ``b`` asks Docker's embedded DNS: it is on a user-defined network."""
        return any(self.net(n).kind == "user" and ip for n, (ip, _) in b.endpoints.items())

    def names_for(self, b: Box) -> dict[str, str]:
        """Every name ``b`` can resolve, with its address: embedded DNS, overridden by /etc/hosts."""
        found: dict[str, str] = {}
        if self.has_dns(b):
            for net, (ip, _) in reversed(list(b.endpoints.items())):
                if ip and net in self.dns:
                    found.update(self.dns[net])
        found.update(b.hosts)
        return found

    def reachable_ips(self, b: Box) -> frozenset[str]:
        """The addresses a ping from ``b`` gets a reply from."""
        if b.name in self._reach:
            return self._reach[b.name]
        out: set[str] = set()
        if b.running and self.exec_refused(b) is None:
            if b.mode == "host":
                out.update(self.owner)
            else:
                for net, (ip, _) in b.endpoints.items():
                    if not ip:
                        continue
                    if self.net(net).icc:
                        out.update(self.on_net.get(net, ()))
                    else:
                        out.add(ip)
        result = frozenset(out)
        self._reach[b.name] = result
        return result

    def route_code(self, b: Box, ip: str) -> str:
        """The :data:`dockerlab.probe.REASONS` key for a ping from ``b`` to address ``ip``."""
        if not b.running:
            return "not-running"
        if self.exec_refused(b):
            return "error"
        if ip in self.reachable_ips(b):
            return "ok"
        if b.mode != "host" and not b.ips:
            return "unreachable"
        return "timeout"

    def ping_code(self, b: Box, target: str) -> tuple[str, str | None]:
        """(reason, resolved address) for ``ping target`` from ``b``, target a name or an address."""
        if not b.running:
            return "not-running", None
        if self.exec_refused(b):
            return "error", None
        ip = target if _is_ip(target) else self.names_for(b).get(target)
        if ip is None:
            return "unresolved", None
        return self.route_code(b, ip), ip


def _is_ip(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def parse_hosts(text: str) -> dict[str, str]:
    """``/etc/hosts`` as name -> IPv4 address (the first line naming it wins, like glibc).

    >>> parse_hosts("127.0.0.1\\tlocalhost\\n172.17.0.2\\tdb 0a1b2c3d4e5f mysql1\\n")
    {'localhost': '127.0.0.1', 'db': '172.17.0.2', '0a1b2c3d4e5f': '172.17.0.2', 'mysql1': '172.17.0.2'}
    """
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and _is_ip(parts[0]):
            for name in parts[1:]:
                out.setdefault(name, parts[0])
    return out


def parse_links(links: list[str] | None) -> dict[str, str]:
    """``HostConfig.Links`` (``['/mysql1:/tomcat1/db']``) as target -> alias.

    >>> parse_links(["/mysql1:/tomcat1/db"])
    {'mysql1': 'db'}
    """
    out = {}
    for spec in links or []:
        target, _, path = spec.partition(":")
        out[target.lstrip("/")] = path.rsplit("/", 1)[-1]
    return out


def net_from_attrs(attrs: dict[str, Any]) -> Net:
    """A :class:`Net` from ``docker network inspect`` data."""
    name = attrs.get("Name", "")
    driver = attrs.get("Driver", "")
    opts = attrs.get("Options") or {}
    pools = (attrs.get("IPAM") or {}).get("Config") or [{}]
    kind = {"host": "host", "null": "none"}.get(driver, "default" if name == "bridge" else "user")
    device = ""
    if driver == "bridge":
        device = opts.get("com.docker.network.bridge.name") or f"br-{str(attrs.get('Id', ''))[:12]}"
    return Net(
        name, kind, pools[0].get("Subnet"), pools[0].get("Gateway"), bool(attrs.get("Internal")),
        opts.get("com.docker.network.bridge.enable_icc", "true") != "false", device,
    )  # fmt: skip


def box_from_attrs(attrs: dict[str, Any], hosts_text: str | None) -> Box:
    """A :class:`Box` from ``docker inspect`` data and the text of its /etc/hosts."""
    state = attrs.get("State") or {}
    mode = str((attrs.get("HostConfig") or {}).get("NetworkMode") or "default")
    nets = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    endpoints = {n: (ep.get("IPAddress") or None, tuple(ep.get("Aliases") or ())) for n, ep in nets.items()}
    links = parse_links((attrs.get("HostConfig") or {}).get("Links")) if mode in BRIDGE_MODES else {}
    return Box(str(attrs.get("Name", "")).lstrip("/"), bool(state.get("Running")), mode, endpoints, links,
               parse_hosts(hosts_text) if hosts_text else {})  # fmt: skip


def state_of(lab: Lab) -> State:
    """Read the lab's state: inspect data, networks and each running container's /etc/hosts."""
    containers = lab._own_containers()
    with lab._call("docker network ls"):
        nets = [net_from_attrs(n.attrs) for n in lab.client.networks.list()]

    def hosts(c: Any) -> str | None:
        if c.status != "running":
            return None
        try:
            with lab._call(f"docker exec {c.name} cat /etc/hosts"):
                code, out = c.exec_run(["cat", "/etc/hosts"])
        except EngineError:  # refused (a link target is down): the rules say why
            return None
        return (out or b"").decode(errors="replace") if code == 0 else None

    if getattr(lab.client, "simulated", False) or len(containers) < 2:
        texts = [hosts(c) for c in containers]
    else:
        with ThreadPoolExecutor(max_workers=min(16, len(containers))) as pool:
            texts = list(pool.map(hosts, containers))
    return State([box_from_attrs(c.attrs, t) for c, t in zip(containers, texts, strict=True)], nets)


# -- predict ------------------------------------------------------------------


def _ip_columns(state: State) -> tuple[list[tuple[str, str]], list[str]]:
    names = list(state.boxes)
    if len(names) < 2:  # an address is a column only when another container probes it
        return [], []
    cols = [(b.name, net, ip) for b in state.boxes.values() for net, ip in b.ips.items()]
    cols.sort(key=lambda c: (names.index(c[0]), c[1]))
    return [(c, n) for c, n, _ in cols], [ip for _, _, ip in cols]


def predict_state(state: State, by: str = "name") -> pd.DataFrame:
    """The reachability matrix :meth:`Lab.reachability` would measure, from ``state`` alone."""
    if by not in ("name", "ip"):
        raise InvalidInput(f"by must be 'name' or 'ip', not {by!r}.")
    names = list(state.boxes)
    index = pd.Index(names, name="source")
    if by == "name":
        columns: pd.Index = pd.Index(names, name="target")
        targets, target_names = names, names
    else:
        tuples, targets = _ip_columns(state)
        columns = pd.MultiIndex.from_tuples(tuples, names=["container", "network"])
        target_names = [c for c, _ in tuples]
    values = np.zeros((len(names), len(targets)), dtype=bool)
    mask = np.zeros_like(values)
    for i, src in enumerate(names):
        b = state.boxes[src]
        for j, t in enumerate(target_names):
            if t == src:
                mask[i, j] = True
        if by == "name" and b.mode == "host":
            mask[i, :] = True  # never probed by name (the host's resolver would be asked)
            continue
        if not b.running or state.exec_refused(b):
            continue
        reach = state.reachable_ips(b)
        if by == "name":
            resolve = state.names_for(b)
            values[i] = [resolve.get(t) in reach for t in targets]
        else:
            values[i] = [t in reach for t in targets]
    array = pd.arrays.BooleanArray
    data = {k: array(values[:, k], mask[:, k]) for k in range(len(targets))}
    frame = pd.DataFrame(data, index=index)
    frame.columns = columns
    return frame


def predict(lab: Lab, by: str = "name") -> pd.DataFrame:
    """Who would reach whom, from the lab's state alone: same shape as :meth:`Lab.reachability`."""
    return predict_state(state_of(lab), by)


# -- explain ------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Why ``source`` can or cannot reach ``target``; ``str()`` is the sentence.

    ``reachable`` is None where dockerlab does not probe (names from the host network).
    """

    source: str
    target: str
    by: str
    reachable: bool | None
    reason: str
    address: str | None
    text: str
    parts: tuple[Explanation, ...] = ()

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.reachable)

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython display
        p.text(self.text)


def _nets_text(state: State, b: Box) -> str:
    nets = [state.net(n).label for n in b.endpoints if n != "none"]
    return ", ".join(nets) if nets else "no network"


def _why_unresolved(state: State, b: Box, target: str) -> str:
    head = f"{b.name} cannot resolve {target}: "
    t = state.boxes.get(target)
    if not b.ips:
        return head + f"{b.name} has no network but lo (network none or disconnected), so no DNS and no link"
    if not state.has_dns(b):
        return head + f"the default bridge has no embedded DNS and {b.name} has no link to {target}"
    user = [n for n in b.ips if state.net(n).kind == "user"]
    if t is None:
        return head + f"no container of the lab is called {target}, and Docker's embedded DNS does not know it"
    if not t.running:
        return head + f"{target} is stopped, and Docker's embedded DNS only answers for running containers"
    return head + (
        f"Docker's embedded DNS only knows containers on the user-defined networks {b.name} is on "
        f"({', '.join(user)}), and {target} is on {_nets_text(state, t)}: no shared user-defined network"
    )


def _why_route(state: State, b: Box, ip: str, code: str) -> str:
    owner = state.owner.get(ip)
    if code == "unreachable":
        return f"{b.name} has no network but lo (network none or disconnected): Network is unreachable"
    if owner is None:
        return f"no running container has {ip} any more (a stale /etc/hosts entry): no reply"
    who, net = owner
    n = state.net(net)
    if b.mode == "host":
        return f"{b.name} uses the host's network stack, and the host has a route to every bridge, {n.label} too"
    if net in b.ips:
        if code == "ok":
            return f"both are on network {n.label}"
        return (f"both are on network {n.name}, but it was created with ICC disabled "
                "(com.docker.network.bridge.enable_icc=false): "
                "its bridge drops traffic between its containers")  # fmt: skip
    text = (f"{b.name} is on {_nets_text(state, b)} and {ip} ({who}) is on {n.label}: no shared network, and "
            "Docker isolates bridges from each other, even by IP "
            f"(`docker network connect {net} {b.name}` would join them)")  # fmt: skip
    if n.internal:
        text += f"; {net} is --internal: it only carries traffic among its own containers"
    return text


def explain_state(state: State, source: str, target: str, by: str = "name") -> Explanation:
    """Explain one pair from ``state``; ``target`` is a container name (or, by IP, an address)."""
    if by not in ("name", "ip"):
        raise InvalidInput(f"by must be 'name' or 'ip', not {by!r}.")
    b = state.boxes.get(source)
    if b is None:
        raise UnknownContainer(source, "", list(state.boxes))
    if not b.running:
        text = (f"{source} is not running: a stopped container has no address and reaches nothing "
                f"(lab.start({source!r})): NOT reachable")  # fmt: skip
        return Explanation(source, target, by, False, "not-running", None, text)
    refused = state.exec_refused(b)
    if refused:
        dead = next(t for t in b.links if t not in state.boxes or "bridge" not in state.boxes[t].ips)
        why = "is not running" if dead not in state.boxes or not state.boxes[dead].running else (
            "is no longer on the default bridge")
        text = (f"{source} links to {dead} (--link), which {why}, so the engine refuses to enter "
                f"{source} at all ({refused}); fix {dead}, or recreate {source} without the link: "
                "NOT reachable")  # fmt: skip
        return Explanation(source, target, by, False, "error", None, text)
    if by == "ip" or _is_ip(target):
        return _explain_ip(state, b, target)
    if b.mode == "host":
        text = (f"{source} runs on the host network: a name would be asked of the host's resolver, which knows "
                "no container names, so dockerlab does not probe names from it (not probed)")  # fmt: skip
        return Explanation(source, target, by, None, "not-probed", None, text)
    ip = b.hosts.get(target)
    if ip is not None:
        linked = target in b.links.values() or target in b.links
        how = f"{source} finds {target} in its /etc/hosts" + (" (written by --link)" if linked else "") + f" -> {ip}"
    else:
        resolve = state.names_for(b)
        ip = resolve.get(target)
        if ip is None:
            return Explanation(source, target, by, False, "unresolved", None,
                               _why_unresolved(state, b, target) + ": NOT reachable")  # fmt: skip
        net = state.owner.get(ip, ("", "?"))[1]
        how = (f"{source} asks Docker's embedded DNS ({EMBEDDED_DNS}), which knows {target} on "
               f"user-defined network {net} -> {ip}")  # fmt: skip
    owner = state.owner.get(ip)
    if owner and owner[0] != target:
        how += f" (an old address: {ip} now belongs to {owner[0]})"
    code = state.route_code(b, ip)
    verdict = "reachable" if code == "ok" else "NOT reachable"
    text = f"{how}; {_why_route(state, b, ip, code)}: {verdict}"
    return Explanation(source, target, by, code == "ok", code, ip, text)


def _explain_ip(state: State, b: Box, target: str) -> Explanation:
    if _is_ip(target):
        addresses = [target]
    elif target in state.boxes:
        addresses = list(state.boxes[target].ips.values())
        if not addresses:
            t = state.boxes[target]
            why = "it is stopped" if not t.running else "it is on network none or host"
            text = f"{target} has no container address to ping ({why}): NOT reachable"
            return Explanation(b.name, target, "ip", False, "unresolved", None, text)
    else:
        raise InvalidInput(f"{target!r} is neither a container of the lab nor an IPv4 address.")
    parts = []
    for ip in addresses:
        code = state.route_code(b, ip)
        verdict = "reachable" if code == "ok" else "NOT reachable"
        text = f"{b.name} -> {ip}: {_why_route(state, b, ip, code)}: {verdict}"
        parts.append(Explanation(b.name, ip, "ip", code == "ok", code, ip, text))
    if len(parts) == 1:
        p = parts[0]
        return Explanation(b.name, target, "ip", p.reachable, p.reason, p.address, p.text)
    ok = any(p.reachable for p in parts)
    return Explanation(b.name, target, "ip", ok, "ok" if ok else parts[0].reason, None,
                       "; ".join(p.text for p in parts), tuple(parts))  # fmt: skip


def explain(lab: Lab, source: str, target: str, by: str = "name") -> Explanation:
    """Why ``source`` can or cannot reach ``target`` in ``lab``, from its state alone."""
    lab._require_container(source)
    state = state_of(lab)
    if source not in state.boxes:
        raise UnknownContainer(source, lab.name, list(state.boxes))
    return explain_state(state, source, target, by)


# -- compare ------------------------------------------------------------------


class Comparison:
    """Predicted and measured matrices side by side; ``mismatches`` lists the cells that differ."""

    def __init__(self, predicted: pd.DataFrame, measured: pd.DataFrame, by: str) -> None:
        self.predicted = predicted
        self.measured = measured
        self.by = by
        self.mismatches: list[tuple[str, Any]] = []
        for src in measured.index:
            for col in measured.columns:
                p = predicted.loc[src, col] if col in predicted.columns and src in predicted.index else pd.NA
                m = measured.loc[src, col]
                if (p is pd.NA) != (m is pd.NA) or (p is not pd.NA and bool(p) != bool(m)):
                    self.mismatches.append((src, col))
        if list(predicted.columns) != list(measured.columns) or list(predicted.index) != list(measured.index):
            self.mismatches.append(("(shape)", "predicted and measured have different rows or columns"))

    @property
    def ok(self) -> bool:
        """Whether every prediction came true."""
        return not self.mismatches

    @staticmethod
    def _mark(value: object) -> str:
        from dockerlab.display import NO_REACH, REACH, SELF

        return SELF if value is pd.NA or value is None else (REACH if bool(value) else NO_REACH)

    def cells(self) -> pd.DataFrame:
        """A table of ``predicted/measured`` marks, ``!`` where they differ."""
        out = pd.DataFrame("", index=self.measured.index, columns=self.measured.columns)
        bad = set(self.mismatches)
        for src in self.measured.index:
            for col in self.measured.columns:
                p = self.predicted.loc[src, col] if col in self.predicted.columns else pd.NA
                cell = f"{self._mark(p)}/{self._mark(self.measured.loc[src, col])}"
                out.loc[src, col] = cell + ("!" if (src, col) in bad else "")
        return out

    def __str__(self) -> str:
        head = f"predicted/measured by {self.by}: " + (
            "every prediction came true" if self.ok else f"{len(self.mismatches)} mismatch(es), marked !")
        return head + "\n" + self.cells().to_string()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        cells = self.cells()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cells.columns)
        rows = []
        for src, values in cells.iterrows():
            tds = "".join(
                f'<td style="text-align:center;background:{"#fcbba1" if v.endswith("!") else "#f0f0f0"}">'
                f"{html.escape(v)}</td>" for v in values
            )
            rows.append(f"<tr><th>{html.escape(str(src))}</th>{tds}</tr>")
        caption = html.escape(str(self).splitlines()[0])
        return (f'<table class="dockerlab-compare"><caption>{caption}</caption><thead><tr><th></th>{head}</tr>'
                f"</thead><tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def compare(lab: Lab, by: str = "name") -> Comparison:
    """Predict first (from state), then measure (real pings), and put them side by side."""
    predicted = predict(lab, by)
    measured = lab.reachability(by)
    return Comparison(predicted, measured, by)


__all__ = ["Box", "Comparison", "Explanation", "Net", "State", "compare", "explain", "predict"]
