"""Chapter 08's cluster on this machine: Cluster.up() and down() for 3 hosts, and the reachability matrix across
3 hosts with 6 containers. Prints min / median / max of each over several runs (within one run, never asserted).

Needs root on Linux (extra engines in network namespaces; see dockerlab.engines.hosts). The targets of issue 17:
up() < 30 s (image loaded, swarm formed, overlay ready), down() < 15 s, the matrix < 3 s.

    python benchmarks/bench_hosts.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from dockerlab.engines.hosts import Cluster
from dockerlab.lab.cluster import ClusterLab


def spread(values: list[float]) -> str:
    return f"{min(values):6.2f} {statistics.median(values):8.2f} {max(values):6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="how many times to measure each (default 5)")
    args = parser.parse_args()
    name = "dlabb"  # its own cluster: apart from chapter 08's, which may be up
    ups: list[float] = []
    downs: list[float] = []
    matrices: list[float] = []
    for _ in range(args.runs):
        cluster = Cluster(name, echo=False)
        start = time.perf_counter()
        cluster.up()
        lab = ClusterLab(f"bench-{uuid.uuid4().hex[:4]}", cluster, echo=False)
        lab.network("bench-ov", "10.197.200.0/24", driver="overlay")  # "overlay ready" is part of up
        ups.append(time.perf_counter() - start)
        try:
            for i, host in enumerate(["host1", "host2", "host3"] * 2):
                lab.run(f"bench-c{i}", host=host, network="bench-ov" if i % 2 == 0 else None)
            start = time.perf_counter()
            lab.reachability()
            matrices.append(time.perf_counter() - start)
        finally:
            lab.close()
            start = time.perf_counter()
            cluster.down(quiet=True)
            downs.append(time.perf_counter() - start)
    print(f"{args.runs} runs                               min   median    max (s)")
    print(f"Cluster.up(), 3 hosts, overlay ready      {spread(ups)}")
    print(f"reachability, 3 hosts, 6 containers       {spread(matrices)}")
    print(f"Cluster.down()                            {spread(downs)}")


if __name__ == "__main__":
    main()
