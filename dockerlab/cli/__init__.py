"""The ``dockerlab`` command: check the set-up, provision the image, list and clean labs.

Subcommands: ``doctor``, ``image``, ``status``, ``clean``, ``matrix``, and for
any containers on the engine (the lab's or not, read only) ``predict``,
``explain``, ``graph``, and ``compose predict|compare`` for a Compose file;
each has ``--help``. Exit codes: 0 all is well, 1 problems found (doctor) or the
operation failed, 2 usage error, 3 no Docker engine answers. Errors are shown
as dockerlab's messages (what went wrong and what to do), never as tracebacks.

Only resources labelled ``dockerlab.lab`` are ever listed or removed; the
analysis commands only read (``--measure`` runs ``ping`` in the containers it
analyses, nothing else).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import docker

from dockerlab import model
from dockerlab.engines import backend
from dockerlab.engines import image as labimage
from dockerlab.engines import pull as registry_pull
from dockerlab.engines.client import engine_call, engine_version, is_docker_desktop, is_rootless, remove_labelled
from dockerlab.errors import DockerlabError, EngineError, EngineTimeout, EngineUnavailable, InvalidInput
from dockerlab.i18n import _, ngettext
from dockerlab.lab import LAB_LABEL, Lab
from dockerlab.model import subnets
from dockerlab.setups import analyse, compose
from dockerlab.teaching import tutorial
from dockerlab.version import __version__
from dockerlab.views import display, export
from dockerlab.views.progress import ProgressBar

OK, PROBLEMS, USAGE, NO_ENGINE = 0, 1, 2, 3
#: A lab where nothing has run for this long counts as left over.
IDLE_SECONDS = 120.0
#: The lab name under which `doctor` reads the host's routes (a short-lived helper container).
DOCTOR_LAB = "dockerlab-doctor"
DEFAULT_SOCKET = "/var/run/docker.sock"

Out = Callable[[str], None]


# -- what the engine holds -----------------------------------------------------


@dataclass
class LabResources:
    """The labelled containers and networks of one lab, as the engine reports them."""

    name: str
    containers: list[Any] = field(default_factory=list)
    networks: list[Any] = field(default_factory=list)

    @property
    def running(self) -> list[Any]:
        """The containers that run."""
        return [c for c in self.containers if c.status == "running"]

    def last_activity(self) -> float:
        """Unix time of the latest creation, start or stop among the lab's resources."""
        stamps = [0.0]
        for c in self.containers:
            state = c.attrs.get("State") or {}
            stamps += [_time(c.attrs.get("Created")), _time(state.get("StartedAt")), _time(state.get("FinishedAt"))]
        stamps += [_time(n.attrs.get("Created")) for n in self.networks]
        return max(stamps)

    def summary(self) -> str:
        """For instance ``'2 containers (2 running), 1 network'``."""
        c, n = len(self.containers), len(self.networks)
        containers = ngettext("{n} container ({running} running)", "{n} containers ({running} running)", c)
        networks = ngettext("{n} network", "{n} networks", n)
        return _("{containers}, {networks}").format(
            containers=containers.format(n=c, running=len(self.running)), networks=networks.format(n=n)
        )


def _time(stamp: object) -> float:
    """Seconds since the epoch of a Docker timestamp; 0 when absent or unset."""
    if not isinstance(stamp, str) or not stamp or stamp.startswith("0001-"):
        return 0.0
    head, rest = stamp[:19], stamp[19:].removeprefix(".")
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    zone = rest[len(digits) :]
    try:
        when = datetime.fromisoformat(head + (zone.replace("Z", "+00:00") or "+00:00"))
    except ValueError:
        return 0.0
    return when.timestamp() + float(f"0.{digits or 0}")


def inventory(client: docker.DockerClient) -> dict[str, LabResources]:
    """Every lab on the engine: lab name -> its labelled containers and networks."""
    with engine_call("docker ps --filter label=" + LAB_LABEL):
        containers = client.containers.list(all=True, filters={"label": LAB_LABEL})
    with engine_call("docker network ls --filter label=" + LAB_LABEL):
        networks = client.networks.list(filters={"label": LAB_LABEL}, greedy=True)
    labs: dict[str, LabResources] = {}
    for c in sorted(containers, key=lambda c: c.name):
        name = (c.labels or {}).get(LAB_LABEL)
        if name is not None:
            labs.setdefault(name, LabResources(name)).containers.append(c)
    for n in sorted(networks, key=lambda n: n.name):
        name = (n.attrs.get("Labels") or {}).get(LAB_LABEL)
        if name is not None:
            labs.setdefault(name, LabResources(name)).networks.append(n)
    return dict(sorted(labs.items()))


