"""``dockerlab status``, ``clean``, ``matrix``, ``image`` and ``tutorial``: the lab's own subcommands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dockerlab import model
from dockerlab.cli.common import OK, PROBLEMS, Out, text_table
from dockerlab.cli.labs import LabResources, inventory
from dockerlab.engines import image as labimage
from dockerlab.engines import pull as registry_pull
from dockerlab.engines.client import remove_labelled
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import DockerlabError, EngineError
from dockerlab.i18n import _, get_language, ngettext
from dockerlab.lab import LAB_LABEL, Lab
from dockerlab.teaching import tutorial
from dockerlab.views import display
from dockerlab.views.progress import ProgressBar


def cmd_status(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Print this engine's labs, their containers and networks, as tables.

    Parameters
    ----------
    client:
        The engine.
    args:
        ``lab``: show only this lab (None: every one).
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`, also when there is no lab to show (it says so).
    """
    labs = inventory(client)
    if args.lab is not None:
        labs = {k: v for k, v in labs.items() if k == args.lab}
    if not labs:
        if args.lab:
            out(_("No dockerlab lab named {lab} on this engine.").format(lab=repr(args.lab)))
        else:
            out(_("No dockerlab lab on this engine."))
        return OK
    crows, nrows = _container_rows(labs), _network_rows(labs)
    out(
        ngettext(
            "{n} lab on this engine (label {label}).", "{n} labs on this engine (label {label}).", len(labs)
        ).format(n=len(labs), label=LAB_LABEL)
    )
    if crows:
        out("")
        out(text_table([_("LAB"), _("CONTAINER"), _("STATUS"), _("NETWORKS AND ADDRESSES")], crows))
    if nrows:
        out("")
        columns = [_("LAB"), _("NETWORK"), _("DRIVER"), _("SUBNET"), _("GATEWAY"), _("CONTAINERS")]
        out(text_table(columns, nrows))
    return OK


def _container_rows(labs: dict[str, LabResources]) -> list[list[str]]:
    """One row per container: lab, name, status, and each network with the container's address there."""
    rows = []
    for lab in labs.values():
        for c in lab.containers:
            nets = (c.attrs.get("NetworkSettings") or {}).get("Networks") or {}
            where = ", ".join(f"{n} {ep.get('IPAddress')}" if ep.get("IPAddress") else n for n, ep in nets.items())
            rows.append([lab.name, c.name, c.status, where or "-"])
    return rows


def _network_rows(labs: dict[str, LabResources]) -> list[list[str]]:
    """One row per network: lab, name, driver, subnet, gateway and the containers on it."""
    rows = []
    for lab in labs.values():
        for n in lab.networks:
            members = sorted(ep.get("Name", "?") for ep in (n.attrs.get("Containers") or {}).values())
            subnet, gateway = model.ipam(n.attrs)
            rows.append(
                [
                    lab.name,
                    n.name,
                    n.attrs.get("Driver") or "-",
                    subnet or "-",
                    gateway or "-",
                    ", ".join(members) or "-",
                ]
            )
    return rows


def clean_all(client: EngineClient, *, dry_run: bool = False, out: Out = print) -> list[str]:
    """Remove every container, then every network, labelled ``dockerlab.lab``; nothing else.

    Parameters
    ----------
    client:
        The engine.
    dry_run:
        Only say what would be removed.
    out:
        Prints one line per resource removed (or that would be).

    Returns
    -------
    list[str]
        The failures, each saying what could not go and why; empty when all went.
    """

    def removed(kind: str, resource: Any) -> None:
        labels = resource.labels if kind == "container" else resource.attrs.get("Labels") or {}
        said = {
            (True, "container"): _("would remove container {name} (lab {lab})"),
            (True, "network"): _("would remove network {name} (lab {lab})"),
            (False, "container"): _("removed container {name} (lab {lab})"),
            (False, "network"): _("removed network {name} (lab {lab})"),
        }[(dry_run, kind)]
        out(said.format(name=resource.name, lab=labels[LAB_LABEL]))

    return remove_labelled(client, LAB_LABEL, dry_run=dry_run, removed=removed)


