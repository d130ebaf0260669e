"""A small progress display for long operations, in JupyterLab and in a terminal.

In a Jupyter kernel the bar is one HTML output updated in place (an
``IPython.display`` handle); its ``text/plain`` form is only the label, so a
notebook's stored text output is the same on every run (nbval compares it).
Elsewhere it writes to a stream (stderr by default): redrawn in place on a
terminal, one line per step otherwise (CI logs stay readable).

A :class:`ProgressBar` is also a ``Callable[[str], None]``, so it can be given
wherever dockerlab reports steps, for instance ``lab.provision(progress=bar)``.

>>> import io
>>> out = io.StringIO()
>>> with ProgressBar("containers", total=2, stream=out) as bar:
...     bar("c1 running")
...     bar("c2 running")
>>> print(out.getvalue(), end="")
containers [##########----------] 1/2 c1 running
containers [####################] 2/2 c2 running
containers: done
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from typing import Any, TextIO

from dockerlab.i18n import _

WIDTH = 20


def in_jupyter() -> bool:
    """Whether code runs in a Jupyter kernel (where HTML outputs are shown)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _Display:
    """An HTML output updated in place; text/plain stays the label only."""

    def __init__(self, label: str) -> None:
        from IPython.display import display

        self.label = label
        self.handle = display(self._bundle(0, None, ""), raw=True, display_id=True)

    def _bundle(self, done: int, total: int | None, message: str, finished: bool = False) -> dict[str, str]:
        if total:
            bar = f'<progress value="{done}" max="{total}"></progress> {done}/{total}'
        elif finished:
            steps = _("{n} steps").format(n=done)
            bar = f'<progress value="1" max="1"></progress> {html.escape(steps)}'
        else:  # no total: an indeterminate bar and a count
            bar = "<progress></progress> " + html.escape(_("step {n}").format(n=done))
        note = _("done") if finished else message
        body = (
            f'<div class="dockerlab-progress"><b>{html.escape(self.label)}</b> {bar} '
            f"<code>{html.escape(note)}</code></div>"
        )
        return {"text/plain": self.label, "text/html": body}

    def show(self, done: int, total: int | None, message: str, finished: bool = False) -> None:
        if self.handle is not None:
            self.handle.update(self._bundle(done, total, message, finished), raw=True)


class ProgressBar:
    """Show how far a multi-step operation is.

    Parameters
    ----------
    label:
        What is in progress, for instance ``"lab image"``.
    total:
        The number of steps, when known; the bar then fills. Without it the
        steps are counted.
    stream:
        Where the text form goes outside Jupyter; default ``sys.stderr``.
    html:
        Force (True) or refuse (False) the Jupyter display; default: when in a kernel.
    """

    def __init__(
        self, label: str, total: int | None = None, *, stream: TextIO | None = None, html: bool | None = None
    ) -> None:
        label = _(label) if label else label  # "lab image" in the learner's language; others stay as they are
        self.label = label
        self.total = total
        self.done = 0
        self.message = ""
        self.finished = False
        self._stream = stream
        use_html = in_jupyter() if html is None else html
        self._display = _Display(label) if use_html else None

    @property
    def stream(self) -> TextIO:
        """The text stream (resolved late, so pytest's capture and redirects apply)."""
        return self._stream if self._stream is not None else sys.stderr

    def __call__(self, message: str) -> None:
        """One step done, described by ``message`` (the ``progress=`` callable form)."""
        self.advance(message)

    def advance(self, message: str = "", steps: int = 1) -> None:
        """Count ``steps`` more steps done and show ``message``."""
        self.done += steps
        if self.total is not None:
            self.total = max(self.total, self.done)
        self.message = message
        self._show()

    def close(self, message: str | None = None) -> None:
        """Mark the operation finished (``message``: "done" by default); safe to call twice."""
        if self.finished:
            return
        message = _("done") if message is None else message
        self.finished = True
        if self._display is not None:
            self._display.show(self.done, self.total, self.message, finished=True)
            return
        if self._tty():
            self.stream.write("\n")
        self.stream.write(f"{self.label}: {message}\n")
        self.stream.flush()

    def text(self) -> str:
        """The one-line text form, for instance ``'image [#####-----] 1/2 building'``."""
        if self.total:
            filled = round(WIDTH * self.done / self.total)
            bar = f"[{'#' * filled}{'-' * (WIDTH - filled)}] {self.done}/{self.total}"
        else:
            bar = _("step {n}").format(n=self.done)
        return f"{self.label} {bar} {self.message}".rstrip()

    def _tty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def _show(self) -> None:
        if self._display is not None:
            self._display.show(self.done, self.total, self.message)
        elif self._tty():
            self.stream.write("\r\x1b[2K" + self.text())
            self.stream.flush()
        else:
            self.stream.write(self.text() + "\n")
            self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        self.close(_("done") if exc_type is None else _("stopped by an error"))


def percent_bar(label: str, shown: bool = True) -> tuple[Callable[[int, str], None], Callable[[], None]]:
    """A bar that follows a percentage: ``(update, close)``, where ``update(percent, line)`` moves it.

    Repeated updates with the same percent and line are shown once; with ``shown=False`` both do nothing.
    """
    bar = ProgressBar(label, total=100) if shown else None
    last: list[Any] = [-1, ""]

    def update(value: int, line: str) -> None:
        if bar is not None and [value, line] != last:
            bar.advance(line, steps=value - bar.done)
            last[:] = [value, line]

    def close() -> None:
        if bar is not None:
            bar.close()

    return update, close


def wanted() -> bool:
    """Whether to show progress by default: in Jupyter, or on an interactive terminal."""
    return in_jupyter() or sys.stderr.isatty()


def run_many(lab: Any, names: list[str], *, progress: bool | ProgressBar | None = None, **kwargs: Any) -> list[Any]:
    """Run several containers alike (``lab.run(name, **kwargs)`` each), showing a progress bar.

    Returns the :class:`~dockerlab.lab.ContainerHandle` of each, in order.
    ``progress``: a :class:`ProgressBar` to use, True or False to show one
    or not; by default one is shown in Jupyter and on a terminal.
    """
    names = list(names)
    bar = progress if isinstance(progress, ProgressBar) else None
    if progress is True or (progress is None and wanted()):
        label = _("starting {n} containers").format(n=len(names))
        bar = ProgressBar(label, total=len(names))
    handles = []
    try:
        for name in names:
            handles.append(lab.run(name, **kwargs))
            if bar is not None:
                bar(_("{name} running").format(name=name))
    except BaseException:
        if bar is not None:
            bar.close(_("stopped by an error"))
        raise
    if bar is not None:
        bar.close()
    return handles
