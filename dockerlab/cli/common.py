"""What every subcommand of ``dockerlab`` shares: the exit codes, the output callable, text tables.

A subcommand is a function ``cmd_x(client, args, out) -> int``: the engine's
client (None for one that needs no engine), the parsed command line, and
:data:`Out`, which prints one line; it returns one of the exit codes below.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

#: The exit codes: all is well; problems found or the operation failed; a usage error; no Docker engine answers.
OK, PROBLEMS, USAGE, NO_ENGINE = 0, 1, 2, 3

#: Prints one line of a subcommand's output (``print`` with a flush, in :func:`dockerlab.cli.main`).
Out = Callable[[str], None]


def text_table(columns: list[str], rows: list[list[str]]) -> str:
    """A plain text table with aligned columns.

    Parameters
    ----------
    columns:
        The headings.
    rows:
        One list of cells per row, as many as ``columns``.

    Returns
    -------
    str
        The lines, each column as wide as its widest cell (a Chinese character
        counts two), no trailing spaces.

    Examples
    --------
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
