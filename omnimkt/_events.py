"""Private helpers shared by :mod:`omnimkt.funnel` and :mod:`omnimkt.lifecycle`.

Kept apart so neither family imports the other's internals.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _first_per_group(groups: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values."""
    out = np.ones(len(groups), dtype=bool)
    out[1:] = groups[1:] != groups[:-1]
    return out
