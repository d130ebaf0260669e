"""nbval runs the Chinese edition in Chinese.

The Chinese notebooks were built with ``DOCKERLAB_LANG=zh-CN`` (``tools/build_notebooks.py``),
so that the library's output is Chinese. nbval starts one kernel per notebook, which inherits
this process's environment: setting the variable before each of this folder's cells is set up
gives the notebook's kernel Chinese, and putting back English after it leaves every other test
as it was (``tests/conftest.py`` pins the session to English).

(This file lives here rather than in ``notebooks/``: a ``conftest`` module loaded at start-up
from there would shadow ``tests/conftest.py`` when pytest collects that one for its doctests.)
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.path.suffix == ".ipynb":
        os.environ["DOCKERLAB_LANG"] = "zh-CN"


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if item.path.suffix == ".ipynb":
        os.environ["DOCKERLAB_LANG"] = "en"
