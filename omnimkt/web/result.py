"""Result classes of the web family: visit metrics and rates, media pricing and its risk."""

from __future__ import annotations

from typing import Any

import pandas as pd

from omnimkt._result import Result

__all__ = ["PricingComparison", "PricingRisk", "VisitMetrics", "VisitRates"]


class _Stored(Result):
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class VisitMetrics(_Stored):
    """The case's visit metrics per group (source, region ...) and for all visits.

    Attributes
    ----------
    summary : DataFrame
        One row per group and a last row ``all``: visits, share of visits,
        visitors, share of new visits, mean dwell seconds, mean pages, the count
        of each outcome event, order rate and sales (the columns the table has).
    by : str
        The grouping column.
    """

    title = "Visit metrics"

    def _settings(self) -> str:
        return f"by {self.by}"


class VisitRates(_Stored):
    """Outcome rates per group of visits with Wilson confidence intervals.

    Attributes
    ----------
    summary : DataFrame
        One row per group and outcome: the group columns, outcome, visits,
        events, rate, ci_low, ci_high.
    by : tuple of str
    outcomes : tuple of str
    alpha : float
        Intervals are two-sided at ``1 - alpha``.
    """

    title = "Visit outcome rates"

    def _settings(self) -> str:
        return f"by {' x '.join(self.by)}, {1 - self.alpha:.0%} Wilson intervals"

    def table(self, outcome: str = "ordered") -> pd.DataFrame:
        """The rows of one outcome, indexed by the group columns."""
        from omnimkt._gate import check_choice

        check_choice(outcome, "outcome", self.outcomes)
        rows = self.summary[self.summary["outcome"] == outcome]
        return rows.drop(columns="outcome").set_index(list(self.by))


class PricingComparison(_Stored):
    """The same campaign bought under several pricing models (CPM, CPC, CPA, CPS).

    Attributes
    ----------
    summary : DataFrame
        One row per campaign and model: model, rate, billed_on, billed_units,
        cost, cost_per_click, cost_per_order, cost_share_of_sales,
        equal_cost_rate (the rate at which this model costs what the
        ``reference`` model costs) and break_even_rate (the rate at which the
        media cost eats the whole gross margin; NaN without ``margin``).
    volumes : DataFrame
        The campaign volumes priced (impressions, clicks, actions, orders, sales).
    reference : str
        The model the equal-cost rates refer to.
    margin : float or None
    """

    title = "Media pricing comparison"

    def _settings(self) -> str:
        m = "" if self.margin is None else f", margin {self.margin:.0%}"
        return f"equal-cost rates vs {self.reference}{m}"

    @property
    def cheapest(self) -> pd.Series:
        """The model with the lowest cost per campaign."""
        s = self.summary
        best = s.loc[s.groupby("campaign", sort=False)["cost"].idxmin()]
        return best.set_index("campaign")["model"].rename("cheapest model")


class PricingRisk(_Stored):
    """Who carries the risk under each pricing model when the rates are uncertain.

    Attributes
    ----------
    summary : DataFrame indexed by model
        rate; the buyer's cost per order (mean, sd, cv, p5, p95); the
        publisher's revenue (mean, sd, cv); ``risk_on``: "buyer", "publisher" or
        "shared" (coefficients of variation within a factor of 1.5).
    draws : DataFrame
        One row per run and model: impressions, clicks, actions, orders, sales,
        cost (= the publisher's revenue) and cost_per_order (NaN without orders).
    rate_cv : float
    n_runs : int
    """

    title = "Pricing risk: buyer vs publisher"

    def _settings(self) -> str:
        return f"rate cv {self.rate_cv:g}, {self.n_runs:,} runs"

    def _notes(self) -> list[str]:
        s = self.summary
        parts = [f"{m}: {'risk shared' if r == 'shared' else 'risk on the ' + r}"
                 for m, r in s["risk_on"].items()]
        no = float(self.draws["orders"].eq(0).mean())
        extra = [f"{no:.1%} of runs had no order (left out of the cost per order)."] if no else []
        return ["; ".join(parts) + ".", *extra]
