"""The consented pull, through a real registry on this machine's loopback, as a learner would use it.

The registry is Debian's ``docker-registry``, started by ``scripts/registry.sh``
on 127.0.0.1 (the engine trusts plain HTTP there without any configuration:
dockerd's default insecure registries are 127.0.0.0/8). The tests push a
busybox stand-in to it with the registry's HTTP API: a multi-arch image index
whose images are built from Debian's static busybox, the machine's own
(amd64 here) and a real arm64 one (``scripts/registry.sh busybox arm64``
downloads Debian's ``busybox-static:arm64``; nothing is installed). Then
``dockerlab.engines.image.provision(pull=True)`` pulls it by digest, with the registry
given as configuration, and builds the lab image on it. Nothing talks to any
other registry.

Every bad case ends in an ``ImagePullError`` (a ``DockerlabError``) and leaves
nothing behind: no pulled image, no lab image, no intermediate image.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from testenv import IN_CI

from dockerlab.engines import image as labimage
from dockerlab.engines import pull as registry_pull
from dockerlab.errors import DockerlabError, ImageBuildError, ImagePullError, InvalidInput
from dockerlab.lab import Lab

#: (Under xdist the whole module runs in one worker: tests/conftest.py's REGISTRY_GROUP.)
pytestmark = [pytest.mark.integration, pytest.mark.engine_only, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "registry.sh"
#: The lab image the tests build: never the real one, which other tests use.
TEST_IMAGE = f"{labimage.REPOSITORY}:pull-test"
OFFLINE_IMAGE = f"{labimage.REPOSITORY}:offline-test"
#: A file only the stand-in's layer holds, with a content unique to this session. Without it the stand-in's
#: layer (built by the same ``rootfs_tar``) would be byte for byte the offline lab image's, and with
#: ``dockerlab/labbox`` on the engine every pull would answer "Already exists": nothing to download, nothing
#: to interrupt, no "Pull complete". Unique per session, so no layer left by an earlier run matches either.
STAND_IN_MARKER = ("dockerlab-test-stand-in", f"pulled by tests/test_pull.py, session {uuid.uuid4().hex}\n")
MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
INDEX = "application/vnd.docker.distribution.manifest.list.v2+json"


# -- the registry and what is pushed to it ---------------------------------------------------------------


def stand_in_layer(binary: str, applets: list[str]) -> bytes:
    """The lab image's root filesystem (``rootfs_tar``) plus :data:`STAND_IN_MARKER`: a layer no engine holds."""
    buf = io.BytesIO()
    with (
        tarfile.open(fileobj=buf, mode="w") as out,
        tarfile.open(fileobj=io.BytesIO(labimage.rootfs_tar(binary, applets))) as base,
    ):
        for member in base.getmembers():
            out.addfile(member, base.extractfile(member) if member.isfile() else None)
        name, text = STAND_IN_MARKER
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(text.encode()), 0o644
        out.addfile(info, io.BytesIO(text.encode()))
    return buf.getvalue()


def _script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="module")
def registry(engine) -> Iterator[str]:
    """The loopback registry's address; started here when it does not answer yet, and then stopped here."""
    address = os.environ.get("DOCKERLAB_REGISTRY", "127.0.0.1:5000")
    env = {"DOCKERLAB_REGISTRY": address}
    started = False
    if _script("status", env=env).returncode != 0:
        done = _script("start", env=env)
        if done.returncode != 0:
            why = f"no loopback registry: scripts/registry.sh start said {done.stderr.strip()}"
            if IN_CI:
                pytest.fail(why, pytrace=False)
            pytest.skip(why)
        started = True
    yield address
    if started:
        _script("stop", env=env)


@pytest.fixture(scope="module")
def arm64_busybox(registry) -> str:
    """Debian's static busybox for arm64, a real binary (fetched once by scripts/registry.sh)."""
    done = _script("busybox", "arm64")
    if done.returncode != 0:
        why = f"cannot fetch busybox-static:arm64: {done.stderr.strip()}"
        if IN_CI:
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    return done.stdout.strip().splitlines()[-1]


@dataclass(frozen=True)
class Pushed:
    """Digests of what a test pushed: the index, and each architecture's image manifest."""

    index: str
    images: dict[str, str]


