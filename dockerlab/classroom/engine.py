"""One learner's rootless Docker engine, started and stopped by root as that learner.

Debian's ``dockerd-rootless.sh`` runs ``dockerd`` inside rootlesskit's user, mount and network
namespaces (slirp4netns gives the namespace its way out), as the learner's own uid: the engine's
root is the learner, its containers' ids are the learner's subordinate ids, and its bridges and
addresses exist only in its namespace. It has its own socket, ``unix:///run/dockerlab-classroom/
USER/docker.sock`` (the folder is the learner's own, mode 0700), and its data under the learner's
home (``~/.local/share/docker``). The lessons of ``scripts/rootless.sh`` hold: the engine gets an
``XDG_RUNTIME_DIR`` of its own, and slirp4netns opens ``/dev/net/tun`` as the learner, so the
device must be mode 0666 (as Debian's udev makes it); :func:`open_tun` sets that and says what it found.

The lab image comes from the main engine with ``docker save`` and is loaded into the learner's
engine: nothing is pulled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

import docker

from dockerlab.classroom import ClassroomError
from dockerlab.classroom.accounts import Account
from dockerlab.engines.client import engine_call, image_present
from dockerlab.engines.image import provision
from dockerlab.errors import DockerlabError
from dockerlab.i18n import _
from dockerlab.kernel.labbox import IMAGE
from dockerlab.waits import poll

#: The learners' runtime folders (sockets, pids), one per learner.
RUN = Path("/run/dockerlab-classroom")
#: Debian's docker.io puts dockerd-rootless.sh here.
CONTRIB = Path("/usr/share/docker.io/contrib")
TUN = Path("/dev/net/tun")
#: Seconds a learner's engine may take to answer.
START_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0


def runtime_dir(user: str) -> Path:
    """The learner's ``XDG_RUNTIME_DIR``: their engine's socket, pid files and rootlesskit's state."""
    return RUN / user


def socket_path(user: str) -> Path:
    """The learner's engine's socket."""
    return runtime_dir(user) / "docker.sock"


def docker_host(user: str) -> str:
    """The learner's ``DOCKER_HOST``."""
    return f"unix://{socket_path(user)}"


def environment(acct: Account) -> dict[str, str]:
    """The environment the learner's engine, and their server, run in."""
    return {
        "HOME": str(acct.home),
        "USER": acct.user,
        "LOGNAME": acct.user,
        "XDG_RUNTIME_DIR": str(runtime_dir(acct.user)),
        "DOCKER_HOST": docker_host(acct.user),
        "PATH": f"{CONTRIB}:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
    }


def client(user: str, timeout: float = 60.0) -> docker.DockerClient:
    """A docker-py client of the learner's engine (root may open every learner's socket)."""
    return docker.DockerClient(base_url=docker_host(user), timeout=int(timeout))


def answers(user: str) -> bool:
    """Whether the learner's engine answers on its socket."""
    if not socket_path(user).exists():
        return False
    try:
        with contextlib.closing(client(user, timeout=5)) as c:
            return bool(c.ping())
    except Exception:  # any failure means "does not answer"
        return False


def rootlesskit_pids(uid: int) -> list[int]:
    """The rootlesskit processes running as ``uid`` (each is one engine's outermost process)."""
    return [pid for pid, name in _processes({uid}) if name == "rootlesskit"]


def _processes(uids: Container[int]) -> Iterator[tuple[int, str]]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid not in uids:
                continue
            if (entry / "stat").read_text().split(")")[-1].split()[0] == "Z":
                continue
            yield int(entry.name), (entry / "comm").read_text().strip()
        except OSError:
            continue


def open_tun() -> int | None:
    """Make ``/dev/net/tun`` mode 0666 for slirp4netns; return the mode it had when it was changed."""
    mode = stat.S_IMODE(TUN.stat().st_mode)
    if mode == 0o666:
        return None
    TUN.chmod(0o666)
    return mode


