"""The facades: :class:`Lab` on one engine, :class:`ClusterLab` across hosts, and the checks before them.

- :mod:`~dockerlab.lab.lab`: :class:`Lab`, the lab on one engine (real or simulated);
- :mod:`~dockerlab.lab.cluster`: :class:`ClusterLab`, one ``Lab`` per host plus overlays;
- :mod:`~dockerlab.lab.validate`: the learner's input, refused before any engine sees it.

``from dockerlab.lab import Lab`` is the import the notebooks use.
"""

from __future__ import annotations

from dockerlab.lab.cluster import ClusterLab, close_cluster, open_cluster
from dockerlab.lab.lab import LAB_LABEL, SPEC_LABEL, By, ContainerHandle, ExecResult, Lab

__all__ = [
    "LAB_LABEL",
    "SPEC_LABEL",
    "By",
    "ClusterLab",
    "ContainerHandle",
    "ExecResult",
    "Lab",
    "close_cluster",
    "open_cluster",
]
