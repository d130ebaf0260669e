"""Docker's own expectations, from moby's integration tests, judged three ways.

Each test is named after the moby test it comes from (``integration-cli/
docker_cli_links_test.go``, ``docker_cli_run_test.go``,
``docker_cli_network_unix_test.go``, ``integration/networking/*``) and states
what that test asserts. Each runs on the real engine (when one answers) and
on the simulator, and every ping is also asked of :meth:`Lab.explain`, the
prediction from state alone: the measurement, the simulator and the
prediction must all give moby's answer. Where a release changes the answer,
the test says which, and asks the lab's engine release.

Cases that moby does not test but a learner meets are marked "(observed)":
their expectation was read off Engine 20.10.24 by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import docker.errors
import pytest

from dockerlab.errors import InvalidInput
from dockerlab.lab import Lab

Names = Callable[[str], str]


@pytest.fixture
def lab(client: Any) -> Iterator[Lab]:
    """A fresh lab on the engine under test, reset at teardown."""
    made = Lab(f"mb-{uuid.uuid4().hex[:8]}", client=client, echo=False)
    yield made
    made.reset()


@pytest.fixture
def n() -> Names:
    """Names unique to this test (names are engine-wide)."""
    tag = uuid.uuid4().hex[:5]
    return lambda name: f"mb-{name}-{tag}"


def agree(lab: Lab, source: str, target: str, expected: bool) -> None:
    """The ping (real or simulated) and the prediction both give moby's answer."""
    measured = lab.ping(source, target)
    predicted = lab.explain(source, target)
    assert (measured.ok, predicted.reachable) == (expected, expected), (
        f"{source} -> {target}: moby expects {'a reply' if expected else 'no reply'}; "
        f"measured {measured.reason} ({measured.output.strip()[:120]!r}), predicted: {predicted}"
    )


def hosts(lab: Lab, name: str) -> list[list[str]]:
    """The lines of a container's /etc/hosts, split into words, comments left out."""
    return [line.split() for line in lab.read_file(name, "/etc/hosts").splitlines() if line.split()]


# -- links (integration-cli/docker_cli_links_test.go, docker_cli_run_test.go) ------------------


def test_TestLinksPingLinkedContainers(lab: Lab, n: Names) -> None:
    """A linked container answers to its alias, its name and its hostname."""
    lab.run(n("c1"), hostname="fred")
    lab.run(n("c2"), hostname="wilma")
    lab.run(n("linker"), links={n("c1"): "alias1", n("c2"): "alias2"})
    for target in ("alias1", "alias2", n("c1"), n("c2"), "fred", "wilma"):
        agree(lab, n("linker"), target, True)


def test_TestLinksHostsFilesInject_and_TestLinksUpdateOnRestart(lab: Lab, n: Names) -> None:
    """--link writes the alias into the linking container's /etc/hosts, and the line follows a restart."""
    lab.run(n("one"))
    lab.run(n("two"), links={n("one"): "onetwo"})
    line = next(words for words in hosts(lab, n("two")) if "onetwo" in words)
    assert line[0] == lab[n("one")].ip
    lab.stop(n("one"))
    lab.run(n("filler"))  # takes one's address, so one comes back with another
    lab.start(n("one"))
    line = next(words for words in hosts(lab, n("two")) if "onetwo" in words)
    assert line[0] == lab[n("one")].ip != lab[n("filler")].ip
    agree(lab, n("two"), "onetwo", True)
    agree(lab, n("one"), n("two"), False)  # names go one way only


def test_links_with_the_same_alias_keep_the_first(lab: Lab, n: Names) -> None:
    """(observed) Two --link with one alias: the engine keeps the first, in HostConfig.Links and /etc/hosts."""
    lab.run(n("up-a"))
    lab.run(n("up-b"))
    lab.run(n("linker"), links={n("up-a"): "upstream", n("up-b"): "upstream"})
    assert lab[n("linker")].attrs["HostConfig"]["Links"] == [f"/{n('up-a')}:/{n('linker')}/upstream"]
    upstream = [words[0] for words in hosts(lab, n("linker")) if "upstream" in words]
    assert upstream == [lab[n("up-a")].ip]
    agree(lab, n("linker"), n("up-b"), False)


