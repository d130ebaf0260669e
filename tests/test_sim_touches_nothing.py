"""Every notebook and every exercise, in both editions, on the simulator: nothing real is touched.

With ``DOCKERLAB_ENGINE=sim`` each notebook runs to its end in a kernel of its own (nbclient; its outputs are not
compared: tests/test_series_on_sim.py does that), and this proves, as root too, that

- no ``dockerd`` (nor containerd, runc, docker-proxy) is started: every kernel runs with an audit hook
  (``sys.addaudithook``, installed by a ``sitecustomize`` on the kernel's ``PYTHONPATH``, so Python children
  inherit it) that records each ``subprocess.Popen``, ``os.exec*``, ``os.posix_spawn``, ``os.system``; none may
  start an engine's or a namespace's program. A watcher reads ``/proc`` while the kernels run: no process
  carrying the kernels' marker variable is an engine's, and the engine processes that appear between before
  and after are not the kernels' (the machine is shared: another run may start its own meanwhile);
- no network namespace appears: every marked process stays in the test's own network namespace, and a
  namespace that appears in ``ip netns list``, ``/run/netns`` or ``/var/run/docker/netns`` is not one a marked
  process was in;
- no socket but the simulator's is touched: each ``socket.connect`` a kernel makes goes to the loopback over
  TCP (the simulator's published ports; the kernel's own ZMQ sockets to Jupyter connect in C, unseen); no unix
  socket (``/var/run/docker.sock``) is ever connected to.

Exercise notebooks run as a learner's copy with the solution's code in each ``# your code here`` cell (so that a
cell that needs an answer, ex04's prediction or ex07's evidence, has one). The repository's series notebooks keep
a filled ``mine``, so they run as they are. It depends on no real engine, running or not.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: Kernels at once (the machine of CI has 2 cores; DOCKERLAB_SIM_KERNELS overrides).
WORKERS = int(os.environ.get("DOCKERLAB_SIM_KERNELS", "3"))
MARKER = "DOCKERLAB_AUDIT_DIR"
#: Programs of an engine or of a network namespace: a kernel on the simulator starts none of them.
FORBIDDEN_PROGRAMS = frozenset(
    {
        "docker", "dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "runc", "docker-proxy",
        "docker-compose", "ip", "nsenter", "unshare", "tcpdump", "iptables", "nft",
    }
)  # fmt: skip
ENGINE_PROCESSES = frozenset({"dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "runc"})
NETNS_DIRS = (Path("/run/netns"), Path("/var/run/docker/netns"))

#: Installed in every kernel (and its Python children) by PYTHONPATH: one JSON line per audited event.
SITECUSTOMIZE = """
import json, os, sys

