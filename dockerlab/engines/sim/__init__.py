"""A simulated Docker engine, in memory: follow the series without Docker.

:class:`SimClient` stands in for the part of ``docker.DockerClient`` that
:class:`~dockerlab.lab.Lab` uses, so the Lab's code (and its command-line
history) is the same on both engines. It reproduces Docker's behaviour, each
rule checked on real engines (20.10.24, 26.1.5 and 28.5.2; where they
differ, the release given as ``engine_version``, 20.10 by default, decides):

- the default ``bridge`` is 172.17.0.0/16 with gateway 172.17.0.1; ``host``
  and ``none`` exist; a network created without a subnet takes the next free
  pool of Docker's default address pools (172.18-31.0.0/16, then
  192.168.0.0/20, 192.168.16.0/20...): before 28, the first free one *after
  the last one handed out*, wrapping around (libnetwork's rotating start
  index), so a pool just released is not reused at once; from 28 on, the
  lowest free one; an explicit subnet may not overlap another;
- a container gets the first free address of each network (gateway,
  network and broadcast addresses excluded) each time it starts, and frees
  it when it stops: a restarted container keeps its address unless a lower
  one is free, and gets a new one when its old one was taken meanwhile;
- ``--link`` on the default bridge writes ``IP alias id [name]`` into the
  linking container's /etc/hosts (one way); the line follows a restart of the
  linked container; starting, or entering with ``docker exec``, a container
  whose link target is not running fails ("Cannot link to a non running
  container"), and so does one whose target is off the default bridge
  (never joined it, or was disconnected from it: "does not belong to the
  default network"). Links given with a user-defined network (as the
  Lab passes them, in ``HostConfig.Links``) have no effect, as on the engine;
- a container on a user-defined network uses the embedded DNS (127.0.0.11)
  for the names and aliases of running containers it shares such a network
  with; the default bridge has none; bridges are isolated even by IP;
  ``--internal`` and ``enable_icc=false`` behave as on the engine (see
  :mod:`dockerlab.model`, whose rules answer the simulated pings).

- the finale's stand-ins (:mod:`dockerlab.kernel.services`) serve their ports:
  ``nc HOST PORT`` in a container resolves and routes by the same rules and
  gets the service's line, "Connection refused" or busybox's timeout (for a
  name the embedded DNS does not know: a timeout before 26, "bad address"
  from 26 on, which answers at once); a published port
  (``-p 127.0.0.1:HOST:CONTAINER``) is a real socket on the host's loopback
  while the container runs, as docker-proxy's is, answered with what the
  container would answer (the app's page asks its service by name, from the
  app's container);
- /etc/resolv.conf and the head of /etc/hosts as the release writes them
  (from 26 on, resolv.conf has comments; from 28 on, ``fe00::`` for ``fe00::0``).

Known simplifications: no real processes (commands other than ``ping``,
``cat``, ``grep``, ``nslookup``, ``nc HOST PORT``, ``ip addr``, ``ip route``,
``hostname``, ``echo`` and ``true`` exit 127; main processes other than the
stand-ins serve nothing), and the host's routes are the bridges' plus one
private interface (10.254.0.0/24).

The package, by concern (imports flow down this list, and only the facade
knows docker-py):

- :mod:`~dockerlab.engines.sim.client`: :class:`SimClient`, the docker-py facade;
- :mod:`~dockerlab.engines.sim.proxy`: published ports, real sockets on 127.0.0.1;
- :mod:`~dockerlab.engines.sim.shell`: the containers' busybox (``docker exec``);
- :mod:`~dockerlab.engines.sim.state`: the engine's state, IPAM and inspect data.

Docker's rules come from :mod:`dockerlab.model`; none is restated here.
"""

from __future__ import annotations

from dockerlab.engines.sim.client import SimClient, shared_client
from dockerlab.engines.sim.state import DEFAULT_BRIDGE, PREDEFINED_POOLS, SimEngine, SimError
from dockerlab.i18n import N_

#: Shown first when a notebook runs on the simulator; translate with ``_(BANNER)`` when shown.
BANNER = N_(
    "SIMULATED: no Docker engine answers here, so this notebook runs on dockerlab's simulator, which "
    "follows Docker's rules (addresses, DNS, links, isolation) without sending a packet. Results are simulated; "
    "run it with Docker to see the real thing."
)

__all__ = ["BANNER", "DEFAULT_BRIDGE", "PREDEFINED_POOLS", "SimClient", "SimEngine", "SimError", "shared_client"]
