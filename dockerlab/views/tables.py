"""Tables of what ``docker inspect`` says: the lab's networks and its containers' addresses.

Pure functions of inspect data (no engine): :meth:`dockerlab.lab.Lab.networks`
and :meth:`dockerlab.lab.Lab.addresses` read the engine, these lay it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dockerlab import model
from dockerlab.i18n import N_, _

NETWORK_COLUMNS = ["name", "driver", "subnet", "gateway", "internal", "lab"]
ADDRESS_COLUMNS = ["container", "network", "ip", "gateway", "mac"]
#: The columns whose header is translated when shown (:func:`header`). In English a header stays the column's
#: own name, as code reads it.
HEADERS = (
    N_("name"),
    N_("driver"),
    N_("subnet"),
    N_("gateway"),
    N_("internal"),
    N_("lab"),
    N_("container"),
    N_("network"),
    N_("ip"),
    N_("mac"),
    N_("interface"),
    N_("bridge"),
    N_("label"),
    N_("host_label"),
    N_("host"),
    N_("address"),
    N_("role"),
    N_("state"),
    N_("outer_src"),
    N_("outer_dst"),
    N_("udp_port"),
    N_("inner_src"),
    N_("inner_dst"),
    N_("inner"),
    N_("source"),
    N_("target"),
)
#: Docker's own networks come first, in ``docker network ls``'s usual order.
_FIRST = {"bridge": 0, "host": 1, "none": 2}


def networks_table(networks: Iterable[dict[str, Any]], lab: str, label: str) -> pd.DataFrame:
    """``docker network ls`` for one lesson: Docker's own networks, then the lab's (by ``label=lab``), by name.

    >>> nets = [{"Name": "n1", "Driver": "bridge", "Labels": {"dockerlab.lab": "l"},
    ...          "IPAM": {"Config": [{"Subnet": "10.1.0.0/24", "Gateway": "10.1.0.1"}]}},
    ...         {"Name": "host", "Driver": "host"}, {"Name": "theirs", "Driver": "bridge"}]
    >>> networks_table(nets, "l", "dockerlab.lab")[["name", "driver", "lab"]].values.tolist()
    [['host', 'host', False], ['n1', 'bridge', True]]
    """
    rows = []
    for attrs in networks:
        ours = (attrs.get("Labels") or {}).get(label) == lab
        if not ours and attrs.get("Name") not in model.PREDEFINED_NETWORKS:
            continue
        subnet, gateway = model.ipam(attrs)
        rows.append(
            {
                "name": attrs.get("Name"),
                "driver": attrs.get("Driver"),
                "subnet": subnet,
                "gateway": gateway,
                "internal": bool(attrs.get("Internal")),
                "lab": ours,
            }
        )
    rows.sort(key=lambda r: (_FIRST.get(str(r["name"]), 3), str(r["name"])))
    return pd.DataFrame(rows, columns=NETWORK_COLUMNS)


def addresses_table(containers: Iterable[model.ContainerInfo]) -> pd.DataFrame:
    """One row per (container, network): ip, gateway, mac; a container on no network has one empty row.

    >>> box = model.ContainerInfo("a", "", "running", {"bridge": model.Endpoint("bridge", "172.17.0.2", None, None)})
    >>> addresses_table([box]).values.tolist()
    [['a', 'bridge', '172.17.0.2', None, None]]
    """
    rows = []
    for c in containers:
        if not c.endpoints:
            rows.append({"container": c.name, "network": None, "ip": None, "gateway": None, "mac": None})
        for ep in c.endpoints.values():
            rows.append({"container": c.name, "network": ep.network, "ip": ep.ip, "gateway": ep.gateway, "mac": ep.mac})
    return pd.DataFrame(rows, columns=ADDRESS_COLUMNS)


def header(column: object) -> str:
    """A column's header in the learner's language; the frame keeps its English name, which code uses.

    >>> from dockerlab.i18n import language
    >>> with language("zh-CN"):
    ...     header("subnet"), header("mystery")
    ('子网', 'mystery')
    """
    name = str(column)
    return _(name) if name in HEADERS else name


__all__ = ["ADDRESS_COLUMNS", "HEADERS", "NETWORK_COLUMNS", "addresses_table", "header", "networks_table"]
