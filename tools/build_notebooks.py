"""Build the tutorial notebooks from their readable sources and store the outputs of a real run.

The sources are ``tools/notebooks/NN_name.py`` in the "percent" format that
jupytext and VS Code also read::

    # %% [markdown]
    # # A title
    # Some prose.

    # %%
    lab = lesson.start("article")

    # %% tags=["nbval-ignore-output"]
    choice = lesson.choose_subnet(lab)

Each becomes ``notebooks/NN_name.ipynb``, executed top to bottom with
nbclient against the real engine (run from ``notebooks/``, like JupyterLab
and nbval), so the committed outputs are those of a real run. Usage::

    python tools/build_notebooks.py            # every notebook
    python tools/build_notebooks.py 03 05      # only these
    python tools/build_notebooks.py --no-execute
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebooks"
NOTEBOOKS = ROOT / "notebooks"
_HEADER = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")


def parse(text: str) -> list[nbformat.NotebookNode]:
    """Split a percent-format source into notebook cells."""
    cells: list[nbformat.NotebookNode] = []
    kind, tags, lines = None, [], []

    def flush() -> None:
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            stray = [line for line in body.splitlines() if line and not line.startswith("#")]
            if stray:  # jupytext would read it as code: a prose line lost its "# "
                raise ValueError(f"markdown line without '# ': {stray[0]!r}")
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)

    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            flush()
            kind = "markdown" if m.group("markdown") else "code"
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            lines = []
        elif kind is not None:
            lines.append(line)
    flush()
    for i, cell in enumerate(cells):  # stable ids: diffs stay small between builds
        cell["id"] = f"c{i:02d}"
    return cells


def build(source: Path, execute: bool = True) -> Path:
    """Write (and by default execute) the notebook built from ``source``; return its path."""
    nb = nbformat.v4.new_notebook()
    nb.cells = parse(source.read_text(encoding="utf-8"))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    if execute:
        client = NotebookClient(
            nb,
            timeout=180,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        client.execute()
    out = NOTEBOOKS / (source.stem + ".ipynb")
    nbformat.validate(nb)
    nbformat.write(nb, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook number prefixes to build, e.g. 03")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    if args.only:
        sources = [s for s in sources if any(s.name.startswith(p) for p in args.only)]
    for source in sources:
        t0 = time.monotonic()
        out = build(source, execute=not args.no_execute)
        print(f"{out.relative_to(ROOT)}  ({time.monotonic() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
