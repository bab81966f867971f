"""Case K's 46,000-shopper study: omnichannel shoppers spend 4% more per trip in store
and 10% more online than single-channel shoppers; 4+ channels, 9% more in store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.claims._compare import BANDS, band_labels, check_bands, compare, verdict
from omnimkt.claims.counts import STORE_CHANNELS, channel_counts

__all__ = ["SHOPPER_CLAIMS", "ShopperSpend", "shopper_spend"]

#: The study's relative differences in spend per trip (case K, 004).
SHOPPER_CLAIMS: dict[str, float] = {"store_2plus_vs_1": 0.04, "online_2plus_vs_1": 0.10,
                                    "store_4plus_vs_1": 0.09}


class ShopperSpend(Result):
    """Spend per shopping trip in store and online by number of channels used.

    Attributes
    ----------
    summary : DataFrame
        Rows (comparison, raw/adjusted): mean spend per trip of the many-channel
        and single-channel shoppers, relative uplift with a 95% interval, the
        study's claim and a verdict.
    by_channels : DataFrame
        Shoppers, mean store and online spend per trip and mean orders by the
        number of channels used.
    """

    title = "Spend per trip by number of channels (the 46,000-shopper claim)"

    def __init__(self, summary: pd.DataFrame, by_channels: pd.DataFrame, counted: str,
                 notes: list[str]) -> None:
        self.summary, self.by_channels, self.counted, self.notes = summary, by_channels, \
            counted, notes

    def _settings(self) -> str:
        return f"channels counted: {self.counted}"


def shopper_spend(transactions: pd.DataFrame, touchpoints: pd.DataFrame | None = None, *,
                  store_channels: Sequence[str] = STORE_CHANNELS, top: int = 4,
                  bands: Sequence[int] = BANDS, columns: Any = None) -> ShopperSpend:
    """Test the study's "omnichannel shoppers spend more per trip" claims.

    A shopper's channels are the sales channels they bought through (plus, with
    ``touchpoints``, the marketing channels that reached them before their first
    order -- the study counted both kinds). A trip is an order; its spend is the
    order's amount; in store = a channel in ``store_channels``, else online. For
    each shopper the mean spend per store trip and per online trip; then:

    * store, 2+ vs 1 channel -- shoppers with a store trip; the single-channel
      group are store-only shoppers;
    * online, 2+ vs 1 -- shoppers with an online trip vs one-channel online shoppers;
    * store, ``top``+ vs 1 -- as the first, with ``top``+ channels.

    Each shopper counts once (mean of their trips). Adjusted = within bands of the
    number of orders (``bands``), weighted like the many-channel group: a shopper
    with many small orders has more chances to use another channel, so raw
    differences mix channel use with buying rhythm.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "timestamp": pd.to_datetime(
    ...     ["2025-01-01", "2025-01-02", "2025-01-01", "2025-01-01"]),
    ...     "amount": [110.0, 50.0, 100.0, 40.0],
    ...     "channel": ["store_pos", "app", "store_pos", "app"]})
    >>> r = shopper_spend(tx)
    >>> round(float(r.summary.loc[("store_2plus_vs_1", "raw"), "relative_uplift"]), 2)
    0.1
    """
    top = check_number(top, "top", low=2, integer=True)
    edges = check_bands(bands)
    c = channel_counts(transactions, touchpoints, store_channels=store_channels,
                       columns=columns)
    c = c[c["n_orders"] > 0].copy()
    c["n_channels"] = c["n_sales_channels"] + (c["n_marketing_channels"]
                                               if touchpoints is not None else 0)
    c["band"] = band_labels(c["n_orders"], edges)
    plan = {"store_2plus_vs_1": ("store", 2), "online_2plus_vs_1": ("online", 2),
            "store_4plus_vs_1": ("store", top)}
    rows = {}
    for name, (where, k) in plan.items():
        pop = c[c[f"{where}_trips"] > 0]
        pop = pop[(pop["n_channels"] >= k) | (pop["n_channels"] == 1)]
        treated = pop["n_channels"] >= k
        for label, band in (("raw", None), ("adjusted", pop["band"])):
            r = compare(pop[f"{where}_trip_spend"], treated, band)
            rows[(name.replace("4plus", f"{top}plus"), label)] = {
                **r, "claim": SHOPPER_CLAIMS[name], "verdict": verdict(r, SHOPPER_CLAIMS[name])}
    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.names = ["comparison", "adjustment"]
    k = np.minimum(c["n_channels"], top)
    g = c.groupby(k.map(lambda v: f"{v}+" if v == top else str(v)))
    by_channels = pd.DataFrame({"shoppers": g.size(), "store_trip_spend": g["store_trip_spend"].mean(),
                                "online_trip_spend": g["online_trip_spend"].mean(),
                                "mean_orders": g["n_orders"].mean()})
    by_channels.index.name = "channels"
    counted = "sales + marketing" if touchpoints is not None else "sales"
    notes = [f"Channels counted: {counted}. Single-channel shoppers with no trip of a kind "
             "are not in that kind's comparison.",
             "Observational: shoppers who use more channels may differ in basket habits."]
    if (c["n_channels"] >= top).sum() == 0:
        notes.append(f"No shopper used {top}+ channels: that comparison cannot be tested.")
    if (c["n_channels"] == 1).sum() == 0:
        notes.append("No shopper used a single channel (with marketing channels counted, "
                     "every buyer has at least two): the comparisons cannot be tested.")
    return ShopperSpend(summary, by_channels, counted, notes)
