"""Every picture the notebooks store is readable: no text under 10 pt, at 110 dpi or more, no stderr.

The pictures record their smallest text size in a PNG text chunk when they
are drawn (``dockerlab.teaching.lesson.MIN_TEXT_KEY``); this reads the stored
notebooks' PNGs and their own metadata, in both editions, so it needs no engine.

The figures' geometry is checked by drawing the figure functions on recorded
data, in English and in Chinese: no text overlaps another or is clipped, the
isolation cut sits between the two bridges, only measured directions are drawn,
08's figure shows a packet's path with the hosts' addresses and fills its canvas.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from dockerlab import i18n
from dockerlab.kernel.topology import Bridge, Link, build_graph, frame, pair_rows
from dockerlab.teaching import lesson
from dockerlab.teaching.lesson import MIN_TEXT_KEY
from dockerlab.views import plot
from dockerlab.views.graphs import reachability_graph

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb")) + sorted(
    (ROOT / "notebooks/zh-CN").glob("0[1-9]_*.ipynb")
)
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))


def pictures(notebook: Path) -> list[Image.Image]:
    """The PNG outputs stored in a notebook."""
    found = []
    for cell in json.loads(notebook.read_text())["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data:
                found.append(Image.open(io.BytesIO(base64.b64decode("".join(data)))))
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[str(n.relative_to(ROOT / "notebooks"))[:8] for n in NOTEBOOKS])
def test_stored_pictures_have_no_text_under_10_pt(notebook: Path) -> None:
    for i, image in enumerate(pictures(notebook)):
        smallest = float(image.info.get(MIN_TEXT_KEY, "0"))
        assert smallest >= 10, f"{notebook.name}, picture {i + 1}: text of {smallest} pt"
        dpi = image.info.get("dpi", (0, 0))[0]
        assert dpi >= 100, f"{notebook.name}, picture {i + 1}: {dpi} dpi"


def test_the_finale_and_the_two_bridges_have_wide_pictures() -> None:
    """06's before/after and 07's request path are at least 600 px wide as stored (JupyterLab shows a PNG
    at its own size, so that is the width a learner sees)."""
    for notebook in (n for n in NOTEBOOKS if n.name.startswith(("06_", "07_"))):
        widths = [image.width for image in pictures(notebook)]
        assert widths and max(widths) >= 600, f"{notebook}: pictures {widths} px wide"


# -- no stderr: a warning stored in a notebook is noise a learner reads ----------------


@pytest.mark.parametrize("notebook", ALL_NOTEBOOKS, ids=[str(n.relative_to(ROOT / "notebooks")) for n in ALL_NOTEBOOKS])
def test_no_stored_output_is_stderr(notebook: Path) -> None:
    for i, cell in enumerate(json.loads(notebook.read_text())["cells"]):
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", ""))[:200]
            assert output.get("name") != "stderr", f"{notebook.name}, cell {i}: stderr {text!r}"


# -- geometry: the figure functions, rendered on data, in both languages ---------------


def texts(fig: Figure) -> list[Text]:
    """The figure's visible, non-empty texts (its axes' are switched off)."""
    found = list(fig.texts)
    for ax in fig.axes:
        found += [*ax.texts, ax.title]
        if ax.get_legend() is not None:
            found += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    return [t for t in found if t.get_visible() and t.get_text().strip()]


def overlaps(a: Bbox, b: Bbox, slack: float = 1.0) -> bool:
    return a.x0 < b.x1 - slack and b.x0 < a.x1 - slack and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack


def assert_readable(fig: Figure) -> None:
    """No two texts overlap, and no text is clipped by its axes or leaves the figure's drawn area."""
    fig.draw_without_rendering()
    shown = [(t, plot.extent(t)) for t in texts(fig)]
    for (t1, e1), (t2, e2) in itertools.combinations(shown, 2):
        assert not overlaps(e1, e2), f"{t1.get_text()!r} overlaps {t2.get_text()!r}"
    for t, e in shown:
        if t.get_clip_on() and t.axes is not None and t.get_clip_box() is not None:
            box = t.axes.get_window_extent()
            inside = box.x0 - 1 <= e.x0 and e.x1 <= box.x1 + 1 and box.y0 - 1 <= e.y0 and e.y1 <= box.y1 + 1
            assert inside, f"{t.get_text()!r} is clipped by its axes"


@pytest.fixture(params=["en", "zh-CN"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    with i18n.language(request.param):
        yield request.param


def topology_graph(spec: dict[str, list[tuple[str, str, str]]], bridges: list[Bridge], host: tuple[str, ...] = ()):
    """A graph as build_graph makes it: each container's (interface, bridge device, address)."""
    inside: dict[str, dict[str, Link]] = {}
    ends: dict[str, Link] = {}
    index = 31100
    for name, legs in spec.items():
        inside[name] = {}
        for interface, bridge, ip in legs:
            index += 2
            inside[name][interface] = Link(index, interface, index + 1, addresses=(ip + "/16",))
            ends[f"veth{index:07x}"] = Link(index + 1, f"veth{index:07x}", index, master=bridge)
    devices = {b.device: b.network for b in bridges}
    rows = [r for name, links in inside.items() for r in pair_rows(name, links, ends, devices)]
    containers = {c: {"network_mode": "bridge"} for c in spec} | {c: {"network_mode": "host"} for c in host}
    return build_graph(frame(rows), bridges, containers, ("lo", "eth0"))


DOCKER0 = Bridge("docker0", "bridge", "d8", "172.17.0.0/16", "172.17.0.1")
OTHER = Bridge("br-7e7142c192e4", "otherBridge", "7e", "172.27.0.0/16", "172.27.0.1")
MINE = Bridge("br-a17094c8f445", "myBridge", "a1", "192.168.0.0/24", "192.168.0.1")
TOPOLOGIES = {  # the series' topology figures: 04·c17, 04·c33, 06·c16, 06·c35
    "04-one-bridge": ({"mysql1": [("eth0", "docker0", "172.17.0.3")], "tomcat1": [("eth0", "docker0", "172.17.0.2")]},
                      [DOCKER0], ("hostview",)),
    "04-two-bridges": ({"mysql1": [("eth0", "docker0", "172.17.0.3")], "tomcat1": [("eth0", "docker0", "172.17.0.2")],
                        "tomcat2": [("eth0", OTHER.device, "172.27.0.2")]}, [DOCKER0, OTHER], ()),
    "06-before": ({"tomcat1-docker0": [("eth0", "docker0", "172.17.0.2")],
                   "mysql1": [("eth0", MINE.device, "192.168.0.3")], "tomcat1": [("eth0", MINE.device, "192.168.0.2")]},
                  [DOCKER0, MINE], ()),
    "06-after": ({"tomcat1-docker0": [("eth0", "docker0", "172.17.0.2"), ("eth1", MINE.device, "192.168.0.4")],
                  "mysql1": [("eth0", MINE.device, "192.168.0.3")], "tomcat1": [("eth0", MINE.device, "192.168.0.2")]},
                 [DOCKER0, MINE], ()),
}  # fmt: skip


def draw_topology(name: str) -> tuple[Figure, Any, nx.Graph]:
    spec, bridges, host = TOPOLOGIES[name]
    g = topology_graph(spec, bridges, host)
    columns = sum(len(legs) for legs in spec.values())
    fig = Figure(figsize=(max(6.5, 1.9 * (columns + 1.6)), 6.2))  # as lesson.topology makes it
    ax = plot.topology(g, ax=fig.add_subplot(), title=name)
    return fig, ax, g


@pytest.mark.parametrize("name", TOPOLOGIES)
def test_topology_labels_neither_overlap_nor_leave_the_picture(lang: str, name: str) -> None:
    fig, ax, _g = draw_topology(name)
    assert_readable(fig)
    fig.draw_without_rendering()
    axes = ax.get_window_extent()
    for t in texts(fig):
        if t.axes is ax and t.get_bbox_patch() is not None:  # the boxes and the row captions stay in the axes
            e = plot.extent(t)
            assert axes.x0 - 1 <= e.x0 and e.x1 <= axes.x1 + 1, f"{t.get_text()!r} leaves the axes"


@pytest.mark.parametrize("name", [n for n, (_s, bridges, _h) in TOPOLOGIES.items() if len(bridges) > 1])
def test_the_isolation_cut_sits_between_the_two_bridges_not_under_a_veth_end(lang: str, name: str) -> None:
    fig, ax, _g = draw_topology(name)
    fig.draw_without_rendering()
    boxes = {t.get_text(): plot.extent(t) for t in texts(fig) if t.get_bbox_patch() is not None}
    bridges = sorted((e for text, e in boxes.items() if text.split("\n")[0] in {"docker0", OTHER.device, MINE.device}),
                     key=lambda e: e.x0)  # fmt: skip
    veths = [e for text, e in boxes.items() if text.startswith("veth")]
    (cut,) = [line for line in ax.get_lines() if line.get_gid() == "isolation"]
    marker = cut.get_window_extent(fig._get_renderer())
    left, right = bridges
    assert left.x1 < marker.x0 and marker.x1 < right.x0, "the ✗ is not in the gap between the bridges"
    assert left.y0 <= (marker.y0 + marker.y1) / 2 <= left.y1, "the ✗ is not level with the bridges"
    for v in veths:
        assert not (v.x0 <= (marker.x0 + marker.x1) / 2 <= v.x1), "the ✗ sits under a veth end"


def by_ip_graph() -> nx.DiGraph:
    """04·c31: by IP, hostview and noneview have no address, so nobody was measured towards them."""
    m = pd.DataFrame(
        {"mysql1": [True, pd.NA, False, True], "tomcat1": [True, True, False, pd.NA]},
        index=["hostview", "mysql1", "noneview", "tomcat1"],
        dtype="boolean",
    )
    nets = {"hostview": ["host"], "mysql1": ["bridge"], "noneview": ["none"], "tomcat1": ["bridge"]}
    return reachability_graph(m, {n: {"networks": v} for n, v in nets.items()}, by="ip")


def test_only_measured_directions_are_drawn_as_measured(lang: str) -> None:
    g = by_ip_graph()
    two_way, one_way, unknown, failed, half_failed = plot._pair_kinds(g)
    assert sorted(map(sorted, two_way)) == [["mysql1", "tomcat1"], ["mysql1", "tomcat1"]]
    assert one_way == [] and failed == []  # nothing says "one way" or "neither way" towards no address
    assert sorted(unknown) == [("hostview", "mysql1"), ("hostview", "tomcat1")]
    assert sorted(half_failed) == [("noneview", "mysql1"), ("noneview", "tomcat1")]
    fig, (ax,) = lesson._figure(5.2, 3.6)
    plot.reachability(g, ax=ax, title="by IP")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert i18n._("reaches (one way)") not in labels and i18n._("neither way") not in labels
    assert_readable(fig)


def compose_graph() -> nx.DiGraph:
    names = ["dockerlab-09-mysql-1", "dockerlab-09-tomcat-1"]
    m = pd.DataFrame([[pd.NA, True], [True, pd.NA]], index=names, columns=names, dtype="boolean")
    return reachability_graph(m, {n: {"networks": ["dockerlab-09_default"]} for n in names})


def test_long_compose_names_are_neither_clipped_nor_overlapping(lang: str) -> None:
    """09·c19."""
    fig, (ax,) = lesson._figure(5.2, 3.6)
    plot.reachability(compose_graph(), ax=ax, title="the article's app, run by Compose")
    assert_readable(fig)


def test_side_by_side_legends_stay_in_their_own_panel(lang: str) -> None:
    """06·c34: the left panel's legend ran under the right panel."""
    names = ["mysql1", "tomcat1", "tomcat1-docker0"]
    before = pd.DataFrame([[pd.NA, True, False], [True, pd.NA, False], [False, False, pd.NA]], index=names,
                          columns=names, dtype="boolean")  # fmt: skip
    after = pd.DataFrame([[pd.NA, True, True], [True, pd.NA, True], [True, True, pd.NA]], index=names, columns=names,
                         dtype="boolean")  # fmt: skip
    nodes = {"mysql1": {"networks": ["myBridge"]}, "tomcat1": {"networks": ["myBridge"]}}
    views = [
        lesson.ReachabilityView(m, reachability_graph(m, {**nodes, "tomcat1-docker0": {"networks": nets}}), "t")
        for m, nets in ((before, ["bridge"]), (after, ["bridge", "myBridge"]))
    ]
    fig, axes = lesson._figure(8.4, 3.6, axes=2)
    for view, ax in zip(views, axes, strict=True):
        plot.reachability(view.graph, ax=ax, title="before docker network connect", legend="below")
    assert_readable(fig)
    fig.draw_without_rendering()
    left_legend, right = axes[0].get_legend().get_window_extent(), axes[1].get_window_extent()
    assert left_legend.x1 <= right.x0 + 1, "the left legend runs into the right panel"
    assert lesson.side_by_side(*views).png.startswith(b"\x89PNG")


def test_the_request_path_labels_stay_clear_of_the_boxes(lang: str) -> None:
    """07·c19: the name and resolver under the by-name arrow overlapped both containers' boxes."""
    fig, (ax,) = lesson._figure(8.4, 3.4)
    plot.service_path(ax, host_port=8080, app="tomcat1", app_port=8080, service="mysql1", service_port=3306,
                      network="myBridge")  # fmt: skip
    assert_readable(fig)
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    small = [p.get_window_extent(renderer) for p in ax.patches if getattr(p, "get_width", lambda: 9)() < 3]
    assert len(small) == 4
    for t in texts(fig):
        e = plot.extent(t)
        for box in small:
            inside = box.x0 <= e.x0 and e.x1 <= box.x1 and box.y0 <= e.y0 and e.y1 <= box.y1
            assert inside or not overlaps(e, box), f"{t.get_text()!r} crosses a box's edge"


def cluster_interfaces() -> pd.DataFrame:
    """08's three hosts as ClusterLab.interfaces reads them."""
    cols = ["host", "inside", "interface", "kind", "mtu", "master", "vxlan_id", "udp_port", "ip", "network"]
    rows = [
        ("host1", "web", "eth0", "veth", 1500, None, None, None, "172.17.0.2", "bridge"),
        ("host1", "web", "eth1", "veth", 1450, None, None, None, "10.197.1.2", "ov"),
        ("host1", "overlay ov", "br0", "bridge", 1450, None, None, None, None, "ov"),
        ("host1", "overlay ov", "vxlan0", "vxlan", 1450, "br0", 4097, 4789, None, "ov"),
        ("host2", "db", "eth0", "veth", 1500, None, None, None, "172.18.0.2", "bridge"),
        ("host2", "db", "eth1", "veth", 1450, None, None, None, "10.197.1.4", "ov"),
        ("host2", "overlay ov", "vxlan0", "vxlan", 1450, "br0", 4097, 4789, None, "ov"),
        ("host3", "cache", "eth0", "veth", 1450, None, None, None, "10.197.1.6", "ov"),
        ("host3", "cache", "eth1", "veth", 1500, None, None, None, "10.103.0.3", "docker_gwbridge"),
        ("host3", "overlay ov", "vxlan0", "vxlan", 1450, "br0", 4097, 4789, None, "ov"),
    ]
    return pd.DataFrame(rows, columns=cols)


HOST_ADDRESSES = {"host1": "10.199.0.11", "host2": "10.199.0.12", "host3": "10.199.0.13"}


def draw_hosts() -> tuple[Figure, Any]:
    df = cluster_interfaces()
    fig = Figure(figsize=plot.hosts_size(df, HOST_ADDRESSES))  # as lesson.hosts makes it
    ax = plot.hosts(df, ax=fig.add_axes((0.0, 0.0, 1.0, 1.0)), title="three hosts", addresses=HOST_ADDRESSES)
    return fig, ax


def test_hosts_shows_the_packet_path_with_the_hosts_addresses(lang: str) -> None:
    fig, ax = draw_hosts()
    assert_readable(fig)
    shown = [t.get_text() for t in texts(fig)]
    for address in HOST_ADDRESSES.values():
        assert any(address in t for t in shown), f"no {address}"
    fig.draw_without_rendering()
    boxes = {t.get_text(): plot.extent(t) for t in texts(fig)}

    def row(start: str) -> Bbox:
        return next(e for text, e in boxes.items() if text.startswith(start))

    (path,) = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) == 12]
    xy = ax.transData.transform(path.get_xydata())
    # web (host1) → eth1 on ov → the overlay's namespace → vxlan0 → host1's address → the wire → host3 … → cache
    source_down, target_up = xy[:6], xy[6:][::-1]
    web, eth1, vxlan, wire = row("web"), row("eth1 10.197.1.2"), row("vxlan0"), row("10.199.0.11")
    assert list(source_down[:, 1]) == sorted(source_down[:, 1], reverse=True), "the path goes down on host1"
    assert web.y0 <= source_down[0, 1] <= web.y1 and eth1.y0 <= source_down[1, 1] <= eth1.y1
    assert vxlan.y0 <= source_down[3, 1] <= vxlan.y1 and wire.y0 <= source_down[4, 1] <= wire.y1
    assert wire.x0 <= source_down[4, 0] <= wire.x1
    assert row("cache").y0 <= target_up[0, 1] <= row("cache").y1
    assert row("10.199.0.13").x0 <= target_up[4, 0] <= row("10.199.0.13").x1


def test_hosts_fills_its_canvas(lang: str) -> None:
    """08·c20 was mostly empty: what it draws reaches within half an inch of each edge of its axes."""
    fig, ax = draw_hosts()
    fig.draw_without_rendering()
    axes = ax.get_window_extent()
    drawn = Bbox.union([plot.extent(t) for t in texts(fig) if t is not ax.title])
    inch = fig.dpi
    assert drawn.x0 - axes.x0 < inch / 2 and axes.x1 - drawn.x1 < inch / 2
    assert drawn.y0 - axes.y0 < inch / 2 and axes.y1 - drawn.y1 < inch / 2


def test_bold_labels_never_ask_for_a_bold_face_that_is_missing(lang: str, caplog: pytest.LogCaptureFixture) -> None:
    """The findfont warning on stderr: bold Chinese with only a regular CJK face, or bold Latin with the CJK
    fallback in the family list."""
    from matplotlib import font_manager

    font_manager.fontManager._findfont_cached.cache_clear()  # a warning is logged once per lookup, then cached
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        for name in TOPOLOGIES:
            lesson._png(draw_topology(name)[0])
        lesson._png(draw_hosts()[0])
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert plot.bold("web")["fontweight"] == "bold"
    if not plot._has_bold_face(plot.CJK_FONT):
        assert plot.bold("网络 bridge")["fontweight"] == "normal"
