"""Bad input, fuzzed: refused with a DockerlabError before the engine is touched.

The first group runs against a client that fails the test when touched at all;
the second sends fuzzed input through a real engine and requires that nothing
but DockerlabError escapes.
"""

from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlab.errors import DockerlabError, InvalidInput
from dockerlab.lab import Lab

NAME_RULE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")
EXAMPLES = 300


class EngineTouched(BaseException):
    """Raised by the untouchable client: validation let the input through to the engine."""


class Untouchable:
    def __getattr__(self, name):
        raise EngineTouched(name)


def offline_lab() -> Lab:
    return Lab("fuzz", client=Untouchable(), echo=False)


names = st.one_of(
    st.text(max_size=70),
    st.from_regex(NAME_RULE, fullmatch=True),
    st.sampled_from(["bridge", "host", "none", "-x", "a b", "tomcat1", "ü", ""]),
    st.integers(),
    st.none(),
)
octet = st.integers(-5, 300)
cidrs = st.one_of(
    st.builds(lambda a, b, c, d, p: f"{a}.{b}.{c}.{d}/{p}", octet, octet, octet, octet, st.integers(-1, 40)),
    st.builds(lambda a, b: f"{a}/{b}", st.text(max_size=15), st.text(max_size=3)),
    st.sampled_from(["192.168.0.0/16", "192.168.0.1/16", "10.0.0.0", "fd00::/64", "0.0.0.0/0"]),
    st.none(),
    st.integers(),
)
gateways = st.one_of(
    st.builds(lambda a, b, c, d: f"{a}.{b}.{c}.{d}", octet, octet, octet, octet),
    st.sampled_from(["192.168.0.1", "192.168.0.0", "::1", "gateway"]),
    st.none(),
    st.text(max_size=12),
)
ports = st.one_of(
    st.dictionaries(st.one_of(st.integers(-10, 70000), st.text(max_size=4)), st.integers(-10, 70000), max_size=3),
    st.lists(st.integers()),
    st.text(max_size=5),
    st.none(),
)
links = st.one_of(
    st.lists(names, max_size=3),
    st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=2),
    st.text(max_size=8),
    st.integers(),
    st.none(),
)


def outcome(call):
    """'refused' (InvalidInput, engine untouched) or 'engine' (validation passed)."""
    try:
        call()
    except InvalidInput as e:
        assert str(e), "an error without a message"
        return "refused"
    except EngineTouched:
        return "engine"
    raise AssertionError("neither refused nor passed to the engine")


def valid_name(x) -> bool:
    return isinstance(x, str) and NAME_RULE.fullmatch(x) is not None


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None)
@given(name=names, subnet=cidrs, gateway=gateways)
def test_network_input(name, subnet, gateway):
    result = outcome(lambda: offline_lab().network(name, subnet=subnet, gateway=gateway))
    if not valid_name(name) or name in ("bridge", "host", "none"):
        assert result == "refused"
    if result == "engine":
        assert subnet is None or gateway is None or (ipaddress.ip_address(gateway) in ipaddress.ip_network(subnet))


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None)
@given(name=names, network=st.one_of(st.none(), names), links=links, ports=ports, ip=st.one_of(st.none(), gateways))
def test_run_input(name, network, links, ports, ip):
    result = outcome(lambda: offline_lab().run(name, network=network, links=links, ports=ports, ip=ip))
    if not valid_name(name):
        assert result == "refused"
    if isinstance(links, str | int) and links != "":
        assert result == "refused"


@settings(max_examples=EXAMPLES, deadline=None)
@given(lab_name=names)
def test_lab_names(lab_name):
    try:
        Lab(lab_name, client=Untouchable(), echo=False)
    except InvalidInput:
        assert not valid_name(lab_name)
    else:
        assert valid_name(lab_name)


@settings(max_examples=EXAMPLES, deadline=None)
@given(src=names, target=st.one_of(st.text(max_size=20), st.integers(), st.none()), by=st.text(max_size=5))
def test_probe_input(src, target, by):
    lab = offline_lab()
    assert outcome(lambda: lab.ping(src, target)) in ("refused", "engine")
    if not valid_name(src):
        assert outcome(lambda: lab.ping(src, "x")) == "refused"
    if by not in ("name", "ip"):
        assert outcome(lambda: lab.reachability(by)) == "refused"


@pytest.mark.integration
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, subnet=cidrs, gateway=gateways, links=links, ports=ports)
def test_only_dockerlab_errors_escape_a_real_engine(lab, name, subnet, gateway, links, ports):
    """Through the real engine: whatever happens, nothing but DockerlabError escapes."""
    for call in (
        lambda: lab.network(f"fz-{name}" if isinstance(name, str) else name, subnet=subnet, gateway=gateway),
        lambda: lab.run(f"fz-{name}" if isinstance(name, str) else name, links=links, ports=ports),
        lambda: lab.connect("bridge", name),
        lambda: lab.ping(name, "fz-nowhere"),
    ):
        try:
            call()
        except DockerlabError as e:
            assert str(e)
    lab.reset()
