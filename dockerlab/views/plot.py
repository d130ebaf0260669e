"""Drawing reachability graphs with networkx and matplotlib.

One layout and one colour scheme across the whole series, so that steps
compare at a glance: nodes sit on a circle in name order, Docker's default
bridge is always blue, and each other network keeps one colour by its name.
Functions take an optional ``ax``, return the axes and never call ``plt.show()``.

Labels follow the learner's language (:mod:`dockerlab.i18n`). Chinese is drawn
with Noto Sans SC (SIL Open Font License), which the dependency
``pylopdf-fonts-zh-cn`` ships: importing this module registers it with
matplotlib as a fallback family, so Latin text keeps matplotlib's own font and
every Chinese glyph comes from Noto Sans SC instead of a box. Without that
package a CJK font of the system is used, if there is one. It must be
registered before any figure is made: an Axes keeps the fonts of the moment it
was made, for its title too. (The colours live in :mod:`dockerlab.views.colours`, so
that the HTML views and the CLI need not load matplotlib for them.)
"""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from dockerlab.i18n import N_, _
from dockerlab.views.colours import (  # noqa: F401 (the colours are also plot's, for the views that draw)
    CUT_COLOUR,
    FIXED_COLOURS,
    NO_NETWORK,
    ONE_WAY,
    PALETTE,
    network_colour,
    network_colours,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: CJK families tried when the shipped font is missing (Linux, macOS and Windows names).
SYSTEM_CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei")


def _shipped_cjk_font() -> Path | None:
    """The Noto Sans SC file of the ``pylopdf-fonts-zh-cn`` dependency, or ``None`` if it is not installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def register_cjk_font() -> str | None:
    """Register a font with Simplified Chinese glyphs with matplotlib; return its family name (or ``None``).

    The family is appended to ``font.family`` as a fallback: matplotlib draws each glyph with the
    first family that has it, so English figures are unchanged and Chinese never renders as boxes.
    """
    from matplotlib import font_manager, rcParams

    path = _shipped_cjk_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        family: str | None = font_manager.FontProperties(fname=str(path)).get_name()
    else:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        family = next((f for f in SYSTEM_CJK_FONTS if f in installed), None)
    if family is not None and family not in rcParams["font.family"]:
        rcParams["font.family"] = [*rcParams["font.family"], family]
    return family


#: The family Chinese labels are drawn with (``None``: no CJK font was found).
CJK_FONT = register_cjk_font()


def cjk_font() -> str | None:
    """The family Chinese labels are drawn with (``None``: no CJK font was found)."""
    return CJK_FONT


def _width(text: str) -> int:
    """How many Latin characters wide ``text`` is: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def layout(names: list[str]) -> dict[str, tuple[float, float]]:
    """Positions on a circle in sorted name order (stable across steps)."""
    ordered = sorted(names)
    if len(ordered) < 2:
        return {n: (0.0, 0.0) for n in ordered}
    circle: nx.Graph[str] = nx.Graph()
    circle.add_nodes_from(ordered)
    return {n: (float(x), float(y)) for n, (x, y) in nx.circular_layout(circle).items()}


def reachability(g: nx.DiGraph, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw who reaches whom: nodes coloured by network, arrows for reachability.

    A container on two networks is drawn in the first network's colour with a
    ring in the second's. One-way reachability (``--link``) shows as a single
    arrow; two-way as arrows both ways; a pair that reaches neither way as a
    grey dotted line crossed by ✗, so a failure is seen, not just missing.
    The legend lists only what the figure uses. Text is 10 pt or larger.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if ax is None:
        _fig, ax = plt.subplots(figsize=(5, 4))
    pos = layout(list(g.nodes))
    networks_seen = sorted({x for n in g.nodes for x in g.nodes[n].get("networks", [])})
    colours = network_colours(networks_seen)
    fill, ring = [], []
    for n in g.nodes:
        nets = list(g.nodes[n].get("networks", []))
        fill.append(colours[nets[0] if nets else None])
        ring.append(colours[nets[1]] if len(nets) > 1 else "white")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=fill, edgecolors=ring, linewidths=4, node_size=1600)
    # Names go under their node, so long ones (tomcat1-docker0) stay readable.
    below = {n: (x, y - 0.32) for n, (x, y) in pos.items()}
    nx.draw_networkx_labels(
        g,
        below,
        ax=ax,
        font_size=11,
        font_color="#222222",
        verticalalignment="top",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
    )
    one_way = [(u, v) for u, v in g.edges if not g.has_edge(v, u)]
    two_way = [(u, v) for u, v in g.edges if g.has_edge(v, u)]
    common: dict[str, Any] = {"ax": ax, "node_size": 1600, "arrows": True, "arrowsize": 18, "width": 2}
    nx.draw_networkx_edges(g, pos, edgelist=two_way, edge_color="#333333", connectionstyle="arc3,rad=0.12", **common)
    nx.draw_networkx_edges(
        g, pos, edgelist=one_way, edge_color=ONE_WAY, style="dashed", connectionstyle="arc3,rad=0.12", **common
    )
    nodes = sorted(g.nodes)
    pairs = [(u, v) for i, u in enumerate(nodes) for v in nodes[i + 1 :]]
    failed = [(u, v) for u, v in pairs if not g.has_edge(u, v) and not g.has_edge(v, u)]
    for u, v in failed:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color="#999999", lw=1.5, ls=":", zorder=0)
        ax.text((x1 + x2) / 2, (y1 + y2) / 2, "✗", color="#777777", fontsize=12, ha="center", va="center", zorder=1)
    handles = [Line2D([], [], marker="o", ls="", ms=12, color=colours[x], label=x) for x in networks_seen]
    rings = sorted({colours[nets[1]] for n in g.nodes if len(nets := list(g.nodes[n].get("networks", []))) > 1})
    if rings:
        ring_label = _("ring: also on a second network")
        handles.append(Line2D([], [], marker="o", ls="", ms=12, mfc="white", mec="#555555", mew=3, label=ring_label))
    if two_way:
        handles.append(Line2D([], [], color="#333333", lw=2, label=_("reaches (both ways)")))
    if one_way:
        handles.append(Line2D([], [], color=ONE_WAY, lw=2, ls="--", label=_("reaches (one way)")))
    if failed:
        handles.append(Line2D([], [], color="#999999", lw=1.5, ls=":", marker="$✗$", ms=9, label=_("neither way")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=10)
    by = g.graph.get("by", "name")
    if not title:
        title = _("who reaches whom (by name)") if by == "name" else _("who reaches whom (by {by})").format(by=by)
    ax.set_title(title, fontsize=12)
    ax.set_axis_off()
    # Fixed limits around the unit circle: every panel of the series has the same
    # geometry (autoscaling would stretch a graph whose nodes lie on one line).
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.6, 1.5)
    ax.set_aspect("equal")
    return ax


