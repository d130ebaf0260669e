"""What this test run was asked for, read once from the environment.

``conftest.py`` and the test modules share it. (A test module cannot import
``conftest``: with ``notebooks/conftest.py`` beside ``tests/conftest.py``, the
module of that name is whichever pytest loaded last.)
"""

from __future__ import annotations

import os
from typing import Any

#: Under CI a missing engine (or cluster, or tool) fails the run instead of skipping.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: DOCKERLAB_ENGINE=sim runs the suite on dockerlab's simulator (and the kernels it starts inherit it).
ON_SIM = os.environ.get("DOCKERLAB_ENGINE") == "sim"


def replayed(max_examples: int) -> Any:
    """Hypothesis's settings for the differential tests: the same ``max_examples`` sequences on every run
    (derandomized, no example database), the explicit ones first, no deadline and no health check (each
    example drives real engines, so it is slow by nature)."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
