"""What the notebooks of the series share: starting a lesson, showing who reaches whom, stand-ins.

Every notebook starts with :func:`start` (connect, provision the lab image with
visible progress, reset the lab) and shows reachability with :func:`reachability`:
the ✓/✗ matrix as text (what nbval compares) and, in JupyterLab, the coloured
table beside the graph, drawn with one layout and one colour scheme across the
series. Pictures are rendered to PNG without pyplot, so no figure is left open
and no ``<Figure ...>`` repr is printed.

The finale's stand-ins for the article's Tomcat and MySQL images are here too:
busybox ``httpd`` (the app) and ``nc`` (the service), both in the lab image.
"""

from __future__ import annotations

import base64
import io
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from dockerlab.engines import backend
from dockerlab.engines.client import engine_call, is_docker_desktop, is_rootless
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import InvalidInput, NotReady
from dockerlab.i18n import N_, _
from dockerlab.kernel import links, services
from dockerlab.lab import By, ClusterLab, ExecResult, Lab
from dockerlab.model import subnets
from dockerlab.views import display, plot, tables
from dockerlab.views.graphs import reachability_graph
from dockerlab.waits import wait_until

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The article's subnet and gateway for ``myBridge`` (section 5).
ARTICLE_SUBNET = "192.168.0.0/16"
ARTICLE_GATEWAY = "192.168.0.1"

#: The finale's stand-ins (see :mod:`dockerlab.kernel.services`), for the notebooks as ``lesson.*``.
APP_PORT, SERVICE_PORT, SERVICE_GREETING = services.APP_PORT, services.SERVICE_PORT, services.SERVICE_GREETING
service_command, app_command = services.service_command, services.app_command


# -- starting a lesson ---------------------------------------------------------


@dataclass(frozen=True)
class EngineReport:
    """Which engine answered (``docker version``), or that the simulator stands in."""

    version: str
    api_version: str
    platform: str
    simulated: bool = False

    def __str__(self) -> str:
        if self.simulated:
            engine = _("engine: {engine}").format(engine=f"{self.version}, API {self.api_version}, {self.platform}")
            return f"{_(backend.BANNER)}\n{engine}"
        # After the label, the line is data, as `docker version` says it: the same in both languages.
        answers = _("A Docker engine answers.")
        engine = _("engine: {engine}").format(engine=f"Docker {self.version}, API {self.api_version}, {self.platform}")
        return f"{answers}\n{engine}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def check_engine(client: EngineClient | None = None) -> EngineReport:
    """Ask the engine named by the environment who it is.

    When none answers (and CI is not set) the simulator stands in and the
    report says so; under CI=true :class:`~dockerlab.errors.EngineUnavailable`
    (with what to do) is raised instead.
    """
    simulated = backend.is_simulated(client)
    if client is None:
        chosen = backend.choose("auto")
        client, simulated = chosen.client, chosen.simulated
    with engine_call("docker version"):
        info = client.version()
    version = str(info.get("Version", "unknown"))
    platform = f"{str(info.get('Os', '?')).lower()}/{info.get('Arch', '?')}"
    return EngineReport(version, str(info.get("ApiVersion", "?")), platform, simulated)


def start(lab_name: str = "article", *, client: EngineClient | None = None) -> Lab:
    """Open a lesson: connect, provision the lab image (printing each step), reset the lab.

    Every notebook of the series calls ``start("article")`` first, so a rerun,
    or the notebooks in any order, begin from an empty lab. When no engine
    answers (and CI is not set) the lesson runs on dockerlab's simulator and
    says so first.
    """
    if client is None:
        lab = Lab(lab_name, engine="auto")
    else:
        lab = Lab(lab_name, client=client)
    if client is None and lab.simulated:
        print(_(backend.BANNER))
    lab.provision()
    lab.reset()
    return lab


# -- where the host-side views come from (notebook 04) --------------------------

