"""The learners' Unix users: made, given subordinate ids, and removed, as root.

Only users whose name starts with :data:`~dockerlab.classroom.roster.PREFIX` are ever changed.
A home is mode 0700: no learner reads another's. Each user gets 65536 subordinate user and group
ids of its own (``/etc/subuid``, ``/etc/subgid``): ``useradd`` gives them where ``login.defs`` says
so, else they are added after every range already given, so that the ids inside one learner's
engine map to nobody else's.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dockerlab.classroom import ClassroomError
from dockerlab.classroom.roster import PREFIX, Learner
from dockerlab.i18n import _

SUBUID = Path("/etc/subuid")
SUBGID = Path("/etc/subgid")
#: Subordinate ids per learner, as Docker's rootless documentation asks.
RANGE = 65536
#: The first subordinate id the classroom hands out when the files hold none higher.
FIRST = 300000
COMMENT = "dockerlab classroom learner"


@dataclass(frozen=True)
class Account:
    """A learner's Unix user as the system has it."""

    user: str
    uid: int
    gid: int
    home: Path


def _run(command: list[str], stdin: str | None = None) -> None:
    """Run a system command as root; its failure is a :class:`ClassroomError` with what it said."""
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ClassroomError(
            _("{command} failed: {error}").format(command=" ".join(command[:2]), error=done.stderr.strip())
        )


def account(user: str) -> Account | None:
    """The Unix user ``user``, or None when there is none."""
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    return Account(user, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def ours(user: str) -> bool:
    """Whether ``user`` is one the classroom makes (its name and its comment say so)."""
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return False
    return user.startswith(PREFIX) and entry.pw_gecos == COMMENT


def next_subid(*files: Path) -> int:
    """The first id after every subordinate range in ``files`` (at least :data:`FIRST`)."""
    end = FIRST
    for path in files:
        lines = path.read_text().splitlines() if path.is_file() else []
        for line in lines:
            parts = line.split(":")
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                end = max(end, int(parts[1]) + int(parts[2]))
    return end


def create(learner: Learner) -> Account:
    """Make the learner's user (home 0700, password, subordinate ids); an existing one must be ours."""
    user = learner.user
    if account(user) is not None and not ours(user):
        raise ClassroomError(
            _("A user {user} exists and was not made by dockerlab's classroom: rename the learner.").format(user=user)
        )
    if account(user) is None:
        _run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment", COMMENT, "--user-group", user])
    made = account(user)
    assert made is not None
    made.home.chmod(0o700)
    _run(["chpasswd"], stdin=f"{user}:{learner.password}\n")
    if not _has_range(user, SUBUID) or not _has_range(user, SUBGID):
        start = next_subid(SUBUID, SUBGID)
        ids = f"{start}-{start + RANGE - 1}"
        _run(["usermod", "--add-subuids", ids, "--add-subgids", ids, user])
    return made


def subordinate_ids(user: str) -> range:
    """The user's subordinate user ids (empty when it has none)."""
    lines = SUBUID.read_text().splitlines() if SUBUID.is_file() else []
    for line in lines:
        parts = line.split(":")
        if len(parts) == 3 and parts[0] == user and parts[1].isdigit() and parts[2].isdigit():
            return range(int(parts[1]), int(parts[1]) + int(parts[2]))
    return range(0)


def _has_range(user: str, path: Path) -> bool:
    return path.is_file() and any(line.split(":")[0] == user for line in path.read_text().splitlines())


def remove(user: str) -> None:
    """Remove one of the classroom's users, its home (files its engine made too) and its ranges."""
    if not ours(user):
        return
    made = account(user)
    if made is not None:
        _run(["userdel", "--remove", user])
    if made is not None and made.home.name == user and made.home.exists():
        shutil.rmtree(made.home, ignore_errors=True)  # files owned by its subordinate ids stay after userdel
    for path in (SUBUID, SUBGID):
        if path.is_file():
            kept = [line for line in path.read_text().splitlines() if line.split(":")[0] != user]
            path.write_text("".join(line + "\n" for line in kept))


def is_root() -> bool:
    """Whether this process runs as root."""
    return os.geteuid() == 0
