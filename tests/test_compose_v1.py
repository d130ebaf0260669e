"""Compose v1 (Debian 12's docker-compose 1.29.2), where it is installed: its canonical form and its
container names (``project_service_1``), predicted and then measured as for v2 (tests/test_compose.py).

Its projects come up once tests/test_compose.py's are down: Docker's default address pools are shared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_compose import DATA, TAG, brought_up, check_file, compared, environment

from dockerlab.setups import analyse, compose

#: The files Compose v1 brings up.
V1_FILES = ["article.yml", "internal.yml", "legacy_links.yml", "shared_stack.yml", "two_networks.yml"]
V1 = ["docker-compose"] if shutil.which("docker-compose") else None

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.engine_only,
    pytest.mark.skipif(V1 is None, reason="Compose v1 (docker-compose) is not installed"),
]


@pytest.fixture(scope="module")
def v1_projects(engine):
    """The v1 files, up in parallel: ``v1:FILE`` -> project name, variables, Compose CLI."""
    assert V1 is not None
    env = environment(engine, f"{TAG}v1")
    made = {f"v1:{f}": (f"dlab-cmp-{TAG}-v1-{Path(f).stem.replace('_', '-')}", env, V1) for f in V1_FILES}
    with brought_up(engine, made):
        yield made


@pytest.mark.parametrize("file", V1_FILES)
def test_compose_v1_too(v1_projects, engine, file: str) -> None:
    """Predicted from v1's canonical form, measured after v1's up; then the file read by v2 against the same
    containers, matched by Compose's labels."""
    check_file(engine, f"v1:{file}", *v1_projects[f"v1:{file}"])
    name, env, _command = v1_projects[f"v1:{file}"]
    project = compose.load(DATA / file, name, env=env)
    comparison = compared(lambda: analyse.compare_project(project, analyse.inspect_engine(engine, project=name)))
    assert comparison.ok and "_1" in str(comparison), str(comparison)
