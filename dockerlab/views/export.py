"""Reachability in the ecosystem's formats: JSON, Graphviz DOT (networkx with pydot), Mermaid, PNG and SVG.

Views only: each function takes a matrix or a graph (see
:func:`dockerlab.views.graphs.reachability_graph`) and returns text or writes a
file; none asks an engine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from dockerlab.errors import InvalidInput
from dockerlab.i18n import _
from dockerlab.views.colours import ONE_WAY, network_colours

#: Output formats by file extension.
FORMATS = {".png": "png", ".svg": "svg", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".json": "json"}


def format_of(path: str | Path, given: str | None = None) -> str:
    """The format to write: ``given``, else from the file's extension.

    >>> format_of("graph.svg"), format_of("out.txt", "mermaid")
    ('svg', 'mermaid')
    """
    if given:
        if given not in {*FORMATS.values(), "text"}:
            raise InvalidInput(
                _("Unknown format {format!r}: use one of {known}.").format(
                    format=given, known=", ".join(sorted({*FORMATS.values(), "text"}))
                )
            )
        return given
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise InvalidInput(
            _("Cannot tell the format of {path} from its extension: name it {known}, or give --format.").format(
                path=path, known=", ".join(sorted(FORMATS))
            )
        )
    return found


def _cell(value: object) -> bool | None:
    return None if value is pd.NA or value is None else bool(value)


def matrix_json(matrix: pd.DataFrame, explanations: Sequence[Any] = (), **meta: Any) -> str:
    """A matrix (and its explanations) as JSON: ``{"rows", "columns", "reaches": {source: {target: bool|null}}}``.

    >>> m = pd.DataFrame({"a": [pd.NA, True], "b": [False, pd.NA]}, index=["a", "b"], dtype="boolean")
    >>> json.loads(matrix_json(m))["reaches"]["b"]
    {'a': True, 'b': None}
    """
    label = {c: ("/".join(map(str, c)) if isinstance(c, tuple) else str(c)) for c in matrix.columns}
    data: dict[str, Any] = {
        **meta,
        "rows": [str(r) for r in matrix.index],
        "columns": list(label.values()),
        "reaches": {str(r): {label[c]: _cell(matrix.loc[r, c]) for c in matrix.columns} for r in matrix.index},
    }
    if explanations:
        data["explanations"] = [_explanation(e) for e in explanations]
    return json.dumps(data, indent=2, ensure_ascii=False)


def _explanation(e: Any) -> dict[str, Any]:
    keys = ("source", "target", "by", "reachable", "reason", "address", "text")
    return {k: getattr(e, k) for k in keys}


def explanations_json(explanations: list[Any]) -> str:
    """Explanations (:class:`dockerlab.model.Explanation`) as a JSON list."""
    return json.dumps([_explanation(e) for e in explanations], indent=2, ensure_ascii=False)


def _node_label(name: str, attrs: dict[str, Any]) -> str:
    nets = ", ".join(attrs.get("networks") or []) or _("no network")
    return f"{name}\n{nets}"


def to_dot(g: nx.DiGraph) -> str:
    """Graphviz DOT through networkx and pydot: nodes coloured by network, one-way edges dashed.

    >>> print(to_dot(nx.DiGraph([("a", "b")], by="name")).splitlines()[0])
    strict digraph {
    """
    colours = network_colours(sorted({x for n in g.nodes for x in g.nodes[n].get("networks", [])}))
    clean: nx.DiGraph[str] = nx.DiGraph()
    for n, attrs in g.nodes(data=True):
        nets = list(attrs.get("networks") or [])
        clean.add_node(
            n,
            label=_node_label(n, attrs),
            shape="box",
            style="filled,rounded",
            fillcolor=colours[nets[0] if nets else None],
            fontname="Helvetica",
        )
    for u, v in g.edges:
        if g.has_edge(v, u):
            clean.add_edge(u, v, color="#333333")
        else:
            clean.add_edge(u, v, color=ONE_WAY, style="dashed")
    dot = nx.nx_pydot.to_pydot(clean)
    dot.set_graph_defaults(rankdir="LR")
    return str(dot.to_string())


def to_mermaid(g: nx.DiGraph) -> str:
    """A Mermaid flowchart (for READMEs and issue threads): ``<-->`` both ways, ``-.->`` one way.

    >>> print(to_mermaid(nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")])))
    flowchart LR
      n0["a"]
      n1["b"]
      n2["c"]
      n0 <--> n1
      n0 -.-> n2
    """
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}
    lines = ["flowchart LR"]
    for n, attrs in g.nodes(data=True):
        nets = ", ".join(attrs.get("networks") or [])
        text = f"{n}<br/><small>{nets}</small>" if nets else str(n)
        lines.append(f'  {ids[n]}["{text.replace(chr(34), "#quot;")}"]')
    done: set[tuple[str, str]] = set()
    for u, v in g.edges:
        if (v, u) in done:
            continue
        arrow = "<-->" if g.has_edge(v, u) else "-.->"
        lines.append(f"  {ids[u]} {arrow} {ids[v]}")
        done.add((u, v))
    return "\n".join(lines)


def save_graph(g: nx.DiGraph, path: str | Path, fmt: str | None = None, title: str | None = None) -> str:
    """Write ``g`` to ``path`` as PNG, SVG (matplotlib), DOT, Mermaid or JSON; returns the format."""
    fmt = format_of(path, fmt)
    path = Path(path)
    if fmt in ("png", "svg"):
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        from dockerlab.views import plot

        side = max(5.0, 0.6 * len(g.nodes))
        fig, ax = plt.subplots(figsize=(side + 2, side))
        plot.reachability(g, ax=ax, title=title)
        fig.savefig(path, format=fmt, bbox_inches="tight", dpi=110)
        plt.close(fig)
    elif fmt == "dot":
        path.write_text(to_dot(g) + "\n", encoding="utf-8")
    elif fmt == "mermaid":
        path.write_text(to_mermaid(g) + "\n", encoding="utf-8")
    elif fmt == "json":
        data = nx.node_link_data(g, edges="edges")
        path.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        raise InvalidInput(_("A graph cannot be written as {format}.").format(format=fmt))
    return fmt
