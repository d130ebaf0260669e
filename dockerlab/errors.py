"""Exceptions raised by dockerlab.

Every error the package raises derives from :class:`DockerlabError`, and each
message says what to do next, in the learner's language (:mod:`dockerlab.i18n`).
Raw ``docker`` or ``requests`` exceptions never escape a public call: they are
translated here and chained with ``from``.
"""

from __future__ import annotations

from collections.abc import Callable

#: How a message reaches the learner's language. dockerlab.i18n imports this module (for
#: InvalidInput), so this one cannot import it: i18n installs its ``_`` here when it is imported,
#: which ``import dockerlab`` always does. Until then messages stay in English.
_translate: Callable[[str], str] = str


def use_translation(translate: Callable[[str], str]) -> None:
    """Translate the messages of the exceptions below with ``translate`` (called by dockerlab.i18n)."""
    global _translate
    _translate = translate


def _(message: str) -> str:
    """``message`` in the learner's language, as :func:`dockerlab.i18n._` gives it."""
    return _translate(message)


class DockerlabError(Exception):
    """Base class of every error raised by dockerlab."""


class EngineUnavailable(DockerlabError):
    """No Docker engine answers."""

    def __init__(self, detail: str = "") -> None:
        lines = [_("No Docker engine answers.")]
        if detail:
            lines.append("  " + _("The client said: {detail}").format(detail=detail))
        lines += [
            "  " + _("What to do:"),
            "  - " + _("Docker Desktop (Windows, macOS): start Docker Desktop and wait until it says it is running."),
            "  - " + _("Linux: start the service (`sudo systemctl start docker`), or on Debian/Ubuntu without Docker"),
            "    " + _("run `sudo scripts/ensure-engine.sh` from this repository."),
            "  - " + _("'Permission denied' on /var/run/docker.sock: add yourself to the docker group"),
            "    " + _("(`sudo usermod -aG docker $USER`, then log in again). That group is root-equivalent."),
            "  - " + _("A remote engine: set DOCKER_HOST (for example DOCKER_HOST=ssh://user@host)."),
        ]
        super().__init__("\n".join(lines))


class EngineTimeout(DockerlabError):
    """The engine accepted the request but did not answer in time."""

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(
            _(
                "The Docker engine did not answer {operation} within {seconds} s. It may be overloaded or stuck: "
                "check `docker info`, restart the engine if it hangs, then run the cell again (lab.reset() starts "
                "the lab afresh)."
            ).format(operation=operation, seconds=f"{seconds:g}")
        )


class EngineError(DockerlabError):
    """The engine refused an operation; the message carries its explanation."""


class InvalidInput(DockerlabError, ValueError):
    """An argument was refused before the engine was touched."""


class PredictionMissing(InvalidInput):
    """A prediction (``mine``) still has blanks (``...``): the learner is asked to write it first.

    Raised before anything is measured. In a notebook it shows as its message alone, without a
    traceback (IPython calls :meth:`_render_traceback_`), so "Run All" stops at the first
    unanswered prediction with a short request. ``blank`` holds the pairs still blank.
    """

    def __init__(self, blank: list[tuple[str, str]], name: str = "mine") -> None:
        pairs = ", ".join(f"{s} → {t}" for s, t in blank)
        lines = [
            _("Write your prediction first: `{name}` still has blanks (...).").format(name=name),
            _(
                "Replace each ... in the cell that sets `{name}` with True (reaches) or False (does not), "
                "run that cell, then this one again."
            ).format(name=name),
        ]
        if pairs:
            lines.append(_("Still blank: {pairs}").format(pairs=pairs))
        super().__init__("\n".join(lines))
        self.blank = blank

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: the message, line by line."""
        return str(self).splitlines()


class UnknownContainer(DockerlabError, LookupError):
    """A container name that is not one of the lab's containers."""

    def __init__(self, name: str, lab: str, known: list[str]) -> None:
        have = ", ".join(sorted(known)) or _("none yet")
        super().__init__(
            _("Lab {lab} has no container named {name} (it has: {have}). Create it with {command}.").format(
                lab=repr(lab), name=repr(name), have=have, command=f"lab.run({name!r})"
            )
        )


