"""Plots over omnimkt results, one module per model family: ``plot_x(result, *, ax=None) -> Axes``.

Import from the family's module, e.g. ``from omnimkt.plotting.clv import
plot_cumulative_tracking``. Each function draws on the axes it is given (or a
new one), labels its axes with units and never calls ``plt.show()``.

Importing this package registers a Chinese font as matplotlib's fallback (see
:func:`omnimkt.plotting._base.use_cjk_font`), so Chinese labels render.
"""

from omnimkt.plotting._base import use_cjk_font

use_cjk_font()
