"""The one place that chooses the engine: the real one, the simulator, or "real if one answers".

``engine="docker"`` is the real engine named by the environment (DOCKER_HOST,
the docker context); ``engine="sim"`` is dockerlab's in-memory simulator
(one per process, shared by its labs, as labs share a real engine);
``engine="auto"`` is the real engine when one answers, else the simulator,
and the notebooks then show :data:`BANNER` first. Under ``CI=true`` "auto"
never falls back: a missing engine fails the run.

``DOCKERLAB_ENGINE=sim`` puts the simulator wherever a client is made (the
test suite's second run); ``DOCKERLAB_ENGINE=docker`` forbids the fallback.

:func:`choose_cluster` makes the same choice for chapter 08's hosts: the real
cluster, or the simulated swarm.

>>> choose("sim").simulated
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeGuard

from dockerlab.engines import hosts, sim
from dockerlab.engines.client import DEFAULT_TIMEOUT, connect, engine_call, in_ci
from dockerlab.engines.protocol import EngineClient
from dockerlab.engines.sim.swarm import SimSwarm
from dockerlab.errors import ClusterUnavailable, EngineUnavailable, InvalidInput
from dockerlab.i18n import N_, _

#: The environment variable that overrides the choice (``sim`` or ``docker``).
ENGINE_VARIABLE = "DOCKERLAB_ENGINE"
ENGINES = ("docker", "sim", "auto")
BANNER = sim.BANNER

#: What chapter 08 shows first when it runs on the simulated swarm.
SIM_BANNER = N_(
    "SIMULATED: extra Docker engines cannot be started here (they need root on Linux), so this chapter runs on "
    "dockerlab's simulated swarm: names, addresses and reachability across hosts follow Docker's rules, but "
    "there is no kernel to show (interfaces, VXLAN, capture). Run it as root on Linux to see the real thing."
)
#: Said first when the learner (or the simulator's test run) chose the simulator with DOCKERLAB_ENGINE=sim.
SIM_CHOSEN_BANNER = N_(
    "SIMULATED: DOCKERLAB_ENGINE=sim asks for dockerlab's simulator, so this chapter runs on its simulated swarm: "
    "names, addresses and reachability across hosts follow Docker's rules, but there is no kernel to show "
    "(interfaces, VXLAN, capture)."
)


@dataclass(frozen=True)
class Backend:
    """A client for the chosen engine, and whether it is the simulator."""

    client: EngineClient
    simulated: bool


#: Set in the servers of ``dockerlab classroom`` (each learner has a rootless engine, no root).
CLASSROOM_VARIABLE = "DOCKERLAB_CLASSROOM"
#: Said first when chapter 08 runs in a classroom.
SIM_CLASSROOM_BANNER = N_(
    "SIMULATED: in this classroom your Docker engine is a rootless one of your own, and extra engines need root "
    "on the server, so this chapter runs on dockerlab's simulated swarm: names, addresses and reachability "
    "across hosts follow Docker's rules, but there is no kernel to show (interfaces, VXLAN, capture)."
)


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


def simulated_choice() -> bool:
    """Whether ``DOCKERLAB_ENGINE=sim`` chose the simulator outright (not as a fallback)."""
    return _forced() == "sim"


def choose_cluster(echo: bool = True) -> hosts.Cluster | SimSwarm:
    """Chapter 08's hosts: the real cluster brought up (reused when up), or, where extra engines cannot be
    started, the simulated swarm, saying so first.

    Under ``CI=true`` it never falls back; ``DOCKERLAB_ENGINE=sim`` chooses the
    simulated swarm outright (even under CI), as it chooses the simulator for
    the other chapters.
    """
    if simulated_choice():  # chosen, not a fallback
        print(_(SIM_CHOSEN_BANNER))
        return SimSwarm()
    if os.environ.get(CLASSROOM_VARIABLE):  # a learner's server: never root, never the real cluster
        print(_(SIM_CLASSROOM_BANNER))
        return SimSwarm()
    missing = hosts.missing_tools()  # looked up at each call: a test may stand in for the machine
    if not missing:
        return hosts.Cluster(echo=echo).up()
    if in_ci():
        raise ClusterUnavailable(hosts.unavailable_message(missing), missing)
    print(_(SIM_BANNER))
    return SimSwarm()


def is_simulated(client: EngineClient | None) -> TypeGuard[sim.SimClient]:
    """Whether ``client`` is dockerlab's simulator rather than a docker-py client.

    The one test of which engine a client is: nothing else asks a client what it can do.
    """
    return isinstance(client, sim.SimClient)


__all__ = [
    "BANNER",
    "ENGINES",
    "ENGINE_VARIABLE",
    "SIM_BANNER",
    "SIM_CHOSEN_BANNER",
    "Backend",
    "choose",
    "choose_cluster",
    "in_ci",
    "is_simulated",
    "simulated_choice",
]
