"""What the teacher sees: one row per learner, one column per exercise, read from the learners' homes.

Each cell is ``passed`` (with attempts and hints), ``tried`` or empty. :func:`table` gives a
pandas DataFrame (a teacher's notebook shows it as HTML); :func:`rows` the same for ``--json``.
Only the records are read, never a learner's notebooks, password or engine.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dockerlab.classroom import accounts
from dockerlab.i18n import _
from dockerlab.teaching import exercises
from dockerlab.teaching import progress as records


def exercise_ids() -> list[str]:
    """The exercises, in order."""
    return list(exercises.EXERCISES)


def rows(users: list[str]) -> list[dict[str, Any]]:
    """For each learner, ``{"user": ..., "exercises": {id: record}}``: their record as it is."""
    found = []
    for user in users:
        acct = accounts.account(user)
        record = records.read(records.path(acct.home)) if acct is not None else {}
        found.append({"user": user, "exercises": record})
    return found


def cell(entry: dict[str, Any] | None) -> str:
    """One cell: ``passed (2x, 1 hints)``, ``tried (3×)`` or ``""``.

    >>> cell({"passed": True, "attempts": 2, "hints": 1}), cell({"passed": False, "attempts": 3, "hints": 0})
    ('passed (2x, 1 hints)', 'tried (3x)')
    """
    if not entry:
        return ""
    attempts, hints = int(entry.get("attempts", 0)), int(entry.get("hints", 0))
    if entry.get("passed"):
        text = _("passed ({attempts}x)") if not hints else _("passed ({attempts}x, {hints} hints)")
    else:
        text = _("tried ({attempts}x)") if not hints else _("tried ({attempts}x, {hints} hints)")
    return text.format(attempts=attempts, hints=hints)


def table(users: list[str]) -> pd.DataFrame:
    """Learner x exercise, each cell as :func:`cell` writes it."""
    ids = exercise_ids()
    data = {row["user"]: [cell(row["exercises"].get(ex)) for ex in ids] for row in rows(users)}
    return pd.DataFrame.from_dict(data, orient="index", columns=ids).rename_axis("learner")
