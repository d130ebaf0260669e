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
from dataclasses import dataclass
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
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

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


def _has_bold_face(family: str | None) -> bool:
    """Whether matplotlib knows a bold face of ``family`` (Noto Sans SC ships only its regular one)."""
    from matplotlib import font_manager

    return family is not None and any(
        f.name == family and f.weight in ("bold", 700) for f in font_manager.fontManager.ttflist
    )


def bold(text: str) -> dict[str, Any]:
    """Text properties that draw ``text`` in bold where a bold face has its glyphs, else regular.

    Latin text is bold in matplotlib's own family (leaving the CJK fallback out, so that
    matplotlib never looks for a bold face it does not have and warns on stderr); Chinese text
    is bold only if the CJK font has a bold face.
    """
    from matplotlib import rcParams

    if any(unicodedata.east_asian_width(c) in "WF" for c in text):
        return {"fontweight": "bold"} if _has_bold_face(CJK_FONT) else {"fontweight": "normal"}
    latin = [f for f in rcParams["font.family"] if f != CJK_FONT] or ["sans-serif"]
    return {"fontweight": "bold", "family": latin}


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


def node_label(name: str, limit: int = 16) -> str:
    r"""``name`` on one line, or on two split at a ``-`` or ``_`` when longer than ``limit`` characters.

    Compose's names (``dockerlab-09-tomcat-1``) are wider than the gap between two nodes.

    >>> node_label("tomcat1-docker0")
    'tomcat1-docker0'
    >>> node_label("dockerlab-09-tomcat-1")
    'dockerlab-\n09-tomcat-1'
    """
    cuts = [i + 1 for i, c in enumerate(name[:-1]) if c in "-_"]
    if len(name) <= limit or not cuts:
        return name
    best = min(cuts, key=lambda i: max(i, len(name) - i))
    return name[:best] + "\n" + name[best:]


def _pair_kinds(g: nx.DiGraph) -> tuple[list[tuple[str, str]], ...]:
    """Edges and pairs of ``g`` by what was measured: two-way, one-way (the other way measured ✗),
    reached (the other way not measured), pairs measured ✗ both ways, and directions measured ✗ whose
    other way was not measured.

    ``g.graph["measured"]`` (from :func:`dockerlab.views.graphs.reachability_graph`) says which
    directions were measured; without it every direction was.
    """
    nodes = sorted(g.nodes)
    known = g.graph.get("measured")
    measured = {tuple(p) for p in known} if known is not None else {(u, v) for u in nodes for v in nodes if u != v}
    two_way = [(u, v) for u, v in g.edges if g.has_edge(v, u)]
    one_way = [(u, v) for u, v in g.edges if not g.has_edge(v, u) and (v, u) in measured]
    unknown = [(u, v) for u, v in g.edges if not g.has_edge(v, u) and (v, u) not in measured]
    pairs = [(u, v) for i, u in enumerate(nodes) for v in nodes[i + 1 :]]
    failed = [(u, v) for u, v in pairs if (u, v) in measured and (v, u) in measured and not g.has_edge(u, v)]
    failed = [(u, v) for u, v in failed if not g.has_edge(v, u)]
    half = [(u, v) for u in nodes for v in nodes if (u, v) in measured and (v, u) not in measured]
    return two_way, one_way, unknown, failed, [(u, v) for u, v in half if not g.has_edge(u, v)]


