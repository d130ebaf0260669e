"""One bounded poll, for every "wait until it is ready" in the package.

Never ``time.sleep(n)`` and hope: ask, back off, and give up at a deadline.

>>> poll(lambda: 42, timeout=1)
42
>>> poll(lambda: None, timeout=0.05) is None
True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(check: Callable[[], T | None], timeout: float, *, delay: float = 0.02, max_delay: float = 0.5) -> T | None:
    """Call ``check`` until it returns something other than None, for at most ``timeout`` seconds.

    The pause between calls doubles from ``delay`` up to ``max_delay``.
    ``check`` is always called at least once, and once more at the deadline.
    Returns its value, or None when time ran out.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None:
            return value
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        time.sleep(min(delay, left))
        delay = min(delay * 2, max_delay)


def wait_until(
    check: Callable[[], T | None],
    timeout: float,
    fail: Callable[[], Exception],
    *,
    delay: float = 0.02,
    max_delay: float = 0.5,
) -> T:
    """:func:`poll`, raising ``fail()`` when time runs out.

    >>> wait_until(lambda: None, 0.05, lambda: TimeoutError("never ready"))
    Traceback (most recent call last):
    TimeoutError: never ready
    """
    value = poll(check, timeout, delay=delay, max_delay=max_delay)
    if value is None:
        raise fail()
    return value


__all__ = ["poll", "wait_until"]