#: What notebook 04's host-side views show, by kind of engine; translated when shown.
HOST_SIDE = {
    "usual": N_(
        "Your engine runs on this computer itself: the host-side views below (docker0, the veth pairs, "
        "the routes) are this computer's own interfaces."
    ),
    "desktop": N_(
        "Docker Desktop: your engine runs in a Linux VM ({vm}), not on this computer. The host-side views "
        "below are read by a helper container on the engine's host network, so they show the VM's interfaces "
        "(its docker0, its veth pairs, its routes), not those of your Mac or Windows computer. Container "
        "addresses such as 172.17.0.2 exist only inside the VM: from your computer they are not reachable, "
        "only published ports are (lab.run(name, ports={{80: 8080}}), then http://localhost:8080)."
    ),
    "rootless": N_(
        "Rootless engine: dockerd runs as an unprivileged user inside rootlesskit's user and network "
        "namespaces. The host-side views below are read by a helper container on the engine's host network, "
        "which here is rootlesskit's network namespace: docker0, the bridges and the veth pairs live there "
        "(beside tap0, through which slirp4netns reaches the outside), not among this computer's own "
        "interfaces, so `ip link` on the computer does not list them. Published ports are opened on the "
        "computer by rootlesskit's port driver."
    ),
    "simulated": N_(
        "No engine answers, so the simulator stands in: the host-side views need a real engine's kernel "
        "interfaces, and are left out here."
    ),
}