def reachability(g: nx.DiGraph, ax: Axes | None = None, title: str | None = None, legend: str = "right") -> Axes:
    """Draw who reaches whom: nodes coloured by network, arrows for reachability.

    A container on two networks is drawn in the first network's colour with a
    ring in the second's. One-way reachability (``--link``) shows as a single
    arrow; two-way as arrows both ways; a pair that reaches neither way as a
    grey dotted line crossed by ✗, so a failure is seen, not just missing.
    Only measured directions are drawn as such: an arrow whose other way was
    not measured (by IP, towards a container with no address) is a grey
    arrow, a ✗ whose other way was not measured a dotted arrow with ✗, and
    a pair with no measured direction gets no line at all.
    The legend lists only what the figure uses, to the ``right`` of the graph
    or ``below`` it (for panels side by side). Text is 10 pt or larger.
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
    # Names go under their node, so long ones (tomcat1-docker0) stay readable; never clipped by the axes.
    below = {n: (x, y - 0.32) for n, (x, y) in pos.items()}
    labels = nx.draw_networkx_labels(
        g,
        below,
        labels={n: node_label(str(n)) for n in g.nodes},
        ax=ax,
        font_size=11,
        font_color="#222222",
        verticalalignment="top",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
    )
    for text in labels.values():
        text.set_clip_on(False)
    two_way, one_way, unknown, failed, half_failed = _pair_kinds(g)
    common: dict[str, Any] = {"ax": ax, "node_size": 1600, "arrows": True, "arrowsize": 18, "width": 2}
    nx.draw_networkx_edges(g, pos, edgelist=two_way, edge_color="#333333", connectionstyle="arc3,rad=0.12", **common)
    nx.draw_networkx_edges(
        g, pos, edgelist=one_way, edge_color=ONE_WAY, style="dashed", connectionstyle="arc3,rad=0.12", **common
    )
    nx.draw_networkx_edges(g, pos, edgelist=unknown, edge_color="#8c8c8c", connectionstyle="arc3,rad=0.12", **common)
    for u, v in failed:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color="#999999", lw=1.5, ls=":", zorder=0)
        ax.text((x1 + x2) / 2, (y1 + y2) / 2, "✗", color="#777777", fontsize=12, ha="center", va="center", zorder=1)
    nx.draw_networkx_edges(g, pos, edgelist=half_failed, edge_color="#999999", style="dotted", **common)
    for u, v in half_failed:
        (x1, y1), (x2, y2) = pos[u], pos[v]
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
    if unknown:
        handles.append(Line2D([], [], color="#8c8c8c", lw=2, label=_("reaches (the other way not measured)")))
    if failed:
        handles.append(Line2D([], [], color="#999999", lw=1.5, ls=":", marker="$✗$", ms=9, label=_("neither way")))
    if half_failed:
        label = _("does not reach (the other way not measured)")
        handles.append(Line2D([], [], color="#999999", lw=1.5, ls=":", marker="$✗$", ms=9, label=label))
    if legend == "below":
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), frameon=False, fontsize=10)
    else:
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

    boxes: dict[str, Text] = {}
    for n, d in g.nodes(data=True):
        k = d.get("kind")
        box, text_colour, weight = _node_style(k, colour(n))
        x, y = pos[n]
        text = _topology_text(d)
        font = bold(text) if weight == "bold" else {"family": "monospace" if k in ("interface", "veth") else None}
        boxes[n] = ax.text(
            x, y, text, ha="center", va="center", fontsize=10, color=text_colour, bbox=box, zorder=3, **font
        )

    captions = [
        ax.text(
            0.0,
            y,
            _(caption),
            fontsize=10,
            style="italic",
            color="#666666",
            ha="left",
            va="center",
            transform=ax.get_yaxis_transform(),
        )
        for _layer, y, caption in TOPOLOGY_LAYERS
    ]
    ax.set_xlim(min(xs) - 1.3, max(xs) + 0.75)
    ax.set_ylim(-0.55, 4.5)
    bridges = sorted((n for n in g if kind[n] == "bridge"), key=lambda n: pos[n][0])
    veths = [boxes[n] for n in g if kind[n] == "veth"]
    for _round in range(10):  # room for the cut between bridges, then for the captions, until both hold
        _fit_beside_captions(ax, list(boxes.values()), captions)
        if not _separate_bridges(ax, [boxes[b] for b in bridges], veths):
            break
    _fit_beside_captions(ax, list(boxes.values()), captions)
    pos.update({b: boxes[b].get_position() for b in bridges})
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

    cut = _draw_isolation(ax, [boxes[b] for b in bridges], veths)
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


def _draw(ax: Axes) -> None:
    """Lay the figure of ``ax`` out without rendering it, so that the extents of its texts are known."""
    ax.figure.draw_without_rendering()  # type: ignore[union-attr]


def extent(artist: Any) -> Bbox:
    """Where ``artist`` was drawn, in display pixels: a text with a box by its box, anything else by itself.

    Valid after the figure was drawn (``fig.draw_without_rendering()``).
    """
    patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
    renderer = artist.figure._get_renderer()
    return patch.get_window_extent(renderer) if patch is not None else artist.get_window_extent(renderer)


def _fit_beside_captions(ax: Axes, boxes: list[Text], captions: list[Text], margin: float = 12.0) -> None:
    """Widen the x-limits until the row captions (at the axes' left edge) end ``margin`` pixels left of
    every box in their row, and every box ends inside the axes on the right.

    Box sizes are in pixels and positions in data, so the limits are adjusted a few times over.
    """
    for _round in range(8):
        _draw(ax)
        axes = ax.get_window_extent()
        left = max(extent(c).x1 for c in captions) + margin
        shown = [extent(b) for b in boxes]
        need_left = max([left - e.x0 for e in shown] + [0.0])
        need_right = max([e.x1 - axes.x1 + 2 for e in shown] + [0.0])
        if need_left <= 0.5 and need_right <= 0.5:
            return
        lo, hi = ax.get_xlim()
        per_pixel = (hi - lo) / axes.width
        ax.set_xlim(lo - need_left * per_pixel * 1.1, hi + need_right * per_pixel * 1.1)


def _free_middle(low: float, high: float, taken: list[tuple[float, float]], room: float = 30.0) -> float:
    """The middle of the widest stretch of ``low..high`` outside every span of ``taken`` (at least ``room``
    wide), or of ``low..high`` itself if there is none.

    >>> _free_middle(0, 100, [(40, 80)])
    20.0
    >>> _free_middle(0, 100, [(10, 90)])
    50.0
    """
    edges = sorted([(max(a, low), min(b, high)) for a, b in taken if b > low and a < high])
    free, at = [], low
    for a, b in edges:
        free.append((at, a))
        at = max(at, b)
    free.append((at, high))
    a, b = max(free, key=lambda f: f[1] - f[0])
    return (a + b) / 2 if b - a >= room else (low + high) / 2


def _free_width(low: float, high: float, taken: list[tuple[float, float]]) -> float:
    """How wide the widest stretch of ``low..high`` outside every span of ``taken`` is."""
    edges = sorted([(max(a, low), min(b, high)) for a, b in taken if b > low and a < high])
    widest, at = 0.0, low
    for a, b in edges:
        widest, at = max(widest, a - at), max(at, b)
    return max(widest, high - at)


def _separate_bridges(ax: Axes, bridges: list[Text], veths: list[Text], room: float = 34.0) -> bool:
    """Move bridges right until each gap between neighbours has ``room`` pixels outside the veth ends'
    columns, for the isolation cut; return whether any moved."""
    _draw(ax)
    columns = [(e.x0, e.x1) for e in map(extent, veths)]
    lo, hi = ax.get_xlim()
    per_pixel = (hi - lo) / ax.get_window_extent().width
    moved = False
    for i, (left, right) in enumerate(itertools.pairwise(bridges)):
        a, b = extent(left), extent(right)
        short = room - _free_width(a.x1, b.x0, columns)
        if short > 0.5:
            for later in bridges[i + 1 :]:
                x, y = later.get_position()
                later.set_position((x + (short + 8) * per_pixel, y))
            moved = True
            _draw(ax)
    return moved


def _draw_isolation(ax: Axes, bridges: list[Text], above: list[Text] | None = None) -> list[Any]:
    """Draw Docker's isolation between neighbouring bridges as a cut, not as a path through the host.

    Both bridges are devices of the host (the grey lines to the host box say
    where they live), but Docker's iptables rules (``DOCKER-ISOLATION-STAGE-1/2``)
    drop what one bridge would forward to another. A vermillion dashed line
    with a cross in the gap between the two bridges' boxes, as tall as they
    are, shows it; the legend handle it returns (none for one bridge) says
    what it means. ``bridges`` are the bridges' boxes, left to right; the
    cut keeps out from under the boxes ``above`` (the veth ends) where the gap allows.
    """
    from matplotlib.lines import Line2D

    if len(bridges) < 2:
        return []
    _draw(ax)
    to_data = ax.transData.inverted()
    columns = [(e.x0, e.x1) for e in map(extent, above or [])]
    for left, right in itertools.pairwise(bridges):
        a, b = extent(left), extent(right)
        middle = _free_middle(a.x1, b.x0, columns)
        (x, y_low), (_x, y_high) = to_data.transform([(middle, min(a.y0, b.y0)), (0, max(a.y1, b.y1))])
        y = (y_low + y_high) / 2
        ax.plot([x, x], [y_low, y_high], color=CUT_COLOUR, lw=2.5, ls=(0, (4, 3)), zorder=4)
        ax.plot([x], [y], marker="X", markersize=15, color=CUT_COLOUR, mec="white", zorder=5, gid="isolation")
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

    # The gap between the app and its service holds the arrow, "by name" above it and the name:port
    # with the resolver's address below it, clear of both boxes.
    right = 11.6
    ax.add_patch(FancyBboxPatch((0.0, 0.0), right, 3.4, boxstyle="round,pad=0.02", fc="#f7f7f7", ec="#888888", lw=1))
    ax.text(0.15, 3.3, _("the host"), fontsize=11, va="top", color="#555555")
    band = FancyBboxPatch((3.9, 0.2), right - 4.05, 2.1, boxstyle="round,pad=0.02", fc=colour, ec=colour, alpha=0.25)
    ax.add_patch(band)
    ax.text(4.0, 2.2, _("network {network}").format(network=network), fontsize=10, ha="left", va="top", color="#333333")
    box(0.4, 2.1, 2.2, 0.8, f"127.0.0.1:{host_port}", "white")
    box(0.4, 0.5, 2.2, 0.8, "docker-proxy", "white")
    box(4.1, 0.5, 2.0, 0.9, f"{app}\n:{app_port}", "white", colour)
    box(right - 2.3, 0.5, 2.0, 0.9, f"{service}\n:{service_port}", "white", colour)
    arrow(1.5, 2.1, 1.5, 1.3, "")
    ax.text(1.6, 1.7, _("published port"), fontsize=10, ha="left", va="center")
    arrow(2.6, 0.9, 4.1, 0.95, f":{app_port}")
    arrow(6.1, 0.95, right - 2.3, 0.95, _("by name"))
    gap_middle = (6.1 + right - 2.3) / 2
    ax.text(gap_middle, 0.8, f"{service}:{service_port}\n(127.0.0.11)", fontsize=10, ha="center", va="top")
    ax.set_xlim(-0.1, right + 0.1)
    ax.set_ylim(-0.1, 3.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title or _("one request, from the host to the database"), fontsize=12)
    return ax


#: Inches per text row of :func:`hosts` (10 pt text in a box), and its path's colour.
_ROW = 0.34
PATH_COLOUR = "#222222"


def _inches(text: str, size: float = 10) -> float:
    """About how wide ``text`` is at ``size`` points, in inches (a Chinese character counts twice)."""
    return max(map(_width, text.splitlines() or [""])) * 0.0078 * size


@dataclass
class _HostPlan:
    """What :func:`hosts` draws in one host's box: its containers' interfaces and its VXLAN devices."""

    name: str
    containers: dict[str, list[Any]]
    vxlans: list[Any]
    header: str
    wire_end: str
    width: float = 0.0

    def rows(self) -> list[str]:
        legs = [_leg_text(r) for ls in self.containers.values() for r in ls]
        return [*self.containers, *legs, *(_vxlan_text(r) for r in self.vxlans), self.wire_end]

    def height(self) -> float:
        """Inches from the box's top to its bottom edge, where the host's address on the wire sits."""
        legs = sum(1.15 + len(ls) for ls in self.containers.values()) * _ROW
        overlay = 0.1 + (1 + len(self.vxlans)) * _ROW + 0.1 if self.vxlans else 0.0
        return 0.5 + legs + overlay + 0.3


def _row_label(ax: Any, x: float, y: float, text: str, colour: str, on_path: bool) -> None:
    """One row of a host's box in :func:`hosts`: an interface or a vxlan, outlined where the packet's path runs."""
    box = {
        "boxstyle": "round,pad=0.2",
        "fc": colour,
        "alpha": 0.6 if on_path else 0.35,
        "ec": PATH_COLOUR if on_path else "none",
    }
    ax.text(x, y, text, ha="left", va="center", fontsize=10, bbox=box)


def _leg_text(r: Any) -> str:
    return f"{r.interface} {r.ip or ''} · mtu {r.mtu} · {r.network}"


def _vxlan_text(r: Any) -> str:
    return f"{r.interface}: VXLAN id {int(r.vxlan_id)}, UDP {int(r.udp_port)}"


def _host_plans(interfaces: Any, addresses: dict[str, str] | None) -> list[_HostPlan]:
    plans = []
    for host in dict.fromkeys(interfaces["host"]):
        rows = interfaces[interfaces["host"] == host]
        legs = [r for r in rows.itertuples(index=False) if not str(r.inside).startswith("overlay ")]
        containers = {name: [r for r in legs if r.inside == name] for name in dict.fromkeys(r.inside for r in legs)}
        vxlans = [r for r in rows.itertuples(index=False) if r.kind == "vxlan"]
        address = (addresses or {}).get(host)
        header = f"{host} · {address}" if address else str(host)
        port = int(vxlans[0].udp_port) if vxlans else 4789
        wire_end = f"{address} · UDP {port}" if address else f"UDP {port}"
        plan = _HostPlan(str(host), containers, vxlans, header, wire_end)
        overlay_captions = [_("overlay {network} (its own namespace)").format(network=r.network) for r in vxlans]
        texts = [_inches(t) + 0.75 for t in [*plan.rows(), *overlay_captions]] + [_inches(header, 11) + 0.4]
        plan.width = max([2.6, *texts])
        plans.append(plan)
    return plans


#: Inches of :func:`hosts`'s drawing around the host boxes: the wire and its caption underneath.
_HOSTS_GAP, _HOSTS_BOTTOM = 0.45, 1.25


def hosts_size(interfaces: Any, addresses: dict[str, str] | None = None) -> tuple[float, float]:
    """The size in inches that :func:`hosts` fills exactly, for a figure of one full-size axes."""
    plans = _host_plans(interfaces, addresses)
    width = sum(p.width for p in plans) + _HOSTS_GAP * max(len(plans) - 1, 0) + 0.2
    return width, max([p.height() for p in plans] + [1.0]) + _HOSTS_BOTTOM + 0.1


def hosts(
    interfaces: Any,
    ax: Axes | None = None,
    title: str | None = None,
    addresses: dict[str, str] | None = None,
    path: tuple[str, str] | None = None,
) -> Axes:
    """Hosts as boxes with their containers' interfaces, each overlay's namespace and VXLAN device, the
    wire between the hosts, and the path one packet takes across them.

    ``interfaces`` is :meth:`dockerlab.lab.cluster.ClusterLab.interfaces`'s frame (``host``, ``inside``,
    ``interface``, ``kind``, ``mtu``, ``vxlan_id``, ``udp_port``, ``ip``, ``network``); ``addresses`` maps
    a host to its own address on the wire. The path (``path``: source and target container, by default
    the first container on an overlay on the first host and on the last) goes container → its overlay
    ``eth`` → the overlay's namespace → the VXLAN device → the host's address on the wire, and up the
    same way on the other host. Drawn in inches: :func:`hosts_size` is the size it fills. Nothing is
    asked of an engine.
    """
    from matplotlib.patches import FancyBboxPatch

    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=hosts_size(interfaces, addresses))
    plans = _host_plans(interfaces, addresses)
    overlays = {str(r.network) for p in plans for r in p.vxlans}
    width, height = hosts_size(interfaces, addresses)
    top, bottom = height - 0.1, _HOSTS_BOTTOM
    wire_y = _HOSTS_BOTTOM - 0.3
    stops: dict[str, list[tuple[float, float]]] = {}  # container -> its path's stops, top down
    x0 = 0.1
    for plan in plans:
        ax.add_patch(
            FancyBboxPatch(
                (x0, bottom), plan.width, top - bottom, boxstyle="round,pad=0.03", fc="#f7f7f7", ec="#333333"
            )
        )
        ax.text(
            x0 + plan.width / 2, top - 0.22, plan.header, ha="center", va="center", fontsize=11, **bold(plan.header)
        )
        lane, y = x0 + 0.22, top - 0.5 - _ROW / 2
        left = x0 + 0.45
        for name, legs in plan.containers.items():
            box = {"boxstyle": "round,pad=0.25", "fc": "#3a3a3a", "ec": "#3a3a3a"}
            ax.text(left, y, name, ha="left", va="center", fontsize=10, color="white", bbox=box, **bold(name))
            stops[name] = [(lane, y)]
            y -= _ROW * 1.15
            for r in legs:
                net = str(r.network)
                colour = NO_NETWORK if net == "docker_gwbridge" else network_colour(net)
                on_path = net in overlays
                _row_label(ax, left + 0.1, y, _leg_text(r), colour, on_path)
                if on_path and len(stops[name]) == 1:
                    stops[name].append((lane, y))
                y -= _ROW
        if plan.vxlans:
            ns_top = y + _ROW / 2 - 0.05
            ns_height = (1 + len(plan.vxlans)) * _ROW + 0.1
            ax.add_patch(
                FancyBboxPatch(
                    (x0 + 0.4, ns_top - ns_height),
                    plan.width - 0.55,
                    ns_height,
                    boxstyle="round,pad=0.02",
                    fc="white",
                    ec="#8c8c8c",
                    ls="--",
                )
            )
            y -= 0.05
            caption = _("overlay {network} (its own namespace)").format(network=plan.vxlans[0].network)
            ax.text(left + 0.05, y, caption, ha="left", va="center", fontsize=10, color="#555555", style="italic")
            namespace_y = y
            y -= _ROW
            for r in plan.vxlans:
                _row_label(ax, left + 0.1, y, _vxlan_text(r), network_colour(str(r.network)), on_path=True)
                vxlan_y = y
                y -= _ROW
            for name, s in stops.items():
                if len(s) == 2 and name in plan.containers:
                    s += [(lane, namespace_y), (lane, vxlan_y)]
        ax.text(  # the host's own end of the wire, on the path's lane
            x0 + 0.08,
            bottom,
            plan.wire_end,
            ha="left",
            va="center",
            fontsize=10,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#333333"},
            zorder=6,
        )
        for name, s in stops.items():
            if len(s) == 4 and name in plan.containers:
                s += [(lane, bottom), (lane, wire_y)]
        x0 += plan.width + _HOSTS_GAP
    ax.plot([0.1, width - 0.1], [wire_y, wire_y], color="#555555", lw=3, solid_capstyle="round", zorder=1)
    port = next((int(r.udp_port) for p in plans for r in p.vxlans), 4789)
    ax.text(
        0.15,
        wire_y - _ROW,
        _("the wire between the hosts: UDP {port} from host address to host address").format(port=port),
        ha="left",
        va="center",
        fontsize=10,
        color="#333333",
    )
    _draw_packet_path(ax, plans, stops, path)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=12)
    return ax


def _draw_packet_path(
    ax: Axes, plans: list[_HostPlan], stops: dict[str, list[tuple[float, float]]], path: tuple[str, str] | None
) -> None:
    """Arrows from the source container down to the wire, along it, and up to the target container."""
    from matplotlib.patches import FancyArrowPatch

    whole = [name for p in plans for name in p.containers if len(stops.get(name, [])) == 6]
    if path is None:
        first = next((n for n in plans[0].containers if n in whole), None) if plans else None
        last = next((n for n in plans[-1].containers if n in whole), None) if len(plans) > 1 else None
        if first is None or last is None:
            return
        path = (first, last)
    source, target = path
    if source not in whole or target not in whole:
        return
    points = stops[source] + stops[target][::-1]
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    ax.plot(xs, ys, color=PATH_COLOUR, lw=2, zorder=4, solid_joinstyle="round")
    ax.plot(xs, ys, ls="", marker="o", ms=5, color=PATH_COLOUR, zorder=5)
    half = len(points) // 2
    for (x1, y1), (x2, y2) in (points[i : i + 2] for i in (0, 3, half - 1, half + 1, len(points) - 2)):
        middle = ((x1 + x2) / 2, (y1 + y2) / 2)
        step = ((x2 - x1) * 0.01, (y2 - y1) * 0.01)
        head = (middle[0] + step[0], middle[1] + step[1])
        ax.add_patch(
            FancyArrowPatch(middle, head, arrowstyle="-|>", mutation_scale=16, color=PATH_COLOUR, lw=0, zorder=5)
        )
    label = _("a packet from {source} to {target}").format(source=source, target=target)
    y = ys[half] - 2 * _ROW
    ax.plot([0.15, 0.55], [y, y], color=PATH_COLOUR, lw=2, marker="o", ms=5, markevery=[0])
    ax.text(0.65, y, label, ha="left", va="center", fontsize=10, color=PATH_COLOUR)
