"""Any containers on the engine, the lab's or not: read them, predict, explain, and (opt-in) measure.

:func:`inspect_engine` builds the model's :class:`~dockerlab.model.State` from
``docker inspect`` data of every container (or those selected by name, label
or Compose project), every network, and each running container's
``/etc/hosts`` read through the archive API (``docker cp``'s, which works on
stopped containers too): nothing is changed and nothing is run inside a
container. :meth:`Setup.predict` and :meth:`Setup.explain` ask the model, as
the lab's do.

:meth:`Setup.measure` is the one part that runs something: a ``ping`` from
each running container to the others (one ``docker exec`` per source, bounded
like the lab's probe, :mod:`dockerlab.kernel.probe`). It is opt-in. An image with no
``ping`` (or no shell) gets a row that says so, and the prediction stands in.
"""

from __future__ import annotations

import dataclasses
import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors
import networkx as nx
import pandas as pd

from dockerlab import model
from dockerlab.engines import backend, reading
from dockerlab.engines.client import DEFAULT_TIMEOUT, engine_call
from dockerlab.engines.protocol import Container, EngineClient
from dockerlab.errors import ContainerNotFound, DockerlabError, EngineError, InvalidInput
from dockerlab.i18n import _
from dockerlab.kernel import probe
from dockerlab.lab import validate
from dockerlab.setups import compose, compose_sim
from dockerlab.views.display import Comparison, Guess
from dockerlab.views.graphs import reachability_graph

#: Compose's label naming a container's project.
COMPOSE_PROJECT = "com.docker.compose.project"
#: Compose's label naming a container's service.
COMPOSE_SERVICE = "com.docker.compose.service"
#: Compose's label numbering a service's containers.
COMPOSE_NUMBER = "com.docker.compose.container-number"
#: Exit status of the probe when the image has no ``ping`` or no ``timeout`` (or no shell: the runtime's 126/127).
NO_PROBE_CODES = (126, 127)
#: Why a source could not be measured at all: its image has no ping.
NO_PROBE = "no-probe"
#: Runs the probe only where ``ping`` and ``timeout`` exist; otherwise exits 127 without trying.
_GUARD = 'command -v ping >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 || exit 127; exec timeout "$@"'


#: A container's ``/etc/hosts`` through the archive API (kept here for callers of ``analyse.read_hosts``).
read_hosts = reading.read_hosts


