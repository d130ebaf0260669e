"""The one place that chooses the engine: dockerlab.engines.backend, as Lab, lesson and the CLI use it."""

from __future__ import annotations

import pytest

from dockerlab.engines import backend
from dockerlab.engines.sim import SimClient
from dockerlab.errors import EngineUnavailable, InvalidInput
from dockerlab.lab import Lab
from dockerlab.teaching import lesson

NO_ENGINE = "unix:///nonexistent/docker.sock"


def test_sim_is_one_shared_simulator_and_says_so() -> None:
    one, two = Lab("s1", engine="sim", echo=False), Lab("s2", engine="sim", echo=False)
    assert one.client is two.client and one.simulated and two.simulated
    assert Lab("s3", client=SimClient(), echo=False).simulated


def test_the_variable_puts_the_simulator_everywhere(monkeypatch) -> None:
    monkeypatch.setenv("DOCKERLAB_ENGINE", "sim")
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    for engine in backend.ENGINES:
        assert backend.choose(engine).simulated
    assert Lab("s4", echo=False).simulated


def test_auto_falls_back_with_a_banner_but_never_under_ci(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DOCKERLAB_ENGINE", "")
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(EngineUnavailable):
        backend.choose("auto")
    with pytest.raises(EngineUnavailable):
        lesson.start("s5")
    monkeypatch.setenv("CI", "")
    assert backend.choose("auto").simulated
    lab = lesson.start("s5")
    assert lab.simulated and capsys.readouterr().out.startswith("SIMULATED")
    assert str(lesson.check_engine()).startswith("SIMULATED")
    monkeypatch.setenv("DOCKERLAB_ENGINE", "docker")  # the fallback forbidden
    with pytest.raises(EngineUnavailable):
        backend.choose("auto")


def test_docker_never_falls_back(monkeypatch) -> None:
    monkeypatch.setenv("DOCKERLAB_ENGINE", "")
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    monkeypatch.setenv("CI", "")
    with pytest.raises(EngineUnavailable):
        backend.choose("docker")
    with pytest.raises(EngineUnavailable):
        _ = Lab("s6", echo=False).containers


def test_an_unknown_engine_is_refused_before_connecting() -> None:
    with pytest.raises(InvalidInput, match="docker, sim, auto"):
        Lab("s7", engine="podman")
    with pytest.raises(InvalidInput):
        backend.choose("podman")