@dataclass(frozen=True)
class HostSideNote:
    """What the host-side views show on the engine in use; Markdown in JupyterLab, text elsewhere."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return f"> {self.text}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text)


def engine_kind(client: EngineClient | None) -> tuple[str, dict[str, Any]]:
    """``"usual"``, ``"desktop"``, ``"rootless"`` or ``"simulated"``, with ``docker info`` (empty if none)."""
    if client is None or backend.is_simulated(client):
        return "simulated", {}
    with engine_call("docker info"):
        info = client.info()
    with engine_call("docker version"):
        version = client.version()
    if is_docker_desktop(info, version):
        return "desktop", info
    if is_rootless(info):
        return "rootless", info
    return "usual", info


def host_side_note(lab: Lab | EngineClient) -> HostSideNote:
    """The note notebook 04 shows before its host-side views: what they show on this engine.

    Docker Desktop runs the engine in a VM, a rootless engine in rootlesskit's
    namespaces: either way "the host" of those views is not the learner's
    computer. Read from ``docker info`` (and ``docker version``).
    """
    client = lab.client if isinstance(lab, Lab) else lab
    kind, info = engine_kind(client)
    return HostSideNote(kind, _(HOST_SIDE[kind]).format(vm=info.get("Name") or "docker-desktop"))


# -- what the notebooks say through the library ---------------------------------

#: Titles and sentences written in the notebooks' code cells (the same code in both editions), so that
#: the catalogue holds their Chinese: the library translates them when it shows them (:func:`said`, :func:`say`).
NOTEBOOK_PHRASES = (
    N_("{name} has {ip}"),
    N_("before: {line}"),
    N_("after:  {line}"),
    N_("the engine rewrote tomcat1's line for mysql1: {changed}"),
    N_("{name}'s address is inside myBridge's subnet: {inside}"),
    N_("canonical form from: {tool}"),
    N_("by IP"),
    N_("by name"),
    N_("before docker network connect"),
    N_("after"),
    N_("one bridge, one veth pair per container"),
    N_("two bridges, isolated from each other"),
    N_("before: two bridges, one pair per container"),
    N_("after: tomcat1-docker0 has a second pair, on myBridge"),
    N_("three hosts, one overlay"),
    N_("the article's app, run by Compose"),
    N_("predicted before up"),
    N_("predicted: mysql on back only"),
    N_("predicted: tomcat on the host network"),
)


def mark(value: object) -> object:
    """``True``/``False`` as ✓/✗ (what the learner reads everywhere else); any other value as it is.

    >>> mark(True), mark(False), mark("eth0")
    ('✓', '✗', 'eth0')
    """
    return (display.REACH if value else display.NO_REACH) if isinstance(value, bool) else value


def say(sentence: str, **values: object) -> None:
    """Print ``sentence`` (English, as a notebook's code writes it) in the learner's language, filled in.

    Truth values print as ✓/✗. The notebooks' sentences are in :data:`NOTEBOOK_PHRASES`.

    >>> say("{name} has {ip}", name="mysql1", ip="172.17.0.3")
    mysql1 has 172.17.0.3
    >>> say("canonical form from: {tool}", tool="docker compose 2.26")
    canonical form from: docker compose 2.26
    """
    print(said(sentence).format(**{k: mark(v) for k, v in values.items()}))


# -- pictures ------------------------------------------------------------------


#: The PNG text chunk that records a picture's smallest text, in points (what the figure tests read).
MIN_TEXT_KEY = "dockerlab:min-text-pt"


#: The key of a displayed picture's output metadata that lists the words drawn in it (what the tests read).
METADATA_KEY = "dockerlab"


def _png(fig: Figure) -> bytes:
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    metadata = {"Software": None, MIN_TEXT_KEY: f"{min(sizes, default=0):.1f}"}
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata=metadata)
    return buf.getvalue()


def figure_words(fig: Figure) -> tuple[str, ...]:
    """Every piece of text drawn in ``fig``: titles, labels, legend entries and legend titles, in drawing order.

    A notebook stores them in the picture's output metadata, so a test can read what a figure says
    (for instance that the Chinese edition draws no English) without reading pixels.
    """
    from matplotlib.text import Text

    hidden = {id(t) for ax in fig.axes if not ax.axison for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    found = (t.get_text().strip() for t in fig.findobj(Text) if t.get_visible() and id(t) not in hidden)
    return tuple(dict.fromkeys(w for w in found if w))


def _rendered(fig: Figure, text: str) -> Picture:
    """``fig`` as a :class:`Picture` described by ``text``, with the words it draws."""
    return Picture(_png(fig), text, figure_words(fig))


def said(text: str | None) -> str:
    """A title or label a notebook passes in (English, as written in its code), in the learner's language.

    The notebooks' own titles are in the catalogue (:data:`NOTEBOOK_PHRASES`); any other text is kept as it is.

    >>> from dockerlab.i18n import language
    >>> with language("zh-CN"):
    ...     said("after"), said("my own title"), said("")
    ('之后', 'my own title', '')
    """
    return _(text) if text else ""


def _figure(width: float, height: float, axes: int = 1) -> tuple[Figure, list[Any]]:
    """A figure outside pyplot: nothing is shown or kept open behind the notebook's back."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, [fig.add_subplot(1, axes, i + 1) for i in range(axes)]


@dataclass(frozen=True)
class Picture:
    """A PNG with a short text description (the text is what a terminal or nbval sees).

    ``words`` is the text drawn in the picture; a notebook stores it in the output's metadata
    (``{"dockerlab": {"text": [...]}}``), beside the PNG.
    """

    png: bytes
    text: str
    words: tuple[str, ...] = ()

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        data = {"image/png": base64.b64encode(self.png).decode(), "text/plain": self.text}
        return data, {METADATA_KEY: {"text": list(self.words)}}

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text)


# -- reachability ----------------------------------------------------------------


def arrows(g: nx.DiGraph) -> list[str]:
    """The graph's arrows as text: ``a ⇄ b`` both ways, ``a → b`` one way.

    >>> arrows(nx.DiGraph([("tomcat1", "mysql1")]))
    ['tomcat1 → mysql1']
    >>> arrows(nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a")]))
    ['a ⇄ b', 'c → a']
    """
    two_way = sorted({tuple(sorted((u, v))) for u, v in g.edges if g.has_edge(v, u)})
    one_way = sorted((u, v) for u, v in g.edges if not g.has_edge(v, u))
    return [f"{a} ⇄ {b}" for a, b in two_way] + [f"{a} → {b}" for a, b in one_way]


