"""The lab image, built offline from a static busybox.

No registry is needed: the image is a root filesystem tarball (busybox and a
link per applet, about 2 MB) imported into the engine, the same thing as::

    tar -C rootfs -c . | docker import -c 'CMD [...]' - dockerlab/labbox:0.1.0

Where the official ``busybox`` image is already on the engine it is used as
the base instead. Where no local busybox fits (a Mac or a Windows computer,
or a binary for another architecture than the engine's), the learner may
consent to a pull: ``provision(client, pull=True)`` (``dockerlab image
--pull``) pulls Docker's busybox pinned by digest (:mod:`dockerlab.engines.pull`) and
builds the lab image on top of it through the engine, with the same files,
command and labels as the offline path. dockerlab never pulls unless asked:
:func:`plan` says which path applies without changing anything.

The binary must be built for the engine's architecture (an amd64 busybox
does not run on an arm64 engine): :func:`check_binary` reads its ELF header
and refuses a mismatch, naming both, before the engine imports anything.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors

from dockerlab.engines import client as engine
from dockerlab.engines import pull as registry_pull
from dockerlab.engines.client import engine_call
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import DockerlabError, ImageBuildError, ImageMissing
from dockerlab.i18n import _
from dockerlab.kernel.labbox import IMAGE, IMAGE_LABEL, REPOSITORY
from dockerlab.kernel.services import INDEX_HTML
from dockerlab.version import __version__

#: Applets the lessons rely on; provisioning refuses a busybox without them.
REQUIRED_APPLETS = (
    "sh",
    "ping",
    "ip",
    "nslookup",
    "hostname",
    "cat",
    "nc",
    "httpd",
    "wget",
    "timeout",
    "sleep",
    "ifconfig",
    "route",
    "grep",
    "sed",
    "awk",
    "ls",
    "echo",
)

#: The container's main process: idle until told to stop, and stop at once on
#: SIGTERM (a bare `sleep` as PID 1 ignores it, so `docker stop` would wait 10 s).
IDLE = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"


Progress = Callable[[str], None]

#: Files the lab image holds besides busybox and its applets, the same on both paths.
ETC_FILES = (
    ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"),
    ("etc/group", b"root:x:0:\nnogroup:x:65534:\n"),
    ("var/www/index.html", INDEX_HTML.encode()),
)


def labels() -> dict[str, str]:
    """The labels of the lab image, on both paths (``docker images -f label=dockerlab.image``)."""
    return {IMAGE_LABEL: "labbox", "dockerlab.version": __version__}


def image_present(client: EngineClient, image: str = IMAGE) -> bool:
    """Return whether ``image`` exists on the engine (exact reference, no pull); the lab image by default."""
    return engine.image_present(client, image)


def provision(
    client: EngineClient,
    *,
    busybox: str | None = None,
    progress: Progress | None = None,
    image: str = IMAGE,
    pull: bool = False,
    registry: str | None = None,
    digest: str | None = None,
    percent: Callable[[int, str], None] | None = None,
    timeout: float = registry_pull.PULL_TIMEOUT,
) -> str:
    """Make sure the lab image exists on the engine; return its reference.

    An existing image is reused. Otherwise it is built from a static busybox
    binary on this machine (``busybox``, default: the one on PATH or
    ``/bin/busybox``), or tagged from a local ``busybox`` image. With
    ``pull=True`` (the learner's consent) it is built on Docker's busybox
    pulled by digest instead: ``registry`` and ``digest`` default to
    ``DOCKERLAB_REGISTRY``, ``DOCKERLAB_BUSYBOX_DIGEST`` and then dockerlab's
    pin; ``percent`` gets the pull's progress, 0 to 100; the pull is given up
    after ``timeout`` seconds of silence. Each step is reported through
    ``progress`` with its docker command line.
    """
    say = progress or (lambda _msg: None)
    reference = registry_pull.busybox_reference(registry, digest) if pull else ""  # checked before the engine
    if image_present(client, image):
        say(_("{image} is present on the engine: reusing it").format(image=image))
        return image
    if pull:
        real = engine.real_engine(client, f"docker pull {reference}")
        arch = engine_arch(real)
        had = image_present(real, reference)
        registry_pull.pull(real, reference, arch=arch, progress=say, percent=percent, timeout=timeout)
        return build_on(real, reference, image, say, drop_base=not had)
    binary = busybox or shutil.which("busybox") or "/bin/busybox"
    if os.path.exists(binary):
        return _import_rootfs(client, binary, image, say)
    for base in ("busybox:latest", "busybox"):
        if image_present(client, base):
            say(f"docker tag {base} {image}")
            with engine_call(f"docker tag {base} {image}"):
                client.images.get(base).tag(REPOSITORY, image.split(":", 1)[1])
            return image
    raise ImageBuildError(
        _(
            "Cannot build {image}: no static busybox binary on this machine ({binary} is missing) and no "
            "busybox image on the engine. On Debian/Ubuntu: `sudo apt-get install busybox-static`, then run "
            "this again. Elsewhere (macOS, Windows), let dockerlab pull Docker's busybox, pinned by digest: "
            "`dockerlab image --pull`, or lab.provision(pull=True) in a notebook."
        ).format(image=image, binary=binary)
    )


@dataclass(frozen=True)
class Plan:
    """Which way the lab image gets onto this engine, found without changing anything.

    Attributes
    ----------
    path:
        ``"present"`` (already there), ``"offline"`` (built from the static
        busybox ``source`` of this machine), ``"tag"`` (tagged from the
        busybox image ``source`` on the engine), or ``"pull"`` (no local
        busybox fits: only the consented pull is left).
    source:
        The binary or image it comes from; for ``"pull"``, the reference.
    why:
        For ``"pull"``: why no local busybox fits.
    """

    path: str
    source: str
    why: str = ""

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def __str__(self) -> str:
        if self.path == "present":
            return _("The lab image {image} is on the engine.").format(image=self.source)
        if self.path == "offline":
            return _("The lab image will be built offline from this machine's static busybox {binary}.").format(
                binary=self.source
            )
        if self.path == "tag":
            return _("The lab image will be tagged from the busybox image {source} on the engine.").format(
                source=self.source
            )
        return _(
            "No local busybox fits this engine ({why}). dockerlab never pulls unless you ask: to build the lab "
            "image on Docker's busybox, pulled by digest ({reference}), run lab.provision(pull=True) in a "
            "notebook or `dockerlab image --pull` in a shell."
        ).format(why=self.why, reference=self.source)


def plan(
    client: EngineClient,
    *,
    busybox: str | None = None,
    image: str = IMAGE,
    registry: str | None = None,
    digest: str | None = None,
) -> Plan:
    """Say which path :func:`provision` would take here: it reads, builds and pulls nothing."""
    if image_present(client, image):
        return Plan("present", image)
    binary = busybox or shutil.which("busybox") or "/bin/busybox"
    why = _("no static busybox at {binary} and no busybox image on the engine").format(binary=binary)
    if os.path.exists(binary):
        try:
            check_binary(client, binary, image)
            return Plan("offline", binary)
        except ImageBuildError as e:
            why = str(e).split(": ", 1)[0]  # the first clause says what is wrong; the rest, what to do
    for base in ("busybox:latest", "busybox"):
        if image_present(client, base):
            return Plan("tag", base)
    return Plan("pull", registry_pull.busybox_reference(registry, digest), why)


#: The lab image's last build step on a pulled busybox: check the applets the lessons use, link every
#: applet into /bin (Docker's busybox has most as hard links already) and make the offline path's folders.
_FINISH = (
    "set -e; have=$(/bin/busybox --list); "
    'for a in {required}; do echo "$have" | /bin/busybox grep -qx "$a" '
    '|| {{ echo "busybox lacks the applet $a" >&2; exit 1; }}; done; '
    'for a in $have; do [ -e "/bin/$a" ] || /bin/busybox ln -s busybox "/bin/$a"; done; '
    "/bin/busybox mkdir -p /tmp /root /var/www; /bin/busybox chmod 1777 /tmp; /bin/busybox chmod 700 /root"
)


def dockerfile(base: str) -> str:
    """The Dockerfile that builds the lab image on a pulled busybox: the offline path's files, command and labels.

    >>> print(dockerfile("127.0.0.1:5000/library/busybox@sha256:" + "0" * 64).splitlines()[0][:45])
    FROM 127.0.0.1:5000/library/busybox@sha256:00
    """
    finish = json.dumps(["/bin/busybox", "sh", "-c", _FINISH.format(required=" ".join(REQUIRED_APPLETS))])
    label = " ".join(f"{k}={v}" for k, v in labels().items())
    return "\n".join(
        [
            f"FROM {base}",
            "COPY passwd group /etc/",
            "COPY index.html /var/www/index.html",
            f"RUN {finish}",
            f"CMD {json.dumps(['sh', '-c', IDLE])}",
            "ENV PATH=/bin",
            f"LABEL {label}",
            "",
        ]
    )


def build_on(
    client: docker.DockerClient,
    base: str,
    image: str = IMAGE,
    progress: Progress | None = None,
    *,
    drop_base: bool = True,
) -> str:
    """Build the lab image on the busybox image ``base`` through the engine (``docker build``), never pulling.

    The build runs without a network. On failure nothing of it is kept: the
    intermediate images and the tag are removed. With ``drop_base`` (the
    base was pulled for this build) the reference ``base`` is removed too,
    after a failure and after success alike (the lab image keeps its layers).
    """
    say = progress or (lambda _msg: None)
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, data in [("Dockerfile", dockerfile(base).encode())] + [
            (path.rsplit("/", 1)[1], data) for path, data in ETC_FILES
        ]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    say(f"docker build --network none --pull=false -t {image} -   (FROM {base})")
    made: list[str] = []
    try:
        with engine_call(f"docker build -t {image}", timeout=120):
            events = client.api.build(
                fileobj=context,
                custom_context=True,
                tag=image,
                rm=True,
                forcerm=True,
                pull=False,
                network_mode="none",
                decode=True,
            )
            for event in events:
                if event.get("error") or event.get("errorDetail"):
                    text = str(event.get("error") or (event.get("errorDetail") or {}).get("message"))
                    raise ImageBuildError(
                        _("docker build of {image} on {base} failed, and nothing of it was kept: {text}").format(
                            image=image, base=base, text=text
                        )
                    )
                line = str(event.get("stream") or "").strip()
                made += re.findall(r"^---> ([0-9a-f]{12})$", line)
                if line.startswith("Step "):
                    say(line)
    except BaseException:
        _forget(client, [image, *reversed(made), *([base] if drop_base else [])])
        raise
    if not image_present(client, image):
        _forget(client, [*reversed(made), *([base] if drop_base else [])])
        raise ImageBuildError(_("docker build reported success but {image} is not on the engine.").format(image=image))
    if drop_base:
        _forget(client, [base])  # the lab image holds its layers; the pulled reference itself is not the lab's
    say(_("{image} is ready").format(image=image))
    return image


def _forget(client: docker.DockerClient, references: list[str]) -> None:
    """Remove images this provisioning made, newest first; those already gone are skipped."""
    for ref in references:
        try:
            client.images.remove(ref, noprune=False)
        except docker.errors.ImageNotFound:
            continue
        except docker.errors.APIError as e:
            if "dependent child images" in str(e) or "being used" in str(e):
                continue
            raise DockerlabError(
                _("Could not remove {ref} after a failed build: {error}. Remove it with `docker rmi {ref}`.").format(
                    ref=ref, error=e.explanation or e
                )
            ) from e


def require(client: EngineClient, image: str = IMAGE) -> None:
    """Raise :class:`ImageMissing` unless ``image`` is on the engine (we never pull)."""
    if not image_present(client, image):
        raise ImageMissing(
            _(
                "The lab image {image} is not on this engine and dockerlab never pulls implicitly. "
                "Provision it first: lab.provision() in a notebook, or `dockerlab image` in a shell."
            ).format(image=image)
        )


def rootfs_tar(binary: str, applets: list[str]) -> bytes:
    """Return a root filesystem tarball: busybox, a link per applet, /etc basics."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d, mode in (
            ("bin", 0o755),
            ("etc", 0o755),
            ("tmp", 0o1777),
            ("proc", 0o555),
            ("sys", 0o555),
            ("dev", 0o755),
            ("root", 0o700),
            ("var", 0o755),
            ("var/www", 0o755),
        ):
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, mode
            tar.addfile(info)
        info = tar.gettarinfo(binary, arcname="bin/busybox")
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mode = 0o755
        with open(binary, "rb") as f:
            tar.addfile(info, f)
        for applet in sorted(set(applets) - {"busybox"}):
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname, link.mode = tarfile.SYMTYPE, "busybox", 0o777
            tar.addfile(link)
        for path, data in ETC_FILES:
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _import_rootfs(client: EngineClient, binary: str, image: str, say: Progress) -> str:
    check_binary(client, binary, image)
    applets = _applets(binary)
    missing = [a for a in REQUIRED_APPLETS if a not in applets]
    if missing:
        raise ImageBuildError(
            _(
                "{binary} lacks the applets {applets}: install Debian's busybox-static, whose busybox has them all."
            ).format(binary=binary, applets=", ".join(missing))
        )
    say(_("building a root filesystem from {binary} ({count} applets)").format(binary=binary, count=len(applets)))
    data = rootfs_tar(binary, applets)
    changes = [
        f'CMD ["sh", "-c", "{IDLE}"]',
        "ENV PATH=/bin",
        "LABEL " + " ".join(f"{k}={v}" for k, v in labels().items()),
    ]
    say(f"tar -C rootfs -c . | docker import -c 'CMD [...]' - {image}   ({len(data) / 1e6:.1f} MB)")
    repository, tag = image.rsplit(":", 1)
    with engine_call(f"docker import {image}", timeout=120):
        client.api.import_image_from_data(data, repository=repository, tag=tag, changes=changes)
    if not image_present(client, image):
        raise ImageBuildError(_("docker import reported success but {image} is not on the engine.").format(image=image))
    say(_("{image} is ready").format(image=image))
    return image


