"""The ``dockerlab`` command: check the set-up, provision the image, list and clean labs.

Subcommands: ``doctor``, ``image``, ``status``, ``clean``, ``matrix``, and for
any containers on the engine (the lab's or not, read only) ``predict``,
``explain``, ``graph``, and ``compose predict|compare`` for a Compose file;
each has ``--help``. Exit codes: 0 all is well, 1 problems found (doctor) or the
operation failed, 2 usage error, 3 no Docker engine answers. Errors are shown
as dockerlab's messages (what went wrong and what to do), never as tracebacks.

Only resources labelled ``dockerlab.lab`` are ever listed or removed; the
analysis commands only read (``--measure`` runs ``ping`` in the containers it
analyses, nothing else).

The package, by concern (this module keeps :func:`main` and the names callers use):

- :mod:`~dockerlab.cli.parser`: the arguments (argparse, in the learner's language);
- :mod:`~dockerlab.cli.doctor`: ``doctor``, what this machine has (or the simulator);
- :mod:`~dockerlab.cli.commands`: ``status``, ``clean``, ``matrix``, ``image``, ``tutorial``;
- :mod:`~dockerlab.cli.analysis`: ``predict``, ``explain``, ``graph``, for any containers;
- :mod:`~dockerlab.cli.compose`: ``compose predict|compare``;
- :mod:`~dockerlab.cli.hosts`: ``hosts up|down|status``, chapter 08's cluster;
- :mod:`~dockerlab.cli.classroom`: ``classroom up|status|progress|down``, a class on one server;
- :mod:`~dockerlab.cli.labs`: the labs an engine holds (:func:`inventory`);
- :mod:`~dockerlab.cli.common`: the exit codes, the output callable, text tables.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dockerlab.cli.analysis import cmd_explain, cmd_graph, cmd_predict
from dockerlab.cli.commands import clean_all, cmd_clean, cmd_image, cmd_matrix, cmd_status, cmd_tutorial
from dockerlab.cli.common import NO_ENGINE, OK, PROBLEMS, USAGE, Out, text_table
from dockerlab.cli.compose import cmd_compose_compare, cmd_compose_predict, export_graph
from dockerlab.cli.doctor import (
    DEFAULT_SOCKET,
    DOCTOR_LAB,
    IDLE_SECONDS,
    Finding,
    check_engine_kind,
    check_image_path,
    check_leftovers,
    check_socket,
    check_subnets,
    cmd_doctor,
    socket_path,
    subnet_clashes,
)
from dockerlab.cli.hosts import cmd_hosts
from dockerlab.cli.labs import LabResources, inventory
from dockerlab.cli.parser import build_parser
from dockerlab.engines import backend
from dockerlab.engines import image as labimage
from dockerlab.engines.client import is_docker_desktop, is_rootless
from dockerlab.errors import DockerlabError, EngineTimeout, EngineUnavailable, InvalidInput
from dockerlab.i18n import _


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dockerlab`` command; return its exit code.

    Parameters
    ----------
    argv:
        The arguments after ``dockerlab`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        :data:`OK`, :data:`PROBLEMS`, :data:`USAGE` or :data:`NO_ENGINE`; 130 when interrupted. A usage
        error and ``--help`` exit through argparse's ``SystemExit`` (2 and 0).
    """
    argv, jupyter = _split_jupyter(list(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)  # exits 2 on a usage error
    if jupyter:
        args.jupyter = jupyter

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        return _run(args, out)
    except InvalidInput as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return USAGE
    except (EngineUnavailable, EngineTimeout) as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return NO_ENGINE
    except DockerlabError as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return PROBLEMS
    except KeyboardInterrupt:
        print(f"dockerlab {args.command}: " + _("interrupted"), file=sys.stderr)
        return 130


def _split_jupyter(argv: list[str]) -> tuple[list[str], list[str]]:
    """``dockerlab tutorial [DIR] -- JUPYTER-ARGS...``: (dockerlab's arguments, JupyterLab's).

    >>> _split_jupyter(["tutorial", "here", "--", "--port", "9999"])
    (['tutorial', 'here'], ['--port', '9999'])
    >>> _split_jupyter(["status", "--", "x"])
    (['status', '--', 'x'], [])
    """
    if argv[:1] == ["tutorial"] and "--" in argv:
        at = argv.index("--")
        return argv[:at], argv[at + 1 :]
    return argv, []


def _run(args: argparse.Namespace, out: Out) -> int:
    """Carry out the parsed command; the engine's client, when it needs one, is made here and closed after.

    The client comes from :func:`dockerlab.engines.backend.choose`: the real engine, or the simulator under
    ``DOCKERLAB_ENGINE=sim``. ``doctor`` and ``tutorial`` take none (the doctor chooses for itself).
    """
    if args.command == "tutorial":
        return cmd_tutorial(args, out)
    if args.run is None:
        return cmd_doctor(args, out)
    if getattr(args, "engine", True) is False:
        return args.run(None, args, out)
    client = backend.choose().client
    try:
        return args.run(client, args, out)
    finally:
        client.close()


__all__ = [
    "DEFAULT_SOCKET",
    "DOCTOR_LAB",
    "IDLE_SECONDS",
    "NO_ENGINE",
    "OK",
    "PROBLEMS",
    "USAGE",
    "Finding",
    "LabResources",
    "Out",
    "backend",
    "build_parser",
    "check_engine_kind",
    "check_image_path",
    "check_leftovers",
    "check_socket",
    "check_subnets",
    "clean_all",
    "cmd_clean",
    "cmd_compose_compare",
    "cmd_compose_predict",
    "cmd_doctor",
    "cmd_explain",
    "cmd_graph",
    "cmd_hosts",
    "cmd_image",
    "cmd_matrix",
    "cmd_predict",
    "cmd_status",
    "cmd_tutorial",
    "export_graph",
    "inventory",
    "is_docker_desktop",
    "is_rootless",
    "labimage",
    "main",
    "socket_path",
    "subnet_clashes",
    "text_table",
]
