"""Benchmark: predict the matrix for 200 containers on 10 networks, on the simulator (no engine).

Budget (issue 5): under 100 ms. Prints the best and median of several runs, by
name and by IP, and the ratio to the budget (below 1.0 is within budget).

    python benchmarks/bench_predict.py
"""

from __future__ import annotations

import statistics
import time

from dockerlab.engines.sim import SimClient
from dockerlab.lab import Lab

BUDGET_MS = 100.0
CONTAINERS = 200
NETWORKS = 10
RUNS = 7


def build() -> Lab:
    """A lab of 200 containers on 10 networks: 9 user-defined (one --internal, one without ICC) and the bridge."""
    lab = Lab("bench", client=SimClient(), echo=False)
    nets = ["bridge"]
    for j in range(NETWORKS - 1):
        nets.append(lab.network(f"net{j}", f"10.{j}.0.0/24", internal=j == 1, icc=j != 2))
    for i in range(CONTAINERS):
        net = nets[i % NETWORKS]
        links = [f"c{i - NETWORKS}"] if net == "bridge" and i >= NETWORKS and i % 3 == 0 else None
        lab.run(f"c{i}", network=net, links=links)
    for i in range(0, CONTAINERS, 7):  # some containers on two networks
        lab.connect(nets[(i + 1) % NETWORKS], f"c{i}")
    return lab


def timed(fn) -> list[float]:
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    t0 = time.perf_counter()
    lab = build()
    print(f"built {len(lab.containers)} containers on {NETWORKS} networks in {time.perf_counter() - t0:.2f} s (sim)")
    for by in ("name", "ip"):
        times = timed(lambda by=by: lab.predict(by))
        best, median = min(times), statistics.median(times)
        shape = lab.predict(by).shape
        print(
            f"predict(by={by!r}) {shape[0]}x{shape[1]}: best {best:.1f} ms, median {median:.1f} ms, "
            f"median/budget {median / BUDGET_MS:.2f} (budget {BUDGET_MS:.0f} ms)"
        )


if __name__ == "__main__":
    main()