def test_TestLinksNetworkHostContainer(lab: Lab, n: Names, client: Any) -> None:
    """A link to a container on the host network is refused: by the Lab before the engine, and by the engine."""
    lab.run(n("host"), network="host")
    with pytest.raises(InvalidInput, match="host network"):
        lab.run(n("linker"), links={n("host"): "tester"})
    with pytest.raises(docker.errors.APIError, match="host type networking can't be used with links"):
        client.containers.create(
            lab.image, name=n("direct"), links={n("host"): "tester"}, labels={"dockerlab.lab": lab.name}
        )


def test_TestRunLinksContainerWithContainerID(lab: Lab, n: Names) -> None:
    """--link takes a container id as well as a name."""
    parent = lab.run(n("parent"))
    lab.run(n("child"), links={parent.id: "test"})
    assert [parent.ip, "test"] == hosts(lab, n("child"))[-2][:2]
    lab.run(n("child2"), links=[parent.id[:12]])
    assert lab[n("child2")].attrs["HostConfig"]["Links"] == [f"/{n('parent')}:/{n('child2')}/{parent.id[:12]}"]
    agree(lab, n("child"), "test", True)


def test_a_link_stays_bound_to_the_container_it_was_made_with(lab: Lab, n: Names) -> None:
    """(observed) Remove a link's target and run another under its name: the link does not move to it.

    The engine refuses to enter the linking container from then on ("Cannot
    link to a non running container"), even though a container of that name runs.
    """
    lab.run(n("db"))
    lab.run(n("web"), links=[n("db")])
    lab.remove(n("db"))
    lab.run(n("db"))
    agree(lab, n("web"), n("db"), False)
    assert lab.ping(n("web"), n("db")).reason == "error"
    assert "was removed" in str(lab.explain(n("web"), n("db")))


# -- links and aliases on user-defined networks -------------------------------------------------


def test_TestUserDefinedNetworkLinks_and_WithRestart(lab: Lab, n: Names) -> None:
    """On a user-defined network --link is an alias only the linking container resolves; it survives restarts."""
    lab.network(n("net"))
    lab.run(n("first"), network=n("net"))
    lab.run(n("second"), network=n("net"), links={n("first"): "foo"})
    lab.run(n("other"), network=n("net"))
    assert lab[n("second")].attrs["NetworkSettings"]["Networks"][n("net")]["Links"] == [f"{n('first')}:foo"]
    agree(lab, n("second"), n("first"), True)
    agree(lab, n("second"), "foo", True)
    agree(lab, n("other"), "foo", False)
    assert "private alias" in str(lab.explain(n("second"), "foo"))
    lab.restart(n("first"))
    agree(lab, n("second"), "foo", True)
    lab.restart(n("second"))
    agree(lab, n("second"), "foo", True)
    lab.stop(n("first"))
    agree(lab, n("second"), "foo", False)


def test_TestUserDefinedNetworkAlias(lab: Lab, n: Names) -> None:
    """Network-scoped aliases and the short id answer on a user-defined network, also after a restart."""
    lab.network(n("net"))
    first = lab.run(n("first"), network=n("net"), aliases=["foo1", "foo2"])
    lab.run(n("second"), network=n("net"))
    assert first.id[:12] in first.endpoints[n("net")].aliases
    for target in (n("first"), "foo1", "foo2", first.id[:12]):
        agree(lab, n("second"), target, True)
    lab.restart(n("first"))
    for target in (n("first"), "foo1", "foo2"):
        agree(lab, n("second"), target, True)


def test_TestRunWithNetAliasOnDefaultNetworks_and_connect(lab: Lab, n: Names, client: Any) -> None:
    """Aliases are refused on Docker's own networks, at run and at connect: by the Lab and by the engine."""
    lab.network(n("net"))
    lab.run(n("first"), network=n("net"))
    with pytest.raises(InvalidInput, match="user-defined network"):
        lab.run(n("second"), aliases=["alias_bridge"])
    with pytest.raises(InvalidInput, match="network-scoped alias"):
        lab.connect("bridge", n("first"), aliases=["any"])
    with pytest.raises(docker.errors.APIError, match="network-scoped alias is supported only"):
        client.api.connect_container_to_network(lab[n("first")].id, "bridge", aliases=["any"])


