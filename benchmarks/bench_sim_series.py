"""Benchmark: the whole notebook series on the simulator (no engine). Budget (issue 5): under 10 s.

Runs every ``notebooks/0*.ipynb`` with nbclient and ``DOCKERLAB_ENGINE=sim``
(``lesson.start`` then opens the lab on the simulator and shows its banner),
each in a fresh kernel, three ways, and prints each one's wall time and its
ratio to the budget:

1. one after another, as a learner opens them (each pays a kernel start and
   the imports of pandas, networkx and matplotlib, about 1.2 s of the 1.8 s);
2. the whole series at once, one kernel per core (as ``pytest -n auto``
   would run it): the series' wall time on this machine, against the budget;
3. every notebook's cells in one kernel: the series' own work, start-up paid once.

The notebooks are independent on the simulator (each kernel has its own
simulated engine), so running them side by side changes no result.

    python benchmarks/bench_sim_series.py [notebooks/03_link.ipynb ...]
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

BUDGET_S = 10.0
ROOT = Path(__file__).resolve().parent.parent


def execute(nb: nbformat.NotebookNode, folder: Path) -> tuple[float, str]:
    """Run ``nb`` in a fresh kernel from ``folder``; its wall time and 'ok' or why it failed."""
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    t0 = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellExecutionError as e:
        status = "FAILED: " + str(e).strip().splitlines()[-1][:160]
    return time.perf_counter() - t0, status


def run(path: Path) -> tuple[float, str]:
    """One notebook in its own kernel, as JupyterLab runs it; checks the simulation banner."""
    nb = nbformat.read(path, as_version=4)
    elapsed, status = execute(nb, path.parent)
    first = next((o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])), None)
    text = str((first or {}).get("text") or (first or {}).get("data", {}).get("text/plain", ""))
    if status == "ok" and "SIMULATED" not in text:
        status += " (no simulation banner in the first output)"
    return elapsed, status


def run_in_one_kernel(paths: list[Path]) -> tuple[float, str]:
    """Every notebook's cells one after the other in one kernel: the series' own work, one kernel start."""
    merged = nbformat.v4.new_notebook()
    for p in paths:
        merged.cells += [c for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
    return execute(merged, paths[0].parent)


def main(argv: list[str]) -> None:
    os.environ["DOCKERLAB_ENGINE"] = "sim"
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("0*.ipynb"))
    print(f"{len(paths)} notebooks on the simulator")
    total = 0.0
    failed = set()
    for p in paths:
        elapsed, status = run(p)
        total += elapsed
        if not status.startswith("ok"):
            failed.add(p.name)
        print(f"  {p.name:40s} {elapsed:6.2f} s  {status}")
    print(f"1. one after another, a fresh kernel each: {total:.2f} s, total/budget {total / BUDGET_S:.2f}")

    workers = os.cpu_count() or 1
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run, paths))
    wall = time.perf_counter() - t0
    bad = [p.name for p, (_, status) in zip(paths, results, strict=True) if not status.startswith("ok")]
    print(
        f"2. the whole series, {workers} kernels at a time: {wall:.2f} s wall, total/budget {wall / BUDGET_S:.2f}"
        f"{'  FAILED: ' + ', '.join(bad) if bad else ''}"
    )

    ok = [p for p in paths if p.name not in failed]
    elapsed, status = run_in_one_kernel(ok)
    print(
        f"3. every cell in one kernel ({len(ok)} notebooks): {elapsed:.2f} s, {status}, "
        f"total/budget {elapsed / BUDGET_S:.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
