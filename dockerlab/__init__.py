"""dockerlab: how Docker containers talk to each other, live on a real engine.

``from dockerlab import Lab`` then ``Lab("article")``: see :mod:`dockerlab.lab`.
"""

__version__ = "0.1.0"

from dockerlab.errors import (
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

__all__ = [
    "DockerlabError",
    "EngineError",
    "EngineTimeout",
    "EngineUnavailable",
    "ImageBuildError",
    "ImageMissing",
    "InvalidInput",
    "LinkUnsupported",
    "NameConflict",
    "NeedsEngine",
    "NotReady",
    "ProbeError",
    "SubnetOverlap",
    "UnknownContainer",
    "UnknownNetwork",
    "__version__",
]