@dataclass
class Setup:
    """Containers read from an engine, and the model's state of them.

    ``containers`` are the selected containers' ``docker inspect`` data, by
    name; ``state`` the model's view (every network of the engine, the
    selected containers only).
    """

    client: EngineClient
    containers: dict[str, dict[str, Any]]
    state: model.State
    selection: str = ""
    timeout: float = DEFAULT_TIMEOUT
    measured_notes: dict[str, str] = field(default_factory=dict)
    #: the long table of the last :meth:`measure` (each ping's reason and output), for a closer look
    probed: pd.DataFrame | None = None

    @property
    def names(self) -> list[str]:
        """The selected containers' names, sorted."""
        return list(self.state.boxes)

    def predict(self, by: str = "name", targets: list[str] | None = None) -> pd.DataFrame:
        """The reachability matrix predicted from the state alone (no packet sent)."""
        return model.predict_state(self.state, by, targets)

    def explain(self, source: str, target: str, by: str = "name") -> model.Explanation:
        """Why ``source`` can or cannot reach ``target`` (a name, or by IP an address), from the state alone."""
        if source not in self.state.boxes:
            raise ContainerNotFound(_no_container(source, self.names))
        return model.explain_state(self.state, source, target, by)

    def explanations(self, by: str = "name", targets: list[str] | None = None) -> list[model.Explanation]:
        """One explanation per (source, target) pair of the matrix, row by row."""
        frame = self.predict(by, targets)
        out = []
        for src in frame.index:
            for col in frame.columns:
                target = col[0] if isinstance(col, tuple) else col
                if target == src:
                    continue
                if by == "ip":
                    box = self.state.boxes[target]
                    out.append(model.explain_state(self.state, src, box.ips[col[1]], "ip"))
                else:
                    out.append(model.explain_state(self.state, src, target, "name"))
        return out

    def graph(self, by: str = "name", matrix: pd.DataFrame | None = None) -> nx.DiGraph:
        """Who reaches whom as a directed graph (predicted, unless a measured ``matrix`` is given)."""
        frame = self.predict(by) if matrix is None else matrix
        nodes = {
            b.name: {"networks": list(b.endpoints), "addresses": b.ips, "running": b.running}
            for b in self.state.boxes.values()
        }
        return reachability_graph(frame, nodes, by=by)

    # -- the opt-in measurement ---------------------------------------------------

    def _probe(self, source: str, targets: list[str]) -> list[probe.PingResult]:
        attrs = self.containers[source]
        if not targets:
            return []
        if not (attrs.get("State") or {}).get("Running"):
            return probe.failed(source, targets, "not-running")
        bound = probe.PING_BOUND + 5 + len(targets) * 0.05
        argv = ["sh", "-c", _GUARD, "dockerlab-guard", str(int(bound)), *probe.script_argv(targets)]
        if backend.is_simulated(self.client):  # the simulator's busybox has ping and timeout: no guard to run
            argv = ["timeout", str(int(bound)), *probe.script_argv(targets)]
        try:
            with engine_call(f"docker exec {source} ping ...", self.timeout):
                container = self.client.containers.get(attrs["Id"])
                code, out = container.exec_run(argv, environment={"RES_OPTIONS": probe.RES_OPTIONS})
        except EngineError as e:
            text = str(e)
            if "executable file not found" in text or "no such file" in text.lower():
                return probe.failed(source, targets, NO_PROBE, text)
            return probe.failed(source, targets, "error", text)
        text = out.decode(errors="replace") if isinstance(out, bytes) else ""
        if code in NO_PROBE_CODES and "@@" not in text:
            return probe.failed(source, targets, NO_PROBE, text)
        return probe.parse_script(source, targets, text)

    def probe(self, by: str = "name", targets: list[str] | None = None) -> pd.DataFrame:
        """Ping from every running selected container to the others (by name, or every address).

        Returns the long table of :func:`dockerlab.kernel.probe.results_frame`. A
        container on the host network is not probed by name (the host's
        resolver would be asked), as in the lab.
        """
        per_source, meaning = self._targets(by, targets)
        results: list[probe.PingResult] = []
        with ThreadPoolExecutor(max_workers=max(1, min(16, len(per_source)))) as pool:
            for batch in pool.map(lambda s: self._probe(s, per_source[s]), list(per_source)):
                results.extend(batch)
        return probe.results_frame(results, meaning)

    def _targets(
        self, by: str, targets: list[str] | None
    ) -> tuple[dict[str, list[str]], dict[str, tuple[str, str | None]]]:
        model.checked_by(by)
        per_source: dict[str, list[str]] = {}
        meaning: dict[str, tuple[str, str | None]] = {}
        for src in self.names:
            box = self.state.boxes[src]
            if by == "name":
                names = self.names if targets is None else targets
                per_source[src] = [] if box.mode == "host" else [n for n in names if n != src]
                meaning.update({n: (n, None) for n in names})
            else:
                ips = []
                for dst in self.state.boxes.values():
                    if dst.name == src or dst.shares:
                        continue
                    for net, ip in dst.ips.items():
                        ips.append(ip)
                        meaning[ip] = (dst.name, net)
                per_source[src] = ips
        return per_source, meaning

    def measure(self, by: str = "name", targets: list[str] | None = None) -> pd.DataFrame:
        """The measured matrix, shaped as :meth:`predict`'s; a row whose image has no ``ping`` is all NA.

        :attr:`measured_notes` says, per such source, why it was not measured.
        """
        frame = self.probe(by, targets)
        self.probed = frame
        shape = self.predict(by, targets)
        out = pd.DataFrame(index=shape.index, columns=shape.columns, dtype="boolean")  # all NA
        self.measured_notes = {}
        row: Any  # a row of the probe's table: its attributes are the columns, which pandas' stubs cannot know
        for row in frame.itertuples(index=False):
            if row.reason == NO_PROBE:
                self.measured_notes[row.source] = _(
                    "{source}: its image has no ping (or no shell), so it was not measured; "
                    "the read-only prediction stands: `dockerlab predict {source}`"
                ).format(source=row.source)
                continue
            col = row.target if by == "name" else (row.target, row.network)
            out.loc[row.source, col] = bool(row.ok)
        return out

    def compare(self, by: str = "name", targets: list[str] | None = None) -> Comparison:
        """Predicted and measured side by side; rows that could not be measured are left out of the score."""
        predicted = self.predict(by, targets)
        measured = self.measure(by, targets)
        for source in self.measured_notes:
            predicted.loc[source] = pd.NA
        return Comparison(predicted, measured, by)


