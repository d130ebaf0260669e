"""Classroom exercises: prepare a lab, let the learner change it, then check it live.

Each exercise has an id (``ex01``...), a :func:`setup` that resets the lab and
builds its starting state (for instance a broken lab), hints in stages
(:func:`hint`), and a :func:`check` that probes the live engine and says
what is still wrong. A check never shows the solution's code, and on an
untouched lab it fails with feedback rather than raising.

Feedback comes in stages, so that a learner first looks for the cause:

1. A failing check says WHAT is wrong: for each finding, what was seen and
   what was expected, and how to learn more.
2. WHY (the rule behind a finding, which often points at the fix) comes once
   the learner has asked for a hint of that exercise (``hint(id, 1)`` or
   later), or checks again while the lab is unchanged since the previous
   failed check (the same findings).

This memory lives in the Python process (the notebook's kernel), per
exercise id (hints) and per exercise and lab (the last failed check).
:func:`setup` clears it for its exercise, and :func:`reset_feedback` clears
it for one exercise or all. A diagnosis exercise (ex08) shows its findings
one at a time, the first one on the path.

>>> EXERCISES[:3]
('ex01', 'ex02', 'ex03')
>>> hint("ex01", 1).startswith("Hint 1/3")
True
>>> reset_feedback("ex01")

Containers and networks are named ``e<N>-...`` (``e1-web``, ``e4-net``) so that
no exercise collides with another one or with the tutorial series.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from dockerlab import model
from dockerlab.errors import DockerlabError, InvalidInput, NeedsEngine
from dockerlab.i18n import N_, VERDICT, _, ngettext
from dockerlab.kernel import links, topology
from dockerlab.kernel.probe import REASONS
from dockerlab.model import subnets
from dockerlab.teaching import progress

if TYPE_CHECKING:
    from dockerlab.lab import ContainerHandle, Lab

#: The verdicts heading a check's feedback; translate with ``_(PASSED)`` when shown.
PASSED, NOT_YET = N_("PASSED"), N_("NOT YET")
#: The file a setup leaves in a container that must be repaired, not replaced.
MARKER = "/tmp/.dockerlab-original"


# -- results -------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing that is not as the exercise asks: what was seen, what was expected, and why.

    ``about`` lists the container names and addresses the finding is about
    (source first): two findings whose ``why`` differs only in them share one
    explanation, which the feedback shows once.
    """

    seen: str
    expected: str
    why: str
    about: tuple[str, ...] = ()

    def __str__(self) -> str:
        expected = _("expected: {expected}").format(expected=self.expected)
        why = _("why: {why}").format(why=self.why)
        return f"- {self.seen}\n    {expected}\n    {why}"

    @property
    def key(self) -> tuple[str, str]:
        """What the finding says about the lab (seen, expected): equal keys, unchanged lab."""
        return (self.seen, self.expected)

    def why_pattern(self) -> str:
        """``why`` with the names and addresses of ``about`` replaced by placeholders.

        >>> a = Finding("", "", "a cannot resolve b: a has no link to b", ("a", "b"))
        >>> b = Finding("", "", "b cannot resolve a: b has no link to a", ("b", "a"))
        >>> a.why_pattern() == b.why_pattern()
        True
        """
        if not self.about:
            return self.why
        order = sorted(set(self.about), key=len, reverse=True)
        names = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(n) for n in order) + r")(?![\w-]|\.\w)")
        return names.sub(lambda m: f"<{self.about.index(m.group(1))}>", self.why)


def _numbers(items: list[int]) -> str:
    """``1``, ``1 and 2``, ``1, 2 and 4``."""
    words = [str(i) for i in items]
    if len(words) == 1:
        return words[0]
    return _("{numbers} and {last}").format(numbers=_(", ").join(words[:-1]), last=words[-1])


@dataclass(frozen=True)
class CheckResult:
    """The verdict of :func:`check`: ``passed`` and the ``feedback`` text.

    ``explain`` says whether the feedback gives each finding's why (see the
    module's docstring), ``hints_asked`` the highest hint stage asked so far,
    and ``one_at_a_time`` whether only the first finding is shown.
    """

    exercise: str
    passed: bool
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    explain: bool = True
    hints_asked: int = 0
    one_at_a_time: bool = False

    @property
    def shown(self) -> tuple[Finding, ...]:
        """The findings the feedback shows: all, or the first one for a one-at-a-time exercise."""
        return self.findings[:1] if self.one_at_a_time else self.findings

    @property
    def feedback(self) -> str:
        """What is wrong and what was expected (and why, once asked for); or what the passing lab shows."""
        if self.passed:
            title = _(EXERCISE_INFO[self.exercise].title)
            return "\n".join([f"{_(PASSED)} {self.exercise} ({title})", *self.notes])
        n, shown = len(self.findings), self.shown
        if len(shown) < n:
            count = _("1 of {n} things to fix (fix it and check again)").format(n=n)
        else:
            count = ngettext("{n} thing to fix", "{n} things to fix", n).format(n=n)
        # no title here: a title such as "names through aliases" would name the means before the learner looks
        lines = [_("{verdict} {exercise}: {count}").format(verdict=_(NOT_YET), exercise=self.exercise, count=count)]
        lines += self._finding_lines(shown)
        lines += self.notes
        ask = f'exercises.hint("{self.exercise}", {self.hints_asked + 1})'
        if not self.explain:
            lines.append(_("(ask {ask} for a hint, or check again to see why)").format(ask=ask))
        elif self.hints_asked < len(EXERCISE_INFO[self.exercise].hints):
            if not self.hints_asked:
                stuck = _("Stuck? {ask} gives a first hint.")
            else:
                stuck = _("Stuck? {ask} gives the next hint.")
            lines.append(stuck.format(ask=ask))
        return "\n".join(lines)

    def _finding_lines(self, shown: tuple[Finding, ...]) -> list[str]:
        """Each finding (numbered when there are several); a why shared by several findings is written once."""
        numbered = len(shown) > 1
        groups: dict[str, list[int]] = {}
        for i, f in enumerate(shown, 1):
            groups.setdefault(f.why_pattern(), []).append(i)
        lines = []
        for i, f in enumerate(shown, 1):
            lines.append(f"{i}. {f.seen}" if numbered else f"- {f.seen}")
            lines.append("   " + _("expected: {expected}").format(expected=f.expected))
            if not self.explain:
                continue
            group = groups[f.why_pattern()]
            if len(group) == 1:
                lines.append("   " + _("why: {why}").format(why=f.why))
            elif i == group[0]:
                if len({shown[k - 1].why for k in group}) == 1:
                    why = _("why (same cause for {numbers}): {why}")
                else:
                    why = _("why (same cause for {numbers}; shown for {i}): {why}")
                lines.append("   " + why.format(numbers=_numbers(group), i=i, why=f.why))
            else:
                lines.append("   " + _("why: same cause as {n}").format(n=group[0]))
        return lines

    def __str__(self) -> str:
        return self.feedback

    def __bool__(self) -> bool:
        return self.passed

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython display
        p.text(self.feedback)


