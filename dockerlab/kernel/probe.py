"""Reachability probes: the shell script run in a container, and reading its output.

One ``docker exec`` per source container runs every ping of that source at
once, each ``ping -c 1 -W 1`` wrapped in busybox ``timeout`` so that a slow
name lookup cannot stall the matrix. This module holds the pure part: the
script, the parsing and the assembly of matrices; :mod:`dockerlab.lab` runs it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import pandas as pd

from dockerlab.i18n import N_, VERDICT, _

#: Seconds one ping waits for its reply (``ping -W``).
PING_WAIT = 1
#: Seconds one whole ping, name lookup included, may take (busybox ``timeout``).
PING_BOUND = 3
#: Resolver options for the probe: one try of one second, where glibc's default
#: is two tries of five seconds. Set per exec; the containers keep their own.
RES_OPTIONS = "timeout:1 attempts:1"

#: Why a ping succeeded or failed.
#: What each reason means; translate with ``_(REASONS[reason])`` when shown.
REASONS = {
    "ok": N_("a reply came back"),
    "unresolved": N_("the name could not be resolved to an address"),
    "timeout": N_("the address was known but no reply came within the wait"),
    "unreachable": N_("no route: the container has no network that leads there"),
    "resolve-timeout": N_("the name lookup did not finish within the bound"),
    "not-running": N_("the source container is not running"),
    "error": N_("the probe failed in an unexpected way (see output)"),
    "host-down": N_("the source container's host (an engine of the cluster) does not answer"),
}

_MARK = "@@dockerlab@@"
_SCRIPT = f"""\
d=$(mktemp -d) || exit 90
i=0
for t in "$@"; do
  i=$((i+1))
  ( timeout {PING_BOUND} ping -c 1 -W {PING_WAIT} "$t" >"$d/$i" 2>&1; echo "rc=$?" >>"$d/$i" ) &
