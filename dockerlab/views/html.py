"""HTML views of labs and containers for JupyterLab (their ``_repr_html_``).

The text forms stay the short, deterministic ``repr`` (nbval compares
``text/plain``). These views take data (:class:`~dockerlab.model.ContainerInfo`,
the networks table) and read nothing: the lab reads the engine when shown, and
an engine error is shown with :func:`error_html`, as its message instead of a
traceback.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from dockerlab.errors import DockerlabError
from dockerlab.i18n import N_, _, ngettext
from dockerlab.model import ContainerInfo
from dockerlab.views.colours import network_colour

_STATUS_COLOURS = {"running": "#c7e9c0", "created": "#fdd0a2", "exited": "#fcbba1", "dead": "#fcbba1"}
#: Docker's container states, as the badge shows them in the learner's language.
STATUS_WORDS = {
    "created": N_("created"),
    "running": N_("running"),
    "paused": N_("paused"),
    "restarting": N_("restarting"),
    "removing": N_("removing"),
    "exited": N_("exited"),
    "dead": N_("dead"),
}
_STYLE = "border-collapse:collapse;margin:0.3em 0"
_CELL = "padding:2px 8px;border:1px solid #ddd;text-align:left"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def table(columns: list[str], rows: Iterable[list[str]], caption: str = "") -> str:
    """An HTML table; ``rows`` hold HTML already escaped.

    >>> t = table(["a&b"], [["<b>1</b>"], ["2"]], "t")
    >>> t.count("<tr>"), "a&amp;b" in t, "<b>1</b>" in t
    (3, True, True)
    """
    head = "".join(f'<th style="{_CELL}">{_e(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in row) + "</tr>" for row in rows)
    cap = f'<caption style="text-align:left">{_e(caption)}</caption>' if caption else ""
    return (
        f'<table class="dockerlab-table" style="{_STYLE}">{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def network_chip(network: str | None, text: str | None = None) -> str:
    """A network name on its colour (the same colours as the graphs).

    >>> network_chip("bridge")
    '<span style="border-left:0.8em solid #0072b2;padding-left:0.3em">bridge</span>'
    """
    return (
        f'<span style="border-left:0.8em solid {network_colour(network)};padding-left:0.3em">'
        f"{_e(text if text is not None else network)}</span>"
    )


def status_word(status: str) -> str:
    """A container state (Docker's word) in the learner's language; an unknown state as Docker says it."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def status_badge(status: str) -> str:
    """A container status on a colour: green running, orange created, red exited.

    >>> status_badge("running")
    '<span style="background:#c7e9c0;padding:0 0.4em">running</span>'
    """
    word = status_word(status)
    return f'<span style="background:{_STATUS_COLOURS.get(status, "#f0f0f0")};padding:0 0.4em">{_e(word)}</span>'


def error_html(what: str, e: DockerlabError) -> str:
    """What is shown in place of a view when the engine could not be read."""
    said = _("{what}: could not read the engine.").format(what=f"<b>{_e(what)}</b>")  # our own text: no markup
    return f'<div class="dockerlab-error">{said}<pre>{_e(e)}</pre></div>'


def container_html(info: ContainerInfo, lab: str) -> str:
    """One container of lab ``lab``: its status and a row per network attachment."""
    rows = [
        [
            network_chip(ep.network),
            _e(ep.ip or "-"),
            _e(ep.gateway or "-"),
            _e(ep.mac or "-"),
            _e(", ".join(a for a in ep.aliases if not info.id.startswith(a)) or "-"),
        ]
        for ep in info.endpoints.values()
    ]
    name = _("container {name}").format(name=info.name)
    where = _("lab {lab}, id {id}").format(lab=lab, id=info.id[:12])
    head = f"<b>{_e(name)}</b> {status_badge(info.status)} <small>{_e(where)}</small>"
    if not rows:
        return f'<div class="dockerlab-container">{head}<br>{_e(_("no network"))}</div>'
    columns = [_("network"), _("ip"), _("gateway"), _("mac"), _("aliases")]
    return f'<div class="dockerlab-container">{head}{table(columns, rows)}</div>'


def lab_html(lab: str, label: str, infos: list[ContainerInfo], nets: pd.DataFrame) -> str:
    """A lab: its containers (status, addresses) and the networks they use.

    ``label`` is the label key that marks the lab's resources, ``nets`` the
    table of :meth:`dockerlab.lab.Lab.networks`.
    """
    used: dict[str, list[str]] = {}
    crows = []
    for h in infos:
        for net in h.networks:
            used.setdefault(net, []).append(h.name)
        addresses = "<br>".join(network_chip(n, f"{n} {ip}") for n, ip in h.ips.items())
        bare = [n for n in h.networks if n not in h.ips]  # host, none: no address of their own
        addresses = "<br>".join([addresses] * bool(addresses) + [network_chip(n) for n in bare]) or "-"
        crows.append([f"<b>{_e(h.name)}</b>", status_badge(h.status), addresses])
    nrows = []
    for _index, n in nets.iterrows():
        if not n["lab"] and n["name"] not in used:
            continue
        members = ", ".join(used.get(n["name"], [])) or "-"
        owner = _("this lab") if n["lab"] else "Docker"
        nrows.append(
            [
                network_chip(n["name"]),
                _e(n["driver"]),
                _e(n["subnet"] or "-"),
                _e(n["gateway"] or "-"),
                _e(_("yes") if n["internal"] else _("no")),
                _e(owner),
                _e(members),
            ]
        )
    own = int(nets["lab"].sum()) if len(nets) else 0
    containers = ngettext("{n} container", "{n} containers", len(infos)).format(n=len(infos))
    networks = ngettext("{n} network of its own", "{n} networks of its own", own).format(n=own)
    title = _("Lab {lab}").format(lab=lab)
    labelled = _("(label {label}={lab})").format(label=label, lab=lab)
    # i18n: {containers} is "2 containers", {networks} "1 network of its own".
    summary = _("{containers}, {networks}").format(containers=containers, networks=networks)
    head = f"<b>{_e(title)}</b>: {_e(summary)} <small>{_e(labelled)}</small>"
    parts = [f'<div class="dockerlab-lab">{head}']
    if crows:
        parts.append(table([_("container"), _("status"), _("networks and addresses")], crows, _("containers")))
    else:
        parts.append("<br>" + _("No containers yet: lab.run('c1') starts one."))  # our own text: no markup
    if nrows:
        columns = [_("network"), _("driver"), _("subnet"), _("gateway"), _("internal"), _("owner"), _("containers")]
        parts.append(table(columns, nrows, _("networks")))
    parts.append("</div>")
    return "".join(parts)
