"""Wherever learners are: the machine's own package mirror, the engine's architecture, Desktop and rootless engines.

No engine is needed: the script's mirror finder runs on fake apt directories
(``DOCKERLAB_APT_ETC``; apt itself never runs), the busybox check on ELF
headers written here and fake clients, and ``doctor`` on recorded ``docker
info`` payloads kept in tests/data.
"""

from __future__ import annotations

import json
import os
import platform
import re
import struct
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docker.errors
import pytest

from dockerlab import cli
from dockerlab.engines import image as labimage
from dockerlab.errors import DockerlabError, ImageBuildError
from dockerlab.teaching import lesson

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "engine-release.sh"
DATA = Path(__file__).resolve().parent / "data"
DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# Recorded payloads (tests/data), minimal: the fields dockerlab reads and a few that identify the engine.
#
# docker-info-desktop-mac-arm64.json: `docker info -f json` of Docker Desktop on an Apple-silicon Mac
#   (engine 25.0.3), https://github.com/langchain-ai/langgraph/issues/1319
DESKTOP_INFO = "docker-info-desktop-mac-arm64.json"
# docker-info-rootless-ubuntu.json: `docker system info -f '{{json .}}'` of a rootless engine on Ubuntu 20.04,
#   https://github.com/kubernetes/minikube/pull/10878 (the fields up to Architecture); its SecurityOptions are the
#   "seccomp, Profile: default, rootless" that https://github.com/kubernetes/minikube/issues/10652 shows for a
#   rootless engine, in the API's form, which moby writes in daemon/info.go (fillSecurityOptions:
#   "name=seccomp,profile=...", "name=rootless"), https://github.com/moby/moby/blob/026e1c9baf3fda09edc818838cd468e2ab84ba84/daemon/info.go
ROOTLESS_INFO = "docker-info-rootless-ubuntu.json"
# docker-info-rootless-dind.json: `docker info` of docker:dind-rootless (engine 19.03.0-rc3),
#   https://github.com/docker-library/docker/pull/165 (Security Options "seccomp, Profile: default, rootless",
#   written in the API's form as above)
ROOTLESS_DIND_INFO = "docker-info-rootless-dind.json"
# docker-version-desktop-arm64.json: the server part of `docker version` of Docker Desktop 4.43.2, linux/arm64,
#   https://github.com/docker/desktop-feedback/issues/46
DESKTOP_VERSION = "docker-version-desktop-arm64.json"
# docker-version-desktop-windows-amd64.json: the server part of `docker version` of Docker Desktop 4.29.0 on
#   Windows (WSL 2), Engine 26.0.0, linux/amd64, https://github.com/docker/for-win/issues/14044 (the CLI prints
#   the API's Platform.Name as "Server: Docker Desktop 4.29.0 (145265)")
DESKTOP_WINDOWS_VERSION = "docker-version-desktop-windows-amd64.json"
# docker-version-linux-amd64.json: the server part of `docker version` of Docker Engine - Community 28.3.3,
#   linux/amd64, https://github.com/canonical/docker-snap/pull/315
LINUX_VERSION = "docker-version-linux-amd64.json"


def payload(name: str) -> dict[str, Any]:
    """A recorded engine payload from tests/data."""
    return json.loads((DATA / name).read_text())


# -- 1. the package mirror is the machine's -----------------------------------------------------------------


def fake_apt(tmp_path: Path, sources_list: str | None = None, **parts: str) -> Path:
    """A fake /etc/apt: ``sources_list`` and files in sources.list.d (``name_list="..."`` -> name.list)."""
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    if sources_list is not None:
        (etc / "sources.list").write_text(sources_list)
    for key, text in parts.items():
        stem, _, ext = key.rpartition("_")
        (etc / "sources.list.d" / f"{stem}.{ext}").write_text(text)
    return etc


def mirror(etc: Path, suite: str = "sid") -> subprocess.CompletedProcess[str]:
    """``scripts/engine-release.sh SUITE mirror`` reading ``etc`` in place of /etc/apt (no apt, no network)."""
    return subprocess.run(
        ["bash", str(SCRIPT), suite, "mirror"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "DOCKERLAB_APT_ETC": str(etc)},
    )


def test_one_line_format(tmp_path):
    etc = fake_apt(tmp_path, "# the mirror\ndeb http://mirror.test/debian bookworm main contrib\n")
    done = mirror(etc)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"deb [signed-by={DEBIAN_KEYRING}] http://mirror.test/debian sid main contrib\n"


