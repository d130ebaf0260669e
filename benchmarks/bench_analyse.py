"""Benchmark: an engine with hundreds of containers: 500 containers on 20 networks, read and predicted.

Budget (issue 16): under 1 s for the prediction. The input is ``docker
inspect`` data as an engine returns it (built here, no engine needed): 17
user-defined networks (one --internal, one without ICC), the default bridge
with --links, host and none, Compose-style aliases, containers on two networks,
sidecars on ``--network container:``, a stopped one in ten. Timed: the state
from inspect data (:func:`dockerlab.model.state_from_inspect`, what
:func:`dockerlab.setups.analyse.inspect_engine` builds after reading) and the
prediction, by name and by IP; then the same for a Compose file of 500 services
planned with :func:`dockerlab.setups.compose.plan`. Prints min, median and max of
several runs and the ratio of the median to the budget.

    python benchmarks/bench_analyse.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import yaml

from dockerlab import model
from dockerlab.setups import compose

BUDGET_MS = 1000.0
CONTAINERS = 500
NETWORKS = 20
RUNS = 7


def networks() -> list[dict[str, Any]]:
    """``docker network inspect`` data: bridge, host, none and 17 user-defined bridges."""
    nets = [
        {"Name": "bridge", "Id": "b" * 64, "Driver": "bridge", "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}},
        {"Name": "host", "Id": "h" * 64, "Driver": "host", "IPAM": {"Config": []}},
        {"Name": "none", "Id": "n" * 64, "Driver": "null", "IPAM": {"Config": []}},
    ]
    for j in range(NETWORKS - 3):
        nets.append(
            {
                "Name": f"proj{j}_default",
                "Id": f"{j:064x}",
                "Driver": "bridge",
                "Internal": j == 1,
                "Options": {"com.docker.network.bridge.enable_icc": "false"} if j == 2 else {},
                "IPAM": {"Config": [{"Subnet": f"10.{j}.0.0/16", "Gateway": f"10.{j}.0.1"}]},
            }
        )
    return nets


def containers() -> tuple[list[dict[str, Any]], dict[str, str | None]]:
    """``docker inspect`` data of 500 containers and their /etc/hosts texts."""
    out, hosts = [], {}
    user = [n["Name"] for n in networks()[3:]]
    for i in range(CONTAINERS):
        name = f"c{i}"
        running = i % 10 != 9
        mode, nets, links = user[i % len(user)], {}, None
        if i % 25 == 3:
            mode = "host"
        elif i % 25 == 4:
            mode = "none"
        elif i % 25 == 5:
            mode = f"container:{(i - 5):064x}"
        elif i % 7 == 0:
            mode = "bridge"
            links = [f"/c{i - 7}:/{name}/db"] if i >= 7 else None
        if mode in ("host", "none"):
            nets[mode] = {"IPAddress": ""}
        elif mode == "bridge":
            nets["bridge"] = {"IPAddress": f"172.17.{i // 250}.{i % 250 + 2}", "Gateway": "172.17.0.1"}
        elif not mode.startswith("container:"):
            j = user.index(mode)
            nets[mode] = {
                "IPAddress": f"10.{j}.{i // 250}.{i % 250 + 2}",
                "Gateway": f"10.{j}.0.1",
                "Aliases": [name, f"svc{i}", f"{i:012x}"],
            }
            if i % 11 == 0:
                k = (j + 1) % len(user)
                nets[user[k]] = {"IPAddress": f"10.{k}.{i // 250}.{i % 250 + 2}", "Gateway": f"10.{k}.0.1"}
        out.append(
            {
                "Id": f"{i:064x}",
                "Name": f"/{name}",
                "Created": f"2026-11-29T10:00:{i % 60:02d}.{i:09d}Z",
                "State": {"Running": running, "Status": "running" if running else "exited"},
                "HostConfig": {"NetworkMode": mode, "Links": links},
                "NetworkSettings": {"Networks": nets if running else {}},
            }
        )
        if running and links:
            hosts[name] = f"127.0.0.1\tlocalhost\n172.17.{(i - 7) // 250}.{(i - 7) % 250 + 2}\tdb c{i - 7}\n"
        else:
            hosts[name] = "127.0.0.1\tlocalhost\n" if running else None
    return out, hosts


def compose_file(folder: Path) -> Path:
    """A Compose file of 500 services on 20 networks (one internal), some on two, some sidecars."""
    nets = {f"n{j}": {"internal": True} if j == 1 else {} for j in range(NETWORKS)}
    services: dict[str, Any] = {}
    for i in range(CONTAINERS):
        svc: dict[str, Any] = {"image": "x"}
        if i % 25 == 5:
            svc["network_mode"] = f"service:s{i - 5}"
        else:
            svc["networks"] = {f"n{i % NETWORKS}": {"aliases": [f"a{i}"]}}
            if i % 11 == 0:
                svc["networks"][f"n{(i + 1) % NETWORKS}"] = {}
        services[f"s{i}"] = svc
    path = folder / "docker-compose.yml"
    path.write_text(yaml.safe_dump({"services": services, "networks": nets}))
    return path


def timed(fn) -> list[float]:
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(what: str, times: list[float]) -> None:
    median = statistics.median(times)
    print(
        f"{what}: min {min(times):.0f} ms, median {median:.0f} ms, max {max(times):.0f} ms, "
        f"median/budget {median / BUDGET_MS:.2f} (budget {BUDGET_MS:.0f} ms)"
    )


def main() -> None:
    attrs, hosts = containers()
    nets = networks()
    state = model.state_from_inspect(attrs, nets, hosts)
    print(f"{len(state.boxes)} containers on {len(nets)} networks")
    for by in ("name", "ip"):
        shape = model.predict_state(state, by).shape
        times = timed(lambda by=by: model.predict_state(model.state_from_inspect(attrs, nets, hosts), by))
        report(f"engine state -> predict(by={by!r}) {shape[0]}x{shape[1]}", times)
    with TemporaryDirectory() as folder:
        project = compose.load(compose_file(Path(folder)), "bench", command=False)
        shape = compose.predict(project).shape
        report(
            f"Compose file (plain YAML) -> plan -> predict {shape[0]}x{shape[1]}",
            timed(lambda: compose.predict(project)),
        )


if __name__ == "__main__":
    main()
