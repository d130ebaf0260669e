"""Faults a lesson meets: the engine going away or hanging, a container killed
mid-probe, the image deleted, a port in use, an interrupted cell, a refused --link.

Each ends in a DockerlabError that says what to do, never a hang or a raw
docker/requests traceback, and leaves nothing a later reset cannot find.
"""

from __future__ import annotations

import socket
import threading
import uuid

import docker
import docker.errors
import pytest
from docker.models.containers import Container, ContainerCollection
from engine_proxy import EngineProxy

from dockerlab.engines import image as labimage
from dockerlab.errors import EngineError, EngineTimeout, EngineUnavailable, ImageMissing, LinkUnsupported
from dockerlab.lab import Lab

pytestmark = pytest.mark.integration

# Generous bound that only catches a hang; speed is measured in benchmarks/, not here.
HANG = 60


def run_bounded(fn, seconds: float = HANG):
    """Run ``fn`` in a thread; fail the test if it has not returned within ``seconds``."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still running after {seconds} s: a hang"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def proxy(engine):
    p = EngineProxy().start()
    yield p
    p.stop()


@pytest.mark.engine_only
def test_engine_stops_between_cells_then_comes_back(proxy, monkeypatch, uniq):
    monkeypatch.setenv("DOCKER_HOST", proxy.url)
    lab = Lab(f"fault-{uuid.uuid4().hex[:6]}", echo=False, timeout=10)
    a, b = uniq("a"), uniq("b")
    lab.run(a)
    proxy.stop()
    for call in (lambda: lab.run(b), lambda: lab.reachability("name"), lab.reset, lambda: lab[a]):
        with pytest.raises(EngineUnavailable, match="No Docker engine answers"):
            run_bounded(call)
    proxy.start()
    assert lab.containers == [a]  # the lab carries on
    lab.run(b)
    assert lab.ping(b, lab[a].ip).ok
    lab.reset()
    assert lab.containers == []


@pytest.mark.engine_only
def test_dead_engine_is_reported_within_seconds(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    lab = Lab("dead", echo=False)
    with pytest.raises(EngineUnavailable) as e:
        run_bounded(lambda: lab.containers, seconds=15)
    assert "DOCKER_HOST" in str(e.value) and "docker group" in str(e.value)
    assert not isinstance(e.value.__cause__, EngineUnavailable)  # chained from the client's error


@pytest.mark.engine_only
def test_engine_that_never_answers_gives_our_timeout(proxy, monkeypatch):
    proxy.stop()
    proxy.start(mode="hang")
    monkeypatch.setenv("DOCKER_HOST", proxy.url)
    lab = Lab("hang", echo=False, timeout=3)
    with pytest.raises(EngineTimeout, match="did not answer"):
        run_bounded(lambda: lab.containers)


def test_default_timeout_is_bounded():
    from dockerlab.engines.client import DEFAULT_TIMEOUT

    assert 0 < DEFAULT_TIMEOUT <= HANG


@pytest.mark.engine_only
def test_container_killed_during_a_probe(engine, lab, uniq):
    victim, other, far = uniq("victim"), uniq("other"), uniq("far")
    net = lab.network(uniq("net"))
    lab.run(victim)
    lab.run(other)
    lab.run(far, network=net)  # unreachable from victim: its ping waits, so the probe is still running

    def kill_when_probing():
        c = engine.containers.get(lab[victim].id)
        for _ in range(200):  # bounded poll for the probe's exec
            c.reload()
            if c.attrs.get("ExecIDs"):
                c.kill()
                return
            threading.Event().wait(0.01)

    killer = threading.Thread(target=kill_when_probing, daemon=True)
    killer.start()
    frame = run_bounded(lambda: lab.probe("ip"))
    killer.join(10)
    rows = frame[frame.source == victim]
    assert len(rows) == 2 and not rows.ok.any()
    assert set(rows.reason) <= {"not-running", "timeout", "ok"} and "not-running" in set(rows.reason)
    assert not lab[victim].running
    assert frame[(frame.source == other) & (frame.target == far)].reason.item() == "timeout"


def test_image_deleted_mid_lesson(engine, uniq):
    tag = f"{labimage.REPOSITORY}:fault-{uuid.uuid4().hex[:6]}"
    lab = Lab(f"img-{uuid.uuid4().hex[:6]}", client=engine, image=tag, echo=False)
    made: list[str] = []  # image ids: the first one is left untagged (in use) by the forced removal
    try:
        lab.provision()
        made.append(engine.images.get(tag).id)
        lab.run(uniq("a"))
        engine.images.remove(tag, force=True)
        with pytest.raises(ImageMissing, match=r"lab\.provision\(\)"):
            lab.run(uniq("b"))
        lab.provision()  # provisioned again
        made.append(engine.images.get(tag).id)
        assert lab.run(uniq("b")).running
    finally:
        lab.reset()
        for image_id in made:
            _remove_if_only(engine, image_id, tag)


def _remove_if_only(client, image_id: str, tag: str) -> None:
    """Remove an image this test made, unless it also carries a tag that is not the test's."""
    try:
        found = client.images.get(image_id)
    except docker.errors.ImageNotFound:
        return
    if set(found.tags) <= {tag}:
        client.images.remove(image_id, force=True)
    else:
        client.images.remove(tag)


def test_published_port_in_use_leaves_nothing_behind(lab, uniq):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        with pytest.raises(EngineError, match=f"host port {port} is already in use"):
            lab.run(uniq("web"), ports={80: port}, command=["httpd", "-f", "-p", "80", "-h", "/var/www"])
        assert lab.containers == []
    finally:
        blocker.close()


@pytest.mark.engine_only
def test_interrupted_cell_leaves_nothing_reset_cannot_find(lab, uniq, monkeypatch):
    a = uniq("a")
    lab.run(a)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Container, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lab.run(uniq("b"))
    monkeypatch.setattr(Container, "exec_run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lab.reachability("name")
    monkeypatch.undo()
    assert len(lab.containers) == 2  # the half-made one carries the label
    lab.reset()
    assert lab.containers == []


@pytest.mark.engine_only
def test_engine_refusing_link_explains_the_replacement(lab, uniq, monkeypatch):
    mysql = uniq("mysql1")
    lab.run(mysql)

    def refuse(self, *args, **kwargs):
        response = type("R", (), {"status_code": 400, "reason": "Bad Request", "url": "/containers/create"})()
        raise docker.errors.APIError(
            "400 Client Error",
            response=response,
            explanation="legacy links are not supported on the default bridge network",
        )

    monkeypatch.setattr(ContainerCollection, "create", refuse)
    with pytest.raises(LinkUnsupported, match="user-defined network"):
        lab.run(uniq("tomcat1"), links=[mysql])
