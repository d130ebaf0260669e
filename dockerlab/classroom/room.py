"""The classroom as a whole: ``up``, ``status`` and ``down``, as root.

``up`` checks the machine, installs what is missing (Debian's ``rootlesskit``, ``slirp4netns``,
``uidmap``; npm's ``configurable-http-proxy``), makes each learner's user and their copy of the
tutorial, then starts JupyterHub. A learner's engine starts with their server (see
:mod:`~dockerlab.classroom.spawner`); :func:`start_engines` starts them without the hub, for
scripts and tests. Whatever ``up`` made before it failed is taken down again: nothing is half made.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dockerlab.classroom import ClassroomError, accounts, engine, hub
from dockerlab.classroom import state as classroom_state
from dockerlab.classroom.roster import Learner
from dockerlab.i18n import _

Say = Callable[[str], None]
#: Debian's packages the engines need, and a command each provides.
PACKAGES = {"rootlesskit": "rootlesskit", "slirp4netns": "slirp4netns", "uidmap": "newuidmap"}
#: The folder of the learner's copy of the tutorial, in their home.
TUTORIAL = "dockerlab-tutorial"
LANGUAGES = ("en", "zh-CN")
#: Where the kernel says whether unprivileged users may make user namespaces ("0": they may not).
USERNS_SETTINGS = (Path("/proc/sys/user/max_user_namespaces"), Path("/proc/sys/kernel/unprivileged_userns_clone"))


@dataclass(frozen=True)
class LearnerStatus:
    """One row of ``dockerlab classroom status``."""

    user: str
    docker_host: str
    engine: str
    server: str | None


def preflight() -> None:
    """Refuse, saying why and what to do, on a machine that cannot run a classroom."""
    if not accounts.is_root():
        raise ClassroomError(
            _("The classroom makes Unix users and starts their engines: run it as root (sudo dockerlab classroom ...).")
        )
    if any(path.is_file() and path.read_text().strip() == "0" for path in USERNS_SETTINGS):
        raise ClassroomError(
            _(
                "This kernel allows no user namespaces, which rootless engines need: set "
                "user.max_user_namespaces=15000 (and kernel.unprivileged_userns_clone=1 where it exists) with sysctl."
            )
        )


def install_missing(say: Say) -> None:
    """Install the Debian packages and the proxy the classroom needs, when they are missing."""
    need = [package for package, command in PACKAGES.items() if shutil.which(command) is None]
    if need:
        say(_("Installing {packages} (apt-get) ...").format(packages=" ".join(need)))
        _install(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *need])
    if shutil.which("configurable-http-proxy") is None:
        say(_("Installing configurable-http-proxy (npm) ..."))
        _install(["npm", "install", "-g", "configurable-http-proxy"])


def _install(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ClassroomError(
            _("{command} failed: {error}").format(command=" ".join(command[:2]), error=done.stderr.strip()[-600:])
        )


def check_new(learners: list[Learner], ip: str, port: int, lang: str) -> None:
    """Refuse ``up`` when a classroom runs, the port is taken or the language is unknown."""
    if classroom_state.load() is not None:
        raise ClassroomError(
            _("A classroom is up already ({path}): run `dockerlab classroom down` first.").format(
                path=classroom_state.state_file()
            )
        )
    if lang not in LANGUAGES:
        raise ClassroomError(_("--lang is en or zh-CN, not {lang}.").format(lang=lang))
    if not hub.port_free(ip, port):
        raise ClassroomError(_("Port {port} on {ip} is in use: choose another with --port.").format(port=port, ip=ip))
    for learner in learners:
        if accounts.account(learner.user) is not None and not accounts.ours(learner.user):
            raise ClassroomError(
                _("A user {user} exists and was not made by dockerlab's classroom: rename the learner.").format(
                    user=learner.user
                )
            )


def give_tutorial(acct: accounts.Account) -> None:
    """Copy the tutorial into the learner's home, theirs to change."""
    from dockerlab.teaching import tutorial  # the learner's copy (no outputs, blank predictions) on merge

    folder = acct.home / TUTORIAL
    tutorial.copy(folder)
    subprocess.run(["chown", "-R", f"{acct.uid}:{acct.gid}", str(folder)], check=True)


