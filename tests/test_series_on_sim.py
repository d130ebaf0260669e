"""The notebook series on the simulator: it runs, says it is simulated, and
teaches the same lesson as the real engine (its matrices, predicted and
measured, and in 07 the pages the app served, equal the outputs committed
from a real run).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dockerlab import i18n
from dockerlab.i18n import _
from dockerlab.kernel.services import SERVICE_GREETING

#: Each notebook in a kernel of its own: seconds each.
pytestmark = pytest.mark.slow
FOLDER = Path(__file__).resolve().parents[1] / "notebooks"
#: Notebooks that need a real engine by nature: 09 runs Docker Compose, a program that talks to the engine's
#: socket. (08 runs on the simulated swarm; its kernel-evidence cells say there is no kernel to show.)
REAL_ENGINE_ONLY = ("09",)
PAGE = "/cgi-bin/db -> HTTP"
#: Both editions: the Chinese one runs (and was stored) with the library speaking Chinese.
NOTEBOOKS = [
    (p, lang)
    for lang, folder in (("en", FOLDER), ("zh-CN", FOLDER / "zh-CN"))
    for p in sorted(folder.glob("0*.ipynb"))
    if not p.name.startswith(REAL_ENGINE_ONLY)
]


def markers(lang: str) -> dict[str, str]:
    """The words that mark a lesson's output, in ``lang``: the text of each message before its first placeholder."""
    with i18n.language(lang):
        return {
            "matrix": _("does the row reach the column?"),
            "compare": _("predicted/measured {by}: every prediction came true").split("{")[0],
            "guess": _("your prediction {by}: {right} of {scored} right").split("{")[0],
        }


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        data = out.get("text") or out.get("data", {}).get("text/plain", "")
        parts.append(data if isinstance(data, str) else "".join(data))
    return "".join(parts)


def run_on_sim(path: Path, lang: str, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("DOCKERLAB_ENGINE", "sim")
    monkeypatch.setenv("DOCKERLAB_LANG", lang)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@pytest.mark.parametrize(("path", "lang"), NOTEBOOKS, ids=[f"{lang}-{p.name[:2]}" for p, lang in NOTEBOOKS])
def test_notebook_runs_on_the_simulator_with_the_real_engine_lesson(path, lang, monkeypatch):
    committed = nbformat.read(path, as_version=4)
    simulated = run_on_sim(path, lang, monkeypatch)
    first = next(text_of(c) for c in simulated.cells if c.cell_type == "code" and text_of(c))
    assert "SIMULATED" in first
    words = markers(lang)
    marks = (words["matrix"], PAGE, words["compare"], words["guess"])
    pairs = [
        (text_of(real), text_of(sim))
        for real, sim in zip(committed.cells, simulated.cells, strict=True)
        if real.cell_type == "code" and any(mark in text_of(real) for mark in marks)
    ]
    assert any(words["matrix"] in real or words["guess"] in real for real, _ in pairs), "every notebook shows a matrix"
    if path.name.startswith("07"):
        assert sum(PAGE in real for real, _ in pairs) == 2, "07 fetches the app's page twice"
    for real, sim in pairs:
        assert lesson_lines(sim, words) == lesson_lines(real, words)


def lesson_lines(text: str, words: dict[str, str]) -> list[str]:
    """The lines that carry the lesson: matrix rows, and what the app's page said (host port masked)."""
    keep = [
        line
        for line in text.splitlines()
        if "✓" in line
        or "✗" in line
        or PAGE in line
        or "got:" in line
        or SERVICE_GREETING in line
        or words["compare"] in line
        or words["guess"] in line
    ]
    return [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line) for line in keep]
