"""Predict and explain reachability from the model's state alone: no packet is sent.

:func:`predict_state` gives the matrix :meth:`dockerlab.lab.Lab.reachability`
would measure, :func:`explain_state` says why for one pair, in a sentence that
names the rule. Both ask :class:`~dockerlab.model.state.State` and restate no rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dockerlab.errors import InvalidInput, UnknownContainer
from dockerlab.i18n import _
from dockerlab.model.state import EMBEDDED_DNS, Box, State, is_ipv4


def _ip_columns(state: State) -> tuple[list[tuple[str, str]], list[str]]:
    names = list(state.boxes)
    if len(names) < 2:  # an address is a column only when another container probes it
        return [], []
    cols = [(b.name, net, ip) for b in state.boxes.values() if not b.shares for net, ip in b.ips.items()]
    cols.sort(key=lambda c: (names.index(c[0]), c[1]))
    return [(c, n) for c, n, _ in cols], [ip for _, _, ip in cols]


def predict_state(state: State, by: str = "name", targets: list[str] | None = None) -> pd.DataFrame:
    """The reachability matrix :meth:`Lab.reachability` would measure, from ``state`` alone.

    By name, ``targets`` are the names pinged (by default the containers' own; Compose's service
    names, for instance); a container's own name is not pinged.
    """
    if by not in ("name", "ip"):
        raise InvalidInput(f"by must be 'name' or 'ip', not {by!r}.")
    names = list(state.boxes)
    index = pd.Index(names, name="source")
    if by == "name":
        targets = names if targets is None else list(targets)
        columns: pd.Index = pd.Index(targets, name="target")
        target_names = targets
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
            values[i] = [resolve.get(t.lower()) in reach for t in targets]
        else:
            values[i] = [t in reach for t in targets]
    array = pd.arrays.BooleanArray
    data = {k: array(values[:, k], mask[:, k]) for k in range(len(targets))}
    frame = pd.DataFrame(data, index=index)
    frame.columns = columns
    return frame


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
    t = state.boxes.get(target) or next(
        (
            x
            for x in state.boxes.values()
            if any(target.lower() in map(str.lower, a) for _ip, a in x.endpoints.values())
        ),
        None,
    )  # the container of that name, or the one with that alias (a Compose service name)
    if not b.ips:
        return head + f"{b.name} has no network but lo (network none or disconnected), so no DNS and no link"
    if not state.has_dns(b):
        return head + f"the default bridge has no embedded DNS and {b.name} has no link to {target}"
    user = [n for n in b.ips if state.net(n).kind == "user"]
    if t is not None and t.shares:
        return head + _(
            "{target} has no network endpoint of its own: it uses the network stack of {owner} "
            "(--network container:{owner}, what Compose's network_mode: service: sets), so Docker's embedded DNS "
            "does not know its name; ask for {owner}, whose addresses it answers on"
        ).format(target=target, owner=t.shares)
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
    if code == "unreachable" and not b.ips:
        return f"{b.name} has no network but lo (network none or disconnected): Network is unreachable"
    if code == "unreachable":
        return (
            f"{b.name} is on --internal networks only ({_nets_text(state, b)}), and from Engine 25 an internal "
            f"network has no default route, so {ip}, outside its subnets: Network is unreachable"
        )
    if ip in state.gateways and owner is None:
        net = state.net(state.gateways[ip])
        if code == "ok":
            return (
                f"{ip} is the gateway of {net.label}: an address of the host itself, and every container "
                "with a network reaches the host (Docker isolates bridges from each other, not from the host)"
            )
        return f"{ip} is the gateway of {net.label}, an address of the host, but no packet leaves {b.name}"
    if owner is None:
        return f"no running container has {ip} any more (a stale /etc/hosts entry): no reply"
    who, net = owner
    n = state.net(net)
    if b.mode == "host":
        return f"{b.name} uses the host's network stack, and the host has a route to every bridge, {n.label} too"
    if net in b.ips:
        if code == "ok":
            return f"both are on network {n.label}"
        return (
            f"both are on network {n.name}, but it was created with ICC disabled "
            "(com.docker.network.bridge.enable_icc=false): "
            "its bridge drops traffic between its containers"
        )
    text = (
        f"{b.name} is on {_nets_text(state, b)} and {ip} ({who}) is on {n.label}: no shared network, and "
        "Docker isolates bridges from each other, even by IP "
        f"(`docker network connect {net} {b.name}` would join them)"
    )
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
        text = (
            f"{source} is not running: a stopped container has no address and reaches nothing "
            f"(lab.start({source!r})): NOT reachable"
        )
        return Explanation(source, target, by, False, "not-running", None, text)
    refused = state.exec_refused(b)
    if refused:
        linked = {t: state.link_target(b, t) for t in b.links}
        dead = next(t for t, box in linked.items() if box is None or not box.running or "bridge" not in box.ips)
        box = linked[dead]
        if box is None and dead in state.boxes:
            why = (
                "was removed: the container called that now is a newer one, and a link stays bound to the "
                "container it was made with"
            )
        elif box is None or not box.running:
            why = "is not running"
        else:
            why = "is no longer on the default bridge"
        text = (
            f"{source} links to {dead} (--link), which {why}, so the engine refuses to enter "
            f"{source} at all ({refused}); fix {dead}, or recreate {source} without the link: "
            "NOT reachable"
        )
        return Explanation(source, target, by, False, "error", None, text)
    if b.shares:
        inner = explain_state(state, b.shares, target, by) if b.shares in state.boxes and target != b.shares else None
        if inner is not None and inner.reason != "not-running":
            text = (
                _(
                    "{source} uses the network stack of {owner} (--network container:{owner}, what Compose's "
                    "network_mode: service: sets): its addresses, /etc/hosts and resolver, so it reaches what {owner} "
                    "reaches. "
                ).format(source=source, owner=b.shares)
                + inner.text
            )
            return Explanation(source, target, by, inner.reachable, inner.reason, inner.address, text, inner.parts)
    if by == "ip" or is_ipv4(target):
        return _explain_ip(state, b, target)
    if b.mode == "host":
        text = (
            f"{source} runs on the host network: a name would be asked of the host's resolver, which knows "
            "no container names, so dockerlab does not probe names from it (not probed)"
        )
        return Explanation(source, target, by, None, "not-probed", None, text)
    ip = state.hosts_names(b).get(target.lower())
    private = state.private_alias(b, target)
    if ip is not None:
        linked = any(target.lower() in (t.lower(), a.lower()) for t, a in b.links.items())
        how = f"{source} finds {target} in its /etc/hosts" + (" (written by --link)" if linked else "") + f" -> {ip}"
    else:
        ip = state.names_for(b).get(target.lower())
        if ip is None:
            why = _why_unresolved(state, b, target)
            if private is not None:
                net, linked_to = private
                why = (
                    f"{source} cannot resolve {target}: it is {source}'s private alias for {linked_to} on "
                    f"{net} (--link on a user-defined network), and {linked_to} is not running there"
                )
            return Explanation(source, target, by, False, "unresolved", None, why + ": NOT reachable")
        net = state.owner.get(ip, ("", "?"))[1]
        if private is not None:
            net, linked_to = private
            how = (
                f"{source} was created with --link {linked_to}:{target} on user-defined network {net}: a link on a "
                f"user-defined network is a private alias, which Docker's embedded DNS ({EMBEDDED_DNS}) answers "
                f"for {source} only -> {ip}"
            )
        elif target.lower().endswith(f".{net}".lower()):
            how = (
                f"{source} asks Docker's embedded DNS ({EMBEDDED_DNS}), which knows every container of "
                f"user-defined network {net} as <name>.{net} too -> {ip}"
            )
        else:
            how = (
                f"{source} asks Docker's embedded DNS ({EMBEDDED_DNS}), which knows {target} on "
                f"user-defined network {net} -> {ip}"
            )
    owner = state.owner.get(ip)
    linked = {a.lower() for t, a in b.links.items() if owner and t == owner[0]}  # --link aliases of the owner
    if (
        owner
        and target.lower() not in {owner[0].lower(), *linked}
        and private is None
        and not _names_owner(state, owner, target)
    ):
        how += f" (an old address: {ip} now belongs to {owner[0]})"
    code = state.route_code(b, ip)
    verdict = "reachable" if code == "ok" else "NOT reachable"
    text = f"{how}; {_why_route(state, b, ip, code)}: {verdict}"
    return Explanation(source, target, by, code == "ok", code, ip, text)


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
            why = "it is stopped" if not t.running else "it is on network none or host"
            if t.shares:
                why = _("it has none of its own: it uses {owner}'s network stack").format(owner=t.shares)
            text = f"{target} has no container address to ping ({why}): NOT reachable"
            return Explanation(b.name, target, "ip", False, "unresolved", None, text)
    else:
        raise InvalidInput(f"{target!r} is neither a container of the lab nor an IPv4 address.")
    parts = []
    for ip in addresses:
        code = state.route_code(b, ip)
        verdict = "reachable" if code == "ok" else "NOT reachable"
        owner = state.owner.get(ip)
        whose = f" ({owner[0]}'s address now, on {owner[1]})" if owner and is_ipv4(target) else ""
        text = f"{b.name} -> {ip}{whose}: {_why_route(state, b, ip, code)}: {verdict}"
        parts.append(Explanation(b.name, ip, "ip", code == "ok", code, ip, text))
    if len(parts) == 1:
        p = parts[0]
        return Explanation(b.name, target, "ip", p.reachable, p.reason, p.address, p.text)
    ok = any(p.reachable for p in parts)
    return Explanation(
        b.name, target, "ip", ok, "ok" if ok else parts[0].reason, None, "; ".join(p.text for p in parts), tuple(parts)
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
        found.append(("(shape)", "predicted and measured have different rows or columns"))
    return found


__all__ = ["Explanation", "explain_state", "mismatches", "predict_state"]
