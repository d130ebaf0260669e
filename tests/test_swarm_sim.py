"""The simulated swarm and the model's rules across hosts, without an engine (they run in both passes of the suite).

What they state was measured on the real 3-engine cluster (addresses), or is Docker's documented behaviour
written out as tables (who reaches whom): each expectation is stated here, never asked of the model under test.
tests/test_differential_hosts.py compares the simulated swarm with the real cluster on generated sequences.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dockerlab.engines.sim.swarm import SimSwarm
from dockerlab.errors import InvalidInput, NeedsEngine, UnknownNetwork
from dockerlab.lab.cluster import CAPTURE_COLUMNS, ClusterLab


@pytest.fixture
def lab() -> ClusterLab:
    return ClusterLab("sw", SimSwarm(), echo=False)


def ips(lab: ClusterLab) -> dict[tuple[str, str], str]:
    return {(r.container, r.network): r.ip for r in lab.addresses().itertuples()}


def test_each_host_has_its_own_ranges_and_a_gwbridge_first(lab: ClusterLab) -> None:
    lab.run("aa", host="host1")
    lab.run("bb", host="host2")
    lab.network("br", host="host2")
    lab.run("cc", host="host2", network="br")
    assert ips(lab) == {("aa", "bridge"): "172.17.0.2", ("bb", "bridge"): "172.18.0.2", ("cc", "br"): "10.102.1.2"}


def test_overlay_addresses_are_serial_and_each_host_takes_one_for_its_load_balancer(lab: ClusterLab) -> None:
    lab.network("ov", "10.197.1.0/24", driver="overlay")
    lab.run("a1", host="host1", network="ov")  # .2, then host1's load balancer .3
    lab.run("a2", host="host2", network="ov")  # .4, host2's .5
    lab.run("a3", host="host1", network="ov")  # .6: host1 has its load balancer already
    assert [ips(lab)[(n, "ov")] for n in ("a1", "a2", "a3")] == ["10.197.1.2", "10.197.1.4", "10.197.1.6"]
    lab.restart("a2")  # host2's only container: it and the load balancer leave, then come back
    assert ips(lab)[("a2", "ov")] == "10.197.1.7"
    lab.remove("a1")
    lab.run("a4", host="host3", network="ov")  # serial: not the freed .2
    assert ips(lab)[("a4", "ov")] == "10.197.1.9"


def reaches(frame: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """A reachability frame as ``(source, target) -> reached``, the target ``name`` or ``name@network``, the
    diagonal (a container and itself) left out."""
    found = {}
    for source, row in frame.iterrows():
        for column, value in row.items():
            if not pd.isna(value):
                target = column if isinstance(column, str) else f"{column[0]}@{column[1].split('@')[0]}"
                found[(source, target)] = bool(value)
    return found


#: Docker's documented behaviour across hosts, written out by hand for the lab of the test below, to judge the
#: model and the simulated swarm by (before this, the test compared ``predict`` with pings answered by the same
#: model, which cannot fail on a rule): "bridge networks apply to containers running on the same Docker daemon
#: host" and "the overlay network driver creates a distributed network among multiple Docker daemon hosts"
#: (docs.docker.com, network drivers); names resolve on user-defined networks only, an attachable overlay
#: being one, the default bridge not. xx is on host1's bridge ``br``, yy on host2's default bridge.
APART = {
    "name": {("xx", "yy"): False, ("yy", "xx"): False},
    "ip": {("xx", "yy@bridge"): False, ("yy", "xx@br"): False},
}
#: ... then both are connected to the overlay ``ov``: they meet on it, by name and at its addresses; the
#: bridges' addresses stay out of reach from the other host.
JOINED = {
    "name": {("xx", "yy"): True, ("yy", "xx"): True},
    "ip": {("xx", "yy@bridge"): False, ("xx", "yy@ov"): True, ("yy", "xx@br"): False, ("yy", "xx@ov"): True},
}


def test_bridges_stay_local_and_an_overlay_joins_by_name(lab: ClusterLab) -> None:
    lab.network("br", host="host1")
    lab.run("xx", host="host1", network="br")
    lab.run("yy", host="host2")
    with pytest.raises(UnknownNetwork):
        lab.connect("br", "yy")  # host1's bridge does not exist on host2
    for by, expected in APART.items():
        assert reaches(lab.predict(by)) == expected, f"predicted by {by}"
        assert reaches(lab.reachability(by)) == expected, f"the simulated swarm's pings by {by}"
    assert "local to its host" in str(lab.explain("xx", "yy", by="ip"))
    lab.network("ov", "10.197.2.0/24", driver="overlay")
    lab.connect("ov", "xx")
    lab.connect("ov", "yy")
    for by, expected in JOINED.items():
        assert reaches(lab.predict(by)) == expected, f"predicted by {by}"
        assert reaches(lab.reachability(by)) == expected, f"the simulated swarm's pings by {by}"
    assert lab.explain("xx", "yy").reachable and "ov" in str(lab.explain("xx", "yy"))


def test_a_container_reaches_its_own_hosts_gateways_only(lab: ClusterLab) -> None:
    lab.run("aa", host="host1")
    lab.run("bb", host="host2")
    state = lab.state()
    a = state.boxes["aa"]
    assert state.ping_code(a, "172.17.0.1")[0] == "ok"  # host1's docker0
    assert state.ping_code(a, "172.18.0.1")[0] != "ok"  # host2's


def test_names_are_unique_across_hosts_and_kernel_views_need_real_hosts(capsys, lab: ClusterLab) -> None:
    lab.run("aa", host="host1")
    with pytest.raises(InvalidInput, match="already runs on host1"):
        lab.run("aa", host="host2")
    with pytest.raises(NeedsEngine):
        lab.interfaces()
    packets = lab.capture("aa", "aa")  # no kernel, no packets: it says so, and chapter 08 goes on to its end
    assert packets.empty and list(packets.columns) == CAPTURE_COLUMNS
    assert "no kernel to show" in capsys.readouterr().out
