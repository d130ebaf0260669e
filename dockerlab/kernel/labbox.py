"""The lab image's name and label: what every lab container runs (:mod:`dockerlab.engines.image` builds it)."""

from __future__ import annotations

from dockerlab.version import __version__

__all__ = ["IMAGE", "IMAGE_LABEL", "REPOSITORY"]

#: The lab image's repository on the engine.
REPOSITORY = "dockerlab/labbox"
#: The lab image, tagged with dockerlab's version.
IMAGE = f"{REPOSITORY}:{__version__}"
#: The label the lab image carries (``docker images -f label=dockerlab.image``).
IMAGE_LABEL = "dockerlab.image"
