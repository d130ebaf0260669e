"""dockerlab: how Docker containers talk to each other, live on a real engine.

``from dockerlab import Lab`` then ``Lab("article")``: see :mod:`dockerlab.lab`.
``Lab`` is imported on first use, so ``import dockerlab`` (the errors, the
version, the learner's language) stays light. ``dockerlab.set_language("zh-CN")``
switches every message to Simplified Chinese (see :mod:`dockerlab.i18n`).

The package is laid out by layer, each folder a layer that imports only the
foundation and the layers listed before it in :data:`LAYERS`:

- the foundation, at the top: ``errors``, ``i18n``, ``waits``, ``version``;
- ``model/``: Docker's rules, no I/O;
- ``kernel/``: what runs inside a lab container, and the parsers of what it prints;
- ``views/``: data in; text, HTML and figures out;
- ``engines/``: the real engine (docker-py), the simulated one, and the one chooser;
- ``lab/``: the facades (``Lab``, ``ClusterLab``) and the checks before them;
- ``setups/``: anyone's containers and Compose files, read only;
- ``teaching/``: the lessons, the exercises and the learner's copy;
- ``classroom/``: a class on one server (JupyterHub, a rootless engine per learner);
- ``cli/``: the ``dockerlab`` command.

The notebooks' short names stay: ``from dockerlab import lesson, display,
exercises`` (and ``analyse``, ``export``, ``sim``). A module's path from before
the layers (``dockerlab.hosts``, ``dockerlab.cluster``, ...) still imports, as
the same module, so a learner's copy of the notebooks made by an older
dockerlab keeps working.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from dockerlab.errors import (
    ComposeFileError,
    ComposeUnknownNetwork,
    ContainerNotFound,
    DockerlabError,
    EngineError,
    EngineTimeout,
    EngineUnavailable,
    ImageBuildError,
    ImageMissing,
    InvalidInput,
    LinkUnsupported,
    NameConflict,
    NeedsEngine,
    NotReady,
    ProbeError,
    SubnetOverlap,
    UnknownContainer,
    UnknownNetwork,
)
from dockerlab.i18n import get_language, set_language
from dockerlab.version import __version__

if TYPE_CHECKING:
    from dockerlab.engines.hosts import Cluster
    from dockerlab.lab import ClusterLab, Lab, close_cluster, open_cluster

#: The layers, bottom first: a module may import the foundation and the layers before its own.
LAYERS = ("model", "kernel", "views", "engines", "lab", "setups", "teaching", "classroom", "cli")

#: Short names (``dockerlab.lesson``) and the paths from before the layers, with the module each stands for.
HOMES = {
    "analyse": "dockerlab.setups.analyse",
    "backend": "dockerlab.engines.backend",
    "cluster": "dockerlab.lab.cluster",
    "colours": "dockerlab.views.colours",
    "compose": "dockerlab.setups.compose",
    "display": "dockerlab.views.display",
    "engine": "dockerlab.engines.client",
    "exercises": "dockerlab.teaching.exercises",
    "export": "dockerlab.views.export",
    "graphs": "dockerlab.views.graphs",
    "hosts": "dockerlab.engines.hosts",
    "html": "dockerlab.views.html",
    "image": "dockerlab.engines.image",
    "lesson": "dockerlab.teaching.lesson",
    "plot": "dockerlab.views.plot",
    "probe": "dockerlab.kernel.probe",
    "progress": "dockerlab.views.progress",
    "pull": "dockerlab.engines.pull",
    "services": "dockerlab.kernel.services",
    "sim": "dockerlab.engines.sim",
    "topology": "dockerlab.kernel.topology",
    "tutorial": "dockerlab.teaching.tutorial",
    "validate": "dockerlab.lab.validate",
}
#: The facades, by the module that defines them.
FACADES = {
    "Lab": "dockerlab.lab",
    "ClusterLab": "dockerlab.lab",
    "open_cluster": "dockerlab.lab",
    "close_cluster": "dockerlab.lab",
    "Cluster": "dockerlab.engines.hosts",
}


class _ShortNames(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``dockerlab.<name>`` (and what is inside it) of :data:`HOMES` as the module it stands for.

    The module is imported once, under its home: ``dockerlab.hosts`` *is*
    ``dockerlab.engines.hosts``, so a patch or a global set through one name is
    seen through the other.
    """

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        home = self.home(fullname)
        return importlib.util.spec_from_loader(fullname, self) if home else None

    @staticmethod
    def home(fullname: str) -> str | None:
        """The module ``fullname`` stands for, or None when it is not a short name (or inside one)."""
        package, _, rest = fullname.partition(".")
        short, _, inner = rest.partition(".")
        if package != __name__ or short not in HOMES:
            return None
        return f"{HOMES[short]}.{inner}" if inner else HOMES[short]

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.home(spec.name) or spec.name)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was imported under its home."""


if not any(isinstance(finder, _ShortNames) for finder in sys.meta_path):
    sys.meta_path.append(_ShortNames())


def __getattr__(name: str) -> Any:
    if name in FACADES:
        return getattr(importlib.import_module(FACADES[name]), name)
    if name in HOMES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'dockerlab' has no attribute {name!r}")


__all__ = [
    "LAYERS",
    "Cluster",
    "ClusterLab",
    "ComposeFileError",
    "ComposeUnknownNetwork",
    "ContainerNotFound",
    "DockerlabError",
    "EngineError",
    "EngineTimeout",
    "EngineUnavailable",
    "ImageBuildError",
    "ImageMissing",
    "InvalidInput",
    "Lab",
    "LinkUnsupported",
    "NameConflict",
    "NeedsEngine",
    "NotReady",
    "ProbeError",
    "SubnetOverlap",
    "UnknownContainer",
    "UnknownNetwork",
    "__version__",
    "close_cluster",
    "get_language",
    "open_cluster",
    "set_language",
]
