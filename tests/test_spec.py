"""The lab's pure descriptions and its command log, without an engine.

The echo lines below are the ones the notebooks store (nbval compares them),
and the spec labels are the JSON a lab made before these descriptions
existed: a lab made by an earlier version must still be adopted, not replaced.
"""

from __future__ import annotations

import functools
import json

import docker.types
import pytest

from dockerlab.errors import NameConflict
from dockerlab.lab import LAB_LABEL, SPEC_LABEL
from dockerlab.lab.spec import NetworkSpec, ProbePlan, RunSpec, adopt_or_replace, adoption, connect_command, spec_of
from dockerlab.model import ContainerInfo, Endpoint
from dockerlab.views.commands import CommandLog, LogsCommands, on_host
from dockerlab.views.tables import addresses_table, networks_table

IMAGE = "dockerlab/labbox:0.1.0"
STAND_IN = "(busybox nc) on port 3306"
#: docker-py's own endpoint config, as a client with this API version builds it (it calls nothing).
ENDPOINT = functools.partial(docker.types.EndpointConfig, "1.41")


def run(name: str, **kwargs) -> RunSpec:
    return RunSpec.of(name, lab="article", image=IMAGE, dns="127.0.0.1", **kwargs)


# -- the echo lines the notebooks store -----------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        (
            run("mysql1"),
            "docker run -d --name mysql1 --dns 127.0.0.1 --label dockerlab.lab=article dockerlab/labbox:0.1.0",
        ),
        (
            run("tomcat1", links={"mysql1": "mysql1"}),
            "docker run -d --name tomcat1 --link mysql1 --dns 127.0.0.1 --label dockerlab.lab=article "
            "dockerlab/labbox:0.1.0",
        ),
        (
            run("db2", network="myBridge", ip="192.168.0.200", aliases=["database"]),
            "docker run -d --name db2 --network myBridge --ip 192.168.0.200 --network-alias database --dns 127.0.0.1 "
            "--label dockerlab.lab=article dockerlab/labbox:0.1.0",
        ),
        (
            run("hostview", network="host"),
            "docker run -d --name hostview --network host --label dockerlab.lab=article dockerlab/labbox:0.1.0",
        ),
        (
            run("noneview", network="none"),
            "docker run -d --name noneview --network none --dns 127.0.0.1 --label dockerlab.lab=article "
            "dockerlab/labbox:0.1.0",
        ),
        (
            run(
                "mysql1",
                network="myBridge",
                command=[
                    "nc",
                    "-ll",
                    "-p",
                    "3306",
                    "-e",
                    "echo",
                    "hello from the mysql1 stand-in (busybox nc) on port 3306",
                ],
            ),
            "docker run -d --name mysql1 --network myBridge --dns 127.0.0.1 --label dockerlab.lab=article "
            "dockerlab/labbox:0.1.0 nc -ll -p 3306 -e echo 'hello from the mysql1 stand-in (busybox nc) on port 3306'",
        ),
        (
            NetworkSpec("myBridge", lab="article", subnet="192.168.0.0/16", gateway="192.168.0.1"),
            "docker network create --driver bridge --subnet 192.168.0.0/16 --gateway 192.168.0.1 "
            "--label dockerlab.lab=article myBridge",
        ),
        (
            NetworkSpec("otherBridge", lab="article"),
            "docker network create --driver bridge --label dockerlab.lab=article otherBridge",
        ),
        (
            NetworkSpec("ov", lab="across", driver="overlay", subnet="10.197.1.0/24", attachable=True),
            "docker network create --driver overlay --attachable --subnet 10.197.1.0/24 "
            "--label dockerlab.lab=across ov",
        ),
    ],
)
def test_the_echo_is_the_line_the_notebooks_store(spec: RunSpec | NetworkSpec, line: str) -> None:
    assert spec.command_line == line


def test_every_flag_of_a_run_in_the_cli_order() -> None:
    spec = run(
        "web",
        network="myBridge",
        ip="192.168.0.9",
        aliases=["www", "front"],
        links={"db": "sql", "cache": "cache"},
        hostname="web.local",
        add_hosts={"x": "10.0.0.1", "a": "10.0.0.2"},
        ports={8080: 18080},
        command="sh -c 'sleep 1d'".split(" ", 2),
    )
    assert spec.argv == [
        "docker", "run", "-d", "--name", "web", "--network", "myBridge", "--ip", "192.168.0.9",
        "--network-alias", "www", "--network-alias", "front", "--link", "cache", "--link", "db:sql",
        "--hostname", "web.local", "--add-host", "x:10.0.0.1", "--add-host", "a:10.0.0.2",
        "-p", "127.0.0.1:18080:8080", "--dns", "127.0.0.1", "--label", "dockerlab.lab=article", IMAGE,
        "sh", "-c", "'sleep 1d'",
    ]  # fmt: skip


