"""Ready-made funnels of the shared cases: repeat purchases and the closed-loop campaign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from omnimkt._gate import as_columns, check_choice, check_number
from omnimkt.data.schema import STAGES, Columns
from omnimkt.errors import DataError, ModelError, examples
from omnimkt.funnel.engine import funnel
from omnimkt.funnel.events import event_log
from omnimkt.funnel.result import FunnelResult

__all__ = ["CAMPAIGN_STEPS", "campaign_funnel", "purchase_funnel"]

#: The closed-loop campaign of shared case D, as funnel step labels.
CAMPAIGN_STEPS = ("exposure", "interaction", "effective member", "effective sales",
                  "effective repeat purchase")


def purchase_funnel(transactions: pd.DataFrame, n: int = 3, *, window_days: float | None = None,
                    columns: Columns | Mapping[str, str] | None = None,
                    **options: Any) -> FunnelResult:
    """First -> second -> ... -> n-th order funnel from transactions alone.

    Transactions are checked with :func:`omnimkt.data.validate_transactions` (``columns``
    maps your names); refund rows (amount < 0) are not orders and are left out. Order
    lines of one order_id (or of one timestamp) are one order. ``window_days`` (default
    none) limits the time from the first order; other options go to
    :func:`~omnimkt.funnel.funnel`.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2], "amount": 1.0,
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-01-05"])})
    >>> purchase_funnel(tx).summary["customers"].tolist()
    [2, 1, 1]
    """
    from omnimkt.data.dataset import Dataset

    n = check_number(n, "n", low=2, integer=True)
    log = event_log(Dataset(transactions=transactions), columns=columns)
    labels = ["1st purchase", "2nd purchase", "3rd purchase"] + [f"{i}th purchase"
                                                                 for i in range(4, n + 1)]
    steps = ["purchase"] + ["repeat_purchase"] * (n - 1)
    return funnel(log, steps, window_days=window_days, labels=labels[:n], **options)


def _campaign_log(dataset: Any, campaign: str | None, member_stage: str,
                  columns: Columns) -> tuple[pd.DataFrame, list[str]]:
    """One row per step event of the closed loop (column ``loop_step``) and the steps shown."""
    tp = getattr(dataset, "touchpoints", None)
    if tp is None or len(tp) == 0:
        raise DataError("campaign_funnel: the dataset has no touchpoints; exposure and "
                        "interaction come from them.")
    log = event_log(dataset, columns=columns)
    touch = log["source"] == "touchpoint"
    if campaign is not None:
        if "campaign" not in log:
            raise DataError("touchpoints: no 'campaign' column to filter on.")
        if not (log["campaign"] == campaign).any():
            raise DataError(f"touchpoints.campaign: no rows for {campaign!r} (e.g. "
                            f"{examples(log.loc[touch, 'campaign'].unique())}).")
        log = log[~touch | (log["campaign"] == campaign)].reset_index(drop=True)
        touch = log["source"] == "touchpoint"
    ev = log["event"]
    # One row per step event; an interaction is also an exposure, so those rows are
    # copied. Steps the data cannot show are left out.
    candidates = [
        ("exposure", touch), ("interaction", touch & ev.isin(["click", "visit"])),
        ("effective member", ev == "stage:" + member_stage),
        ("effective sales", ev == "purchase"),
        ("effective repeat purchase", ev == "repeat_purchase"),
    ]
    pieces = [log[mask].assign(loop_step=name) for name, mask in candidates if mask.any()]
    return pd.concat(pieces, ignore_index=True), [p["loop_step"].iloc[0] for p in pieces]


def campaign_funnel(dataset: Any, *, window_days: float | None = 365, campaign: str | None = None,
                    member_stage: str = "consider", breakdown: Any = None,
                    columns: Columns | Mapping[str, str] | None = None,
                    **options: Any) -> FunnelResult:
    """The closed-loop campaign funnel of case D on a Dataset with touchpoints.

    Mapping (documented choice for the synthetic world): **exposure** = any touchpoint
    (an impression, click or visit reaches the person); **interaction** = a click or
    visit; **effective member** = reaching lifecycle stage ``member_stage`` (default
    "consider": a considering touch -- search, store visit, class, referral, article --
    like the coupon-holding members of the case); **effective sales** = the first order;
    **effective repeat purchase** = a second order. Steps in strict order within
    ``window_days`` of the first exposure; events at the same instant count in step
    order (see :func:`~omnimkt.funnel.funnel`). Steps the data cannot show (no stage
    events, no click / visit events, no repeat order) are left out. ``campaign`` keeps
    only that campaign's touchpoints (orders and stages are kept: the loop is closed on
    sales). Tables are checked as in :func:`~omnimkt.funnel.event_log`.

    Examples
    --------
    >>> from omnimkt.datasets import load_sample                  # doctest: +SKIP
    >>> campaign_funnel(load_sample()).summary                     # doctest: +SKIP
    """
    member_stage = check_choice(member_stage, "member_stage", STAGES[1:])
    if campaign is not None and not isinstance(campaign, str):
        raise ModelError(f"campaign: give a campaign name (text), got {campaign!r}.")
    log, steps = _campaign_log(dataset, campaign, member_stage, as_columns(columns))
    return funnel(log, steps, order="strict", window_days=window_days, step_column="loop_step",
                  breakdown=breakdown, **options)
