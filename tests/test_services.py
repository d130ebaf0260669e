"""The finale's stand-ins on both engines: the same scenario, the same answers.

One scenario (notebook 07 and its "try it yourself": an app and its database,
by name and by address, on one bridge, on the default bridge, on another
bridge, after ``network connect``, after a redeploy, with a published port
that nothing serves, a port already taken, a stopped app) runs on the real
engine and on a fresh simulator; every ``nc`` and every fetch through the
published port must give the same exit code, status and text. Addresses are
masked: which address a container gets is the differential test's business.
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from dockerlab.engines.sim import SimClient
from dockerlab.errors import EngineError, NotReady
from dockerlab.kernel.services import listener
from dockerlab.lab import Lab
from dockerlab.teaching import lesson

pytestmark = pytest.mark.integration

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _masked(text: str) -> str:
    return re.sub(r"\b\d{1,3}(\.\d{1,3}){3}\b", "<ip>", text)


def _get(port: int, path: str) -> tuple[int, str]:
    """One GET on the published port, no retry: (status, body), or (0, why it failed)."""
    try:
        with _OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return int(r.status), r.read().decode()
    except urllib.error.HTTPError as e:
        return int(e.code), e.read().decode()
    except (urllib.error.URLError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        return 0, type(reason).__name__


def scenario(lab: Lab, n: Callable[[str], str]) -> list[tuple[str, object]]:
    """Run the finale's situations on ``lab``; return what each step observed."""
    seen: list[tuple[str, object]] = []

    def nc(label: str, src: str, host: str, port: int) -> None:
        r = lab.exec(src, ["nc", "-w", "1", host, str(port)])
        seen.append((label, (r.exit_code, _masked(r.output))))

    def get(label: str, port: int, path: str = "/cgi-bin/db") -> None:
        status, body = _get(port, path)
        seen.append((label, (status, _masked(body))))

    db, app, far, late, idle = n("mysql1"), n("tomcat1"), n("far"), n("late"), n("idle")
    near, other = lab.network(n("myBridge")), lab.network(n("other"))
    lab.run(db, network=near, command=lesson.service_command(3306))
    port = lesson.free_port(0)
    lab.run(app, network=near, ports={8080: port}, command=lesson.app_command(db, 3306, 8080))
    lesson.wait_for_service(lab, app, db, 3306)
    lesson.fetch(f"http://127.0.0.1:{port}/", timeout=10)  # httpd is up
    nc("by name", app, db, 3306)
    nc("wrong port", app, db, 3307)
    nc("no such name on a user-defined bridge", app, n("nobody"), 3306)
    nc("by address", app, lab[db].ip, 3306)
    nc("to the app without a request", db, app, 8080)
    get("the page", port)
    get("the index", port, "/")
    get("a missing page", port, "/nope")

    late_port = lesson.free_port(0)
    lab.run(late, ports={8080: late_port}, command=lesson.app_command(db, 3306, 8080))
    lesson.fetch(f"http://127.0.0.1:{late_port}/", timeout=10)
    nc("from the default bridge, by name", late, db, 3306)
    get("the page, app on the default bridge", late_port)
    lab.connect(near, late)
    get("the page after network connect", late_port)

    far_port = lesson.free_port(0)
    lab.run(far, network=other, ports={8080: far_port}, command=lesson.app_command(lab[db].ip, 3306, 8080))
    lesson.fetch(f"http://127.0.0.1:{far_port}/", timeout=10)
    nc("from another bridge, by address", far, lab[db].ip, 3306)
    get("the page, app on another bridge asking by address", far_port)

    lab.remove(db)
    lab.run(n("newcomer"), network=near)
    lab.run(db, network=near, command=lesson.service_command(3306))
    lesson.wait_for_service(lab, app, db, 3306)
    get("the page after the database was redeployed", port)

    idle_port = lesson.free_port(0)
    lab.run(idle, network=near, ports={8080: idle_port})
    try:
        lesson.fetch(f"http://127.0.0.1:{idle_port}/", timeout=0.5)
        seen.append(("a published port nothing serves", "answered"))
    except NotReady:
        seen.append(("a published port nothing serves", "NotReady"))

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        taken = blocker.getsockname()[1]
        with pytest.raises(EngineError, match="already in use") as caught:
            lab.run(n("clash"), network=near, ports={8080: taken}, command=lesson.app_command(db, 3306, 8080))
        seen.append(("a host port already taken", str(caught.value).replace(str(taken), "<port>")))
    seen.append(("nothing left of the refused container", n("clash") in lab.containers))

    lab.stop(app)
    get("the page, app stopped", port)
    lab.start(app)
    lesson.fetch(f"http://127.0.0.1:{port}/", timeout=10)
    get("the page, app started again", port)
    return seen


