"""What every subcommand of ``dockerlab`` shares: the exit codes, the output callable, text tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

OK, PROBLEMS, USAGE, NO_ENGINE = 0, 1, 2, 3


Out = Callable[[str], None]


def text_table(columns: list[str], rows: list[list[str]]) -> str:
    """A plain text table with aligned columns.

    >>> print(text_table(["LAB", "NAME"], [["article", "tomcat1"]]))
    LAB      NAME
    article  tomcat1
    """
    widths = [max(_width(str(x)) for x in col) for col in zip(columns, *rows, strict=True)]
    lines = [
        "  ".join(str(x) + " " * (w - _width(str(x))) for x, w in zip(row, widths, strict=True)).rstrip()
        for row in [columns, *rows]
    ]
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