def test_TestUserDefinedNetworkConnectivity(lab: Lab, n: Names) -> None:
    """Names resolve qualified by the network (``name.network``), in any case, on a shared network only."""
    lab.network(n("net"))
    lab.network(n("other"))
    lab.run(n("c1"), network=n("net"), aliases=["db"])
    lab.run(n("c2"), network=n("net"))
    lab.run(n("c3"), network=n("other"))
    for target in (f"{n('c1')}.{n('net')}", f"db.{n('net')}", n("c1").upper()):
        agree(lab, n("c2"), target, True)
    agree(lab, n("c3"), f"{n('c1')}.{n('net')}", False)
    agree(lab, n("c2"), f"{n('c1')}.{n('other')}", False)


# -- gateways, isolation, internal, ICC (docker_cli_network_unix_test.go, integration/networking) --


def test_gateways_are_the_hosts_addresses(lab: Lab, n: Names) -> None:
    """(observed; integration/networking/bridge_test.go pings the gateway) Every container with a network
    reaches every bridge's gateway, its own and the other bridges': they are the host's addresses."""
    lab.network(n("net"))
    lab.network(n("quiet"), icc=False)
    lab.run(n("web"))
    lab.run(n("app"), network=n("net"))
    lab.run(n("q"), network=n("quiet"))
    lab.run(n("alone"), network="none")
    gateways = [lab[c].endpoints[net].gateway for c, net in ((n("web"), "bridge"), (n("app"), n("net")))]
    gateways.append(lab[n("q")].endpoints[n("quiet")].gateway)
    assert all(gateways)
    for source in (n("web"), n("app"), n("q")):
        for gateway in gateways:
            agree(lab, source, gateway, True)
    agree(lab, n("alone"), gateways[0], False)
    assert lab.ping(n("alone"), gateways[0]).reason == "unreachable"
    assert "gateway" in str(lab.explain(n("web"), gateways[1]))


def test_TestDockerNetworkConnectDisconnect_isolation(lab: Lab, n: Names) -> None:
    """Bridges are isolated from each other, by name and by address, until ``network connect``."""
    lab.network(n("a"))
    lab.network(n("b"))
    lab.run(n("x"), network=n("a"))
    lab.run(n("y"), network=n("b"))
    y_ip = lab[n("y")].ip
    assert y_ip is not None
    agree(lab, n("x"), n("y"), False)
    agree(lab, n("x"), y_ip, False)
    lab.connect(n("b"), n("x"))
    agree(lab, n("x"), n("y"), True)
    agree(lab, n("y"), n("x"), True)
    lab.disconnect(n("b"), n("x"))
    agree(lab, n("x"), y_ip, False)


def test_TestDockerNetworkInternalMode(lab: Lab, n: Names) -> None:
    """An --internal network carries its members' traffic (by name too); its own gateway answers.

    From Engine 25 it has no default route: another bridge's address fails at
    once ("Network is unreachable"); before, the host's other addresses answer.
    """
    lab.network(n("internal"), internal=True)
    lab.run(n("first"), network=n("internal"))
    lab.run(n("second"), network=n("internal"))
    lab.run(n("outside"))
    agree(lab, n("second"), n("first"), True)
    gateway = lab.networks().set_index("name").loc[n("internal"), "gateway"]  # from 25, not in the endpoint
    agree(lab, n("first"), gateway, True)
    outside_ip = lab[n("outside")].ip or ""
    agree(lab, n("first"), outside_ip, False)
    docker0 = lab[n("outside")].endpoints["bridge"].gateway or ""
    no_route = lab.release.internal_has_no_default_route
    agree(lab, n("first"), docker0, not no_route)
    assert lab.ping(n("first"), outside_ip).reason == ("unreachable" if no_route else "timeout")


def test_TestBridgeICC(lab: Lab, n: Names) -> None:
    """With enable_icc=false the bridge drops traffic between its containers; the gateway still answers."""
    lab.network(n("quiet"), icc=False)
    lab.run(n("a"), network=n("quiet"))
    lab.run(n("b"), network=n("quiet"))
    agree(lab, n("a"), n("b"), False)
    agree(lab, n("a"), lab[n("b")].ip or "", False)
    agree(lab, n("a"), lab[n("a")].endpoints[n("quiet")].gateway or "", True)


# -- fixed addresses, predefined networks, stopped containers -------------------------------------