def describe(g: nx.DiGraph) -> str:
    """One line naming the graph's arrows, or saying there are none.

    >>> describe(nx.DiGraph([("a", "b")]))
    'arrows: a → b'
    >>> g = nx.DiGraph(); g.add_node("a"); describe(g)
    'arrows: none (nobody reaches anybody)'
    """
    return _("arrows: {arrows}").format(arrows=_arrow_list(g))


def _arrow_list(g: nx.DiGraph) -> str:
    found = arrows(g)
    return _(", ").join(found) if found else _("none (nobody reaches anybody)")


def draw(g: nx.DiGraph, title: str) -> Picture:
    """The reachability graph as a :class:`Picture` (the series' one layout and colours)."""
    title = said(title)
    fig, (ax,) = _figure(5.2, 3.6)
    plot.reachability(g, ax=ax, title=title)
    return _rendered(fig, _("graph ({title}): {arrows}").format(title=title, arrows=_arrow_list(g)))


@dataclass(frozen=True)
class ReachabilityView:
    """One measurement of who reaches whom: the matrix and its graph.

    Its text is the ✓/✗ matrix and the list of arrows; in JupyterLab the
    coloured table and the graph are shown side by side.
    """

    matrix: pd.DataFrame
    graph: nx.DiGraph
    title: str

    def __str__(self) -> str:
        return f"{display.matrix(self.matrix, self.title)}\n{describe(self.graph)}"

    __repr__ = __str__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def picture(self) -> Picture:
        """The graph alone."""
        return draw(self.graph, _("who reaches whom, {title}").format(title=self.title))

    def _repr_html_(self) -> str:
        return self._html(self.picture())

    def _html(self, picture: Picture) -> str:
        table = display.matrix(self.matrix, self.title)._repr_html_()
        png = base64.b64encode(picture.png).decode()
        return (
            '<div class="dockerlab-reachability" style="display:flex;gap:2em;align-items:center;flex-wrap:wrap">'
            f'<div>{table}</div><img alt="{describe(self.graph)}" '
            f'src="data:image/png;base64,{png}" style="max-width:100%"></div>'
        )  # the graph at its own size (shrunk only to fit): a 480 px cap showed its 10 pt labels at 9.9 pt

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        picture = self.picture()
        data = {"text/plain": str(self), "text/html": self._html(picture)}
        return data, {METADATA_KEY: {"text": list(picture.words)}}


def reachability(lab: Lab, by: By = "name", title: str | None = None) -> ReachabilityView:
    """Probe the lab once (every container pings every other) and return matrix and graph."""
    matrix = lab.reachability(by)
    g = reachability_graph(matrix, lab.node_attributes(), by=by)
    return ReachabilityView(matrix, g, said(title) or (_("by name") if by == "name" else _("by IP")))


def side_by_side(*views: ReachabilityView, titles: list[str] | None = None) -> Picture:
    """Several reachability graphs in one picture, for instance before and after a change."""
    if not views:
        raise InvalidInput(_("side_by_side() needs at least one view."))
    titles = [said(t) for t in titles] if titles else [v.title for v in views]
    if len(titles) != len(views):
        raise InvalidInput(_("{views} views but {titles} titles.").format(views=len(views), titles=len(titles)))
    fig, axes = _figure(4.2 * len(views), 3.6, axes=len(views))  # two fit a notebook at full size
    for view, title, ax in zip(views, titles, axes, strict=True):  # legends below: beside, one covers the next
        plot.reachability(view.graph, ax=ax, title=title, legend="below")
    text = "\n".join(
        _("{title}: {arrows}").format(title=t, arrows=describe(v.graph)) for t, v in zip(titles, views, strict=True)
    )
    return _rendered(fig, text)


