"""Drawing reachability graphs with networkx and matplotlib.

One layout and one colour scheme across the whole series, so that steps
compare at a glance: nodes sit on a circle in name order, Docker's default
bridge is always blue, and each other network keeps one colour by its name.
Functions take an optional ``ax``, return the axes and never call ``plt.show()``.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FIXED_COLOURS = {"bridge": "#4c72b0", "host": "#8c8c8c", "none": "#222222"}
PALETTE = ["#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#ccb974", "#64b5cd"]
NO_NETWORK = "#dddddd"


def network_colour(network: str | None) -> str:
    """The colour of a network, the same in every notebook.

    >>> network_colour("bridge")
    '#4c72b0'
    """
    if network is None:
        return NO_NETWORK
    if network in FIXED_COLOURS:
        return FIXED_COLOURS[network]
    return PALETTE[zlib.crc32(network.encode()) % len(PALETTE)]


def layout(names: list[str]) -> dict[str, tuple[float, float]]:
    """Positions on a circle in sorted name order (stable across steps)."""
    ordered = sorted(names)
    return nx.circular_layout(ordered) if len(ordered) > 1 else {n: (0.0, 0.0) for n in ordered}


def reachability(g: nx.DiGraph, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw who reaches whom: nodes coloured by network, arrows for reachability.

    A container on two networks is drawn in the first network's colour with a
    ring in the second's. One-way reachability (``--link``) shows as a single
    arrow; two-way as arrows both ways.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    pos = layout(list(g.nodes))
    networks_seen: list[str] = []
    fill, ring = [], []
    for n in g.nodes:
        nets = [x for x in g.nodes[n].get("networks", [])]
        for x in nets:
            if x not in networks_seen:
                networks_seen.append(x)
        fill.append(network_colour(nets[0] if nets else None))
        ring.append(network_colour(nets[1]) if len(nets) > 1 else "white")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=fill, edgecolors=ring, linewidths=4, node_size=1600)
    nx.draw_networkx_labels(g, pos, ax=ax, font_size=9, font_color="white", font_weight="bold")
    one_way = [(u, v) for u, v in g.edges if not g.has_edge(v, u)]
    two_way = [(u, v) for u, v in g.edges if g.has_edge(v, u)]
    common: dict[str, Any] = {"ax": ax, "node_size": 1600, "arrows": True, "arrowsize": 18, "width": 2}
    nx.draw_networkx_edges(g, pos, edgelist=two_way, edge_color="#333333",
                           connectionstyle="arc3,rad=0.12", **common)  # fmt: skip
    nx.draw_networkx_edges(g, pos, edgelist=one_way, edge_color="#c44e52", style="dashed",
                           connectionstyle="arc3,rad=0.12", **common)  # fmt: skip
    handles = [Line2D([], [], marker="o", ls="", ms=12, color=network_colour(x), label=x)
               for x in sorted(networks_seen)]  # fmt: skip
    handles += [Line2D([], [], color="#333333", lw=2, label="reaches (both ways)"),
                Line2D([], [], color="#c44e52", lw=2, ls="--", label="reaches (one way)")]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    by = g.graph.get("by", "name")
    ax.set_title(title or f"who reaches whom (by {by})", fontsize=10)
    ax.set_axis_off()
    ax.margins(0.25)
    return ax
