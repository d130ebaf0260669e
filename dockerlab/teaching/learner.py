"""The learner's copy of a notebook: no answer shown before the learner predicts.

The repository's notebooks are the executed reference copies that nbval compares: every output
is stored, and each prediction cell holds a plausible learner's answer (``mine = {...}``, one
cell of it wrong). A learner must not see either before writing their own, so
``dockerlab tutorial`` hands out a copy made from the same file by :func:`learner_notebook`:

- no outputs in any code cell and no execution counts;
- in each prediction, ``mine = {(source, target): value, ...}``, every value replaced by ``...``:
  the pairs stay, so the learner sees what to predict, and ``lab.compare(mine=mine)`` stops
  with "write your prediction first" until every ``...`` is replaced
  (:func:`dockerlab.lab.validate.answered`).

A prediction is found by parsing each code cell with :mod:`ast`, not by matching its text: any
top-level assignment of a dict literal to the name ``mine``, however it is laid out. Only the
values' characters are replaced, so the cell keeps its layout.

>>> blank_predictions('mine = {("web", "db"): True, ("db", "web"): False}')
'mine = {("web", "db"): ..., ("db", "web"): ...}'
>>> blank_predictions("lab.compare(mine=mine)")
'lab.compare(mine=mine)'
"""

from __future__ import annotations

import ast
import json
from typing import Any

#: The name a prediction cell assigns (tools/notebooks/*.py: ``mine = {...}``, then ``lab.compare(mine=mine)``).
PREDICTION = "mine"
#: What stands for a blank in the learner's copy: Python's Ellipsis, which the cell still runs with.
BLANK = "..."


def _predictions(tree: ast.Module) -> list[ast.Dict]:
    """The dict literals assigned to :data:`PREDICTION` at the cell's top level."""
    found = []
    for node in tree.body:
        targets: list[ast.expr]
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Dict) and any(isinstance(t, ast.Name) and t.id == PREDICTION for t in targets):
            found.append(value)
    return found


def blank_predictions(source: str) -> str:
    """``source`` (a code cell) with every value of each ``mine = {...}`` replaced by ``...``.

    A cell that does not parse (IPython magics, a learner's typo) or has no prediction is returned as it is.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    values = [v for d in _predictions(tree) for v in d.values]
    if not values:
        return source
    lines = source.encode().splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    text = source.encode()  # ast's columns count UTF-8 bytes
    spans = sorted(
        (starts[v.lineno - 1] + v.col_offset, starts[v.end_lineno - 1] + v.end_col_offset)  # type: ignore[operator]
        for v in values
    )
    for begin, end in reversed(spans):
        text = text[:begin] + BLANK.encode() + text[end:]
    return text.decode()


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def learner_cells(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` (nbformat 4, as JSON) made the learner's: outputs cleared, predictions blank. Changed in place."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"] = []
        cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
        source = _source(cell)
        blank = blank_predictions(source)
        if blank != source:
            cell["source"] = blank.splitlines(keepends=True)
    return notebook


def learner_notebook(data: bytes) -> bytes:
    """The learner's copy of the notebook file ``data`` (its JSON), written as Jupyter writes notebooks."""
    notebook = learner_cells(json.loads(data))
    return (json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def blanks_in(notebook: dict[str, Any]) -> list[int]:
    """The indexes of the code cells holding a prediction, each of whose values is a blank (for the tests)."""
    found = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        try:
            dicts = _predictions(ast.parse(_source(cell)))
        except SyntaxError:
            continue
        if dicts and all(isinstance(v, ast.Constant) and v.value is Ellipsis for d in dicts for v in d.values):
            found.append(index)
    return found


def predictions_in(notebook: dict[str, Any]) -> list[int]:
    """The indexes of the code cells that set a prediction (blank or not)."""
    found = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        try:
            if _predictions(ast.parse(_source(cell))):
                found.append(index)
        except SyntaxError:
            continue
    return found


def answered_as(notebook: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    """``notebook``, a learner's copy, with each blank prediction answered as ``reference`` (the executed copy it
    was made from) answers it: what a learner does before "Run All", for the tests and benchmarks. In place."""
    theirs = reference.get("cells", [])
    for index in blanks_in(notebook):
        notebook["cells"][index]["source"] = theirs[index]["source"]
    return notebook