def test_deb822_format(tmp_path):
    sources = (
        "Types: deb\n"
        "# a comment inside the stanza\n"
        "URIs: http://mirror.test/debian\n"
        "Suites: trixie trixie-updates\n"
        "Components: main\n"
        "Signed-By: /usr/share/keyrings/mirror-test.gpg\n"
        "\n"
        "Types: deb\n"
        "URIs: http://mirror.test/debian-security\n"
        "Suites: trixie-security\n"
        "Components: main\n"
    )
    done = mirror(fake_apt(tmp_path, debian_sources=sources), "forky")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "deb [signed-by=/usr/share/keyrings/mirror-test.gpg] http://mirror.test/debian forky main\n"


def test_signed_by_option_is_kept(tmp_path):
    line = "deb [ arch=amd64 signed-by=/etc/apt/keyrings/mirror.gpg ] https://mirror.test/debian stable main\n"
    done = mirror(fake_apt(tmp_path, line))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "deb [signed-by=/etc/apt/keyrings/mirror.gpg] https://mirror.test/debian sid main\n"


def test_security_and_updates_entries_are_skipped(tmp_path):
    etc = fake_apt(
        tmp_path,
        "deb http://security.mirror.test/debian-security bookworm-security main\n"
        "deb http://mirror.test/debian bookworm-updates main\n"
        "deb http://mirror.test/debian bookworm-backports main\n",
        zz_list="deb http://second.mirror.test/debian bookworm main\n",
    )
    done = mirror(etc)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[2:] == ["http://second.mirror.test/debian", "sid", "main"]


def test_deb_src_and_other_distributions_are_skipped(tmp_path):
    etc = fake_apt(
        tmp_path,
        "deb-src http://src.mirror.test/debian bookworm main\n",
        a_sources="Types: deb-src\nURIs: http://src2.mirror.test/debian\nSuites: bookworm\nComponents: main\n",
        b_list="deb http://ubuntu.mirror.test/ubuntu noble main\ndeb http://vendor.test/apt cloud-sdk-bookworm main\n",
        c_sources="Types: deb-src deb\nURIs: http://mirror.test/debian\nSuites: bookworm\nComponents: main\n",
    )
    done = mirror(etc)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"deb [signed-by={DEBIAN_KEYRING}] http://mirror.test/debian sid main\n"


def test_sources_list_comes_first_then_the_parts_by_name_and_other_files_are_ignored(tmp_path):
    etc = fake_apt(
        tmp_path,
        "",
        b_list="deb http://b.mirror.test/debian bookworm main\n",
        a_sources="Types: deb\nURIs: http://a.mirror.test/debian\nSuites: bookworm\nComponents: main\n",
        **{"0_disabled": "deb http://off.mirror.test/debian bookworm main\n"},
    )
    assert mirror(etc).stdout.split()[2] == "http://a.mirror.test/debian"
    (etc / "sources.list").write_text("deb http://main.mirror.test/debian bookworm main\n")
    assert mirror(etc).stdout.split()[2] == "http://main.mirror.test/debian"


def test_disabled_stanza_is_skipped(tmp_path):
    stanzas = (
        "Types: deb\nURIs: http://off.mirror.test/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n\n"
        "Types: deb\nURIs: http://on.mirror.test/debian\nSuites: bookworm\nComponents: main\n"
    )
    assert mirror(fake_apt(tmp_path, debian_sources=stanzas)).stdout.split()[2] == "http://on.mirror.test/debian"


def test_no_debian_mirror_fails_saying_where_it_looked(tmp_path):
    etc = fake_apt(
        tmp_path,
        "deb http://security.mirror.test/debian-security bookworm-security main\n",
        ubuntu_sources="Types: deb\nURIs: http://ubuntu.mirror.test/ubuntu\nSuites: noble noble-updates\n"
        "Components: main\n",
    )
    done = mirror(etc)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "no Debian mirror" in done.stderr
    assert f"{etc}/sources.list" in done.stderr and f"{etc}/sources.list.d/*.list, *.sources" in done.stderr
    assert "DOCKERLAB_APT_ETC" in done.stderr


def test_no_sources_at_all_fails_too(tmp_path):
    done = mirror(tmp_path / "nothing-here")
    assert done.returncode == 1
    assert "no Debian mirror" in done.stderr and "files read: none" in done.stderr


def test_the_script_names_no_package_host():
    text = SCRIPT.read_text()
    assert re.findall(r"\b(?:https?|ftp)://\S+", text) == []  # no mirror address: it comes from the machine
    assert "mirror_line" in text  # the finder the tests above exercise is the one fetch uses
    assert 'line=$(mirror_line "$suite")' in text


# -- 2. the busybox's architecture is the engine's --------------------------------------------------------------


