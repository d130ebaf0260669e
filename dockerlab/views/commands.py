"""The command log: the shell lines a facade runs, shown as they run and kept for a transcript.

Every facade that changes an engine (:class:`dockerlab.lab.Lab`,
:class:`dockerlab.lab.ClusterLab`, :class:`dockerlab.engines.hosts.Cluster`,
:class:`dockerlab.engines.hosts.SingleNodeSwarm`) writes its equivalent
``docker`` (or ``ip``) command line here before it acts. The log prints it
after ``$ `` when ``echo`` is on and keeps it in :attr:`CommandLog.history`, so
that a learner can replay the lesson in a shell. A line meant for one of
several engines carries that engine's ``DOCKER_HOST=...`` in front.

It is a view of commands: it takes text and prints text, and calls nothing.

>>> log = CommandLog()
>>> log.record("docker network rm myBridge")
$ docker network rm myBridge
>>> host2 = CommandLog(docker_host="unix:///run/h2/docker.sock", echo=False)
>>> host2.record("docker rm -f db")
>>> host2.history
['DOCKER_HOST=unix:///run/h2/docker.sock docker rm -f db']
"""

from __future__ import annotations

from dataclasses import dataclass, field


def on_host(docker_host: str | None, command: str) -> str:
    """``command`` as it is typed for the engine at ``docker_host`` (unchanged for the default engine).

    >>> on_host("unix:///run/h1/docker.sock", "docker network rm ov")
    'DOCKER_HOST=unix:///run/h1/docker.sock docker network rm ov'
    >>> on_host(None, "docker network rm ov")
    'docker network rm ov'
    """
    return f"DOCKER_HOST={docker_host} {command}" if docker_host else command


@dataclass
class CommandLog:
    """The command lines one facade ran, in order.

    Parameters
    ----------
    echo : bool
        Print each line (after ``$ ``) as it is recorded, and the facade's
        remarks (:meth:`say`).
    docker_host : str or None
        The ``DOCKER_HOST`` every line of this log is meant for, written in
        front of it; None for the default engine.
    history : list of str
        The lines recorded so far (what :attr:`dockerlab.lab.Lab.history` shows).
    """

    echo: bool = True
    docker_host: str | None = None
    history: list[str] = field(default_factory=list)

    def record(self, command: str, *, docker_host: str | None = None) -> None:
        """Keep ``command`` and show it; ``docker_host`` names another engine than the log's own.

        >>> log = CommandLog(docker_host="unix:///h1.sock")
        >>> log.record("docker run -d --name web img")
        $ DOCKER_HOST=unix:///h1.sock docker run -d --name web img
        >>> log.record("docker swarm join ...", docker_host="unix:///h2.sock")
        $ DOCKER_HOST=unix:///h2.sock docker swarm join ...
        """
        line = on_host(docker_host or self.docker_host, command)
        self.history.append(line)
        if self.echo:
            print(f"$ {line}")

    def say(self, text: str) -> None:
        """Show a remark (a line that is not a command, never kept), when ``echo`` is on."""
        if self.echo:
            print(text)


class LogsCommands:
    """What a facade with a :class:`CommandLog` (its ``log``) offers of it: ``echo`` and ``history``.

    >>> class Facade(LogsCommands):
    ...     def __init__(self) -> None:
    ...         self.log = CommandLog(echo=False)
    >>> f = Facade()
    >>> f.log.record("docker stop web")
    >>> f.history, f.echo
    (['docker stop web'], False)
    """

    log: CommandLog

    @property
    def echo(self) -> bool:
        """Whether command lines are printed as they run (switch it off and on at will)."""
        return self.log.echo

    @echo.setter
    def echo(self, value: bool) -> None:
        self.log.echo = bool(value)

    @property
    def history(self) -> list[str]:
        """Every command line run so far, in order: a transcript to replay in a shell."""
        return self.log.history


__all__ = ["CommandLog", "LogsCommands", "on_host"]
