"""The classroom on this machine: two learners, each with a Unix user and a rootless engine of their own.

One classroom (module-scoped) serves every test here, in one xdist group (tests/conftest.py): making
it costs a few seconds, each engine one more. The learners act as themselves (``runuser``), with the
docker CLI, as they would from a terminal in JupyterLab. Needs root, a real engine (whose lab image is
loaded into the learners' engines) and Debian's dockerd-rootless.sh; skipped otherwise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dockerlab.classroom import ClassroomError, accounts, engine, hub, room, roster
from dockerlab.classroom import state as classroom_state
from dockerlab.cli import main
from dockerlab.teaching import learner

pytestmark = [
    pytest.mark.engine_only,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="the classroom needs root"),
    pytest.mark.skipif(
        not (engine.CONTRIB / "dockerd-rootless.sh").is_file(), reason="no dockerd-rootless.sh (Debian's docker.io)"
    ),
]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
A, B = "dlab-testa", "dlab-testb"
IMAGE = "dockerlab/labbox:0.1.0"
#: B's listener, on a subnet both learners' engines have (inside their own namespaces).
LISTENER = "10.213.0.2"
IDLE = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"


def as_learner(user: str, *command: str, docker_host: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as ``user``, in a clean environment pointing at their own engine (or ``docker_host``)."""
    acct = accounts.account(user)
    assert acct is not None
    env = {
        "HOME": str(acct.home),
        "PATH": "/usr/bin:/bin",
        "DOCKER_HOST": docker_host or engine.docker_host(user),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
        check=False,
    )


def docker(user: str, *args: str) -> str:
    """``docker ARGS`` as ``user`` on their engine; its output (a failure fails the test)."""
    done = as_learner(user, "docker", *args)
    assert done.returncode == 0, f"docker {' '.join(args)} as {user}: {done.stderr}"
    return done.stdout.strip()


PASSWORDS = {A: "pass-of-a-1", B: "pass-of-b-2"}


@pytest.fixture(scope="module")
def classroom() -> Iterator[classroom_state.State]:
    """Two learners and JupyterHub on the loopback; their engines up, the lab image in them; purged at the end."""
    if classroom_state.load() is not None:
        pytest.skip("a classroom is up on this machine already")
    learners = roster.parse([f"testa {PASSWORDS[A]}", f"testb {PASSWORDS[B]}"])
    current = room.up(learners, port=hub.free_port(), say=lambda _line: None)
    try:
        room.start_engines(current.users)
        yield current
    finally:
        if classroom_state.load() is not None:
            room.down(purge=True, say=lambda _line: None)


def test_every_learner_runs_the_articles_names_at_once(classroom: classroom_state.State) -> None:
    for user in (A, B):
        docker(user, "network", "create", "myBridge")
        for name in ("tomcat1", "mysql1"):
            docker(user, "run", "-d", "--name", name, "--network", "myBridge", IMAGE, "sh", "-c", IDLE)
    for user in (A, B):
        assert docker(user, "exec", "tomcat1", "ping", "-c", "1", "-W", "2", "mysql1").count("1 packets received")
        assert sorted(docker(user, "ps", "--format", "{{.Names}}").split()) == ["mysql1", "tomcat1"]
    for user in (A, B):  # (the notebook run later in B's browser makes them again, as a lab of its own)
        docker(user, "rm", "-f", "tomcat1", "mysql1")
        docker(user, "network", "rm", "myBridge")


def test_a_learner_cannot_open_anothers_socket_or_home(classroom: classroom_state.State) -> None:
    done = as_learner(A, "docker", "ps", docker_host=engine.docker_host(B))
    assert done.returncode != 0 and "permission denied" in done.stderr
    assert not as_learner(A, "ls", str(accounts.account(B).home)).returncode == 0  # type: ignore[union-attr]
    assert not as_learner(A, "ls", str(engine.runtime_dir(B))).returncode == 0


