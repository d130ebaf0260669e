"""The wheel in a fresh virtual environment, built and installed once per session (tests/conftest.py's ``wheel_env``).

A learner's set-up: the wheel is built from a copy of the sources, installed with its ``notebooks`` extra
into a new virtual environment (pip's cache makes that about 25 s here; ``--no-compile`` and pip run from
outside the environment keep it short). tests/test_wheel.py and tests/test_browser.py share it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What a build reads from the checkout (pyproject.toml, setup.py and MANIFEST.in say how).
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "dockerlab",
    "notebooks",
    "scripts",
)


@dataclass
class WheelEnv:
    """A virtual environment with the wheel installed, and an environment for its processes (no clone at hand)."""

    wheel: Path
    venv: Path
    home: Path
    #: The wheel's files under dockerlab/tutorial/, relative to it.
    shipped: set[str]
    #: The variables for a learner's process: this environment's bin first, HOME and Jupyter's folders in ``home``.
    env: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def dockerlab(self) -> Path:
        return self.venv / "bin" / "dockerlab"


def build(base: Path) -> WheelEnv:
    """Build the wheel from a copy of the sources under ``base``, install it into ``base/venv``."""
    began = time.monotonic()
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info", "build")
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    wheels = base / "wheels"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(wheels), str(src)], check=True, timeout=300)
    (wheel,) = wheels.glob("dockerlab-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    shipped = {n.removeprefix("dockerlab/tutorial/") for n in names if n.startswith("dockerlab/tutorial/")}
    built = time.monotonic()

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    subprocess.run(
        [*pip, "--python", str(venv / "bin" / "python"), "install", "-q", "--no-compile", f"{wheel}[notebooks]"],
        check=True,
        timeout=600,
    )
    installed = time.monotonic()
    home = base / "learner"  # no clone here: only the installed package
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"), JUPYTER_DATA_DIR=str(home / ".local"))
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    found = WheelEnv(wheel, venv, home, shipped, env)
    found.seconds = {"wheel": built - began, "install": installed - built}
    found.names = names  # type: ignore[attr-defined]
    return found
