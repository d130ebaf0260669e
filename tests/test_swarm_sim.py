"""The simulated swarm and the model's rules across hosts, without an engine (they run in both passes of the suite).

What they state was measured on the real 3-engine cluster (tests/test_differential_hosts.py compares the two).
"""

from __future__ import annotations

import pytest

from dockerlab.engines.sim.swarm import SimSwarm
from dockerlab.errors import InvalidInput, NeedsEngine, UnknownNetwork
from dockerlab.lab.cluster import CAPTURE_COLUMNS, ClusterLab
from dockerlab.model import mismatches


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


def test_bridges_stay_local_and_an_overlay_joins_by_name(lab: ClusterLab) -> None:
    lab.network("br", host="host1")
    lab.run("xx", host="host1", network="br")
    lab.run("yy", host="host2")
    with pytest.raises(UnknownNetwork):
        lab.connect("br", "yy")  # host1's bridge does not exist on host2
    assert not lab.reachability().loc["xx", "yy"]
    assert "local to its host" in str(lab.explain("xx", "yy", by="ip"))
    lab.network("ov", "10.197.2.0/24", driver="overlay")
    lab.connect("ov", "xx")
    lab.connect("ov", "yy")
    for by in ("name", "ip"):
        assert mismatches(lab.predict(by), lab.reachability(by)) == []
    assert lab.reachability().loc["yy", "xx"]
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
