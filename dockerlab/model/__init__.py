"""The model of Docker's networking rules: the bottom layer, no I/O, no docker-py.

- :mod:`~dockerlab.model.state`: the engine's state parsed once from inspect
  data (networks, endpoints, links, hosts files) and every rule over it
  (embedded DNS, links, isolation, ICC, internal, host and none, bridge
  device names, IPAM pools).
- :mod:`~dockerlab.model.releases`: what differs between engine releases.
- :mod:`~dockerlab.model.subnets`: Docker's default address pools, overlaps,
  the first free range, a bridge's first-host gateway.
- :mod:`~dockerlab.model.refusals`: what Docker refuses, in its own words
  (asked by the lab before the engine, and by the simulator).
- :mod:`~dockerlab.model.options`: the bridge driver's option keys.
- :mod:`~dockerlab.model.predict`: predict and explain reachability from a state.

``predict``, ``explain``, the simulator and the exercises' feedback all ask
this package; none of them restates a rule.
"""

from __future__ import annotations

from dockerlab.model.predict import Explanation, checked_by, explain_state, mark_down, mismatches, predict_state
from dockerlab.model.releases import DEFAULT_VERSION, Release, engine_of
from dockerlab.model.state import (
    BRIDGE_MODES,
    CONTAINER_NAME,
    DEFAULT_BRIDGE_DEVICE,
    EMBEDDED_DNS,
    PREDEFINED_NETWORKS,
    RESTRICTED_NAME_CHARS,
    Box,
    ContainerInfo,
    Endpoint,
    Net,
    State,
    box_from_attrs,
    bridge_device,
    default_as_bridge,
    has_label,
    ipam,
    ipv4_pools,
    is_ipv4,
    net_from_attrs,
    parse_hosts,
    parse_links,
    split_link,
    state_from_inspect,
)

__all__ = [
    "BRIDGE_MODES",
    "CONTAINER_NAME",
    "DEFAULT_BRIDGE_DEVICE",
    "DEFAULT_VERSION",
    "EMBEDDED_DNS",
    "PREDEFINED_NETWORKS",
    "RESTRICTED_NAME_CHARS",
    "Box",
    "ContainerInfo",
    "Endpoint",
    "Explanation",
    "Net",
    "Release",
    "State",
    "box_from_attrs",
    "bridge_device",
    "checked_by",
    "default_as_bridge",
    "engine_of",
    "explain_state",
    "has_label",
    "ipam",
    "ipv4_pools",
    "is_ipv4",
    "mark_down",
    "mismatches",
    "net_from_attrs",
    "parse_hosts",
    "parse_links",
    "predict_state",
    "split_link",
    "state_from_inspect",
]