_DIR = os.environ.get("DOCKERLAB_AUDIT_DIR")
if _DIR:
    _LOG = open(os.path.join(_DIR, "%d.jsonl" % os.getpid()), "a", buffering=1)
    _EVENTS = {"subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "socket.connect"}

    def _audit(event, args):
        if event not in _EVENTS:
            return
        try:
            if event == "socket.connect":
                sock, address = args[0], args[1]
                row = {"family": int(sock.family), "address": address if isinstance(address, str) else list(address)}
            elif event == "os.system":
                row = {"argv": [str(args[0])]}
            else:
                path, argv = args[0], args[1]
                argv = list(argv) if isinstance(argv, (list, tuple)) else [argv]
                row = {"program": str(path), "argv": [str(a) for a in argv]}
        except Exception as e:  # never break the kernel: record what could not be read
            row = {"error": repr(e)}
        row["event"] = event
        _LOG.write(json.dumps(row, default=str) + "\\n")

    sys.addaudithook(_audit)
"""


def _exercise_builder():
    """``tools/build_exercises.py`` (``tools`` is not a package), loaded once."""
    if "build_exercises" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_exercises", ROOT / "tools" / "build_exercises.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_exercises"] = module
        spec.loader.exec_module(module)
    return sys.modules["build_exercises"]


#: What the student's notebook has where the solution's code goes.
PLACEHOLDER = _exercise_builder().PLACEHOLDER


def runs() -> list[tuple[str, Path, Path | None]]:
    """(id, notebook, its solution or None) for every notebook and exercise of both editions."""
    found = []
    for lang, folder in (("en", NOTEBOOKS), ("zh-CN", NOTEBOOKS / "zh-CN")):
        found += [(f"{lang}-{p.stem[:2]}", p, None) for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))]
        found += [
            (f"{lang}-{p.stem[:4]}", p, p.parent / "solutions" / p.name)
            for p in sorted((folder / "exercises").glob("ex*.ipynb"))
        ]
    return found


def filled(path: Path, solution: Path | None) -> nbformat.NotebookNode:
    """The notebook; an exercise with the solution's code in each ``# your code here`` cell."""
    nb = nbformat.read(path, as_version=4)
    if solution is not None:
        answers = nbformat.read(solution, as_version=4).cells
        for cell, answer in zip(nb.cells, answers, strict=True):
            if cell.cell_type == "code" and PLACEHOLDER in cell.source:
                cell.source = answer.source
    return nb


# -- what the machine shows ------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _netns_inode(pid: int | str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return ""


def processes() -> dict[int, tuple[str, str, bool]]:
    """Every process: pid -> (command name, network namespace, carries the kernels' marker)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            marked = f"{MARKER}=".encode() in Path(f"/proc/{entry.name}/environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            marked = False
        found[int(entry.name)] = (_read(f"/proc/{entry.name}/comm").strip(), _netns_inode(entry.name), marked)
    return found


def namespaces() -> dict[str, str]:
    """The named and Docker's network namespaces: their paths (and ``ip netns list``'s names) -> nsfs inode."""
    found = {}
    for folder in NETNS_DIRS:
        for entry in folder.glob("*") if folder.is_dir() else []:
            try:
                found[str(entry)] = f"net:[{entry.stat().st_ino}]"
            except OSError:
                found[str(entry)] = ""
    try:
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        listed = ""
    for line in listed.splitlines():
        if line.split():
            found.setdefault(f"/run/netns/{line.split()[0]}", "")
    return found


class Watcher(threading.Thread):
    """Reads /proc until stopped: every process that carries the marker, its name and its network namespace."""

    def __init__(self, period: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.period = period
        self.seen: dict[int, tuple[str, str]] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.period)

    def sample(self) -> None:
        for pid, (comm, netns, marked) in processes().items():
            if marked:
                self.seen.setdefault(pid, (comm, netns))

    def stop(self) -> None:
        self.done.set()
        self.join()
        self.sample()


# -- what the kernels did ----------------------------------------------------------


def _loopback(address: object) -> bool:
    host = address[0] if isinstance(address, list) and address else None
    try:
        return isinstance(host, str) and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
    except ValueError:
        return False


def offences(log_dir: Path) -> list[str]:
    """Each audited event of a kernel that starts an engine's program or connects anywhere but the loopback."""
    import socket

    found = []
    for log in sorted(log_dir.glob("*.jsonl")):
        for line in log.read_text().splitlines():
            row = json.loads(line)
            if row["event"] == "socket.connect":
                inet = row["family"] in (socket.AF_INET, socket.AF_INET6)
                if not (inet and _loopback(row["address"])):
                    found.append(f"{log.stem}: connect to {row['address']} (family {row['family']})")
            elif "error" in row:
                found.append(f"{log.stem}: {row['event']} could not be read: {row['error']}")
            else:
                programs = {Path(p).name for p in [row.get("program", ""), *row["argv"][:1]] if p}
                words = " ".join(row["argv"]).split()
                if programs & FORBIDDEN_PROGRAMS or (row["event"] == "os.system" and FORBIDDEN_PROGRAMS & set(words)):
                    found.append(f"{log.stem}: {row['event']} {' '.join(row['argv'])}")
    return found


#: Notebooks whose cells may refuse the simulator, with this error only: none (09's Compose cells run on the
#: simulated ``up``/``down``, which never start Compose).
REFUSED_ON_SIM: dict[str, str] = {}