class Registry:
    """Pushes images to the registry through its HTTP API (the Docker Registry HTTP API V2)."""

    def __init__(self, address: str, repository: str = registry_pull.BUSYBOX_REPOSITORY) -> None:
        assert address.startswith("127."), address  # the loopback registry only
        self.base = urllib.parse.urlunsplit(("http", address, f"/v2/{repository}", "", ""))

    def _request(self, method: str, url: str, data: bytes = b"", content_type: str = "") -> tuple[int, dict, bytes]:
        request = urllib.request.Request(url, data=data if method in ("PUT", "POST") else None, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()

    def blob(self, data: bytes) -> str:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        _status, headers, _body = self._request("POST", f"{self.base}/blobs/uploads/")
        location = urllib.parse.urljoin(self.base, headers["Location"])
        separator = "&" if "?" in location else "?"
        self._request("PUT", f"{location}{separator}digest={digest}", data, "application/octet-stream")
        return digest

    def manifest(self, reference: str, document: dict, media_type: str) -> tuple[str, int]:
        body = json.dumps(document).encode()
        _status, headers, _body = self._request("PUT", f"{self.base}/manifests/{reference}", body, media_type)
        return headers["Docker-Content-Digest"], len(body)

    def image(self, arch: str, binary: str, applets: list[str]) -> tuple[str, int]:
        """An image like Docker's busybox (a busybox, a link per applet): its manifest's digest and size."""
        layer = stand_in_layer(binary, applets)
        packed = gzip.compress(layer, mtime=0)
        config = {
            "architecture": arch,
            "os": "linux",
            "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
            "history": [{"created_by": f"dockerlab's test stand-in: {Path(binary).name} for {arch}"}],
        }
        config_bytes = json.dumps(config).encode()
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": len(config_bytes),
                "digest": self.blob(config_bytes),
            },
            "layers": [
                {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": len(packed), "digest": ""}
            ],
        }
        manifest["layers"][0]["digest"] = self.blob(packed)
        return self.manifest(f"stand-in-{arch}", manifest, MANIFEST)

    def index(self, tag: str, images: dict[str, tuple[str, int]]) -> str:
        document = {
            "schemaVersion": 2,
            "mediaType": INDEX,
            "manifests": [
                {
                    "mediaType": MANIFEST,
                    "size": size,
                    "digest": digest,
                    "platform": {"architecture": arch, "os": "linux"},
                }
                for arch, (digest, size) in images.items()
            ],
        }
        return self.manifest(tag, document, INDEX)[0]


@pytest.fixture(scope="module")
def pushed(registry, arm64_busybox) -> dict[str, Pushed]:
    """A multi-arch index (amd64 + arm64) and an arm64-only one, both pushed to the loopback registry."""
    local = shutil.which("busybox") or "/bin/busybox"
    applets = subprocess.run([local, "--list"], capture_output=True, text=True, check=True).stdout.split()
    here = labimage.read_elf(local).arch
    reg = Registry(registry)
    images = {here: reg.image(here, local, applets), "arm64": reg.image("arm64", arm64_busybox, applets)}
    return {
        "multi": Pushed(reg.index("stand-in", images), {a: d for a, (d, _s) in images.items()}),
        "arm64-only": Pushed(reg.index("stand-in-arm64-only", {"arm64": images["arm64"]}), {}),
    }


def leftovers(client, *references: str) -> list[str]:
    """Which of ``references`` (and which images of the stand-in's repository) are on the engine."""
    found = [r for r in references if labimage.image_present(client, r)]
    for img in client.images.list(all=True):
        for ref in img.attrs.get("RepoDigests") or []:
            if "/" + registry_pull.BUSYBOX_REPOSITORY + "@" in ref and ref.split("/", 1)[0].startswith("127."):
                found.append(ref)
    return found


@pytest.fixture
def clean(engine) -> Iterator[None]:
    """No test image before; none after, whatever the test did."""
    for ref in leftovers(engine, TEST_IMAGE, OFFLINE_IMAGE):
        engine.images.remove(ref, force=True)
    yield
    for ref in leftovers(engine, TEST_IMAGE, OFFLINE_IMAGE):
        engine.images.remove(ref, force=True)


