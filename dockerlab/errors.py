"""Exceptions raised by dockerlab.

Every error the package raises derives from :class:`DockerlabError`, and each
message says what to do next. Raw ``docker`` or ``requests`` exceptions never
escape a public call: they are translated here and chained with ``from``.
"""

from __future__ import annotations


class DockerlabError(Exception):
    """Base class of every error raised by dockerlab."""


class EngineUnavailable(DockerlabError):
    """No Docker engine answers."""

    def __init__(self, detail: str = "") -> None:
        lines = ["No Docker engine answers."]
        if detail:
            lines.append(f"  The client said: {detail}")
        lines += [
            "  What to do:",
            "  - Docker Desktop (Windows, macOS): start Docker Desktop and wait until it says it is running.",
            "  - Linux: start the service (`sudo systemctl start docker`), or on Debian/Ubuntu without Docker",
            "    run `sudo scripts/ensure-engine.sh` from this repository.",
            "  - 'Permission denied' on /var/run/docker.sock: add yourself to the docker group",
            "    (`sudo usermod -aG docker $USER`, then log in again). That group is root-equivalent.",
            "  - A remote engine: set DOCKER_HOST (for example DOCKER_HOST=ssh://user@host).",
        ]
        super().__init__("\n".join(lines))


class EngineTimeout(DockerlabError):
    """The engine accepted the request but did not answer in time."""

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(
            f"The Docker engine did not answer {operation!s} within {seconds:g} s. "
            "It may be overloaded or stuck: check `docker info`, restart the engine if it hangs, "
            "then run the cell again (lab.reset() starts the lab afresh)."
        )


class EngineError(DockerlabError):
    """The engine refused an operation; the message carries its explanation."""


class InvalidInput(DockerlabError, ValueError):
    """An argument was refused before the engine was touched."""


class UnknownContainer(DockerlabError, LookupError):
    """A container name that is not one of the lab's containers."""

    def __init__(self, name: str, lab: str, known: list[str]) -> None:
        have = ", ".join(sorted(known)) or "none yet"
        super().__init__(
            f"Lab {lab!r} has no container named {name!r} (it has: {have}). Create it with lab.run({name!r})."
        )


class UnknownNetwork(DockerlabError, LookupError):
    """A network name that is neither the lab's nor one of Docker's own."""

    def __init__(self, name: str, lab: str, known: list[str]) -> None:
        have = ", ".join(sorted(known))
        super().__init__(
            f"Lab {lab!r} has no network named {name!r} (usable here: {have}). Create it with lab.network({name!r})."
        )


class NameConflict(DockerlabError):
    """A container or network name is taken by something this lab does not own."""

    def __init__(self, kind: str, name: str, owner: str, free_command: str) -> None:
        super().__init__(
            f"A {kind} named {name!r} already exists and belongs to {owner}, so this lab will "
            f"neither reuse nor remove it. Choose another name, or free the name yourself if "
            f"you no longer need it: `{free_command}`"
        )


class SubnetOverlap(DockerlabError):
    """An explicit subnet clashes with a Docker network or a route of the engine's host."""

    def __init__(self, subnet: str, clashes: list[str], suggestion: str | None) -> None:
        text = f"Subnet {subnet} overlaps " + "; ".join(clashes) + "."
        text += (
            " Docker would accept it, but containers on it could no longer reach the overlapping"
            " addresses (and a clash with the host's own network cuts the host off them)."
        )
        if suggestion:
            text += f" A free subnet of the same size: {suggestion} (lab.free_subnet() finds one)."
        super().__init__(text)
        self.subnet = subnet
        self.clashes = clashes
        self.suggestion = suggestion


class ImageMissing(DockerlabError):
    """The lab image is not on the engine, and dockerlab never pulls implicitly."""


class ImageBuildError(DockerlabError):
    """The lab image could not be provisioned."""


class LinkUnsupported(DockerlabError):
    """The engine refused a legacy --link."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "This engine refused the legacy --link option "
            f"({detail}). --link is deprecated and newer engines drop it on the default bridge. "
            "Use a user-defined network instead: lab.network('myBridge') and "
            "lab.run(name, network='myBridge') give names in both directions through Docker's "
            "embedded DNS."
        )


class ProbeError(DockerlabError):
    """A probe could not be run at all (as opposed to a ping that failed)."""


class NotReady(DockerlabError):
    """A service did not answer within its readiness bound."""

    def __init__(self, what: str, seconds: float, last: str) -> None:
        super().__init__(
            f"{what} did not answer within {seconds:g} s (last attempt: {last}). "
            "Check that its container runs (lab.containers, lab[name].status) and listens on that port, "
            "then run the cell again."
        )


class NeedsEngine(DockerlabError):
    """Something only a real engine has (kernel interfaces, such as veth pairs) was asked of the simulator."""


class ContainerNotFound(DockerlabError, LookupError):
    """A container named for analysis is not on the engine (analysis reads any container, the lab's or not)."""


class ComposeFileError(DockerlabError, ValueError):
    """A Compose file that is not valid YAML or not valid Compose; the message names the file and line.

    ``path`` and ``line`` (1-based, None when unknown) say where.
    """

    def __init__(self, message: str, path: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


class ComposeUnknownNetwork(ComposeFileError):
    """A service names a network the Compose file does not declare."""
