"""The spawner: JupyterHub's :class:`~jupyterhub.spawner.LocalProcessSpawner`, plus the learner's engine.

JupyterHub (running as root) starts each learner's single-user server as that learner's Unix user;
this subclass starts the learner's rootless engine first, loads the lab image into it, points the
server's ``DOCKER_HOST`` at it, and stops the engine when the server stops (by the learner, the
hub or ``jupyterhub-idle-culler``). It is imported by JupyterHub only, from the classroom's
``jupyterhub_config.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner  # type: ignore[import-untyped]
from traitlets import Unicode

from dockerlab.classroom import ClassroomError, accounts, engine
from dockerlab.engines.backend import CLASSROOM_VARIABLE
from dockerlab.i18n import _


class ClassroomSpawner(LocalProcessSpawner):
    """A learner's server as their Unix user, with their own rootless Docker engine."""

    lang = Unicode("en", help="The learners' language (DOCKERLAB_LANG).").tag(config=True)
    python_bin = Unicode("", help="The folder of the Python the learners' servers run.").tag(config=True)

    def _account(self) -> accounts.Account:
        acct = accounts.account(self.user.name)
        if acct is None or not accounts.ours(self.user.name):
            raise ClassroomError(_("{user} is not one of the classroom's learners.").format(user=self.user.name))
        return acct

    def get_env(self) -> dict[str, str]:
        """The server's environment: JupyterHub's, plus the learner's engine and language."""
        env: dict[str, str] = super().get_env()
        acct = self._account()
        env.update(
            XDG_RUNTIME_DIR=str(engine.runtime_dir(acct.user)),
            DOCKER_HOST=engine.docker_host(acct.user),
            DOCKERLAB_LANG=self.lang,
            **{CLASSROOM_VARIABLE: "1"},
            PATH=f"{self.python_bin}:{engine.environment(acct)['PATH']}",
        )
        return env

    async def start(self) -> Any:
        """Start the learner's engine (and load the lab image), then their server."""
        acct = self._account()
        await asyncio.to_thread(engine.start, acct)
        await asyncio.to_thread(engine.load_image, acct.user)
        return await super().start()

    async def stop(self, now: bool = False) -> None:
        """Stop the learner's server, then their engine."""
        try:
            await super().stop(now=now)
        finally:
            await asyncio.to_thread(engine.stop, self._account())