# -- under the hood: bridges, veth pairs and interfaces --------------------------

#: Rows of the topology figure, top to bottom: (kind, y, caption on the left).
TOPOLOGY_LAYERS = (
    ("container", 4.0, N_("containers")),
    ("interface", 3.0, N_("inside the container\n(its namespace)")),
    ("veth", 2.0, N_("host end of\neach veth pair")),
    ("bridge", 1.0, N_("Linux bridges")),
    ("host", 0.0, N_("the engine's host")),
)
_LAYER_Y = {kind: y for kind, y, _caption in TOPOLOGY_LAYERS}


def _network_order(g: nx.Graph) -> dict[str | None, int]:
    nets = {d.get("network") for _, d in g.nodes(data=True) if d.get("kind") in ("bridge", "interface")}
    named = sorted((n for n in nets if n), key=lambda n: (n != "bridge", n))
    return {n: i for i, n in enumerate(named)}


def topology_layout(g: nx.Graph, bridge_gap: float = 1.6) -> dict[str, tuple[float, float]]:
    """Positions for :func:`topology`, in layers; one column per interface.

    Containers are ordered by their networks (Docker's ``bridge`` first), a
    container on two networks sits between the two groups, its interfaces
    in network order; each veth end sits under its interface, each bridge
    under the middle of its veth ends (kept ``bridge_gap`` columns apart),
    the host at the bottom centre.

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("container:a", kind="container", label="a")
    >>> g.add_node("interface:a/eth0", kind="interface", label="eth0@if5", network="bridge")
    >>> g.add_edge("container:a", "interface:a/eth0")
    >>> topology_layout(g)["interface:a/eth0"]
    (0.0, 3.0)
    """
    order = _network_order(g)
    unknown = len(order)
    kind = {n: d.get("kind") for n, d in g.nodes(data=True)}

    def nets_rank(node: str) -> float:
        return float(order.get(g.nodes[node].get("network"), unknown))

    containers = [n for n in g if kind[n] == "container"]
    own = {c: sorted((i for i in g[c] if kind[i] == "interface"), key=lambda i: (nets_rank(i), i)) for c in containers}

    def container_key(c: str) -> tuple[float, str]:
        ranks = [nets_rank(i) for i in own[c]]
        return (sum(ranks) / len(ranks) if ranks else unknown + 1.0, c)

    pos: dict[str, tuple[float, float]] = {}
    column = 0.0
    for c in sorted(containers, key=container_key):
        cols = []
        for i in own[c] or [None]:
            if i is not None:
                pos[i] = (column, _LAYER_Y["interface"])
                for v in g[i]:
                    if kind[v] == "veth":
                        pos[v] = (column, _LAYER_Y["veth"])
            cols.append(column)
            column += 1.0
        pos[c] = (sum(cols) / len(cols), _LAYER_Y["container"])
    width = max(column - 1.0, 0.0)

    bridges = [n for n in g if kind[n] == "bridge"]
    wanted = {}
    for b in bridges:
        xs = [pos[v][0] for v in g[b] if kind[v] == "veth" and v in pos]
        wanted[b] = sum(xs) / len(xs) if xs else width  # a network nobody uses: at the right end
    placed: list[tuple[str, float]] = []
    for b in sorted(bridges, key=lambda b: (wanted[b], b)):
        x = wanted[b] if not placed else max(wanted[b], placed[-1][1] + bridge_gap)
        placed.append((b, x))
    if placed:  # pushed apart to the right: shift back so the group stays centred on its targets
        shift = sum(wanted[b] for b, _ in placed) / len(placed) - sum(x for _, x in placed) / len(placed)
        shift = max(shift, -placed[0][1] + min(0.0, wanted[placed[0][0]]))
        for b, x in placed:
            pos[b] = (x + shift, _LAYER_Y["bridge"])
    for n in g:
        if kind[n] == "host":
            pos[n] = (width / 2, _LAYER_Y["host"])
    return pos


