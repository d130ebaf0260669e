"""What the classroom made, in ``/var/lib/dockerlab-classroom/state.json`` (root's, mode 0600).

``up`` writes it before it makes anything, and adds to it as it goes, so that ``down`` can take
away exactly what was made even when ``up`` stopped half way. Passwords are never written here.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dockerlab.classroom import ClassroomError
from dockerlab.i18n import _

#: The classroom's own folder: its state, the hub's configuration, database and log.
HOME = Path(os.environ.get("DOCKERLAB_CLASSROOM_HOME", "/var/lib/dockerlab-classroom"))


def state_file() -> Path:
    """Where the state lives."""
    return HOME / "state.json"


@dataclass
class State:
    """One classroom: its learners' users, the hub's port and pid, and what was changed on the way.

    Attributes
    ----------
    users:
        The learners' Unix users, in the class list's order.
    port:
        The port the hub listens on.
    ip:
        The address the hub binds.
    lang:
        The learners' language (``en`` or ``zh-CN``).
    hub_pid:
        JupyterHub's process, once started.
    tun_mode:
        The mode ``/dev/net/tun`` had before the classroom opened it, or None when it was left alone.
    """

    users: list[str] = field(default_factory=list)
    port: int = 8000
    ip: str = "127.0.0.1"
    lang: str = "en"
    hub_pid: int | None = None
    tun_mode: int | None = None

    def save(self) -> None:
        """Write the state (mode 0600, atomically)."""
        HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = state_file().with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1) + "\n")
        tmp.chmod(0o600)
        tmp.replace(state_file())


def load() -> State | None:
    """The running classroom's state, or None when none is up."""
    path = state_file()
    if not path.is_file():
        return None
    try:
        return State(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as e:
        raise ClassroomError(
            _("The classroom's state {path} cannot be read ({error}): remove it after checking nothing runs.").format(
                path=path, error=e
            )
        ) from e


def forget() -> None:
    """Remove the state file (the classroom is down)."""
    state_file().unlink(missing_ok=True)
