"""The simulated swarm is faithful across hosts: random sequences run on the real 3-engine cluster and on the sim.

Hypothesis generates sequences over the session's cluster (``cluster`` in conftest.py): attachable overlays
(explicit subnets), bridges on one host (subnet from that host's pool), containers on any host on the
default bridge, a bridge or an overlay, then connect, disconnect, stop, start, restart and remove. Each runs on
one reused real :class:`~dockerlab.lab.cluster.ClusterLab` and on a fresh
:class:`~dockerlab.engines.sim.swarm.SimSwarm`,
and the test requires the same outcome for every operation (done, or refused with the same error type),
identical addresses per (host, container, network), and identical reachability by name and by IP; and the
model's prediction (:mod:`dockerlab.model.hosts`) must equal what the real cluster measured.

The cluster's engines are the lab's alone (extra engines, not the shared main one), so nothing else changes
them while an example runs. The simulator is told where each host's rotating pool allocation stands, and
which default-bridge addresses something else holds there.
``DOCKERLAB_DIFF_HOSTS_EXAMPLES`` sets the number of examples (default 30).
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd
import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st
from testenv import replayed

from dockerlab.engines.sim.swarm import SimSwarm
from dockerlab.errors import DockerlabError
from dockerlab.lab import LAB_LABEL
from dockerlab.lab.cluster import ClusterLab
from dockerlab.model import predict_state

MAX_EXAMPLES = int(os.environ.get("DOCKERLAB_DIFF_HOSTS_EXAMPLES", "30"))
HOSTS = ["host1", "host2", "host3"]
CONTAINERS = 6
OVERLAYS = 2
BRIDGES = 2

pytestmark = [pytest.mark.integration, pytest.mark.engine_only, pytest.mark.slow]

index = st.integers(0, 15)
network_op = st.one_of(
    st.tuples(st.just("overlay"), st.integers(0, OVERLAYS - 1)),
    st.tuples(st.just("bridge"), st.integers(0, BRIDGES - 1), st.integers(0, len(HOSTS) - 1)),
)
#: a run: its host, its network (by index into what exists)
run_op = st.tuples(st.just("run"), st.integers(0, len(HOSTS) - 1), index)
container_op = st.one_of(
    run_op,
    run_op,
    st.tuples(st.just("connect"), index, index),
    st.tuples(st.just("disconnect"), index, index),
    st.tuples(st.just("restart"), index),
    st.tuples(st.just("stop"), index),
    st.tuples(st.just("start"), index),
    st.tuples(st.just("remove"), index),
)
sequences = st.tuples(
    st.lists(network_op, min_size=1, max_size=3),
    st.lists(run_op, min_size=2, max_size=3),
    st.lists(container_op, min_size=1, max_size=3),
)


class Book:
    """What exists, so that an operation's indexes pick an existing container or network."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.containers: list[str] = []
        self.networks: list[str] = ["bridge"]

    def resolve(self, op: tuple) -> tuple | None:
        kind, *args = op
        if kind == "overlay":
            return ("overlay", f"h{self.tag}ov{args[0]}", f"10.197.{100 + args[0]}.0/24")
        if kind == "bridge":
            return ("bridge", f"h{self.tag}br{args[0]}", HOSTS[args[1]])
        if kind == "run":
            free = [f"h{self.tag}c{i}" for i in range(CONTAINERS) if f"h{self.tag}c{i}" not in self.containers]
            if not free:
                return None
            return ("run", free[0], HOSTS[args[0]], self.networks[args[1] % len(self.networks)])
        if not self.containers:
            return None
        c = self.containers[args[-1] % len(self.containers)]
        if kind in ("connect", "disconnect"):
            return (kind, self.networks[args[0] % len(self.networks)], c)
        return (kind, c)

    def record(self, op: tuple, outcome: str, lab: ClusterLab) -> None:
        if op[0] in ("overlay", "bridge") and outcome == "ok" and op[1] not in self.networks:
            self.networks.append(op[1])
        if op[0] in ("run", "remove"):
            self.containers = lab.containers