def test_a_learners_containers_cannot_reach_anothers_addresses(classroom: classroom_state.State) -> None:
    """The same subnet in both engines: B's listener answers B's client, and A's client at its address meets nobody.

    (The subnet is the same on purpose, so that A's packets stay inside A's namespace: no packet leaves.)
    """
    for user in (A, B):
        docker(user, "network", "create", "--subnet", "10.213.0.0/24", "probe")
    docker(B, "run", "-d", "--name", "listener", "--network", "probe", "--ip", LISTENER, IMAGE,
           "sh", "-c", "while :; do echo secret-of-b | nc -l -p 7000; done")  # fmt: skip
    ask = ["run", "--rm", "--network", "probe", "--ip", "10.213.0.3", IMAGE, "sh", "-c", f"nc -w 2 {LISTENER} 7000"]
    assert "secret-of-b" in docker(B, *ask)
    done = as_learner(A, "docker", *ask)
    assert "secret-of-b" not in done.stdout
    docker(B, "rm", "-f", "listener")  # (it ignores SIGTERM: down would wait 10 s for it)


def test_a_privileged_container_with_the_host_mounted_is_not_root_on_the_server(
    classroom: classroom_state.State,
) -> None:
    done = as_learner(A, "docker", "run", "--rm", "--privileged", "-v", "/:/host", IMAGE, "cat", "/host/etc/shadow")
    assert done.returncode != 0 and "Permission denied" in done.stderr
    assert "root:" not in done.stdout


def log_in(current: classroom_state.State, user: str) -> requests.Session:
    """A browser's session of ``user`` on the hub: the login form, then the xsrf token for the API."""
    session = requests.Session()
    base = hub.url(current.ip, current.port, "/hub")
    session.get(f"{base}/login", timeout=30).raise_for_status()
    xsrf = session.cookies["_xsrf"]
    answer = session.post(
        f"{base}/login",
        data={"username": user, "password": PASSWORDS[user], "_xsrf": xsrf},
        timeout=30,
        allow_redirects=False,  # (the redirect to /hub/spawn would start the server: the API does it here)
    )
    answer.raise_for_status()
    assert session.cookies.get("jupyterhub-hub-login"), f"{user} was not logged in"
    session.headers["X-XSRFToken"] = [c.value for c in session.cookies if c.name == "_xsrf"][-1]  # (a new one)
    session.headers["Referer"] = base
    return session


def test_the_hub_logs_learners_in_and_starts_only_their_own_server(classroom: classroom_state.State) -> None:
    """Through the hub's REST API, as a browser would: A's server starts as A, with A's engine in DOCKER_HOST."""
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{classroom.port}"], capture_output=True, text=True).stdout
    assert [line.split()[3] for line in listening.splitlines()] == [f"127.0.0.1:{classroom.port}"]
    api = hub.url(classroom.ip, classroom.port, "/hub/api")
    a = log_in(classroom, A)
    assert a.post(f"{api}/users/{B}/server", timeout=30).status_code in (403, 404)  # (the hub hides B: 404)
    assert a.post(f"{api}/users/{A}/server", timeout=180).status_code in (201, 202)
    rows = {row.user: row for row in room.status()}
    for _ in range(120):
        if rows[A].server:
            break
        rows = {row.user: row for row in room.status()}
        time.sleep(1)
    assert rows[A].server and rows[A].engine == "up" and rows[B].server is None
    server = [pid for pid in engine.leftovers([accounts.account(A).uid]) if b"jupyterhub-singleuser" in  # type: ignore[union-attr]
              Path(f"/proc/{pid}/cmdline").read_bytes()]  # fmt: skip
    assert server, "no jupyterhub-singleuser runs as A"
    environ = Path(f"/proc/{server[0]}/environ").read_bytes().split(b"\0")
    assert f"DOCKER_HOST={engine.docker_host(A)}".encode() in environ
    assert a.delete(f"{api}/users/{B}/server", timeout=30).status_code in (403, 404)
    assert a.delete(f"{api}/users/{A}/server", timeout=60).status_code in (202, 204)
    done = [row for row in room.status() if row.user == A]
    assert done[0].server is None


