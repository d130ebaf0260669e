"""explain / predict / compare: the sentences on the simulator, and predictions against a real engine.

Whether predictions are *right* is judged against hand-written expectations
(tests/test_expectations.py) and the real engine (below, and
tests/test_differential.py), never against the simulator, whose pings ask
the same model.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dockerlab.engines.sim import SimClient
from dockerlab.errors import InvalidInput
from dockerlab.lab import Lab
from dockerlab.model import parse_hosts, parse_links
from dockerlab.views.display import Comparison


@pytest.fixture
def article() -> Lab:
    lab = Lab("x", client=SimClient(), echo=False)
    lab.run("mysql1")
    lab.run("tomcat1", links=["mysql1"])
    return lab


def test_link_sentence_and_its_one_way_mirror(article: Lab) -> None:
    ip = article["mysql1"].ip
    why = article.explain("tomcat1", "mysql1")
    assert why.reachable and why.address == ip
    assert str(why) == (
        f"tomcat1 finds mysql1 in its /etc/hosts (written by --link) -> {ip}; "
        "both are on network bridge (docker0): reachable"
    )
    back = article.explain("mysql1", "tomcat1")
    assert back.reachable is False and back.reason == "unresolved"
    assert str(back).startswith(
        "mysql1 cannot resolve tomcat1: the default bridge has no embedded DNS and mysql1 has no link to tomcat1"
    )


def test_embedded_dns_isolation_internal_icc_none_host_and_stopped() -> None:
    lab = Lab("x", client=SimClient(), echo=False)
    lab.network("myBridge")
    lab.network("other")
    lab.network("inner", internal=True)
    lab.network("quiet", icc=False)
    lab.run("aa", network="myBridge")
    lab.run("bb", network="myBridge")
    lab.run("cc", network="other")
    lab.run("ii", network="inner")
    lab.run("q1", network="quiet")
    lab.run("q2", network="quiet")
    lab.run("zz", network="none")
    lab.run("hh", network="host")
    lab.run("ss", network="myBridge")
    lab.stop("ss")
    assert "embedded DNS" in str(lab.explain("aa", "bb")) and lab.explain("aa", "bb").reachable
    assert "no shared user-defined network" in str(lab.explain("aa", "cc"))
    assert "isolates bridges" in str(lab.explain("aa", "cc", by="ip"))
    assert "--internal" in str(lab.explain("aa", "ii", by="ip"))
    assert "ICC disabled" in str(lab.explain("q1", "q2")) and not lab.explain("q1", "q2").reachable
    assert "Network is unreachable" in str(lab.explain("zz", "aa", by="ip"))
    assert lab.explain("hh", "q1", by="ip").reachable and lab.explain("hh", "aa").reachable is None
    assert "stopped" in str(lab.explain("aa", "ss")) and "not running" in str(lab.explain("ss", "aa"))
    with pytest.raises(InvalidInput):
        lab.explain("aa", "bb", by="mac")


def test_predict_has_the_shape_of_reachability_and_compare_marks_mismatches(article: Lab) -> None:
    for by in ("name", "ip"):
        predicted, measured = article.predict(by), article.reachability(by)
        assert list(predicted.index) == list(measured.index) and list(predicted.columns) == list(measured.columns)
    # The article's --link, written by hand: tomcat1 resolves mysql1, not the reverse.
    by_hand = pd.DataFrame(
        {"mysql1": [pd.NA, True], "tomcat1": [False, pd.NA]}, index=["mysql1", "tomcat1"], dtype="boolean"
    )
    assert Comparison(article.predict("name"), by_hand, "name").ok
    wrong = by_hand.copy()
    wrong.loc["mysql1", "tomcat1"] = True
    c = Comparison(wrong, by_hand, "name")
    assert c.mismatches == [("mysql1", "tomcat1")]
    assert "✓/✗!" in str(c) and "#fcbba1" in c._repr_html_()


def test_parsers() -> None:
    assert parse_hosts("172.17.0.2\tdb abc mysql1\n# x\n") == {
        "db": "172.17.0.2",
        "abc": "172.17.0.2",
        "mysql1": "172.17.0.2",
    }
    assert parse_links(None) == {}


@pytest.mark.engine_only
@pytest.mark.integration
def test_predictions_come_true_on_the_engine(make_lab, uniq) -> None:
    """Every case the rules cover, predicted and then measured on the real engine."""
    lab = make_lab("d")
    net, inner, quiet = uniq("d-ub"), uniq("d-in"), uniq("d-qt")
    lab.network(net)
    lab.network(inner, internal=True)
    lab.network(quiet, icc=False)
    n = {k: uniq(f"d-{k}") for k in ("m", "t", "u1", "u2", "i1", "i2", "q1", "q2", "z", "h", "s", "l")}
    lab.run(n["m"])
    lab.run(n["t"], links=[n["m"]])
    lab.run(n["u1"], network=net, aliases=["alias1"])
    lab.run(n["u2"], network=net)
    lab.connect(net, n["t"])
    lab.run(n["i1"], network=inner)
    lab.run(n["i2"], network=inner)
    lab.run(n["q1"], network=quiet)
    lab.run(n["q2"], network=quiet)
    lab.run(n["z"], network="none")
    lab.run(n["h"], network="host")
    lab.run(n["s"], network=net)
    lab.run(n["l"], links=[n["m"]])
    lab.stop(n["s"])
    for by in ("name", "ip"):
        comparison = lab.compare(by)
        assert comparison.ok, str(comparison)
    assert lab.explain(n["t"], n["m"]).reachable and not lab.explain(n["m"], n["t"]).reachable
    assert lab.explain(n["u2"], n["t"]).reachable  # embedded DNS, since t joined the network
    lab.stop(n["m"])  # now the engine refuses to enter t and l at all
    assert lab.explain(n["t"], n["u1"]).reason == "error"
    comparison = lab.compare("name")
    assert comparison.ok, str(comparison)
