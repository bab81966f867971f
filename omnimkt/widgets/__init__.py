"""ipywidgets explorers over the models, one module per family (no model logic here).

Importing this package registers a Chinese font as matplotlib's fallback, so
Chinese labels render in every explorer's charts.
"""

from omnimkt.plotting._base import use_cjk_font

use_cjk_font()