@dataclass(frozen=True)
class Task:
    """What :func:`setup` prepared: the task text with this lab's values, and those values."""

    exercise: str
    text: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython display
        p.text(self.text)


@dataclass(frozen=True)
class Exercise:
    """One exercise: its text, objective, time, hints, and how to prepare and check a lab.

    ``objective`` and ``chapters`` (the chapters of the series it builds on,
    ``"03"`` for ``notebooks/03_link.ipynb``) head its notebook and agree with
    the teacher's guide (``docs/teachers.md``). ``needs_engine`` marks an
    exercise the simulator cannot check; ``one_at_a_time`` a diagnosis whose
    feedback shows only the first finding on the path.
    """

    id: str
    title: str
    task: str
    minutes: int
    hints: tuple[str, ...]
    setup: Callable[[Lab], Mapping[str, str]]
    check: Callable[[Lab, Any], list[Finding]]
    objective: str
    chapters: tuple[str, ...]
    takes_answer: bool = False
    needs_engine: bool = False
    one_at_a_time: bool = False


# -- reading the lab -----------------------------------------------------------


class _State:
    """A snapshot of the lab's containers; the model explains what the probes found."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.handles: dict[str, ContainerHandle] = {h.name: h for h in lab.handles()}
        self._model: model.State | None = None

    @property
    def model(self) -> model.State:
        """The model's view of the lab (read once, when a check first needs a reason)."""
        if self._model is None:
            self._model = self.lab.state()
        return self._model

    def missing(self, names: list[str], exercise: str) -> list[Finding]:
        """Findings for expected containers that do not exist or are not running."""
        found = []
        for n in names:
            h = self.handles.get(n)
            if h is None:
                found.append(
                    Finding(
                        _("{n} does not exist in lab {name}").format(n=n, name=repr(self.lab.name)),
                        _("a running container {n}").format(n=n),
                        _(
                            'the exercise is about {n}: run the setup cell again (exercises.setup("{exercise}", '
                            "lab)) to start afresh, or create it if the task asks you to"
                        ).format(n=n, exercise=exercise),
                        (n,),
                    )
                )
            elif not h.running:
                found.append(
                    Finding(
                        _("{n} is {status}, not running").format(n=n, status=h.status),
                        _("{n} running").format(n=n),
                        _(
                            "a stopped container keeps its name and settings but has no address on any network: it "
                            "can neither send nor answer a ping"
                        ),
                        (n,),
                    )
                )
        return found

    def networks(self, name: str) -> list[str]:
        h = self.handles.get(name)
        return h.networks if h else []

    def _where(self, name: str) -> str:
        nets = self.networks(name)
        return _(", ").join(nets) if nets else _("no network")

    def why(self, src: str, dst: str, by: str = "name") -> str:
        """Why ``src`` does or does not reach ``dst``: the model's explanation, without its verdict."""
        for n in (src, dst):
            if n not in self.handles:
                return _("{name} does not exist").format(name=n)
        return _without_verdict(model.explain_state(self.model, src, dst, by).text)


def _without_verdict(text: str) -> str:
    """An explanation without the verdict closing it (": NOT reachable"), in the learner's language."""
    for ok in (False, True):
        text = text.removesuffix(_("{why}: {verdict}").format(why="", verdict=_(VERDICT[ok])))
    return text


def _pair_findings(
    state: _State, matrix: pd.DataFrame, expected: Mapping[tuple[str, str], bool], by: str = "name"
) -> list[Finding]:
    """Compare measured reachability with the expected cells; explain each wrong one."""
    found = []
    for (src, dst), want in expected.items():
        got = matrix.loc[src, dst] if src in matrix.index and dst in matrix.columns else pd.NA
        got = False if got is pd.NA else bool(got)
        if got == want:
            continue
        names = {"src": src, "dst": dst}
        if by == "name":
            seen = _("{src} reaches {dst} by name") if got else _("{src} does not reach {dst} by name")
            exp = _("{src} reaches {dst} by name") if want else _("{src} must not reach {dst} by name")
        else:
            seen = _("{src} reaches {dst} at its address") if got else _("{src} does not reach {dst} at its address")
            exp = _("{src} reaches {dst} at its address") if want else _("{src} must not reach {dst} at its address")
        seen, exp = seen.format(**names), exp.format(**names)
        target = state.handles.get(dst)
        found.append(Finding(seen, exp, state.why(src, dst, by), (src, dst, *(target.ips.values() if target else ()))))
    return found


def _ip_findings(state: _State, pairs: list[tuple[str, str]], expected: str, note: str = "") -> list[Finding]:
    """Findings for the pairs whose source reaches any address of the target (all probed at once).

    ``expected`` (with ``{src}`` and ``{dst}``) and ``note`` (the why, as ``{why}``) are catalogue messages.
    """
    frame = state.lab.probe("ip")
    found = []
    for src, dst in pairs:
        hit = frame[(frame["source"] == src) & (frame["target"] == dst) & frame["ok"]]
        # A reply across isolated bridges is confirmed by a second ping before it is reported.
        confirmed = [(a, n) for a, n in zip(hit["probed"], hit["network"], strict=True) if state.lab.ping(src, a).ok]
        if confirmed:
            where = _(", ").join(_("{address} on {network}").format(address=a, network=n) for a, n in confirmed)
            found.append(
                Finding(
                    _("{src} reaches {dst} at {where}").format(src=src, dst=dst, where=where),
                    _(expected).format(src=src, dst=dst),
                    _(note).format(why=state.why(src, dst, "ip")) if note else state.why(src, dst, "ip"),
                    (src, dst, *(a for a, _network in confirmed)),
                )
            )
    return found


def _all_pairs(names: list[str], value: bool = True) -> dict[tuple[str, str], bool]:
    return {(a, b): value for a in names for b in names if a != b}


# -- ex01: one-way names -------------------------------------------------------


