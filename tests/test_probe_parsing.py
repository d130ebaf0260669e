"""Parsing busybox ping output (captured from the real lab image) into results."""

import pandas as pd

from dockerlab.kernel import probe
from dockerlab.views.graphs import mutual_pairs, reachability_graph

OK = """PING mysql1 (172.17.0.2): 56 data bytes
64 bytes from 172.17.0.2: seq=0 ttl=64 time=0.471 ms

--- mysql1 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.471/0.471/0.471 ms
rc=0"""
NO_REPLY = """PING 172.17.0.2 (172.17.0.2): 56 data bytes

--- 172.17.0.2 ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
rc=1"""
BAD_NAME = "ping: bad address 'tomcat1'\nrc=1"
KILLED_RESOLVING = "rc=143"
NO_ROUTE = "PING 10.9.0.2 (10.9.0.2): 56 data bytes\nping: sendto: Network is unreachable\nrc=1"


def test_reasons():
    assert probe.parse_one("t", "mysql1", OK) == probe.PingResult(
        "t", "mysql1", True, "172.17.0.2", "ok", OK.rsplit("\n", 1)[0]
    )
    assert probe.parse_one("t", "172.17.0.2", NO_REPLY).reason == "timeout"
    assert probe.parse_one("t", "172.17.0.2", NO_REPLY).address == "172.17.0.2"
    bad = probe.parse_one("m", "tomcat1", BAD_NAME)
    assert (bad.ok, bad.address, bad.reason) == (False, None, "unresolved")
    assert probe.parse_one("m", "x", KILLED_RESOLVING).reason == "resolve-timeout"
    assert probe.parse_one("m", "10.9.0.2", NO_ROUTE).reason == "unreachable"
    assert probe.parse_one("m", "x", "something odd\nrc=2").reason == "error"


def test_script_output_split_per_target_and_interrupted_probe():
    text = f"@@dockerlab@@ mysql1\n{OK}\n@@dockerlab@@ tomcat1\n{BAD_NAME}\n@@dockerlab@@ web\nPING web"
    results = probe.parse_script("src", ["mysql1", "tomcat1", "web"], text)
    assert [r.reason for r in results] == ["ok", "unresolved", "error"]
    assert "interrupted" in results[2].output


def test_script_argv_runs_targets_concurrently_and_bounded():
    argv = probe.script_argv(["a", "b"])
    assert argv[:2] == ["sh", "-c"] and argv[-2:] == ["a", "b"]
    assert "&" in argv[2] and "wait" in argv[2] and f"timeout {probe.PING_BOUND} ping -c 1 -W 1" in argv[2]


def test_str_is_a_sentence_and_command_is_the_cli():
    r = probe.parse_one("mysql1", "tomcat1", BAD_NAME)
    assert str(r) == "mysql1 -> tomcat1: NOT reachable: the name could not be resolved to an address"
    assert r.command == "docker exec mysql1 ping -c 1 -W 1 tomcat1"


def test_matrices_and_graph():
    results = [
        probe.PingResult("tomcat1", "mysql1", True, "172.17.0.2", "ok"),
        probe.PingResult("mysql1", "tomcat1", False, None, "unresolved"),
    ]
    frame = probe.results_frame(results, {})
    m = probe.name_matrix(frame, ["mysql1", "tomcat1"])
    assert m.loc["tomcat1", "mysql1"] is True or bool(m.loc["tomcat1", "mysql1"])
    assert not bool(m.loc["mysql1", "tomcat1"])
    assert m.loc["mysql1", "mysql1"] is pd.NA
    g = reachability_graph(m, {"mysql1": {"networks": ["bridge"]}, "tomcat1": {"networks": ["bridge"]}})
    assert list(g.edges) == [("tomcat1", "mysql1")]
    assert mutual_pairs(g) == []

    ip_frame = probe.results_frame(
        [probe.PingResult("a", "10.0.0.3", True, "10.0.0.3", "ok")], {"10.0.0.3": ("b", "net1")}
    )
    im = probe.ip_matrix(ip_frame, ["a", "b"], [("a", "net1"), ("b", "net1")])
    assert list(im.columns) == [("a", "net1"), ("b", "net1")]
    assert bool(im.loc["a", ("b", "net1")]) and im.loc["b", ("b", "net1")] is pd.NA
