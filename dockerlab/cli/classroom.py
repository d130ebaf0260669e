"""``dockerlab classroom up|status|progress|down``: a class on one server (see dockerlab.classroom)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from dockerlab.cli.common import OK, Out, text_table
from dockerlab.i18n import _


def cmd_classroom(_client: None, args: argparse.Namespace, out: Out) -> int:
    """Carry out ``dockerlab classroom ACTION``; needs no engine client of its own (it runs as root)."""
    from dockerlab.classroom import hub, progress, room, roster
    from dockerlab.classroom import state as classroom_state

    if args.action == "up":
        if (args.learners is None) == (args.class_list is None):
            raise roster.ClassroomError(_("Give either --learners N or --class-list FILE."))
        learners = roster.read(args.class_list) if args.class_list else roster.generated(args.learners)
        current = room.up(learners, port=args.port, ip=args.ip, lang=args.lang, say=out)
        out(_("JupyterHub listens on {url} for {count} learners.").format(
            url=hub.url(current.ip, current.port), count=len(learners)))  # fmt: skip
        out(_("The learners' passwords, shown once (dockerlab keeps none):"))
        out(text_table([_("user"), _("password")], [[learner.user, learner.password] for learner in learners]))
        return OK
    if args.action == "down":
        room.down(purge=args.purge, say=out)
        return OK
    if args.action == "status":
        rows = room.status()
        if args.json:
            out(json.dumps([asdict(row) for row in rows], indent=1))
        else:
            out(text_table(["user", "docker_host", "engine", "server"],
                           [[r.user, r.docker_host, r.engine, r.server or "-"] for r in rows]))  # fmt: skip
        return OK
    running = classroom_state.load()
    if running is None:
        raise roster.ClassroomError(_("No classroom is up: start one with `dockerlab classroom up`."))
    if args.json:
        out(json.dumps(progress.rows(running.users), indent=1, sort_keys=True))
    else:
        frame = progress.table(running.users)
        cells = [[str(user), *row] for user, row in zip(frame.index, frame.values.tolist(), strict=True)]
        out(text_table([_("learner"), *frame.columns], cells))
    return OK