class UnknownNetwork(DockerlabError, LookupError):
    """A network name that is neither the lab's nor one of Docker's own."""

    def __init__(self, name: str, lab: str, known: list[str]) -> None:
        have = ", ".join(sorted(known))
        super().__init__(
            _("Lab {lab} has no network named {name} (usable here: {have}). Create it with {command}.").format(
                lab=repr(lab), name=repr(name), have=have, command=f"lab.network({name!r})"
            )
        )


class NameConflict(DockerlabError):
    """A container or network name is taken by something this lab does not own."""

    def __init__(self, kind: str, name: str, owner: str, free_command: str) -> None:
        # i18n: {kind} is "container" or "network", as the caller says it.
        super().__init__(
            _(
                "A {kind} named {name} already exists and belongs to {owner}, so this lab will neither reuse nor "
                "remove it. Choose another name, or free the name yourself if you no longer need it: `{command}`"
            ).format(kind=_(kind), name=repr(name), owner=owner, command=free_command)
        )


class SubnetOverlap(DockerlabError):
    """An explicit subnet clashes with a Docker network or a route of the engine's host."""

    def __init__(self, subnet: str, clashes: list[str], suggestion: str | None) -> None:
        text = _(
            "Subnet {subnet} overlaps {clashes}. Docker would accept it, but containers on it could no longer reach "
            "the overlapping addresses (and a clash with the host's own network cuts the host off them)."
        ).format(subnet=subnet, clashes="; ".join(clashes))
        if suggestion:
            text += _(" A free subnet of the same size: {suggestion} (lab.free_subnet() finds one).").format(
                suggestion=suggestion
            )
        super().__init__(text)
        self.subnet = subnet
        self.clashes = clashes
        self.suggestion = suggestion


class ImageMissing(DockerlabError):
    """The lab image is not on the engine, and dockerlab never pulls implicitly."""


class ImageBuildError(DockerlabError):
    """The lab image could not be provisioned."""


class ImagePullError(ImageBuildError):
    """The consented pull of the lab image's base failed; nothing of it was kept."""


class LinkUnsupported(DockerlabError):
    """The engine refused a legacy --link."""

    def __init__(self, detail: str, *, podman: bool = False) -> None:
        if podman:  # said before the engine is asked: Podman never had --link
            DockerlabError.__init__(
                self,
                _(
                    "Podman has no --link (its engine answers: bad parameter: link is not supported), so this "
                    "container was not started. A user-defined network gives names in both directions, through "
                    "Podman's DNS server aardvark-dns: lab.network('myBridge') and "
                    "lab.run(name, network='myBridge') for both containers."
                ),
            )
            return
        super().__init__(
            _(
                "This engine refused the legacy --link option ({detail}). --link is deprecated and newer engines "
                "drop it on the default bridge. Use a user-defined network instead: lab.network('myBridge') and "
                "lab.run(name, network='myBridge') give names in both directions through Docker's embedded DNS."
            ).format(detail=detail)
        )


class ProbeError(DockerlabError):
    """A probe could not be run at all (as opposed to a ping that failed)."""


class NotReady(DockerlabError):
    """A service did not answer within its readiness bound."""

    def __init__(self, what: str, seconds: float, last: str) -> None:
        super().__init__(
            _(
                "{what} did not answer within {seconds} s (last attempt: {last}). Check that its container runs "
                "(lab.containers, lab[name].status) and listens on that port, then run the cell again."
            ).format(what=what, seconds=f"{seconds:g}", last=last)
        )


class NeedsEngine(DockerlabError):
    """Something only a real engine has (kernel interfaces, such as veth pairs) was asked of the simulator."""


class ClusterError(DockerlabError):
    """The cluster of extra engines (:mod:`dockerlab.engines.hosts`) could not be brought up, or went wrong."""


class ClusterUnavailable(ClusterError):
    """Extra engines cannot be started on this machine (not Linux, not root, a tool missing).

    The message (written by :func:`dockerlab.engines.hosts.missing_tools`'s caller, in the learner's language) says what
    is missing and what to use instead.
    """

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


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
