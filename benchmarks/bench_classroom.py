"""The classroom under load: N learners log in through the hub's REST API, start their servers (and so their
rootless engines) and run notebook 01 on their own engine, all at the same time.

Measures the time until every learner has a working engine and a running server, the time until the whole
class has finished 01 (nbval: every output as stored), each learner's memory (PSS of the learner's processes
and of their containers', idle and after 01), and ``down --purge``. Checks that no learner's containers appear
on another's engine. Needs root (see dockerlab.classroom); the hub binds the loopback.

    sudo .venv/bin/python benchmarks/bench_classroom.py [--learners 10] [--lang zh-CN] [--save FILE]

The figures of the README: benchmarks/classroom-10.json and classroom-10-zh-CN.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from dockerlab.classroom import accounts, engine, hub, room, roster
from dockerlab.classroom import state as classroom_state

#: Notebook 01 of the learner's copy, by language.
NOTEBOOK = {"en": "notebooks/01_two_containers.ipynb", "zh-CN": "notebooks/zh-CN/01_two_containers.ipynb"}
CHECKOUT = Path(__file__).resolve().parents[1]


def start_server(current: classroom_state.State, learner: roster.Learner) -> float:
    """Log ``learner`` in through the login form, start their server by the REST API; seconds until it is ready."""
    start = time.perf_counter()
    session = requests.Session()
    base = hub.url(current.ip, current.port, "/hub")
    session.get(f"{base}/login", timeout=60).raise_for_status()
    form = {"username": learner.user, "password": learner.password, "_xsrf": session.cookies["_xsrf"]}
    session.post(f"{base}/login", data=form, timeout=60, allow_redirects=False).raise_for_status()
    session.headers["X-XSRFToken"] = [c.value for c in session.cookies if c.name == "_xsrf"][-1]
    session.headers["Referer"] = base
    answer = session.post(f"{base}/api/users/{learner.user}/server", timeout=600)
    assert answer.status_code in (201, 202), answer.text
    while True:
        model = session.get(f"{base}/api/users/{learner.user}", timeout=60).json()
        if (model.get("servers") or {}).get("", {}).get("ready"):
            break
        time.sleep(0.5)
    assert engine.answers(learner.user)
    return time.perf_counter() - start


def run_notebook(user: str, python_bin: Path, lang: str) -> tuple[bool, float, str]:
    """Notebook 01 of the learner's copy, under nbval, as the learner on their engine: (passed, seconds, tail).

    The learner's copy has blank predictions and no outputs: the learner's file is given the reference copy's
    content (its predictions answered, its outputs stored), so that nbval compares every output.
    """
    acct = accounts.account(user)
    assert acct is not None
    (acct.home / room.TUTORIAL / NOTEBOOK[lang]).write_bytes((CHECKOUT / NOTEBOOK[lang]).read_bytes())
    env = {
        **engine.environment(acct),
        "PATH": f"{python_bin}:/usr/bin:/bin",
        "DOCKERLAB_CLASSROOM": "1",
        "DOCKERLAB_LANG": lang,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [str(python_bin / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
               "--nbval-current-env", "--nbval-sanitize-with", str(CHECKOUT / "notebooks/sanitize.cfg"),
               "--rootdir", str(acct.home / room.TUTORIAL), NOTEBOOK[lang]]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
        cwd=acct.home / room.TUTORIAL,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    return done.returncode == 0, time.perf_counter() - start, (done.stdout + done.stderr).strip()[-400:]


def memory_mib(user: str) -> float:
    """The PSS of every process of the learner and of their containers (their subordinate ids), in MiB."""
    acct = accounts.account(user)
    assert acct is not None
    total = 0
    for pid in engine.leftovers([acct.uid, *accounts.subordinate_ids(user)]):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return total / 1024


def containers(user: str) -> set[str]:
    """The ids of every container on the learner's engine."""
    client = engine.client(user)
    try:
        return {c.id for c in client.containers.list(all=True)}
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--lang", default="en", choices=room.LANGUAGES)
    parser.add_argument("--save", metavar="FILE", help="also write the figures to FILE (JSON)")
    args = parser.parse_args()
    learners = roster.generated(args.learners)
    python_bin = hub.learners_python(print)
    if subprocess.run([str(python_bin / "python"), "-c", "import nbval"], check=False).returncode:
        subprocess.run([str(python_bin / "python"), "-m", "pip", "install", "-q", "nbval"], check=True)
    results: dict[str, object] = {"learners": args.learners, "lang": args.lang}
    start = time.perf_counter()
    current = room.up(learners, port=hub.free_port(), lang=args.lang, say=print)
    results["up_s"] = round(time.perf_counter() - start, 1)
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(len(learners)) as pool:
            ready = list(pool.map(lambda learner: start_server(current, learner), learners))
        results["all_engines_and_servers_s"] = round(time.perf_counter() - start, 1)
        results["server_ready_s_min_median_max"] = [round(f(ready), 1) for f in (min, statistics.median, max)]
        idle = [memory_mib(learner.user) for learner in learners]
        results["idle_mib_per_learner_median_max"] = [round(statistics.median(idle)), round(max(idle))]
        start = time.perf_counter()
        with ThreadPoolExecutor(len(learners)) as pool:
            runs = list(pool.map(lambda learner: run_notebook(learner.user, python_bin, args.lang), learners))
        results["whole_class_01_s"] = round(time.perf_counter() - start, 1)
        results["one_01_s_min_median_max"] = [round(f([r[1] for r in runs]), 1) for f in (min, statistics.median, max)]
        results["passed"] = sum(r[0] for r in runs)
        results["nbval_summaries"] = sorted({r[2].splitlines()[-1] for r in runs})
        after = [memory_mib(learner.user) for learner in learners]
        results["after_01_mib_per_learner_median_max"] = [round(statistics.median(after)), round(max(after))]
        ids = [containers(learner.user) for learner in learners]
        results["containers_shared_between_engines"] = sum(len(a & b) for i, a in enumerate(ids) for b in ids[i + 1 :])
        for learner, run in zip(learners, runs, strict=True):
            if not run[0]:
                print(f"{learner.user} failed:\n{run[2]}", file=sys.stderr)
    finally:
        start = time.perf_counter()
        room.down(purge=True, say=print)
        results["down_purge_s"] = round(time.perf_counter() - start, 1)
    print(json.dumps(results, indent=1))
    if args.save:
        Path(args.save).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