def up(
    learners: list[Learner],
    *,
    port: int = 8000,
    ip: str = "127.0.0.1",
    lang: str = "en",
    with_hub: bool = True,
    idle_timeout: int = hub.IDLE_TIMEOUT,
    say: Say = print,
) -> classroom_state.State:
    """Bring a classroom up: users, their copies of the tutorial, and JupyterHub; return its state.

    ``idle_timeout``: seconds after which jupyterhub-idle-culler stops an idle server, and so its engine.
    """
    preflight()
    check_new(learners, ip, port, lang)
    if with_hub:
        install_missing(say)
        python_bin = hub.learners_python(say)
    current = classroom_state.State(port=port, ip=ip, lang=lang)
    current.save()
    try:
        current.tun_mode = engine.open_tun()
        current.save()
        for learner in learners:
            current.users.append(learner.user)
            current.save()
            acct = accounts.create(learner)
            give_tutorial(acct)
        if with_hub:
            config = hub.write_config(
                current.users, ip=ip, port=port, lang=lang, python_bin=python_bin, idle_timeout=idle_timeout
            )
            current.hub_pid = hub.start(config, ip=ip, port=port)
            current.save()
    except BaseException:
        down(purge=True, say=lambda _line: None)
        raise
    return current


def start_engines(users: list[str]) -> None:
    """Start the learners' engines and load the lab image into each (what the spawner does at login)."""
    for user in users:
        acct = _account(user)
        engine.start(acct)
        engine.load_image(user)


def _account(user: str) -> accounts.Account:
    acct = accounts.account(user)
    if acct is None:
        raise ClassroomError(_("{user} is not one of the classroom's learners.").format(user=user))
    return acct


def status() -> list[LearnerStatus]:
    """One row per learner: their user, socket, whether their engine answers, their server's URL."""
    current = _running()
    servers = hub.servers(current.ip, current.port) if current.hub_pid else {}
    return [
        LearnerStatus(
            user=user,
            docker_host=engine.docker_host(user),
            engine="up" if engine.answers(user) else "down",
            server=servers.get(user),
        )
        for user in current.users
    ]


def _running() -> classroom_state.State:
    current = classroom_state.load()
    if current is None:
        raise ClassroomError(_("No classroom is up: start one with `dockerlab classroom up`."))
    return current


def down(*, purge: bool = False, say: Say = print) -> None:
    """Stop the hub, every learner's server and engine, and put back what ``up`` changed.

    With ``purge`` the learners' users and homes go too. Only what the state file names is touched.
    """
    preflight()
    current = _running()
    hub.stop(current.hub_pid)
    for user in current.users:
        acct = accounts.account(user)
        if acct is None or not accounts.ours(user):
            continue
        engine.stop(acct)
        engine.kill_all([acct.uid, *accounts.subordinate_ids(user)])
        if purge:
            accounts.remove(user)
    if engine.RUN.is_dir() and not any(engine.RUN.iterdir()):
        engine.RUN.rmdir()
    if current.tun_mode is not None:
        engine.TUN.chmod(current.tun_mode)
    home = classroom_state.HOME
    for made in (hub.config_file(), hub.token_file(), home / "jupyterhub_cookie_secret", home / "jupyterhub.sqlite"):
        made.unlink(missing_ok=True)  # (the next class starts with a new hub database; the log stays)
    classroom_state.forget()
    if purge:
        shutil.rmtree(home, ignore_errors=True)
    say(
        _("The classroom is down ({count} learners); users and homes removed.").format(count=len(current.users))
        if purge
        else _("The classroom is down ({count} learners); their users and homes stay.").format(count=len(current.users))
    )