def _setup_ex01(lab: Lab) -> dict[str, str]:
    lab.run("e1-db")
    lab.run("e1-web")
    return {}


def _check_ex01(lab: Lab, answer: Any) -> list[Finding]:
    state = _State(lab)
    names = ["e1-web", "e1-db"]
    found = state.missing(names, "ex01")
    if found:
        return found
    m = lab.reachability("name")
    return _pair_findings(state, m, {("e1-web", "e1-db"): True, ("e1-db", "e1-web"): False})


# -- ex02: a fixed address -----------------------------------------------------


def assigned_subnet(lab: Lab, preferred: str = "10.77.0.0/24") -> str:
    """The subnet ex02 asks for: ``preferred`` or the next free /24 after it.

    Networks of this lab itself do not count, so the answer stays the same
    once the learner has created the network.
    """
    taken = [net for net, _what in lab.taken_subnets(ignore_own=True)]
    start = subnets.network(preferred)
    found = subnets.first_free(taken, start.prefixlen, ["10.0.0.0/8"], start=preferred)
    if found is not None:
        return found
    raise InvalidInput(
        _("No free /{prefixlen} subnet from {preferred} on: remove unused Docker networks.").format(
            prefixlen=start.prefixlen, preferred=preferred
        )
    )


def _ex02_params(lab: Lab) -> dict[str, str]:
    net = ipaddress.ip_network(assigned_subnet(lab))
    return {
        "network": "e2-net",
        "subnet": str(net),
        "gateway": str(net.network_address + 1),
        "ip": str(net.network_address + 10),
    }


def _setup_ex02(lab: Lab) -> dict[str, str]:
    lab.run("e2-app")
    return _ex02_params(lab)


def _check_ex02(lab: Lab, answer: Any) -> list[Finding]:
    p = _ex02_params(lab)
    nets = lab.networks().set_index("name")
    if p["network"] not in nets.index:
        return [
            Finding(
                _("there is no network {network} in this lab").format(network=p["network"]),
                _("a bridge network {network} with subnet {subnet} and gateway {gateway}").format(
                    network=p["network"], subnet=p["subnet"], gateway=p["gateway"]
                ),
                _(
                    "a fixed address needs a user-defined network with an explicit subnet: Docker refuses "
                    "--ip on its default bridge and on networks whose addresses it chose itself"
                ),
            )
        ]
    found = []
    row = nets.loc[p["network"]]
    if row["subnet"] != p["subnet"] or row["gateway"] != p["gateway"]:
        found.append(
            Finding(
                _("{network} has subnet {subnet} and gateway {gateway}").format(
                    network=p["network"], subnet=row["subnet"], gateway=row["gateway"]
                ),
                _("subnet {subnet} and gateway {gateway}").format(subnet=p["subnet"], gateway=p["gateway"]),
                _(
                    "the addresses of a network are fixed when it is created; the task gives you this subnet "
                    "because it overlaps nothing on this engine"
                ),
            )
        )
    state = _State(lab)
    missing = state.missing(["e2-db", "e2-app"], "ex02")
    if missing:
        return found + missing
    db = state.handles["e2-db"]
    ep = db.endpoints.get(p["network"])
    fixed = (
        (db.attrs.get("NetworkSettings", {}).get("Networks", {}).get(p["network"]) or {}).get("IPAMConfig") or {}
    ).get("IPv4Address")
    if ep is None:
        found.append(
            Finding(
                _("e2-db is not on {network} (it is on {networks})").format(
                    network=p["network"], networks=state._where("e2-db")
                ),
                _("e2-db attached to {network} at {ip}").format(network=p["network"], ip=p["ip"]),
                _("a container gets an address only on the networks it is attached to"),
            )
        )
    elif ep.ip != p["ip"] or fixed != p["ip"]:
        how = _("chosen by Docker") if not fixed else _("fixed at {address}").format(address=fixed)
        found.append(
            Finding(
                _("e2-db has {ip} on {network} ({how})").format(ip=ep.ip, network=p["network"], how=how),
                _("the fixed address {ip}").format(ip=p["ip"]),
                _(
                    "an address Docker picks can change when containers are recreated; only an address set "
                    "when the container joins the network (--ip) is guaranteed"
                ),
            )
        )
    elif not lab.ping("e2-app", p["ip"]).ok:
        found.append(
            Finding(
                _("e2-app does not reach {ip}").format(ip=p["ip"]),
                _("e2-app reaches e2-db at {ip}").format(ip=p["ip"]),
                state.why("e2-app", "e2-db", "ip"),
            )
        )
    return found


# -- ex03: aliases -------------------------------------------------------------


def _setup_ex03(lab: Lab) -> dict[str, str]:
    lab.network("e3-net")
    lab.run("e3-front", network="e3-net")
    lab.run("e3-back", network="e3-net")
    return {}


