"""The engine host's side, read from the engine: a short-lived helper container on the host network.

It works wherever the engine runs (a VM, Docker Desktop, behind ``DOCKER_HOST``): the
container is the lab image, read-only, with every capability dropped and no new
privileges, labelled as its lab's, and removed after use.
"""

from __future__ import annotations

import shlex

from dockerlab.engines import image as labimage
from dockerlab.engines.client import engine_call
from dockerlab.engines.protocol import EngineClient


def host_run(client: EngineClient, image: str, labels: dict[str, str], argv: list[str], timeout: float) -> str:
    """Run ``argv`` in the engine host's network namespace and return its output.

    ``labels`` say whose helper it is (the lab's label, and ``dockerlab.helper``).
    """
    labimage.require(client, image)
    with engine_call(f"docker run --rm --network host ... {shlex.join(argv)[:40]}", timeout):
        out = client.containers.run(
            image,
            argv,
            network_mode="host",
            remove=True,
            read_only=True,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            labels=labels,
        )
    return out.decode(errors="replace")
