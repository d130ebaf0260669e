"""The English and Chinese editions of the series and the exercises are one work in two languages.

Both are built from one source per notebook (``tools/build_notebooks.py``,
``tools/build_exercises.py``): the code cells are the same, in the same
order, and only the prose differs. These tests hold the built notebooks to
that, and the build to refusing a source whose prose lacks a language.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tools" / "notebooks").glob("[0-9][0-9]_*.py"))
ENGLISH, CHINESE = ROOT / "notebooks", ROOT / "notebooks" / "zh-CN"
EXERCISE_FOLDERS = [
    (ENGLISH / "exercises", CHINESE / "exercises"),
    (ENGLISH / "exercises" / "solutions", CHINESE / "exercises" / "solutions"),
]
CJK = re.compile(r"[\u4e00-\u9fff]")
LINK = re.compile(r"\]\((?!https?:|#|mailto:)([^)\s]+)\)")


def _build_notebooks():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _pairs() -> list[tuple[Path, Path]]:
    pairs = [(ENGLISH / f"{s.stem}.ipynb", CHINESE / f"{s.stem}.ipynb") for s in SOURCES]
    for english, chinese in EXERCISE_FOLDERS:
        pairs += [(nb, chinese / nb.name) for nb in sorted(english.glob("ex*.ipynb"))]
    return pairs


PAIRS = _pairs()


@pytest.mark.parametrize("english,chinese", PAIRS, ids=[str(e.relative_to(ENGLISH)) for e, _ in PAIRS])
def test_both_editions_have_the_same_code_cells_in_the_same_order(english: Path, chinese: Path) -> None:
    assert english.exists(), f"{english.relative_to(ROOT)} is missing: build it"
    assert chinese.exists(), f"{chinese.relative_to(ROOT)} is missing: build the Chinese edition"
    en, zh = nbformat.read(english, as_version=4), nbformat.read(chinese, as_version=4)
    assert _code(en) == _code(zh)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem[:2] for s in SOURCES])
def test_the_built_notebooks_are_those_of_their_source(source: Path) -> None:
    """Every cell of both built editions is the source's: a change to the source needs a rebuild."""
    parse = _build_notebooks().parse
    text = source.read_text(encoding="utf-8")
    for lang, folder in (("en", ENGLISH), ("zh-CN", CHINESE)):
        built = nbformat.read(folder / f"{source.stem}.ipynb", as_version=4)
        expected = [c.source for c in parse(text, lang)]
        assert [c.source for c in built.cells] == expected, (
            f"notebooks/{folder.relative_to(ENGLISH)}/{source.stem}.ipynb is older than its source: "
            f"python tools/build_notebooks.py {source.stem[:2]}"
        ).replace("/./", "/")


@pytest.mark.parametrize("english,chinese", PAIRS, ids=[str(e.relative_to(ENGLISH)) for e, _ in PAIRS])
def test_the_chinese_prose_is_chinese_and_its_links_resolve(english: Path, chinese: Path) -> None:
    zh = nbformat.read(chinese, as_version=4)
    for cell in zh.cells:
        if cell.cell_type != "markdown":
            continue
        first = cell.source.splitlines()[0] if cell.source else ""
        assert CJK.search(cell.source), f"{chinese.name}: a prose cell has no Chinese: {first!r}"
        for target in LINK.findall(cell.source):
            path = (chinese.parent / target.split("#")[0]).resolve()
            assert path.exists(), f"{chinese.name}: the link {target!r} leads nowhere"


def test_the_build_refuses_a_prose_cell_without_its_other_language() -> None:
    parse = _build_notebooks().parse
    with pytest.raises(ValueError, match="no zh-CN counterpart"):
        parse("# %% [markdown]\n# Hello\n# %%\nx = 1\n")
    with pytest.raises(ValueError, match="does not follow an English prose cell"):
        parse("# %%\nx = 1\n# %% [markdown] lang=zh-CN\n# 你好\n")
    with pytest.raises(ValueError, match="code cells are the same in both editions"):
        parse("# %% lang=zh-CN\nx = 1\n")


NOTEBOOK_FILES = sorted(ENGLISH.glob("[0-9][0-9]_*.ipynb")) + sorted(CHINESE.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[str(p.relative_to(ENGLISH)) for p in NOTEBOOK_FILES])
def test_no_stored_output_is_an_error_or_a_warning(path: Path) -> None:
    """A stored run shows the lesson, not a traceback or a warning (a missing glyph is a figure with boxes)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: {out.get('ename')}: {out.get('evalue')}"
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            assert "Warning" not in text and "missing from font" not in text, f"{path.name}: {text[:300]}"
