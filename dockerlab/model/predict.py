"""Predict and explain reachability from the model's state alone: no packet is sent.

:func:`predict_state` gives the matrix :meth:`dockerlab.lab.Lab.reachability`
would measure, :func:`explain_state` says why for one pair, in a sentence that
names the rule. Both ask :class:`~dockerlab.model.state.State` and restate no rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dockerlab.errors import InvalidInput, UnknownContainer
from dockerlab.i18n import VERDICT, _
from dockerlab.model.state import EMBEDDED_DNS, Box, Net, State, is_ipv4


def _ip_columns(state: State) -> tuple[list[tuple[str, str]], list[str]]:
    names = list(state.boxes)
    if len(names) < 2:  # an address is a column only when another container probes it
        return [], []
    cols = [(b.name, net, ip) for b in state.boxes.values() if not b.shares for net, ip in b.ips.items()]
    cols.sort(key=lambda c: (names.index(c[0]), c[1]))
    return [(c, n) for c, n, _ in cols], [ip for _, _, ip in cols]


def checked_by(by: object) -> str:
    """``by`` itself if it is ``"name"`` or ``"ip"``; anything else is refused before the engine is asked."""
    if by not in ("name", "ip"):
        raise InvalidInput(_("by must be 'name' or 'ip', not {by}.").format(by=repr(by)))
    return str(by)


def predict_state(state: State, by: str = "name", targets: list[str] | None = None) -> pd.DataFrame:
    """The reachability matrix :meth:`Lab.reachability` would measure, from ``state`` alone.

    By name, ``targets`` are the names pinged (by default the containers' own; Compose's service
    names, for instance); a container's own name is not pinged.
    """
    checked_by(by)
    names = list(state.boxes)
    index = pd.Index(names, name="source")
    if by == "name":
        targets = names if targets is None else list(targets)
        columns: pd.Index = pd.Index(targets, name="target")
        target_names = targets
    else:
        tuples, targets = _ip_columns(state)
        default = state.release.default_network  # Podman's is "podman" in the containers it reports
        if default != "bridge":  # named so, and in that name's order, as Lab.reachability shows it
            order = sorted(
                range(len(tuples)), key=lambda k: (tuples[k][0], default if tuples[k][1] == "bridge" else tuples[k][1])
            )
            tuples = [(tuples[k][0], default if tuples[k][1] == "bridge" else tuples[k][1]) for k in order]
            targets = [targets[k] for k in order]
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
            values[i] = [resolve.get(t.lower()) in reach for t in targets]
        else:
            values[i] = [t in reach for t in targets]
    array = pd.arrays.BooleanArray
    data = {k: array(values[:, k], mask[:, k]) for k in range(len(targets))}
    frame = pd.DataFrame(data, index=index)
    frame.columns = columns
    return mark_down(frame, state)


def mark_down(matrix: pd.DataFrame, state: State) -> pd.DataFrame:
    """``matrix`` (predicted or measured) with every cell :meth:`State.cut_off` names made NA: a cell whose
    source or target lives on a host that is down is neither measured nor predicted (``host-down``).

    ``matrix.attrs["down"]`` maps each such container to its host, for the displays to say so. On one
    engine the matrix is returned as it is.
    """
    down = state.down_boxes()
    if not down:
        return matrix
    for src in matrix.index:
        for col in matrix.columns:
            target = col[0] if isinstance(col, tuple) else col
            if state.cut_off(str(src), str(target)) is not None:
                matrix.loc[src, col] = pd.NA
    matrix.attrs["down"] = down
    return matrix


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

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython display
        p.text(self.text)


def _verdict(why: str, ok: bool) -> str:
    """``why`` closed by the verdict: ``...: NOT reachable``."""
    # i18n: {why} is an explanation, {verdict} "reachable" or "NOT reachable".
    return _("{why}: {verdict}").format(why=why, verdict=_(VERDICT[ok]))


def _join(items: list[str]) -> str:
    # i18n: the separator of a list of networks or containers ("front, back").
    return _(", ").join(items)


def _nets_text(state: State, b: Box) -> str:
    nets = [state.net(n).label for n in b.endpoints if n != "none"]
    return _join(nets) if nets else _("no network")


def _why_unresolved(state: State, b: Box, target: str) -> str:
    t = state.boxes.get(target) or next(
        (
            x
            for x in state.boxes.values()
            if any(target.lower() in map(str.lower, a) for _ip, a in x.endpoints.values())
        ),
        None,
    )  # the container of that name, or the one with that alias (a Compose service name)
    names = {"source": b.name, "target": target}
    across = _across_hosts(state, b, t)
    if across:
        return across
    if not b.ips:
        return _(
            "{source} cannot resolve {target}: {source} has no network but lo (network none or disconnected), "
            "so no DNS and no link"
        ).format(**names)
    if not state.has_dns(b):
        return _(
            "{source} cannot resolve {target}: the default bridge has no embedded DNS and {source} has no link "
            "to {target}"
        ).format(**names)
    user = [n for n in b.ips if state.net(n).has_dns]
    if t is not None and t.shares:
        return _(
            "{source} cannot resolve {target}: {target} has no network endpoint of its own: it uses the network "
            "stack of {owner} (--network container:{owner}, what Compose's network_mode: service: sets), so "
            "Docker's embedded DNS does not know its name; ask for {owner}, whose addresses it answers on"
        ).format(owner=t.shares, **names)
    if t is None:
        return _(
            "{source} cannot resolve {target}: no container of the lab is called {target}, and Docker's embedded "
            "DNS does not know it"
        ).format(**names)
    if not t.running:
        return _(
            "{source} cannot resolve {target}: {target} is stopped, and Docker's embedded DNS only answers for "
            "running containers"
        ).format(**names)
    return _(
        "{source} cannot resolve {target}: Docker's embedded DNS only knows containers on the user-defined "
        "networks {source} is on ({networks}), and {target} is on {target_networks}: no shared user-defined network"
    ).format(networks=_join(user), target_networks=_nets_text(state, t), **names)


def _across_hosts(state: State, b: Box, t: Box | None) -> str | None:
    """Why ``b`` cannot resolve ``t`` when they run on different hosts with no network in common, else None."""
    hosts = state.hosts_apart(b.name, t.name) if t is not None and b.ips and t.running else None
    if t is None or hosts is None or set(b.ips) & set(t.ips):
        return None
    return _(
        "{source} cannot resolve {target}: {source} runs on {here} and {target} on {there}, and they share no "
        "overlay network; a bridge and its names are local to one host, and Docker's embedded DNS answers a name "
        "across hosts only on an overlay network both are on (docker network create -d overlay --attachable)"
    ).format(source=b.name, target=t.name, here=hosts[0], there=hosts[1])


def _why_across(state: State, b: Box, ip: str, who: str, n: Net, code: str) -> str:
    """Why ``b`` reaches (or not) ``ip`` on another network of an engine that does not isolate its networks
    from each other (Podman: :attr:`dockerlab.model.Release.networks_isolated`)."""
    where = _("{source} is on {networks} and {ip} ({owner}) is on {network}").format(
        source=b.name, networks=_nets_text(state, b), ip=ip, owner=who, network=n.label
    )
    if code == "ok":
        return _(
            "{where}: no shared network, but Podman does not isolate its networks from each other, so the host "
            "routes the packet from one bridge to the other"
        ).format(where=where)
    return _(
        "{where}: no shared network; Podman lets its networks reach each other through the host, but not "
        "into or out of an --internal one"
    ).format(where=where)


def _why_route(state: State, b: Box, ip: str, code: str) -> str:
    owner = state.owner.get(ip)
    if code == "unreachable" and not b.ips:
        # i18n: "Network is unreachable" is ping's own message: leave it in English.
        return _("{source} has no network but lo (network none or disconnected): Network is unreachable").format(
            source=b.name
        )
    if code == "unreachable":
        return _(
            "{source} is on --internal networks only ({networks}), and from Engine 25 an internal network has no "
            "default route, so {ip}, outside its subnets: Network is unreachable"
        ).format(source=b.name, networks=_nets_text(state, b), ip=ip)
    if ip in state.gateways and owner is None:
        gateway_of = state.net(state.gateways[ip])
        if code == "ok":
            return _(
                "{ip} is the gateway of {network}: an address of the host itself, and every container with a "
                "network reaches the host (Docker isolates bridges from each other, not from the host)"
            ).format(ip=ip, network=gateway_of.label)
        return _("{ip} is the gateway of {network}, an address of the host, but no packet leaves {source}").format(
            ip=ip, network=gateway_of.label, source=b.name
        )
    if owner is None:
        return _("no running container has {ip} any more (a stale /etc/hosts entry): no reply").format(ip=ip)
    who, net = owner
    n = state.net(net)
    if b.mode == "host":
        return _(
            "{source} uses the host's network stack, and the host has a route to every bridge, {network} too"
        ).format(source=b.name, network=n.label)
    if net in b.ips:
        if code == "ok":
            return _("both are on network {network}").format(network=n.label)
        return _(
            "both are on network {network}, but it was created with ICC disabled "
            "(com.docker.network.bridge.enable_icc=false): its bridge drops traffic between its containers"
        ).format(network=n.name)
    apart = state.apart(b, ip)
    if apart:
        return apart
    if not state.release.networks_isolated:
        return _why_across(state, b, ip, who, n, code)
    text = _(
        "{source} is on {networks} and {ip} ({owner}) is on {network}: no shared network, and Docker isolates "
        "bridges from each other, even by IP (`{command}` would join them)"
    ).format(
        source=b.name,
        networks=_nets_text(state, b),
        ip=ip,
        owner=who,
        network=n.label,
        command=f"docker network connect {net} {b.name}",
    )
    if n.internal:
        text = _("{reason}; {network} is --internal: it only carries traffic among its own containers").format(
            reason=text, network=net
        )
    return text


def explain_state(state: State, source: str, target: str, by: str = "name") -> Explanation:
    """Explain one pair from ``state``; ``target`` is a container name (or, by IP, an address).

    The steps, in order: a source that cannot probe at all (stopped, or the
    engine refuses to enter it); one that uses another container's network
    stack; by IP; from the host network; then by name, resolved and routed.
    """
    checked_by(by)
    b = state.boxes.get(source)
    if b is None:
        raise UnknownContainer(source, "", list(state.boxes))
    cut = state.cut_off(source, target)
    if cut is not None:
        return _explain_host_down(source, target, by, *cut)
    if not b.running:
        return _explain_not_running(source, target, by)
    refused = state.exec_refused(b)
    if refused:
        return _explain_refused(state, b, target, by, refused)
    shared = _explain_shared(state, b, target, by) if b.shares else None
    if shared is not None:
        return shared
    if by == "ip" or is_ipv4(target):
        return _explain_ip(state, b, target)
    if b.mode == "host":
        return _explain_from_host(source, target, by)
    return _explain_name(state, b, target, by)


def _explain_host_down(source: str, target: str, by: str, container: str, host: str) -> Explanation:
    """``container`` (the source or the target) lives on ``host``, whose engine does not answer."""
    text = _(
        "{container} runs on {host}, and {host}'s engine does not answer (host-down): no ping to or from "
        "{container} can be measured, and dockerlab predicts none. Running open_cluster() again restarts "
        "{host} alone"
    ).format(container=container, host=host)
    return Explanation(source, target, by, None, "host-down", None, text)


def _explain_not_running(source: str, target: str, by: str) -> Explanation:
    """A stopped ``source`` reaches nothing."""
    why = _("{source} is not running: a stopped container has no address and reaches nothing ({command})").format(
        source=source, command=f"lab.start({source!r})"
    )
    text = _verdict(why, False)
    return Explanation(source, target, by, False, "not-running", None, text)


def _explain_refused(state: State, b: Box, target: str, by: str, refused: str) -> Explanation:
    """The engine refuses to enter ``b`` (``refused``, its error): a ``--link`` target of ``b`` is gone or away."""
    source = b.name
    linked = {t: state.link_target(b, t) for t in b.links}
    dead = next(t for t, box in linked.items() if box is None or not box.running or "bridge" not in box.ips)
    box = linked[dead]
    if box is None and dead in state.boxes:
        why = _(
            "was removed: the container called that now is a newer one, and a link stays bound to the "
            "container it was made with"
        )
    elif box is None or not box.running:
        why = _("is not running")
    else:
        why = _("is no longer on the default bridge")
    # i18n: {why} is one of "was removed: ...", "is not running", "is no longer on the default bridge";
    # {refused} is the engine's own error, left in English.
    text = _(
        "{source} links to {dead} (--link), which {why}, so the engine refuses to enter {source} at all "
        "({refused}); fix {dead}, or recreate {source} without the link"
    ).format(source=source, dead=dead, why=why, refused=refused)
    text = _verdict(text, False)
    return Explanation(source, target, by, False, "error", None, text)


def _explain_shared(state: State, b: Box, target: str, by: str) -> Explanation | None:
    """``b`` uses the network stack of ``b.shares``: it reaches what that one reaches.

    None when that container is unknown, is the target, or is not running: ``b`` is then explained on its own.
    """
    source = b.name
    inner = explain_state(state, b.shares, target, by) if b.shares in state.boxes and target != b.shares else None
    if inner is None or inner.reason == "not-running":
        return None
    text = (
        _(
            "{source} uses the network stack of {owner} (--network container:{owner}, what Compose's "
            "network_mode: service: sets): its addresses, /etc/hosts and resolver, so it reaches what {owner} "
            "reaches. "
        ).format(source=source, owner=b.shares)
        + inner.text
    )
    return Explanation(source, target, by, inner.reachable, inner.reason, inner.address, text, inner.parts)


def _explain_from_host(source: str, target: str, by: str) -> Explanation:
    """Names are not probed from a container on the host network."""
    text = _(
        "{source} runs on the host network: a name would be asked of the host's resolver, which knows "
        "no container names, so dockerlab does not probe names from it (not probed)"
    ).format(source=source)
    return Explanation(source, target, by, None, "not-probed", None, text)


def _explain_name(state: State, b: Box, target: str, by: str) -> Explanation:
    """By name: how ``target`` resolves from ``b`` (or why not), then whether its address is reached."""
    private = state.private_alias(b, target)
    resolved = _resolve(state, b, target, private)
    if resolved is None:
        return _explain_unresolved(state, b, target, by, private)
    ip, how = resolved
    how = _note_old_address(state, b, target, ip, how, private)
    code = state.route_code(b, ip)
    # i18n: {how} says how the name was resolved, {why} why the address is (not) reached.
    why = _("{how}; {why}").format(how=how, why=_why_route(state, b, ip, code))
    text = _verdict(why, code == "ok")
    return Explanation(b.name, target, by, code == "ok", code, ip, text)


def _resolve(state: State, b: Box, target: str, private: tuple[str, str] | None) -> tuple[str, str] | None:
    """``(address, how it was found)`` for ``target`` as ``b`` resolves it: /etc/hosts first, then the
    embedded DNS; None when it does not resolve."""
    ip = state.hosts_names(b).get(target.lower())
    if ip is not None:
        return ip, _how_from_hosts(b, target, ip)
    ip = state.names_for(b).get(target.lower())
    if ip is None:
        return None
    return ip, _how_from_dns(state, b, target, ip, private)


def _how_from_hosts(b: Box, target: str, ip: str) -> str:
    """``b`` finds ``target`` in its /etc/hosts (a ``--link`` line, or another)."""
    linked = any(target.lower() in (t.lower(), a.lower()) for t, a in b.links.items())
    if linked:
        how = _("{source} finds {target} in its /etc/hosts (written by --link) -> {ip}")
    else:
        how = _("{source} finds {target} in its /etc/hosts -> {ip}")
    return how.format(source=b.name, target=target, ip=ip)


def _how_from_dns(state: State, b: Box, target: str, ip: str, private: tuple[str, str] | None) -> str:
    """``b`` asks Docker's embedded DNS for ``target``: a private link alias, ``name.network`` or a name."""
    source = b.name
    net = state.owner.get(ip, ("", "?"))[1]
    if private is not None:
        net, linked_to = private
        how = _(
            "{source} was created with --link {linked_to}:{target} on user-defined network {network}: a link "
            "on a user-defined network is a private alias, which Docker's embedded DNS ({dns}) answers for "
            "{source} only -> {ip}"
        )
        return how.format(source=source, linked_to=linked_to, target=target, network=net, dns=EMBEDDED_DNS, ip=ip)
    if target.lower().endswith(f".{net}".lower()):
        return _(
            "{source} asks Docker's embedded DNS ({dns}), which knows every container of user-defined network "
            "{network} as <name>.{network} too -> {ip}"
        ).format(source=source, dns=EMBEDDED_DNS, network=net, ip=ip)
    return _(
        "{source} asks Docker's embedded DNS ({dns}), which knows {target} on user-defined network {network} -> {ip}"
    ).format(source=source, dns=EMBEDDED_DNS, target=target, network=net, ip=ip)