def _no_container(name: str, known: list[str]) -> str:
    return _(
        "No container named {name!r} on this engine (among the ones read: {known}). "
        "`docker ps -a` lists them; a name is the container's, not its image's or its service's."
    ).format(name=name, known=", ".join(known) or _("none"))


def select(
    client: EngineClient,
    *,
    names: list[str] | None = None,
    label: str | None = None,
    project: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Container]:
    """The containers chosen: every one (``docker ps -a``), or by name, by ``label``, or by Compose ``project``.

    Raises :class:`~dockerlab.errors.ContainerNotFound` for a name that is not
    a container, before anything else is read.
    """
    if sum(x is not None and x != [] for x in (names, label, project)) > 1:
        raise InvalidInput(_("Choose containers by names, by --label or by --project, not several at once."))
    filters: dict[str, Any] = {}
    if label:
        filters["label"] = label
    if project:
        filters["label"] = f"{COMPOSE_PROJECT}={project}"
    with engine_call("docker ps -a", timeout):  # a container removed meanwhile is left out, not an error
        found = client.containers.list(all=True, filters=filters, ignore_removed=True)
    if names:
        by_name = {c.name: c for c in found if c.name}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise ContainerNotFound(_no_container(missing[0], sorted(by_name)))
        found = [by_name[n] for n in dict.fromkeys(names)]
    return sorted(found, key=lambda c: c.name or "")