def _topology_text(d: dict[str, Any]) -> str:
    kind = d.get("kind")
    if kind == "veth":  # veth7ef37c6 over @if13908: five-digit indexes made one line wider than a column
        return str(d.get("label", "")).replace("@", "\n@", 1)
    if kind == "interface":
        return d.get("label", "") + (f"\n{d['ip']}" if d.get("ip") else "")
    if kind == "bridge":
        lines = [d.get("label", ""), _("network {network}").format(network=d.get("network"))]
        if d.get("gateway"):
            gateway = d["gateway"] + (f"/{d['subnet'].split('/')[1]}" if d.get("subnet") else "")
            lines.append(_("gateway {gateway}").format(gateway=gateway))
        return "\n".join(lines)
    if kind == "host":
        others = [i for i in d.get("interfaces", ()) if i != "lo"][:4]
        also = "lo" + "".join(" · " + i for i in others)
        extra = "\n" + _("also: {interfaces}").format(interfaces=also) if d.get("interfaces") else ""
        return _("host (the engine's network namespace)") + extra
    if kind == "container" and d.get("network_mode") in ("host", "none"):
        return f"{d.get('label', '')}\n(--network {d['network_mode']})"
    return str(d.get("label", ""))


def _edge_style(kinds: set[Any], colour: str) -> dict[str, Any]:
    """How :func:`topology` draws an edge between nodes of ``kinds``; ``colour`` is its network's."""
    if kinds == {"interface", "veth"}:
        return {"color": colour, "lw": 4.5, "solid_capstyle": "round"}
    if kinds == {"veth", "bridge"}:
        return {"color": colour, "lw": 2.0}
    if kinds == {"container", "host"}:
        return {"color": "#8c8c8c", "lw": 1.5, "ls": "--"}
    return {"color": "#b0b0b0", "lw": 1.2}


