"""The "customers using 3+ channels retain better" claim, tested with purchase
frequency held fixed (:func:`channel_retention`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.churn._common import _cutoff, _holdout_end, _transactions
from omnimkt.churn.features import _features, _labels
from omnimkt.errors import DataError, ModelError

__all__ = ["FREQUENCY_BANDS", "ChannelRetention", "channel_retention"]

#: Default frequency bands (orders in the calibration window), doubling widths.
FREQUENCY_BANDS: tuple[int, ...] = (1, 2, 4, 8, 16, 32)


class ChannelRetention(Result):
    """Retention by number of sales channels used, raw and within frequency bands.

    Attributes
    ----------
    summary : DataFrame
        Rows ``raw`` and ``stratified``: retention of the many-channel and
        few-channel groups, relative uplift (``+0.9`` would be the vendor's
        "+90%"), difference in points with a 95% interval.
    by_channels : DataFrame
        Customers and retention by channel count (1, 2, ..., ``threshold``+).
    by_band : DataFrame
        Customers and retention per frequency band and group.
    confounding : str
        Plain statement of why the raw comparison is biased.
    """

    title = "Retention by number of channels used"

    def __init__(self, summary: pd.DataFrame, by_channels: pd.DataFrame,
                 by_band: pd.DataFrame, threshold: int, excluded_share: float) -> None:
        self.summary, self.by_channels, self.by_band = summary, by_channels, by_band
        self.threshold = threshold
        self.excluded_share = excluded_share
        self.raw_uplift = float(summary.loc["raw", "relative_uplift"])
        self.adjusted_uplift = float(summary.loc["stratified", "relative_uplift"])
        self.confounding = (
            "Customers who buy more often have more occasions to use another channel, and "
            "frequent buyers are also the ones most likely to buy again; a raw comparison "
            "credits the channels with what frequency explains. The stratified figure "
            f"compares {threshold}+ and fewer-channel customers with the same number of "
            "orders (frequency bands), weighted like the "
            f"{threshold}+ group; bands with no customer in one of the groups are left out "
            f"({excluded_share:.0%} of the {threshold}+ group). Other differences (tenure, "
            "region, price tier) may remain: this is an observational comparison, not an "
            "experiment.")


def channel_retention(transactions: pd.DataFrame, cutoff: Any,
                      horizon_days: int = 90, *, threshold: int = 3,
                      bands: Sequence[int] = FREQUENCY_BANDS,
                      observation_end: Any = None, columns: Any = None) -> ChannelRetention:
    """Test "customers using 3+ channels retain better" with frequency held fixed.

    Retention = a purchase in the ``horizon_days`` after ``cutoff`` (inclusive)
    among customers active by then; channels and orders are counted in the
    calibration window. The raw comparison (``threshold``+ channels vs fewer)
    is confounded by purchase frequency, so customers are also compared within
    frequency bands (``bands`` are the lower edges of order-count bands) and
    the band rates are weighted by the ``threshold``+ group's band mix (direct
    standardisation); the 95% interval of the difference uses the normal
    approximation. ``columns`` maps your column names.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2, 2, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-09",
    ...         "2025-02-10", "2025-01-02", "2025-01-06", "2025-01-10"]),
    ...     "amount": 1.0, "channel": ["a", "b", "c", "a", "a", "a", "b"]})
    >>> r = channel_retention(tx, "2025-01-31", 10)
    >>> r.by_channels["retention"].to_dict()
    {'2': 0.0, '3+': 1.0}
    """
    threshold = check_number(threshold, "threshold", low=2, integer=True)
    if isinstance(bands, str) or not len(bands):
        raise ModelError(f"bands: give the lower edges of order-count bands, e.g. "
                         f"{FREQUENCY_BANDS}, got {bands!r}.")
    bands = [check_number(b, "bands", low=1, integer=True) for b in bands]
    tx = _transactions(transactions, columns)
    if "channel" not in tx.columns:
        raise DataError("transactions: no channel column, so channels used cannot be "
                        "counted. Add the sales channel of each purchase (column 'channel').")
    cut = _cutoff(tx, cutoff)
    labels = _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))
    feats = _features(tx, cut, None, None)
    df = pd.DataFrame({"n_channels": feats["n_channels"], "n_orders": feats["n_orders"],
                       "retained": 1 - labels.reindex(feats.index)})
    many = df["n_channels"] >= threshold
    if not many.any() or many.all():
        raise DataError(
            f"transactions.channel: {int(many.sum()):,} of {len(df):,} customers used "
            f"{threshold}+ channels by the cut-off; both groups are needed. Lower threshold "
            "or move the cutoff.")
    count = np.minimum(df["n_channels"], threshold)
    labels_ch = count.map(lambda k: f"{k}+" if k == threshold else str(k))
    g = df.groupby(labels_ch, sort=True)
    by_channels = pd.DataFrame({"customers": g.size(), "retention": g["retained"].mean(),
                                "mean_orders": g["n_orders"].mean()})
    by_channels.index.name = "channels"
    edges = sorted(set(int(b) for b in bands) | {1})
    band_idx = np.searchsorted(np.asarray(edges), df["n_orders"].to_numpy(), side="right") - 1
    names = [f"{lo}-{hi - 1}" if hi - 1 > lo else str(lo)
             for lo, hi in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    df["band"] = pd.Categorical.from_codes(band_idx, categories=names, ordered=True)
    df["group"] = np.where(many, f"{threshold}+", f"<={threshold - 1}")
    t = df.groupby(["band", "group"], observed=True)["retained"].agg(["size", "mean"])
    by_band = t.rename(columns={"size": "customers", "mean": "retention"}).unstack("group")
    hi_n = by_band[("customers", f"{threshold}+")]
    lo_n = by_band[("customers", f"<={threshold - 1}")]
    both = hi_n.notna() & lo_n.notna()
    w = hi_n[both] / hi_n[both].sum()
    p1 = by_band[("retention", f"{threshold}+")][both]
    p0 = by_band[("retention", f"<={threshold - 1}")][both]
    adj1, adj0 = float((w * p1).sum()), float((w * p0).sum())
    se_adj = float(np.sqrt((w**2 * (p1 * (1 - p1) / hi_n[both]
                                    + p0 * (1 - p0) / lo_n[both])).sum()))
    raw1, raw0 = float(df.loc[many, "retained"].mean()), float(df.loc[~many, "retained"].mean())
    n1, n0 = int(many.sum()), int((~many).sum())
    se_raw = float(np.sqrt(raw1 * (1 - raw1) / n1 + raw0 * (1 - raw0) / n0))
    rows = {}
    for key, (a, b, se, na, nb) in {"raw": (raw1, raw0, se_raw, n1, n0),
                                    "stratified": (adj1, adj0, se_adj,
                                                   int(hi_n[both].sum()),
                                                   int(lo_n[both].sum()))}.items():
        rows[key] = {f"retention_{threshold}plus": a, "retention_fewer": b,
                     "relative_uplift": a / b - 1 if b > 0 else np.nan,
                     "difference_pts": 100 * (a - b), "ci_low_pts": 100 * (a - b - 1.96 * se),
                     "ci_high_pts": 100 * (a - b + 1.96 * se),
                     f"customers_{threshold}plus": na, "customers_fewer": nb}
    summary = pd.DataFrame(rows).T
    summary.index.name = "comparison"
    excluded = float(1 - hi_n[both].sum() / n1)
    return ChannelRetention(summary, by_channels, by_band, threshold, excluded)