def service_path(lab: Lab, app: str, service: str, service_port: int = SERVICE_PORT) -> Picture:
    """The finale's request path as a picture: the app's published port on the host, docker-proxy, the app,
    and the app's connection to ``service`` by name. Ports and network are read from the engine."""
    handle = lab[app]
    bindings = (handle.attrs.get("HostConfig") or {}).get("PortBindings") or {}
    if not bindings:
        raise InvalidInput(
            _("{app} publishes no port: run it with {ports}.").format(
                app=app, ports="ports={container_port: host_port}"
            )
        )
    inner, outer = next(iter(bindings.items()))
    app_port, host_port = int(inner.split("/")[0]), int(outer[0]["HostPort"])
    shared = [n for n in handle.networks if n in lab[service].networks]
    network = shared[0] if shared else handle.networks[0]
    fig, (ax,) = _figure(8.4, 3.4)
    plot.service_path(
        ax,
        host_port=host_port,
        app=app,
        app_port=app_port,
        service=service,
        service_port=service_port,
        network=network,
    )
    text = _(
        "path: 127.0.0.1:{host_port} on the host -> docker-proxy -> {app}:{app_port} -> {service}:{service_port} "
        "by name, on {network}"
    ).format(
        host_port=host_port, app=app, app_port=app_port, service=service, service_port=service_port, network=network
    )
    return _rendered(fig, text)


def topology(lab: Lab, title: str | None = None) -> Picture:
    """The lab's plumbing (containers, veth pairs, bridges, host) as a picture.

    Its text lists each container interface with the host end of its pair.
    """
    df = lab.interfaces()
    g = lab.topology()
    title = said(title) or None
    from matplotlib.figure import Figure

    columns = max(len(df), 1)
    fig = Figure(figsize=(max(6.5, 1.9 * (columns + 1.6)), 6.2))
    plot.topology(g, ax=fig.add_subplot(), title=title)
    lines = []
    r: Any  # a row of ``df``: its attributes are the frame's columns, which pandas' stubs cannot know
    for r in df.itertuples(index=False):
        lines.append(
            _("{container} {interface} ⇄ {peer} on {bridge} ({network})").format(
                container=r.container,
                interface=r.interface,
                peer=_("(no pair)") if pd.isna(r.host_interface) else "veth",
                bridge=r.bridge,
                network=r.network,
            )
        )
    head = _("topology: {title}").format(title=title or _("veth pairs and bridges"))
    return _rendered(fig, "\n".join([head, *lines]))


def hosts(lab: ClusterLab, title: str | None = None) -> Picture | None:
    """A :class:`~dockerlab.lab.cluster.ClusterLab` across its hosts: each host a box with its containers'
    interfaces (the overlay's eth0 at MTU 1450, docker_gwbridge's eth1), and each overlay's VXLAN tunnel.

    Its text lists, per host, each interface and each VXLAN device. On the simulated swarm, which has no
    kernel to read, it says so and draws nothing (so that the chapter still runs to its end there).
    """
    if lab.cluster.simulated:  # a Cluster of real engines, or the simulated swarm: both say which
        from dockerlab.lab.cluster import NO_KERNEL

        print(_(NO_KERNEL))
        return None
    df = lab.interfaces()
    title = said(title) or None
    from matplotlib.figure import Figure

    addresses = {name: str(host.address) for name, host in lab.cluster.hosts.items()}
    fig = Figure(figsize=plot.hosts_size(df, addresses))
    plot.hosts(df, ax=fig.add_axes((0.0, 0.0, 1.0, 1.0)), title=title, addresses=addresses)
    lines = []
    r: Any  # a row of ``df``: its attributes are the frame's columns, which pandas' stubs cannot know
    for r in df.itertuples(index=False):
        if r.kind == "vxlan":  # no words: as ip prints it
            lines.append(f"{r.host}: {r.inside} {r.interface} mtu {r.mtu} vxlan udp {int(r.udp_port)}")
        elif not str(r.inside).startswith("overlay "):
            lines.append(
                _("{host}: {inside} {interface} mtu {mtu} on {network}").format(
                    host=r.host, inside=r.inside, interface=r.interface, mtu=r.mtu, network=r.network
                )
            )
    vxlan = df[df["kind"] == "vxlan"]
    for net, rows in vxlan.groupby("network"):
        same = rows["vxlan_id"].nunique() == 1
        lines.append(
            _("overlay {network}: one VXLAN id on all {n} hosts: {same}").format(
                network=net, n=len(rows), same=display.REACH if same else display.NO_REACH
            )
        )
    head = _("hosts: {title}").format(title=title or _("containers across hosts"))
    return _rendered(fig, "\n".join([head, *lines]))


