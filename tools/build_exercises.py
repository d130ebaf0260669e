"""Build the exercise notebooks from their one source of truth.

Each exercise is one Python file in ``notebooks/exercises/source/`` in the
"percent" format: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown
cell (its lines start with ``# ``). Code between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` is the solution. From each source this writes

- ``notebooks/exercises/<name>.ipynb``: the student's notebook, each solution
  region replaced by ``# your code here``;
- ``notebooks/exercises/solutions/<name>.ipynb``: the same with the solution.

The first cell of each notebook (title, objective, the chapters it builds
on, time) comes from :mod:`dockerlab.exercises`, so the text the learner
reads is the text the check is written against; the chapters are linked and
titled as the series' notebooks (``notebooks/NN_*.ipynb``) title themselves.

Usage::

    python tools/build_exercises.py          # (re)write the notebooks
    python tools/build_exercises.py --check  # exit 1 if a notebook is out of date
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SERIES_DIR = ROOT / "notebooks"
EXERCISES_DIR = SERIES_DIR / "exercises"
SOURCE_DIR = EXERCISES_DIR / "source"
SOLUTIONS_DIR = EXERCISES_DIR / "solutions"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = "# your code here"
_CELL = re.compile(r"^# %%(?:\s+\[(markdown)\])?\s*$")


@dataclass(frozen=True)
class Cell:
    """One cell of a source file."""

    kind: str  # "code" or "markdown"
    text: str


def parse(source: str) -> list[Cell]:
    """Split a percent-format source into cells.

    >>> [(c.kind, c.text) for c in parse("# %% [markdown]\\n# Hello\\n# %%\\nx = 1\\n")]
    [('markdown', 'Hello'), ('code', 'x = 1')]
    """
    cells: list[Cell] = []
    kind, lines = None, []

    def flush() -> None:
        if kind is None:
            return
        if kind == "markdown":
            body = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        else:
            body = lines
        text = "\n".join(body).strip("\n")
        if text:
            cells.append(Cell(kind, text))

    for line in source.splitlines():
        m = _CELL.match(line)
        if m:
            flush()
            kind, lines = ("markdown" if m.group(1) else "code"), []
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def strip_solution(code: str) -> str:
    """The student's version of a code cell: each solution region becomes ``# your code here``.

    >>> strip_solution("a = {}\\n### BEGIN SOLUTION\\na = {1: 2}\\n### END SOLUTION")
    'a = {}\\n# your code here'
    """
    out, inside = [], False
    for line in code.splitlines():
        if line.strip() == BEGIN:
            if inside:
                raise ValueError("nested ### BEGIN SOLUTION")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + PLACEHOLDER)
        elif line.strip() == END:
            if not inside:
                raise ValueError("### END SOLUTION without BEGIN")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("### BEGIN SOLUTION without END")
    return "\n".join(out)


def keep_solution(code: str) -> str:
    """The solution's version of a code cell: the markers removed, the code kept.

    >>> keep_solution("### BEGIN SOLUTION\\na = 1\\n### END SOLUTION")
    'a = 1'
    """
    return "\n".join(line for line in code.splitlines() if line.strip() not in (BEGIN, END))


def solution_code(cells: list[Cell]) -> str:
    """The code of every solution region, in order (what the tests run on a prepared lab)."""
    out, inside = [], False
    for cell in cells:
        if cell.kind != "code":
            continue
        for line in cell.text.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside:
                out.append(line)
    return "\n".join(out)


def exercise_id(path: Path) -> str:
    """``ex03`` from ``ex03_aliases.py``."""
    return path.stem.split("_", 1)[0]


def chapter_link(number: str, start: Path) -> str:
    """A markdown link to chapter ``number`` of the series, titled as the chapter's notebook is.

    ``start`` is the folder of the notebook the link is written in.
    """
    found = sorted(SERIES_DIR.glob(f"{number}_*.ipynb"))
    if not found:
        raise ValueError(f"no notebook of chapter {number} in {SERIES_DIR}")
    nb = nbformat.read(found[0], as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "markdown")
    title = first.splitlines()[0].lstrip("#").strip()
    return f"[{title}]({os.path.relpath(found[0], start).replace(os.sep, '/')})"


def header(ex_id: str, solution: bool) -> str:
    """The notebook's first cell, written from the exercise's entry in :mod:`dockerlab.exercises`.

    It gives the objective, the chapters of the series the exercise builds on
    (linked, titled as their notebooks), and the estimated time.
    """
    from dockerlab.exercises import EXERCISE_INFO, EXERCISES

    ex = EXERCISE_INFO[ex_id]
    number = EXERCISES.index(ex_id) + 1
    start = SOLUTIONS_DIR if solution else EXERCISES_DIR
    chapters = [chapter_link(c, start) for c in ex.chapters]
    builds_on = chapters[0] if len(chapters) == 1 else ", ".join(chapters[:-1]) + " and " + chapters[-1]
    time = f"About {ex.minutes} minutes."
    if ex.needs_engine:
        time += " Needs a real Docker engine: veth pairs are kernel interfaces, which the simulator does not have."
    lines = [
        f"# Exercise {number}: {ex.title}{' (solution)' if solution else ''}",
        "",
        f"**Objective.** {ex.objective}",
        "",
        f"**Builds on.** {builds_on}",
        "",
        f"**Time.** {time}",
        "",
        "Run the cells from the top: the first one prepares your lab and prints your task "
        "(running it again starts you afresh). Write your code in the cell marked `# your code here`, "
        "then run the check. The check first says what is wrong; to learn why, ask for a hint "
        f'(`exercises.hint("{ex_id}", 1)`, then 2, then 3) or run the check again without changing anything.',
    ]
    return "\n".join(lines)


def notebook(ex_id: str, cells: list[Cell], solution: bool) -> nbformat.NotebookNode:
    """One notebook (student or solution) with stable cell ids, so rebuilding changes nothing."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    all_cells = [Cell("markdown", header(ex_id, solution)), *cells]
    for i, cell in enumerate(all_cells):
        if cell.kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell.text, id=f"{ex_id}-{i:02d}"))
        else:
            text = keep_solution(cell.text) if solution else strip_solution(cell.text)
            nb.cells.append(nbformat.v4.new_code_cell(text, id=f"{ex_id}-{i:02d}"))
    return nb


def sources() -> list[Path]:
    """The source files, in exercise order."""
    return sorted(SOURCE_DIR.glob("ex*.py"))


def targets(path: Path) -> dict[bool, Path]:
    """Where a source's student (False) and solution (True) notebooks go."""
    name = path.stem + ".ipynb"
    return {False: EXERCISES_DIR / name, True: SOLUTIONS_DIR / name}


def build(check_only: bool = False) -> list[Path]:
    """Write every notebook; with ``check_only``, write nothing and return those out of date."""
    stale = []
    for path in sources():
        cells = parse(path.read_text())
        for solution, target in targets(path).items():
            text = nbformat.writes(notebook(exercise_id(path), cells, solution)) + "\n"
            if target.exists() and target.read_text() == text:
                continue
            stale.append(target)
            if not check_only:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    stale = build(check_only=args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
