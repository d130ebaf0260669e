"""A class on one server: a Unix user, a rootless Docker engine and a JupyterHub server per learner.

The layer after ``teaching/``; only ``cli/`` comes after it. JupyterHub does the hub's work (its
PAM authenticator logs the learners in, a :class:`~jupyterhub.spawner.LocalProcessSpawner` starts
each learner's server as that learner, ``jupyterhub-idle-culler`` stops idle ones); rootlesskit,
slirp4netns and Debian's ``dockerd-rootless.sh`` run each learner's engine in namespaces of its own.
This layer is the glue they do not have:

- :mod:`~dockerlab.classroom.roster`: the learners' names and passwords (a class list or generated);
- :mod:`~dockerlab.classroom.accounts`: their Unix users, homes and subordinate ids (as root);
- :mod:`~dockerlab.classroom.engine`: one learner's rootless engine, started and stopped as that learner;
- :mod:`~dockerlab.classroom.state`: what runs, in ``/var/lib/dockerlab-classroom/state.json``;
- :mod:`~dockerlab.classroom.hub`: JupyterHub's configuration and process;
- :mod:`~dockerlab.classroom.spawner`: the spawner that starts a learner's engine with their server;
- :mod:`~dockerlab.classroom.progress`: the exercises' results, read from the learners' homes;
- :mod:`~dockerlab.classroom.room`: ``up``, ``status``, ``down``: the classroom as a whole.

Everything it makes is named ``dlab-*`` (users) or lives under ``dockerlab-classroom`` folders;
it never touches the main engine's containers.
"""

from dockerlab.errors import DockerlabError


class ClassroomError(DockerlabError):
    """The classroom cannot be brought up, read or taken down; the message says why and what to do."""


__all__ = ["ClassroomError"]