def by_host(lab: ClusterLab, by: By = "name") -> display.MatrixView:
    """Probe a :class:`~dockerlab.lab.cluster.ClusterLab` once and show its ✓/✗ matrix with each container's
    host beside its name, ``web (host1)``: :meth:`~dockerlab.lab.cluster.ClusterLab.by_host`'s frame, as the
    learner reads a matrix everywhere else (not pandas' ``True``/``<NA>``)."""
    matrix = lab.reachability(by)
    where = lab.hosts_of()
    shown = matrix.copy()
    shown.index = [f"{n} ({where.get(n, '?')})" for n in matrix.index]
    shown.columns = [(c, where.get(c, "?")) if isinstance(c, str) else c for c in matrix.columns]
    return display.matrix(shown, _("{by}, with each container's host").format(by=display.by_text(by)))


# -- tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A DataFrame shown as HTML, with a text form that does not pad columns.

    pandas pads text columns to their widest value, so an address one digit
    longer shifts the whole table; here each row is its values joined by
    `` | ``, which stays comparable when values vary between runs.

    >>> print(Table(pd.DataFrame({"a": ["x", None], "b": [1, 2]})))
    a | b
    x | 1
    - | 2
    """

    frame: pd.DataFrame

    def shown(self) -> pd.DataFrame:
        """The frame as the learner reads it: headers in the learner's language, ``True``/``False`` as ✓/✗.

        The data frame itself keeps its English column names, which code uses.
        """
        out = self.frame.rename(columns={c: tables.header(c) for c in self.frame.columns})
        for column in out.columns[[pd.api.types.is_bool_dtype(t) for t in out.dtypes]]:
            out[column] = out[column].map(lambda v: v if pd.isna(v) else display.REACH if v else display.NO_REACH)
        return out

    def __str__(self) -> str:
        def cell(v: Any) -> str:
            return "-" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v)

        frame = self.shown()
        rows = [" | ".join(str(c) for c in frame.columns)]
        rows += [" | ".join(cell(v) for v in row) for row in frame.itertuples(index=False)]
        return "\n".join(rows)

    __repr__ = __str__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def _repr_html_(self) -> str:
        return self.shown().to_html(index=False, na_rep="-")


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> Table:
    """Show ``frame`` (or some of its ``columns``) as a :class:`Table`."""
    return Table(frame[columns] if columns else frame)


def pair_check(interfaces: pd.DataFrame) -> str:
    """For each container interface, whether it and its host end point at each other.

    ``interfaces`` is :meth:`Lab.interfaces`'s table. ``eth0@if45`` with
    index 44 and ``veth...@if44`` with index 45 are the two ends of one pair.

    >>> df = pd.DataFrame([{"container": "tomcat1", "interface": "eth0", "ifindex": 44, "peer_ifindex": 45,
    ...     "host_interface": "veth8eb364e", "host_ifindex": 45, "bridge": "docker0",
    ...     "label": "eth0@if45", "host_label": "veth8eb364e@if44"}])
    >>> print(pair_check(df))
    tomcat1: eth0@if45 (index 44) ⇄ veth8eb364e@if44 (index 45) on docker0: each points at the other, one pair ✓
    """
    lines = []
    r: Any  # a row of ``interfaces``: its attributes are the frame's columns, which pandas' stubs cannot know
    for r in interfaces.itertuples(index=False):
        if pd.isna(r.host_interface):
            lines.append(
                _("{container}: {label} (index {ifindex}): no host end found ✗").format(
                    container=r.container, label=r.label, ifindex=r.ifindex
                )
            )
            continue
        ok = links.is_pair(r.ifindex, r.peer_ifindex, r.host_ifindex, links.peer_index(str(r.host_label)))
        verdict = _("each points at the other, one pair ✓") if ok else _("they do NOT point at each other ✗")
        lines.append(
            _(
                "{container}: {label} (index {ifindex}) ⇄ {host_label} (index {host_ifindex}) on {bridge}: {verdict}"
            ).format(
                container=r.container,
                label=r.label,
                ifindex=r.ifindex,
                host_label=r.host_label,
                host_ifindex=r.host_ifindex,
                bridge=r.bridge,
                verdict=verdict,
            )
        )
    return "\n".join(lines)


# -- the article's steps -----------------------------------------------------------


@dataclass(frozen=True)
class AddressChange:
    """A container's address before and after it was recreated or restarted."""

    container: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        """Whether the address is a different one now."""
        return self.before != self.after

    def __str__(self) -> str:
        verdict = _("the address CHANGED") if self.changed else _("the address stayed the same")
        return _("{container}: before {before}, after {after}: {verdict}").format(
            container=self.container, before=self.before, after=self.after, verdict=verdict
        )

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