@pytest.mark.engine_only
def test_the_simulator_serves_as_the_engine_does(lab, uniq):
    real = scenario(lab, uniq)
    sim_lab = Lab(lab.name, client=SimClient(engine_version=lab.client.version()["Version"]), echo=False)
    try:
        simulated = scenario(sim_lab, uniq)
    finally:
        sim_lab.reset()
    assert [step for step, _ in simulated] == [step for step, _ in real]
    for (step, want), (_, got) in zip(real, simulated, strict=True):
        assert got == want, f"{step}: the engine gave {want!r}, the simulator {got!r}"
    # The scenario really showed what it was written for (on both engines, as they agree):
    seen = dict(real)
    assert seen["by name"][0] == 0 and lesson.SERVICE_GREETING in seen["by name"][1]
    assert seen["from the default bridge, by name"][1].startswith("nc: bad address")
    assert lesson.SERVICE_GREETING not in seen["the page, app on the default bridge"][1]
    assert lesson.SERVICE_GREETING in seen["the page after network connect"][1]
    assert seen["the page after the database was redeployed"][0] == 200
    assert seen["a missing page"][0] == 404 and seen["a published port nothing serves"] == "NotReady"
    assert seen["the page, app stopped"][0] == 0 and seen["nothing left of the refused container"] is False


def test_published_ports_are_released_when_the_sim_lab_is_reset(uniq):
    lab = Lab(uniq("sim"), client=SimClient(), echo=False)
    port = lesson.free_port(0)
    lab.run(uniq("app"), ports={8080: port}, command=lesson.app_command("db"))
    assert lesson.fetch(f"http://127.0.0.1:{port}/").status == 200
    lab.reset()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    lab.run(uniq("again"), ports={8080: port}, command=lesson.app_command("db"))  # the port is free again
    assert lesson.fetch(f"http://127.0.0.1:{port}/").status == 200
    lab.reset()


def test_listener_reads_only_the_stand_ins():
    assert listener(lesson.service_command(3306, "hi")).greeting == "hi"
    assert listener(lesson.app_command("db", 3306, 8080)).service == "db"
    assert listener(["nc", "-ll", "-p", "x", "-e", "echo"]) is None
    assert listener(["sh", "-c", "httpd -f -p 8080"]) is None
    assert listener(None) is None


@pytest.mark.engine_only
def test_the_simulator_writes_the_engines_resolv_conf_and_hosts(lab, uniq):
    """Byte for byte, on the default bridge and on a user-defined one (resolv.conf changed in 26, hosts in 28)."""
    sim_lab = Lab(lab.name, client=SimClient(engine_version=lab.client.version()["Version"]), echo=False)
    try:
        for each in (lab, sim_lab):
            each.network(uniq("net"))
            each.run(uniq("plain"))
            each.run(uniq("user"), network=uniq("net"))
        for name in (uniq("plain"), uniq("user")):
            want = lab.exec(name, "cat /etc/resolv.conf").output
            assert sim_lab.exec(name, "cat /etc/resolv.conf").output == want
            # /etc/hosts up to the container's own line (its address and id differ between engines)
            want = lab.exec(name, "cat /etc/hosts").output.splitlines()[:-1]
            assert sim_lab.exec(name, "cat /etc/hosts").output.splitlines()[:-1] == want
    finally:
        sim_lab.reset()
