"""The learner commits to a prediction before each teaching measurement, and it is scored.

Read from the notebooks' sources (``tools/notebooks``) and the stored
notebooks: every chapter 01-08 has a "Your prediction" prompt; the very next
cell is the learner's prediction (``mine = {...}``), with no measurement in
between; the cell after scores it against a real measurement
(``lab.compare(..., mine=mine)``); and the stored run keeps a plausible
learner's answer with exactly one wrong cell, so a reader sees what a miss
looks like.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

from dockerlab import i18n
from dockerlab.i18n import _

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tools" / "notebooks").glob("0[1-8]_*.py"))
PROMPT = "## Your prediction"


def _parse():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse


def _text(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem[:2] for s in SOURCES])
def test_each_chapter_asks_for_a_prediction_before_measuring(source: Path) -> None:
    cells = _parse()(source.read_text())
    prompts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and PROMPT in _text(c)]
    assert prompts, f"{source.name}: no '{PROMPT}' before a measurement"
    for i in prompts:
        guess, measure = cells[i + 1], cells[i + 2]
        assert guess.cell_type == "code", f"{source.name}: the cell after the prompt must be the learner's"
        tree = ast.parse(_text(guess))
        assert [type(n) for n in tree.body] == [ast.Assign], f"{source.name}: the prediction cell only sets mine"
        assign = tree.body[0]
        assert isinstance(assign, ast.Assign) and isinstance(assign.value, ast.Dict)
        assert [t.id for t in assign.targets if isinstance(t, ast.Name)] == ["mine"]
        assert measure.cell_type == "code" and "mine=mine" in _text(measure) and "lab.compare(" in _text(measure)


EDITIONS = [(source, lang) for lang in ("en", "zh-CN") for source in SOURCES]
FOLDERS = {"en": ROOT / "notebooks", "zh-CN": ROOT / "notebooks" / "zh-CN"}
PROMPTS = {"en": PROMPT, "zh-CN": "## 你的预测"}


@pytest.mark.parametrize(("source", "lang"), EDITIONS, ids=[f"{lang}-{s.stem[:2]}" for s, lang in EDITIONS])
def test_the_stored_run_keeps_a_learners_answer_with_one_miss(source: Path, lang: str) -> None:
    with i18n.language(lang):
        head = _("your prediction {by}: {right} of {scored} right").split("{")[0]
        miss = _("you said {source} reaches {target} {how}; measured: {got}").split("{")[0]
    notebook = json.loads((FOLDERS[lang] / f"{source.stem}.ipynb").read_text())
    scored = []
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and "mine=mine" in "".join(cell["source"]):
            prompt = "".join(notebook["cells"][i - 2]["source"])
            assert PROMPTS[lang] in prompt, f"{lang} {source.name}: the prediction's prompt is not '{PROMPTS[lang]}'"
            text = "".join(
                "".join(o.get("data", {}).get("text/plain", "")) or "".join(o.get("text", ""))
                for o in cell.get("outputs", [])
            )
            scored.append(text.split("\n", 1)[-1] if text.startswith("$ docker") else text)
    assert scored, f"{lang} {source.name}: the stored notebook has no scored prediction (rebuild it)"
    for text in scored:
        assert text.startswith(head), text
        assert text.count("\n" + miss) == 1, f"{lang} {source.name}: the stored answer should miss one cell:\n{text}"