@dataclass(frozen=True)
class SubnetChoice:
    """The subnet ``myBridge`` gets: the article's where it is free, another one otherwise."""

    preferred: str
    subnet: str
    gateway: str
    clashes: tuple[str, ...]

    @property
    def is_article(self) -> bool:
        """Whether the article's own subnet is used."""
        return self.subnet == self.preferred

    def address(self, n: int) -> str:
        """The ``n``-th address of the chosen subnet, for a fixed ``ip=``.

        >>> SubnetChoice("192.168.0.0/16", "192.168.0.0/16", "192.168.0.1", ()).address(200)
        '192.168.0.200'
        """
        return str(ipaddress.ip_network(self.subnet)[n])

    def __str__(self) -> str:
        if self.is_article:
            return _(
                "{preferred} overlaps nothing on this engine or its host: myBridge uses the article's subnet "
                "{subnet}, gateway {gateway}."
            ).format(preferred=self.preferred, subnet=self.subnet, gateway=self.gateway)
        return _(
            "{preferred} overlaps {clashes}.\nA bridge on it would hide those addresses from the containers (and a "
            "clash with the host's own network can cut the host off them), so myBridge uses the free subnet "
            "{subnet}, gateway {gateway} instead. Everything else works the same."
        ).format(preferred=self.preferred, clashes="; ".join(self.clashes), subnet=self.subnet, gateway=self.gateway)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


#: Where to look first when the article's subnet is taken: its mirror in 10.0.0.0/8.
FALLBACK_SUBNET = "10.168.0.0/16"


def choose_subnet(lab: Lab, preferred: str = ARTICLE_SUBNET, gateway: str = ARTICLE_GATEWAY) -> SubnetChoice:
    """The article's subnet and gateway if nothing overlaps them, else a free subnet and its first address.

    Overlaps are Docker networks on the engine and routes of the engine's host
    (see :meth:`Lab.free_subnet`). The fallback tries :data:`FALLBACK_SUBNET`
    first, then the first free subnet of the same size.
    """
    net = ipaddress.IPv4Network(preferred)
    clashes = tuple(lab.clashes(net))
    if not clashes:
        return SubnetChoice(preferred, str(net), gateway, ())
    fallback = ipaddress.IPv4Network(FALLBACK_SUBNET)
    if fallback.prefixlen == net.prefixlen and not lab.clashes(fallback):
        subnet = str(fallback)
    else:
        subnet = lab.free_subnet(None, prefixlen=net.prefixlen)
    return SubnetChoice(preferred, subnet, subnets.first_host(subnet), clashes)