done
wait
i=0
for t in "$@"; do i=$((i+1)); echo "{_MARK} $t"; cat "$d/$i"; done
rm -rf "$d"
"""


def ping_command(target: str) -> str:
    """The command line a learner would type for one probe.

    >>> ping_command("mysql1")
    'ping -c 1 -W 1 mysql1'
    """
    return f"ping -c 1 -W {PING_WAIT} {shlex.quote(target)}"


def script_argv(targets: list[str]) -> list[str]:
    """argv for ``docker exec``: one shell running every ping to ``targets`` concurrently."""
    return ["sh", "-c", _SCRIPT, "dockerlab-probe", *targets]


@dataclass(frozen=True)
class PingResult:
    """The outcome of one ping from ``source`` to ``target``.

    ``ok`` is whether a reply came back, ``address`` the IP the target resolved
    to (None if it did not resolve), ``reason`` one of :data:`REASONS`.
    """

    source: str
    target: str
    ok: bool
    address: str | None
    reason: str
    output: str = ""

    @property
    def command(self) -> str:
        """The equivalent command line."""
        return f"docker exec {self.source} {ping_command(self.target)}"

    def __str__(self) -> str:
        if self.ok:
            verdict = _(VERDICT[True])
        else:
            reason = _(REASONS[self.reason]) if self.reason in REASONS else self.reason
            verdict = _("{verdict}: {reason}").format(verdict=_(VERDICT[False]), reason=reason)
        if self.address and self.address != self.target:
            text = _("{source} -> {target} ({address}): {verdict}")
        else:
            text = _("{source} -> {target}: {verdict}")
        return text.format(source=self.source, target=self.target, address=self.address, verdict=verdict)

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython display
        p.text(f"$ {self.command}\n{self.output.rstrip()}\n=> {self}")


_PING_LINE = re.compile(r"^PING \S+ \((\d+\.\d+\.\d+\.\d+)\)", re.M)


def parse_one(source: str, target: str, text: str) -> PingResult:
    """Read one ping's output (its last line ``rc=N`` is the exit status).

    >>> parse_one("a", "b", "ping: bad address 'b'\\nrc=1").reason
    'unresolved'
    >>> parse_one("a", "10.0.0.2", "PING 10.0.0.2 (10.0.0.2): 56 data bytes\\n"
    ...           "64 bytes from 10.0.0.2: seq=0 ttl=64 time=0.1 ms\\nrc=0").ok
    True
    """
    lines = text.rstrip("\n").splitlines()
    rc = None
    if lines and lines[-1].startswith("rc="):
        rc = int(lines[-1][3:]) if lines[-1][3:].isdigit() else None
        lines = lines[:-1]
    output = "\n".join(lines)
    m = _PING_LINE.search(output)
    address = m.group(1) if m else None
    if rc == 0:
        reason = "ok"
    elif "bad address" in output:
        reason = "unresolved"
    elif "unreachable" in output.lower():
        reason = "unreachable"
    elif rc in (124, 143):  # killed by busybox timeout
        reason = "timeout" if address else "resolve-timeout"
    elif rc == 1 and address:
        reason = "timeout"
    else:
        reason = "error"
    return PingResult(source, target, reason == "ok", address, reason, output)


def script_output(pings: list[tuple[str, str, int]]) -> str:
    """What the probe script prints for ``(target, ping output, exit code)`` triples, in order.

    The inverse of :func:`parse_script`, for an engine that answers the
    script without running it (the simulator).

    >>> parse_script("c1", ["c2"], script_output([("c2", "ping: bad address 'c2'\\n", 1)]))[0].reason
    'unresolved'
    """
    return "".join(f"{_MARK} {target}\n{text}rc={code}\n" for target, text, code in pings)


def parse_script(source: str, targets: list[str], text: str) -> list[PingResult]:
    """Split the script's output into one :class:`PingResult` per target, in order.

    A target whose block is missing (the container died mid-probe) gets
    reason ``error``.
    """
    blocks: dict[str, list[str]] = {}
    order: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(_MARK + " "):
            name = line[len(_MARK) + 1 :]
            current = blocks.setdefault(name, [])
            order.append(name)
        elif current is not None:
            current.append(line)
    results = []
    for t in targets:
        if t in blocks and blocks[t] and blocks[t][-1].startswith("rc="):
            results.append(parse_one(source, t, "\n".join(blocks[t])))
        else:
            results.append(PingResult(source, t, False, None, "error", "probe interrupted: " + text[-200:]))
    return results


def failed(source: str, targets: list[str], reason: str, output: str = "") -> list[PingResult]:
    """Results for a source that could not probe at all."""
    return [PingResult(source, t, False, None, reason, output) for t in targets]


# -- matrices -----------------------------------------------------------------


def results_frame(results: list[PingResult], columns: dict[str, tuple[str, str | None]]) -> pd.DataFrame:
    """A long table of results; ``columns`` maps a probed target to (container, network)."""
    rows = []
    for r in results:
        container, network = columns.get(r.target, (r.target, None))
        rows.append(
            {
                "source": r.source,
                "target": container,
                "network": network,
                "probed": r.target,
                "ok": r.ok,
                "address": r.address,
                "reason": r.reason,
            }
        )
    cols = ["source", "target", "network", "probed", "ok", "address", "reason"]
    return pd.DataFrame(rows, columns=cols)


def name_matrix(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rows = source, columns = target, booleans; the diagonal is NA (not probed).

    >>> f = results_frame([PingResult("a", "b", True, "10.0.0.3", "ok")], {})
    >>> bool(name_matrix(f, ["a", "b"]).loc["a", "b"])
    True
    """
    m = pd.DataFrame(index=pd.Index(names, name="source"), columns=pd.Index(names, name="target"), dtype="boolean")
    for row in frame.itertuples(index=False):
        m.loc[row.source, row.target] = bool(row.ok)
    return m


def ip_matrix(frame: pd.DataFrame, names: list[str], addresses: list[tuple[str, str]]) -> pd.DataFrame:
    """Rows = source, columns = MultiIndex (container, network), one per address."""
    columns = pd.MultiIndex.from_tuples(addresses, names=["container", "network"])
    m = pd.DataFrame(index=pd.Index(names, name="source"), columns=columns, dtype="boolean")  # all NA
    for row in frame.itertuples(index=False):
        m.loc[row.source, (row.target, row.network)] = bool(row.ok)
    return m
