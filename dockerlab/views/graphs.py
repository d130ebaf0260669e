"""Reachability graphs built from a matrix, with no engine calls."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd


def reachability_graph(matrix: pd.DataFrame, nodes: dict[str, dict[str, Any]], by: str = "name") -> nx.DiGraph:
    """Build a DiGraph: one node per container, an edge ``src -> dst`` where reachable.

    ``matrix`` is :meth:`Lab.reachability`'s result; with ``by="ip"`` an edge
    carries ``networks``, the target's networks that answered. The graph's
    ``measured`` lists the ``(src, dst)`` pairs the matrix has a ✓ or ✗
    for: by IP a container with no address is no column, so nothing was
    measured towards it, and a figure must not claim it unreachable.

    >>> m = pd.DataFrame({"a": [pd.NA, True], "b": [False, pd.NA]}, index=["a", "b"], dtype="boolean")
    >>> g = reachability_graph(m, {"a": {}, "b": {}})
    >>> sorted(g.edges), sorted(g.graph["measured"])
    ([('b', 'a')], [('a', 'b'), ('b', 'a')])
    """
    measured: set[tuple[str, str]] = set()
    g: nx.DiGraph[str] = nx.DiGraph(by=by)
    for name in matrix.index:
        g.add_node(name, **nodes.get(name, {}))
    for name, attrs in nodes.items():
        if name not in g:
            g.add_node(name, **attrs)
    for src in matrix.index:
        row = matrix.loc[src]
        for col, value in row.items():
            dst, net = col if isinstance(col, tuple) else (col, None)
            if value is pd.NA or dst == src:
                continue
            measured.add((src, dst))
            if not bool(value):
                continue
            if g.has_edge(src, dst):
                g.edges[src, dst]["networks"].append(net)
            else:
                g.add_edge(src, dst, networks=[net] if net else [])
    g.graph["measured"] = sorted(measured)  # a list, so that a graph saved as JSON stays the same from run to run
    return g


def mutual_pairs(g: nx.DiGraph) -> list[tuple[str, str]]:
    """Pairs that reach each other both ways.

    >>> g = nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")])
    >>> mutual_pairs(g)
    [('a', 'b')]
    """
    return sorted({tuple(sorted((u, v))) for u, v in g.edges if g.has_edge(v, u)})
