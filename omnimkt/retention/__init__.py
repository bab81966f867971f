"""Formula-brand replenishment triggers (shared case A) and their backtest.

The case runs a member base on a consumption clock: one can of formula lasts
about a week, three cans make a habit, a follow-up call is best when a can is
nearly finished, the second purchase is prompted about 20 days after a
three-can purchase, and anyone silent for three months gets a wake-up offer.
This package turns those rules into

* :func:`depletion_table` - each customer's expected depletion date ("when
  does the formula run out?") from units bought and a consumption rate;
* :func:`habit_effect` - does finishing three cans lower the stop rate?
* :class:`ReplenishmentModel` - a dated action list (call / prompt / win-back)
  with reason, channel and offer type, exportable for an operations team;
* :func:`backtest` - replay the log to past dates and measure what happened
  next, with a seeded hold-out control group and an uplift estimate.

Time runs in whole days. ``cutoff`` is the last day of history, inclusive
(default: the day of the last row of the log); the action list is for the
day after it (a morning run over yesterday's data) and the following
``horizon_days - 1`` days.
"""

from omnimkt.retention._clock import depletion_table
from omnimkt.retention.analysis import (
    customer_timeline,
    habit_curve,
    habit_effect,
    second_purchase_timing,
)
from omnimkt.retention.backtest import UPLIFT_NOTE, BacktestResult, backtest
from omnimkt.retention.model import (
    ACTIONS,
    CALL_TIMINGS,
    OFFER_TYPES,
    ReplenishmentModel,
    action_counts,
)

__all__ = [
    "ACTIONS",
    "CALL_TIMINGS",
    "UPLIFT_NOTE",
    "BacktestResult",
    "backtest",
    "OFFER_TYPES",
    "ReplenishmentModel",
    "action_counts",
    "customer_timeline",
    "depletion_table",
    "habit_curve",
    "habit_effect",
    "second_purchase_timing",
]
