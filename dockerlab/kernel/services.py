"""The finale's stand-ins for MySQL and Tomcat, made of busybox applets.

The lab image has no Tomcat and no MySQL. :func:`service_command` makes a
container answer every TCP connection on a port with one line, as a
database would greet its client; :func:`app_command` makes one serve a web
page that connects to that service *by name* and shows what it said. Both
are real commands for the lab image. :func:`listener` reads one back from a
container's command: that is how the simulator knows what a container serves.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockerlab.errors import InvalidInput
from dockerlab.i18n import _

APP_PORT = 8080
SERVICE_PORT = 3306
SERVICE_GREETING = "hello from the mysql1 stand-in (busybox nc) on port 3306"
#: The app's one page: it asks the service and shows the answer.
APP_PAGE = "/cgi-bin/db"
INDEX_HTML = "<h1>It works: served by busybox httpd in the lab image</h1>\n"

#: The app, as ``sh -c APP_SCRIPT app SERVICE SERVICE_PORT PORT``: write the page
#: (the heredoc fills in $1 and $2 once), then serve /var/www on port $3.
APP_SCRIPT = """mkdir -p /var/www/cgi-bin && cat > /var/www/cgi-bin/db <<EOF
#!/bin/sh
printf "Content-Type: text/plain\\r\\n\\r\\n"
echo "the app asked $1:$2 and got:"
nc -w 2 $1 $2 </dev/null
EOF
chmod +x /var/www/cgi-bin/db && exec httpd -f -p "$3" -h /var/www"""


@dataclass(frozen=True)
class EchoService:
    """busybox ``nc -ll -p PORT -e echo GREETING``: one line for every TCP connection."""

    port: int
    greeting: str


@dataclass(frozen=True)
class WebApp:
    """busybox ``httpd`` on ``port``; its page :data:`APP_PAGE` asks ``service:service_port``."""

    port: int
    service: str
    service_port: int


def service_command(port: int = SERVICE_PORT, greeting: str = SERVICE_GREETING) -> list[str]:
    """The MySQL stand-in: busybox ``nc`` answering every TCP connection on ``port`` with ``greeting``.

    >>> service_command(3306, "hi")
    ['nc', '-ll', '-p', '3306', '-e', 'echo', 'hi']
    """
    return ["nc", "-ll", "-p", str(_port(port)), "-e", "echo", greeting]


def app_command(service: str, service_port: int = SERVICE_PORT, port: int = APP_PORT) -> list[str]:
    """The Tomcat stand-in: busybox ``httpd`` on ``port`` with one page, :data:`APP_PAGE`.

    The page connects to ``service:service_port`` *by name* (the app's
    configuration, the last arguments of the command) and returns what the
    service said, like a web app reading from its database.

    >>> app_command("mysql1", 3306, 8080)[3:]
    ['app', 'mysql1', '3306', '8080']
    """
    if not service or not all(ch.isalnum() or ch in "-_." for ch in service):
        raise InvalidInput(_("service must be a container name, not {service}.").format(service=repr(service)))
    return ["sh", "-c", APP_SCRIPT, "app", service, str(_port(service_port)), str(_port(port))]


def listener(command: list[str] | None) -> EchoService | WebApp | None:
    """What a container started with ``command`` listens on, if it is one of the stand-ins.

    >>> listener(service_command(3306, "hi"))
    EchoService(port=3306, greeting='hi')
    >>> listener(app_command("mysql1"))
    WebApp(port=8080, service='mysql1', service_port=3306)
    >>> listener(["sleep", "60"]) is None
    True
    """
    argv = list(command or [])
    if len(argv) >= 6 and argv[:3] == ["nc", "-ll", "-p"] and argv[4:6] == ["-e", "echo"] and argv[3].isdigit():
        return EchoService(int(argv[3]), " ".join(argv[6:]))
    if len(argv) == 7 and argv[:4] == ["sh", "-c", APP_SCRIPT, "app"] and argv[5].isdigit() and argv[6].isdigit():
        return WebApp(int(argv[6]), argv[4], int(argv[5]))
    return None


def _port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise InvalidInput(_("A TCP port is a whole number from 1 to 65535, not {port}.").format(port=repr(port)))
    return port