def answer_the_predictions(user: str, notebook: str) -> None:
    """Fill in the blank predictions of the learner's copy of ``notebook``, as the learner would before Run All
    (with the reference copy's answers); the file stays theirs."""
    acct = accounts.account(user)
    assert acct is not None
    path = acct.home / notebook
    mine = json.loads(path.read_text())
    assert learner.blanks_in(mine), f"{notebook}: the learner's copy has no blank prediction"
    reference = json.loads((ROOT / notebook.removeprefix("dockerlab-tutorial/")).read_text())
    path.write_text(json.dumps(learner.answered_as(mine, reference), indent=1, ensure_ascii=False) + "\n")


def test_a_learner_logs_in_on_the_hubs_page_and_runs_01_in_a_browser(classroom: classroom_state.State) -> None:
    """Headless Chromium: B signs in on the hub's login page, JupyterHub starts B's server (and engine),
    and notebook 01 of B's copy runs to its ping output on B's engine. The page reaches nothing but the hub."""
    from test_browser import CHROMIUM, CHROMIUM_FLAGS, PING_OUTPUT, _playwright

    sync_playwright = _playwright()
    started = int(time.time())
    outside: list[str] = []
    notebook = "dockerlab-tutorial/notebooks/01_two_containers.ipynb"
    answer_the_predictions(B, notebook)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            local = ("data:", "blob:", hub.url(classroom.ip, classroom.port, ""))
            context.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
            page = context.new_page()
            page.set_default_timeout(180_000)
            page.goto(hub.url(classroom.ip, classroom.port, "/hub/login"))
            page.fill("#username_input", B)
            page.fill("#password_input", PASSWORDS[B])
            page.screenshot(path=str(ARTIFACTS / "classroom-login.png"))
            page.click("#login_submit")
            page.wait_for_url(re.compile(rf"/user/{B}/lab"))
            page.goto(hub.url(classroom.ip, classroom.port, f"/user/{B}/lab/tree/{notebook}"))
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            page.locator(".jp-StatusBar-Item", has_text=re.compile(r"\| Idle$")).first.wait_for()
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            page.wait_for_function(
                """() => [...document.querySelectorAll('.jp-OutputArea-output')].some(o =>
                    o.textContent.includes('Traceback')) || [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
                    .every(c => /\\[\\d+\\]/.test(c.querySelector('.jp-InputArea-prompt')?.textContent || ''))""",
                timeout=300_000,
            )
            shot = page.screenshot()
            texts = page.locator(".jp-OutputArea-output").all_inner_texts()
        finally:
            browser.close()
    (ARTIFACTS / "classroom-jupyterlab.png").write_bytes(shot)
    if os.environ.get("DOCKERLAB_UPDATE_IMAGES") == "1":
        (ROOT / "docs/images/classroom-jupyterlab.png").write_bytes(shot)
    assert not [t for t in texts if "Traceback" in t], "a cell failed"
    assert any(PING_OUTPUT.search(t) for t in texts), "no ping output in the notebook's outputs"
    assert outside == [], f"the page tried to reach beyond the hub: {outside}"
    created = docker(B, "events", "--since", str(started), "--until", str(int(time.time()) + 1),
                     "--filter", "event=create", "--format", "{{.Actor.Attributes.name}}")  # fmt: skip
    assert "tomcat1" in created.split(), "the notebook's containers were not made on B's own engine"