def _node_style(kind: Any, colour: str) -> tuple[dict[str, Any], str, str]:
    """How :func:`topology` draws a node of ``kind``: its box, text colour and weight; ``colour`` is its network's."""
    box: dict[str, Any] = {"boxstyle": "round,pad=0.35", "lw": 1.2}
    if kind == "container":
        return {**box, "fc": "#3a3a3a", "ec": "#3a3a3a"}, "white", "bold"
    if kind == "interface":
        return {**box, "fc": colour, "ec": colour}, "white", "normal"
    if kind == "veth":
        return {**box, "fc": "white", "ec": colour, "lw": 2}, "black", "normal"
    if kind == "bridge":
        return {**box, "fc": colour, "ec": colour, "boxstyle": "square,pad=0.45"}, "white", "bold"
    return {**box, "fc": "#eeeeee", "ec": "#8c8c8c", "boxstyle": "square,pad=0.5"}, "black", "normal"


def topology(g: nx.Graph, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw the lab's plumbing like the article's veth-pair figure.

    Containers on top, their ``eth0@ifN`` below them, the host-side
    ``veth...@ifN`` ends, the bridges (``docker0``, ``br-<id>``) and the host
    at the bottom. Each veth pair and its bridge take their network's colour
    (the same as in :func:`reachability`); a container on two networks has two
    pairs. ``g`` is :meth:`Lab.topology`'s graph. Without ``ax`` the figure
    widens with the number of interfaces.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    def longest(kinds: tuple[str, ...]) -> int:
        lines = [s for d in g.nodes.values() if d.get("kind") in kinds for s in _topology_text(d).splitlines()]
        return max(map(_width, lines), default=8)

    # About 0.07 inch per character: columns fit the widest line of a label, bridges stay apart.
    column_inches = max(1.35, 0.07 * longest(("container", "interface", "veth")) + 0.3)
    pos = topology_layout(g, bridge_gap=(0.075 * longest(("bridge",)) + 0.5) / column_inches)
    kind = {n: d.get("kind") for n, d in g.nodes(data=True)}
    xs = [x for x, _ in pos.values()] or [0.0]
    if ax is None:
        span = max(xs) - min(xs) + 2.15  # the columns, the captions on the left, a margin
        fig, ax = plt.subplots(figsize=(max(6.5, span * column_inches / 0.96), 6.2))
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.93)

    colours = network_colours([d["network"] for _, d in g.nodes(data=True) if d.get("network")])

    def colour(n: str) -> str:
        return colours[g.nodes[n]["network"]] if g.nodes[n].get("network") else "#999999"

    for u, v in g.edges:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        kinds = {kind[u], kind[v]}
        style = _edge_style(kinds, colour(u))
        if kinds == {"container", "host"}:  # down its own column, then along the bottom to the host
            (x1, y1), (x2, y2) = sorted([pos[u], pos[v]], key=lambda p: -p[1])
            ax.plot([x1, x1, x2], [y1, y2, y2], zorder=1, **style)
            continue
        ax.plot([x1, x2], [y1, y2], zorder=1, **style)
        if kinds == {"interface", "veth"}:
            ax.text(
                (x1 + x2) / 2 + 0.06,
                (y1 + y2) / 2,
                _("veth pair"),
                fontsize=10,
                color="#555555",
                ha="left",
                va="center",
                zorder=2,
            )

    for n, d in g.nodes(data=True):
        k = d.get("kind")
        box, text_colour, weight = _node_style(k, colour(n))
        x, y = pos[n]
        family = "monospace" if k in ("interface", "veth") else None
        ax.text(
            x,
            y,
            _topology_text(d),
            ha="center",
            va="center",
            fontsize=10,
            color=text_colour,
            fontweight=weight,
            bbox=box,
            zorder=3,
            family=family,
        )

    cut = _draw_isolation(ax, sorted(pos[n][0] for n in g if kind[n] == "bridge"))
    left = min(xs) - 1.3
    for _layer, y, caption in TOPOLOGY_LAYERS:
        ax.text(left, y, _(caption), fontsize=10, style="italic", color="#666666", ha="left", va="center")
    ax.set_xlim(left - 0.1, max(xs) + 0.75)
    ax.set_ylim(-0.55, 4.5)
    nets = sorted(
        {d["network"] for _, d in g.nodes(data=True) if d.get("kind") == "bridge" and d.get("network")},
        key=lambda x: (x != "bridge", x),
    )
    devices = {d["network"]: d.get("label") for _, d in g.nodes(data=True) if d.get("kind") == "bridge"}
    handles = [Line2D([], [], color=colours[x], lw=4, label=f"{x} ({devices.get(x)})") for x in nets] + cut
    if handles:
        ax.legend(  # under the host, not beside it: the figure stays narrow enough to show at full size
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=min(len(handles), 3),
            frameon=False,
            fontsize=10,
            title=_("network (bridge)"),
            title_fontsize=10,
        )
    ax.set_title(title or _("under the hood: veth pairs and bridges"), fontsize=12)
    ax.set_axis_off()
    return ax