def cmd_clean(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Remove one lab's resources, or every lab's with --all.

    Parameters
    ----------
    client:
        The engine.
    args:
        ``lab`` (the lab to remove) or ``all`` (every lab), and ``dry_run`` (list, remove nothing).
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`, or :data:`~dockerlab.cli.common.PROBLEMS` when a resource of
        ``--all`` could not be removed.

    Raises
    ------
    EngineError
        When the lab still has resources after its reset.
    """
    if args.all:
        failures = clean_all(client, dry_run=args.dry_run, out=out)
        for f in failures:
            out(_("failed: {f}").format(f=f))
        return PROBLEMS if failures else OK
    lab = Lab(args.lab, client=client, echo=not args.dry_run)
    containers, networks = lab.containers, lab.network_names
    if not containers and not networks:
        known = ", ".join(inventory(client)) or _("none")
        out(
            _("Lab {lab} has no containers or networks on this engine: nothing to remove (labs here: {known}).").format(
                lab=repr(args.lab), known=known
            )
        )
        return OK
    if args.dry_run:
        for c in containers:
            out(_("would remove container {c} (lab {name})").format(c=c, name=lab.name))
        for n in networks:
            out(_("would remove network {n} (lab {name})").format(n=n, name=lab.name))
        return OK
    lab.reset()
    left = lab.containers + lab.network_names
    if left:
        raise EngineError(
            _("Lab {name} still has {value} after the reset: run the clean again.").format(
                name=repr(lab.name), value=", ".join(left)
            )
        )
    removed = _("removed lab {lab}: {containers}, {networks}").format(
        lab=lab.name,
        containers=ngettext("{n} container", "{n} containers", len(containers)).format(n=len(containers)),
        networks=ngettext("{n} network", "{n} networks", len(networks)).format(n=len(networks)),
    )
    out(removed)
    return OK


def cmd_matrix(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Probe who reaches whom in a lab and print the grid.

    Parameters
    ----------
    client:
        The engine.
    args:
        ``lab`` (the lab to probe) and ``by`` (``"name"`` or ``"ip"``).
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`.

    Raises
    ------
    DockerlabError
        When the lab has no containers on this engine.
    """
    lab = Lab(args.lab, client=client, echo=False)
    if not lab.containers:
        raise DockerlabError(
            _("Lab {lab} has no containers on this engine (`dockerlab status` lists the labs).").format(
                lab=repr(args.lab)
            )
        )
    title = _("lab {lab}, {by}").format(lab=lab.name, by=display.by_text(args.by))
    out(str(display.matrix(lab.reachability(args.by), title)))
    return OK


def cmd_image(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """Provision the lab image: built offline, or with --pull on busybox pulled by digest; with progress.

    Parameters
    ----------
    client:
        The engine.
    args:
        ``busybox`` (the static binary to build from), or ``pull`` with ``registry`` and ``digest``.
    out:
        Prints one line; the progress bar goes to stderr.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`; a failure raises a :class:`~dockerlab.errors.DockerlabError`.
    """
    if not args.pull:
        with ProgressBar(_("lab image"), stream=sys.stderr, html=False) as bar:
            ref = labimage.provision(client, busybox=args.busybox, progress=bar)
        out(_("{ref} is on the engine").format(ref=ref))
        return OK
    registry_pull.busybox_reference(args.registry, args.digest)  # a bad setting is refused before any bar shows
    with ProgressBar(_("busybox download"), total=100, stream=sys.stderr, html=False) as bar:

        def percent(value: int, line: str) -> None:
            if value != bar.done or line != bar.message:
                bar.advance(line, steps=value - bar.done)

        ref = labimage.provision(
            client,
            progress=out,
            image=labimage.IMAGE,
            pull=True,
            registry=args.registry,
            digest=args.digest,
            percent=percent,
        )
    out(_("{image} is on the engine").format(image=ref))
    return OK


def cmd_tutorial(args: argparse.Namespace, out: Out) -> int:
    """Copy the learner's copy into DIR (keeping the learner's changes), then open JupyterLab there.

    Parameters
    ----------
    args:
        ``dir``, ``lang`` (the edition to open, and JupyterLab's interface language), ``teacher`` (the
        reference copies and the solutions instead), ``force`` (replace the notebooks the learner changed),
        ``copy_only`` (start nothing), ``no_browser``, and ``jupyter`` (the arguments after ``--``, for
        ``jupyter lab``).
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK` with ``copy_only``; otherwise JupyterLab replaces this process.
    """
    lang = tutorial.edition(args.lang or get_language())
    report = tutorial.copy(args.dir, force=args.force, teacher=args.teacher)
    for line in report.lines():
        out(line)
    if args.teacher:
        out(_("A teacher's copy: the reference notebooks, executed, and the exercises' solutions. Do not hand it out."))
    extra = list(args.jupyter)
    settings = tutorial.app_settings(report.folder, lang)
    if args.copy_only:
        command = tutorial.jupyter_command(report.folder, extra, lang=lang, settings=settings)
        out(_("To open it: {command}").format(command=" ".join(command)))
        return OK
    note = tutorial.quiet_defaults()
    if note:
        out(note)
    out(_("Opening JupyterLab in {folder} (Ctrl+C twice stops it).").format(folder=report.folder))
    sys.stdout.flush()
    tutorial.open_lab(report.folder, extra, browser=not args.no_browser, lang=lang, settings=settings)
    return OK  # not reached: JupyterLab replaced this process