def apply(lab: ClusterLab, op: tuple) -> str:
    """Run one concrete operation; 'ok' or the name of the error it raised."""
    kind, *args = op
    try:
        if kind == "overlay":
            lab.network(args[0], args[1], driver="overlay")
        elif kind == "bridge":
            lab.network(args[0], host=args[1])
        elif kind == "run":
            lab.run(args[0], host=args[1], network=args[2])
        elif kind in ("connect", "disconnect"):
            getattr(lab, kind)(*args)
        else:
            getattr(lab, kind)(args[0])
    except DockerlabError as e:
        return type(e).__name__
    return "ok"


def sim_like(real: ClusterLab) -> ClusterLab:
    """A fresh simulated swarm whose hosts' pool allocators stand where the real hosts' do."""
    swarm = SimSwarm(hosts=HOSTS)

    def last_pool(lab: Any) -> str:
        net = lab.client.networks.create(f"{real.name}-pool", driver="bridge", labels={LAB_LABEL: real.name})
        try:
            net.reload()
            return net.attrs["IPAM"]["Config"][0]["Subnet"]
        finally:
            net.remove()

    with ThreadPoolExecutor(max_workers=len(HOSTS)) as pool:
        lasts = dict(zip(real.labs, pool.map(last_pool, real.labs.values()), strict=True))
    for h, last in lasts.items():
        engine = swarm.hosts[h].client().engine
        engine.continue_pools_after(last)
        # Addresses others hold on this host's default bridge (a learner's containers, say) stay taken.
        held = real.labs[h].client.networks.get("bridge").attrs.get("Containers") or {}
        engine.occupy_bridge_addresses(sorted(c["IPv4Address"].split("/")[0] for c in held.values()))
    return ClusterLab(real.name, swarm, echo=False)


def addresses(lab: ClusterLab) -> set[tuple[str, str, str, str]]:
    f = lab.addresses()
    return {(r.host, r.container, r.network, r.ip) for r in f.itertuples() if isinstance(r.ip, str)}


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    except AssertionError:
        return False
    return True


def test_sim_matches_the_real_cluster(cluster) -> None:
    real = ClusterLab(f"dh-{uuid.uuid4().hex[:6]}", cluster, echo=False)
    counts = {"compared": 0}

    @replayed(MAX_EXAMPLES)
    @given(sequences)
    def check(ops: tuple[list, list, list]) -> None:
        real.reset()
        sim = sim_like(real)
        book = Book(uuid.uuid4().hex[:3])
        outcomes = []
        for abstract in [*ops[0], *ops[1], *ops[2]]:
            op = book.resolve(abstract)
            if op is not None:
                outcomes.append((op, apply(real, op), apply(sim, op)))
                book.record(op, outcomes[-1][1], real)
        note(f"operations (op, real, sim): {outcomes}")
        done = [op for op, r, _ in outcomes if r == "ok"]
        for kind in ("overlay", "bridge", "run", "connect", "disconnect", "restart", "stop", "remove"):
            if any(op[0] == kind for op in done):
                event(f"does {kind}")
        hosts_used = {op[2] for op in done if op[0] == "run"}
        event(f"containers on {len(hosts_used)} hosts")
        state = real.state()
        with ThreadPoolExecutor(max_workers=2) as pool:
            by_name, by_ip = pool.submit(real.reachability, "name", state), pool.submit(real.reachability, "ip", state)
            measured = {"name": by_name.result(), "ip": by_ip.result()}
        problems = [f"{op}: real {r}, sim {s}" for op, r, s in outcomes if r != s]
        if addresses(real) != addresses(sim):
            problems.append(f"addresses: real {sorted(addresses(real))}, sim {sorted(addresses(sim))}")
            for h, lab in real.labs.items():  # what else holds addresses on each host's default bridge
                held = lab.client.networks.get("bridge").attrs.get("Containers") or {}
                problems.append(f"{h}'s bridge: {sorted((c['Name'], c['IPv4Address']) for c in held.values())}")
        for by in ("name", "ip"):
            simulated = sim.reachability(by)
            if not same(measured[by], simulated):
                problems.append(f"reachability by {by}:\nreal\n{measured[by]}\nsim\n{simulated}")
            predicted = predict_state(state, by)
            if not same(predicted, measured[by]):
                problems.append(f"predict by {by}:\npredicted\n{predicted}\nmeasured\n{measured[by]}")
        counts["compared"] += 1
        assert not problems, "\n".join(problems)

    try:
        check()
    finally:
        real.close()
    assert counts["compared"] >= MAX_EXAMPLES, counts
