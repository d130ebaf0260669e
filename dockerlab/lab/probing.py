"""What a lab reads from inside its containers, every container at once: pings, and their interfaces.

:class:`~dockerlab.lab.lab.Lab` asks these with its own lookups; they return
:mod:`dockerlab.kernel.probe`'s results and tables, and print nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from dockerlab.engines.client import engine_call
from dockerlab.errors import EngineError, ProbeError
from dockerlab.i18n import _
from dockerlab.kernel import probe, topology
from dockerlab.lab.handle import ContainerHandle, ExecResult
from dockerlab.lab.spec import ProbePlan
from dockerlab.waits import poll

#: Finds a container by its exact name (a docker-py ``Container``), or None.
Finder = Callable[[str], Any]


def ping_from(find: Finder, source: str, targets: list[str], timeout: float) -> list[probe.PingResult]:
    """Ping each of ``targets`` once from ``source``, all in one ``docker exec`` of the probe script.

    A source that is not running, or stops during the probe, gets ``not-running`` rather than ``error``.
    """
    if not targets:
        return []
    c = find(source)
    if c is None or c.status != "running":
        return probe.failed(source, targets, "not-running")
    bound = probe.PING_BOUND + 5 + len(targets) * 0.05
    try:
        with engine_call(f"docker exec {source} ping ...", timeout):
            _code, out = c.exec_run(
                ["timeout", str(int(bound)), *probe.script_argv(targets)],
                environment={"RES_OPTIONS": probe.RES_OPTIONS},
            )
    except EngineError as e:
        results = probe.failed(source, targets, "error", str(e))
    else:
        results = probe.parse_script(source, targets, (out or b"").decode(errors="replace"))
    if any(r.reason == "error" for r in results) and not is_running(find, source):
        # The container went away during the probe: say so rather than 'error'.
        return [
            probe.PingResult(source, r.target, False, None, "not-running", _("stopped during the probe"))
            if r.reason == "error"
            else r
            for r in results
        ]
    return results


def is_running(find: Finder, name: str, settle: float = 2.0) -> bool:
    """Whether ``name`` runs; a container being killed gets ``settle`` seconds to show it."""

    def stopped() -> bool | None:
        c = find(name)
        return True if c is None or c.status != "running" else None

    return poll(stopped, settle, delay=0.05, max_delay=0.05) is None


def measure(find: Finder, plan: ProbePlan, timeout: float) -> pd.DataFrame:
    """Every probe of ``plan``, the sources in parallel, as :func:`dockerlab.kernel.probe.results_frame`'s table."""
    results: list[probe.PingResult] = []
    if plan.names:
        with ThreadPoolExecutor(max_workers=min(16, len(plan.names))) as pool:
            for batch in pool.map(lambda s: ping_from(find, s, plan.targets[s], timeout), plan.names):
                results.extend(batch)
    return probe.results_frame(results, plan.meaning)


def matrix(frame: pd.DataFrame, plan: ProbePlan, by: str) -> pd.DataFrame:
    """The long table as who reaches whom: by name one column per container, by IP one per address."""
    if by == "name":
        return probe.name_matrix(frame, plan.names)
    return probe.ip_matrix(frame, plan.names, plan.addresses)


def interfaces(
    running: list[ContainerHandle],
    run: Callable[[str, list[str]], ExecResult],
    host_snapshot: Callable[[], str],
) -> tuple[str, dict[str, str]]:
    """The host's and each container's interfaces as :data:`~dockerlab.kernel.topology.SNAPSHOT_SCRIPT` prints them.

    Read in parallel: the host's by ``host_snapshot``, each container's (but those on the host
    network, which share the host's) by ``run`` (``docker exec``).
    """
    inside_ns = [h for h in running if "host" not in h.networks]
    script = ["sh", "-c", topology.SNAPSHOT_SCRIPT]
    with ThreadPoolExecutor(max_workers=min(8, len(inside_ns) + 1)) as pool:
        host_job = pool.submit(host_snapshot)
        jobs = {h.name: pool.submit(run, h.name, script) for h in inside_ns}
        host_text = host_job.result()
        inside = {}
        for name, job in jobs.items():
            result = job.result()
            if not result.ok:
                raise ProbeError(
                    _("Could not list the interfaces of {name} (exit {code}): {output}").format(
                        name=name, code=result.exit_code, output=result.output
                    )
                )
            inside[name] = result.output
    return host_text, inside


#: Seconds a container just connected to a user-defined network may take to resolve the names on it.
RESOLVE_SECONDS = 5.0


def until_resolved(ping: Callable[[str, str], probe.PingResult], source: str, peers: list[str]) -> None:
    """Wait (at most :data:`RESOLVE_SECONDS`) until ``source`` resolves the first of ``peers`` by name.

    Docker's embedded DNS answers for a network a moment after ``docker network connect`` returns: on a
    loaded machine a lookup at once was seen to say "bad address". Only the name is awaited, not a reply
    (an internal network or ICC off may rightly drop the packet); nothing is waited for without a peer.
    """
    if peers:
        poll(lambda: True if ping(source, peers[0]).reason != "unresolved" else None, RESOLVE_SECONDS, delay=0.2)