def _explain_unresolved(state: State, b: Box, target: str, by: str, private: tuple[str, str] | None) -> Explanation:
    """``target`` does not resolve from ``b``: why (a private link alias whose container is down, or the rest)."""
    why = _why_unresolved(state, b, target)
    if private is not None:
        net, linked_to = private
        why = _(
            "{source} cannot resolve {target}: it is {source}'s private alias for {linked_to} on "
            "{network} (--link on a user-defined network), and {linked_to} is not running there"
        ).format(source=b.name, target=target, linked_to=linked_to, network=net)
    return Explanation(b.name, target, by, False, "unresolved", None, _verdict(why, False))


def _note_old_address(state: State, b: Box, target: str, ip: str, how: str, private: tuple[str, str] | None) -> str:
    """``how``, noting when ``ip`` now belongs to a container that ``target`` does not name (an old address)."""
    owner = state.owner.get(ip)
    link_aliases = {a.lower() for t, a in b.links.items() if owner and t == owner[0]}  # --link aliases of the owner
    if (
        owner
        and target.lower() not in {owner[0].lower(), *link_aliases}
        and private is None
        and not _names_owner(state, owner, target)
    ):
        how = _("{how} (an old address: {ip} now belongs to {owner})").format(how=how, ip=ip, owner=owner[0])
    return how


