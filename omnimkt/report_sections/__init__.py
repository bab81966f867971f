"""The sections of the client report, one module per model family.

Each module has ``render(data: Dataset, **options) -> None``, which displays a
heading, a few tables and figures and a plain-language reading of them. The
report notebook calls :func:`render_section` for each name in :data:`SECTIONS`.
"""

from __future__ import annotations

import importlib
from typing import Any

from IPython.display import Markdown, display

from omnimkt.data.dataset import Dataset
from omnimkt.errors import OmnimktError

#: Report order: the data first, then value, risk, segments, actions, journeys, loyalty.
SECTIONS: tuple[str, ...] = (
    "overview", "clv", "churn", "segments", "retention", "funnel", "attribution", "loyalty",
)


def render_section(name: str, data: Dataset, **options: Any) -> None:
    """Render one report section; a data set that cannot support it gets a one-line note.

    Only omnimkt's own errors (data too thin or missing a table) are turned into the
    note; anything else is a bug and propagates.
    """
    if name not in SECTIONS:
        raise ValueError(f"unknown report section {name!r}; choose from {SECTIONS}")
    module = importlib.import_module(f"omnimkt.report_sections.{name}")
    try:
        module.render(data, **options)
    except OmnimktError as exc:
        display(Markdown(f"*This section could not be computed for this data set: {exc}*"))
