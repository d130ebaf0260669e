"""JupyterHub for the classroom: its configuration, its process, and a few calls to its REST API.

JupyterHub does the work: :class:`~jupyterhub.auth.PAMAuthenticator` logs the learners in with
their Unix passwords (only the classroom's users are allowed), the
:class:`~dockerlab.classroom.spawner.ClassroomSpawner` starts each server as its learner,
``configurable-http-proxy`` (npm) routes the browser to it, and ``jupyterhub-idle-culler``, a hub
service, stops servers idle for :data:`IDLE_TIMEOUT` seconds. dockerlab's own service token only
reads the users and their servers, for ``dockerlab classroom status``.

The learners' servers run a Python every learner may execute: the hub's own when its path is open
to everyone, else a virtual environment made once from the system's Python in :data:`VENV`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from dockerlab.classroom import ClassroomError
from dockerlab.classroom import state as classroom_state
from dockerlab.i18n import _
from dockerlab.version import __version__
from dockerlab.waits import poll

#: The learners' Python when the hub's own is closed to them.
VENV = Path("/opt/dockerlab-classroom/venv")
#: Seconds of inactivity after which jupyterhub-idle-culler stops a server (and so its engine).
IDLE_TIMEOUT = 3600
START_TIMEOUT = 60.0
SERVICE = "dockerlab-classroom"


def config_file() -> Path:
    return classroom_state.HOME / "jupyterhub_config.py"


def token_file() -> Path:
    return classroom_state.HOME / "api_token"


def log_file() -> Path:
    return classroom_state.HOME / "jupyterhub.log"


def port_free(ip: str, port: int) -> bool:
    """Whether ``ip:port`` can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True


def free_port(ip: str = "127.0.0.1") -> int:
    """A port the system has free now (for the hub's internal API and the proxy's)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((ip, 0))
        return int(probe.getsockname()[1])


def open_to_all(path: Path) -> bool:
    """Whether every user may execute ``path`` (it and each folder above it are open to others)."""
    path = path.resolve()
    for part in [path, *path.parents]:
        if not part.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def checkout() -> Path | None:
    """The source checkout dockerlab runs from, when it runs from one."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def learners_python(say: Any) -> Path:
    """The ``bin`` folder of a Python the learners may run, with dockerlab, JupyterLab and jupyterhub-singleuser.

    The hub's own Python when every user may run it; else :data:`VENV`, made once. A checkout that every
    user may read is installed there in editable mode, so the learners always run the checkout's code.
    """
    here = Path(sys.executable).parent
    if open_to_all(Path(sys.executable)) and (here / "jupyterhub-singleuser").exists():
        return here
    bin_dir = VENV / "bin"
    source = checkout()
    editable = source is not None and open_to_all(source)
    stamp = f"{source}|{editable}|{__version__}\n"
    stamp_file = VENV / "dockerlab-source"
    if (bin_dir / "jupyterhub-singleuser").exists() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return bin_dir
    say(_("Making the learners' Python in {venv} (once) ...").format(venv=VENV))
    VENV.parent.mkdir(parents=True, exist_ok=True)
    if not (bin_dir / "python").exists():
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(VENV)], check=True)
    package = f"{source}[notebooks]" if source else f"dockerlab[notebooks]=={__version__}"
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", *(["-e"] if editable else []), package, "jupyterhub"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ClassroomError(
            _("Installing the learners' Python failed: {error}").format(error=done.stderr.strip()[-600:])
        )
    stamp_file.write_text(stamp)
    subprocess.run(["chmod", "-R", "a+rX", str(VENV.parent)], check=True)
    return bin_dir


#: JupyterLab's settings for the learners' servers, one folder per language (readable by everyone).
LAB_SETTINGS = Path("/opt/dockerlab-classroom/lab-settings")
#: JupyterLab's quiet defaults, as scripts/tutorial.sh gives them: no news, no update check, no extension
#: listing (a learner's JupyterLab contacts nothing but this server), and in Chinese its interface's language.
QUIET = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}
CHINESE = {"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}


def lab_args(lang: str) -> list[str]:
    """The single-user servers' JupyterLab options, with a settings folder for ``lang`` written first."""
    folder = LAB_SETTINGS / lang
    (folder / "overrides.d").mkdir(parents=True, exist_ok=True)
    (folder / "overrides.json").write_text(json.dumps(QUIET, indent=1) + "\n")
    if lang == "zh-CN":
        (folder / "overrides.d" / "zh-CN.json").write_text(json.dumps(CHINESE, indent=1) + "\n")
    subprocess.run(["chmod", "-R", "a+rX", str(LAB_SETTINGS.parent)], check=True)
    return [
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.app_settings_dir={folder}",
    ]


def write_config(
    users: list[str], *, ip: str, port: int, lang: str, python_bin: Path, idle_timeout: int = IDLE_TIMEOUT
) -> Path:
    """Write ``jupyterhub_config.py`` and the service's token (both mode 0600); return the config's path."""
    home = classroom_state.HOME
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_hex(32)
    token_file().write_text(token)
    token_file().chmod(0o600)
    settings = {
        "ip": ip,
        "port": port,
        "hub_port": free_port(),
        "proxy_api_port": free_port(),
        "users": users,
        "lang": lang,
        "python_bin": str(python_bin),
        "home": str(home),
        "token": token,
        "culler": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={idle_timeout}",
            f"--cull-every={max(5, min(300, idle_timeout // 2))}",
        ],
        "service": SERVICE,
        "tutorial": "dockerlab-tutorial/notebooks" + ("/zh-CN" if lang == "zh-CN" else ""),
        "lab_args": lab_args(lang),
    }
    text = (
        f"# Written by dockerlab classroom up: do not edit (down removes it).\ns = {json.dumps(settings, indent=1)}\n"
    )
    text += _CONFIG
    config_file().write_text(text)
    config_file().chmod(0o600)
    return config_file()


