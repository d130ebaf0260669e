"""The wheel carries the tutorial (everything else is in pyproject.toml).

At build time the notebooks (every language edition: notebooks/*.ipynb, notebooks/zh-CN/*.ipynb),
the exercises with their solutions (both editions) and nbval's sanitize file are copied into the
package as dockerlab/tutorial/notebooks/ (JupyterLab's settings files as dockerlab/tutorial/scripts/jupyterlab/),
where `dockerlab tutorial` finds them (dockerlab.teaching.tutorial.PATTERNS
says what it copies; this copies the same). The repository keeps them where they are, for the
README's two commands and nbval; an editable install (`pip install -e .`) reads them there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: As dockerlab.teaching.tutorial.PATTERNS (tests/test_wheel.py checks it), relative to the checkout's root.
PATTERNS = (
    "notebooks/*.ipynb",
    "notebooks/*/*.ipynb",
    "notebooks/exercises/*/*.ipynb",
    "notebooks/*/exercises/*.ipynb",
    "notebooks/*/exercises/*/*.ipynb",
    "notebooks/sanitize.cfg",
)
#: JupyterLab's settings files, which `dockerlab tutorial --lang zh-CN` copies for the Chinese interface
#: (as dockerlab.teaching.tutorial.SETTINGS says where).
SETTINGS = ("scripts/jupyterlab/*.json",)


class BuildWithTutorial(build_py):
    """build_py, then the tutorial's files into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "dockerlab" / "tutorial"
        for pattern in (*PATTERNS, *SETTINGS):
            for src in sorted(ROOT.glob(pattern)):
                if src.is_file() and ".ipynb_checkpoints" not in src.parts:
                    dest = target / src.relative_to(ROOT)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dest)


setup(cmdclass={"build_py": BuildWithTutorial})
