"""The classroom's rules that need no root: chapter 08 in a learner's server, and the progress records."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerlab.engines import backend
from dockerlab.engines.sim.swarm import SimSwarm
from dockerlab.teaching import progress


def test_chapter_08_runs_on_the_simulated_swarm_in_a_classroom_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(backend.CLASSROOM_VARIABLE, "1")
    monkeypatch.delenv(backend.ENGINE_VARIABLE, raising=False)
    assert isinstance(backend.choose_cluster(), SimSwarm)
    assert capsys.readouterr().out.startswith(str(backend.SIM_CLASSROOM_BANNER)[:40])


def test_checks_are_recorded_in_the_home_only_in_a_classroom(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(progress.VARIABLE, raising=False)
    progress.record("ex01", passed=False, hints=0)
    assert not progress.path().exists()
    monkeypatch.setenv(progress.VARIABLE, "1")
    progress.record("ex01", passed=False, hints=0)
    progress.record("ex01", passed=True, hints=2)
    entry = progress.read(progress.path())["ex01"]
    assert (entry["passed"], entry["attempts"], entry["hints"]) == (True, 2, 2) and entry["seconds"] >= 0
