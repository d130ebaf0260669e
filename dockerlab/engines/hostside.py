"""The engine host's side, read from the engine: a short-lived helper container on the host network.

It works wherever the engine runs (a VM, Docker Desktop, behind ``DOCKER_HOST``): the
container is the lab image, read-only, with every capability dropped and no new
privileges, labelled as its lab's, and removed after use.
"""

from __future__ import annotations

import shlex
from typing import Any

import docker
import docker.errors

from dockerlab.engines import image as labimage
from dockerlab.engines.client import engine_call
from dockerlab.engines.protocol import EngineClient


def host_run(client: EngineClient, image: str, labels: dict[str, str], argv: list[str], timeout: float) -> str:
    """Run ``argv`` in the engine host's network namespace and return its output.

    ``labels`` say whose helper it is (the lab's label, and ``dockerlab.helper``).
    """
    labimage.require(client, image)
    options: dict[str, Any] = {
        "network_mode": "host",
        "read_only": True,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "labels": labels,
    }
    with engine_call(f"docker run --rm --network host ... {shlex.join(argv)[:40]}", timeout):
        if not isinstance(client, docker.DockerClient):  # dockerlab's simulator answers run() itself
            out = client.containers.run(image, argv, remove=True, **options)
        else:
            out = _run_then_read(client, image, argv, options, timeout)
    return out.decode(errors="replace")


def _run_then_read(
    client: docker.DockerClient, image: str, argv: list[str], options: dict[str, Any], timeout: float
) -> bytes:
    """``docker run --rm``, reading the output once the container has exited.

    docker-py's ``run`` follows the logs while the container runs, and Podman 4.3 sometimes never ends
    that stream for a container that exits at once (measured: a helper hung for ten minutes, about one
    run in a few hundred); waiting first and reading after is the same for a short command.
    """
    container = client.containers.create(image, argv, **options)
    try:
        container.start()
        status = container.wait(timeout=timeout)["StatusCode"]
        if status != 0:
            stderr = bytes(container.logs(stdout=False, stderr=True)).decode(errors="replace")
            raise docker.errors.ContainerError(container, status, argv, image, stderr)
        return bytes(container.logs(stdout=True, stderr=False))
    finally:
        container.remove(force=True)
