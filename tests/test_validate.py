"""Input checks: bad input is refused with InvalidInput before the engine is touched."""

import pytest

from dockerlab.errors import DockerlabError, InvalidInput
from dockerlab.lab import validate


@pytest.mark.parametrize("name", ["tomcat1", "mysql1", "tomcat1-docker0", "a.b_c-d", "9lives", "x1"])
def test_valid_container_names(name):
    assert validate.container_name(name) == name


def test_one_character_is_a_network_name_but_not_a_container_name():
    """The engine's own rule: ``docker run --name x`` is refused, ``docker network create x`` is not."""
    assert validate.network_name("x") == "x"
    with pytest.raises(InvalidInput, match="at least two characters"):
        validate.container_name("x")


@pytest.mark.parametrize("name", ["", "-lead", ".dot", "_under", "has space", "slash/x", "ü", "a" * 64, None, 5])
def test_invalid_container_names(name):
    with pytest.raises(InvalidInput) as e:
        validate.container_name(name)
    assert "name" in str(e.value)


def test_predefined_networks_cannot_be_created():
    for name in ("bridge", "host", "none"):
        assert validate.network_name(name) == name
        with pytest.raises(InvalidInput, match="Docker's own networks"):
            validate.network_name(name, creating=True)


def test_article_subnet_and_gateway():
    assert validate.subnet_and_gateway("192.168.0.0/16", "192.168.0.1") == ("192.168.0.0/16", "192.168.0.1")


@pytest.mark.parametrize(
    ("subnet", "gateway", "message"),
    [
        ("192.168.0.1/16", None, "host bits set: did you mean 192.168.0.0/16"),
        ("192.168.0.0", None, "lacks a prefix length"),
        ("300.1.0.0/16", None, "not a valid CIDR"),
        ("fd00::/64", None, "IPv6"),
        ("127.0.0.0/8", None, "cannot be used for a bridge"),
        ("10.0.0.0/30", None, "too small"),
        ("192.168.0.0/16", "10.0.0.1", "not a usable address"),
        ("192.168.0.0/16", "192.168.0.0", "not a usable address"),
        ("192.168.0.0/16", "192.168.255.255", "not a usable address"),
        (None, "192.168.0.1", "needs a subnet"),
        ("10.0.0.0/24", "banana", "not an IPv4 address"),
        (16, None, "must be a string"),
    ],
)
def test_bad_subnets_and_gateways(subnet, gateway, message):
    with pytest.raises(InvalidInput, match=message):
        validate.subnet_and_gateway(subnet, gateway)


def test_links_forms():
    assert validate.links(None) == {}
    assert validate.links(["mysql1"]) == {"mysql1": "mysql1"}
    assert validate.links({"mysql1": "db"}) == {"mysql1": "db"}
    with pytest.raises(InvalidInput, match="not a string"):
        validate.links("mysql1")
    with pytest.raises(InvalidInput):
        validate.links({"mysql1": "bad alias"})


def test_ports():
    assert validate.ports({80: 8080}) == {80: 8080}
    for bad in ({0: 80}, {80: 70000}, {"80": 8080}, {80: True}, [80]):
        with pytest.raises(InvalidInput, match="port"):
            validate.ports(bad)


def test_every_error_is_a_dockerlab_error():
    assert issubclass(InvalidInput, DockerlabError)
    assert issubclass(InvalidInput, ValueError)