def _applets(binary: str) -> list[str]:
    try:
        out = subprocess.run([binary, "--list"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        raise ImageBuildError(
            _("Cannot run {binary} --list to learn its applets: {e}").format(binary=binary, e=e)
        ) from e
    return [
        a
        for a in out.stdout.split()
        if a.replace("-", "").replace(".", "").replace("_", "").isalnum() or a in ("[", "[[")
    ]


#: ELF ``e_machine`` -> Go's architecture name (``GOARCH``, what ``docker version`` reports as ``Arch``).
#: mips and ppc64 also depend on the class (32/64-bit) and byte order: see :attr:`ElfBinary.arch`.
ELF_MACHINES = {
    0x03: "386",
    0x08: "mips",
    0x15: "ppc64",
    0x16: "s390x",
    0x28: "arm",
    0x3E: "amd64",
    0xB7: "arm64",
    0xF3: "riscv64",
    0x102: "loong64",
}

#: Kernel names (``uname -m``, ``docker info``'s ``Architecture``) and Debian's -> Go's.
_ARCH_ALIASES = {
    "x86_64": "amd64",
    "x86-64": "amd64",
    "x64": "amd64",
    "aarch64": "arm64",
    "i386": "386",
    "i486": "386",
    "i586": "386",
    "i686": "386",
    "x86": "386",
    "armhf": "arm",
    "armel": "arm",
    "ppc64el": "ppc64le",
    "mipsel": "mipsle",
    "mips64el": "mips64le",
    "loongarch64": "loong64",
}

#: Go's names -> Debian's, for the package to install.
_DEBIAN_ARCH = {"386": "i386", "arm": "armhf", "ppc64le": "ppc64el", "mipsle": "mipsel", "mips64le": "mips64el"}

_PT_INTERP = 3  # a program header asking for a dynamic loader


def go_arch(name: str) -> str:
    """Normalise an architecture name to Go's (``GOARCH``), as ``docker version`` reports it.

    >>> go_arch("x86_64"), go_arch("aarch64"), go_arch("armv7l"), go_arch("i686"), go_arch("arm64")
    ('amd64', 'arm64', 'arm', '386', 'arm64')
    """
    name = name.strip().lower()
    if name.startswith("armv"):  # armv6l, armv7l; armv8l is a 32-bit userland on a 64-bit ARM kernel
        return "arm"
    return _ARCH_ALIASES.get(name, name)


@dataclass(frozen=True)
class ElfBinary:
    """What an ELF file's header says about it.

    Parameters
    ----------
    path:
        The file.
    machine:
        Its ``e_machine`` (0x3E x86-64, 0xB7 AArch64, ...).
    bits:
        32 or 64 (``EI_CLASS``).
    little_endian:
        Its byte order (``EI_DATA``).
    dynamic:
        Whether a program header asks for a dynamic loader (``PT_INTERP``).
    """

    path: str
    machine: int
    bits: int
    little_endian: bool
    dynamic: bool

    @property
    def arch(self) -> str:
        """Go's name for its architecture (``amd64``, ``arm64``, ...), or ``ELF machine 0x..`` when unknown.

        >>> ElfBinary("busybox", 0x08, 64, True, False).arch, ElfBinary("busybox", 0x15, 64, True, False).arch
        ('mips64le', 'ppc64le')
        """
        name = ELF_MACHINES.get(self.machine)
        if name is None:
            return f"ELF machine {self.machine:#x}"
        if name == "mips":
            name = ("mips64" if self.bits == 64 else "mips") + ("le" if self.little_endian else "")
        elif name == "ppc64" and self.little_endian:
            name = "ppc64le"
        return name


def read_elf(path: str) -> ElfBinary:
    """Read the ELF header (and program headers) of ``path``; no engine is involved.

    Raises :class:`ImageBuildError` when ``path`` cannot be read or is not an ELF file.
    """
    not_elf = ImageBuildError(
        _(
            "{path} is not an ELF executable, so it cannot be the busybox of a Linux image (a "
            "wrapper script, or a macOS or Windows program, will not do). Install Debian's "
            "busybox-static, or pass the path of a static busybox built for the engine's "
            "architecture: `dockerlab image --busybox PATH`."
        ).format(path=path)
    )
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if len(head) < 52 or head[:4] != b"\x7fELF" or head[4] not in (1, 2) or head[5] not in (1, 2):
                raise not_elf
            bits, order = (64 if head[4] == 2 else 32), ("<" if head[5] == 1 else ">")
            (machine,) = struct.unpack_from(order + "H", head, 18)
            if bits == 64:
                if len(head) < 64:
                    raise not_elf
                (phoff,) = struct.unpack_from(order + "Q", head, 32)
                phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
            else:
                (phoff,) = struct.unpack_from(order + "I", head, 28)
                phentsize, phnum = struct.unpack_from(order + "HH", head, 42)
            dynamic = False
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                raw = f.read(4)
                if len(raw) == 4 and struct.unpack(order + "I", raw)[0] == _PT_INTERP:
                    dynamic = True
                    break
    except OSError as e:
        raise ImageBuildError(
            _("Cannot read {path}: {e}. Pass a readable static busybox.").format(path=path, e=e)
        ) from e
    return ElfBinary(path, machine, bits, head[5] == 1, dynamic)


def engine_arch(client: EngineClient) -> str:
    """The engine's architecture in Go's names.

    ``docker version``'s ``Arch`` (``amd64``), else ``docker info``'s
    ``Architecture`` (``x86_64``); "" when neither says.
    """
    with engine_call("docker version"):
        arch = str(client.version().get("Arch") or "")
    if not arch:
        with engine_call("docker info"):
            arch = str(client.info().get("Architecture") or "")
    return go_arch(arch) if arch else ""


def check_binary(client: EngineClient, binary: str, image: str = IMAGE) -> ElfBinary:
    """Refuse a busybox for another architecture than the engine's, or a dynamically linked one.

    Only reads the file and asks the engine its version (and, if that lacks
    the architecture, its info): nothing is imported or run before this passes.
    """
    elf = read_elf(binary)
    engine = engine_arch(client)
    if engine and elf.arch != engine:
        deb = _DEBIAN_ARCH.get(engine, engine)
        raise ImageBuildError(
            _(
                "{binary} is a busybox for {arch}, but the engine runs on {engine}: an image built from "
                "it would not run there. Either build from a static busybox for {engine}: Debian's "
                "busybox-static package for {deb} (`apt-get download busybox-static:{deb}` once `dpkg "
                "--add-architecture {deb}` and `apt-get update` have run, then `dpkg-deb -x "
                "busybox-static_*.deb DIR`), with `dockerlab image --busybox PATH` "
                "(lab.provision(busybox=PATH) in a notebook), PATH being the busybox under DIR; or use a "
                "busybox image already on the engine (`docker image ls busybox`): `docker tag "
                "busybox:latest {image}`."
            ).format(binary=binary, arch=elf.arch, engine=engine, deb=deb, image=image)
        )
    if elf.dynamic:
        raise ImageBuildError(
            _(
                "{binary} is dynamically linked and would not run alone in an image: install Debian's "
                "busybox-static (its busybox is static)."
            ).format(binary=binary)
        )
    return elf
