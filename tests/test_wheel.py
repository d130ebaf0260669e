"""The tutorial from a wheel, in a fresh environment, with no clone at hand.

The wheel is built once per session and installed with its ``notebooks`` extra into a new virtual
environment (tests/wheelenv.py, the ``wheel_env`` fixture, which tests/test_browser.py shares). From it,
in an empty folder elsewhere, ``dockerlab tutorial`` makes the learner's copy: in both editions no
outputs, blanks in every prediction, no solutions. Executed on the simulator, a learner's notebook
stops at its first unanswered prediction with a short request in its edition's language (the machine's
locale C.UTF-8, no DOCKERLAB_LANG); with the blanks filled it runs to its end. Another test opens
JupyterLab from it (``--no-browser``), whose settings API shows the quiet defaults the wheel installed,
and runs notebook 01, its predictions filled in, on the real engine. The other tests check the copy's
rules in this checkout's environment.
"""

from __future__ import annotations

import ast
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
from pathlib import Path

import pytest

from dockerlab import cli
from dockerlab.errors import DockerlabError, PredictionMissing
from dockerlab.i18n import _, language
from dockerlab.teaching import learner, tutorial

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: Run as root without the capabilities that let root write anywhere (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
#: folders owned by nobody are then closed to it, while the checkout (root's, wherever CI cloned it) stays open.
NO_OVERRIDE = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
#: Each edition's folder, relative to the tutorial's root.
EDITIONS = {"en": Path("notebooks"), "zh-CN": Path("notebooks/zh-CN")}
#: The settings files the wheel carries for ``dockerlab tutorial --lang`` (setup.py's SETTINGS).
SETTINGS_FILES = {p.relative_to(ROOT).as_posix() for p in (ROOT / "scripts" / "jupyterlab").glob("*.json")}


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


def _notebook(marker: str) -> str:
    """A small valid notebook (nbformat 4) whose one code cell says ``marker``."""
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": [marker]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_changed_notebook_is_kept_an_untouched_one_updated_and_force_replaces(tmp_path):
    package = tmp_path / "package"
    ignore = shutil.ignore_patterns("source", "*.py", ".ipynb_checkpoints")
    shutil.copytree(NOTEBOOKS, package / "notebooks", ignore=ignore)
    learner_dir = tmp_path / "learner"
    first = tutorial.copy(learner_dir, root=package)
    assert sorted(first.copied) == [p.as_posix() for p in tutorial.files(package, teacher=False)]
    one, three = Path("notebooks/01_two_containers.ipynb"), Path("notebooks/03_link.ipynb")
    (learner_dir / one).write_text("my own notes")
    (package / one).write_text(_notebook("newer = 1"))
    (package / three).write_text(_notebook("newer = 3"))
    second = tutorial.copy(learner_dir, root=package)
    assert second.kept == [one.as_posix()] and second.updated == [three.as_posix()]
    assert (learner_dir / one).read_text() == "my own notes"
    assert "newer = 3" in (learner_dir / three).read_text()
    assert any("--force" in line for line in second.lines())
    third = tutorial.copy(learner_dir, root=package, force=True)
    assert third.replaced == [one.as_posix()]
    assert "newer = 1" in (learner_dir / one).read_text()
    assert sorted(tutorial.copy(learner_dir, root=package).unchanged) == sorted(third.unchanged + third.replaced)


def test_a_copy_made_before_learners_copies_is_brought_up_to_date_unless_changed(tmp_path):
    """A folder an older dockerlab filled with the executed notebooks: the untouched ones become the learner's."""
    package = tmp_path / "package"
    shutil.copytree(NOTEBOOKS, package / "notebooks", ignore=shutil.ignore_patterns("source", "*.py"))
    old = tmp_path / "learner"
    teachers = tutorial.copy(old, root=package, teacher=True)  # byte for byte, as dockerlab copied before
    assert "notebooks/exercises/solutions/ex01_one_way_names.ipynb" in teachers.copied
    (old / "notebooks" / "02_addresses_change_names_fail.ipynb").write_text("my own notes")
    report = tutorial.copy(old, root=package)
    assert "notebooks/01_two_containers.ipynb" in report.updated
    assert report.kept == ["notebooks/02_addresses_change_names_fail.ipynb"]
    assert learner.blanks_in(json.loads((old / "notebooks" / "01_two_containers.ipynb").read_text()))


def test_the_learners_copy_has_no_outputs_blank_predictions_and_no_solutions(tmp_path):
    report = tutorial.copy(tmp_path / "learner", root=ROOT)
    folder = report.folder
    assert not list(folder.rglob("solutions"))
    for lang, edition in EDITIONS.items():
        for reference in sorted((ROOT / edition).glob("0*.ipynb")):
            copied = json.loads((folder / edition / reference.name).read_text())
            codes = [c for c in copied["cells"] if c["cell_type"] == "code"]
            assert all(c["outputs"] == [] and c["execution_count"] is None for c in codes), (lang, reference.name)
            predictions = learner.predictions_in(json.loads(reference.read_text()))
            assert learner.blanks_in(copied) == predictions, (lang, reference.name)
            # nothing but the predictions' values changed
            reference_codes = [c for c in json.loads(reference.read_text())["cells"] if c["cell_type"] == "code"]
            for mine, theirs in zip(codes, reference_codes, strict=True):
                if "mine" not in "".join(mine["source"]):
                    assert mine["source"] == theirs["source"]
    predicted = [n for n in (ROOT / "notebooks").glob("0*.ipynb") if learner.predictions_in(json.loads(n.read_text()))]
    assert len(predicted) >= 8, predicted  # the series asks for a prediction in most chapters


def test_a_prediction_is_blanked_however_it_is_laid_out():
    source = 'x = 1\nmine = {\n    ("web", "db"): True,  # 网\n    ("db", "web"): not True,\n}\nlab.compare(mine)\n'
    blank = learner.blank_predictions(source)
    assert blank == 'x = 1\nmine = {\n    ("web", "db"): ...,  # 网\n    ("db", "web"): ...,\n}\nlab.compare(mine)\n'
    tree = ast.parse(blank)
    assert all(isinstance(v, ast.Constant) and v.value is Ellipsis for v in tree.body[1].value.values)
    for untouched in ("%time mine = {1: 2}", "other = {('a', 'b'): True}", "mine[('a', 'b')] = True"):
        assert learner.blank_predictions(untouched) == untouched


def test_a_teacher_gets_the_reference_copies_and_the_solutions(tmp_path, capsys):
    assert cli.main(["tutorial", str(tmp_path / "t"), "--teacher", "--copy-only"]) == cli.OK
    assert "Do not hand it out" in capsys.readouterr().out
    for rel in tutorial.files(ROOT):
        assert (tmp_path / "t" / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    assert (tmp_path / "t" / "notebooks" / "exercises" / "solutions").is_dir()


def test_lang_zh_cn_opens_the_chinese_edition_with_jupyterlabs_chinese_interface(tmp_path, capsys):
    assert cli.main(["tutorial", str(tmp_path / "t"), "--lang", "zh-CN", "--copy-only"]) == cli.OK
    out = capsys.readouterr().out
    settings = tmp_path / "t" / tutorial.APP_SETTINGS / "zh-CN"
    assert f"--LabApp.app_settings_dir={settings}" in out
    assert f"--ServerApp.preferred_dir={tmp_path / 't' / 'notebooks' / 'zh-CN'}" in out
    shipped = ROOT / "scripts" / "jupyterlab"
    assert (settings / "overrides.d" / "zh-CN.json").read_text() == (shipped / "zh-CN.json").read_text()
    assert (settings / "overrides.json").read_text() == (shipped / "overrides.json").read_text()
    assert cli.main(["tutorial", str(tmp_path / "t"), "--lang", "fr", "--copy-only"]) == cli.PROBLEMS
    assert "choose one of en, zh-CN" in capsys.readouterr().err


def test_scripts_tutorial_sh_opens_the_learners_copy_through_dockerlab_tutorial():
    """One way to open the tutorial: the script sets up the machine, then runs `dockerlab tutorial --lang`."""
    script = (ROOT / "scripts" / "tutorial.sh").read_text()
    assert 'dockerlab tutorial "$folder" --lang "$lang"' in script
    assert "--notebook-dir" not in script and "app_settings_dir" not in script


def test_a_blank_prediction_stops_before_the_engine_with_a_short_message_in_the_learners_language():
    from dockerlab.engines.sim import SimClient
    from dockerlab.lab import Lab

    class Untouchable:
        def __getattr__(self, name: str):
            raise AssertionError(f"the engine was touched: {name}")

    lab = Lab("blank", client=SimClient(), echo=False)
    lab._client = Untouchable()  # from now on, any engine call fails the test
    for lang, words in (("en", "Write your prediction first"), ("zh-CN", "请先写下你的预测")):
        with language(lang), pytest.raises(PredictionMissing) as caught:
            lab.compare(mine={("tomcat1", "mysql1"): ..., ("mysql1", "tomcat1"): True})
        shown = caught.value._render_traceback_()
        assert shown[0].startswith(words) and "tomcat1 → mysql1" in shown[-1] and len(shown) == 3
        assert not any("Traceback" in line or "File " in line for line in shown)
    with language("zh-CN"):
        assert _("Still blank: {pairs}") == "仍是空白：{pairs}"


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


#: Run in the wheel's environment: execute a notebook with nbclient (its folder as the kernel's working directory,
#: as JupyterLab sets it) until its end or its first error. With a reference notebook, each blank prediction is
#: first filled in with the reference's (as a learner would, with their own). Prints what happened, as JSON.
RUN = """
import json, sys, nbformat, nbclient
from nbclient.exceptions import CellExecutionError
path, cwd, reference = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ''
nb = nbformat.read(path, as_version=4)
if reference:
    for cell, theirs in zip(nb.cells, nbformat.read(reference, as_version=4).cells, strict=True):
        if cell.cell_type == 'code' and 'mine' in cell.source and '...' in cell.source:
            cell.source = theirs.source
client = nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': cwd}})
try:
    client.execute()
except CellExecutionError:
    pass
codes = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == 'code']
errors = [dict(cell=i, ename=o['ename'], evalue=o['evalue'], traceback=o['traceback'])
          for i, c in codes for o in c.get('outputs', []) if o.get('output_type') == 'error']
texts = [o.get('text', '') + o.get('data', {}).get('text/plain', '') for i, c in codes for o in c.get('outputs', [])]
print(json.dumps({'cells': len(codes), 'ran': [i for i, c in codes if c.get('execution_count')],
                  'errors': errors, 'texts': texts}))
"""


def run_notebook(wheel_env, notebook: Path, env: dict[str, str], reference: Path | None = None) -> dict:
    """Execute ``notebook`` in the wheel's environment (:data:`RUN`); what happened."""
    argv = [str(wheel_env.python), "-c", RUN, str(notebook), str(notebook.parent)]
    done = subprocess.run(
        [*argv, *([str(reference)] if reference else [])],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=notebook.parent,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


#: The first words of the request to predict first, by edition (as errors.PredictionMissing writes it).
WRITE_FIRST = {"en": "Write your prediction first", "zh-CN": "请先写下你的预测"}


@pytest.mark.slow
def test_the_learners_copy_from_a_wheel_stops_at_the_first_prediction_in_its_editions_language(wheel_env, tmp_path):
    """On a C.UTF-8 machine, with DOCKERLAB_LANG saying the other language: each edition speaks its own."""
    folder = tmp_path / "copy"
    env = {k: v for k, v in wheel_env.env.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env.update(LANG="C.UTF-8", DOCKERLAB_ENGINE="sim")
    done = subprocess.run(
        [str(wheel_env.dockerlab), "tutorial", str(folder), "--copy-only"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=wheel_env.home,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert not list(folder.rglob("solutions")) and not list(folder.rglob("*.py"))
    for lang, edition in EDITIONS.items():
        notebooks = sorted((folder / edition).glob("0*.ipynb"))
        assert len(notebooks) == len(list((ROOT / edition).glob("0*.ipynb"))) >= 10, lang
        for path in [*notebooks, *sorted((folder / edition / "exercises").glob("ex*.ipynb"))]:
            nb = json.loads(path.read_text())
            assert all(c.get("outputs", []) == [] for c in nb["cells"]), path
            assert learner.blanks_in(nb) == learner.predictions_in(nb), path

    for lang, edition in EDITIONS.items():
        other = "en" if lang == "zh-CN" else "zh-CN"
        copied, reference = folder / edition / "01_two_containers.ipynb", ROOT / edition / "01_two_containers.ipynb"
        stopped = run_notebook(wheel_env, copied, {**env, "DOCKERLAB_LANG": other})
        first = learner.predictions_in(json.loads(copied.read_text()))[0]
        (error,) = stopped["errors"]
        assert error["ename"] == "PredictionMissing", error
        assert error["cell"] == first + 1, (error, first)  # the cell that compares, right after the prediction
        shown = "\n".join(error["traceback"])
        assert shown.startswith(WRITE_FIRST[lang]) and "tomcat1 → mysql1" in shown, shown
        assert "Traceback" not in shown and "File " not in shown and len(error["traceback"]) <= 4, shown
        assert max(stopped["ran"]) == error["cell"]  # "Run All" stopped there
        if lang == "zh-CN":  # what the library printed before is Chinese too
            assert not any("Lab " in text or "reachable" in text for text in stopped["texts"]), stopped["texts"]
        filled = run_notebook(wheel_env, copied, {**env, "DOCKERLAB_LANG": other}, reference)
        assert filled["errors"] == [] and len(filled["ran"]) == filled["cells"], filled["errors"]


@pytest.mark.integration
@pytest.mark.engine_only
@pytest.mark.slow
def test_from_a_wheel_in_a_fresh_environment_notebook_01_runs(engine, wheel_env, tmp_path):
    began = time.monotonic()
    names = wheel_env.names
    assert any(n.endswith("/share/jupyter/lab/settings/overrides.d/dockerlab.json") for n in names)
    assert wheel_env.shipped == {p.as_posix() for p in tutorial.files(ROOT)} | SETTINGS_FILES
    home = wheel_env.home
    env = dict(wheel_env.env)
    port, token = _free_port(), secrets.token_hex(16)
    server = [f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    lab = subprocess.Popen(
        [str(wheel_env.dockerlab), "tutorial", "--no-browser", "--", f"--port={port}", *server],
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
    assert {p.as_posix() for p in tutorial.files(folder)} == {p.as_posix() for p in tutorial.files(ROOT, teacher=False)}
    for rel in tutorial.files(ROOT, teacher=False):
        assert (folder / rel).read_bytes() == tutorial.content(ROOT / rel), rel

    notebooks = folder / "notebooks"
    result = run_notebook(wheel_env, notebooks / "01_two_containers.ipynb", env, NOTEBOOKS / "01_two_containers.ipynb")
    assert result["errors"] == [] and result["cells"] > 5, result["errors"]
    print(
        f"wheel {wheel_env.seconds['wheel']:.1f} s, install {wheel_env.seconds['install']:.1f} s (shared), "
        f"JupyterLab {opened - began:.1f} s, notebook 01 {time.monotonic() - opened:.1f} s"
    )
