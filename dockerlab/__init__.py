"""dockerlab: how Docker containers talk to each other, live on a real engine.

``from dockerlab import Lab`` then ``Lab("article")``: see :mod:`dockerlab.lab`.
``Lab`` is imported on first use, so ``import dockerlab`` (the errors, the
version, the learner's language) stays light. ``dockerlab.set_language("zh-CN")``
switches every message to Simplified Chinese (see :mod:`dockerlab.i18n`).
"""

from __future__ import annotations

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
    from dockerlab.lab import Lab


def __getattr__(name: str) -> Any:
    if name == "Lab":
        from dockerlab.lab import Lab

        return Lab
    raise AttributeError(f"module 'dockerlab' has no attribute {name!r}")


__all__ = [
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
    "get_language",
    "set_language",
]
