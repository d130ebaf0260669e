"""Shared fixtures: a real engine, and labs that clean up after themselves.

Integration tests skip when no engine answers, except under CI=true, where a
missing engine fails the run: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from testenv import IN_CI, ON_SIM

from dockerlab.errors import EngineUnavailable
from dockerlab.lab import Lab

#: The tests read the library's English; a test of the Chinese edition chooses it itself. (A learner's
#: zh_CN locale on the machine would otherwise turn every message Chinese; kernels inherit this too.)
os.environ["DOCKERLAB_LANG"] = "en"
#: Whether chapter 08's cluster was up when the session started (see pytest_sessionfinish).
_CLUSTER_BEFORE = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    """On the simulator, leave out (deselect, not skip) tests that need a real engine by nature."""
    if not ON_SIM:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("engine_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def engine():
    """A client for the engine (the simulator under DOCKERLAB_ENGINE=sim), with the lab image provisioned."""
    from dockerlab.engines import backend, image

    try:
        client = backend.choose().client
        client.ping()
    except EngineUnavailable as e:
        if IN_CI:
            pytest.fail(f"CI=true but no Docker engine answers: {e}", pytrace=False)
        pytest.skip(f"no Docker engine answers (set CI=true to make this fail): {e}")
    image.provision(client)
    yield client
    client.close()


@pytest.fixture
def make_lab(engine) -> Iterator[Callable[..., Lab]]:
    """Make labs with unique names; every one is reset at teardown."""
    made: list[Lab] = []

    def make(prefix: str = "t", **kwargs) -> Lab:
        lab = Lab(f"{prefix}-{uuid.uuid4().hex[:8]}", client=engine, echo=False, **kwargs)
        made.append(lab)
        return lab

    yield make
    for lab in made:
        lab.reset()


@pytest.fixture
def lab(make_lab) -> Lab:
    """One fresh lab."""
    return make_lab()


@pytest.fixture
def uniq() -> Callable[[str], str]:
    """Container and network names unique to this test (names are global on an engine)."""
    tag = uuid.uuid4().hex[:6]
    return lambda name: f"{name}-{tag}"


@pytest.fixture(
    params=["sim", pytest.param("docker", marks=[pytest.mark.engine_only, pytest.mark.integration])],
)
def client(request: pytest.FixtureRequest) -> Any:
    """Each test twice: on a fresh simulator (always) and on the real engine (``engine``, when one answers)."""
    from dockerlab.engines.sim import SimClient

    if request.param == "sim":
        return SimClient()
    return request.getfixturevalue("engine")


@pytest.fixture(scope="session")
def cluster(engine):
    """The real 3-engine cluster of chapter 08 (dockerlab.engines.hosts), up once for the session, always torn down.

    Needs root on Linux; elsewhere the cross-host tests skip, except under CI=true, where they fail.
    """
    from dockerlab.engines import hosts

    missing = hosts.missing_tools()
    if missing:
        if IN_CI:
            pytest.fail(f"CI=true but the cluster cannot be made here: {', '.join(missing)}", pytrace=False)
        pytest.skip(f"extra engines cannot be started here: {', '.join(missing)}")
    made = hosts.Cluster(echo=False)
    try:
        made.up(engine)
        yield made
    finally:
        made.down(quiet=True)


def pytest_sessionstart(session):
    """Remember whether chapter 08's cluster was up before the tests (a learner's own is left alone)."""
    from dockerlab.engines.hosts import ROOT

    session.config.stash[_CLUSTER_BEFORE] = (ROOT / "dlab").exists()


def pytest_sessionfinish(session, exitstatus):
    """Tear down the cluster notebook 08 brought up during the tests, if it was not there before them.

    Never from a run on the simulator: scripts/test.sh runs one beside the real engine's, which may be
    using the cluster at that moment.
    """
    from dockerlab.engines.hosts import ROOT, Cluster

    if ON_SIM:
        return
    if not session.config.stash.get(_CLUSTER_BEFORE, True) and (ROOT / "dlab").exists():
        Cluster(echo=False).down(quiet=True)
