"""environment.yml (conda) and pyproject.toml (pip) ask for the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"docker": "docker-py"}
SPEC = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def split(requirement: str) -> tuple[str, str]:
    name, version = SPEC.match(requirement.strip()).groups()
    return name.lower(), version.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return dict(split(r) for r in reqs)


def conda_requirements() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            name, version = split(dep)
            conda[name] = version
    return conda, pip


def test_every_pyproject_requirement_is_in_environment_yml_with_the_same_bound():
    conda, pip = conda_requirements()
    pip_names = {split(p)[0]: split(p)[1] for p in pip if not p.startswith("-e")}
    missing, differ = [], []
    for name, version in pyproject_requirements().items():
        key = CONDA_NAMES.get(name, name)
        have = conda.get(key, pip_names.get(name))
        if have is None:
            missing.append(name)
        elif have != version:
            differ.append(f"{name}: pyproject {version!r} vs environment.yml {have!r}")
    assert missing == [] and differ == []


def test_environment_yml_installs_the_package_itself_and_python_311():
    conda, pip = conda_requirements()
    assert "-e ." in pip
    assert conda["python"] == ">=3.11"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"


def test_environment_yml_asks_for_nothing_pyproject_does_not():
    conda, _ = conda_requirements()
    known = {CONDA_NAMES.get(n, n) for n in pyproject_requirements()} | {"python", "pip"}
    assert set(conda) - known == set()