_CONFIG = """
c = get_config()  # noqa: F821 (JupyterHub's)
c.JupyterHub.ip = s["ip"]
c.JupyterHub.port = s["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s["hub_port"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % s["proxy_api_port"]
c.ConfigurableHTTPProxy.pid_file = s["home"] + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + s["home"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = s["home"] + "/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(s["users"])
c.JupyterHub.spawner_class = "dockerlab.classroom.spawner.ClassroomSpawner"
c.ClassroomSpawner.lang = s["lang"]
c.ClassroomSpawner.python_bin = s["python_bin"]
c.Spawner.cmd = [s["python_bin"] + "/jupyterhub-singleuser"]
c.Spawner.args = s["lab_args"]
c.Spawner.default_url = "/lab/tree/" + s["tutorial"]
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 90
c.JupyterHub.services = [
    {"name": "idle-culler", "command": s["culler"]},
    {"name": s["service"], "api_token": s["token"]},
]
c.JupyterHub.load_roles = [
    {"name": "idle-culler", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
     "services": ["idle-culler"]},
    {"name": "dockerlab-classroom", "scopes": ["list:users", "read:users", "read:servers"], "services": [s["service"]]},
]
"""


def start(config: Path, *, ip: str, port: int) -> int:
    """Start JupyterHub (as root, in its own session) and wait until its API answers; return its pid."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", env.get("PATH", "")])
    log = log_file().open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(config)],
        cwd=classroom_state.HOME,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    _STARTED[process.pid] = process
    if poll(lambda: True if api_answers(ip, port) else (False if process.poll() is not None else None), START_TIMEOUT):
        return process.pid
    stop(process.pid)
    tail = log_file().read_text(errors="replace").splitlines()[-12:]
    raise ClassroomError(
        _("JupyterHub did not answer on {ip}:{port}. The end of {log}:\n{tail}").format(
            ip=ip, port=port, log=log_file(), tail="\n".join(tail)
        )
    )


_STARTED: dict[int, subprocess.Popen[bytes]] = {}


def _running(pid: int) -> bool:
    started = _STARTED.get(pid)
    if started is not None:
        return started.poll() is None
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().split(")")[-1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def stop(pid: int | None) -> None:
    """Stop JupyterHub (it stops the servers, their engines and the proxy), then whatever of it is left."""
    if pid is not None and _running(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not poll(lambda: True if not _running(pid) else None, 60):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            poll(lambda: True if not _running(pid) else None, 5)
    proxy = classroom_state.HOME / "proxy.pid"
    if proxy.is_file():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(proxy.read_text().strip()), signal.SIGTERM)
        proxy.unlink(missing_ok=True)


def api(ip: str, port: int, path: str, token: str | None = None) -> Any:
    """GET the hub's REST API at ``path`` (below ``/hub/api``); the parsed JSON."""
    request = urllib.request.Request(url(ip, port, f"/hub/api{path}"))
    if token:
        request.add_header("Authorization", f"token {token}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read().decode())


def url(ip: str, port: int, path: str = "/") -> str:
    """The hub's address for ``path``, as this machine reaches it (the loopback when it binds every address).

    >>> url("0.0.0.0", 8000, "/hub/api/")
    'http://127.0.0.1:8000/hub/api/'
    """
    host = "127.0.0.1" if ip in ("", "0.0.0.0") else ip
    return urllib.parse.urlunsplit(("http", f"{host}:{port}", path, "", ""))


def api_answers(ip: str, port: int) -> bool:
    """Whether the hub answers on ``ip:port``."""
    try:
        return "version" in api(ip, port, "/")
    except (OSError, ValueError, urllib.error.URLError):
        return False


def servers(ip: str, port: int) -> dict[str, str | None]:
    """Each learner's server URL (None when it does not run), from the hub's REST API."""
    try:
        token = token_file().read_text().strip()
        users = api(ip, port, "/users", token)
    except (OSError, ValueError, urllib.error.URLError):
        return {}
    found: dict[str, str | None] = {}
    for user in users:
        server = (user.get("servers") or {}).get("", {})
        ready = server.get("ready") and server.get("url")
        found[user["name"]] = url(ip, port, server["url"]) if ready else None
    return found
