"""``dockerlab predict``, ``explain`` and ``graph``: any containers on the engine, the lab's or not, read only.

Each reads the engine's inspect data and /etc/hosts files through
:mod:`dockerlab.setups.analyse` and changes nothing; ``--measure`` runs
``ping`` in the containers it analyses, nothing else.
"""

from __future__ import annotations

import argparse

from dockerlab.cli.common import OK, PROBLEMS, Out
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import DockerlabError
from dockerlab.i18n import _
from dockerlab.setups import analyse
from dockerlab.views import display, export


def _setup(client: EngineClient, args: argparse.Namespace) -> analyse.Setup:
    """The containers ``args`` selects (``names``, ``label`` or ``project``); refused when there are none."""
    setup = analyse.inspect_engine(client, names=args.names or None, label=args.label, project=args.project)
    if not setup.names and setup.selection == "all":
        raise DockerlabError(_("This engine has no containers: start some (`docker run`, `docker compose up`) first."))
    if not setup.names:
        raise DockerlabError(
            _("No container matches {selection}: `docker ps -a` lists them.").format(selection=setup.selection)
        )
    return setup


def _targets(setup: analyse.Setup, args: argparse.Namespace) -> list[str] | None:
    """The names to ping by: the containers and ``--also``'s; None for the default (the containers)."""
    return [*setup.names, *args.also] if args.by == "name" and args.also else None


def cmd_predict(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Predict who reaches whom among any containers, from the engine's state; with --measure, ping and compare.

    Parameters
    ----------
    client:
        The engine.
    args:
        The selection (``names``, ``label``, ``project``), ``by``, ``also``, ``measure``, ``explain`` and
        ``format`` (``"text"`` or ``"json"``).
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`, or with ``--measure``
        :data:`~dockerlab.cli.common.PROBLEMS` when the measurement differs from the prediction.

    Raises
    ------
    DockerlabError
        When no container matches the selection.
    """
    setup = _setup(client, args)
    targets = _targets(setup, args)
    if not args.measure:
        _print_predicted(setup, targets, args, out)
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


def _print_predicted(setup: analyse.Setup, targets: list[str] | None, args: argparse.Namespace, out: Out) -> None:
    """The predicted matrix as text or JSON, with an explanation per pair when ``args.explain``."""
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
        return
    title = _("{selection}, by {by}").format(selection=setup.selection, by=args.by)
    out(str(display.matrix(predicted, _("predicted ({title})").format(title=title))))
    if args.explain:
        for e in setup.explanations(args.by, targets):
            out(f"- {e}")


def cmd_explain(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Explain why one container can or cannot reach another (a name, or by IP an address).

    Parameters
    ----------
    client:
        The engine.
    args:
        ``source``, ``target``, ``by``, the selection (``label`` or ``project``) and ``format``.
    out:
        Prints the explanation (one line of text, or JSON).

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`, whatever the verdict.
    """
    setup = analyse.inspect_engine(client, label=args.label, project=args.project)
    explanation = setup.explain(args.source, args.target, args.by)
    out(export.explanations_json([explanation]) if args.format == "json" else str(explanation))
    return OK


def cmd_graph(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Draw who reaches whom (predicted, or measured with --measure) as PNG, SVG, DOT, Mermaid or JSON.

    Parameters
    ----------
    client:
        The engine.
    args:
        The selection (``names``, ``label``, ``project``), ``by``, ``measure``, ``output`` (the file) and
        ``format`` (None: from the file's extension).
    out:
        Prints one line: what was written.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`.
    """
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
