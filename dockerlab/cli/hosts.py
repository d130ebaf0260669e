"""``dockerlab hosts up|down|status``: chapter 08's cluster of extra engines."""

from __future__ import annotations

import argparse

from dockerlab.cli.common import OK, PROBLEMS, Out
from dockerlab.engines.protocol import EngineClient
from dockerlab.i18n import _


def cmd_hosts(client: EngineClient, args: argparse.Namespace, out: Out) -> int:
    """``dockerlab hosts up|down|status``: chapter 08's cluster of extra engines (see dockerlab.engines.hosts).

    Parameters
    ----------
    client:
        The main engine (``up`` reads it; it never joins the swarm).
    args:
        ``action``: ``"up"``, ``"down"`` or ``"status"``.
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK`; for ``status``, :data:`~dockerlab.cli.common.PROBLEMS` when the
        cluster is not up.
    """
    from dockerlab.engines.hosts import Cluster

    cluster = Cluster(echo=True)
    if args.action == "up":
        cluster.up(client)
        out(str(cluster.status()))
        out(_("up in {seconds:.1f} s").format(seconds=cluster.timings.get("up", 0)))
        return OK
    if args.action == "down":
        cluster.down()
        out(_("down in {seconds:.1f} s").format(seconds=cluster.timings.get("down", 0)))
        return OK
    status = cluster.status()
    out(str(status))
    return OK if status.up else PROBLEMS
