"""Shared fixtures: a real engine, and labs that clean up after themselves.

Integration tests skip when no engine answers, except under CI=true, where a
missing engine fails the run: CI must never pass by skipping.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
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


#: xdist groups (``-n 2 --dist loadgroup``, as scripts/test.sh runs the real engine's pass): what shares one
#: thing that two workers must not use at once runs in one worker, one test after another.
#: chapter 08's cluster (one fixed directory; the session's ``cluster``), the tests of clusters of other names,
#: notebook 08 and ex09's notebooks, which run on it
CLUSTER_GROUP = "cluster"
#: the nbval notebooks of both editions and the browser, which runs notebook 01: the two editions make labs
#: of the same names, so they take turns. The differential test goes first in this worker (see ALONE).
NOTEBOOK_GROUP = "notebooks"
#: Compose v2's projects, then v1's: together they would hold too much of the engine's default address pools
COMPOSE_GROUP = "compose"
#: Tests that read where the main engine's address pools stand and expect nothing but themselves to move them
#: while they run: under xdist they have the main engine alone (the other worker waits before its next test
#: that touches it, and meanwhile runs chapter 08's, which touch only the cluster's engines).
ALONE = ("test_differential.py",)


def _group(item: pytest.Item) -> str | None:
    """The xdist group ``item`` must run in, or None when any worker may run it."""
    path = item.path
    fixtures = set(getattr(item, "fixturenames", ()))
    params = getattr(getattr(item, "callspec", None), "params", {})
    if path.suffix == ".ipynb":
        return CLUSTER_GROUP if path.name.startswith("08_") else NOTEBOOK_GROUP
    if path.name in ("test_hosts.py", "test_differential_hosts.py") or "cluster" in fixtures:
        return CLUSTER_GROUP
    if "kernel" in fixtures and params.get("ex_id") == "ex09":
        return CLUSTER_GROUP
    if path.name == "test_browser.py" or path.name in ALONE:
        return NOTEBOOK_GROUP
    if path.name in ("test_compose.py", "test_compose_v1.py"):
        return COMPOSE_GROUP
    return None


def _main_engine_use(item: pytest.Item) -> int | None:
    """How ``item`` uses the main engine: fcntl.LOCK_EX (alone), LOCK_SH (shared with others), None (not)."""
    if item.path.name in ALONE:
        return fcntl.LOCK_EX
    fixtures = set(getattr(item, "fixturenames", ()))
    touches = item.path.suffix == ".ipynb" or bool({"engine", "client"} & fixtures)
    touches = touches or item.get_closest_marker("integration") is not None
    # chapter 08's tests run on the cluster's own engines (and read the main one's image), except the
    # fallback, which makes docker_gwbridge on the main engine, and ex09's, whose kernel resets the main
    # engine's exercise labs
    on_cluster = _group(item) == CLUSTER_GROUP and "kernel" not in fixtures and "fallback" not in item.name
    return fcntl.LOCK_SH if touches and not on_cluster else None


def _order(item: pytest.Item) -> int:
    """Under xdist, what needs the main engine alone first, then what needs it not, then the rest."""
    use = _main_engine_use(item)
    return 0 if use == fcntl.LOCK_EX else 1 if use is None else 2


#: The folder of this run's lock on the main engine: made by xdist's controller before its workers start
#: (they inherit it), removed by it at the end.
LOCK_DIR = "DOCKERLAB_TEST_LOCK_DIR"
_MADE_LOCK_DIR = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None):
        config.stash[_MADE_LOCK_DIR] = os.environ[LOCK_DIR] = tempfile.mkdtemp(prefix="dockerlab-xdist-")


def pytest_unconfigure(config: pytest.Config) -> None:
    made = config.stash.get(_MADE_LOCK_DIR, None)
    if made:
        shutil.rmtree(made, ignore_errors=True)
        os.environ.pop(LOCK_DIR, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """In an xdist worker, hold the main engine as :func:`_main_engine_use` says while the test runs."""
    folder = os.environ.get(LOCK_DIR) if os.environ.get("PYTEST_XDIST_WORKER") else None
    how = None if ON_SIM or not folder else _main_engine_use(item)
    if how is None:
        return (yield)
    with open(Path(folder) / "main-engine.lock", "a") as lock:
        fcntl.flock(lock, how)
        try:
            return (yield)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups into the test ids
def pytest_collection_modifyitems(config, items):
    """Mark nbval's cells slow, put items in their xdist group (and order them, under xdist); on the simulator,
    leave out (deselect, not skip) tests that need a real engine by nature."""
    for item in items:
        if item.path.suffix == ".ipynb":  # nbval's cells: a notebook in a kernel on the engine
            item.add_marker(pytest.mark.slow)
        group = _group(item)
        if group and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))
    if os.environ.get("PYTEST_XDIST_WORKER") and not ON_SIM:  # every worker sorts its collection the same way
        items.sort(key=_order)
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
        # A cluster left up before the session (by a run that was killed, say) would be reused as it is, with
        # whatever labs and networks it holds: the tests start from a fresh one instead.
        made.down(quiet=True)
        made.up(engine)
        yield made
    finally:
        made.down(quiet=True)


def pytest_sessionstart(session):
    """Remember whether chapter 08's cluster was up before the tests (a learner's own is left alone)."""
    from dockerlab.engines.hosts import ROOT

    if hasattr(session.config, "workerinput"):  # an xdist worker starts once the controller has looked
        return
    session.config.stash[_CLUSTER_BEFORE] = (ROOT / "dlab").exists()


def pytest_sessionfinish(session, exitstatus):
    """Tear down the cluster notebook 08 brought up during the tests, if it was not there before them.

    Never from a run on the simulator: scripts/test.sh runs one beside the real engine's, which may be
    using the cluster at that moment.
    """
    from dockerlab.engines.hosts import ROOT, Cluster

    if ON_SIM or hasattr(session.config, "workerinput"):  # an xdist worker: the controller does it, at the end
        return
    if not session.config.stash.get(_CLUSTER_BEFORE, True) and (ROOT / "dlab").exists():
        Cluster(echo=False).down(quiet=True)