def in_subnet(address: str | None, subnet: str) -> bool:
    """Whether ``address`` lies in ``subnet``.

    >>> in_subnet("192.168.0.2", "192.168.0.0/16"), in_subnet(None, "10.0.0.0/8")
    (True, False)
    """
    return address is not None and ipaddress.ip_address(address) in ipaddress.ip_network(subnet)


# -- the finale's stand-ins ---------------------------------------------------------


def wait_for_service(lab: Lab, client: str, service: str, port: int = SERVICE_PORT, timeout: float = 10) -> ExecResult:
    """Readiness check: from ``client``, connect to ``service:port`` by name until it answers.

    A bounded poll (no fixed sleep); returns the first answer, or raises
    :class:`NotReady`.
    """
    last: list[ExecResult] = []

    def answered() -> ExecResult | None:
        result = lab.exec(client, ["nc", "-w", "1", service, str(int(port))])
        last[:] = [result]
        return result if result.ok and result.output.strip() else None

    def fail() -> NotReady:
        what = _("{service}:{port}, asked from {client},").format(service=service, port=port, client=client)
        return NotReady(what, timeout, repr(last[0].output.strip()))

    return wait_until(answered, timeout, fail, delay=0.05)


def free_port(preferred: int = APP_PORT) -> int:
    """``preferred`` if nothing listens on 127.0.0.1:``preferred``, else a port the system says is free.

    Connections that just closed (TIME_WAIT, after a previous run) do not
    count: docker-proxy, like every Go listener, binds with SO_REUSEADDR.
    """
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise InvalidInput(_("No free TCP port on 127.0.0.1."))  # pragma: no cover


@dataclass(frozen=True)
class Fetched:
    """One HTTP GET and what came back."""

    url: str
    status: int
    body: str

    def __str__(self) -> str:
        return f"GET {self.url} -> HTTP {self.status}\n{self.body.rstrip()}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def fetch(url: str, timeout: float = 10) -> Fetched:
    """GET ``url`` from this machine's loopback (only), retrying until the server answers.

    Only ``http://127.0.0.1:PORT/...`` is accepted: the lab never fetches
    anything beyond this machine. Proxies from the environment are ignored.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1":
        raise InvalidInput(
            _("fetch() only reads http://127.0.0.1:PORT/... (a published lab port), not {url}.").format(url=repr(url))
        )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    errors: list[Exception] = []

    def get() -> Fetched | None:
        try:
            with opener.open(url, timeout=3) as response:
                return Fetched(url, int(response.status), response.read().decode(errors="replace"))
        except urllib.error.HTTPError as e:
            return Fetched(url, int(e.code), e.read().decode(errors="replace"))
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            errors[:] = [e]
            return None

    return wait_until(get, timeout, lambda: NotReady(url, timeout, str(errors[0])), delay=0.05)


# -- the article's own files ----------------------------------------------------------

#: The article's Dockerfiles (section 1.1), copied verbatim; they ship inside the package.
ARTICLE_FILES = Path(__file__).resolve().parents[1] / "article"


def article_dockerfile(image: str) -> str:
    """The article's Dockerfile for ``image`` (``"tomcat"`` or ``"mysql"``), as the article prints it."""
    path = ARTICLE_FILES / image / "Dockerfile"
    if image not in ("tomcat", "mysql") or not path.is_file():
        message = _("The article has Dockerfiles for 'tomcat' and 'mysql', not {image!r}.")
        raise InvalidInput(message.format(image=image))
    return path.read_text(encoding="utf-8")