# -- a throttled relay, and a registry that never answers ---------------------------------------------------


class Relay:
    """A TCP relay on the loopback to ``upstream``, at about ``rate`` bytes per second towards the engine."""

    def __init__(self, upstream: str, rate: int) -> None:
        host, port = upstream.rsplit(":", 1)
        self.upstream, self.rate = (host, int(port)), rate
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.sockets: list[socket.socket] = [self.server]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _peer = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            self.sockets += [client, upstream]
            threading.Thread(target=self._copy, args=(client, upstream, 0), daemon=True).start()
            threading.Thread(target=self._copy, args=(upstream, client, self.rate), daemon=True).start()

    @staticmethod
    def _copy(source: socket.socket, sink: socket.socket, rate: int) -> None:
        try:
            while chunk := source.recv(16384):
                sink.sendall(chunk)
                if rate:
                    time.sleep(len(chunk) / rate)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        for s in self.sockets:
            s.close()


class BlackHole:
    """A listener on the loopback that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"

    def close(self) -> None:
        self.server.close()


# -- the tests ------------------------------------------------------------------------------------------------


def test_the_engine_trusts_a_plain_http_registry_on_its_loopback_by_default(engine):
    cidrs = (engine.info().get("RegistryConfig") or {}).get("InsecureRegistryCIDRs") or []
    assert "127.0.0.0/8" in cidrs  # dockerd's default: nothing in daemon.json was changed for these tests


def test_pull_by_digest_then_build_gives_the_offline_image(engine, registry, pushed, clean):
    """A learner's `dockerlab image --pull`, through the loopback registry: the same image as offline."""
    arch = labimage.engine_arch(engine)
    digest = pushed["multi"].index
    lines: list[str] = []
    percents: list[int] = []
    ref = labimage.provision(
        engine,
        image=TEST_IMAGE,
        pull=True,
        registry=registry,
        digest=digest,
        progress=lines.append,
        percent=lambda value, line: percents.append(value),
    )
    assert ref == TEST_IMAGE
    assert lines[0] == f"docker pull {registry}/library/busybox@{digest}"
    assert any("Downloading" in line or "Pull complete" in line for line in lines), lines
    assert percents == sorted(percents) and percents[-1] == 100
    assert any(line.startswith("docker build --network none --pull=false") for line in lines)

    labimage.provision(engine, image=OFFLINE_IMAGE)  # the offline path, built by this code for the comparison
    built, offline = engine.images.get(TEST_IMAGE), engine.images.get(OFFLINE_IMAGE)
    assert built.attrs["Architecture"] == arch  # the engine took its own image from the multi-arch index
    assert built.labels == offline.labels == labimage.labels()
    assert built.attrs["Config"]["Cmd"] == offline.attrs["Config"]["Cmd"]
    assert "PATH=/bin" in built.attrs["Config"]["Env"]

    def contents(image: str) -> str:
        script = "ls /bin | sort; cat /etc/passwd /etc/group /var/www/index.html; ls -ld /tmp /root | cut -c1-10"
        return engine.containers.run(image, ["sh", "-c", script], network_mode="none", remove=True).decode()

    assert contents(TEST_IMAGE) == contents(OFFLINE_IMAGE)
    # The pulled base is not kept under its own name (the lab image holds its layers).
    assert leftovers(engine) == []

    lab = Lab("pull-test", client=engine, image=TEST_IMAGE, echo=False)
    try:
        lab.reset()
        lab.run("box1")
        lab.run("box2")
        assert lab.ping("box1", lab["box2"].ip).ok
    finally:
        lab.reset()


def test_a_second_provision_reuses_the_image_and_pulls_nothing(engine, registry, pushed, clean):
    labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=registry, digest=pushed["multi"].index)
    lines: list[str] = []
    labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=registry, digest="sha256:" + "0" * 64)
    labimage.provision(engine, image=TEST_IMAGE, progress=lines.append, pull=True, registry=registry)
    assert lines == [f"{TEST_IMAGE} is present on the engine: reusing it"]


