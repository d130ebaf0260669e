"""dockerlab.teaching.lesson: what the notebooks share.

The first part needs no engine (pictures, texts, checks on data); the second
runs the helpers against the real engine with unique names, like the notebooks do.
"""

from __future__ import annotations

import ipaddress
import socket

import networkx as nx
import pandas as pd
import pytest

from dockerlab.errors import DockerlabError, EngineError, InvalidInput, SubnetOverlap
from dockerlab.teaching import lesson
from dockerlab.views.graphs import reachability_graph

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def matrix(rows: dict[str, dict[str, bool]]) -> pd.DataFrame:
    names = sorted(rows)
    m = pd.DataFrame(pd.NA, index=names, columns=names, dtype="boolean")
    for src, targets in rows.items():
        for dst, ok in targets.items():
            m.loc[src, dst] = ok
    return m


def link_view() -> lesson.ReachabilityView:
    """The --link step: tomcat1 reaches mysql1, not the other way."""
    m = matrix({"tomcat1": {"mysql1": True}, "mysql1": {"tomcat1": False}})
    nodes = {n: {"networks": ["bridge"]} for n in m.index}
    return lesson.ReachabilityView(m, reachability_graph(m, nodes), "by name")


# -- no engine -------------------------------------------------------------------


def test_arrows_tell_one_way_from_two_way():
    g = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a"), ("c", "b")])
    assert lesson.arrows(g) == ["a ⇄ b", "c → a", "c → b"]
    assert lesson.describe(nx.DiGraph()) == "arrows: none (nobody reaches anybody)"


def test_reachability_view_text_is_the_matrix_and_its_arrows():
    text = str(link_view())
    assert text.splitlines()[0] == "by name: does the row reach the column?"
    assert "  mysql1        ·        ✗" in text
    assert "  tomcat1       ✓        ·" in text
    assert text.endswith("arrows: tomcat1 → mysql1")


def test_reachability_view_html_puts_the_coloured_table_beside_the_graph():
    html = link_view()._repr_html_()
    assert 'class="dockerlab-matrix"' in html and "#fcbba1" in html and "#c7e9c0" in html
    assert "display:flex" in html
    assert 'src="data:image/png;base64,' in html


def test_pictures_are_png_and_leave_no_pyplot_figure_open():
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    picture = lesson.side_by_side(link_view(), link_view(), titles=["before", "after"])
    assert picture.png.startswith(PNG_SIGNATURE)
    assert picture._repr_png_() == picture.png
    assert repr(picture) == "before: arrows: tomcat1 → mysql1\nafter: arrows: tomcat1 → mysql1"
    assert link_view().picture().png.startswith(PNG_SIGNATURE)
    assert set(plt.get_fignums()) == before


def test_side_by_side_refuses_bad_arguments():
    with pytest.raises(InvalidInput):
        lesson.side_by_side()
    with pytest.raises(InvalidInput, match="2 views but 1 titles"):
        lesson.side_by_side(link_view(), link_view(), titles=["only one"])


def test_table_text_does_not_pad_so_varying_values_keep_their_shape():
    short = lesson.table(pd.DataFrame({"container": ["mysql1"], "ip": ["10.0.0.2"], "gw": [None]}))
    longer = lesson.table(pd.DataFrame({"container": ["mysql1"], "ip": ["172.17.0.12"], "gw": [None]}))
    assert str(short) == "container | ip | gw\nmysql1 | 10.0.0.2 | -"
    assert str(longer).replace("172.17.0.12", "X") == str(short).replace("10.0.0.2", "X")
    assert "<table" in short._repr_html_()
    assert str(lesson.table(short.frame, ["ip"])) == "ip\n10.0.0.2"


def pair_row(**changes) -> dict:
    row = {
        "container": "tomcat1",
        "interface": "eth0",
        "ifindex": 44,
        "peer_ifindex": 45,
        "host_interface": "veth8eb364e",
        "host_ifindex": 45,
        "bridge": "docker0",
        "label": "eth0@if45",
        "host_label": "veth8eb364e@if44",
    }
    row.update(changes)
    return row


def test_pair_check_confirms_ends_that_point_at_each_other():
    text = lesson.pair_check(pd.DataFrame([pair_row()]))
    assert text == (
        "tomcat1: eth0@if45 (index 44) ⇄ veth8eb364e@if44 (index 45) on docker0: each points at the other, one pair ✓"
    )


def test_pair_check_flags_ends_that_do_not_match():
    wrong_peer = pair_row(host_label="veth8eb364e@if99")
    no_host_end = pair_row(container="mysql1", host_interface=None, host_ifindex=None, host_label=None)
    lines = lesson.pair_check(pd.DataFrame([wrong_peer, no_host_end])).splitlines()
    assert lines[0].endswith("they do NOT point at each other ✗")
    assert lines[1] == "mysql1: eth0@if45 (index 44): no host end found ✗"


def test_address_change_says_whether_it_changed():
    assert str(lesson.AddressChange("mysql1", "10.0.0.2", "10.0.0.4")).endswith("the address CHANGED")
    same = lesson.AddressChange("mysql1", "10.0.0.2", "10.0.0.2")
    assert not same.changed and str(same).endswith("the address stayed the same")


