"""The one place that chooses the engine: the real one, the simulator, or "real if one answers".

``engine="docker"`` is the real engine named by the environment (DOCKER_HOST,
the docker context); ``engine="sim"`` is dockerlab's in-memory simulator
(one per process, shared by its labs, as labs share a real engine);
``engine="auto"`` is the real engine when one answers, else the simulator,
and the notebooks then show :data:`BANNER` first. Under ``CI=true`` "auto"
never falls back: a missing engine fails the run.

``DOCKERLAB_ENGINE=sim`` puts the simulator wherever a client is made (the
test suite's second run); ``DOCKERLAB_ENGINE=docker`` forbids the fallback.

>>> choose("sim").simulated
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeGuard

from dockerlab.engines import sim
from dockerlab.engines.client import DEFAULT_TIMEOUT, connect, engine_call
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import EngineUnavailable, InvalidInput
from dockerlab.i18n import _

#: The environment variable that overrides the choice (``sim`` or ``docker``).
ENGINE_VARIABLE = "DOCKERLAB_ENGINE"
ENGINES = ("docker", "sim", "auto")
BANNER = sim.BANNER


@dataclass(frozen=True)
class Backend:
    """A client for the chosen engine, and whether it is the simulator."""

    client: EngineClient
    simulated: bool


def in_ci() -> bool:
    """Whether we run under CI (``CI=true``), where a missing engine must fail, never fall back."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _forced() -> str:
    return os.environ.get(ENGINE_VARIABLE, "").strip().lower()


def choose(engine: str = "docker", timeout: float = DEFAULT_TIMEOUT) -> Backend:
    """Connect to the engine ``engine`` names ("docker", "sim" or "auto"); see the module's text.

    Raises :class:`~dockerlab.errors.EngineUnavailable` when a real engine is
    required and none answers.
    """
    if engine not in ENGINES:
        raise InvalidInput(
            _("engine must be one of {engines}, not {engine}.").format(engines=", ".join(ENGINES), engine=repr(engine))
        )
    if engine == "sim" or _forced() == "sim":
        return Backend(sim.shared_client(), True)
    if engine == "docker":
        return Backend(connect(timeout), False)
    try:
        client = connect(timeout)
        with engine_call("docker ping", timeout):
            client.ping()
    except EngineUnavailable:
        if _forced() == "docker" or in_ci():
            raise
        return Backend(sim.shared_client(), True)
    return Backend(client, False)


def is_simulated(client: EngineClient | None) -> TypeGuard[sim.SimClient]:
    """Whether ``client`` is dockerlab's simulator rather than a docker-py client.

    The one test of which engine a client is: nothing else asks a client what it can do.
    """
    return isinstance(client, sim.SimClient)


__all__ = ["BANNER", "ENGINES", "ENGINE_VARIABLE", "Backend", "choose", "in_ci", "is_simulated"]
