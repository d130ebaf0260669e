"""Build the exercise notebooks, both editions, from their one source of truth.

**Format, for translators.** A source holds both languages, as the series'
sources do (``tools/build_notebooks.py``): every English markdown cell is
followed at once by its Chinese counterpart, marked ``lang=zh-CN`` (with the
same tags, if any). Code cells have no language: both editions share them.
The build refuses a source in which a prose cell lacks its other language::

    # %% [markdown]
    # ## Look first
    # Try both directions by name.
    # %% [markdown] lang=zh-CN
    # ## 先观察
    # 用容器名分别试试两个方向。

    # %%
    print(lab.ping("e1-web", "e1-db"))

The first cell of each notebook is not in the source: it is written here
(see below), in the edition's language. ``python tools/build_exercises.py
--check`` says whether a source parses and the notebooks are up to date.

Each exercise is one Python file in ``notebooks/exercises/source/`` in the
"percent" format: ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown
cell (its lines start with ``# ``). Code between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` is the solution. From each source this writes, for the
English edition (and the same under ``notebooks/zh-CN/exercises/`` for the
Chinese one)

- ``notebooks/exercises/<name>.ipynb``: the student's notebook, each solution
  region replaced by ``# your code here``;
- ``notebooks/exercises/solutions/<name>.ipynb``: the same with the solution.

The first cell of each notebook (title, objective, the chapters it builds
on, time) comes from :mod:`dockerlab.teaching.exercises`, translated through its
gettext catalogue for the Chinese edition, so the text the learner reads is
the text the check is written against; the chapters are linked to the
series' notebooks of the same edition (``notebooks/NN_*.ipynb``,
``notebooks/zh-CN/NN_*.ipynb``) and titled as they title themselves.

Usage::

    python tools/build_exercises.py          # (re)write the notebooks
    python tools/build_exercises.py --check  # exit 1 if a notebook is out of date
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SERIES_DIR = ROOT / "notebooks"
EXERCISES_DIR = SERIES_DIR / "exercises"
SOURCE_DIR = EXERCISES_DIR / "source"
SOLUTIONS_DIR = EXERCISES_DIR / "solutions"
#: The series' folder of each edition; its exercises are in ``exercises/`` below it.
EDITIONS = {"en": SERIES_DIR, "zh-CN": SERIES_DIR / "zh-CN"}
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = "# your code here"

#: The fixed sentences of each notebook's first cell, by edition (the exercise's own words come from
#: :mod:`dockerlab.teaching.exercises` and its catalogue).
HEADER = {
    "en": {
        "title": "# Exercise {number}: {title}",
        "solution": " (solution)",
        "objective": "**Objective.** {objective}",
        "builds_on": "**Builds on.** {chapters}",
        "comma": ", ",
        "and": " and ",
        "time": "**Time.** About {minutes} minutes.",
        "engine": " Needs a real Docker engine: veth pairs are kernel interfaces, which the simulator does not have.",
        "how": "Run the cells from the top: the first one prepares your lab and prints your task "
        "(running it again starts you afresh). Write your code in the cell marked `# your code here`, "
        "then run the check. The check first says what is wrong; to learn why, ask for a hint "
        '(`exercises.hint("{ex_id}", 1)`, then 2, then 3) or run the check again without changing anything.',
    },
    "zh-CN": {
        "title": "# 练习 {number}：{title}",
        "solution": "（参考答案）",
        "objective": "**目标：** {objective}",
        "builds_on": "**前置章节：** {chapters}",
        "comma": "、",
        "and": " 和 ",
        "time": "**用时：** 约 {minutes} 分钟。",
        "engine": "需要真实的 Docker 引擎：veth pair是内核里的网络接口，模拟器里没有。",
        "how": "请从上往下依次运行各个单元格：第一个单元格会准备好你的实验环境，"
        "并打印你的任务（再次运行它就能从头再来）。把代码写在标有 `# your code here` 的单元格里，"
        "然后运行检查。检查会先告诉你哪里不对；想知道为什么，可以请求提示"
        '（先运行 `exercises.hint("{ex_id}", 1)`，再把 1 依次换成 2、3），或者什么都不改，再运行一次检查。',
    },
}


def _load_series_builder():
    """``tools/build_notebooks.py``, whose parser the exercises share (``tools`` is not a package)."""
    if "build_notebooks" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_notebooks"] = module
        spec.loader.exec_module(module)
    return sys.modules["build_notebooks"]


series = _load_series_builder()


@dataclass(frozen=True)
class Cell:
    """One cell of one edition of a source file."""

    kind: str  # "code" or "markdown"
    text: str
    tags: tuple[str, ...] = ()


def parse(source: str, lang: str = "en") -> list[Cell]:
    """Split a percent-format source into the cells of one edition (``lang``); empty cells are dropped.

    Refuses (``ValueError``) a prose cell whose other language is missing, as the series' build does.

    >>> src = "# %% [markdown]\\n# Hello\\n# %% [markdown] lang=zh-CN\\n# 你好\\n# %%\\nx = 1\\n"
    >>> [(c.kind, c.text) for c in parse(src)]
    [('markdown', 'Hello'), ('code', 'x = 1')]
    >>> [c.text for c in parse(src, "zh-CN")]
    ['你好', 'x = 1']
    >>> parse("# %% [markdown]\\n# Hello\\n# %%\\nx = 1\\n")
    Traceback (most recent call last):
    ValueError: line 1: prose cell 'Hello' has no zh-CN counterpart right after it
    """
    return [
        Cell(cell.cell_type, cell.source, tuple(cell.metadata.get("tags", ())))
        for cell in series.parse(source, lang)
        if cell.source
    ]


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


def chapter_link(number: str, start: Path, lang: str = "en") -> str:
    """A markdown link to chapter ``number`` of the series' ``lang`` edition, titled as that notebook is.

    ``start`` is the folder of the notebook the link is written in. The title is the first line of the
    chapter's first cell: read from its built notebook, or from its source if that edition is not built yet.
    """
    found = sorted(series.SOURCES.glob(f"{number}_*.py"))
    if not found:
        raise ValueError(f"no source of chapter {number} in {series.SOURCES}")
    target = EDITIONS[lang] / (found[0].stem + ".ipynb")
    if target.exists():
        cells = nbformat.read(target, as_version=4).cells
    else:
        try:
            cells = series.parse(found[0].read_text(encoding="utf-8"), lang)
        except ValueError as e:
            raise ValueError(f"chapter {number} has no complete {lang} edition yet ({found[0].name}: {e})") from e
    first = next(c.source for c in cells if c.cell_type == "markdown")
    title = first.splitlines()[0].lstrip("#").strip()
    return f"[{title}]({os.path.relpath(target, start).replace(os.sep, '/')})"


def header(ex_id: str, solution: bool, lang: str = "en") -> str:
    """The notebook's first cell, written from the exercise's entry in :mod:`dockerlab.teaching.exercises`.

    It gives the objective, the chapters of the series the exercise builds on
    (linked, titled as their notebooks), and the estimated time, in ``lang``.
    """
    from dockerlab import i18n
    from dockerlab.teaching.exercises import EXERCISE_INFO, EXERCISES

    words = HEADER[lang]
    ex = EXERCISE_INFO[ex_id]
    number = EXERCISES.index(ex_id) + 1
    start = targets(SOURCE_DIR / f"{ex_id}.py", lang)[solution].parent
    chapters = [chapter_link(c, start, lang) for c in ex.chapters]
    builds_on = chapters[0] if len(chapters) == 1 else words["comma"].join(chapters[:-1]) + words["and"] + chapters[-1]
    with i18n.language(lang):
        title, objective = i18n._(ex.title), i18n._(ex.objective)
    time = words["time"].format(minutes=ex.minutes) + (words["engine"] if ex.needs_engine else "")
    lines = [
        words["title"].format(number=number, title=title) + (words["solution"] if solution else ""),
        "",
        words["objective"].format(objective=objective),
        "",
        words["builds_on"].format(chapters=builds_on),
        "",
        time,
        "",
        words["how"].format(ex_id=ex_id),
    ]
    return "\n".join(lines)


def notebook(ex_id: str, cells: list[Cell], solution: bool, lang: str = "en") -> nbformat.NotebookNode:
    """One notebook (student or solution) with stable cell ids, so rebuilding changes nothing."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    all_cells = [Cell("markdown", header(ex_id, solution, lang)), *cells]
    for i, cell in enumerate(all_cells):
        if cell.kind == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.text, id=f"{ex_id}-{i:02d}")
        else:
            text = keep_solution(cell.text) if solution else strip_solution(cell.text)
            new = nbformat.v4.new_code_cell(text, id=f"{ex_id}-{i:02d}")
        if cell.tags:
            new.metadata["tags"] = list(cell.tags)
        nb.cells.append(new)
    return nb