def test_subnet_choice_explains_a_clash():
    free = lesson.SubnetChoice("192.168.0.0/16", "192.168.0.0/16", "192.168.0.1", ())
    assert free.is_article and "uses the article's subnet" in str(free)
    clash = lesson.SubnetChoice("192.168.0.0/16", "10.168.0.0/16", "10.168.0.1", ("the engine host's route X",))
    assert not clash.is_article
    assert "overlaps the engine host's route X" in str(clash) and "10.168.0.0/16" in str(clash)


def test_app_command_names_the_service_and_refuses_odd_names():
    argv = lesson.app_command("mysql1", 3306, 8080)
    assert argv[:2] == ["sh", "-c"] and argv[3:] == ["app", "mysql1", "3306", "8080"]
    assert "nc -w 2 $1 $2" in argv[2] and 'httpd -f -p "$3" -h /var/www' in argv[2]
    for bad in ("mysql1; rm -rf /", "", "$(id)"):
        with pytest.raises(InvalidInput):
            lesson.app_command(bad)
    for port in (0, 65536, True, "3306"):
        with pytest.raises(InvalidInput, match="TCP port"):
            lesson.app_command("mysql1", port)


def test_fetch_reads_only_the_loopback_address():
    for url in ("http://localhost:8080/", "https://127.0.0.1:8080/", "http://127.0.0.2/"):
        with pytest.raises(InvalidInput, match="only reads"):
            lesson.fetch(url)


def test_free_port_avoids_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        other = lesson.free_port(taken)
    assert other != taken and 0 < other < 65536


# -- with the real engine ------------------------------------------------------


@pytest.mark.integration
def test_start_provisions_and_resets(engine, make_lab, uniq, capsys):
    lab = make_lab("lesson")
    lab.run(uniq("leftover"))
    again = lesson.start(lab.name, client=engine)
    out = capsys.readouterr().out
    assert "dockerlab/labbox" in out and f"label=dockerlab.lab={lab.name}" in out
    assert again.containers == []


@pytest.mark.integration
def test_reachability_on_the_default_bridge(lab, uniq):
    a, b = uniq("tomcat1"), uniq("mysql1")
    lab.run(a)
    lab.run(b)
    by_name = lesson.reachability(lab)
    assert not by_name.matrix.loc[a, b] and not by_name.matrix.loc[b, a]
    assert lesson.describe(by_name.graph) == "arrows: none (nobody reaches anybody)"
    by_ip = lesson.reachability(lab, "ip")
    assert by_ip.title == "by IP"
    assert sorted(by_ip.graph.edges) == sorted([(a, b), (b, a)])
    assert by_ip.graph.nodes[a]["networks"] == ["bridge"]


@pytest.mark.integration
def test_choose_subnet_gives_a_subnet_the_engine_accepts(lab, uniq):
    for _attempt in range(3):  # another worker's test may take the subnet between the choice and the creation
        choice = lesson.choose_subnet(lab)
        if choice.is_article:
            assert choice.clashes == () and choice.gateway == "192.168.0.1"
        else:
            assert choice.clashes
            assert not ipaddress.ip_network(choice.subnet).overlaps(ipaddress.ip_network("192.168.0.0/16"))
        try:
            net = lab.network(uniq("myBridge"), subnet=choice.subnet, gateway=choice.gateway)
            break
        except (SubnetOverlap, EngineError):
            continue
    else:
        raise AssertionError("three subnets chosen in turn were taken before they could be used")
    c = lab.run(uniq("tomcat1"), network=net)
    assert lesson.in_subnet(c.ip, choice.subnet)


@pytest.mark.integration
def test_app_reaches_service_by_name_and_is_fetched_on_loopback(lab, uniq):
    net = lab.network(uniq("myBridge"))
    service, app = uniq("mysql1"), uniq("tomcat1")
    lab.run(service, network=net, command=lesson.service_command(3306))
    port = lesson.free_port(0)
    lab.run(app, network=net, ports={8080: port}, command=lesson.app_command(service, 3306, 8080))
    ready = lesson.wait_for_service(lab, app, service, 3306)
    assert ready.ok and lesson.SERVICE_GREETING in ready.output
    page = lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")
    assert page.status == 200
    assert f"the app asked {service}:3306 and got:" in page.body and lesson.SERVICE_GREETING in page.body


@pytest.mark.integration
def test_wait_for_service_gives_up_after_its_bound(lab, uniq):
    client = uniq("tomcat1")
    lab.run(client)
    with pytest.raises(lesson.NotReady, match=r"did not answer within 0\.5 s") as caught:
        lesson.wait_for_service(lab, client, uniq("nobody"), 3306, timeout=0.5)
    assert isinstance(caught.value, DockerlabError)


@pytest.mark.integration
def test_topology_picture_lists_each_pair(lab, uniq):
    c = uniq("tomcat1")
    lab.run(c)
    picture = lesson.topology(lab, "one container")
    assert picture.png.startswith(PNG_SIGNATURE)
    assert repr(picture).splitlines() == ["topology: one container", f"{c} eth0 ⇄ veth on docker0 (bridge)"]
