"""What every plot of omnimkt shares: the axes to draw on and a font that has Chinese.

``plot_x(result, *, ax=None) -> Axes`` draws only on ``ax`` (or on new axes of
its own figure when ``ax`` is None) and returns those axes.

Chinese labels (门店, 天猫旗舰店, ¥1,234) render because :func:`use_cjk_font`
registers Noto Sans CJK SC, shipped by the ``mplfonts`` package, as the fallback
after DejaVu Sans. It runs when :mod:`omnimkt.plotting` or :mod:`omnimkt.widgets`
is imported and again in :func:`new_axes` (a notebook may reset ``rcParams``).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.axes import Axes

__all__ = ["CJK_FAMILY", "cjk_font_path", "new_axes", "use_cjk_font"]

#: Family name of the CJK fallback font.
CJK_FAMILY = "Noto Sans CJK SC"
_CJK_FILE = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_path() -> Path:
    """The Noto Sans CJK SC font file shipped by ``mplfonts``.

    Found without importing ``mplfonts`` (its import pulls in tools omnimkt does
    not need).

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    spec = importlib.util.find_spec("mplfonts")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "fonts" / _CJK_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"the Chinese font {_CJK_FILE} was not found: install omnimkt's dependencies "
        "again (pip install mplfonts)")


@cache
def _register() -> None:
    font_manager.fontManager.addfont(str(cjk_font_path()))


def use_cjk_font() -> None:
    """Make every matplotlib text fall back to Noto Sans CJK SC for Chinese characters.

    Latin text keeps DejaVu Sans; a character DejaVu lacks is drawn from the CJK
    font. (Putting the font only in ``font.sans-serif`` does not fall back.)

    Examples
    --------
    >>> use_cjk_font()
    >>> import matplotlib
    >>> matplotlib.rcParams["font.family"]
    ['DejaVu Sans', 'Noto Sans CJK SC']
    """
    _register()
    family = ["DejaVu Sans", CJK_FAMILY]
    if list(matplotlib.rcParams["font.family"]) != family:
        matplotlib.rcParams["font.family"] = family


def new_axes(ax: Axes | None = None, size: tuple[float, float] = (7, 4)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches when ``ax`` is None.

    Examples
    --------
    >>> ax = new_axes(size=(3, 2))
    >>> new_axes(ax) is ax
    True
    """
    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def grouped_bars(ax: Axes, x: Any, bars: list[tuple[Any, dict[str, Any]]],
                 width: float = 0.8) -> None:
    """Side-by-side bars at each ``x``: one ``(heights, bar keyword arguments)`` per series,
    sharing ``width`` of the slot.

    Examples
    --------
    >>> import numpy as np
    >>> ax = new_axes()
    >>> grouped_bars(ax, np.arange(2), [([1, 2], {"label": "a"}), ([3, 4], {"label": "b"})])
    >>> [round(float(p.get_x()), 2) + 0.0 for p in ax.patches]
    [-0.4, 0.6, 0.0, 1.0]
    """
    w = width / len(bars)
    for i, (heights, kw) in enumerate(bars):
        ax.bar(x + (i - (len(bars) - 1) / 2) * w, heights, w, **kw)