def test_an_icc_less_internal_bridge() -> None:
    assert NetworkSpec("quiet", lab="l", internal=True, icc=False).argv[3:] == [
        "--driver", "bridge", "--internal", "-o", "com.docker.network.bridge.enable_icc=false",
        "--label", "dockerlab.lab=l", "quiet",
    ]  # fmt: skip


def test_connect_line() -> None:
    assert connect_command("myBridge", "tomcat1-docker0") == "docker network connect myBridge tomcat1-docker0"
    assert (
        connect_command("n", "c", ip="10.0.0.2", aliases=["a", "b"])
        == "docker network connect --ip 10.0.0.2 --alias a --alias b n c"
    )


# -- docker-py's arguments ------------------------------------------------------------------------


def test_links_on_the_default_bridge_go_to_host_config() -> None:
    kw = run("tomcat1", links={"mysql1": "db"}).create_kwargs(ENDPOINT)
    assert kw["links"] == {"mysql1": "db"}
    assert "networking_config" not in kw
    assert kw["network"] == "bridge"
    assert kw["dns"] == ["127.0.0.1"]


def test_links_on_a_user_defined_network_go_to_the_endpoint() -> None:
    kw = run("t3", network="myBridge", links={"mysql1": "sql"}, ip="192.168.0.7", aliases=["web"]).create_kwargs(
        ENDPOINT
    )
    assert "links" not in kw
    assert kw["networking_config"] == {
        "myBridge": {"Aliases": ["web"], "Links": ["mysql1:sql"], "IPAMConfig": {"IPv4Address": "192.168.0.7"}}
    }


def test_host_and_none_are_network_modes_and_the_host_network_gets_no_resolver() -> None:
    host = run("hv", network="host").create_kwargs(ENDPOINT)
    assert host["network_mode"] == "host"
    assert "network" not in host
    assert "dns" not in host
    assert run("nv", network="none").create_kwargs(ENDPOINT)["network_mode"] == "none"


def test_ports_are_published_on_the_loopback_only() -> None:
    spec = run("web", ports={8080: 18080, 80: 1080})
    assert spec.create_kwargs(ENDPOINT)["ports"] == {"8080/tcp": ("127.0.0.1", 18080), "80/tcp": ("127.0.0.1", 1080)}


def test_network_arguments_for_a_bridge_and_an_overlay() -> None:
    bridge = NetworkSpec("n", lab="l", subnet="10.9.0.0/24", gateway="10.9.0.1", icc=False).create_kwargs()
    assert bridge["ipam"]["Config"][0]["Subnet"] == "10.9.0.0/24"
    assert bridge["ipam"]["Config"][0]["Gateway"] == "10.9.0.1"
    assert bridge["options"] == {"com.docker.network.bridge.enable_icc": "false"}
    assert set(bridge) == {"driver", "ipam", "labels", "internal", "options"}
    overlay = NetworkSpec("ov", lab="l", driver="overlay", attachable=True).create_kwargs()
    assert overlay == {
        "driver": "overlay",
        "ipam": None,
        "labels": overlay["labels"],
        "attachable": True,
        "scope": "swarm",
    }


# -- labels and adopt-or-replace ------------------------------------------------------------------


def test_spec_labels_are_the_json_earlier_versions_wrote() -> None:
    assert run("a").labels == {
        LAB_LABEL: "article",
        SPEC_LABEL: '{"add_hosts": {}, "aliases": [], "command": null, "hostname": null, "ip": null, "links": {}, '
        '"network": "bridge", "ports": {}}',
    }
    assert NetworkSpec("n", lab="l", subnet="10.1.0.0/24").labels[SPEC_LABEL] == (
        '{"gateway": null, "icc": true, "internal": false, "subnet": "10.1.0.0/24"}'
    )
    assert NetworkSpec("ov", lab="l", driver="overlay", attachable=True).labels[SPEC_LABEL] == (
        '{"attachable": true, "driver": "overlay", "subnet": null}'
    )
    assert json.loads(run("a", ports={80: 8080}).labels[SPEC_LABEL])["ports"] == {"80": 8080}


def test_the_order_of_links_does_not_change_the_spec() -> None:
    assert run("a", links={"b": "b", "a1": "x"}) == run("a", links={"a1": "x", "b": "b"})