def text_table(columns: list[str], rows: list[list[str]]) -> str:
    """A plain text table with aligned columns.

    >>> print(text_table(["LAB", "NAME"], [["article", "tomcat1"]]))
    LAB      NAME
    article  tomcat1
    """
    widths = [max(_width(str(x)) for x in col) for col in zip(columns, *rows, strict=True)]
    lines = [
        "  ".join(str(x) + " " * (w - _width(str(x))) for x, w in zip(row, widths, strict=True)).rstrip()
        for row in [columns, *rows]
    ]
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _subnets(network: Any) -> list[str]:
    return [subnet for subnet, _ in model.ipv4_pools(network.attrs)]


# -- the subcommands -----------------------------------------------------------


def cmd_status(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Print this engine's labs, their containers and networks, as tables."""
    labs = inventory(client)
    if args.lab is not None:
        labs = {k: v for k, v in labs.items() if k == args.lab}
    if not labs:
        if args.lab:
            out(_("No dockerlab lab named {lab} on this engine.").format(lab=repr(args.lab)))
        else:
            out(_("No dockerlab lab on this engine."))
        return OK
    crows, nrows = [], []
    for lab in labs.values():
        for c in lab.containers:
            nets = (c.attrs.get("NetworkSettings") or {}).get("Networks") or {}
            where = ", ".join(f"{n} {ep.get('IPAddress')}" if ep.get("IPAddress") else n for n, ep in nets.items())
            crows.append([lab.name, c.name, c.status, where or "-"])
        for n in lab.networks:
            members = sorted(ep.get("Name", "?") for ep in (n.attrs.get("Containers") or {}).values())
            subnet, gateway = model.ipam(n.attrs)
            nrows.append(
                [
                    lab.name,
                    n.name,
                    n.attrs.get("Driver") or "-",
                    subnet or "-",
                    gateway or "-",
                    ", ".join(members) or "-",
                ]
            )
    out(
        ngettext(
            "{n} lab on this engine (label {label}).", "{n} labs on this engine (label {label}).", len(labs)
        ).format(n=len(labs), label=LAB_LABEL)
    )
    if crows:
        out("")
        out(text_table([_("LAB"), _("CONTAINER"), _("STATUS"), _("NETWORKS AND ADDRESSES")], crows))
    if nrows:
        out("")
        columns = [_("LAB"), _("NETWORK"), _("DRIVER"), _("SUBNET"), _("GATEWAY"), _("CONTAINERS")]
        out(text_table(columns, nrows))
    return OK


def clean_all(client: docker.DockerClient, *, dry_run: bool = False, out: Out = print) -> list[str]:
    """Remove every container, then every network, labelled ``dockerlab.lab``; nothing else.

    Returns the failures (empty when all went). With ``dry_run`` only lists them.
    """

    def removed(kind: str, resource: Any) -> None:
        labels = resource.labels if kind == "container" else resource.attrs.get("Labels") or {}
        said = {
            (True, "container"): _("would remove container {name} (lab {lab})"),
            (True, "network"): _("would remove network {name} (lab {lab})"),
            (False, "container"): _("removed container {name} (lab {lab})"),
            (False, "network"): _("removed network {name} (lab {lab})"),
        }[(dry_run, kind)]
        out(said.format(name=resource.name, lab=labels[LAB_LABEL]))

    return remove_labelled(client, LAB_LABEL, dry_run=dry_run, removed=removed)


def cmd_clean(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Remove one lab's resources, or every lab's with --all."""
    if args.all:
        failures = clean_all(client, dry_run=args.dry_run, out=out)
        for f in failures:
            out(_("failed: {f}").format(f=f))
        return PROBLEMS if failures else OK
    lab = Lab(args.lab, client=client, echo=not args.dry_run)
    containers, networks = lab.containers, lab.network_names
    if not containers and not networks:
        known = ", ".join(inventory(client)) or _("none")
        out(
            _("Lab {lab} has no containers or networks on this engine: nothing to remove (labs here: {known}).").format(
                lab=repr(args.lab), known=known
            )
        )
        return OK
    if args.dry_run:
        for c in containers:
            out(_("would remove container {c} (lab {name})").format(c=c, name=lab.name))
        for n in networks:
            out(_("would remove network {n} (lab {name})").format(n=n, name=lab.name))
        return OK
    lab.reset()
    left = lab.containers + lab.network_names
    if left:
        raise EngineError(
            _("Lab {name} still has {value} after the reset: run the clean again.").format(
                name=repr(lab.name), value=", ".join(left)
            )
        )
    removed = _("removed lab {lab}: {containers}, {networks}").format(
        lab=lab.name,
        containers=ngettext("{n} container", "{n} containers", len(containers)).format(n=len(containers)),
        networks=ngettext("{n} network", "{n} networks", len(networks)).format(n=len(networks)),
    )
    out(removed)
    return OK


def cmd_matrix(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Probe who reaches whom in a lab and print the grid."""
    lab = Lab(args.lab, client=client, echo=False)
    if not lab.containers:
        raise DockerlabError(
            _("Lab {lab} has no containers on this engine (`dockerlab status` lists the labs).").format(
                lab=repr(args.lab)
            )
        )
    title = _("lab {lab}, {by}").format(lab=lab.name, by=display.by_text(args.by))
    out(str(display.matrix(lab.reachability(args.by), title)))
    return OK


def cmd_image(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Provision the lab image: built offline, or with --pull on busybox pulled by digest; with progress."""
    if not args.pull:
        with ProgressBar(_("lab image"), stream=sys.stderr, html=False) as bar:
            ref = labimage.provision(client, busybox=args.busybox, progress=bar)
        out(_("{ref} is on the engine").format(ref=ref))
        return OK
    registry_pull.busybox_reference(args.registry, args.digest)  # a bad setting is refused before any bar shows
    with ProgressBar(_("busybox download"), total=100, stream=sys.stderr, html=False) as bar:

        def percent(value: int, line: str) -> None:
            if value != bar.done or line != bar.message:
                bar.advance(line, steps=value - bar.done)

        ref = labimage.provision(
            client,
            progress=out,
            image=labimage.IMAGE,
            pull=True,
            registry=args.registry,
            digest=args.digest,
            percent=percent,
        )
    out(_("{image} is on the engine").format(image=ref))
    return OK


def cmd_tutorial(args: argparse.Namespace, out: Out) -> int:
    """Copy the notebooks into DIR (keeping the learner's changes), then open JupyterLab there."""
    report = tutorial.copy(args.dir, force=args.force)
    for line in report.lines():
        out(line)
    extra = list(args.jupyter)
    if args.copy_only:
        out(_("To open it: {command}").format(command=" ".join(tutorial.jupyter_command(report.folder, extra))))
        return OK
    note = tutorial.quiet_defaults()
    if note:
        out(note)
    out(_("Opening JupyterLab in {folder} (Ctrl+C twice stops it).").format(folder=report.folder))
    sys.stdout.flush()
    tutorial.open_lab(report.folder, extra, browser=not args.no_browser)
    return OK  # not reached: JupyterLab replaced this process


# -- any containers, and Compose files -------------------------------------------


def _setup(client: docker.DockerClient, args: argparse.Namespace) -> analyse.Setup:
    setup = analyse.inspect_engine(client, names=args.names or None, label=args.label, project=args.project)
    if not setup.names and setup.selection == "all":
        raise DockerlabError(_("This engine has no containers: start some (`docker run`, `docker compose up`) first."))
    if not setup.names:
        raise DockerlabError(
            _("No container matches {selection}: `docker ps -a` lists them.").format(selection=setup.selection)
        )
    return setup


def _targets(setup: analyse.Setup, args: argparse.Namespace) -> list[str] | None:
    return [*setup.names, *args.also] if args.by == "name" and args.also else None


def cmd_predict(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Predict who reaches whom among any containers, from the engine's state; with --measure, ping and compare."""
    setup = _setup(client, args)
    targets = _targets(setup, args)
    title = _("{selection}, by {by}").format(selection=setup.selection, by=args.by)
    if not args.measure:
        predicted = setup.predict(args.by, targets)
        if args.format == "json":
            out(
                export.matrix_json(
                    predicted,
                    setup.explanations(args.by, targets) if args.explain else [],
                    selection=setup.selection,
                    by=args.by,
                    kind="predicted",
                )
            )
        else:
            out(str(display.matrix(predicted, _("predicted ({title})").format(title=title))))
            if args.explain:
                for e in setup.explanations(args.by, targets):
                    out(f"- {e}")
        return OK
    comparison = setup.compare(args.by, targets)
    if args.format == "json":
        out(
            export.matrix_json(
                comparison.measured,
                selection=setup.selection,
                by=args.by,
                kind="measured",
                mismatches=[[str(s), str(c)] for s, c in comparison.mismatches],
            )
        )
    else:
        out(str(comparison))
        for note in setup.measured_notes.values():
            out(note)
    return OK if comparison.ok else PROBLEMS


def cmd_explain(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Explain why one container can or cannot reach another (a name, or by IP an address)."""
    setup = analyse.inspect_engine(client, label=args.label, project=args.project)
    explanation = setup.explain(args.source, args.target, args.by)
    out(export.explanations_json([explanation]) if args.format == "json" else str(explanation))
    return OK


def cmd_graph(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Draw who reaches whom (predicted, or measured with --measure) as PNG, SVG, DOT, Mermaid or JSON."""
    fmt = export.format_of(args.output, args.format)
    setup = _setup(client, args)
    matrix = setup.measure(args.by) if args.measure else None
    g = setup.graph(args.by, matrix)
    kind = _("measured") if args.measure else _("predicted")
    export.save_graph(
        g, args.output, fmt, _("who reaches whom, {kind} ({selection})").format(kind=kind, selection=setup.selection)
    )
    out(_("wrote {path} ({format}, {count} containers)").format(path=args.output, format=fmt, count=len(g)))
    return OK


def _project(args: argparse.Namespace) -> compose.Project:
    project = compose.load(args.file, args.project_name, profiles=args.profile or ())
    return project


def cmd_compose_predict(client: docker.DockerClient | None, args: argparse.Namespace, out: Out) -> int:
    """Predict a Compose file before it runs: by container name and by service name, with explanations."""
    project = _project(args)
    state = compose.plan(project)
    predicted = model.predict_state(state, "name", compose.targets(project, state))
    explanations = compose.explanations(project)
    if args.format == "json":
        out(
            export.matrix_json(
                predicted,
                explanations,
                project=project.name,
                file=str(project.path),
                tool=project.tool,
                note=project.note,
                kind="predicted",
            )
        )
        return OK
    if args.output:
        g = export_graph(predicted, state)
        export.save_graph(g, args.output, None, _("who would reach whom: {project}").format(project=project.name))
    out(
        _("{file}: project {project}, canonical form from {tool}").format(
            file=project.path, project=project.name, tool=project.tool
        )
    )
    if project.note:
        out(project.note)
    out(str(display.matrix(predicted, _("predicted before `up`"))))
    if not args.quiet:
        for e in explanations:
            out(f"- {e}")
    return OK


def export_graph(matrix: Any, state: model.State) -> Any:
    """The graph of a predicted matrix over the state's containers."""
    from dockerlab.views.graphs import reachability_graph

    nodes = {b.name: {"networks": list(b.endpoints), "running": b.running} for b in state.boxes.values()}
    own = matrix[[c for c in matrix.columns if c in nodes]]
    return reachability_graph(own, nodes, by="name")


def cmd_compose_compare(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """After `docker compose up`: the file's prediction and the measurement side by side."""
    project = _project(args)
    setup = analyse.inspect_engine(client, project=project.name)
    if not setup.names:
        raise DockerlabError(
            _(
                "Project {project} has no containers on this engine: run `docker compose -f {file} "
                "-p {project} up -d` first."
            ).format(project=project.name, file=args.file)
        )
    comparison = analyse.compare_project(project, setup)
    out(str(comparison))
    for note in setup.measured_notes.values():
        out(note)
    return OK if comparison.ok else PROBLEMS


# -- doctor --------------------------------------------------------------------


@dataclass
class Finding:
    """One line of the doctor's report: ``ok``, ``note`` or ``problem``, with its fix."""

    level: str
    text: str
    fix: str = ""


def socket_path() -> str | None:
    """The local socket the client uses, or None for a tcp/ssh DOCKER_HOST."""
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        return DEFAULT_SOCKET
    return host.removeprefix("unix://") if host.startswith("unix://") else None


def check_socket() -> Finding:
    """Whether this user may read and write the engine's local socket."""
    path = socket_path()
    if path is None:
        return Finding(
            "ok",
            _("DOCKER_HOST={value}: not a local socket, nothing to check").format(value=os.environ.get("DOCKER_HOST")),
        )
    if not os.path.exists(path):
        return Finding(
            "problem",
            _("socket {path} does not exist: no local engine listens there").format(path=path),
            _(
                "start the engine (`sudo systemctl start docker`, or `sudo scripts/ensure-engine.sh`), "
                "or point DOCKER_HOST at yours"
            ),
        )
    if not os.access(path, os.R_OK | os.W_OK):
        return Finding(
            "problem",
            _("socket {path}: permission denied for this user").format(path=path),
            _("`sudo usermod -aG docker $USER`, then log in again (the docker group is root-equivalent)"),
        )
    return Finding("ok", _("socket {path}: this user may read and write it").format(path=path))


def check_engine_kind(info: dict[str, Any], version: dict[str, Any] | None = None) -> list[Finding]:
    """Notes on what differs from an engine running as root on this computer, read from ``docker info``.

    Docker Desktop runs the engine in a VM; a rootless engine runs inside
    rootlesskit's namespaces. Either way the host-side views of the lessons
    show something else than this computer's own network. None for a usual engine.
    """
    findings = []
    if is_docker_desktop(info, version):
        vm = info.get("Name") or "docker-desktop"
        findings.append(
            Finding(
                "note",
                _("Docker Desktop (engine host {vm}): the engine runs in a Linux VM, not on this computer").format(
                    vm=vm
                ),
                _(
                    "the host-side views (notebook 04's interfaces: docker0, the veth pairs, the routes) "
                    "show the VM's interfaces, not this computer's; container addresses are not reachable "
                    "from the Mac or Windows host, only published ports are (lab.run(name, "
                    "ports={container_port: host_port}))"
                ),
            )
        )
    if is_rootless(info):
        findings.append(
            Finding(
                "note",
                _("rootless engine: dockerd runs as an unprivileged user inside rootlesskit's namespaces"),
                _(
                    "the engine's networks (docker0, the bridges, the veth pairs) live inside rootlesskit's "
                    "network namespace, so the host-side views (notebook 04's interfaces) show that "
                    "namespace, not the host's; published ports are opened on the host by rootlesskit's port "
                    "driver (its default, builtin driver does not pass the client's source address on to the "
                    "container)"
                ),
            )
        )
    return findings


def check_image_path(client: docker.DockerClient) -> Finding:
    """The missing lab image, with the way to provision it that applies here (:func:`dockerlab.engines.image.plan`)."""
    try:
        plan = labimage.plan(client)
    except DockerlabError as e:  # a bad DOCKERLAB_REGISTRY or DOCKERLAB_BUSYBOX_DIGEST
        return Finding("problem", _("lab image {image} is missing").format(image=labimage.IMAGE), str(e))
    if plan.path == "pull":
        fix = _("{plan} (`dockerlab image --pull`)").format(plan=plan)
    else:
        fix = _("`dockerlab image`: {plan}").format(plan=plan)
    return Finding("problem", _("lab image {image} is missing").format(image=labimage.IMAGE), fix)


def check_leftovers(labs: dict[str, LabResources], now: float | None = None) -> list[Finding]:
    """Labs where nothing has run for :data:`IDLE_SECONDS` are left over; others are noted."""
    now = time.time() if now is None else now
    findings = []
    for lab in labs.values():
        idle = not lab.running and now - lab.last_activity() > IDLE_SECONDS
        if idle:
            findings.append(
                Finding(
                    "problem",
                    _("lab {name} is left over: {value}, nothing runs").format(name=lab.name, value=lab.summary()),
                    f"`dockerlab clean {lab.name}`",
                )
            )
        else:
            findings.append(
                Finding(
                    "note",
                    _("lab {name}: {value}").format(name=lab.name, value=lab.summary()),
                    _("when you are done with it: `dockerlab clean {name}`").format(name=lab.name),
                )
            )
    if not labs:
        findings.append(Finding("ok", _("no labs on this engine, so none left over")))
    return findings


def subnet_clashes(networks: list[Any], routes: list[tuple[str, str]]) -> list[tuple[Any, str, str, str]]:
    """(network, its subnet, host route, device) for each Docker network overlapping a host route.

    A route to a Docker network's own subnet (its bridge) is no clash.

    >>> class N:
    ...     def __init__(self, name, subnet): self.name, self.attrs = name, {"IPAM": {"Config": [{"Subnet": subnet}]}}
    >>> nets = [N("bridge", "172.17.0.0/16"), N("lan", "10.0.0.0/16")]
    >>> [(n.name, s, r) for n, s, r, _ in subnet_clashes(nets, [("172.17.0.0/16", "docker0"), ("10.0.5.0/24", "eth0")])]
    [('lan', '10.0.0.0/16', '10.0.5.0/24')]
    """
    own = {ipaddress.ip_network(s, strict=False) for n in networks for s in _subnets(n)}
    clashes = []
    for n in networks:
        for s in _subnets(n):
            subnet = ipaddress.ip_network(s, strict=False)
            for dest, dev in routes:
                route = ipaddress.ip_network(dest, strict=False)
                if route not in own and subnets.overlaps(subnet, [route]):
                    clashes.append((n, s, str(route), dev))
    return clashes


def check_subnets(client: docker.DockerClient) -> list[Finding]:
    """Docker networks (the labs' and others) whose subnet overlaps a route of the engine's host."""
    helper = Lab(DOCTOR_LAB, client=client, echo=False)
    routes = helper.host_routes()
    with engine_call("docker network ls"):
        networks = client.networks.list()
    findings = []
    for n, subnet, route, dev in subnet_clashes(networks, routes):
        prefix = ipaddress.ip_network(subnet, strict=False).prefixlen
        try:
            free = helper.free_subnet(prefixlen=prefix)
        except DockerlabError:
            free = _("a free private subnet")
        lab = (n.attrs.get("Labels") or {}).get(LAB_LABEL)
        if lab:
            fix = _("{clean}, then create it again on a free subnet: {create}").format(
                clean=f"`dockerlab clean {lab}`", create=f"lab.network({n.name!r}, subnet={free!r})"
            )
        elif n.name == "bridge":
            fix = _(
                'set "bip" in /etc/docker/daemon.json to an address in {free} (for instance its .1/prefix) and '
                "restart the engine"
            ).format(free=free)
        else:
            fix = _("{remove} and create it again with --subnet {free}").format(
                remove=f"`docker network rm {n.name}`", free=free
            )
        if lab:
            text = _("lab {lab}'s network {name} ({subnet}) overlaps the engine host's route {route} on {device}")
        else:
            text = _("Docker network {name} ({subnet}) overlaps the engine host's route {route} on {device}")
        text = _("{clash}: containers there cannot reach those addresses").format(
            clash=text.format(lab=lab, name=n.name, subnet=subnet, route=route, device=dev)
        )
        findings.append(Finding("problem", text, fix))
    if not findings:
        findings.append(
            Finding(
                "ok", _("no Docker network overlaps the engine host's {n_routes} routes").format(n_routes=len(routes))
            )
        )
    return findings


def cmd_hosts(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """``dockerlab hosts up|down|status``: chapter 08's cluster of extra engines (see dockerlab.engines.hosts)."""
    from dockerlab.engines.hosts import Cluster

    cluster = Cluster(echo=True)
    if args.action == "up":
        cluster.up(client)
        out(str(cluster.status()))
        out(_("up in {seconds:.1f} s").format(seconds=cluster.timings.get("up", 0)))
        return OK
    if args.action == "down":
        cluster.down()
        out(_("down in {seconds:.1f} s").format(seconds=cluster.timings.get("down", 0)))
        return OK
    status = cluster.status()
    out(str(status))
    return OK if status.up else PROBLEMS


def cmd_doctor(args: argparse.Namespace, out: Out) -> int:
    """Check the set-up; print each finding with its fix."""
    findings = [check_socket()]
    try:
        client = backend.choose().client
        version = engine_version(client)
    except (EngineUnavailable, EngineTimeout) as e:
        findings.append(Finding("problem", _("no Docker engine answers"), str(e)))
        _report(findings, out)
        return NO_ENGINE
    where = os.environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"
    findings.append(Finding("ok", _("engine {version} answers at {where}").format(version=version, where=where)))
    if callable(getattr(client, "info", None)):  # dockerlab's simulator has no `docker info`
        with engine_call("docker info"):
            info = client.info()
        with engine_call("docker version"):
            server = client.version()
        findings += check_engine_kind(
            info if isinstance(info, dict) else {}, server if isinstance(server, dict) else {}
        )
    present = labimage.image_present(client)
    if present:
        findings.append(Finding("ok", _("lab image {image} is present").format(image=labimage.IMAGE)))
    else:
        findings.append(check_image_path(client))
    findings += check_leftovers(inventory(client))
    if present:
        findings += check_subnets(client)
    else:
        findings.append(
            Finding(
                "note",
                _("host routes not checked: reading them needs the lab image"),
                _("`dockerlab image`, then `dockerlab doctor` again"),
            )
        )
    _report(findings, out)
    return PROBLEMS if any(f.level == "problem" for f in findings) else OK


def _report(findings: list[Finding], out: Out) -> None:
    tag = {"ok": _("ok     "), "note": _("note   "), "problem": _("PROBLEM")}
    for f in findings:
        out(f"{tag[f.level]} {f.text}")
        if f.fix:
            fix = f.fix.replace("\n", "\n          ")
            out("        " + (_("fix: {fix}").format(fix=fix) if f.level == "problem" else fix))
    problems = sum(f.level == "problem" for f in findings)
    if problems:
        out(ngettext("{n} problem found.", "{n} problems found.", problems).format(n=problems))
    else:
        out(_("All is well."))


# -- the parser ------------------------------------------------------------------


def _lab_name(value: str) -> str:
    from dockerlab.lab import validate

    try:
        return validate.lab_name(value)
    except InvalidInput as e:
        raise argparse.ArgumentTypeError(str(e)) from e


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its "usage: " in the learner's language."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose own words (usage, the group titles, -h) follow the learner's language too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dockerlab`` command."""
    parser = _Parser(
        prog="dockerlab",
        description=_(
            "How Docker containers talk to each other: check the set-up, provision the lab image, "
            "list, probe and clean labs. Only resources labelled dockerlab.lab are touched."
        ),
        epilog=_(
            "Exit codes: 0 ok, 1 problems found or the operation failed, 2 usage error, 3 no Docker engine answers."
        ),
    )
    parser.add_argument("--version", action="version", version=f"dockerlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "doctor",
        help=_("check the engine, socket, lab image, leftover labs and subnet clashes"),
        description=_(
            "Check that everything the tutorial needs is in place; print each problem with its fix. "
            "Exit 0 when all is well, 1 when a problem is found, 3 when no engine answers. A lab "
            "where nothing has run for {seconds:g} s counts as left over. On Docker Desktop or "
            "a rootless engine it notes what the lessons' host-side views show there."
        ).format(seconds=IDLE_SECONDS),
    )
    p.set_defaults(run=None)

    p = sub.add_parser(
        "image",
        help=_("provision the lab image (built offline; pulled only with --pull)"),
        description=_(
            "Make sure {image} is on the engine: reuse it, or build it from this machine's static busybox "
            "(Debian's busybox-static). Never pulls unless --pull is given: then Docker's busybox is pulled, "
            "pinned by digest (a multi-arch index: the engine takes its own architecture), and the lab image "
            "is built on it."
        ).format(image=labimage.IMAGE),
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--busybox", metavar="PATH", help=_("the static busybox binary to build from"))
    how.add_argument(
        "--pull",
        action="store_true",
        help=_("pull busybox by digest and build on it (for macOS, Windows, Apple silicon)"),
    )
    p.add_argument(
        "--registry",
        metavar="HOST[:PORT]",
        help=_("the registry to pull from with --pull (default: $DOCKERLAB_REGISTRY, else docker.io)"),
    )
    p.add_argument(
        "--digest",
        metavar="sha256:...",
        help=_("the image index to pull with --pull (default: $DOCKERLAB_BUSYBOX_DIGEST, else dockerlab's pin)"),
    )
    p.set_defaults(run=cmd_image)

    p = sub.add_parser(
        "status",
        help=_("this engine's labs with their containers and networks"),
        description=_(
            "List the labs on this engine (resources labelled dockerlab.lab) with their containers "
            "and networks, as tables."
        ),
    )
    p.add_argument("lab", nargs="?", type=_lab_name, metavar="LAB", help=_("show only this lab"))
    p.set_defaults(run=cmd_status)

    p = sub.add_parser(
        "clean",
        help=_("remove one lab's resources, or every lab's (--all)"),
        description=_(
            "Remove a lab's containers and networks, selected by their dockerlab.lab label only; "
            "with --all, every resource carrying that label, and nothing else."
        ),
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("lab", nargs="?", type=_lab_name, metavar="LAB", help=_("the lab to remove"))
    which.add_argument("--all", action="store_true", help=_("every lab on this engine"))
    p.add_argument("--dry-run", "-n", action="store_true", help=_("list what would be removed, remove nothing"))
    p.set_defaults(run=cmd_clean)

    p = sub.add_parser(
        "matrix",
        help=_("probe who reaches whom in a lab and print the grid"),
        description=_(
            "Ping from every container of LAB to every other one and print the reachability matrix "
            "(✓ reaches, ✗ does not)."
        ),
    )
    p.add_argument("lab", type=_lab_name, metavar="LAB", help=_("the lab to probe"))
    p.add_argument("--by", choices=["name", "ip"], default="name", help=_("ping by container name (default) or by IP"))
    p.set_defaults(run=cmd_matrix)

    p = sub.add_parser(
        "tutorial",
        help=_("copy the notebooks into a folder and open JupyterLab there"),
        description=_(
            "Copy the series (every language edition), the exercises and their solutions into DIR, then open "
            "JupyterLab there, quietly (no news, no update check, loopback only). A notebook you changed is "
            "never replaced unless --force is given. Arguments after -- go to `jupyter lab`."
        ),
    )
    p.add_argument(
        "dir", nargs="?", default=tutorial.DEFAULT_DIR, metavar="DIR", help=_("default: ./dockerlab-tutorial")
    )
    p.add_argument("--force", action="store_true", help=_("replace the notebooks you changed with the originals"))
    p.add_argument("--no-browser", action="store_true", help=_("start JupyterLab without opening a browser"))
    p.add_argument("--copy-only", action="store_true", help=_("copy, print the JupyterLab command, start nothing"))
    p.set_defaults(run=None, jupyter=[])

    p = sub.add_parser(
        "hosts",
        help=_("chapter 08's cluster: three extra engines joined by Docker Swarm (root on Linux)"),
        description=_(
            "Bring up, tear down or show the cluster of chapter 08: three extra dockerd, each in its own network "
            "namespace under /run/dockerlab/hosts, joined by Docker Swarm. The main engine never joins a swarm. "
            "'down' removes everything the cluster made, also after an interrupted 'up'."
        ),
    )
    p.add_argument("action", choices=["up", "down", "status"], help=_("what to do"))
    p.set_defaults(run=cmd_hosts)

    def selection(p: argparse.ArgumentParser, names: bool = True) -> None:
        which = p.add_mutually_exclusive_group()
        which.add_argument("--project", "-p", metavar="P", help=_("the containers of Compose project P"))
        which.add_argument("--label", "-l", metavar="KEY[=VALUE]", help=_("the containers carrying this label"))
        if names:
            p.add_argument("names", nargs="*", metavar="NAME", help=_("these containers (default: every one)"))
        p.add_argument("--by", choices=["name", "ip"], default="name", help=_("by container name (default) or by IP"))

    read_only = _("Reads any containers on the engine, the lab's or not, and changes nothing.")
    p = sub.add_parser(
        "predict",
        help=_("predict who reaches whom among any containers (read only)"),
        description=_(
            "Predict the reachability matrix of containers on this engine from their inspect data and "
            "/etc/hosts (read through the archive API, never exec). --measure also pings between the "
            "running ones and puts both side by side (exit 1 when they differ)."
        )
        + " "
        + read_only,
    )
    selection(p)
    p.add_argument(
        "--also",
        nargs="*",
        default=[],
        metavar="NAME",
        help=_("more names to ping by (aliases, Compose service names)"),
    )
    p.add_argument("--measure", action="store_true", help=_("ping too (runs ping in the running containers)"))
    p.add_argument("--explain", action="store_true", help=_("explain every pair"))
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
    p.set_defaults(run=cmd_predict)

    p = sub.add_parser(
        "explain",
        help=_("why one container can or cannot reach another (read only)"),
        description=_(
            "Explain, from the engine's state alone, whether SOURCE reaches TARGET (a name it would "
            "ping, or by IP an address), and by which rule."
        )
        + " "
        + read_only,
    )
    p.add_argument("source", metavar="SOURCE", help=_("the container that pings"))
    p.add_argument("target", metavar="TARGET", help=_("the name or address it pings"))
    selection(p, names=False)
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
    p.set_defaults(run=cmd_explain)

    p = sub.add_parser(
        "graph",
        help=_("draw who reaches whom: PNG, SVG, DOT, Mermaid or JSON"),
        description=_(
            "Draw the predicted (or, with --measure, measured) reachability of containers on this "
            "engine into FILE; the format comes from its extension (.png, .svg, .dot, .mmd, .json) "
            "or --format."
        )
        + " "
        + read_only,
    )
    selection(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument("--format", choices=["png", "svg", "dot", "mermaid", "json"], help=_("the format of FILE"))
    p.add_argument("--measure", action="store_true", help=_("draw the measured matrix (runs ping)"))
    p.set_defaults(run=cmd_graph)

    p = sub.add_parser(
        "compose",
        help=_("a Compose file: predict before it runs, compare after `up`"),
        description=_(
            "Predict who would reach whom from a Compose file before it runs (its canonical form comes "
            "from `docker compose config`), and compare with the measurement after `docker compose up`."
        ),
    )
    csub = p.add_subparsers(dest="compose_command", metavar="ACTION", required=True)
    for action, helptext in (
        ("predict", _("the matrix by container and service name, with an explanation per pair (no engine needed)")),
        ("compare", _("after `docker compose up`: predicted and measured side by side (exit 1 when they differ)")),
    ):
        q = csub.add_parser(action, help=helptext, description=helptext)
        q.add_argument("file", metavar="FILE", help=_("the Compose file"))
        q.add_argument("--project-name", "-p", metavar="P", help=_("the project name (default: Compose's)"))
        q.add_argument("--profile", action="append", metavar="PROFILE", help=_("a Compose profile to enable"))
        if action == "predict":
            q.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
            q.add_argument("-o", "--output", metavar="FILE", help=_("also draw it (.png, .svg, .dot, .mmd)"))
            q.add_argument("--quiet", "-q", action="store_true", help=_("the matrix only, no explanations"))
            q.set_defaults(run=cmd_compose_predict, engine=False)
        else:
            q.set_defaults(run=cmd_compose_compare)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dockerlab`` command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    jupyter: list[str] = []
    if argv[:1] == ["tutorial"] and "--" in argv:  # `dockerlab tutorial [DIR] -- JUPYTER-ARGS...`
        at = argv.index("--")
        argv, jupyter = argv[:at], argv[at + 1 :]
    args = build_parser().parse_args(argv)  # exits 2 on a usage error
    if jupyter:
        args.jupyter = jupyter

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        if args.command == "tutorial":
            return cmd_tutorial(args, out)
        if args.run is None:
            return cmd_doctor(args, out)
        if getattr(args, "engine", True) is False:
            return args.run(None, args, out)
        client = backend.choose().client
        try:
            return args.run(client, args, out)
        finally:
            client.close()
    except InvalidInput as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return USAGE
    except (EngineUnavailable, EngineTimeout) as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return NO_ENGINE
    except DockerlabError as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return PROBLEMS
    except KeyboardInterrupt:
        print(f"dockerlab {args.command}: " + _("interrupted"), file=sys.stderr)
        return 130
