"""Parallel reachability probe vs. a sequential one-exec-per-pair probe, on a real engine.

12 containers on 3 networks (the default bridge and two user-defined ones):
132 ordered pairs, most of them unreachable. Prints both wall times and their
ratio; the figure that matters is the ratio, measured within one run.

    python benchmarks/bench_probe.py [--sequential-by-name]
"""

from __future__ import annotations

import argparse
import time
import uuid

from dockerlab.lab import Lab


def build(lab: Lab, tag: str) -> list[str]:
    nets = [lab.network(f"bench-{tag}-n{i}") for i in (1, 2)]
    names = []
    for i in range(12):
        name = f"bench-{tag}-c{i:02d}"
        network = [None, *nets][i % 3]
        lab.run(name, network=network)
        names.append(name)
    return names


def sequential(lab: Lab, by: str) -> tuple[float, int]:
    """One docker exec per ordered pair, one after another: the naive probe."""
    handles = {n: lab[n] for n in lab.containers}
    start = time.perf_counter()
    reached = 0
    for src in handles:
        for dst, h in handles.items():
            if dst == src:
                continue
            for target in [dst] if by == "name" else list(h.ips.values()):
                reached += lab.ping(src, target).ok
    return time.perf_counter() - start, reached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequential-by-name", action="store_true", help="also time the naive probe by name")
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:4]
    lab = Lab(f"bench-{tag}", echo=False)
    try:
        lab.provision()
        build(lab, tag)
        rows = []
        for by in ("ip", "name"):
            start = time.perf_counter()
            matrix = lab.reachability(by)
            parallel = time.perf_counter() - start
            reached = int(matrix.fillna(False).to_numpy().sum())
            rows.append((by, parallel, reached, matrix.size - len(matrix)))
        print("probe    by    wall (s)  reachable/probed")
        for by, t, reached, probed in rows:
            print(f"parallel {by:<5} {t:8.2f}  {reached}/{probed}")
        kinds = ["ip", "name"] if args.sequential_by_name else ["ip"]
        for by in kinds:
            t_seq, reached = sequential(lab, by)
            t_par = next(t for b, t, _, _ in rows if b == by)
            print(f"sequential {by:<5} {t_seq:6.2f}  {reached} reachable")
            print(f"speed-up by {by}: {t_seq / t_par:.1f}x (parallel {t_par:.2f} s vs sequential {t_seq:.2f} s)")
    finally:
        lab.reset()


if __name__ == "__main__":
    main()
