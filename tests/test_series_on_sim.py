"""The notebook series on the simulator: it runs, says it is simulated, and
teaches the same lesson as the real engine (its matrices equal the outputs
committed from a real run).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
MATRIX = "does the row reach the column?"


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


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("07")], ids=lambda p: p.name[:2])
def test_notebook_runs_on_the_simulator_with_the_real_engine_lesson(path, monkeypatch):
    committed = nbformat.read(path, as_version=4)
    simulated = run_on_sim(path, monkeypatch)
    first = next(text_of(c) for c in simulated.cells if c.cell_type == "code" and text_of(c))
    assert "SIMULATED" in first
    pairs = [
        (text_of(real), text_of(sim))
        for real, sim in zip(committed.cells, simulated.cells, strict=True)
        if real.cell_type == "code" and MATRIX in text_of(real)
    ]
    assert pairs, "every notebook of the series shows at least one matrix"
    for real, sim in pairs:
        assert [line for line in sim.splitlines() if "✓" in line or "✗" in line] == [
            line for line in real.splitlines() if "✓" in line or "✗" in line
        ]


def test_notebook_07_says_it_needs_a_real_engine(monkeypatch):
    with pytest.raises(CellExecutionError, match="NeedsEngine"):
        run_on_sim(next(p for p in NOTEBOOKS if p.name.startswith("07")), monkeypatch)