def inspect_engine(
    client: EngineClient | None = None,
    *,
    names: list[str] | None = None,
    label: str | None = None,
    project: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Setup:
    """Read containers and every network from the engine (read only) into the model's state.

    ``names``, ``label`` (``key`` or ``key=value``) or ``project`` (a Compose
    project) select the containers; by default, every container. A container
    of the selection that shares another's network stack (``--network
    container:X``) is read with X, so the rules see X's endpoints.
    """
    client = client or backend.choose(timeout=timeout).client
    chosen = select(client, names=names, label=label, project=project, timeout=timeout)
    wanted = {c.name for c in chosen if c.name}
    ids = {c.id: c for c in chosen if c.id}
    for c in list(chosen):  # the stack a selected container joins, if it was not selected
        mode = str((c.attrs.get("HostConfig") or {}).get("NetworkMode") or "")
        if mode.startswith("container:") and not any(i.startswith(mode[10:]) for i in ids):
            with engine_call(f"docker inspect {mode[10:]}", timeout):
                try:
                    other = client.containers.get(mode[10:])
                except docker.errors.NotFound:
                    continue
            if other.id:
                ids[other.id] = other
    containers = sorted(ids.values(), key=lambda c: c.name or "")
    hosts = reading.hosts_files(containers, timeout, parallel=not backend.is_simulated(client))
    with engine_call("docker network ls", timeout):
        networks = [n.attrs for n in client.networks.list()]
    # the joined stacks' owners count in the rules, not in the rows
    state = reading.state_of(containers, networks, hosts, reading.release_of(client, timeout), wanted)
    selection = f"project {project}" if project else f"label {label}" if label else ", ".join(names) if names else "all"
    attrs = {c.name: c.attrs for c in containers if c.name and c.name in wanted}
    return Setup(client, attrs, state, selection, timeout)


# -- a Compose project: predicted before it runs, then up, measured, compared ---------------


def by_service(matrix: pd.DataFrame, project: compose.Project) -> pd.DataFrame:
    """A matrix of ``project``'s containers as one of its services: rows and columns are service names.

    Only services with one container (whose service name is a fixed DNS name) are kept.
    """
    services = compose.service_names(project)
    rows = {c: s for c, s in project.containers.items() if s in services}
    out = matrix.loc[[c for c in matrix.index if c in rows], [s for s in services if s in matrix.columns]]
    out = out.rename(index=rows)
    out.index.name, out.columns.name = "source", "target"
    for s in services:  # a service pinging its own name: not a question
        if s in out.index:
            out.loc[s, s] = pd.NA
    return out


def planned_names(project: compose.Project, setup: Setup) -> dict[str, str]:
    """Planned container name -> the running one, matched by Compose's labels (service and number).

    The plan names containers as the Compose that read the file does (``project-web-1`` from v2);
    a project brought up by another Compose (v1: ``project_web_1``) is matched all the same.
    """
    out = {}
    for name, attrs in setup.containers.items():
        labels = (attrs.get("Config") or {}).get("Labels") or {}
        service, number = labels.get(COMPOSE_SERVICE), labels.get(COMPOSE_NUMBER, "1")
        if service in project.services and str(number).isdigit():
            planned = project.container_names(service)
            if int(number) <= len(planned):
                out[planned[int(number) - 1]] = name
    return out


def compare_project(project: compose.Project, setup: Setup) -> Comparison:
    """A Compose file's prediction (made before ``up``) against the measurement of its running project."""
    predicted = compose.predict(project)
    rename = planned_names(project, setup)
    predicted = predicted.rename(index=rename, columns=rename)
    measured = setup.measure("name", list(predicted.columns))
    for source in setup.measured_notes:
        predicted.loc[source] = pd.NA
    return Comparison(predicted, measured, "name")


class ComposeApp:
    """A Compose file and the project it makes: predict before ``up``, then measure and compare.

    Every engine-changing call (``up``, ``down``) shows its ``docker compose``
    command line; the project name is the only thing ``down`` touches. On
    dockerlab's simulator Compose is not asked: ``up`` and ``down`` make the
    same networks and containers there (:mod:`dockerlab.setups.compose_sim`)
    and say that they are simulated.
    """

    def __init__(
        self, path: str | Path, project: str, *, client: EngineClient | None = None, echo: bool = True
    ) -> None:
        self.path = Path(path)
        self.name = compose.project_name(self.path, project)
        self.echo = echo
        self._client = client
        # On the simulator Compose is never asked: even its `config` talks to the engine's socket.
        self.command = None if backend.simulated_choice() else compose.compose_command()
        self.project = self._load()

    @property
    def client(self) -> EngineClient:
        """The engine's client, connected on first use: a real engine, as Compose needs one."""
        if self._client is None:
            self._client = backend.choose().client
        return self._client

    def reload(self) -> ComposeApp:
        """Read the file again (after an edit)."""
        self.project = self._load()
        return self

    def _load(self) -> compose.Project:
        project = compose.load(self.path, self.name, command=self.command or False)
        if not backend.simulated_choice():
            return project
        note = _(
            "On dockerlab's simulator Compose is not asked, so the file was read as plain YAML: ${VARIABLES} are "
            "not interpolated, and extends and profiles are not applied."
        )
        return dataclasses.replace(project, note=note)

    def predict(self, by: str = "service") -> pd.DataFrame:
        """Who would reach whom after ``up``, from the file alone: by ``service`` name, or by ``container`` name
        (with the service names as extra columns)."""
        matrix = compose.predict(self.project)
        return by_service(matrix, self.project) if by == "service" else matrix

    def explain(self, source: str, target: str) -> model.Explanation:
        """Why ``source`` (a service or container) would or would not reach ``target`` (a name), before ``up``."""
        state = compose.plan(self.project)
        return model.explain_state(state, self._container(source), target)

    def _container(self, name: str) -> str:
        if name in self.project.services:
            return self.project.container_names(name)[0]
        return name

    def _run(self, *args: str) -> str:
        if backend.is_simulated(self.client):
            return self._simulate(*args)
        if self.command is None:
            raise DockerlabError(_("No Compose is installed here: install Docker Compose (`docker compose`)."))
        argv = [*self.command, "-f", str(self.path), "-p", self.name, *args]
        shown = [*self.command, "-f", self.path.name, "-p", self.name, *args]
        if self.echo:
            print("$ " + shlex.join(shown))
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=self.path.parent)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise EngineError(
                _("`{command}` failed: {error}").format(command=shlex.join(shown), error=lines[-1] if lines else "?")
            )
        return done.stdout

    def _simulate(self, *args: str) -> str:
        """What ``docker compose ARGS`` (``up``, ``down``) does, done on the simulator, its command line shown."""
        shown = shlex.join(["docker", "compose", "-f", self.path.name, "-p", self.name, *args])
        if self.echo:
            print(f"$ {shown}")
            print("  " + _("(simulated: dockerlab's simulator makes what Compose would, without Compose)"))
        try:
            (compose_sim.up if args[0] == "up" else compose_sim.down)(self.client, self.project)
        except compose_sim.Refused as e:
            raise EngineError(_("`{command}` failed: {error}").format(command=shown, error=e)) from e
        return ""

    def up(self) -> None:
        """``docker compose up -d``: create and start the project (never pulls: the files say pull_policy)."""
        self._run("up", "-d")

    def down(self) -> None:
        """``docker compose down``: remove the project's containers and networks, and nothing else.

        Compose removes the networks the file declares now; a network an earlier version of the file
        declared (and ``up`` left behind) is removed too, selected by the project's label.
        """
        self._run("down", "--remove-orphans", "-t", "1")
        label = f"{COMPOSE_PROJECT}={self.name}"
        with engine_call(f"docker network ls --filter label={label}"):
            left = self.client.networks.list(filters={"label": label})
        for net in sorted(left, key=lambda n: n.name or ""):
            if (net.attrs.get("Labels") or {}).get(COMPOSE_PROJECT) != self.name:
                continue
            if self.echo:
                print(f"$ docker network rm {net.name}")
            with engine_call(f"docker network rm {net.name}"):
                net.remove()

    def setup(self) -> Setup:
        """The running project read from the engine (read only)."""
        return inspect_engine(self.client, project=self.name)

    def measure(self, by: str = "service") -> pd.DataFrame:
        """Ping between the running containers (by container and service name); ``by`` as in :meth:`predict`."""
        setup = self.setup()
        rename = {real: planned for planned, real in planned_names(self.project, setup).items()}
        planned = list(compose.predict(self.project).columns)
        matrix = setup.measure("name", [{v: k for k, v in rename.items()}.get(n, n) for n in planned])
        matrix = matrix.rename(index=rename, columns=rename)
        return by_service(matrix, self.project) if by == "service" else matrix

    def compare(self, by: str = "service", *, mine: dict[tuple[str, str], bool] | None = None) -> Comparison | Guess:
        """The file's prediction (or yours, ``mine``) against the measurement, cell by cell."""
        if mine is not None:
            validate.answered(mine)  # before anything is measured
        measured = self.measure(by)
        if mine is not None:
            return Guess(mine, measured, "name")
        return Comparison(self.predict(by), measured, "name")