def start(acct: Account) -> int | None:
    """Start the learner's engine unless it answers already; return rootlesskit's pid (None if it ran)."""
    if answers(acct.user):
        return None
    if not (CONTRIB / "dockerd-rootless.sh").is_file():
        raise ClassroomError(
            _("{script} is missing: install Debian's docker.io and rootlesskit.").format(
                script=CONTRIB / "dockerd-rootless.sh"
            )
        )
    RUN.mkdir(mode=0o755, exist_ok=True)
    folder = runtime_dir(acct.user)
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chown(folder, acct.uid, acct.gid)
    folder.chmod(0o700)
    log = folder / "dockerd.log"
    with open(log, "ab") as out:
        os.chown(log, acct.uid, acct.gid)
        process = subprocess.Popen(
            ["sh", str(CONTRIB / "dockerd-rootless.sh")],
            cwd=acct.home,
            env=environment(acct),
            user=acct.uid,
            group=acct.gid,
            extra_groups=[],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _STARTED[process.pid] = process
    if poll(lambda: True if answers(acct.user) else (False if process.poll() is not None else None), START_TIMEOUT):
        return process.pid
    stop(acct)
    tail = [line for line in log.read_text(errors="replace").splitlines() if not line.startswith("+")][-12:]
    raise ClassroomError(
        _("The rootless engine of {user} did not answer within {seconds:.0f} s. The end of {log}:\n{tail}").format(
            user=acct.user, seconds=START_TIMEOUT, log=log, tail="\n".join(tail)
        )
    )


#: The engines this process started, so that it reaps them when they stop.
_STARTED: dict[int, subprocess.Popen[bytes]] = {}


def stop(acct: Account) -> bool:
    """Stop the learner's engine (rootlesskit takes dockerd, containerd and the namespaces with it).

    Returns whether one ran. Its runtime folder (socket, pids) is removed.
    """
    pids = rootlesskit_pids(acct.uid)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    gone = poll(lambda: True if not _alive(pids) else None, STOP_TIMEOUT)
    if not gone:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        poll(lambda: True if not _alive(pids) else None, 5)
    _remove_tree(runtime_dir(acct.user))
    return bool(pids)


def _alive(pids: list[int]) -> bool:
    for pid in pids:
        started = _STARTED.get(pid)
        if started is not None and started.poll() is not None:
            _STARTED.pop(pid, None)
            continue
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if state != "Z":
            return True
    return False


def _remove_tree(folder: Path) -> None:
    if not folder.exists():
        return
    subprocess.run(["rm", "-rf", "--one-file-system", str(folder)], check=False)


def kill_all(uids: Iterable[int]) -> None:
    """End every process of a classroom user (its server, its engine, its containers), after asking politely.

    ``uids``: the user's own and its subordinate ids (its containers' processes run as those).
    """
    owned = set(uids)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid, _name in list(_processes(owned)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        if poll(lambda: True if not list(_processes(owned)) else None, 10):
            return


def leftovers(uids: Iterable[int]) -> list[int]:
    """The processes still running as any of ``uids``."""
    return [pid for pid, _name in _processes(set(uids))]


def load_image(user: str, image: str = IMAGE) -> str:
    """Put the lab image into the learner's engine, offline; return how.

    From the main engine when it has the image (``docker save | docker load``), else built on the
    learner's engine from this machine's static busybox (:func:`dockerlab.engines.image.provision`).
    """
    with contextlib.closing(client(user)) as learner:
        if image_present(learner, image):
            return "present"
        try:
            with contextlib.closing(docker.from_env(timeout=60)) as main, engine_call(f"docker save {image}"):
                data = b"".join(main.images.get(image).save(named=True))
        except (DockerlabError, docker.errors.DockerException):
            provision(learner, image=image)
            return "built"
        with engine_call(f"docker load ({user})"):
            learner.images.load(data)
        return "loaded"
