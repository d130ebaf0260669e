"""Who reaches whom, written by hand from the article and Docker's documentation.

``tests/test_explain.py`` checks :meth:`Lab.compare` on the simulator, whose
pings follow the same rules as :meth:`Lab.predict`. Here the expected answers
come from neither: each situation of the article the tutorial follows
("Docker从入门到精通（六）——容器通信") or of Docker's networking documentation
is built through the Lab's public API, and both the measured matrix
(:meth:`Lab.reachability`) and the predicted one (:meth:`Lab.predict`) must
equal the table written below. On a real engine, the engine is the oracle: if
it disagrees with a table, the table is wrong.

Every situation runs in its own lab (``exp-<situation>-<tag>``), with
container and network names unique to it, and is reset at the end.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

from dockerlab.engines import backend
from dockerlab.lab import Lab

#: By name: ``(source, target) -> reaches``, for every ordered pair of the situation's containers.
ByName = dict[tuple[str, str], bool]
#: By IP: ``(source, target, target's network) -> reaches``, for every address of every other container.
ByIp = dict[tuple[str, str, str], bool]
#: Makes a container or network name unique on the engine: ``n("tomcat1")`` is ``exp-tomcat1-1a2b3c``.
Namer = Callable[[str], str]


@dataclass(frozen=True)
class Situation:
    """A setup, and the reachability Docker gives it, by name and by IP.

    Attributes
    ----------
    key:
        A short name, used in the test id and the lab's name.
    source:
        Where the expected behaviour is stated.
    build:
        Creates the situation in a lab, naming every container and network through the namer.
    by_name, by_ip:
        The expected matrices, by hand.
    """

    key: str
    source: str
    build: Callable[[Lab, Namer], None]
    by_name: ByName
    by_ip: ByIp


# -- the situations ------------------------------------------------------------------


def default_bridge(lab: Lab, n: Namer) -> None:
    """Article §1.2: ``docker run --name tomcat1 ...`` and ``--name mysql1``, no network given."""
    lab.run(n("mysql1"))
    lab.run(n("tomcat1"))


def link(lab: Lab, n: Namer) -> None:
    """Article §3.1: ``docker run --name tomcat1 --link mysql1 ...``."""
    lab.run(n("mysql1"))
    lab.run(n("tomcat1"), links=[n("mysql1")])


def user_bridge(lab: Lab, n: Namer) -> None:
    """Article §5: ``docker network create --driver bridge myBridge``, both containers ``--net myBridge``."""
    lab.network(n("myBridge"))
    lab.run(n("tomcat1"), network=n("myBridge"))
    lab.run(n("mysql1"), network=n("myBridge"))


def two_bridges(lab: Lab, n: Namer) -> None:
    """Two user-defined bridges, one container on each."""
    lab.network(n("front"))
    lab.network(n("back"))
    lab.run(n("web"), network=n("front"))
    lab.run(n("db"), network=n("back"))


def connect(lab: Lab, n: Namer) -> None:
    """Article §5.1: ``docker network connect myBridge tomcat1-docker0``."""
    lab.network(n("myBridge"))
    lab.run(n("tomcat1"), network=n("myBridge"))
    lab.run(n("tomcat1-docker0"))
    lab.connect(n("myBridge"), n("tomcat1-docker0"))


def none(lab: Lab, n: Namer) -> None:
    """``docker run --network none``: only a loopback interface."""
    lab.run(n("alone"), network="none")
    lab.run(n("web"))


def stopped(lab: Lab, n: Namer) -> None:
    """A stopped container, on a user-defined bridge where names would otherwise resolve."""
    lab.network(n("app"))
    lab.run(n("web"), network=n("app"))
    lab.run(n("db"), network=n("app"))
    lab.stop(n("db"))


def internal(lab: Lab, n: Namer) -> None:
    """``docker network create --internal``: no way out, but its members talk to each other."""
    lab.network(n("inner"), internal=True)
    lab.run(n("i1"), network=n("inner"))
    lab.run(n("i2"), network=n("inner"))


def icc_off(lab: Lab, n: Namer) -> None:
    """``docker network create -o com.docker.network.bridge.enable_icc=false``."""
    lab.network(n("quiet"), icc=False)
    lab.run(n("q1"), network=n("quiet"))
    lab.run(n("q2"), network=n("quiet"))


DOCS = "Docker docs, Networking > Drivers > Bridge"

SITUATIONS = [
    Situation(
        "default-bridge",
        "article §1.3 (by IP) and §3 (by name: 'cannot communicate by container name')",
        default_bridge,
        by_name={("tomcat1", "mysql1"): False, ("mysql1", "tomcat1"): False},
        by_ip={("tomcat1", "mysql1", "bridge"): True, ("mysql1", "tomcat1", "bridge"): True},
    ),
    Situation(
        "link",
        "article §3.1: one way; tomcat1's /etc/hosts names mysql1, not the reverse",
        link,
        by_name={("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False},
        by_ip={("tomcat1", "mysql1", "bridge"): True, ("mysql1", "tomcat1", "bridge"): True},
    ),
    Situation(
        "user-bridge",
        f"article §5 (names resolve both ways on a user-defined bridge); {DOCS}",
        user_bridge,
        by_name={("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): True},
        by_ip={("tomcat1", "mysql1", "myBridge"): True, ("mysql1", "tomcat1", "myBridge"): True},
    ),
    Situation(
        "two-bridges",
        f"article §5.1 (different bridges cannot ping each other); {DOCS}",
        two_bridges,
        by_name={("web", "db"): False, ("db", "web"): False},
        by_ip={("web", "db", "back"): False, ("db", "web", "front"): False},
    ),
    Situation(
        "connect",
        "article §5.1: after network connect, tomcat1-docker0 has two addresses and reaches myBridge",
        connect,
        by_name={("tomcat1", "tomcat1-docker0"): True, ("tomcat1-docker0", "tomcat1"): True},
        by_ip={
            ("tomcat1-docker0", "tomcat1", "myBridge"): True,
            ("tomcat1", "tomcat1-docker0", "myBridge"): True,
            ("tomcat1", "tomcat1-docker0", "bridge"): False,  # the default bridge stays isolated from myBridge
        },
    ),
    Situation(
        "none",
        "article §5 ('none: this mode turns the container's networking off')",
        none,
        by_name={("alone", "web"): False, ("web", "alone"): False},
        by_ip={("alone", "web", "bridge"): False},  # alone has no address to aim at
    ),
    Situation(
        "stopped",
        "a stopped container has no address and runs no ping",
        stopped,
        by_name={("web", "db"): False, ("db", "web"): False},
        by_ip={("db", "web", "app"): False},  # db, stopped, has no address
    ),
    Situation(
        "internal",
        "docker network create --internal: external access restricted, members still connected",
        internal,
        by_name={("i1", "i2"): True, ("i2", "i1"): True},
        by_ip={("i1", "i2", "inner"): True, ("i2", "i1", "inner"): True},
    ),
    Situation(
        "icc-off",
        f"com.docker.network.bridge.enable_icc=false: no traffic between its containers; {DOCS}",
        icc_off,
        by_name={("q1", "q2"): False, ("q2", "q1"): False},
        by_ip={("q1", "q2", "quiet"): False, ("q2", "q1", "quiet"): False},
    ),
]


# -- running them ------------------------------------------------------------------------


@dataclass
class Built:
    """A situation built in a lab, with the unique names it was given."""

    lab: Lab
    short: dict[str, str]  # unique name -> the name the tables use

    def table(self, frame: pd.DataFrame, by: str) -> dict[tuple[str, ...], bool | None]:
        """A reachability matrix as a dict in the tables' names (NA, never expected, as None)."""
        out: dict[tuple[str, ...], bool | None] = {}
        for source in frame.index:
            for column in frame.columns:
                target = column if by == "name" else column[0]
                if target == source:
                    continue
                value = frame.loc[source, column]
                names = (source, column) if by == "name" else (source, *column)
                out[tuple(self.short.get(x, x) for x in names)] = None if pd.isna(value) else bool(value)
        return out


