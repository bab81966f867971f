"""Where a firm stands on the four stages of omnichannel transformation (001)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._result import Result
from omnimkt.claims.counts import STORE_CHANNELS
from omnimkt.maturity.indicators import (
    DATA_KINDS,
    INDICATORS,
    STAGES,
    check_data_kinds,
    check_thresholds,
    indicator_values,
)

__all__ = ["MaturityAssessment", "assess_maturity", "indicator_status"]


def indicator_status(value: float, started: float, achieved: float) -> str:
    """``not measurable`` (NaN), ``not started``, ``started`` or ``achieved``.

    >>> indicator_status(0.25, 0.1, 0.3), indicator_status(0.3, 0.1, 0.3)
    ('started', 'achieved')
    """
    if value is None or not np.isfinite(value):
        return "not measurable"
    return "achieved" if value >= achieved else "started" if value >= started else "not started"


class MaturityAssessment(Result):
    """The maturity indicators, their status and the stage the firm has reached.

    Attributes
    ----------
    summary : DataFrame
        One row per indicator: stage, the "all" it measures, definition, value,
        thresholds (started / achieved) and status.
    stages : DataFrame
        Per stage: its name and status (``achieved`` when every measurable
        indicator of it is achieved, ``not measurable`` when none can be measured).
    stage : int
        The last stage achieved with every earlier stage achieved (0 = none).
    data_kinds : Series
        Which of the six data kinds have a table.
    """

    title = "Omnichannel maturity"

    def __init__(self, summary: pd.DataFrame, stages: pd.DataFrame, stage: int,
                 data_kinds: pd.Series, notes: list[str]) -> None:
        self.summary, self.stages, self.stage = summary, stages, stage
        self.data_kinds, self.notes = data_kinds, notes

    def _settings(self) -> str:
        return f"stage reached: {self.stage} of 4"


def assess_maturity(transactions: pd.DataFrame, *, touchpoints: pd.DataFrame | None = None,
                    customers: pd.DataFrame | None = None,
                    data_kinds: Mapping[str, Any] | None = None,
                    thresholds: Mapping[str, Sequence[float]] | None = None,
                    store_channels: Sequence[str] = STORE_CHANNELS,
                    offline_fulfilment: Sequence[str] = ("store",),
                    columns: Any = None) -> MaturityAssessment:
    """Place a firm on the four stages from its own tables.

    Each indicator of :data:`~omnimkt.maturity.INDICATORS` (see
    :func:`~omnimkt.maturity.indicator_values` for the columns each needs) is
    compared with its (started, achieved) thresholds -- omnimkt's defaults
    (:data:`~omnimkt.maturity.DEFAULT_THRESHOLDS`), not the article's, which
    gives no numbers. A stage is achieved when every measurable indicator of it
    is achieved; the firm's stage is the last achieved stage with all earlier
    ones achieved. A stage no indicator can measure stops the count there, and
    the notes say so: "not measurable" is not "not done".

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2], "order_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"] * 2), "amount": 1.0,
    ...     "channel": ["store_pos", "app", "app", "app"], "fulfilment": "store"})
    >>> r = assess_maturity(tx)
    >>> r.stage, r.stages["status"].tolist()
    (2, ['achieved', 'achieved', 'not measurable', 'started'])
    """
    limits = check_thresholds(thresholds)
    values = indicator_values(transactions, touchpoints=touchpoints, customers=customers,
                              data_kinds=data_kinds, store_channels=store_channels,
                              offline_fulfilment=offline_fulfilment, columns=columns)
    rows = []
    for name, (stage, all_, definition) in INDICATORS.items():
        lo, hi = limits[name]
        rows.append({"indicator": name, "stage": stage, "all": all_, "definition": definition,
                     "value": values[name], "started_at": lo, "achieved_at": hi,
                     "status": indicator_status(values[name], lo, hi)})
    summary = pd.DataFrame(rows).set_index("indicator")
    stages = pd.DataFrame({"name": pd.Series(STAGES), "status": [
        _stage_status(summary.loc[summary["stage"] == k, "status"]) for k in STAGES]})
    stages.index.name = "stage"
    reached = 0
    for k in STAGES:
        if stages.loc[k, "status"] != "achieved":
            break
        reached = k
    kinds = {"usage": transactions, "relationship": touchpoints, **(data_kinds or {})}
    covered = pd.Series(check_data_kinds(kinds), name="has_table")
    notes = _notes(stages, reached, covered)
    return MaturityAssessment(summary, stages, reached, covered, notes)


def _stage_status(statuses: pd.Series) -> str:
    measured = statuses[statuses != "not measurable"]
    if measured.empty:
        return "not measurable"
    if (measured == "achieved").all():
        return "achieved"
    return "started" if (measured != "not started").any() else "not started"


def _notes(stages: pd.DataFrame, reached: int, covered: pd.Series) -> list[str]:
    notes = ["Thresholds are omnimkt's defaults, not the article's (it gives none); "
             "all-industry collaboration (全产业协同) is not measurable from customer tables."]
    nxt = reached + 1
    if nxt in STAGES:
        status = stages.loc[nxt, "status"]
        notes.append(f"Next stage {nxt} ({STAGES[nxt]}) is {status}"
                     + ("; add the columns that measure it to tell." if status ==
                        "not measurable" else "."))
    missing = [k for k in DATA_KINDS if not covered[k]]
    if missing:
        notes.append(f"Data kinds without a table: {', '.join(missing)}.")
    return notes
