"""The bridge driver's option keys (``docker network create -o KEY=VALUE``), written once.

Every module that sets, reads or shows one of these keys names it from here:
the lab's ``docker network create``, the model's rules (ICC, device names), the
simulator's inspect data and Compose's ``driver_opts``.

>>> icc_enabled({ENABLE_ICC: "false"}), icc_enabled({})
(False, True)
>>> flag(ENABLE_ICC, "false")
'com.docker.network.bridge.enable_icc=false'
"""

from __future__ import annotations

from collections.abc import Mapping

#: Whether containers on the bridge may talk to each other (inter-container communication).
ENABLE_ICC = "com.docker.network.bridge.enable_icc"
#: The Linux bridge device's name (``docker0`` for Docker's default bridge).
BRIDGE_NAME = "com.docker.network.bridge.name"
#: Set on Docker's default ``bridge`` network only.
DEFAULT_BRIDGE = "com.docker.network.bridge.default_bridge"


def icc_enabled(options: Mapping[str, object] | None) -> bool:
    """Whether a bridge's options leave ICC on (Docker's default: anything but ``"false"``)."""
    return str((options or {}).get(ENABLE_ICC, "true")) != "false"


def bridge_name(options: Mapping[str, object] | None) -> str | None:
    """The bridge device a network's options name, if they name one."""
    named = (options or {}).get(BRIDGE_NAME)
    return str(named) if named else None


def flag(key: str, value: str) -> str:
    """``KEY=VALUE``, as ``docker network create -o`` takes it."""
    return f"{key}={value}"


__all__ = ["BRIDGE_NAME", "DEFAULT_BRIDGE", "ENABLE_ICC", "bridge_name", "flag", "icc_enabled"]