def _draw_isolation(ax: Axes, bridge_xs: list[float]) -> list[Any]:
    """Draw Docker's isolation between neighbouring bridges as a cut, not as a path through the host.

    Both bridges are devices of the host (the grey lines to the host box say
    where they live), but Docker's iptables rules (``DOCKER-ISOLATION-STAGE-1/2``)
    drop what one bridge would forward to another. A vermillion dashed line
    with a cross, from the veth ends down to the host, shows it; the legend
    handle it returns (none for one bridge) says what it means.
    """
    from matplotlib.lines import Line2D

    for left, right in itertools.pairwise(bridge_xs):
        x = (left + right) / 2
        ax.plot([x, x], [_LAYER_Y["veth"] - 0.3, _LAYER_Y["host"] + 0.42], color=CUT_COLOUR, lw=2.5, ls=(0, (4, 3)))
        ax.plot([x], [_LAYER_Y["bridge"]], marker="X", markersize=15, color=CUT_COLOUR, mec="white", zorder=5)
    if len(bridge_xs) < 2:
        return []
    label = _("isolated: the host forwards\nnothing between bridges")
    return [
        Line2D([], [], color=CUT_COLOUR, lw=2.5, ls=(0, (4, 3)), marker="X", markersize=10, mec="white", label=label)
    ]


# -- the finale: from the host's port to the database -----------------------------


