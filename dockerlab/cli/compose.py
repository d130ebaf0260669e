"""``dockerlab compose predict|compare``: a Compose file, predicted before it runs and compared after ``up``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from dockerlab import model
from dockerlab.cli.common import OK, PROBLEMS, Out
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import DockerlabError
from dockerlab.i18n import _
from dockerlab.setups import analyse, compose
from dockerlab.views import display, export

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd


def _project(args: argparse.Namespace) -> compose.Project:
    """The Compose project of ``args.file`` in its canonical form (``project_name``, ``profile`` applied)."""
    project = compose.load(args.file, args.project_name, profiles=args.profile or ())
    return project


def cmd_compose_predict(client: EngineClient | None, args: argparse.Namespace, out: Out) -> int:
    """Predict a Compose file before it runs: by container name and by service name, with explanations.

    Parameters
    ----------
    client:
        Unused (None): the prediction needs no engine.
    args:
        ``file``, ``project_name``, ``profile``, ``format`` (``"text"`` or ``"json"``), ``output`` (also
        draw it there) and ``quiet`` (the matrix only).
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`.
    """
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


def export_graph(matrix: pd.DataFrame, state: model.State) -> nx.DiGraph:
    """The graph of a predicted matrix over the state's containers.

    Parameters
    ----------
    matrix:
        Who reaches whom by name (:func:`dockerlab.model.predict_state`); columns that are no container
        of ``state`` (service names, aliases) are left out.
    state:
        The containers, with their networks and whether they run (the nodes' attributes).

    Returns
    -------
    networkx.DiGraph
        As :func:`dockerlab.views.graphs.reachability_graph` draws it.
    """
    from dockerlab.views.graphs import reachability_graph

    nodes = {b.name: {"networks": list(b.endpoints), "running": b.running} for b in state.boxes.values()}
    own = matrix[[c for c in matrix.columns if c in nodes]]
    return reachability_graph(own, nodes, by="name")


def cmd_compose_compare(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """After `docker compose up`: the file's prediction and the measurement side by side.

    Parameters
    ----------
    client:
        The engine the project runs on.
    args:
        ``file``, ``project_name`` and ``profile``.
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK` when the measurement agrees with the prediction, else
        :data:`~dockerlab.cli.common.PROBLEMS`.

    Raises
    ------
    DockerlabError
        When the project has no containers on this engine.
    """
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
