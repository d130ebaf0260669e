"""The network rule: code, notebooks and tests name no packet target outside the lab.

Lab traffic goes between the lab's own containers, their bridges and the
host's loopback. Every IPv4 literal in code must therefore be loopback or
private (a lab subnet); every URL in code must point at loopback. Markdown
(credits, links to documentation) is prose, not a packet target.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
URL = re.compile(r"\b(?:https?|ftp)://([^/\s'\"`:)]+)")
HOST_WORDS = re.compile(r"\b(?:ping|wget|nc|nslookup|curl)\s+(?:-\S+\s+(?:\d+\s+)?)*([a-z0-9-]+(?:\.[a-z0-9-]+)+)\b")
LOCAL = ("127.0.0.1", "localhost", "0.0.0.0")


def code_sources() -> list[tuple[str, str]]:
    """(where, text) for every Python file and notebook code cell of the project."""
    found = []
    for folder in ("dockerlab", "tests", "benchmarks", "notebooks", "tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            # Comment lines are prose (notebook sources keep their markdown there), not code.
            code = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
            found.append((str(path.relative_to(ROOT)), code))
        for nb in sorted((ROOT / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" in nb.parts:
                continue
            for i, cell in enumerate(json.loads(nb.read_text())["cells"]):
                if cell["cell_type"] == "code":
                    found.append((f"{nb.relative_to(ROOT)} cell {i}", "".join(cell["source"])))
    return found


#: Loopback, "any", and the private ranges lab subnets come from (RFC 1918).
LAB_RANGES = [
    ipaddress.ip_network(n) for n in ("127.0.0.0/8", "0.0.0.0/32", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
]


def allowed_address(text: str) -> bool:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return True  # a version number or the like, not an address
    return any(addr in net for net in LAB_RANGES)


def test_sources_were_found():
    where = {w.split("/")[0] for w, _ in code_sources()}
    assert {"dockerlab", "tests"} <= where


def test_no_outside_addresses_in_code():
    bad = [(w, ip) for w, text in code_sources() for ip in IPV4.findall(text) if not allowed_address(ip)]
    assert bad == []


def loopback(host: str) -> bool:
    try:
        return host in LOCAL or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def never_resolves(host: str) -> bool:
    """Names under the special-use domains .test and .invalid (RFC 6761) resolve nowhere: test fixtures may use them.

    >>> never_resolves("mirror.test"), never_resolves("deb.debian.org")
    (True, False)
    """
    return host.rstrip(".").endswith((".test", ".invalid"))


def test_urls_in_code_point_at_loopback():
    bad = [
        (w, host)
        for w, text in code_sources()
        for host in URL.findall(text)
        if not loopback(host) and not never_resolves(host)
    ]
    assert bad == []


def test_probe_commands_name_no_outside_host():
    bad = [(w, host) for w, text in code_sources() for host in HOST_WORDS.findall(text) if host not in LOCAL]
    assert bad == []


def test_scanner_catches_an_outside_target():
    outside_host = ".".join(["www", "outside", "invalid"])  # built here so the scan of this file stays clean
    outside_ip = ".".join(["203", "0", "113", "9"])
    sample = f'lab.exec("a", "ping -c 1 {outside_host}"); url = "{"http"}://{outside_ip}/x"'
    assert HOST_WORDS.findall(sample) == [outside_host]
    assert URL.findall(sample) == [outside_ip]
    assert not allowed_address(outside_ip) and allowed_address("172.17.0.2")