def service_path(
    ax: Axes | None = None,
    *,
    host_port: int,
    app: str,
    app_port: int,
    service: str,
    service_port: int,
    network: str,
    title: str | None = None,
) -> Axes:
    """Draw the path of one request: the host's published port, docker-proxy, the app's port, and the
    app's connection to its service by name, across one network.

    The host is a box around everything; the network is a coloured band with both containers on it.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if ax is None:
        _fig, ax = plt.subplots(figsize=(8, 3.6))
    colour = network_colour(network)

    def box(x: float, y: float, w: float, h: float, text: str, face: str, edge: str = "#333333") -> None:
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=face, ec=edge, lw=1.5))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=11)

    def arrow(x1: float, y1: float, x2: float, y2: float, label: str) -> None:
        ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=18, lw=2, color="#222222"))
        ax.text((x1 + x2) / 2, max(y1, y2) + 0.07, label, ha="center", va="bottom", fontsize=10)

    ax.add_patch(FancyBboxPatch((0.0, 0.0), 10.0, 3.4, boxstyle="round,pad=0.02", fc="#f7f7f7", ec="#888888", lw=1))
    ax.text(0.15, 3.3, _("the host"), fontsize=11, va="top", color="#555555")
    ax.add_patch(FancyBboxPatch((3.9, 0.2), 5.95, 2.1, boxstyle="round,pad=0.02", fc=colour, ec=colour, alpha=0.25))
    ax.text(4.0, 2.2, _("network {network}").format(network=network), fontsize=10, ha="left", va="top", color="#333333")
    box(0.4, 2.1, 2.2, 0.8, f"127.0.0.1:{host_port}", "white")
    box(0.4, 0.5, 2.2, 0.8, "docker-proxy", "white")
    box(4.1, 0.5, 2.0, 0.9, f"{app}\n:{app_port}", "white", colour)
    box(7.7, 0.5, 2.0, 0.9, f"{service}\n:{service_port}", "white", colour)
    arrow(1.5, 2.1, 1.5, 1.3, "")
    ax.text(1.6, 1.7, _("published port"), fontsize=10, ha="left", va="center")
    arrow(2.6, 0.9, 4.1, 0.95, f":{app_port}")
    arrow(6.1, 0.95, 7.7, 0.95, _("by name"))
    ax.text(6.9, 0.85, f"{service}:{service_port}\n(127.0.0.11)", fontsize=10, ha="center", va="top")
    ax.set_xlim(-0.1, 10.1)
    ax.set_ylim(-0.1, 3.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title or _("one request, from the host to the database"), fontsize=12)
    return ax


def hosts(interfaces: Any, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Hosts as boxes, each container's interfaces inside, and each overlay as a tunnel between the hosts.

    ``interfaces`` is :meth:`dockerlab.lab.cluster.ClusterLab.interfaces`'s frame (``host``, ``inside``,
    ``interface``, ``kind``, ``mtu``, ``vxlan_id``, ``ip``, ``network``); nothing is asked of an engine.
    """
    from matplotlib.patches import FancyBboxPatch

    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    names = list(dict.fromkeys(interfaces["host"]))
    width, gap, line = 3.9, 0.8, 0.42
    layouts = []
    for host in names:
        rows = interfaces[interfaces["host"] == host]
        legs = [r for r in rows.itertuples(index=False) if not str(r.inside).startswith("overlay ")]
        containers = {name: [r for r in legs if r.inside == name] for name in dict.fromkeys(r.inside for r in legs)}
        vxlans = [r for r in rows.itertuples(index=False) if r.kind == "vxlan"]
        layouts.append((host, containers, vxlans))
    body = max([sum(1 + len(ls) for ls in c.values()) for _, c, _ in layouts] + [1])
    top = 1.9 + body * line + 0.7
    ends: dict[str, list[float]] = {}
    for i, (host, containers, vxlans) in enumerate(layouts):
        x0 = i * (width + gap)
        ax.add_patch(FancyBboxPatch((x0, 0.2), width, top - 0.2, boxstyle="round,pad=0.05", fc="#f7f7f7", ec="#333"))
        ax.text(x0 + width / 2, top - 0.15, host, ha="center", va="top", fontsize=12, weight="bold")
        y = top - 0.75
        for name, legs in containers.items():
            ax.text(x0 + 0.15, y, name, ha="left", va="center", fontsize=11, weight="bold")
            y -= line
            for r in legs:
                net = str(r.network)
                colour = NO_NETWORK if net == "docker_gwbridge" else network_colour(net)
                ax.text(x0 + 0.35, y, f"{r.interface} {r.ip or ''} · mtu {r.mtu} · {net}", ha="left", va="center",
                        fontsize=10, bbox={"boxstyle": "round,pad=0.2", "fc": colour, "alpha": 0.35})  # fmt: skip
                y -= line
            y -= 0.15
        for k, r in enumerate(vxlans):
            net = str(r.network)
            ends.setdefault(net, []).append(x0 + width / 2)
            ax.text(x0 + width / 2, 1.05 + 0.55 * k, f"{r.interface} ({net}): vxlan id {int(r.vxlan_id)}, "
                    f"UDP {int(r.udp_port)}", ha="center", va="center", fontsize=10,
                    bbox={"boxstyle": "round,pad=0.2", "fc": network_colour(net), "alpha": 0.6})  # fmt: skip
    for k, (net, xs) in enumerate(ends.items()):
        if len(xs) > 1:
            y = -0.25 - 0.7 * k
            ax.plot([min(xs), max(xs)], [y, y], color=network_colour(net), lw=9, alpha=0.45, solid_capstyle="round")
            across = _("overlay {network}: one network across the hosts (VXLAN tunnel)").format(network=net)
            ax.text((min(xs) + max(xs)) / 2, y - 0.35, across, ha="center", va="center", fontsize=10)
    ax.set_xlim(-0.3, len(names) * (width + gap) - gap + 0.3)
    ax.set_ylim(-0.9 - 0.7 * max(len(ends) - 1, 0), top + 0.2)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=12)
    return ax
