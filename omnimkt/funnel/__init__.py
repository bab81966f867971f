"""Journey funnels (shared case D).

Funnels follow Mixpanel / Amplitude semantics, computed with numpy over the
whole event table at once (no per-customer Python loop):

* an *attempt* starts at an occurrence of the first step; each next step is
  the earliest matching event after the previous step (other events may come
  in between, ``order="strict"``), immediately after it (``order="exact"``),
  or the steps may come in any order (``order="any"``: an attempt starts at
  any funnel event, step k counts when steps 1..k all happened in the window);
* every step must happen within ``window_days`` of the attempt's start;
* a customer (or session, ``by="session"``) counts once, at the furthest step
  of their best attempt (``attempts="best"``, ties go to the earliest) or of
  their first attempt (``attempts="first"``);
* exclusion steps drop an attempt in which the excluded event happens between
  two given steps (until the window ends if the later step is never reached);
* events of one customer at the same instant are taken in funnel-step order
  (see :mod:`omnimkt.funnel.engine`), so the row order of the input never
  changes a count.

Modules: :mod:`~omnimkt.funnel.engine` (:func:`funnel`, :func:`compare_periods`),
:mod:`~omnimkt.funnel.events` (:func:`event_log`), :mod:`~omnimkt.funnel.presets`
(:func:`purchase_funnel`, :func:`campaign_funnel`) and :mod:`~omnimkt.funnel.result`.
Lifecycle stages live in :mod:`omnimkt.lifecycle`; :func:`stage_at`,
:func:`stage_counts`, :func:`stage_transitions`, :func:`stage_conversion` and
:class:`StageConversion` are re-exported here.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2],
...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03",
...                                                 "2025-01-01", "2025-03-01"]),
...                    "event": ["visit", "click", "purchase", "visit", "click"]})
>>> funnel(ev, ["visit", "click", "purchase"], window_days=30).summary["customers"].tolist()
[2, 1, 1]
"""

from omnimkt.funnel.engine import compare_periods, funnel
from omnimkt.funnel.events import event_log
from omnimkt.funnel.presets import CAMPAIGN_STEPS, campaign_funnel, purchase_funnel
from omnimkt.funnel.result import FunnelComparison, FunnelResult
from omnimkt.lifecycle import (
    StageConversion,
    stage_at,
    stage_conversion,
    stage_counts,
    stage_transitions,
)

__all__ = [
    "FunnelResult", "FunnelComparison", "StageConversion", "funnel", "compare_periods",
    "event_log", "campaign_funnel", "purchase_funnel", "stage_at", "stage_counts",
    "stage_transitions", "stage_conversion", "CAMPAIGN_STEPS",
]