def _check_ex03(lab: Lab, answer: Any) -> list[Finding]:
    state = _State(lab)
    found = state.missing(["e3-front", "e3-back"], "ex03")
    if found:
        return found
    wanted = (("e3-front", "backend", "e3-back"), ("e3-back", "frontend", "e3-front"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        pings = list(pool.map(lambda w: lab.ping(w[0], w[1]), wanted))
    for (src, alias, dst), r in zip(wanted, pings, strict=True):
        owners = [n for n, h in state.handles.items() if r.address and r.address in h.ips.values()]
        if r.ok and owners == [dst]:
            continue
        if r.address and owners != [dst]:
            seen = _("from {src}, the name {alias} resolves to {address} ({owners})").format(
                src=src, alias=alias, address=r.address, owners=", ".join(owners) or _("no lab container")
            )
            why = _("an alias answers for the container whose network attachment carries it")
        elif r.reason == "unresolved":
            seen = _("from {src}, the name {alias} does not resolve").format(src=src, alias=alias)
            why = _(
                "nothing on {src}'s networks ({networks}) answers to {alias}: on a user-defined network a container "
                "answers to its own name, plus the aliases its attachment carries"
            ).format(src=src, networks=state._where(src), alias=alias)
        else:
            reason = _(REASONS[r.reason]) if r.reason in REASONS else r.reason
            seen = _("{src} does not reach {alias} ({reason})").format(src=src, alias=alias, reason=reason)
            why = state.why(src, dst)
        found.append(
            Finding(
                seen,
                _("{src} reaches {dst} under the name {alias}").format(src=src, dst=dst, alias=alias),
                why,
                (src, alias, dst),
            )
        )
    return found


# -- ex04: predict a matrix ----------------------------------------------------

_EX04 = ["e4-a", "e4-b", "e4-c", "e4-d"]


def _setup_ex04(lab: Lab) -> dict[str, str]:
    lab.network("e4-net")
    lab.network("e4-side")
    lab.run("e4-d")
    lab.run("e4-a", network="e4-net")
    lab.connect("bridge", "e4-a")
    lab.run("e4-b", network="e4-net")
    lab.connect("e4-side", "e4-b")
    lab.run("e4-c", network="e4-side")
    return {}


def _prediction_cells(answer: Any) -> dict[tuple[str, str], Any]:
    """A prediction as {(source, target): value}, from a dict or a matrix DataFrame."""
    if answer is None:
        return {}
    if isinstance(answer, pd.DataFrame):
        return {(str(s), str(t)): answer.loc[s, t] for s in answer.index for t in answer.columns if s != t}
    if isinstance(answer, Mapping):
        return {tuple(k): v for k, v in answer.items() if isinstance(k, tuple) and len(k) == 2}
    raise InvalidInput(
        _("A prediction is a dict {(source, target): True/False} or a DataFrame like lab.reachability().")
    )


def _check_ex04(lab: Lab, answer: Any) -> list[Finding]:
    state = _State(lab)
    found = state.missing(_EX04, "ex04")
    if found:
        return found
    predicted = _prediction_cells(answer)
    m = lab.reachability("name")
    blanks = []
    for src in _EX04:
        for dst in _EX04:
            if src == dst:
                continue
            got = bool(m.loc[src, dst])
            guess = predicted.get((src, dst))
            if not pd.api.types.is_bool(guess):
                blanks.append(f"({src}, {dst})")
            elif bool(guess) != got:
                found.append(
                    Finding(
                        (
                            _("you predicted {src} reaches {dst} by name")
                            if guess
                            else _("you predicted {src} does not reach {dst} by name")
                        ).format(src=src, dst=dst),
                        (
                            _("measured: {src} reaches {dst} by name")
                            if got
                            else _("measured: {src} does not reach {dst} by name")
                        ).format(src=src, dst=dst),
                        state.why(src, dst),
                        (src, dst),
                    )
                )
    if blanks:
        found.insert(
            0,
            Finding(
                _("{count} of 12 cells have no True/False prediction: {cells}").format(
                    count=len(blanks), cells=", ".join(blanks)
                ),
                _("a prediction for every ordered pair of different containers"),
                _("a prediction is only a prediction if it is written down before you measure"),
            ),
        )
    return found


# -- ex05: the middle one ------------------------------------------------------

_EX05 = ["e5-left", "e5-mid", "e5-right"]


def _setup_ex05(lab: Lab) -> dict[str, str]:
    for n in _EX05:
        lab.run(n)
    return {}


def _check_ex05(lab: Lab, answer: Any) -> list[Finding]:
    state = _State(lab)
    found = state.missing(_EX05, "ex05")
    if found:
        return found
    expected = {**_all_pairs(_EX05), ("e5-left", "e5-right"): False, ("e5-right", "e5-left"): False}
    found = _pair_findings(state, lab.reachability("name"), expected)
    found += _ip_findings(
        state,
        [("e5-left", "e5-right"), ("e5-right", "e5-left")],
        N_("{src} does not reach {dst} at all, not even by address"),
    )
    if len(state.networks("e5-mid")) < 2 and not found:
        found.append(
            Finding(
                _("e5-mid is on one network only"),
                _("e5-mid on two bridges"),
                _("the task is about a container between two isolated bridges"),
            )
        )
    return found


# -- ex06: isolate the database -----------------------------------------------

_EX06 = ["e6-web", "e6-app", "e6-db"]


def _setup_ex06(lab: Lab) -> dict[str, str]:
    lab.network("e6-net")
    for n in _EX06:
        lab.run(n, network="e6-net")
    return {}


def _check_ex06(lab: Lab, answer: Any) -> list[Finding]:
    state = _State(lab)
    found = state.missing(_EX06, "ex06")
    if found:
        return found
    expected = {
        ("e6-web", "e6-app"): True,
        ("e6-app", "e6-web"): True,
        ("e6-app", "e6-db"): True,
        ("e6-db", "e6-app"): True,
        ("e6-web", "e6-db"): False,
        ("e6-db", "e6-web"): False,
    }
    found = _pair_findings(state, lab.reachability("name"), expected)
    found += _ip_findings(
        state,
        [("e6-web", "e6-db"), ("e6-db", "e6-web")],
        N_("no path at all from {src} to {dst}"),
        N_("{why}; hiding a name is not isolation"),
    )
    return found


# -- ex07: the host side of a veth pair ----------------------------------------


def _setup_ex07(lab: Lab) -> dict[str, str]:
    lab.network("e7-net")
    lab.run("e7-other")
    lab.run("e7-box", network="e7-net")
    return {}


@dataclass(frozen=True)
class VethPair:
    """A container's eth0 and its host-side peer, as the kernel numbers them.

    Attributes
    ----------
    ifindex:
        eth0's own index, in the container (the ``M`` of the host end's ``veth...@ifM``).
    iflink:
        eth0's peer, the host end's index (the ``N`` of ``eth0@ifN``).
    veth:
        The host end's name.
    bridge:
        The Linux bridge the host end is enslaved to (its ``master``), if any.
    """

    ifindex: int
    iflink: int
    veth: str
    bridge: str | None

    @property
    def inside(self) -> str:
        """The container end as ``ip link`` prints it: ``eth0@if45``."""
        return links.label("eth0", self.iflink)

    @property
    def outside(self) -> str:
        """The host end as ``ip link`` prints it: ``veth8eb364e@if44``."""
        return links.label(self.veth, self.ifindex)


def veth_pair(lab: Lab, container: str) -> VethPair:
    """Read ``container``'s eth0 indexes inside it, and find the host interface that points back at it.

    Parameters
    ----------
    lab:
        The lab the container belongs to.
    container:
        A running container of ``lab`` with an ``eth0``.

    Returns
    -------
    VethPair
        Both ends, matched by index (never by name).

    Raises
    ------
    NeedsEngine
        On an engine without kernel interfaces (the simulator).
    DockerlabError
        When no host interface points back at the container's eth0.
    """
    inside = lab.exec(container, ["sh", "-c", "cat /sys/class/net/eth0/ifindex /sys/class/net/eth0/iflink"])
    numbers = inside.output.split()[:2]
    if not inside.ok or len(numbers) != 2 or not all(n.isdigit() for n in numbers):
        raise NeedsEngine(
            _(
                "Could not read {container}'s eth0 indexes ({output}). This exercise needs a real engine: "
                "veth pairs are kernel interfaces, which a simulated engine does not have."
            ).format(container=container, output=repr(inside.output.strip()[:80]))
        )
    ifindex, iflink = (int(n) for n in numbers)
    host = topology.parse_snapshot(lab.host_snapshot("exercise"))
    for link in host.values():
        if links.is_pair(ifindex, iflink, link.ifindex, link.iflink):
            return VethPair(ifindex, iflink, link.name, link.master)
    raise DockerlabError(
        _("No host interface is the peer of {container}'s eth0 (its iflink is {iflink}).").format(
            container=container, iflink=iflink
        )
    )


def veth_truth(lab: Lab, container: str) -> tuple[str, str | None]:
    """The host-side veth of ``container``'s eth0 and its bridge, read from the kernel on both sides.

    This is the checker's own means (the exercise asks the learner to find the
    same by reading ``ip link`` on both sides).
    """
    pair = veth_pair(lab, container)
    return pair.veth, pair.bridge


def _evidence_text(evidence: Any) -> str:
    """The learner's evidence as one text (a string, or several strings in a list or tuple)."""
    if isinstance(evidence, (list, tuple)):
        return " ".join(str(e) for e in evidence)
    return "" if evidence is None else str(evidence)


def _check_ex07(lab: Lab, answer: Any) -> list[Finding]:
    state = _State(lab)
    found = state.missing(["e7-box"], "ex07")
    if found:
        return found
    pair = veth_pair(lab, "e7-box")
    given = dict(answer) if isinstance(answer, Mapping) else {}
    found = []
    g_veth, g_bridge = given.get("veth"), given.get("bridge")
    veth_right = bool(g_veth) and str(g_veth).split("@")[0] == pair.veth
    if not g_veth:
        found.append(
            Finding(
                _("no veth given (answer['veth'] is empty)"),
                _("the name of the host-side end of e7-box's eth0"),
                _(
                    "every eth0@ifN in a container is one end of a veth pair; N is the index of the other "
                    "end, which lives on the host"
                ),
            )
        )
    elif not veth_right:
        found.append(
            Finding(
                _("{veth} is not the other end of e7-box's eth0").format(veth=g_veth),
                _("the host-side end of e7-box's eth0"),
                _(
                    "match indexes, not names: on the host, the other end is the interface whose own index "
                    "is the N of eth0@ifN, and its own @ifM points back at eth0's index"
                ),
            )
        )
    if not g_bridge:
        found.append(
            Finding(
                _("no bridge given (answer['bridge'] is empty)"),
                _("the bridge the host-side veth is plugged into"),
                _(
                    "on the host, a veth of a bridge network is enslaved to that network's Linux bridge (ip "
                    "link shows it as 'master ...')"
                ),
            )
        )
    elif g_bridge != pair.bridge:
        if g_bridge == model.DEFAULT_BRIDGE_DEVICE:
            hint_text = _("e7-box is not on the default bridge, so its bridge is not {device}").format(
                device=model.DEFAULT_BRIDGE_DEVICE
            )
        else:
            hint_text = _("each user-defined network has its own bridge, br- plus the start of the network id")
        found.append(
            Finding(
                _("{bridge} is not the bridge of e7-box's veth").format(bridge=g_bridge),
                _("the bridge e7-box's veth is plugged into"),
                hint_text,
            )
        )
    found += _evidence_findings(pair, given.get("evidence"), veth_right)
    return found


def _evidence_findings(pair: VethPair, evidence: Any, veth_right: bool) -> list[Finding]:
    """Whether the evidence shows both ends of the pair as ``ip link`` names them (eth0@ifN, veth...@ifM)."""
    text = _evidence_text(evidence)
    expected = _("the two names ip link prints for this pair: eth0@ifN inside e7-box, and veth...@ifM on the host")
    if not text.strip():
        return [
            Finding(
                _("no evidence given (answer['evidence'] is empty)"),
                expected,
                _("a name can be guessed; the two index numbers show that the two ends point at each other"),
            )
        ]
    names = links.labels_in(text)
    found = []
    if ("eth0", pair.iflink) not in names:
        given = [links.label(name, n) for name, n in names if name == "eth0"]
        found.append(
            Finding(
                _("your evidence says {given}, which is not what ip link shows for e7-box's eth0").format(
                    given=", ".join(given)
                )
                if given
                else _("your evidence has no eth0@ifN"),
                _("eth0@ifN exactly as ip link prints it inside e7-box"),
                _(
                    "each container has its own eth0, with its own number: read it inside e7-box, in this "
                    "lab (the numbers change when a container is recreated)"
                ),
            )
        )
    # From Engine 28 the container's end is interface 2 inside it, and the host's busybox ip prints the
    # name of the host's own interface 2 there (veth...@eth0): that is what ip link shows, so it counts.
    named_peer = links.peer_named(text, pair.veth)
    if veth_right and (pair.veth, pair.ifindex) not in names and not named_peer:
        given = [links.label(name, n) for name, n in names if name == pair.veth]
        found.append(
            Finding(
                _("your evidence says {given}, which is not what the host's ip link shows for {veth}").format(
                    given=", ".join(given), veth=pair.veth
                )
                if given
                else _("your evidence has no {veth}@ifM").format(veth=pair.veth),
                _("{veth}@ifM exactly as ip link prints it on the host").format(veth=pair.veth),
                _(
                    "the M of the host end is the index of its other end: on the right veth it is eth0's own "
                    "index, the number before 'eth0@' in the container's ip link"
                ),
            )
        )
    return found


# -- ex08: repair a broken lab -------------------------------------------------

_EX08 = ["e8-web", "e8-db", "e8-cache"]


def _setup_ex08(lab: Lab) -> dict[str, str]:
    lab.network("e8-net")
    lab.run("e8-db")
    lab.run("e8-cache", network="e8-net")
    lab.run("e8-web", network="none")
    for n in ("e8-db", "e8-cache"):
        lab.exec(n, ["touch", MARKER])
    lab.stop("e8-cache")
    return {}


def _check_ex08(lab: Lab, answer: Any) -> list[Finding]:
    """The faults in the order a diagnosis meets them.

    A rebuilt data container first (its data is gone: nothing else helps),
    then missing containers, stopped ones, ones on ``--network none``, ones
    on the wrong network, and last the pairs that still do not reach each
    other by name. The feedback shows the first one only.
    """
    state = _State(lab)
    found = []
    for n in ("e8-db", "e8-cache"):
        h = state.handles.get(n)
        # exit 1: no marker, a new container (an engine without `test`, such as the simulated one, says 127)
        if h is not None and h.running and lab.exec(n, ["test", "-e", MARKER]).exit_code == 1:
            found.append(
                Finding(
                    _("{n} is a new container, not the one the setup made").format(n=n),
                    _("the original {n}, repaired in place").format(n=n),
                    _(
                        "a database or cache holds data; removing the container to build a fresh one loses "
                        "whatever it kept outside a volume. A repair changes what exists"
                    ),
                    (n,),
                )
            )
    absent = state.missing([n for n in _EX08 if n not in state.handles], "ex08")
    if absent:
        return found + absent
    stopped = [n for n in _EX08 if not state.handles[n].running]
    found += state.missing(stopped, "ex08")
    running = [n for n in _EX08 if n not in stopped]
    no_network = [n for n in running if state.handles[n].networks == ["none"]]
    for n in no_network:
        found.append(
            Finding(
                _("{n} runs with --network none").format(n=n),
                _("{n} on e8-net").format(n=n),
                _(
                    "a container started with --network none has only its loopback: no interface, no "
                    "address, no way to any other container"
                ),
                (n,),
            )
        )
    elsewhere = [n for n in running if n not in no_network and "e8-net" not in state.handles[n].networks]
    for n in elsewhere:
        found.append(
            Finding(
                _("{n} is not on e8-net (it is on {networks})").format(n=n, networks=state._where(n)),
                _("{n} on e8-net").format(n=n),
                _(
                    "names resolve through the embedded DNS of a network both containers are on; {n} is on "
                    "none of the others' networks"
                ).format(n=n),
                (n,),
            )
        )
    healthy = [n for n in running if n not in no_network and n not in elsewhere]
    if len(healthy) > 1:
        found += _pair_findings(state, lab.reachability("name"), _all_pairs(healthy))
    return found


# -- ex09: a service on one host, reachable from one other host -------------------

_EX09 = {"e9-api": "host2", "e9-web": "host1", "e9-other": "host3"}


def _setup_ex09(lab: Any) -> dict[str, str]:
    if not hasattr(lab, "cluster"):  # one engine: nothing to prepare, and the check says what is needed
        return {"note": _("ex09 needs a lab across hosts: ClusterLab('ex09', open_cluster()) from dockerlab")}
    for name, host in _EX09.items():
        lab.run(name, host=host)
    return {name: host for name, host in _EX09.items()}


def _check_ex09(lab: Any, answer: Any) -> list[Finding]:
    if not hasattr(lab, "cluster"):
        return [
            Finding(
                _("lab {lab!r} runs on one engine").format(lab=lab.name),
                _(
                    "a lab across the hosts of a cluster: ClusterLab('ex09', open_cluster()) from dockerlab "
                    "(chapter 08's hosts: real engines as root on Linux, else the simulated swarm)"
                ),
                _("the exercise is about containers on three hosts; one engine is one host"),
            )
        ]
    where = lab.hosts_of()
    found = []
    for name, host in _EX09.items():
        if where.get(name) != host:
            seen = (
                _("{name} is on {host}").format(name=name, host=where[name])
                if name in where
                else _("{name} does not exist").format(name=name)
            )
            found.append(
                Finding(
                    _("{seen} (lab {lab})").format(seen=seen, lab=repr(lab.name)),
                    _("{name} running on {host}").format(name=name, host=host),
                    _(
                        "the task is about where each container runs: run the setup cell again "
                        '(exercises.setup("ex09", lab)) to start afresh'
                    ),
                    (name,),
                )
            )
    if found:
        return found
    state = lab.state()
    stopped = [n for n in _EX09 if not state.boxes[n].running]
    if stopped:
        return [
            Finding(
                _("{name} is not running").format(name=n),
                _("{name} running").format(name=n),
                _("a stopped container has no address"),
                (n,),
            )
            for n in stopped
        ]
    by_name = lab.reachability("name", state)
    expected = {("e9-web", "e9-api"): True, ("e9-other", "e9-api"): False}
    for (src, dst), want in expected.items():
        got = by_name.loc[src, dst]
        got = False if got is pd.NA else bool(got)
        if got != want:
            seen = (
                _("{src} ({here}) reaches {dst} ({there}) by name")
                if got
                else _("{src} ({here}) does not reach {dst} ({there}) by name")
            )
            wanted = _("{src} reaches {dst} by name") if want else _("{src} must not reach {dst} by name")
            why = model.explain_state(state, src, dst).text
            found.append(
                Finding(
                    seen.format(src=src, here=where[src], dst=dst, there=where[dst]),
                    wanted.format(src=src, dst=dst),
                    _without_verdict(why),
                    (src, dst),
                )
            )
    frame = lab.probe("ip", state)
    hits = frame[(frame["source"] == "e9-other") & (frame["target"] == "e9-api") & frame["ok"]]
    for address in hits["probed"]:
        why = _without_verdict(model.explain_state(state, "e9-other", address, "ip").text)
        found.append(
            Finding(
                _("e9-other (host3) reaches e9-api at {address}").format(address=address),
                _("no path at all from e9-other to e9-api"),
                _("{why}; hiding a name is not isolation").format(why=why),
                ("e9-other", "e9-api", address),
            )
        )
    return found


# -- the catalogue -------------------------------------------------------------

_LIST = [
    Exercise(
        "ex01",
        N_("one-way names"),
        N_(
            "Containers e1-web and e1-db run on Docker's default bridge. Make e1-web reach e1-db by name, "
            "while e1-db must NOT reach e1-web by name."
        ),
        10,
        (
            N_(
                "Ping by name in both directions, and read /etc/hosts in both containers (lab.read_file). "
                "Who knows whose name?"
            ),
            N_(
                "On the default bridge there is no DNS: a name resolves only if it is written in the container's "
                "/etc/hosts. The article shows the docker run option that writes it."
            ),
            N_(
                "The option belongs to the container that must resolve the other's name, and options are fixed at "
                "creation: that container must be created again (lab.run with the same name and a new spec "
                "replaces it)."
            ),
        ),
        _setup_ex01,
        _check_ex01,
        objective=N_(
            "Make `e1-web` reach `e1-db` by name, while `e1-db` must not reach `e1-web` by name. "
            "Both run on the default bridge."
        ),
        chapters=("03", "02"),
    ),
    Exercise(
        "ex02",
        N_("a fixed address"),
        N_(
            "Create the network e2-net with the subnet and gateway printed by the setup cell, run e2-db on it "
            "with the fixed address printed there, and let e2-app (already running) reach e2-db at that address."
        ),
        10,
        (
            N_("Docker gives fixed addresses only on a network whose subnet you chose yourself."),
            N_("lab.network takes subnet= and gateway=; lab.run takes network= and ip=."),
            N_(
                "e2-app is on the default bridge: it needs one more network to reach the new one, and a running "
                "container can join a network without being recreated."
            ),
        ),
        _setup_ex02,
        _check_ex02,
        objective=N_(
            "Create `e2-net` with the subnet and gateway the setup prints, run `e2-db` on it at the "
            "printed fixed address, and let the running `e2-app` reach that address."
        ),
        chapters=("05", "06"),
    ),
    Exercise(
        "ex03",
        N_("names through aliases"),
        N_(
            "e3-front and e3-back share e3-net. Make e3-front reach e3-back under the name backend, and e3-back "
            "reach e3-front under the name frontend."
        ),
        10,
        (
            N_("On a user-defined network a container can answer to more names than its own."),
            N_(
                "Those extra names are network aliases: they belong to one attachment (container + network) and the "
                "network's embedded DNS answers them."
            ),
            N_(
                "An attachment's aliases are set when the container joins the network: when it is created, or when "
                "it is disconnected and connected again."
            ),
        ),
        _setup_ex03,
        _check_ex03,
        objective=N_(
            "`e3-front` reaches `e3-back` under the name `backend`, and `e3-back` reaches `e3-front` "
            "under the name `frontend`. Both share `e3-net`."
        ),
        chapters=("05",),
    ),
    Exercise(
        "ex04",
        N_("predict the matrix"),
        N_(
            "Four containers are spread over e4-net, e4-side and the default bridge (see lab.addresses()). "
            "Before measuring, predict who reaches whom BY NAME: fill prediction[(source, target)] = True/False "
            "for all 12 ordered pairs. Do not change the lab."
        ),
        15,
        (
            N_(
                "List each container's networks (lab.addresses()). Names only resolve through a user-defined network "
                "both share, or a --link."
            ),
            N_("Being on the default bridge together gives addresses, not names."),
            N_("A container on two networks is a member of both; but membership is not transitive."),
        ),
        _setup_ex04,
        _check_ex04,
        objective=N_(
            "Before measuring, predict who reaches whom *by name* for 12 ordered pairs of four "
            "containers spread over `e4-net`, `e4-side` and the default bridge. Do not change the lab."
        ),
        chapters=("02", "05", "06"),
        takes_answer=True,
    ),
    Exercise(
        "ex05",
        N_("the one in the middle"),
        N_(
            "e5-left, e5-mid and e5-right run on the default bridge. Rearrange them over two bridges of your own "
            "so that e5-mid reaches both others by name (and they reach it), while e5-left and e5-right cannot "
            "reach each other at all, neither by name nor by any address."
        ),
        15,
        (
            N_("Two user-defined networks give you two isolated bridges with names."),
            N_("A container can be attached to more than one network."),
            N_(
                "The default bridge connects everything on it by address: nothing that must stay apart may "
                "remain there."
            ),
        ),
        _setup_ex05,
        _check_ex05,
        objective=N_(
            "Rearrange `e5-left`, `e5-mid`, `e5-right` over two bridges of your own: `e5-mid` reaches "
            "both by name and they reach it, while `e5-left` and `e5-right` cannot reach each other at all, "
            "not even by address."
        ),
        chapters=("06",),
    ),
    Exercise(
        "ex06",
        N_("isolate the database"),
        N_(
            "e6-web, e6-app and e6-db share e6-net. Keep e6-web <-> e6-app and e6-app <-> e6-db working by name, "
            "but make sure e6-web and e6-db cannot reach each other in any way."
        ),
        15,
        (
            N_("Reachability follows shared networks: what must e6-app share with each of the others?"),
            N_("A second network for the back end, and e6-db leaving the front one."),
            N_("Running containers can join and leave networks without being recreated."),
        ),
        _setup_ex06,
        _check_ex06,
        objective=N_(
            "Keep `e6-web ⇄ e6-app` and `e6-app ⇄ e6-db` working by name, but `e6-web` and `e6-db` "
            "must not reach each other in any way."
        ),
        chapters=("06", "07"),
    ),
    Exercise(
        "ex07",
        N_("the host side of a veth pair"),
        N_(
            "e7-box runs on e7-net. Find the host-side veth interface paired with its eth0, and the Linux bridge "
            "that veth is plugged into, and show how you know: answer = {'veth': ..., 'bridge': ..., "
            "'evidence': ...}, where the evidence is the two names ip link prints for the pair, "
            "eth0@ifN inside e7-box and veth...@ifM on the host."
        ),
        15,
        (
            N_(
                "In the container, ip link shows eth0@ifN: N is the index of the other end of the pair, and the "
                "number before 'eth0@' is eth0's own index. Write both down."
            ),
            N_(
                "The other end lives in the host's network namespace. lab.host_snapshot() prints what the host "
                "sees; its first part is the host's ip link, one interface per line, each starting with its index. "
                "Find the line whose index is N, and check that its @ifM is eth0's own index."
            ),
            N_(
                "On the host, the veth's line says 'master <bridge>': docker0 for the default bridge, br-<id> for "
                "a network of your own. Your evidence: the two names exactly as ip link prints them, "
                "eth0@ifN inside and veth...@ifM on the host."
            ),
        ),
        _setup_ex07,
        _check_ex07,
        objective=N_(
            "For `e7-box` (on `e7-net`), find the host-side veth paired with its `eth0` and the Linux "
            "bridge it is plugged into, and show how you know: "
            '`answer = {"veth": ..., "bridge": ..., "evidence": ...}`, the evidence being the two names '
            "`ip link` prints for the pair (`eth0@if…` inside the container, `veth…@if…` on the host)."
        ),
        chapters=("04", "05", "06"),
        takes_answer=True,
        needs_engine=True,
    ),
    Exercise(
        "ex08",
        N_("repair a broken lab"),
        N_(
            "e8-web, e8-db and e8-cache should all reach each other by name on e8-net, but the lab has three faults. "
            "Find them and repair them with the fewest changes. e8-db and e8-cache hold data: repair them in place, "
            "do not recreate them (e8-web is stateless and may be recreated)."
        ),
        20,
        (
            N_("Look before you change: each container's state and networks (lab.addresses(), lab['e8-web'])."),
            N_("One container is not running, one is on the wrong network, one has no network at all."),
            N_(
                "Three faults, three changes: start, connect, and one container that must get a real network "
                "(Docker cannot add a network to a container started with --network none)."
            ),
        ),
        _setup_ex08,
        _check_ex08,
        objective=N_(
            "`e8-web`, `e8-db`, `e8-cache` must all reach each other by name on `e8-net`. Find the "
            "three faults and repair them with the fewest changes; `e8-db` and `e8-cache` hold data and must be "
            "repaired in place."
        ),
        chapters=("02", "03", "04", "05", "06"),
        one_at_a_time=True,
    ),
    Exercise(
        "ex09",
        N_("a service across hosts"),
        N_(
            "e9-api runs on host2, e9-web on host1 and e9-other on host3, each on its host's default bridge. "
            "Make e9-api reachable by name from e9-web, and from nowhere else: e9-other must not reach it in any "
            "way."
        ),
        15,
        (
            N_("A bridge is local to its host: which kind of network spans hosts?"),
            N_("An attachable overlay, made on the swarm's manager, that only the two containers join."),
            N_("Running containers can join a network without being recreated, on any host of the swarm."),
        ),
        _setup_ex09,
        _check_ex09,
        objective=N_(
            "`e9-api` (on `host2`) must be reachable by name from `e9-web` (on `host1`) and from "
            "nowhere else: `e9-other` (on `host3`) must not reach it in any way."
        ),
        chapters=("05", "06", "08"),
    ),
]

#: The exercise ids, easiest first.
EXERCISES: tuple[str, ...] = tuple(e.id for e in _LIST)
#: Each exercise by id.
EXERCISE_INFO: dict[str, Exercise] = {e.id: e for e in _LIST}


def _get(exercise_id: str) -> Exercise:
    if exercise_id not in EXERCISE_INFO:
        raise InvalidInput(
            _("Unknown exercise {exercise_id}; the exercises are {exercises}.").format(
                exercise_id=repr(exercise_id), exercises=", ".join(EXERCISES)
            )
        )
    return EXERCISE_INFO[exercise_id]


# -- staged feedback: what this process remembers ------------------------------

#: The highest hint stage asked for each exercise (by :func:`hint`).
_HINTS_ASKED: dict[str, int] = {}
#: What the last failed check of each (exercise, lab name) found: its findings' (seen, expected).
_LAST_FAILED: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}


def reset_feedback(exercise_id: str | None = None) -> None:
    """Forget the hints asked and the last failed checks, of one exercise or of all.

    The next failing check then says again only what is wrong, not why.
    :func:`setup` does this for its exercise.
    """
    if exercise_id is not None:
        _get(exercise_id)
    for key in [k for k in _HINTS_ASKED if exercise_id in (None, k)]:
        del _HINTS_ASKED[key]
    for failed in [k for k in _LAST_FAILED if exercise_id in (None, k[0])]:
        del _LAST_FAILED[failed]


def setup(exercise_id: str, lab: Lab) -> Task:
    """Reset ``lab`` and prepare the exercise's starting state; return the task with this lab's values.

    It also forgets the exercise's staged feedback (:func:`reset_feedback`):
    a fresh start begins with "what", not "why".
    """
    ex = _get(exercise_id)
    reset_feedback(ex.id)
    echo, lab.echo = lab.echo, False  # the starting state is part of the puzzle
    try:
        lab.reset()
        params = dict(ex.setup(lab))
    finally:
        lab.echo = echo
    text = f"{ex.id}: {_(ex.title)}\n{_(ex.task)}"
    if params:
        text += "\n" + "\n".join(f"  {k}: {v}" for k, v in params.items())
    return Task(ex.id, text, params)


def hint(exercise_id: str, stage: int = 1) -> str:
    """Hint number ``stage`` (1, 2, ...): each one says a little more, none gives the code.

    Asking for a hint also lets the next checks of this exercise say why each
    finding holds (see the module's docstring).
    """
    ex = _get(exercise_id)
    if not isinstance(stage, int) or stage < 1:
        raise InvalidInput(_("stage is 1, 2 or 3, not {stage}.").format(stage=repr(stage)))
    n = len(ex.hints)
    _HINTS_ASKED[ex.id] = max(_HINTS_ASKED.get(ex.id, 0), min(stage, n))
    text = _("Hint {stage}/{n}: {hint}").format(stage=min(stage, n), n=n, hint=_(ex.hints[min(stage, n) - 1]))
    return text if stage <= n else _("{hint} (that was the last hint)").format(hint=text)


def check(exercise_id: str, lab: Lab, answer: Any = None) -> CheckResult:
    """Probe the live lab and say whether the exercise is solved, and if not, what is wrong.

    ``answer`` is for exercises that ask for one (a prediction, a found name).
    Problems of the lab (missing containers, the engine refusing a probe) are
    reported as feedback, not raised.

    The feedback says why each finding holds only once a hint of this
    exercise was asked, or when the lab is unchanged since the previous failed
    check (the same findings): the learner first looks for the cause.
    """
    ex = _get(exercise_id)
    try:
        findings = ex.check(lab, answer)
    except InvalidInput:
        raise
    except DockerlabError as e:
        findings = [
            Finding(
                _("the lab could not be checked: {e}").format(e=e),
                _("a lab the check can read"),
                _("the check probes the live lab; it can say more once the problem above is solved"),
            )
        ]
    key = (ex.id, lab.name)
    asked = _HINTS_ASKED.get(ex.id, 0)
    if not findings:
        _LAST_FAILED.pop(key, None)
        notes = (_("Every requirement holds: {task}").format(task=_(ex.task)),)
        progress.record(ex.id, passed=True, hints=asked)
        return CheckResult(ex.id, True, notes=notes, hints_asked=asked)
    fingerprint = tuple(f.key for f in findings)
    explain = asked > 0 or _LAST_FAILED.get(key) == fingerprint
    _LAST_FAILED[key] = fingerprint
    progress.record(ex.id, passed=False, hints=asked)
    return CheckResult(
        ex.id, False, tuple(findings), explain=explain, hints_asked=asked, one_at_a_time=ex.one_at_a_time
    )
