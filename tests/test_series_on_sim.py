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

from dockerlab.services import SERVICE_GREETING

#: Notebooks that need a real engine by nature: 09 runs Docker Compose, a program that talks to the engine's socket.
REAL_ENGINE_ONLY = ("09",)
NOTEBOOKS = [
    p
    for p in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
    if not p.name.startswith(REAL_ENGINE_ONLY)
]
MATRIX = "does the row reach the column?"
PAGE = "/cgi-bin/db -> HTTP"
COMPARE = "predicted/measured by"
GUESS = "your prediction by"


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        data = out.get("text") or out.get("data", {}).get("text/plain", "")
        parts.append(data if isinstance(data, str) else "".join(data))
    return "".join(parts)


def run_on_sim(path: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("DOCKERLAB_ENGINE", "sim")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_notebook_runs_on_the_simulator_with_the_real_engine_lesson(path, monkeypatch):
    committed = nbformat.read(path, as_version=4)
    simulated = run_on_sim(path, monkeypatch)
    first = next(text_of(c) for c in simulated.cells if c.cell_type == "code" and text_of(c))
    assert "SIMULATED" in first
    pairs = [
        (text_of(real), text_of(sim))
        for real, sim in zip(committed.cells, simulated.cells, strict=True)
        if real.cell_type == "code" and any(mark in text_of(real) for mark in (MATRIX, PAGE, COMPARE, GUESS))
    ]
    assert any(MATRIX in real or GUESS in real for real, _ in pairs), "every notebook shows at least one matrix"
    if path.name.startswith("07"):
        assert sum(PAGE in real for real, _ in pairs) == 2, "07 fetches the app's page twice"
    for real, sim in pairs:
        assert lesson_lines(sim) == lesson_lines(real)


def lesson_lines(text: str) -> list[str]:
    """The lines that carry the lesson: matrix rows, and what the app's page said (host port masked)."""
    keep = [
        line
        for line in text.splitlines()
        if "✓" in line
        or "✗" in line
        or PAGE in line
        or "got:" in line
        or SERVICE_GREETING in line
        or COMPARE in line
        or GUESS in line
    ]
    return [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line) for line in keep]
