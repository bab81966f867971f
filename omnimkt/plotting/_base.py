"""What every plot of omnimkt shares: the axes to draw on.

``plot_x(result, *, ax=None) -> Axes`` draws only on ``ax`` (or on new axes of
its own figure when ``ax`` is None) and returns those axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes


def new_axes(ax: Axes | None = None, size: tuple[float, float] = (7, 4)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches when ``ax`` is None.

    Examples
    --------
    >>> ax = new_axes(size=(3, 2))
    >>> new_axes(ax) is ax
    True
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax
