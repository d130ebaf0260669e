"""HTML views for JupyterLab: labs, containers, the matrix and progress bars."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dockerlab.errors import InvalidInput
from dockerlab.lab import Lab
from dockerlab.views import display, progress


def test_lab_html_shows_containers_addresses_and_networks(lab, uniq):
    net = lab.network(uniq("cli-net"), subnet=lab.free_subnet(prefixlen=24))
    a, b = lab.run_many([uniq("cli-a"), uniq("cli-b")], network=net, progress=False)
    stopped = lab.run(uniq("cli-c"))
    lab.stop(stopped.name)
    page = lab._repr_html_()
    assert f"<b>Lab {lab.name}</b>: 3 containers, 1 network of its own" in page
    for h in (a, b):
        assert f"<b>{h.name}</b>" in page and f"{net} {h.ip}" in page
    assert "exited" in page and page.count(">running</span>") == 2
    subnet = lab.networks().set_index("name").loc[net, "subnet"]
    assert subnet in page and f"{a.name}, {b.name}" in page
    assert repr(lab) == f"Lab({lab.name!r})"  # the text form nbval compares stays the same


def test_container_html_lists_each_endpoint(lab, uniq):
    h = lab.run(uniq("cli-a"))
    page = h._repr_html_()
    assert f"<b>container {h.name}</b>" in page and ">running</span>" in page
    ep = h.endpoints["bridge"]
    assert all(v in page for v in (ep.ip, ep.gateway, ep.mac))
    assert repr(h).startswith(f"<container {h.name} (running; bridge=")


def test_lab_html_without_containers_says_how_to_start(lab):
    assert "No containers yet" in lab._repr_html_()


@pytest.mark.engine_only
def test_lab_html_shows_an_engine_error_instead_of_raising(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'none.sock'}")
    page = Lab("cli-noengine", echo=False)._repr_html_()
    assert "could not read the engine" in page and "No Docker engine answers" in page


def test_matrix_html_colours_reachable_and_unreachable():
    m = pd.DataFrame({"a": [pd.NA, True], "b": [False, pd.NA]}, index=["a", "b"], dtype="boolean")
    page = display.matrix(m, "by name")._repr_html_()
    assert page.count("background:#c7e9c0") == 1 and page.count("background:#fcbba1") == 1


def test_progress_text_on_a_terminal_redraws_one_line():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    with progress.ProgressBar("containers", total=2, stream=out) as bar:
        bar("a running")
        bar("b running")
    assert out.getvalue().count("\r") == 2 and out.getvalue().count("\n") == 2
    assert out.getvalue().endswith("2/2 b running\ncontainers: done\n")


def test_progress_in_jupyter_updates_one_html_output(monkeypatch):
    shown: list[dict[str, str]] = []

    class Handle:
        def update(self, bundle, raw=False):
            shown.append(bundle)

    def fake_display(bundle, raw=False, display_id=False):
        shown.append(bundle)
        return Handle()

    monkeypatch.setattr("IPython.display.display", fake_display)
    with progress.ProgressBar("lab image", total=3, html=True) as bar:
        bar("building")
    assert [b["text/plain"] for b in shown] == ["lab image"] * 3  # constant: nbval compares it
    assert '<progress value="1" max="3">' in shown[1]["text/html"] and "building" in shown[1]["text/html"]
    assert "done" in shown[-1]["text/html"]


def test_run_many_starts_each_container_and_reports_progress(lab, uniq):
    out = io.StringIO()
    names = [uniq("cli-a"), uniq("cli-b"), uniq("cli-c")]
    handles = lab.run_many(names, progress=progress.ProgressBar("start", total=3, stream=out))
    assert [h.name for h in handles] == names and all(h.running for h in handles)
    assert lab.containers == sorted(names)
    assert f"3/3 {names[2]} running" in out.getvalue()


def test_run_many_stops_the_bar_on_an_error(lab, uniq):
    out = io.StringIO()
    first = uniq("cli-a")
    with pytest.raises(InvalidInput, match="container name"):
        lab.run_many([first, "bad name"], progress=progress.ProgressBar("start", total=2, stream=out))
    assert out.getvalue().endswith(f"1/2 {first} running\nstart: stopped by an error\n")
