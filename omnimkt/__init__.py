"""omnimkt: omnichannel precision marketing models, case-study notebooks and reports.

Model families live in submodules (``omnimkt.overview``, ``omnimkt.clv``,
``omnimkt.churn``, ``omnimkt.funnel``, ``omnimkt.lifecycle``, ``omnimkt.attribution``,
``omnimkt.segments``,
``omnimkt.retention``, ``omnimkt.loyalty``); they are imported on first use
so ``import omnimkt`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, DataWarning, ModelError, ModelWarning, OmnimktError

__version__ = "0.1.0"

_SUBMODULES = {
    "data", "datasets", "overview", "clv", "churn", "funnel", "lifecycle", "attribution",
    "segments", "retention", "loyalty", "plotting", "widgets", "report", "behaviour",
    "experiments", "campaign", "bank",
}

__all__ = [
    "Columns", "DataError", "DataWarning", "ModelError", "ModelWarning", "OmnimktError",
    "__version__", *sorted(_SUBMODULES),
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"omnimkt.{name}")
    raise AttributeError(f"module 'omnimkt' has no attribute {name!r}")
