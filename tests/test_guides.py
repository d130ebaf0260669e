"""Both teacher's guides have a section for every chapter and every exercise that exists.

The chapters are read from the notebooks folder (``notebooks/NN_*.ipynb``) and the
exercises from the exercises folder (``notebooks/exercises/exNN_*.ipynb``), so a new
chapter or exercise fails this test until both guides describe it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"

#: Each guide, and the heading that opens a chapter's section in it (``{nn}`` is the number).
GUIDES = {
    "teachers.md": r"^### Chapter {nn} · ",
    "teachers.zh-CN.md": r"^### 第 {nn} 章 · ",
}


def _chapters() -> list[str]:
    """The chapters' numbers, from the notebooks folder: ``["00", "01", ...]``."""
    return sorted(p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _exercises() -> list[str]:
    """The exercises' ids, from the exercises folder: ``["ex01", ...]``."""
    return sorted(p.name.split("_")[0] for p in (NOTEBOOKS / "exercises").glob("ex[0-9][0-9]_*.ipynb"))


def test_the_folders_give_the_series_and_the_exercises():
    """The derivation itself: 00-09 and ex01-ex09 today, so an empty glob cannot pass the tests below."""
    assert _chapters()[:1] == ["00"] and len(_chapters()) >= 10
    assert _exercises()[:1] == ["ex01"] and len(_exercises()) >= 9


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_chapter_has_a_section(guide: str):
    text = (DOCS / guide).read_text(encoding="utf-8")
    missing = [nn for nn in _chapters() if not re.search(GUIDES[guide].format(nn=nn), text, re.MULTILINE)]
    assert not missing, f"docs/{guide} has no section for chapter(s) {', '.join(missing)}"


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_exercise_has_a_section(guide: str):
    text = (DOCS / guide).read_text(encoding="utf-8")
    missing = [ex for ex in _exercises() if not re.search(rf"^### {ex} · ", text, re.MULTILINE)]
    assert not missing, f"docs/{guide} has no section for exercise(s) {', '.join(missing)}"


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_chapter_section_links_its_notebook(guide: str):
    """Each chapter's section names its notebook, so a teacher can open it from the guide."""
    text = (DOCS / guide).read_text(encoding="utf-8")
    unlinked = []
    for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        heading = re.search(GUIDES[guide].format(nn=notebook.name[:2]), text, re.MULTILINE)
        if heading is None:
            continue  # reported by test_every_chapter_has_a_section
        following = text[heading.end() :].split("\n### ", 1)[0]
        if notebook.name not in following:
            unlinked.append(notebook.name)
    assert not unlinked, f"docs/{guide}: the section of {', '.join(unlinked)} does not link the notebook"


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_chapter_and_exercise_is_in_a_class_plan(guide: str):
    """The class plans (up to the chapter guides) name every chapter and every exercise at least once."""
    text = (DOCS / guide).read_text(encoding="utf-8")
    start = re.search(r"^## (Class plans|课时安排)$", text, re.MULTILINE)
    end = re.search(r"^## (Chapter guides|各章指南)$", text, re.MULTILINE)
    assert start and end, f"docs/{guide} has no class plans before its chapter guides"
    plans = text[start.end() : end.start()]
    absent = [nn for nn in _chapters() if not re.search(rf"(?<![\w.]){nn}(?![\d.])", plans)]
    absent += [ex for ex in _exercises() if ex not in plans and not _in_a_range(ex, plans)]
    assert not absent, f"docs/{guide}: the class plans never mention {', '.join(absent)}"


def _in_a_range(exercise: str, text: str) -> bool:
    """Whether ``exercise`` falls in a range the text names, such as ``ex05–ex08``."""
    number = int(exercise[2:])
    for low, high in re.findall(r"ex(\d\d)\s*[–-]\s*ex(\d\d)", text):
        if int(low) <= number <= int(high):
            return True
    return False
