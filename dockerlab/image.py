"""The lab image, built offline from a static busybox.

No registry is needed: the image is a root filesystem tarball (busybox and a
link per applet, about 2 MB) imported into the engine, the same thing as::

    tar -C rootfs -c . | docker import -c 'CMD [...]' - dockerlab/labbox:0.1.0

Where the official ``busybox`` image is already on the engine it is used as
the base instead. dockerlab never pulls: provisioning is explicit.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import tarfile
from collections.abc import Callable

import docker
import docker.errors

from dockerlab.engine import engine_call
from dockerlab.errors import ImageBuildError, ImageMissing
from dockerlab.services import INDEX_HTML
from dockerlab.version import __version__

REPOSITORY = "dockerlab/labbox"
IMAGE = f"{REPOSITORY}:{__version__}"
IMAGE_LABEL = "dockerlab.image"

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


def image_present(client: docker.DockerClient, image: str = IMAGE) -> bool:
    """Return whether ``image`` exists on the engine (exact reference, no pull)."""
    with engine_call(f"docker image inspect {image}"):
        try:
            client.images.get(image)
        except docker.errors.ImageNotFound:
            return False
    return True


def provision(
    client: docker.DockerClient,
    *,
    busybox: str | None = None,
    progress: Progress | None = None,
    image: str = IMAGE,
) -> str:
    """Make sure the lab image exists on the engine; return its reference.

    An existing image is reused. Otherwise it is built from a static busybox
    binary on this machine (``busybox``, default: the one on PATH or
    ``/bin/busybox``), or tagged from a local ``busybox`` image. Each step is
    reported through ``progress`` with its docker command line.
    """
    say = progress or (lambda _msg: None)
    if image_present(client, image):
        say(f"{image} is present on the engine: reusing it")
        return image
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
        f"Cannot build {image}: no static busybox binary on this machine ({binary} is missing) "
        "and no busybox image on the engine. On Debian/Ubuntu: `sudo apt-get install busybox-static`. "
        "With a registry at hand, `docker pull busybox` also works. Then run this again."
    )


def require(client: docker.DockerClient, image: str = IMAGE) -> None:
    """Raise :class:`ImageMissing` unless ``image`` is on the engine (we never pull)."""
    if not image_present(client, image):
        raise ImageMissing(
            f"The lab image {image} is not on this engine and dockerlab never pulls implicitly. "
            "Provision it first: lab.provision() in a notebook, or `dockerlab image` in a shell."
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
        for path, data in (
            ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"),
            ("etc/group", b"root:x:0:\nnogroup:x:65534:\n"),
            ("var/www/index.html", INDEX_HTML.encode()),
        ):
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _import_rootfs(client: docker.DockerClient, binary: str, image: str, say: Progress) -> str:
    _check_static(client, binary)
    applets = _applets(binary)
    missing = [a for a in REQUIRED_APPLETS if a not in applets]
    if missing:
        raise ImageBuildError(
            f"{binary} lacks the applets {', '.join(missing)}: install Debian's busybox-static, "
            "whose busybox has them all."
        )
    say(f"building a root filesystem from {binary} ({len(applets)} applets)")
    data = rootfs_tar(binary, applets)
    changes = [
        f'CMD ["sh", "-c", "{IDLE}"]',
        "ENV PATH=/bin",
        f"LABEL {IMAGE_LABEL}=labbox dockerlab.version={__version__}",
    ]
    say(f"tar -C rootfs -c . | docker import -c 'CMD [...]' - {image}   ({len(data) / 1e6:.1f} MB)")
    repository, tag = image.rsplit(":", 1)
    with engine_call(f"docker import {image}", timeout=120):
        client.api.import_image_from_data(data, repository=repository, tag=tag, changes=changes)
    if not image_present(client, image):
        raise ImageBuildError(f"docker import reported success but {image} is not on the engine.")
    say(f"{image} is ready")
    return image


def _applets(binary: str) -> list[str]:
    try:
        out = subprocess.run([binary, "--list"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        raise ImageBuildError(f"Cannot run {binary} --list to learn its applets: {e}") from e
    return [a for a in out.stdout.split() if a.replace("-", "").replace(".", "").isalnum() or a == "["]


_ELF_MACHINES = {62: "x86_64", 183: "aarch64", 40: "armv7l", 3: "i386"}
_ENGINE_ARCH = {
    "amd64": "x86_64",
    "x86_64": "x86_64",
    "arm64": "aarch64",
    "aarch64": "aarch64",
    "arm": "armv7l",
    "386": "i386",
}


def _check_static(client: docker.DockerClient, binary: str) -> None:
    """Refuse a dynamically linked busybox or one built for another architecture."""
    with open(binary, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            raise ImageBuildError(f"{binary} is not a 64-bit ELF executable; install busybox-static.")
        machine = struct.unpack_from("<H", head, 18)[0]
        (phoff,) = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            if struct.unpack("<I", f.read(4))[0] == 3:  # PT_INTERP: needs a dynamic loader
                raise ImageBuildError(
                    f"{binary} is dynamically linked and would not run alone in an image: "
                    "install Debian's busybox-static (its /bin/busybox is static)."
                )
    with engine_call("docker version"):
        engine_arch = _ENGINE_ARCH.get(str(client.version().get("Arch", "")), "")
    ours = _ELF_MACHINES.get(machine, f"machine {machine}")
    if engine_arch and engine_arch != ours:
        raise ImageBuildError(
            f"{binary} is built for {ours} but the engine runs {engine_arch}: "
            "provision on a machine of the engine's architecture, or `docker pull busybox`."
        )
