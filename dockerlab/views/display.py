"""Readable displays for notebooks: matrices as text (compared by nbval) and coloured HTML."""

from __future__ import annotations

import html

import pandas as pd

from dockerlab.i18n import _
from dockerlab.model import mismatches
from dockerlab.views.tables import header

REACH, NO_REACH, SELF = "✓", "✗", "·"
#: A cell neither measured nor predicted: its source or target lives on a host that is down.
DOWN = "⊘"
_GREEN, _RED, _GREY = "#c7e9c0", "#fcbba1", "#f0f0f0"


def by_text(by: str) -> str:
    """``"by name"`` or ``"by ip"`` in the learner's language: how a matrix was probed."""
    return _("by name") if by == "name" else _("by ip") if by == "ip" else _("by {by}").format(by=by)


def down_of(matrix: pd.DataFrame) -> dict[str, str]:
    """The containers of ``matrix`` on a host that is down -> their host (``attrs["down"]``, set by
    :func:`dockerlab.model.mark_down`)."""
    return dict(matrix.attrs.get("down") or {})


def is_down(down: dict[str, str], source: object, target: object) -> bool:
    """Whether the cell (``source``, ``target``) is ``host-down``; ``target`` may be an IP column (container,
    network)."""
    container = target[0] if isinstance(target, tuple) else target
    return str(source) in down or str(container) in down


def down_note(down: dict[str, str]) -> str | None:
    """The line that says which hosts are down and which containers they hold; None when none is.

    >>> print(down_note({"db": "host2"}))
    ⊘ host-down: host2 does not answer (its containers: db); those cells are neither measured nor predicted
    """
    if not down:
        return None
    hosts: dict[str, list[str]] = {}
    for container, host in sorted(down.items()):
        hosts.setdefault(host, []).append(container)
    parts = [
        _("{host} does not answer (its containers: {containers})").format(host=h, containers=", ".join(c))
        for h, c in hosts.items()
    ]
    # i18n: {mark} is the ⊘ of the matrix, {hosts} "host2 does not answer (its containers: db)", joined by "; ".
    return _("{mark} host-down: {hosts}; those cells are neither measured nor predicted").format(
        mark=DOWN, hosts="; ".join(parts)
    )


def _label(col: object) -> str:
    if isinstance(col, tuple):
        return f"{col[0]} ({col[1]})" if col[1] else str(col[0])
    return str(col)