def elf(machine: int, bits: int = 64, little: bool = True, interpreter: bool = False) -> bytes:
    """An ELF header written by hand: e_ident (magic, class, byte order, version) and e_machine.

    The 64-bit header is 64 bytes, the 32-bit one 52 (padded here to 64). With
    ``interpreter``, one program header of type PT_INTERP follows, as in a
    dynamically linked executable.
    """
    order = "<" if little else ">"
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 1 if little else 2, 1]) + bytes(9)
    phnum = 1 if interpreter else 0
    if bits == 64:
        header = struct.pack(order + "16sHHIQQQIHHHHHH", ident, 2, machine, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
        phdr = struct.pack(order + "IIQQQQQQ", 3, 4, 0, 0, 0, 0, 0, 1)
    else:
        header = struct.pack(order + "16sHHIIIIIHHHHHH", ident, 2, machine, 1, 0, 64, 0, 0, 52, 32, phnum, 0, 0, 0)
        header += bytes(64 - len(header))
        phdr = struct.pack(order + "IIIIIIII", 3, 0, 0, 0, 0, 0, 4, 1)
    return header + (phdr if interpreter else b"")


class FakeClient:
    """Answers ``docker version`` and ``docker info`` with recorded payloads; records every other request."""

    def __init__(self, version: dict[str, Any], info: dict[str, Any] | None = None) -> None:
        self._version, self._info = version, info or {}
        self.asked: list[str] = []
        self.forbidden: list[str] = []

        def refuse(what: str):
            def call(*args: Any, **kwargs: Any) -> None:
                self.forbidden.append(what)
                raise AssertionError(f"the engine was asked to {what}")

            return call

        def get(reference: str) -> None:
            self.asked.append(f"image inspect {reference}")
            raise docker.errors.ImageNotFound(f"No such image: {reference}")

        self.images = SimpleNamespace(get=get, pull=refuse("pull"), load=refuse("load"))
        self.api = SimpleNamespace(import_image_from_data=refuse("import"), import_image=refuse("import"))
        self.containers = SimpleNamespace(run=refuse("run"), create=refuse("create"))

    def version(self) -> dict[str, Any]:
        self.asked.append("version")
        return self._version

    def info(self) -> dict[str, Any]:
        self.asked.append("info")
        return self._info


@pytest.mark.parametrize(
    ("machine", "bits", "little", "arch"),
    [
        (0x3E, 64, True, "amd64"),
        (0xB7, 64, True, "arm64"),
        (0x28, 32, True, "arm"),
        (0x03, 32, True, "386"),
        (0xF3, 64, True, "riscv64"),
        (0x08, 32, False, "mips"),
        (0x08, 64, True, "mips64le"),
        (0x15, 64, True, "ppc64le"),
        (0x15, 64, False, "ppc64"),
        (0x16, 64, False, "s390x"),
    ],
)
def test_elf_machine_is_read_as_gos_architecture(tmp_path, machine, bits, little, arch):
    path = tmp_path / "busybox"
    path.write_bytes(elf(machine, bits, little))
    binary = labimage.read_elf(str(path))
    assert (binary.arch, binary.bits, binary.little_endian, binary.dynamic) == (arch, bits, little, False)


@pytest.mark.parametrize(
    ("engine", "go"),
    [("amd64", "amd64"), ("x86_64", "amd64"), ("arm64", "arm64"), ("aarch64", "arm64"), ("armv7l", "arm")],
)
def test_engine_architecture_names_are_normalised(engine, go):
    assert labimage.go_arch(engine) == go


def test_a_mismatch_is_refused_before_the_engine_imports_or_runs_anything(tmp_path):
    path = tmp_path / "busybox"
    path.write_bytes(elf(0x3E))  # an x86-64 busybox
    client = FakeClient(payload(DESKTOP_VERSION), payload(DESKTOP_INFO))  # Docker Desktop on arm64
    with pytest.raises(ImageBuildError) as caught:
        labimage.provision(client, busybox=str(path))
    message = str(caught.value)
    assert isinstance(caught.value, DockerlabError)
    assert "busybox for amd64" in message and "engine runs on arm64" in message
    assert "busybox-static" in message and "busybox image already on the engine" in message
    assert f"docker tag busybox:latest {labimage.IMAGE}" in message
    assert client.forbidden == []
    assert set(client.asked) <= {"version", "info", f"image inspect {labimage.IMAGE}"}


def test_the_engine_architecture_comes_from_info_when_version_lacks_it(tmp_path):
    path = tmp_path / "busybox"
    path.write_bytes(elf(0xB7))  # an AArch64 busybox
    version = {k: v for k, v in payload(DESKTOP_VERSION).items() if k != "Arch"}  # made up: no Arch
    client = FakeClient(version, payload(DESKTOP_INFO))  # Architecture: aarch64
    assert labimage.engine_arch(client) == "arm64"
    assert labimage.check_binary(client, str(path)).arch == "arm64"
    x86 = tmp_path / "busybox-x86"
    x86.write_bytes(elf(0x3E))
    with pytest.raises(ImageBuildError, match="busybox for amd64, but the engine runs on arm64"):
        labimage.check_binary(client, str(x86))


def test_a_matching_static_busybox_passes(tmp_path):
    path = tmp_path / "busybox"
    path.write_bytes(elf(0x3E))
    client = FakeClient(payload(LINUX_VERSION))
    assert labimage.check_binary(client, str(path)).arch == "amd64"
    assert client.asked == ["version"] and client.forbidden == []


def test_a_dynamically_linked_busybox_is_refused(tmp_path):
    path = tmp_path / "busybox"
    path.write_bytes(elf(0x3E, interpreter=True))
    with pytest.raises(ImageBuildError, match="dynamically linked"):
        labimage.check_binary(FakeClient(payload(LINUX_VERSION)), str(path))


@pytest.mark.parametrize(
    "content",
    [b'#!/bin/sh\nexec /usr/bin/busybox "$@"\n', b"\xcf\xfa\xed\xfe" + bytes(60), b"\x7fELF", b""],
    ids=["script", "mach-o", "truncated", "empty"],
)
def test_not_an_elf_file_is_refused_clearly(tmp_path, content):
    path = tmp_path / "busybox"
    path.write_bytes(content)
    client = FakeClient(payload(LINUX_VERSION))
    with pytest.raises(ImageBuildError, match="is not an ELF executable"):
        labimage.provision(client, busybox=str(path))
    assert client.forbidden == []


@pytest.mark.skipif(not os.path.exists("/bin/busybox"), reason="no /bin/busybox on this machine")
def test_the_local_busybox_is_built_for_this_machine():
    binary = labimage.read_elf("/bin/busybox")
    assert binary.arch == labimage.go_arch(platform.machine())


# -- 3. doctor recognises Docker Desktop and rootless engines ---------------------------------------------------


def test_doctor_notes_docker_desktop():
    info = payload(DESKTOP_INFO)
    assert cli.is_docker_desktop(info) and not cli.is_rootless(info)
    (finding,) = cli.check_engine_kind(info)
    assert finding.level == "note"
    assert "Docker Desktop" in finding.text and "docker-desktop" in finding.text and "VM" in finding.text
    assert "notebook 04" in finding.fix and "VM's interfaces" in finding.fix
    assert "not reachable from the Mac or Windows host" in finding.fix and "published ports" in finding.fix


@pytest.mark.parametrize("name", [ROOTLESS_INFO, ROOTLESS_DIND_INFO])
def test_doctor_notes_a_rootless_engine(name):
    info = payload(name)
    assert cli.is_rootless(info) and not cli.is_docker_desktop(info)
    (finding,) = cli.check_engine_kind(info)
    assert finding.level == "note" and "rootless" in finding.text
    assert "rootlesskit's network namespace" in finding.fix and "notebook 04" in finding.fix
    assert "rootlesskit's port driver" in finding.fix


def test_doctor_says_nothing_more_for_a_usual_engine():
    # the rootful example of https://github.com/kubernetes/minikube/issues/10652 ("apparmor, seccomp"), API form
    assert cli.check_engine_kind({"SecurityOptions": ["name=apparmor", "name=seccomp,profile=default"]}) == []
    assert cli.check_engine_kind({}) == []


def test_doctor_reports_the_notes_end_to_end(monkeypatch):
    """The whole `dockerlab doctor` on a fake Docker Desktop: the note is printed and is no problem."""
    client = FakeClient(payload(DESKTOP_VERSION), payload(DESKTOP_INFO))
    client.containers.list = lambda **kwargs: []
    client.networks = SimpleNamespace(list=lambda **kwargs: [])
    monkeypatch.setenv("DOCKER_HOST", "tcp://docker-desktop.invalid:2375")  # not a local socket: nothing to check
    monkeypatch.setattr(cli.backend, "choose", lambda *a, **k: SimpleNamespace(client=client, simulated=False))
    monkeypatch.setattr(cli.labimage, "image_present", lambda *a, **k: True)
    monkeypatch.setattr(cli.doctor, "check_subnets", lambda client: [cli.Finding("ok", "no clash (not checked here)")])
    lines: list[str] = []
    code = cli.cmd_doctor(SimpleNamespace(), lines.append)
    assert code == cli.OK, "\n".join(lines)
    note = next(i for i, line in enumerate(lines) if line.startswith("note") and "Docker Desktop" in line)
    assert "VM's interfaces" in lines[note + 1]
    assert lines[-1] == "All is well."
    assert client.forbidden == []


@pytest.mark.parametrize("name", [DESKTOP_VERSION, DESKTOP_WINDOWS_VERSION])
def test_docker_desktop_is_also_recognised_from_docker_version(name):
    """`docker version` names Desktop in its platform (Mac arm64, Windows amd64), even when info does not."""
    assert cli.is_docker_desktop({}, payload(name))
    assert not cli.is_docker_desktop({}, payload(LINUX_VERSION))
    (finding,) = cli.check_engine_kind({"Name": "docker-desktop"}, payload(name))
    assert "Docker Desktop" in finding.text


class InfoClient:
    """Answers `docker info` and `docker version` with recorded payloads (the note reads nothing else)."""

    def __init__(self, info: dict[str, Any], version: dict[str, Any]) -> None:
        self._info, self._version = info, version

    def info(self) -> dict[str, Any]:
        return self._info

    def version(self) -> dict[str, Any]:
        return self._version


@pytest.mark.parametrize(
    ("info", "version", "kind", "words"),
    [
        (DESKTOP_INFO, DESKTOP_VERSION, "desktop", ["Linux VM (docker-desktop)", "published ports", "Mac or Windows"]),
        (None, DESKTOP_WINDOWS_VERSION, "desktop", ["Linux VM (docker-desktop)", "not reachable"]),
        (ROOTLESS_INFO, LINUX_VERSION, "rootless", ["rootlesskit's network namespace", "tap0", "port driver"]),
        (ROOTLESS_DIND_INFO, LINUX_VERSION, "rootless", ["rootlesskit's network namespace"]),
        (None, LINUX_VERSION, "usual", ["this computer's own interfaces"]),
    ],
)
def test_notebook_04s_host_side_note_follows_the_engine(info, version, kind, words):
    note = lesson.host_side_note(InfoClient(payload(info) if info else {}, payload(version)))
    assert note.kind == kind
    assert all(w in str(note) for w in words), str(note)
    assert note._repr_markdown_().startswith("> ")


def test_the_host_side_note_in_chinese():
    from dockerlab.i18n import set_language

    try:
        set_language("zh-CN")
        note = str(lesson.host_side_note(InfoClient(payload(DESKTOP_INFO), payload(DESKTOP_VERSION))))
    finally:
        set_language(None)
    assert "docker-desktop" in note and "虚拟机" in note and "lab.run(name, ports={80: 8080})" in note


@pytest.mark.integration
def test_the_engine_in_use_is_described_as_what_docker_info_says(engine):
    """On this machine's engine (and, run through scripts/rootless.sh, on the rootless one)."""
    note = lesson.host_side_note(engine)
    if lesson.backend.is_simulated(engine):
        assert note.kind == "simulated"
        return
    info = engine.info()
    rootless = "name=rootless" in (info.get("SecurityOptions") or [])
    desktop = info.get("OperatingSystem") == "Docker Desktop"
    assert note.kind == ("rootless" if rootless else "desktop" if desktop else "usual")


def test_doctor_says_which_way_the_lab_image_comes(tmp_path, monkeypatch):
    """On an arm64 Docker Desktop with only an x86-64 busybox here, doctor offers the pull (and pulls nothing)."""
    x86 = tmp_path / "busybox"
    x86.write_bytes(elf(0x3E))
    monkeypatch.setattr(labimage.shutil, "which", lambda name: str(x86))
    monkeypatch.delenv("DOCKERLAB_REGISTRY", raising=False)
    monkeypatch.delenv("DOCKERLAB_BUSYBOX_DIGEST", raising=False)
    client = FakeClient(payload(DESKTOP_VERSION), payload(DESKTOP_INFO))
    finding = cli.check_image_path(client)
    assert finding.level == "problem" and f"{labimage.IMAGE} is missing" in finding.text
    assert "busybox for amd64, but the engine runs on arm64" in finding.fix
    assert "`dockerlab image --pull`" in finding.fix and "docker.io/library/busybox@sha256:" in finding.fix
    assert client.forbidden == []
    monkeypatch.setattr(labimage.shutil, "which", lambda name: str(tmp_path / "absent"))
    monkeypatch.setattr(labimage.os.path, "exists", lambda path: False)
    assert "no static busybox at" in cli.check_image_path(client).fix
