"""The learners: names checked against Unix's rules, passwords from the class list or generated.

A class list is a text file, one learner a line: ``name`` or ``name password`` (blank lines and
``#`` comments are skipped). A learner ``alice`` becomes the Unix user ``dlab-alice``.

>>> [learner.user for learner in generated(2)]
['dlab-learner01', 'dlab-learner02']
>>> parse(["alice s3cret-pass", "# a comment", "bob"])[0]
Learner(name='alice', password=<hidden>)
>>> parse(["alice", "alice"])
Traceback (most recent call last):
...
dockerlab.classroom.ClassroomError: The class list names alice twice (line 2). Give each learner one line.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dockerlab.classroom import ClassroomError
from dockerlab.i18n import _

#: Every Unix user the classroom makes starts with this, and only those are ever removed.
PREFIX = "dlab-"
#: A learner's name: a lower-case letter, then up to 19 lower-case letters, digits, ``-`` or ``_``.
NAME = re.compile(r"[a-z][a-z0-9_-]{0,19}")
#: The most learners one server takes.
MOST = 100
#: Words of a generated password: easy to read aloud to a class, 3 x 4 characters.
_COMMENT = re.compile(r"#.*")
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Learner:
    """One learner: a name and a password (never shown in a repr)."""

    name: str
    password: str = field(repr=False)

    @property
    def user(self) -> str:
        """The learner's Unix user, ``dlab-NAME``."""
        return PREFIX + self.name

    def __repr__(self) -> str:
        return f"Learner(name={self.name!r}, password=<hidden>)"


def new_password() -> str:
    """A random password such as ``k7wm-p2xa-9tqe``."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def check_name(name: str, where: str = "") -> str:
    """Return ``name`` when it makes a valid learner's name, else raise :class:`ClassroomError`."""
    if not NAME.fullmatch(name):
        raise ClassroomError(
            _(
                "{name!r} is not a valid learner's name{where}: use a lower-case letter, then up to 19 "
                "lower-case letters, digits, '-' or '_'."
            ).format(name=name, where=where)
        )
    return name


def generated(count: int) -> list[Learner]:
    """``count`` learners named ``learner01``, ``learner02``, ... with generated passwords."""
    if not 1 <= count <= MOST:
        raise ClassroomError(_("--learners takes 1 to {most} learners, not {count}.").format(most=MOST, count=count))
    return [Learner(f"learner{i:02d}", new_password()) for i in range(1, count + 1)]


def parse(lines: Iterable[str]) -> list[Learner]:
    """The learners of a class list's lines; a missing password is generated."""
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) > 2:
            raise ClassroomError(
                _("Line {line} of the class list has {count} words: write 'name' or 'name password'.").format(
                    line=number, count=len(parts)
                )
            )
        name = check_name(parts[0], _(" (line {line})").format(line=number))
        if name in seen:
            raise ClassroomError(
                _("The class list names {name} twice (line {line}). Give each learner one line.").format(
                    name=name, line=number
                )
            )
        seen[name] = number
        learners.append(Learner(name, parts[1] if len(parts) == 2 else new_password()))
    if not learners:
        raise ClassroomError(_("The class list names no learner."))
    if len(learners) > MOST:
        raise ClassroomError(
            _("--learners takes 1 to {most} learners, not {count}.").format(most=MOST, count=len(learners))
        )
    return learners


def read(path: str | Path) -> list[Learner]:
    """The learners of the class list at ``path``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ClassroomError(_("Cannot read the class list {path}: {error}").format(path=path, error=e)) from e
    return parse(text.splitlines())