class MatrixView:
    """A reachability matrix shown as a ✓/✗ grid (text) or a coloured table (HTML).

    >>> m = pd.DataFrame({"a": [pd.NA, True], "b": [False, pd.NA]}, index=["a", "b"], dtype="boolean")
    >>> print(MatrixView(m, "by name"))
    by name: does the row reach the column?
         a  b
      a  ·  ✗
      b  ✓  ·
    """

    def __init__(self, matrix: pd.DataFrame, title: str = "") -> None:
        self.matrix = matrix
        self.title = title

    def _cell(self, value: object, source: object = None, target: object = None) -> str:
        if is_down(down_of(self.matrix), source, target):
            return DOWN
        if value is pd.NA or value is None:
            return SELF
        return REACH if bool(value) else NO_REACH

    def _cells(self, source: object, values: pd.Series) -> list[str]:
        return [self._cell(v, source, c) for c, v in zip(self.matrix.columns, values, strict=True)]

    def __str__(self) -> str:
        cols = [_label(c) for c in self.matrix.columns]
        rows = [str(r) for r in self.matrix.index]
        w0 = max([len(r) for r in rows] + [1]) + 4
        widths = [max(len(c), 1) for c in cols]
        if self.title:
            head = _("{title}: does the row reach the column?").format(title=self.title)
        else:
            head = _("does the row reach the column?")
        lines = [head, " " * w0 + "  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))]
        for r, (index, values) in zip(rows, self.matrix.iterrows(), strict=True):
            cells = [c.rjust(w) for c, w in zip(self._cells(index, values), widths, strict=True)]
            lines.append(("  " + r).ljust(w0) + "  ".join(cells))
        note = down_note(down_of(self.matrix))
        return "\n".join([*(line.rstrip() for line in lines), *([note] if note else [])])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {REACH: _GREEN, NO_REACH: _RED, SELF: _GREY, DOWN: _GREY}
        head = "".join(f"<th>{html.escape(_label(c))}</th>" for c in self.matrix.columns)
        body = []
        for r, values in self.matrix.iterrows():
            cells = "".join(
                f'<td style="background:{colour[s]};text-align:center">{s}</td>' for s in self._cells(r, values)
            )
            body.append(f"<tr><th>{html.escape(str(r))}</th>{cells}</tr>")
        caption = html.escape(_("{title} (row reaches column?)").format(title=self.title or _("reachability")))
        corner = html.escape(_("from \\ to"))
        note = down_note(down_of(self.matrix))
        return (
            f'<table class="dockerlab-matrix"><caption>{caption}</caption>'
            f"<thead><tr><th>{corner}</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            + (f"<p>{html.escape(note)}</p>" if note else "")
        )


def matrix(m: pd.DataFrame, title: str = "") -> MatrixView:
    """Wrap a reachability matrix for display; ``title`` is shown in the learner's language if the catalogue has it."""
    return MatrixView(m, _(title) if title else title)


class Comparison:
    """Predicted and measured matrices side by side; ``mismatches`` lists the cells that differ."""

    def __init__(self, predicted: pd.DataFrame, measured: pd.DataFrame, by: str) -> None:
        self.predicted = predicted
        self.measured = measured
        self.by = by
        self.mismatches: list[tuple[str, object]] = mismatches(predicted, measured)

    @property
    def ok(self) -> bool:
        """Whether every prediction came true."""
        return not self.mismatches

    @staticmethod
    def _mark(value: object) -> str:
        return SELF if value is pd.NA or value is None else (REACH if bool(value) else NO_REACH)

    @property
    def down(self) -> dict[str, str]:
        """Containers on a host that is down -> their host (their cells read ``host-down``)."""
        return {**down_of(self.predicted), **down_of(self.measured)}

    def cells(self) -> pd.DataFrame:
        """A table of ``predicted/measured`` marks, ``!`` where they differ, ⊘ where a host is down."""
        out = pd.DataFrame("", index=self.measured.index, columns=self.measured.columns)
        bad = set(self.mismatches)
        down = self.down
        for src in self.measured.index:
            for col in self.measured.columns:
                if is_down(down, src, col):
                    out.loc[src, col] = DOWN
                    continue
                known = col in self.predicted.columns and src in self.predicted.index
                p = self.predicted.loc[src, col] if known else pd.NA
                cell = f"{self._mark(p)}/{self._mark(self.measured.loc[src, col])}"
                out.loc[src, col] = cell + ("!" if (src, col) in bad else "")
        return out

    def __str__(self) -> str:
        if self.ok:
            head = _("predicted/measured {by}: every prediction came true").format(by=by_text(self.by))
        else:
            head = _("predicted/measured {by}: {n} mismatch(es), marked !").format(
                by=by_text(self.by), n=len(self.mismatches)
            )
        cells = self.cells()
        cells.index.names = [header(n) if n else n for n in cells.index.names]  # source, target: the reader's words
        cells.columns.names = [header(n) if n else n for n in cells.columns.names]
        note = down_note(self.down)
        return head + "\n" + cells.to_string() + (f"\n{note}" if note else "")

    __repr__ = __str__

    def _repr_html_(self) -> str:
        cells = self.cells()
        head = "".join(f"<th>{html.escape(_label(c))}</th>" for c in cells.columns)
        rows = []
        for src, values in cells.iterrows():
            tds = []
            for v in values:
                measured = v.split("/")[-1].rstrip("!")
                colour = {REACH: _GREEN, NO_REACH: _RED}.get(measured, _GREY)
                miss = "outline:3px solid #222;font-weight:bold;" if v.endswith("!") else ""
                tds.append(f'<td style="text-align:center;background:{colour};{miss}">{html.escape(v)}</td>')
            rows.append(f"<tr><th>{html.escape(str(src))}</th>{''.join(tds)}</tr>")
        caption = html.escape(str(self).splitlines()[0])
        note = down_note(self.down)
        return (
            f'<table class="dockerlab-compare"><caption>{caption}</caption><thead><tr><th></th>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>" + (f"<p>{html.escape(note)}</p>" if note else "")
        )


class Guess:
    """A learner's own prediction, scored against the measurement cell by cell.

    ``mine`` maps ``(source, target)`` container names to True (reaches) or
    False; pairs left out are shown as not predicted. By IP, a target counts
    as reached when any of its addresses answers.

    >>> m = pd.DataFrame({"a": [pd.NA, True], "b": [False, pd.NA]}, index=["a", "b"], dtype="boolean")
    >>> print(Guess({("a", "b"): True, ("b", "a"): True}, m, "name"))
    your prediction by name: 1 of 2 right; the wrong cells are marked !
         a  b
      a  ·  ✗!
      b  ✓  ·
    you said a reaches b by name; measured: it does not
    """

    def __init__(self, mine: dict[tuple[str, str], bool], measured: pd.DataFrame, by: str) -> None:
        self.mine = dict(mine)
        self.by = by
        self.measured = _by_container(measured) if by == "ip" else measured
        self.down = down_of(measured)
        self.wrong = [(s, t) for (s, t), v in self.mine.items() if self._measured(s, t) is not None and
                      bool(v) != self._measured(s, t)]  # fmt: skip

    def _measured(self, source: str, target: str) -> bool | None:
        if source not in self.measured.index or target not in self.measured.columns:
            return None
        value = self.measured.loc[source, target]
        return None if value is pd.NA or value is None else bool(value)

    @property
    def right(self) -> int:
        """How many predicted cells came true."""
        return sum(1 for s, t in self.mine if self._measured(s, t) is not None) - len(self.wrong)

    @property
    def ok(self) -> bool:
        """Whether every predicted cell came true."""
        return not self.wrong

    def _cell(self, source: str, target: str) -> str:
        if is_down(self.down, source, target):
            return DOWN
        value = self._measured(source, target)
        if value is None:
            return SELF
        mark = REACH if value else NO_REACH
        if (source, target) in self.wrong:
            return mark + "!"
        return mark + ("" if (source, target) in self.mine else "?")

    def __str__(self) -> str:
        scored = self.right + len(self.wrong)
        head = _("your prediction {by}: {right} of {scored} right").format(
            by=by_text(self.by), right=self.right, scored=scored
        )
        if not self.ok:
            head = _("{head}; the wrong cells are marked !").format(head=head)
        pairs = [(s, t) for s in self.measured.index for t in self.measured.columns if s != t]
        if any(p not in self.mine for p in pairs if not is_down(self.down, *p)):
            head = _("{head} (? = not predicted)").format(head=head)
        names = [str(c) for c in self.measured.columns]
        width = max([len(n) for n in names] + [2]) + 1
        side = max([len(str(s)) for s in self.measured.index] + [1])
        lines = [" " * (side + 4) + "".join(n.ljust(width) for n in names).rstrip()]
        for source in self.measured.index:
            cells = "".join(self._cell(str(source), n).ljust(width) for n in names)
            lines.append(f"  {str(source).ljust(side)}  {cells}".rstrip())
        note = down_note(self.down)
        return "\n".join([head, *lines, *self.notes(), *([note] if note else [])])

    def notes(self) -> list[str]:
        """One sentence per wrong cell: what the learner said, and what was measured."""
        how = _("by name") if self.by == "name" else _("at an address")
        notes = []
        for source, target in self.wrong:
            if self.mine[(source, target)]:
                said = _("you said {source} reaches {target} {how}; measured: {got}")
            else:
                said = _("you said {source} does not reach {target} {how}; measured: {got}")
            got = _("it does") if self._measured(source, target) else _("it does not")
            notes.append(said.format(source=source, target=target, how=how, got=got))
        return notes

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colours = {"!": _RED, "?": _GREY}
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.measured.columns)
        rows = []
        for source in self.measured.index:
            tds = []
            for target in self.measured.columns:
                cell = self._cell(str(source), str(target))
                colour = colours.get(cell[-1], _GREY if cell in (SELF, DOWN) else _GREEN)
                tds.append(f'<td style="text-align:center;background:{colour}">{html.escape(cell)}</td>')
            rows.append(f"<tr><th>{html.escape(str(source))}</th>{''.join(tds)}</tr>")
        lines = str(self).splitlines()
        caption = html.escape(lines[0])
        note = down_note(self.down)
        notes = "".join(f"<li>{html.escape(line)}</li>" for line in [*self.notes(), *([note] if note else [])])
        return (
            f'<div class="dockerlab-guess"><table><caption style="text-align:left;white-space:nowrap">{caption}'
            f"</caption><thead><tr><th></th>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>"
        )


def _by_container(matrix: pd.DataFrame) -> pd.DataFrame:
    """An IP matrix (columns: container, network) as a container matrix: reached at any address."""
    containers = list(dict.fromkeys(c[0] if isinstance(c, tuple) else c for c in matrix.columns))
    out = pd.DataFrame(index=matrix.index, columns=containers, dtype="boolean")
    for target in containers:
        cols = [c for c in matrix.columns if (c[0] if isinstance(c, tuple) else c) == target]
        for source in matrix.index:
            values = [matrix.loc[source, c] for c in cols]
            known = [bool(v) for v in values if v is not pd.NA and v is not None]
            out.loc[source, target] = any(known) if known else pd.NA
    return out