def sources() -> list[Path]:
    """The source files, in exercise order."""
    return sorted(SOURCE_DIR.glob("ex*.py"))


def targets(path: Path, lang: str = "en") -> dict[bool, Path]:
    """Where a source's student (False) and solution (True) notebooks of edition ``lang`` go."""
    name = path.stem + ".ipynb"
    folder = EDITIONS[lang] / "exercises"
    return {False: folder / name, True: folder / "solutions" / name}


def build(check_only: bool = False) -> list[Path]:
    """Write every notebook of both editions; with ``check_only``, write nothing and return those out of date.

    Raises ``ValueError`` naming every source (or chapter) that cannot be built, after building the others.
    """
    stale, errors = [], []
    for path in sources():
        try:
            editions = {lang: parse(path.read_text(encoding="utf-8"), lang) for lang in EDITIONS}
        except ValueError as e:
            errors.append(f"{path.relative_to(ROOT)}: {e}")
            continue
        for lang, cells in editions.items():
            try:
                texts = {s: nbformat.writes(notebook(exercise_id(path), cells, s, lang)) + "\n" for s in (False, True)}
            except ValueError as e:
                errors.append(f"{path.relative_to(ROOT)} ({lang}): {e}")
                continue
            for solution, target in targets(path, lang).items():
                if target.exists() and target.read_text(encoding="utf-8") == texts[solution]:
                    continue
                stale.append(target)
                if not check_only:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(texts[solution], encoding="utf-8")
    if errors:
        raise ValueError("\n".join(errors))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    try:
        stale = build(check_only=args.check)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