def test_a_digest_the_registry_does_not_have_is_refused_and_nothing_is_kept(engine, registry, pushed, clean):
    wrong = "sha256:" + hashlib.sha256(b"not what was pushed").hexdigest()
    with pytest.raises(ImagePullError) as caught:
        labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=registry, digest=wrong)
    message = str(caught.value)
    assert f"has no busybox with the pinned digest {wrong}" in message and "DOCKERLAB_REGISTRY" in message
    assert leftovers(engine, TEST_IMAGE) == []


def test_a_registry_that_never_answers_is_given_up_within_the_bound(engine, clean):
    hole = BlackHole()
    try:
        began = time.monotonic()
        with pytest.raises(ImagePullError, match=r"did not answer within 3 s") as caught:
            labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=hole.address, timeout=3)
        took = time.monotonic() - began
    finally:
        hole.close()
    assert took < 3 + 10, took
    assert isinstance(caught.value, DockerlabError)
    assert leftovers(engine, TEST_IMAGE) == []


def test_a_registry_nobody_listens_on_is_refused_at_once(engine, clean):
    with socket.create_server(("127.0.0.1", 0)) as s:
        closed = f"127.0.0.1:{s.getsockname()[1]}"  # closed again when the block ends
    began = time.monotonic()
    with pytest.raises(ImagePullError, match="could not reach the registry"):
        labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=closed, timeout=20)
    assert time.monotonic() - began < 20
    assert leftovers(engine, TEST_IMAGE) == []


def test_a_pull_interrupted_half_way_keeps_nothing(engine, registry, pushed, clean):
    """The learner stops the cell while the layer downloads (throttled through a relay to about 200 kB/s)."""
    relay = Relay(registry, rate=200_000)
    seen: list[int] = []

    def stop_half_way(value: int, line: str) -> None:
        seen.append(value)
        if "Downloading" in line and value >= 10:
            raise KeyboardInterrupt

    try:
        with pytest.raises(ImagePullError, match="was interrupted") as caught:
            labimage.provision(
                engine,
                image=TEST_IMAGE,
                pull=True,
                registry=relay.address,
                digest=pushed["multi"].index,
                percent=stop_half_way,
            )
    finally:
        relay.close()
    assert 10 <= seen[-1] < 50, seen  # stopped while downloading, not after
    assert "Downloading" in str(caught.value)
    time.sleep(1)  # had the engine gone on with the pull, the image would land now
    assert leftovers(engine, TEST_IMAGE) == []


def test_an_index_without_the_engines_architecture_is_refused(engine, registry, pushed, clean):
    arch = labimage.engine_arch(engine)
    with pytest.raises(ImagePullError) as caught:
        labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=registry, digest=pushed["arm64-only"].index)
    message = str(caught.value)
    assert f"not an image for the engine's architecture ({arch})" in message
    assert "no matching manifest" in message  # Docker's own words, kept
    assert leftovers(engine, TEST_IMAGE) == []


def test_a_single_image_for_another_architecture_is_refused_after_the_pull_and_removed(engine, registry, pushed, clean):
    """Pinned to the arm64 image itself (not an index), the engine pulls it; dockerlab checks and removes it."""
    arch = labimage.engine_arch(engine)
    digest = pushed["multi"].images["arm64"]
    with pytest.raises(ImagePullError, match=rf"\({arch}\): it is for arm64"):
        labimage.provision(engine, image=TEST_IMAGE, pull=True, registry=registry, digest=digest)
    assert leftovers(engine, TEST_IMAGE) == []


def test_a_real_arm64_busybox_is_refused_offline_before_the_engine_imports_anything(engine, arm64_busybox, clean):
    arch = labimage.engine_arch(engine)
    assert labimage.read_elf(arm64_busybox).arch == "arm64"
    with pytest.raises(ImageBuildError, match=f"is a busybox for arm64, but the engine runs on {arch}"):
        labimage.provision(engine, image=TEST_IMAGE, busybox=arm64_busybox)
    assert leftovers(engine, TEST_IMAGE) == []
    plan = labimage.plan(engine, image=TEST_IMAGE, busybox=arm64_busybox, registry="127.0.0.1:5000")
    assert plan.path == "pull" and "busybox for arm64" in plan.why
    assert "lab.provision(pull=True)" in str(plan) and "`dockerlab image --pull`" in str(plan)
    local = shutil.which("busybox") or "/bin/busybox"
    assert labimage.plan(engine, image=TEST_IMAGE, busybox=local).path == "offline"
    assert labimage.plan(engine).path == "present"


