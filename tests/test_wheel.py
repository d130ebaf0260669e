"""The tutorial from a wheel, in a fresh environment, with no clone at hand.

One test does what a learner does: the wheel is built from a copy of the
sources, installed with its ``notebooks`` extra into a new virtual environment
(pip's cache makes that about 25 s here; ``--no-compile`` and pip run from
outside the environment keep it short), and in an empty folder elsewhere
``dockerlab tutorial`` copies the series and opens JupyterLab (``--no-browser``),
whose settings API shows the quiet defaults the wheel installed. Then notebook
01 is executed from the copied files on the real engine: no cell may end in an
error. The other tests check the copy's rules in this checkout's environment.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from dockerlab import cli
from dockerlab.errors import DockerlabError
from dockerlab.teaching import tutorial

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: What a build reads from the checkout (pyproject.toml, setup.py and MANIFEST.in say how).
#: Run as root without the capabilities that let root write anywhere (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
#: folders owned by nobody are then closed to it, while the checkout (root's, wherever CI cloned it) stays open.
NO_OVERRIDE = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
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


def test_setup_py_copies_what_dockerlab_tutorial_copies():
    namespace: dict = {"__file__": str(ROOT / "setup.py"), "__name__": "not_main"}
    text = (ROOT / "setup.py").read_text().replace("setup(cmdclass", "dict(cmdclass")
    exec(compile(text, "setup.py", "exec"), namespace)  # defines PATTERNS without building anything
    assert namespace["PATTERNS"] == tutorial.PATTERNS


def test_the_wheels_jupyterlab_defaults_are_the_scripts():
    shipped = json.loads((ROOT / "scripts" / "jupyterlab" / "overrides.d" / "dockerlab.json").read_text())
    assert shipped == json.loads((ROOT / "scripts" / "jupyterlab" / "overrides.json").read_text())


def test_a_checkout_reads_its_own_notebooks():
    """An editable install (scripts/*.sh, environment.yml's `-e .`) copies the checkout's notebooks/."""
    assert tutorial.source() == ROOT
    names = {p.as_posix() for p in tutorial.files(ROOT)}
    expected = {"00_setup.ipynb", "01_two_containers.ipynb", "sanitize.cfg", "exercises/ex01_one_way_names.ipynb"}
    assert {f"notebooks/{n}" for n in expected} <= names
    assert "notebooks/exercises/solutions/ex01_one_way_names.ipynb" in names
    assert "notebooks/zh-CN/exercises/solutions/ex01_one_way_names.ipynb" in names  # both editions' exercises
    assert {f"notebooks/zh-CN/{p.name}" for p in (NOTEBOOKS / "zh-CN").glob("*.ipynb")} <= names


def test_a_changed_notebook_is_kept_an_untouched_one_updated_and_force_replaces(tmp_path):
    package = tmp_path / "package"
    ignore = shutil.ignore_patterns("source", "*.py", ".ipynb_checkpoints")
    shutil.copytree(NOTEBOOKS, package / "notebooks", ignore=ignore)
    learner = tmp_path / "learner"
    first = tutorial.copy(learner, root=package)
    assert sorted(first.copied) == [p.as_posix() for p in tutorial.files(package)]
    one, three = Path("notebooks/01_two_containers.ipynb"), Path("notebooks/03_link.ipynb")
    (learner / one).write_text("my own notes")
    (package / one).write_text('{"newer": true}')
    (package / three).write_text('{"newer": true}')
    second = tutorial.copy(learner, root=package)
    assert second.kept == [one.as_posix()] and second.updated == [three.as_posix()]
    assert (learner / one).read_text() == "my own notes"
    assert (learner / three).read_text() == '{"newer": true}'
    assert any("--force" in line for line in second.lines())
    third = tutorial.copy(learner, root=package, force=True)
    assert third.replaced == [one.as_posix()]
    assert (learner / one).read_text() == '{"newer": true}'


def test_a_folder_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert cli.main(["tutorial", str(target), "--copy-only"]) == cli.PROBLEMS
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "mine"


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
@pytest.mark.slow
def test_a_folder_without_write_permission_is_refused():
    """A folder it may not create, one it may not write: both owned by nobody, and the learner without root's
    power to write anywhere (as a learner is)."""
    tmp_path = Path(tempfile.mkdtemp(prefix="dockerlab-test-"))
    tmp_path.chmod(0o755)
    request = [tmp_path]
    (tmp_path / "theirs").mkdir(mode=0o755)
    for folder in (tmp_path, tmp_path / "theirs"):
        os.chown(folder, 65534, 65534)
    for target, words in ((tmp_path / "new", "Cannot create the folder"), (tmp_path / "theirs", "may not write into")):
        done = subprocess.run(
            [*NO_OVERRIDE, sys.executable, "-m", "dockerlab", "tutorial", str(target), "--copy-only"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd="/",
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert done.returncode == cli.PROBLEMS, done.stderr
        assert words in done.stderr and "Traceback" not in done.stderr
    assert list((tmp_path / "theirs").iterdir()) == [] and not (tmp_path / "new").exists()
    shutil.rmtree(request[0])


def test_errors_are_dockerlabs():
    assert issubclass(tutorial.TutorialError, DockerlabError)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.mark.integration
@pytest.mark.engine_only
@pytest.mark.slow
def test_from_a_wheel_in_a_fresh_environment_notebook_01_runs(engine, tmp_path):
    began = time.monotonic()
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info", "build")
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(wheels), str(src)], check=True, timeout=300)
    (wheel,) = wheels.glob("dockerlab-*.whl")
    with zipfile.ZipFile(wheel) as z:
        shipped = {n.removeprefix("dockerlab/tutorial/") for n in z.namelist() if n.startswith("dockerlab/tutorial/")}
        assert any(n.endswith("/share/jupyter/lab/settings/overrides.d/dockerlab.json") for n in z.namelist())
    assert shipped == {p.as_posix() for p in tutorial.files(ROOT)}
    built = time.monotonic()

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-compile", f"{wheel}[notebooks]"], check=True, timeout=600
    )
    installed = time.monotonic()

    home = tmp_path / "learner"  # no clone here: only the installed package
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"), JUPYTER_DATA_DIR=str(home / ".local"))
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    port, token = _free_port(), secrets.token_hex(16)
    server = [f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    lab = subprocess.Popen(
        [str(venv / "bin" / "dockerlab"), "tutorial", "--no-browser", "--", f"--port={port}", *server],
        cwd=home,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        folder = home / tutorial.DEFAULT_DIR
        settings = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/apputils-extension:notification"
                settings = _get(f"{url}?token={token}")
                break
            except OSError:
                time.sleep(0.5)
        assert settings is not None, lab.stdout.read() if lab.poll() is not None else "JupyterLab did not answer"
        defaults = {k: v.get("default") for k, v in settings["schema"]["properties"].items()}
        assert (
            defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
        )  # JupyterLab's are "none", true
        status = _get(f"http://127.0.0.1:{port}/api/contents?token={token}")
        assert "notebooks" in {item["name"] for item in status["content"]}
    finally:
        lab.terminate()
        out, _err = lab.communicate(timeout=30)
    opened = time.monotonic()
    assert f"Tutorial in {folder}" in out
    assert {p.as_posix() for p in tutorial.files(folder)} == shipped
    for rel in tutorial.files(ROOT):
        assert (folder / rel).read_bytes() == (ROOT / rel).read_bytes(), rel

    run = (
        "import json, sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', allow_errors=True,\n"
        "    resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "errors = [o.get('ename', '') + ': ' + o.get('evalue', '') for c in nb.cells if c.cell_type == 'code'\n"
        "    for o in c.get('outputs', []) if o.get('output_type') == 'error']\n"
        "print(json.dumps({'cells': sum(c.cell_type == 'code' for c in nb.cells), 'errors': errors}))\n"
    )
    done = subprocess.run(
        [str(python), "-c", run, str(folder / "notebooks" / "01_two_containers.ipynb"), str(folder / "notebooks")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=folder / "notebooks",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == [] and result["cells"] > 5, result
    print(
        f"wheel {built - began:.1f} s, install {installed - built:.1f} s, JupyterLab {opened - installed:.1f} s, "
        f"notebook 01 {time.monotonic() - opened:.1f} s"
    )