def test_TestDockerNetworkUnsupportedRequiredIP(lab: Lab, n: Names, client: Any) -> None:
    """A fixed --ip is refused on the default bridge and on a network without an explicit subnet."""
    lab.network(n("nosubnet"))
    lab.run(n("c1"))
    with pytest.raises(InvalidInput, match="user-defined"):
        lab.run(n("c2"), ip="172.17.0.200")
    with pytest.raises(InvalidInput, match="own network 'bridge'"):
        lab.connect("bridge", n("c1"), ip="172.17.0.200")
    with pytest.raises(InvalidInput, match="explicit subnet"):
        lab.run(n("c3"), network=n("nosubnet"), ip="10.0.0.5")


def test_TestDockerNetworkCreatePredefined(lab: Lab, client: Any) -> None:
    """Docker's own networks cannot be created again, and 'default' is reserved for the default bridge."""
    for name in ("bridge", "host", "none", "default"):
        with pytest.raises(InvalidInput):
            lab.network(name)
    with pytest.raises(docker.errors.APIError, match="operation is not permitted on predefined default network"):
        client.networks.create("default", driver="bridge")


def test_TestDockerNetworkConnectDisconnectToStoppedContainer(lab: Lab, n: Names) -> None:
    """A stopped container can be connected and disconnected; it starts with the networks it has then."""
    lab.network(n("net"))
    lab.run(n("web"), network=n("net"))
    lab.run(n("st"))
    lab.stop(n("st"))
    handle = lab.connect(n("net"), n("st"))
    assert not handle.running and set(handle.networks) == {"bridge", n("net")}
    lab.start(n("st"))
    assert set(lab[n("st")].ips) == {"bridge", n("net")}
    agree(lab, n("web"), n("st"), True)
    lab.stop(n("st"))
    lab.disconnect(n("net"), n("st"))
    lab.start(n("st"))
    assert set(lab[n("st")].ips) == {"bridge"}
    agree(lab, n("web"), n("st"), False)


def test_TestEtcHostsDisconnect(lab: Lab, n: Names) -> None:
    """After ``network disconnect``, /etc/hosts loses the container's own line for that network.

    From Engine 28 (moby's TestEtcHostsDisconnect) only that line goes; before,
    every line with the container's own name goes, the one for the network it
    stays on too (observed on 20.10).
    """
    lab.network(n("a"))
    lab.network(n("b"))
    handle = lab.run(n("hd"), network=n("a"))
    lab.connect(n("b"), n("hd"))
    hostname = handle.id[:12]
    ips = lab[n("hd")].ips
    assert [ips[n("a")], hostname] in hosts(lab, n("hd")) and [ips[n("b")], hostname] in hosts(lab, n("hd"))
    lab.disconnect(n("a"), n("hd"))
    own = [words for words in hosts(lab, n("hd")) if hostname in words]
    assert own == ([[ips[n("b")], hostname]] if lab.release.disconnect_keeps_other_hosts_lines else [])


def test_TestLinksEtcHostsContentMatch(lab: Lab, n: Names) -> None:
    """A container on the host network shares the host's /etc/hosts: no line of its own."""
    lab.run(n("hh"), network="host")
    text = lab.read_file(n("hh"), "/etc/hosts")
    assert lab[n("hh")].id[:12] not in text and "localhost" in text


def test_hostname_and_add_host_lines(lab: Lab, n: Names) -> None:
    """(observed; docker_cli_run_test.go TestRunAddHost) --add-host lines come first, then links, then the
    container's own line, under its --hostname; on a user-defined network the hostname is also an alias."""
    lab.network(n("net"))
    lab.run(n("c1"))
    lab.run(n("xx"), links={n("c1"): "cc"}, hostname="xh", add_hosts={"aa.lab": "10.231.9.9"})
    lines = hosts(lab, n("xx"))
    c1 = lab[n("c1")]
    assert lines[-3:] == [["10.231.9.9", "aa.lab"], [c1.ip, "cc", c1.id[:12], n("c1")], [lab[n("xx")].ip, "xh"]]
    assert lab.exec(n("xx"), "hostname").output.strip() == "xh"
    agree(lab, n("xx"), "CC", True)  # /etc/hosts ignores case too
    lab.run(n("hu"), network=n("net"), hostname="wilma")
    lab.run(n("hu2"), network=n("net"))
    agree(lab, n("hu2"), "wilma", True)