@pytest.fixture
def build(client: Any) -> Iterator[Callable[[Situation], Built]]:
    """Build a situation in its own lab; every lab made is reset at teardown."""
    made: list[Lab] = []

    def make(situation: Situation) -> Built:
        tag = uuid.uuid4().hex[:6]
        short: dict[str, str] = {}

        def n(name: str) -> str:
            short[f"exp-{name}-{tag}"] = name
            return f"exp-{name}-{tag}"

        lab = Lab(f"exp-{situation.key}-{tag}", client=client, echo=False)
        made.append(lab)
        situation.build(lab, n)
        return Built(lab, short)

    yield make
    for lab in made:
        lab.reset()


def mismatches(expected: dict, got: dict) -> str:
    """The entries where ``got`` differs from ``expected``, one a line."""
    keys = sorted(set(expected) | set(got))
    return "\n".join(
        f"  {' -> '.join(k)}: expected {expected.get(k, '(no entry)')}, got {got.get(k, '(no entry)')}"
        for k in keys
        if expected.get(k, "missing") != got.get(k, "missing")
    )


@pytest.mark.parametrize("situation", SITUATIONS, ids=[s.key for s in SITUATIONS])
def test_measured_and_predicted_reachability_match_docker(
    situation: Situation, build: Callable[[Situation], Built], client: Any
) -> None:
    """The engine's pings and the lab's prediction both give the hand-written table."""
    built = build(situation)
    engine = "simulator" if backend.is_simulated(client) else "engine"
    for by, expected in (("name", situation.by_name), ("ip", situation.by_ip)):
        measured = built.table(built.lab.reachability(by), by)
        assert measured == expected, (
            f"{situation.key}, by {by}: the {engine} measured otherwise than {situation.source}:\n"
            f"{mismatches(expected, measured)}"
        )
        predicted = built.table(built.lab.predict(by), by)
        assert predicted == expected, (
            f"{situation.key}, by {by}: predict() on the {engine} says otherwise than {situation.source}:\n"
            f"{mismatches(expected, predicted)}"
        )