@pytest.mark.parametrize(
    ("registry", "digest", "words"),
    [
        ("127.0.0.1:5000", "latest", "is not a sha256 digest"),
        ("127.0.0.1:5000", "sha256:1234", "is not a sha256 digest"),
        ("http://127.0.0.1:5000", None, "is not a registry's host"),
        ("127.0.0.1:5000/evil", None, "is not a registry's host"),
    ],
)
def test_bad_configuration_is_refused_before_the_engine(registry, digest, words):
    class Untouchable:
        def __getattr__(self, name: str):
            raise AssertionError(f"the engine was asked for {name}")

    with pytest.raises(InvalidInput, match=words):
        labimage.provision(Untouchable(), pull=True, registry=registry, digest=digest)


def test_the_cli_pulls_with_a_progress_bar(engine, registry, pushed, clean, capsys, monkeypatch):
    from dockerlab import cli

    monkeypatch.setenv("DOCKERLAB_REGISTRY", registry)
    monkeypatch.setenv("DOCKERLAB_BUSYBOX_DIGEST", pushed["multi"].index)
    monkeypatch.setattr(labimage, "IMAGE", TEST_IMAGE)
    assert cli.main(["image", "--pull"]) == cli.OK
    out, err = capsys.readouterr()
    assert f"{TEST_IMAGE} is on the engine" in out
    bars = [line for line in err.splitlines() if line.startswith("busybox download [")]
    assert bars and bars[-1].startswith("busybox download [####################] 100/100"), err
    assert err.rstrip().endswith("busybox download: done")


def test_pull_events_from_a_real_stream_fill_the_bar(engine, registry, pushed, clean):
    """The tally against events as the engine sends them (recorded here from the loopback pull)."""
    recorded: list[dict] = []
    reference = f"{registry}/library/busybox@{pushed['multi'].index}"
    api = engine.api
    response = api.post(
        f"{api.base_url}/v{api.api_version}/images/create",
        params={"fromImage": reference.split("@")[0], "tag": pushed["multi"].index},
        stream=True,
        timeout=60,
    )
    try:
        recorded = [json.loads(line) for line in response.iter_lines() if line]
    finally:
        response.close()
        engine.images.remove(reference)
    tally = registry_pull.PullTally()
    values = []
    for event in recorded:
        tally.update(event)
        values.append(tally.percent())
    statuses = [e.get("status", "") for e in recorded]
    assert any(s.startswith("Pulling from library/busybox") for s in statuses)
    assert "Pull complete" in statuses and any(s.startswith("Digest: sha256:") for s in statuses)
    assert values == sorted(values) and values[-1] == 100


def test_a_notebook_offers_the_pull_then_provisions_with_a_bar(engine, registry, pushed, clean, monkeypatch, capsys):
    """Notebook 00's path: lab.image_plan() says which way applies; lab.provision(pull=True) takes the pull."""
    monkeypatch.setenv("DOCKERLAB_REGISTRY", registry)
    monkeypatch.setenv("DOCKERLAB_BUSYBOX_DIGEST", pushed["multi"].index)
    monkeypatch.setattr(labimage.shutil, "which", lambda name: None)  # as on a Mac: no busybox on PATH ...
    monkeypatch.setattr(labimage.os.path, "exists", lambda path: False)  # ... nor at /bin/busybox
    lab = Lab("pull-test", client=engine, image=TEST_IMAGE)
    plan = lab.image_plan()
    assert plan.path == "pull" and plan.source == f"{registry}/library/busybox@{pushed['multi'].index}"
    assert "lab.provision(pull=True)" in str(plan)
    monkeypatch.undo()
    monkeypatch.setenv("DOCKERLAB_REGISTRY", registry)
    monkeypatch.setenv("DOCKERLAB_BUSYBOX_DIGEST", pushed["multi"].index)
    assert lab.provision(pull=True) == TEST_IMAGE
    out, err = capsys.readouterr()
    assert f"docker pull {plan.source}" in out and "docker build --network none" in out
    assert "busybox download [####################] 100/100" in err
    assert lab.image_plan().path == "present"