def test_the_teacher_sees_status_and_progress_as_json(
    classroom: classroom_state.State, capsys: pytest.CaptureFixture[str]
) -> None:
    """B checks ex01 twice in a classroom server's environment; the teacher's two commands read it."""
    acct = accounts.account(B)
    assert acct is not None
    python = hub.learners_python(print) / "python"
    check = "from dockerlab import Lab, exercises; lab = Lab('p')\nfor _ in range(2): exercises.check('ex01', lab)"
    done = as_learner(B, "env", "DOCKERLAB_CLASSROOM=1", str(python), "-c", check)
    assert done.returncode == 0, done.stderr
    assert main(["classroom", "status", "--json"]) == 0
    status = {row["user"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(status) == {A, B} and set(status[B]) == {"user", "docker_host", "engine", "server"}
    assert status[B]["docker_host"] == engine.docker_host(B) and status[B]["engine"] == "up"
    assert main(["classroom", "progress", "--json"]) == 0
    rows = {row["user"]: row["exercises"] for row in json.loads(capsys.readouterr().out)}
    assert rows[A] == {} and rows[B]["ex01"]["attempts"] == 2 and rows[B]["ex01"]["passed"] is False
    assert main(["classroom", "progress"]) == 0
    assert "tried (2x)" in capsys.readouterr().out


def test_bad_input_is_refused_and_nothing_is_made(
    classroom: classroom_state.State, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ClassroomError, match="twice"):
        roster.parse(["carol", "carol"])
    with pytest.raises(ClassroomError, match="not a valid learner's name"):
        roster.parse(["Root"])
    with pytest.raises(ClassroomError, match="up already"):
        room.up(roster.parse(["carol"]), with_hub=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        monkeypatch.setattr(classroom_state, "HOME", tmp_path / "classroom")  # as if no classroom ran
        with pytest.raises(ClassroomError, match="in use"):
            room.up(roster.parse(["carol"]), port=port, with_hub=False)
    with pytest.raises(ClassroomError, match="No classroom is up"):
        room.down()
    made: list[str] = []

    def fail_at_the_second(acct: accounts.Account) -> None:
        made.append(acct.user)
        if len(made) == 2:
            raise ClassroomError("the copy failed")

    with monkeypatch.context() as m:  # an up that fails half way takes down what it made
        m.setattr(room, "give_tutorial", fail_at_the_second)
        with pytest.raises(ClassroomError, match="the copy failed"):
            room.up(roster.parse(["carol", "dave"]), port=hub.free_port(), with_hub=False)
    assert made == ["dlab-carol", "dlab-dave"] and classroom_state.load() is None
    assert accounts.account("dlab-carol") is None and accounts.account("dlab-dave") is None
    no_userns = tmp_path / "max_user_namespaces"
    no_userns.write_text("0\n")
    with monkeypatch.context() as m:
        m.setattr(room, "USERNS_SETTINGS", (no_userns,))
        with pytest.raises(ClassroomError, match="user namespaces"):
            room.up(roster.parse(["carol"]), with_hub=False)
    monkeypatch.setattr(accounts, "is_root", lambda: False)
    with pytest.raises(ClassroomError, match="as root"):
        room.up(roster.parse(["carol"]), with_hub=False)
    assert accounts.account("dlab-carol") is None


def test_down_leaves_nothing_behind(classroom: classroom_state.State) -> None:
    ids = {user: [accounts.account(user).uid, *accounts.subordinate_ids(user)] for user in (A, B)}  # type: ignore[union-attr]
    room.down(purge=True, say=lambda _line: None)
    for user in (A, B):
        assert engine.leftovers(ids[user]) == [], f"processes of {user} after down"
        assert accounts.account(user) is None and not Path("/home", user).exists()
        assert user not in accounts.SUBUID.read_text()
    assert not engine.RUN.exists()
    mounts = Path("/proc/mounts").read_text()
    assert "dockerlab-classroom" not in mounts and "/home/dlab-test" not in mounts
    assert classroom_state.load() is None
    assert json.dumps(room.LANGUAGES)  # (the module stays importable after down)
    assert shutil.which("runuser")