def test_adoption_verdicts() -> None:
    spec = run("a")
    assert adoption(spec, spec.labels) == "same"
    assert adoption(spec, run("a", hostname="other").labels) == "changed"
    assert adoption(spec, {LAB_LABEL: "article"}) == "changed"  # made before spec labels existed
    assert adoption(spec, {LAB_LABEL: "someone"}) == "foreign"
    assert adoption(spec, {}) == "foreign"
    assert spec_of(spec.labels)["network"] == "bridge"


def test_adopt_or_replace_reuses_replaces_and_refuses() -> None:
    removed: list[str] = []
    spec = NetworkSpec("myBridge", lab="article")
    assert adopt_or_replace(spec, None, lambda: removed.append("none")) is False
    assert adopt_or_replace(spec, spec.labels, lambda: removed.append("same")) is True
    changed = NetworkSpec("myBridge", lab="article", internal=True).labels
    assert adopt_or_replace(spec, changed, lambda: removed.append("x")) is False
    assert removed == ["x"]
    with pytest.raises(NameConflict, match=r"docker network rm myBridge"):
        adopt_or_replace(spec, {"com.example": "theirs"}, lambda: removed.append("foreign"))
    with pytest.raises(NameConflict, match=r"the dockerlab lab 'other'.*docker rm -f web"):
        adopt_or_replace(run("web"), {LAB_LABEL: "other"}, lambda: removed.append("foreign"))
    assert removed == ["x"]


# -- the probe plan -------------------------------------------------------------------------------


def box(name: str, **ips: str | None) -> ContainerInfo:
    return ContainerInfo(name, "", "running", {n: Endpoint(n, ip, None, None) for n, ip in ips.items()})


def test_probe_plan_by_name_leaves_the_host_network_out_as_a_source() -> None:
    plan = ProbePlan.of([box("a", bridge="172.17.0.2"), box("h", host=None)], "name")
    assert plan.targets == {"a": ["h"], "h": []}
    assert plan.meaning == {"a": ("a", None), "h": ("h", None)}


def test_probe_plan_by_ip_has_a_column_per_address() -> None:
    plan = ProbePlan.of([box("b", net1="10.1.0.3", bridge="172.17.0.3"), box("a", bridge="172.17.0.2")], "ip")
    assert plan.targets == {"b": ["172.17.0.2"], "a": ["10.1.0.3", "172.17.0.3"]}
    assert plan.addresses == [("b", "bridge"), ("b", "net1"), ("a", "bridge")]


# -- the command log ------------------------------------------------------------------------------


def test_the_log_prints_and_keeps_each_line(capsys) -> None:
    log = CommandLog()
    log.record("docker stop mysql1")
    log.say("(a remark)")
    assert capsys.readouterr().out == "$ docker stop mysql1\n(a remark)\n"
    assert log.history == ["docker stop mysql1"]


def test_a_host_log_writes_its_docker_host_in_front(capsys) -> None:
    sock = "unix:///run/dockerlab/hosts/dlab/host2/docker.sock"
    log = CommandLog(docker_host=sock)
    log.record("docker rm -f db")
    log.record("docker swarm leave --force", docker_host="unix:///other.sock")
    assert capsys.readouterr().out == (
        f"$ DOCKER_HOST={sock} docker rm -f db\n$ DOCKER_HOST=unix:///other.sock docker swarm leave --force\n"
    )
    assert on_host(None, "ip netns add dlab-wire") == "ip netns add dlab-wire"


def test_a_quiet_log_still_keeps_the_history(capsys) -> None:
    class Facade(LogsCommands):
        def __init__(self) -> None:
            self.log = CommandLog()

    f = Facade()
    f.echo = False
    f.log.record("docker network rm n")
    f.log.say("not shown")
    assert capsys.readouterr().out == ""
    assert f.history == ["docker network rm n"]


# -- tables ---------------------------------------------------------------------------------------


def test_tables_of_inspect_data() -> None:
    nets = [
        {"Name": "zeta", "Driver": "bridge", "Labels": {LAB_LABEL: "l"}},
        {"Name": "none", "Driver": "null"},
        {"Name": "bridge", "Driver": "bridge"},
        {"Name": "alien", "Driver": "bridge", "Labels": {LAB_LABEL: "x"}},
    ]
    assert networks_table(nets, "l", LAB_LABEL)["name"].tolist() == ["bridge", "none", "zeta"]
    frame = addresses_table([box("a", bridge="172.17.0.2"), ContainerInfo("n", "", "exited", {})])
    assert frame.iloc[0].tolist() == ["a", "bridge", "172.17.0.2", None, None]
    assert frame.iloc[1]["container"] == "n"
    assert frame.iloc[1][["network", "ip", "gateway", "mac"]].isna().all()