def _names_owner(state: State, owner: tuple[str, str], name: str) -> bool:
    """Whether ``name`` is one of the names Docker's embedded DNS gives ``owner`` (container, network)."""
    who, net = owner
    aliases = state.boxes[who].endpoints.get(net, (None, ()))[1] if who in state.boxes else ()
    known = {n.lower() for n in (who, *aliases)}
    return name.lower() in known | {f"{n}.{net}".lower() for n in known}


def _explain_ip(state: State, b: Box, target: str) -> Explanation:
    if is_ipv4(target):
        addresses = [target]
    elif target in state.boxes:
        addresses = list(state.boxes[target].ips.values())
        if not addresses:
            t = state.boxes[target]
            if t.shares:
                why = _(
                    "{target} has no container address to ping (it has none of its own: it uses {owner}'s "
                    "network stack)"
                ).format(target=target, owner=t.shares)
            elif not t.running:
                why = _("{target} has no container address to ping (it is stopped)").format(target=target)
            else:
                why = _("{target} has no container address to ping (it is on network none or host)").format(
                    target=target
                )
            text = _verdict(why, False)
            return Explanation(b.name, target, "ip", False, "unresolved", None, text)
    else:
        raise InvalidInput(
            _("{target} is neither a container of the lab nor an IPv4 address.").format(target=repr(target))
        )
    parts = []
    for ip in addresses:
        code = state.route_code(b, ip)
        owner = state.owner.get(ip)
        why = _why_route(state, b, ip, code)
        if owner and is_ipv4(target):
            text = _("{source} -> {ip} ({owner}'s address now, on {network}): {why}").format(
                source=b.name, ip=ip, owner=owner[0], network=owner[1], why=why
            )
        else:
            text = _("{source} -> {ip}: {why}").format(source=b.name, ip=ip, why=why)
        text = _verdict(text, code == "ok")
        parts.append(Explanation(b.name, ip, "ip", code == "ok", code, ip, text))
    if len(parts) == 1:
        p = parts[0]
        return Explanation(b.name, target, "ip", p.reachable, p.reason, p.address, p.text)
    ok = any(p.reachable for p in parts)
    return Explanation(
        b.name,
        target,
        "ip",
        ok,
        "ok" if ok else parts[0].reason,
        None,
        _("; ").join(p.text for p in parts),
        tuple(parts),
    )


def mismatches(predicted: pd.DataFrame, measured: pd.DataFrame) -> list[tuple[str, object]]:
    """The ``(source, column)`` cells where ``predicted`` and ``measured`` differ.

    A difference in rows or columns adds ``("(shape)", ...)``.
    """
    found: list[tuple[str, object]] = []
    for src in measured.index:
        for col in measured.columns:
            p = predicted.loc[src, col] if col in predicted.columns and src in predicted.index else pd.NA
            m = measured.loc[src, col]
            if (p is pd.NA) != (m is pd.NA) or (p is not pd.NA and bool(p) != bool(m)):
                found.append((src, col))
    if list(predicted.columns) != list(measured.columns) or list(predicted.index) != list(measured.index):
        found.append(("(shape)", _("predicted and measured have different rows or columns")))
    return found


__all__ = ["Explanation", "checked_by", "explain_state", "mark_down", "mismatches", "predict_state"]