def run_one(nb: nbformat.NotebookNode, cwd: Path, env: dict[str, str], refused: str | None = None) -> int:
    """Execute ``nb`` in a fresh kernel with ``env`` (nbclient raises on a cell that fails, but for ``refused``);
    return how many cells ``refused``."""
    client = NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        allow_error_names=[refused] if refused else [],
    )
    client.execute(env=env)
    return sum(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def audited_run(tmp_path: Path, items: list[tuple[str, Path, Path | None]]) -> None:
    """Run ``items`` on the simulator, audited, and assert that they touched nothing real (see the module)."""
    hook_dir, log_dir = tmp_path / "hook", tmp_path / "audit"
    hook_dir.mkdir()
    log_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    base = {k: v for k, v in os.environ.items() if k not in ("DOCKERLAB_LANG", "PYTHONPATH")}
    env = {**base, "DOCKERLAB_ENGINE": "sim", MARKER: str(log_dir), "PYTHONPATH": str(hook_dir)}
    own_netns = _netns_inode("self")
    before_procs, before_ns = processes(), namespaces()
    watcher = Watcher()
    watcher.start()
    failures: dict[str, str] = {}
    times: dict[str, float] = {}
    refused: dict[str, int] = {}

    def one(item: tuple[str, Path, Path | None]) -> None:
        name, path, solution = item
        lang = "zh-CN" if "zh-CN" in path.parts else "en"
        t0 = time.monotonic()
        try:
            refused[name] = run_one(
                filled(path, solution), path.parent, {**env, "DOCKERLAB_LANG": lang}, REFUSED_ON_SIM.get(path.name[:2])
            )
        except Exception as e:  # every notebook's failure is reported together
            failures[name] = f"{type(e).__name__}: {str(e)[-1500:]}"
        times[name] = time.monotonic() - t0

    t0 = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(one, items))
    finally:
        watcher.stop()
    elapsed = time.monotonic() - t0
    after_procs, after_ns = processes(), namespaces()
    slowest = sorted(times.items(), key=lambda kv: -kv[1])[:5]
    print(f"\n{len(times)} notebooks in {elapsed:.0f} s with {WORKERS} kernels at once; slowest: {slowest}")
    print(f"cells that refused the simulator (Compose): { {k: v for k, v in refused.items() if v} }")

    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    assert watcher.seen, "the watcher saw no kernel: the marker did not reach them"
    assert list(log_dir.glob("*.jsonl")), "no kernel wrote its audit log: the hook was not installed"
    assert not offences(log_dir), "\n".join(offences(log_dir))
    engines = {pid: comm for pid, (comm, _) in watcher.seen.items() if comm in ENGINE_PROCESSES}
    assert not engines, f"the kernels started engine processes: {engines}"
    elsewhere = {pid: (comm, ns) for pid, (comm, ns) in watcher.seen.items() if ns and ns != own_netns}
    assert not elsewhere, f"kernel processes in another network namespace: {elsewhere}"
    new_engines = {pid: v for pid, v in after_procs.items() if v[0] in ENGINE_PROCESSES and pid not in before_procs}
    assert not [pid for pid, v in new_engines.items() if v[2]], f"engine processes of the kernels: {new_engines}"
    kernel_netns = {ns for _, ns in watcher.seen.values()}
    new_ns = {path: ino for path, ino in after_ns.items() if path not in before_ns}
    assert not [p for p, ino in new_ns.items() if ino and ino in kernel_netns], f"namespaces of the kernels: {new_ns}"
    if new_engines or new_ns:  # the machine is shared: say what others started meanwhile, which is not ours
        print(f"not the kernels' (another run on this machine): engines {new_engines}, namespaces {sorted(new_ns)}")


def test_every_notebook_and_exercise_runs_on_the_simulator_touching_nothing_real(tmp_path):
    audited_run(tmp_path, [r for r in runs() if not r[1].name.startswith(COMPOSE_CHAPTER)])


#: Chapter 09 runs Docker Compose on a real engine; on the simulator it never asks Compose (even ``docker compose
#: config`` talks to the engine's socket) and runs to its end on the simulated ``up``/``down``: its own test, so
#: that a regression there is named as such.
COMPOSE_CHAPTER = "09"


def test_chapter_09_on_the_simulator_touches_nothing_real(tmp_path):
    audited_run(tmp_path, [r for r in runs() if r[1].name.startswith(COMPOSE_CHAPTER)])


if __name__ == "__main__":  # pragma: no cover - a quick look: python tests/test_sim_touches_nothing.py
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider"]))
