"""Connecting to the Docker engine and translating its errors into ours.

No client is created at import time: :func:`connect` is called (through
:mod:`dockerlab.engines.backend`, which also offers the simulator) when a
:class:`~dockerlab.lab.Lab` first needs the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import docker
import docker.errors
import requests.exceptions

from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import (
    DockerlabError,
    EngineError,
    EngineTimeout,
    EngineUnavailable,
    NeedsEngine,
)
from dockerlab.i18n import _
from dockerlab.model import has_label

#: Seconds any single engine call may take before :class:`EngineTimeout`.
DEFAULT_TIMEOUT = float(os.environ.get("DOCKERLAB_ENGINE_TIMEOUT", "30"))


def in_ci() -> bool:
    """Whether we run under CI (``CI=true``), where a missing engine must fail, never fall back."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def connect(timeout: float = DEFAULT_TIMEOUT) -> docker.DockerClient:
    """Return a client for the real engine named by the environment (DOCKER_HOST, context).

    The API version is negotiated with the engine, so Engine 20.10 to 29 work.
    Raises :class:`EngineUnavailable` when no engine answers.
    """
    with engine_call(_("the version handshake"), timeout):
        client = docker.from_env(version="auto", timeout=int(max(timeout, 1)))
    return client


def engine_version(client: EngineClient) -> str:
    """Return the engine's version string, for instance ``'20.10.24+dfsg1'``."""
    with engine_call("docker version", DEFAULT_TIMEOUT):
        return str(client.version().get("Version", "unknown"))


def real_engine(client: EngineClient, what: str) -> docker.DockerClient:
    """``client`` as docker-py's, for what only a real engine does (``what``: ``docker pull``, ``docker build``).

    Raises :class:`~dockerlab.errors.NeedsEngine` for dockerlab's simulator.
    """
    if isinstance(client, docker.DockerClient):
        return client
    raise NeedsEngine(
        _("{what} needs a real Docker engine, not dockerlab's simulator: unset DOCKERLAB_ENGINE.").format(what=what)
    )


@contextmanager
def engine_call(operation: str, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Run the body, translating docker/requests exceptions into DockerlabError."""
    try:
        yield
    except DockerlabError:
        raise
    except docker.errors.APIError as e:
        explanation = e.explanation or str(e)
        if isinstance(explanation, bytes):
            explanation = explanation.decode(errors="replace")
        raise EngineError(
            _("The engine refused {operation}: {explanation}").format(operation=operation, explanation=explanation)
        ) from e
    except (requests.exceptions.Timeout, TimeoutError) as e:
        raise EngineTimeout(operation, timeout) from e
    except (requests.exceptions.ConnectionError, ConnectionError, FileNotFoundError) as e:
        raise EngineUnavailable(_short(e)) from e
    except PermissionError as e:
        raise EngineUnavailable(_("permission denied on the Docker socket ({e})").format(e=e)) from e
    except docker.errors.DockerException as e:
        text = str(e)
        if "Read timed out" in text or "timed out" in text.lower():
            raise EngineTimeout(operation, timeout) from e
        raise EngineUnavailable(_short(e)) from e
    except requests.exceptions.RequestException as e:
        raise EngineUnavailable(_short(e)) from e


def image_present(client: EngineClient, reference: str) -> bool:
    """Whether ``reference`` names an image on the engine (exact reference; nothing is pulled)."""
    with engine_call(f"docker image inspect {reference}"):
        try:
            client.images.get(reference)
        except docker.errors.ImageNotFound:
            return False
    return True


def remove_labelled(
    client: EngineClient,
    label: str,
    *,
    dry_run: bool = False,
    removed: Callable[[str, Any], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[str]:
    """Remove every container, then every network, that carries ``label``, and nothing else.

    ``label`` is ``key`` or ``key=value``. The engine's filter selects; each
    resource's own labels are checked again before it is removed. ``removed``
    is told ``("container" | "network", resource)`` for each one (with
    ``dry_run``, for each one that would go). Returns the failures, in words.
    """
    failures = []
    with engine_call(f"docker ps -a --filter label={label}", timeout):
        containers = client.containers.list(all=True, filters={"label": label})
    for c in sorted(containers, key=lambda c: c.name or ""):
        if not has_label(c.labels, label):
            continue
        try:
            if not dry_run:
                with engine_call(f"docker rm -f {c.name}", timeout):
                    try:
                        c.remove(force=True)
                    except docker.errors.NotFound:
                        pass
        except DockerlabError as e:
            failures.append(_("container {name}: {e}").format(name=c.name, e=e))
            continue
        if removed is not None:
            removed("container", c)
    with engine_call(f"docker network ls --filter label={label}", timeout):
        networks = client.networks.list(filters={"label": label})
    for n in sorted(networks, key=lambda n: n.name or ""):
        if not has_label(n.attrs.get("Labels"), label):
            continue
        try:
            if not dry_run:
                with engine_call(f"docker network rm {n.name}", timeout):
                    try:
                        n.remove()
                    except docker.errors.NotFound:
                        pass
        except DockerlabError as e:
            failures.append(
                _(
                    "network {name}: {e} (a container that is not a lab's may still be attached: `docker "
                    "network inspect {name}` shows it)"
                ).format(name=n.name, e=e)
            )
            continue
        if removed is not None:
            removed("network", n)
    return failures


def is_docker_desktop(info: dict[str, Any], version: dict[str, Any] | None = None) -> bool:
    """Whether the engine is Docker Desktop's: ``docker info``'s ``OperatingSystem``, or ``docker version``'s platform.

    >>> is_docker_desktop({"OperatingSystem": "Docker Desktop", "Name": "docker-desktop"})
    True
    >>> is_docker_desktop({}, {"Platform": {"Name": "Docker Desktop 4.29.0 (145265)"}})
    True
    >>> is_docker_desktop({"OperatingSystem": "Debian GNU/Linux 12 (bookworm)"}, {"Platform": {"Name": ""}})
    False
    """
    platform = str(((version or {}).get("Platform") or {}).get("Name") or "")
    return str(info.get("OperatingSystem") or "").strip().startswith("Docker Desktop") or platform.startswith(
        "Docker Desktop"
    )


def podman_info(client: EngineClient) -> dict[str, Any] | None:
    """Podman's own ``podman info`` (its libpod API, beside the Docker-compatible one), or None elsewhere.

    It says what the compatible ``docker info`` does not: the network backend (netavark or CNI) and
    whether Podman runs rootless.
    """
    api = getattr(client, "api", None)
    if api is None:  # dockerlab's simulator
        return None
    try:
        with engine_call("podman info", DEFAULT_TIMEOUT):
            answer = api._result(api._get(f"{api.base_url}/v4.0.0/libpod/info"), True)
    except DockerlabError:
        return None
    return answer if isinstance(answer, dict) else None


def is_rootless(info: dict[str, Any]) -> bool:
    """Whether ``docker info`` describes a rootless engine (``name=rootless`` among its ``SecurityOptions``).

    >>> is_rootless({"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]})
    True
    >>> is_rootless({"SecurityOptions": ["name=apparmor", "name=seccomp,profile=default"]}), is_rootless({})
    (False, False)
    """
    for option in info.get("SecurityOptions") or []:
        if any(part.strip() in ("name=rootless", "rootless") for part in str(option).split(",")):
            return True
    return False


def _short(e: BaseException) -> str:
    text = str(e)
    return text if len(text) < 300 else text[:300] + "..."
