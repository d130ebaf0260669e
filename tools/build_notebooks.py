"""Build the tutorial notebooks, both editions, from their readable sources and store the outputs of a real run.

The sources are ``tools/notebooks/NN_name.py`` in the "percent" format that
jupytext and VS Code also read::

    # %% [markdown]
    # # A title
    # Some prose.
    # %% [markdown] lang=zh-CN
    # # 标题
    # 一段文字。

    # %%
    lab = lesson.start("article")

    # %% tags=["nbval-ignore-output"]
    choice = lesson.choose_subnet(lab)

One source holds both editions. Each English prose cell is followed at once
by its Chinese counterpart, marked ``lang=zh-CN``. Code cells have no
language: they are the same in both editions, so a change to one changes
both. The build refuses a source in which a prose cell lacks its other
language.

Each source becomes ``notebooks/NN_name.ipynb`` (English) and
``notebooks/zh-CN/NN_name.ipynb`` (Chinese), executed top to bottom with
nbclient against the real engine, from the notebook's own folder (like
JupyterLab and nbval), so the committed outputs are those of a real run. The
Chinese edition runs with ``DOCKERLAB_LANG=zh-CN``: the library's output is
Chinese too. Usage::

    python tools/build_notebooks.py                 # every notebook, both editions
    python tools/build_notebooks.py 03 05           # only these
    python tools/build_notebooks.py --lang zh-CN    # only one edition
    python tools/build_notebooks.py --no-execute
    python tools/build_notebooks.py --check         # only parse: are both languages complete?
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebooks"
NOTEBOOKS = ROOT / "notebooks"
EDITIONS = {"en": NOTEBOOKS, "zh-CN": NOTEBOOKS / "zh-CN"}
_HEADER = re.compile(
    r"^# %%(?P<markdown> \[markdown\])?(?:\s+lang=(?P<lang>[A-Za-z-]+))?(?:\s+tags=(?P<tags>\[.*\]))?\s*$"
)

Cell = tuple[nbformat.NotebookNode, str | None, int]  # a cell, its language (None: code), its line


def parse(text: str, lang: str = "en") -> list[nbformat.NotebookNode]:
    """Split a percent-format source into the cells of one edition (``lang``).

    Refuses (``ValueError``) a prose cell whose other language is missing.

    >>> src = "# %% [markdown]\\n# Hi\\n# %% [markdown] lang=zh-CN\\n# 你好\\n# %%\\nx = 1\\n"
    >>> [c.source for c in parse(src)], [c.source for c in parse(src, "zh-CN")]
    (['Hi', 'x = 1'], ['你好', 'x = 1'])
    >>> parse("# %% [markdown]\\n# Hi\\n# %%\\nx = 1\\n")
    Traceback (most recent call last):
    ValueError: line 1: prose cell 'Hi' has no zh-CN counterpart right after it
    """
    if lang not in EDITIONS:
        raise ValueError(f"unknown edition {lang!r}: choose from {', '.join(EDITIONS)}")
    cells = _cells(text)
    check_pairs(cells)
    chosen = [cell for cell, cell_lang, _ in cells if cell_lang in (None, lang)]
    for i, cell in enumerate(chosen):  # stable ids: diffs stay small between builds
        cell["id"] = f"c{i:02d}"
    return chosen


def check_pairs(cells: list[Cell]) -> None:
    """Refuse a source in which an English prose cell is not followed at once by its Chinese one."""
    for i, (cell, lang, line) in enumerate(cells):
        after = cells[i + 1][1] if i + 1 < len(cells) else None
        before = cells[i - 1][1] if i else None
        first = cell.source.splitlines()[0] if cell.source else ""
        if lang not in (None, *EDITIONS):
            raise ValueError(f"line {line}: unknown language {lang!r}: use lang=zh-CN")
        if lang == "en" and after != "zh-CN":
            raise ValueError(f"line {line}: prose cell {first!r} has no zh-CN counterpart right after it")
        if lang == "zh-CN" and before != "en":
            raise ValueError(f"line {line}: zh-CN cell {first!r} does not follow an English prose cell")


def _cells(text: str) -> list[Cell]:
    """Every cell of a source with its language (``en`` for unmarked prose, ``None`` for code) and line."""
    cells: list[Cell] = []
    kind, tags, lines, lang, start = None, [], [], None, 0

    def flush() -> None:
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            stray = [line for line in body.splitlines() if line and not line.startswith("#")]
            if stray:  # jupytext would read it as code: a prose line lost its "# "
                raise ValueError(f"line {start}: markdown line without '# ': {stray[0]!r}")
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        cells.append((cell, lang or ("en" if kind == "markdown" else None), start))

    for number, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            flush()
            kind = "markdown" if m.group("markdown") else "code"
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            lang, lines, start = m.group("lang"), [], number
            if lang and kind == "code":
                raise ValueError(f"line {number}: code cells are the same in both editions; drop lang={lang}")
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def build(source: Path, execute: bool = True, lang: str = "en") -> Path:
    """Write (and by default execute) the ``lang`` edition of the notebook built from ``source``; return its path."""
    nb = nbformat.v4.new_notebook()
    nb.cells = parse(source.read_text(encoding="utf-8"), lang)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    folder = EDITIONS[lang]
    folder.mkdir(exist_ok=True)
    if execute:
        client = NotebookClient(
            nb,
            timeout=180,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(folder)}},
        )
        saved = os.environ.get("DOCKERLAB_LANG")
        os.environ["DOCKERLAB_LANG"] = lang  # the kernel inherits it: the library speaks the edition's language
        try:
            client.execute()
        finally:
            if saved is None:
                os.environ.pop("DOCKERLAB_LANG", None)
            else:
                os.environ["DOCKERLAB_LANG"] = saved
    out = folder / (source.stem + ".ipynb")
    nbformat.validate(nb)
    nbformat.write(nb, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook number prefixes to build, e.g. 03")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    parser.add_argument("--lang", choices=sorted(EDITIONS), action="append", help="only this edition (repeatable)")
    parser.add_argument("--check", action="store_true", help="only parse the sources; write nothing")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    if args.only:
        sources = [s for s in sources if any(s.name.startswith(p) for p in args.only)]
    if args.check:
        failed = 0
        for source in sources:
            try:
                editions = [parse(source.read_text(encoding="utf-8"), lang) for lang in EDITIONS]
            except ValueError as e:
                print(f"{source.relative_to(ROOT)}: {e}", file=sys.stderr)
                failed += 1
                continue
            print(f"{source.relative_to(ROOT)}: {' / '.join(str(len(cells)) for cells in editions)} cells")
        return 1 if failed else 0
    for source in sources:
        for lang in args.lang or list(EDITIONS):
            t0 = time.monotonic()
            out = build(source, execute=not args.no_execute, lang=lang)
            print(f"{out.relative_to(ROOT)}  ({time.monotonic() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
