"""Connecting to the Docker engine and translating its errors into ours.

No client is created at import time: :func:`connect` is called by a
:class:`~dockerlab.lab.Lab` when it first needs the engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import docker
import docker.errors
import requests.exceptions

from dockerlab.errors import (
    DockerlabError,
    EngineError,
    EngineTimeout,
    EngineUnavailable,
)

#: Seconds any single engine call may take before :class:`EngineTimeout`.
DEFAULT_TIMEOUT = float(os.environ.get("DOCKERLAB_ENGINE_TIMEOUT", "30"))
#: ``DOCKERLAB_ENGINE=sim`` puts dockerlab's simulator wherever a client is made.
ENGINE_VARIABLE = "DOCKERLAB_ENGINE"


def connect(timeout: float = DEFAULT_TIMEOUT) -> docker.DockerClient:
    """Return a client for the engine named by the environment (DOCKER_HOST, context).

    The API version is negotiated with the engine, so Engine 20.10 to 29 work.
    Raises :class:`EngineUnavailable` when no engine answers. With
    ``DOCKERLAB_ENGINE=sim`` it returns the process's simulator instead.
    """
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "sim":
        from dockerlab.sim import shared_client

        return shared_client()
    with engine_call("the version handshake", timeout):
        client = docker.from_env(version="auto", timeout=int(max(timeout, 1)))
    return client


def engine_version(client: docker.DockerClient) -> str:
    """Return the engine's version string, for instance ``'20.10.24+dfsg1'``."""
    with engine_call("docker version", DEFAULT_TIMEOUT):
        return str(client.version().get("Version", "unknown"))


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
        raise EngineError(f"The engine refused {operation}: {explanation}") from e
    except (requests.exceptions.Timeout, TimeoutError) as e:
        raise EngineTimeout(operation, timeout) from e
    except (requests.exceptions.ConnectionError, ConnectionError, FileNotFoundError) as e:
        raise EngineUnavailable(_short(e)) from e
    except PermissionError as e:
        raise EngineUnavailable(f"permission denied on the Docker socket ({e})") from e
    except docker.errors.DockerException as e:
        text = str(e)
        if "Read timed out" in text or "timed out" in text.lower():
            raise EngineTimeout(operation, timeout) from e
        raise EngineUnavailable(_short(e)) from e
    except requests.exceptions.RequestException as e:
        raise EngineUnavailable(_short(e)) from e


def _short(e: BaseException) -> str:
    text = str(e)
    return text if len(text) < 300 else text[:300] + "..."
