"""Reading an engine's state, read only: the one way to build the model's view of containers.

The lab, a cluster host's lab and :mod:`dockerlab.setups.analyse` all read
the same three things and hand them to the model: ``docker inspect`` data,
each running container's ``/etc/hosts``, and the engine's release. This module
reads each of them one way, on the real engine and the simulator alike:

- ``/etc/hosts`` through the archive API (``docker cp``'s): nothing runs
  inside the container, and an engine that would refuse ``docker exec`` (a
  ``--link`` target down) still hands the file over; the model parses it
  (:func:`dockerlab.model.parse_hosts`);
- the release from ``docker version`` (:meth:`dockerlab.model.Release.of`),
  the default release's rules for an engine that does not say;
- the state from all of it (:func:`dockerlab.model.state_from_inspect`).
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import docker.errors

from dockerlab import model
from dockerlab.engines.client import DEFAULT_TIMEOUT, engine_call
from dockerlab.errors import EngineError

#: The file Docker writes each container's static names into.
HOSTS_FILE = "/etc/hosts"


def untar(data: bytes, path: str) -> str | None:
    """The text of the file ``path`` in a tar archive (what the archive API returns), if it is there.

    >>> buf = io.BytesIO()
    >>> with tarfile.open(fileobj=buf, mode="w") as tar:
    ...     info = tarfile.TarInfo("hosts"); info.size = 10
    ...     tar.addfile(info, io.BytesIO(b"127.0.0.1 "))
    >>> untar(buf.getvalue(), "/etc/hosts")
    '127.0.0.1 '
    """
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        name = posixpath.basename(path)
        files = [m for m in tar.getmembers() if m.isfile()]
        member = next((m for m in files if m.name == name), files[0] if files else None)
        handle = tar.extractfile(member) if member is not None else None
        return handle.read().decode(errors="replace") if handle is not None else None


def read_file(container: Any, path: str, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The text of a file in a container through the archive API (``docker cp``), never exec.

    None where it cannot be read (the engine refuses, or the file is not there).
    """
    try:
        with engine_call(f"docker cp {container.name}:{path} -", timeout):
            chunks, _stat = container.get_archive(path)
            data = b"".join(chunks)
    except (EngineError, docker.errors.NotFound):
        return None
    return untar(data, path)


def read_hosts(container: Any, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The text of a container's ``/etc/hosts`` (see :func:`read_file`)."""
    return read_file(container, HOSTS_FILE, timeout)


def hosts_files(
    containers: Sequence[Any], timeout: float = DEFAULT_TIMEOUT, *, parallel: bool = True
) -> dict[str, str | None]:
    """Each container's ``/etc/hosts`` by name: None for a container that is not running.

    ``parallel`` reads them at once (threads), as a real engine allows.
    """

    def read(c: Any) -> str | None:
        return read_hosts(c, timeout) if c.status == "running" else None

    if not parallel or len(containers) < 2:
        texts = [read(c) for c in containers]
    else:
        with ThreadPoolExecutor(max_workers=min(16, len(containers))) as pool:
            texts = list(pool.map(read, containers))
    return {c.name: t for c, t in zip(containers, texts, strict=True)}


def release_of(client: Any, timeout: float = DEFAULT_TIMEOUT) -> model.Release:
    """The engine's release (``docker version``; Podman's as ``podman X.Y.Z``); the default release's rules where
    it does not say."""
    with engine_call("docker version", timeout):
        answer = client.version()
    return release_from_version(answer if isinstance(answer, dict) else {})


def release_from_version(answer: dict[str, Any]) -> model.Release:
    """The release ``docker version``'s answer describes (Podman's as ``podman X.Y.Z``); the default
    release's rules where it does not say.

    >>> release_from_version({"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}]})
    Release(version='podman 4.3.1', numbers=(4, 3, 1), engine='podman')
    >>> release_from_version({}).version == model.DEFAULT_VERSION
    True
    """
    try:
        return model.Release.of(model.engine_of(answer))
    except ValueError:
        return model.Release.of()


def state_of(
    containers: Sequence[Any],
    networks: list[dict[str, Any]],
    hosts: dict[str, str | None],
    release: model.Release,
    wanted: Collection[str] | None = None,
) -> model.State:
    """The model's state of ``containers`` (docker-py objects) on an engine with ``networks``.

    ``hosts`` is :func:`hosts_files`' answer. ``wanted`` keeps only those
    containers as rows; the others still count for the rules (a container whose
    network stack a wanted one joins).
    """
    state = model.state_from_inspect([c.attrs for c in containers], networks, hosts, release)
    if wanted is None or set(wanted) == set(state.boxes):
        return state
    return model.State([b for b in state.boxes.values() if b.name in wanted], [*state.nets.values()], release)


__all__ = [
    "HOSTS_FILE",
    "hosts_files",
    "read_file",
    "read_hosts",
    "release_from_version",
    "release_of",
    "state_of",
    "untar",
]
