"""Benchmark: the whole notebook series on the simulator (no engine). Budget (issue 5): under 10 s.

Runs every ``notebooks/0*.ipynb`` with nbclient and ``DOCKERLAB_ENGINE=sim``,
prints each notebook's time and status, the total, and the ratio to the
budget. Where ``dockerlab.lesson`` does not yet open its lab through
:func:`dockerlab.sim.lab_or_sim`, a first cell (reported as "patched") points
``lesson.start`` and ``lesson.check_engine`` at the simulator.

    python benchmarks/bench_sim_series.py [notebooks/03_link.ipynb ...]
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

BUDGET_S = 10.0
ROOT = Path(__file__).resolve().parent.parent
PATCH = """\
import dockerlab.lesson as _lesson
from dockerlab.sim import shared_client as _shared
_start, _check = _lesson.start, _lesson.check_engine
_lesson.start = lambda lab_name="article", *, client=None: _start(lab_name, client=client or _shared())
_lesson.check_engine = lambda client=None: _check(client or _shared())
"""


def needs_patch() -> bool:
    """Whether the lessons still open their lab without the simulator fallback."""
    from dockerlab import lesson

    return "lab_or_sim" not in inspect.getsource(lesson)


def run(path: Path, patch: bool) -> tuple[float, str]:
    nb = nbformat.read(path, as_version=4)
    if patch:
        nb.cells.insert(0, nbformat.v4.new_code_cell(PATCH))
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellExecutionError as e:
        status = "FAILED: " + str(e).strip().splitlines()[-1][:160]
    elapsed = time.perf_counter() - t0
    first = next((o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])), None)
    text = str((first or {}).get("text") or (first or {}).get("data", {}).get("text/plain", ""))
    if status == "ok" and not patch and "SIMULATED" not in text:
        status += " (no simulation banner in the first output)"
    return elapsed, status


def run_in_one_kernel(paths: list[Path], patch: bool) -> tuple[float, str]:
    """Every notebook's cells one after the other in one kernel: the series' own work, one kernel start."""
    merged = nbformat.v4.new_notebook()
    if patch:
        merged.cells.append(nbformat.v4.new_code_cell(PATCH))
    for p in paths:
        merged.cells += [c for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
    client = NotebookClient(merged, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(paths[0].parent)}})  # fmt: skip
    t0 = time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellExecutionError as e:
        status = "FAILED: " + str(e).strip().splitlines()[-1][:160]
    return time.perf_counter() - t0, status


def main(argv: list[str]) -> None:
    os.environ["DOCKERLAB_ENGINE"] = "sim"
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("0*.ipynb"))
    patch = needs_patch()
    print(f"{len(paths)} notebooks on the simulator" + (" (patched: lesson is not wired to lab_or_sim yet)"
                                                          if patch else ""))  # fmt: skip
    total = 0.0
    failed = set()
    for p in paths:
        elapsed, status = run(p, patch)
        total += elapsed
        if not status.startswith("ok"):
            failed.add(p.name)
        print(f"  {p.name:40s} {elapsed:6.2f} s  {status}")
    print(f"series, one fresh kernel per notebook: {total:.2f} s, total/budget {total / BUDGET_S:.2f} "
          f"(budget {BUDGET_S:.0f} s)")
    ok = [p for p in paths if p.name not in failed]
    elapsed, status = run_in_one_kernel(ok, patch)
    print(f"series in one kernel ({len(ok)} notebooks that pass): {elapsed:.2f} s, {status}, "
          f"total/budget {elapsed / BUDGET_S:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
