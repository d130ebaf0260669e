"""The learner's record of the exercises, in their own home, for their teacher to read.

In a classroom (the server's environment sets ``DOCKERLAB_CLASSROOM``), every
:func:`dockerlab.teaching.exercises.check` adds to ``~/.dockerlab/progress.json``: per exercise,
whether it was passed, the attempts, the hints used, when it was first tried, last tried and
first passed. Outside a classroom nothing is written. The file is the learner's; the teacher
reads it as root (``dockerlab classroom progress``).

>>> rec = update({}, "ex01", passed=False, hints=0, now=100.0)
>>> rec = update(rec, "ex01", passed=True, hints=1, now=160.0)
>>> rec["ex01"]["passed"], rec["ex01"]["attempts"], rec["ex01"]["hints"], rec["ex01"]["seconds"]
(True, 2, 1, 60.0)
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from dockerlab.engines.backend import CLASSROOM_VARIABLE

#: Set in a classroom's servers: records are written only there.
VARIABLE = CLASSROOM_VARIABLE
#: The record, below the learner's home.
RELATIVE = Path(".dockerlab") / "progress.json"

Record = dict[str, dict[str, Any]]


def path(home: Path | None = None) -> Path:
    """Where the record of the learner whose home is ``home`` (default: this user's) lives."""
    return (home or Path.home()) / RELATIVE


def read(file: Path) -> Record:
    """The record in ``file`` ({} when there is none or it cannot be read)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def update(record: Record, exercise: str, *, passed: bool, hints: int, now: float) -> Record:
    """``record`` with one more check of ``exercise``; a pass stays passed."""
    entry = dict(record.get(exercise) or {"passed": False, "attempts": 0, "hints": 0, "first": now})
    entry["attempts"] = int(entry.get("attempts", 0)) + 1
    entry["hints"] = max(int(entry.get("hints", 0)), hints)
    entry["last"] = now
    if passed and not entry.get("passed"):
        entry["passed"] = True
        entry["solved"] = now
        entry["seconds"] = round(now - float(entry.get("first", now)), 1)
    return {**record, exercise: entry}


def record(exercise: str, *, passed: bool, hints: int) -> None:
    """Add one check to the learner's record, in a classroom only; never fails the check itself."""
    if not os.environ.get(VARIABLE):
        return
    file = path()
    try:
        file.parent.mkdir(mode=0o700, exist_ok=True)
        new = update(read(file), exercise, passed=passed, hints=hints, now=time.time())
        tmp = file.with_suffix(".tmp")
        tmp.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(file)
    except OSError:
        pass
