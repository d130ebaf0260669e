"""The simulated swarm and the model's rules across hosts, without an engine (they run in both passes of the suite).

What they state was measured on the real 3-engine cluster (addresses), or is Docker's documented behaviour
written out as tables (who reaches whom): each expectation is stated here, never asked of the model under test.
tests/test_differential_hosts.py compares the simulated swarm with the real cluster on generated sequences.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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


# -- a host that is down -------------------------------------------------------------


def _box(name: str, networks: dict[str, str]) -> dict:
    """``docker inspect`` data of a running container with ``{network: address}``."""
    eps = {n: {"IPAddress": ip, "Aliases": [name]} for n, ip in networks.items()}
    return {"Name": f"/{name}", "Id": name * 8, "State": {"Running": True}, "HostConfig": {"NetworkMode": "default"},
            "Config": {"Labels": {}}, "NetworkSettings": {"Networks": eps}}  # fmt: skip


def _down_state():
    """web on host1 and cache on host3, db on host2 whose engine does not answer (known from its disk): all on
    the overlay ov, which host2 does not list (its networks are not known while it is down)."""
    from dockerlab.model.hosts import cluster_state

    ov = {"Name": "ov", "Driver": "overlay", "Scope": "swarm", "IPAM": {"Config": [{"Subnet": "10.197.1.0/24"}]}}
    bridge = {"Name": "bridge", "Driver": "bridge", "Scope": "local"}
    hosts = {
        "host1": ([_box("web", {"ov": "10.197.1.2"})], [ov, bridge], {}),
        "host2": ([_box("db", {"ov": "10.197.1.4", "bridge": "172.18.0.2"})], [], {}),
        "host3": ([_box("cache", {"ov": "10.197.1.6"})], [ov, bridge], {}),
    }
    return cluster_state(hosts, down=["host2"])


def test_a_down_hosts_cells_are_host_down_in_predict_and_explain_from_one_rule() -> None:
    from dockerlab import model

    state = _down_state()
    assert state.down_boxes() == {"db": "host2"}
    assert "ov" in state.boxes["db"].ips  # the overlay is one network, known from the hosts that answer
    assert state.cut_off("web", "db") == ("db", "host2") and state.cut_off("web", "10.197.1.4") == ("db", "host2")
    assert state.cut_off("web", "cache") is None
    for by in ("name", "ip"):
        predicted = model.predict_state(state, by)
        assert predicted.attrs["down"] == {"db": "host2"}
        assert predicted.loc["db"].isna().all()
        db_columns = [c for c in predicted.columns if (c[0] if isinstance(c, tuple) else c) == "db"]
        assert db_columns and predicted[db_columns].isna().all().all()
    assert bool(model.predict_state(state).loc["web", "cache"])
    why = model.explain_state(state, "web", "db")
    assert why.reason == "host-down" and why.reachable is None
    assert "host2" in str(why) and "no container" not in str(why)
    assert model.explain_state(state, "db", "web").reason == "host-down"
    assert model.explain_state(state, "web", "10.197.1.4", by="ip").reason == "host-down"


def test_displays_say_host_down_and_a_prediction_missing_rows_is_no_keyerror() -> None:
    from dockerlab import model
    from dockerlab.views.display import DOWN, Comparison, Guess, MatrixView

    state = _down_state()
    measured = model.predict_state(state)
    without_db = measured.drop(index="db", columns="db")  # a prediction made before db's host went down
    guess = Guess({("web", "db"): True, ("web", "cache"): True}, measured, "name")
    for shown in (Comparison(without_db, measured, "name"), Comparison(measured, measured, "name"), guess,
                  MatrixView(measured)):  # fmt: skip
        text, page = str(shown), shown._repr_html_()
        assert DOWN in text and "host-down: host2" in text and "host2" in page, text
    assert guess.right == 1 and guess.ok  # a cell on a host that is down is not scored
    assert Comparison(measured, measured, "name").ok


def test_pings_from_every_host_at_once_always_finish() -> None:
    """A ping on one simulated host reads every host (the overlay): with a lock per engine, two hosts' pings at
    once each held their own lock and waited for the other's, and a clean-clone run hung for ever."""
    swarm = SimSwarm()
    clients = [swarm.hosts[h].client() for h in ("host1", "host2", "host3")]
    clients[0].networks.create("ov", driver="overlay", ipam={"Config": [{"Subnet": "10.197.1.0/24"}]})
    names = ["p1", "p2", "p3"]
    for client, name in zip(clients, names, strict=True):
        client.containers.create("dockerlab/labbox:0.1.0", name=name, network="ov").start()

    def pings(k: int) -> int:
        client, name = clients[k % 3], names[k % 3]
        return client.containers.get(name).exec_run(["ping", "-c", "1", names[(k + 1) % 3]]).exit_code

    pool = ThreadPoolExecutor(max_workers=6)
    try:
        codes = [f.result(timeout=30) for f in [pool.submit(pings, k) for k in range(300)]]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    assert codes == [0] * 300
