"""The ``dockerlab`` command's arguments: argparse's declarations, its own words in the learner's language."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, TypeAlias

from dockerlab.cli.analysis import cmd_explain, cmd_graph, cmd_predict
from dockerlab.cli.classroom import cmd_classroom
from dockerlab.cli.commands import cmd_clean, cmd_image, cmd_matrix, cmd_status
from dockerlab.cli.compose import cmd_compose_compare, cmd_compose_predict
from dockerlab.cli.doctor import IDLE_SECONDS
from dockerlab.cli.hosts import cmd_hosts
from dockerlab.engines import image as labimage
from dockerlab.errors import InvalidInput
from dockerlab.i18n import _
from dockerlab.teaching import tutorial
from dockerlab.version import __version__


def _lab_name(value: str) -> str:
    """A valid lab name, or argparse's usage error saying why not."""
    from dockerlab.lab import validate

    try:
        return validate.lab_name(value)
    except InvalidInput as e:
        raise argparse.ArgumentTypeError(str(e)) from e


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its "usage: " in the learner's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """argparse's usage line, headed by "usage: " in the learner's language unless ``prefix`` is given."""
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose own words (usage, the group titles, -h) follow the learner's language too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))


#: What ``add_subparsers`` returns: its ``add_parser`` makes one subcommand (a :class:`_Parser` too).
Subparsers: TypeAlias = "argparse._SubParsersAction[_Parser]"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dockerlab`` command.

    Each subcommand's parser sets ``run``, the function that carries it out
    (None for ``doctor`` and ``tutorial``, which need no client from
    :func:`dockerlab.engines.backend.choose`), and ``engine=False`` for one that needs no engine at all.

    Returns
    -------
    argparse.ArgumentParser
        Its usage, group titles and ``-h`` in the learner's language, as the rest of its help.
    """
    parser = _Parser(
        prog="dockerlab",
        description=_(
            "How Docker containers talk to each other: check the set-up, provision the lab image, "
            "list, probe and clean labs. Only resources labelled dockerlab.lab are touched."
        ),
        epilog=_(
            "Exit codes: 0 ok, 1 problems found or the operation failed, 2 usage error, 3 no Docker engine answers."
        ),
    )
    parser.add_argument("--version", action="version", version=f"dockerlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_doctor(sub)
    _add_image(sub)
    _add_status(sub)
    _add_clean(sub)
    _add_matrix(sub)
    _add_tutorial(sub)
    _add_hosts(sub)
    _add_classroom(sub)
    _add_predict(sub)
    _add_explain(sub)
    _add_graph(sub)
    _add_compose(sub)
    return parser


def _add_doctor(sub: Subparsers) -> None:
    """``dockerlab doctor``: no options."""
    p = sub.add_parser(
        "doctor",
        help=_("check the engine, socket, lab image, leftover labs and subnet clashes"),
        description=_(
            "Check that everything the tutorial needs is in place; print each problem with its fix. "
            "Exit 0 when all is well, 1 when a problem is found, 3 when no engine answers. A lab "
            "where nothing has run for {seconds:g} s counts as left over. On Docker Desktop or "
            "a rootless engine it notes what the lessons' host-side views show there."
        ).format(seconds=IDLE_SECONDS)
        + " "
        + _(
            "On dockerlab's simulator (DOCKERLAB_ENGINE=sim) it checks no socket, engine or image: it reports "
            "the simulator and what it cannot show."
        ),
    )
    p.set_defaults(run=None)


def _add_image(sub: Subparsers) -> None:
    """``dockerlab image [--busybox PATH | --pull] [--registry R] [--digest D]``."""
    p = sub.add_parser(
        "image",
        help=_("provision the lab image (built offline; pulled only with --pull)"),
        description=_(
            "Make sure {image} is on the engine: reuse it, or build it from this machine's static busybox "
            "(Debian's busybox-static). Never pulls unless --pull is given: then Docker's busybox is pulled, "
            "pinned by digest (a multi-arch index: the engine takes its own architecture), and the lab image "
            "is built on it."
        ).format(image=labimage.IMAGE),
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--busybox", metavar="PATH", help=_("the static busybox binary to build from"))
    how.add_argument(
        "--pull",
        action="store_true",
        help=_("pull busybox by digest and build on it (for macOS, Windows, Apple silicon)"),
    )
    p.add_argument(
        "--registry",
        metavar="HOST[:PORT]",
        help=_("the registry to pull from with --pull (default: $DOCKERLAB_REGISTRY, else docker.io)"),
    )
    p.add_argument(
        "--digest",
        metavar="sha256:...",
        help=_("the image index to pull with --pull (default: $DOCKERLAB_BUSYBOX_DIGEST, else dockerlab's pin)"),
    )
    p.set_defaults(run=cmd_image)


def _add_status(sub: Subparsers) -> None:
    """``dockerlab status [LAB]``."""
    p = sub.add_parser(
        "status",
        help=_("this engine's labs with their containers and networks"),
        description=_(
            "List the labs on this engine (resources labelled dockerlab.lab) with their containers "
            "and networks, as tables."
        ),
    )
    p.add_argument("lab", nargs="?", type=_lab_name, metavar="LAB", help=_("show only this lab"))
    p.set_defaults(run=cmd_status)


def _add_clean(sub: Subparsers) -> None:
    """``dockerlab clean LAB | --all [--dry-run]``."""
    p = sub.add_parser(
        "clean",
        help=_("remove one lab's resources, or every lab's (--all)"),
        description=_(
            "Remove a lab's containers and networks, selected by their dockerlab.lab label only; "
            "with --all, every resource carrying that label, and nothing else."
        ),
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("lab", nargs="?", type=_lab_name, metavar="LAB", help=_("the lab to remove"))
    which.add_argument("--all", action="store_true", help=_("every lab on this engine"))
    p.add_argument("--dry-run", "-n", action="store_true", help=_("list what would be removed, remove nothing"))
    p.set_defaults(run=cmd_clean)


def _add_matrix(sub: Subparsers) -> None:
    """``dockerlab matrix LAB [--by name|ip]``."""
    p = sub.add_parser(
        "matrix",
        help=_("probe who reaches whom in a lab and print the grid"),
        description=_(
            "Ping from every container of LAB to every other one and print the reachability matrix "
            "(✓ reaches, ✗ does not)."
        ),
    )
    p.add_argument("lab", type=_lab_name, metavar="LAB", help=_("the lab to probe"))
    p.add_argument("--by", choices=["name", "ip"], default="name", help=_("ping by container name (default) or by IP"))
    p.set_defaults(run=cmd_matrix)


def _add_tutorial(sub: Subparsers) -> None:
    """``dockerlab tutorial [DIR] [--lang L] [--teacher] [--force] [--no-browser] [--copy-only] [-- ARGS...]``."""
    p = sub.add_parser(
        "tutorial",
        help=_("copy the notebooks into a folder and open JupyterLab there"),
        description=_(
            "Copy the learner's copy of the series (every language edition) and the exercises into DIR: no "
            "outputs, and blanks (...) in each prediction for you to fill in. Then open JupyterLab there, quietly "
            "(no news, no update check, loopback only). A notebook you changed is never replaced unless --force "
            "is given. Arguments after -- go to `jupyter lab`."
        ),
    )
    p.add_argument(
        "dir", nargs="?", default=tutorial.DEFAULT_DIR, metavar="DIR", help=_("default: ./dockerlab-tutorial")
    )
    p.add_argument(
        "--lang",
        metavar="LANG",
        help=_(
            "en or zh-CN: open that edition, with JupyterLab's interface in its language "
            "(default: dockerlab's language, from DOCKERLAB_LANG or the locale)"
        ),
    )
    p.add_argument(
        "--teacher",
        action="store_true",
        help=_("for a teacher: the executed reference notebooks and the exercises' solutions, not the learner's copy"),
    )
    p.add_argument("--force", action="store_true", help=_("replace the notebooks you changed with the originals"))
    p.add_argument("--no-browser", action="store_true", help=_("start JupyterLab without opening a browser"))
    p.add_argument("--copy-only", action="store_true", help=_("copy, print the JupyterLab command, start nothing"))
    p.set_defaults(run=None, jupyter=[])


def _add_hosts(sub: Subparsers) -> None:
    """``dockerlab hosts up|down|status``."""
    p = sub.add_parser(
        "hosts",
        help=_("chapter 08's cluster: three extra engines joined by Docker Swarm (root on Linux)"),
        description=_(
            "Bring up, tear down or show the cluster of chapter 08: three extra dockerd, each in its own network "
            "namespace under /run/dockerlab/hosts, joined by Docker Swarm. The main engine never joins a swarm. "
            "'down' removes everything the cluster made, also after an interrupted 'up'."
        ),
    )
    p.add_argument("action", choices=["up", "down", "status"], help=_("what to do"))
    p.set_defaults(run=cmd_hosts)


def _add_classroom(sub: Subparsers) -> None:
    """``dockerlab classroom up|status|progress|down``."""
    p = sub.add_parser(
        "classroom",
        help=_("a class on one server: JupyterHub and a rootless engine per learner (root on Linux)"),
        description=_(
            "As root: 'up' makes a Unix user per learner and starts JupyterHub, which starts each learner's "
            "server and rootless Docker engine at login; 'status' and 'progress' show the learners, 'down' stops "
            "everything ('--purge' also removes the learners' users and homes)."
        ),
    )
    p.add_argument("action", choices=["up", "status", "progress", "down"], help=_("what to do"))
    p.add_argument("--learners", type=int, metavar="N", help=_("up: N learners, learner01 to learnerNN"))
    p.add_argument("--class-list", metavar="FILE", help=_("up: one learner a line, 'name' or 'name password'"))
    p.add_argument("--port", type=int, default=8000, help=_("up: JupyterHub's port (default: 8000)"))
    p.add_argument("--ip", default="127.0.0.1", help=_("up: the address JupyterHub binds (default: 127.0.0.1)"))
    p.add_argument("--lang", default="en", choices=["en", "zh-CN"], help=_("up: the learners' language"))
    p.add_argument("--json", action="store_true", help=_("status, progress: as JSON"))
    p.add_argument("--purge", action="store_true", help=_("down: also remove the learners' users and homes"))
    p.set_defaults(run=cmd_classroom, engine=False)


def _add_predict(sub: Subparsers) -> None:
    """``dockerlab predict [selection] [--also NAME...] [--measure] [--explain] [--format text|json]``."""
    p = sub.add_parser(
        "predict",
        help=_("predict who reaches whom among any containers (read only)"),
        description=_(
            "Predict the reachability matrix of containers on this engine from their inspect data and "
            "/etc/hosts (read through the archive API, never exec). --measure also pings between the "
            "running ones and puts both side by side (exit 1 when they differ)."
        )
        + " "
        + _read_only(),
    )
    _add_selection(p)
    p.add_argument(
        "--also",
        nargs="*",
        default=[],
        metavar="NAME",
        help=_("more names to ping by (aliases, Compose service names)"),
    )
    p.add_argument("--measure", action="store_true", help=_("ping too (runs ping in the running containers)"))
    p.add_argument("--explain", action="store_true", help=_("explain every pair"))
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
    p.set_defaults(run=cmd_predict)


def _add_explain(sub: Subparsers) -> None:
    """``dockerlab explain SOURCE TARGET [selection] [--format text|json]``."""
    p = sub.add_parser(
        "explain",
        help=_("why one container can or cannot reach another (read only)"),
        description=_(
            "Explain, from the engine's state alone, whether SOURCE reaches TARGET (a name it would "
            "ping, or by IP an address), and by which rule."
        )
        + " "
        + _read_only(),
    )
    p.add_argument("source", metavar="SOURCE", help=_("the container that pings"))
    p.add_argument("target", metavar="TARGET", help=_("the name or address it pings"))
    _add_selection(p, names=False)
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
    p.set_defaults(run=cmd_explain)


def _add_graph(sub: Subparsers) -> None:
    """``dockerlab graph [selection] -o FILE [--format F] [--measure]``."""
    p = sub.add_parser(
        "graph",
        help=_("draw who reaches whom: PNG, SVG, DOT, Mermaid or JSON"),
        description=_(
            "Draw the predicted (or, with --measure, measured) reachability of containers on this "
            "engine into FILE; the format comes from its extension (.png, .svg, .dot, .mmd, .json) "
            "or --format."
        )
        + " "
        + _read_only(),
    )
    _add_selection(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument("--format", choices=["png", "svg", "dot", "mermaid", "json"], help=_("the format of FILE"))
    p.add_argument("--measure", action="store_true", help=_("draw the measured matrix (runs ping)"))
    p.set_defaults(run=cmd_graph)


def _add_compose(sub: Subparsers) -> None:
    """``dockerlab compose predict|compare FILE [-p P] [--profile PROFILE]``."""
    p = sub.add_parser(
        "compose",
        help=_("a Compose file: predict before it runs, compare after `up`"),
        description=_(
            "Predict who would reach whom from a Compose file before it runs (its canonical form comes "
            "from `docker compose config`), and compare with the measurement after `docker compose up`."
        ),
    )
    csub = p.add_subparsers(dest="compose_command", metavar="ACTION", required=True)
    for action, helptext in (
        ("predict", _("the matrix by container and service name, with an explanation per pair (no engine needed)")),
        ("compare", _("after `docker compose up`: predicted and measured side by side (exit 1 when they differ)")),
    ):
        q = csub.add_parser(action, help=helptext, description=helptext)
        q.add_argument("file", metavar="FILE", help=_("the Compose file"))
        q.add_argument("--project-name", "-p", metavar="P", help=_("the project name (default: Compose's)"))
        q.add_argument("--profile", action="append", metavar="PROFILE", help=_("a Compose profile to enable"))
        if action == "predict":
            q.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
            q.add_argument("-o", "--output", metavar="FILE", help=_("also draw it (.png, .svg, .dot, .mmd)"))
            q.add_argument("--quiet", "-q", action="store_true", help=_("the matrix only, no explanations"))
            q.set_defaults(run=cmd_compose_predict, engine=False)
        else:
            q.set_defaults(run=cmd_compose_compare)


def _add_selection(p: argparse.ArgumentParser, names: bool = True) -> None:
    """The options that choose containers: ``--project``, ``--label``, the NAMEs (with ``names``), ``--by``."""
    which = p.add_mutually_exclusive_group()
    which.add_argument("--project", "-p", metavar="P", help=_("the containers of Compose project P"))
    which.add_argument("--label", "-l", metavar="KEY[=VALUE]", help=_("the containers carrying this label"))
    if names:
        p.add_argument("names", nargs="*", metavar="NAME", help=_("these containers (default: every one)"))
    p.add_argument("--by", choices=["name", "ip"], default="name", help=_("by container name (default) or by IP"))


def _read_only() -> str:
    """The sentence the descriptions of ``predict``, ``explain`` and ``graph`` end with."""
    return _("Reads any containers on the engine, the lab's or not, and changes nothing.")
