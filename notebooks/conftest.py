"""nbval runs each edition of the series in its own language.

The Chinese notebooks (``notebooks/zh-CN/``) were built with ``DOCKERLAB_LANG=zh-CN``
and the English ones with ``en`` (``tools/build_notebooks.py``), so that the library's
output is in the edition's language. nbval starts one kernel per notebook, which
inherits this process's environment: setting the variable before the notebook's
first cell is set up gives its kernel the edition's language, whatever the
machine's locale says.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHINESE = Path(__file__).resolve().parent / "zh-CN"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if Path(str(item.fspath)).suffix == ".ipynb":
        os.environ["DOCKERLAB_LANG"] = "zh-CN" if CHINESE in Path(str(item.fspath)).resolve().parents else "en"
