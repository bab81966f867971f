"""Channel economics: media cost under CPM / CPC / CPA / CPS pricing, attributed revenue,
ROI and cost per acquisition per model, a budget shift rule, and account concentration
(top share, Lorenz curve, Gini) for the social-accounts case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_bool, check_choice, check_frame, check_number
from omnimkt._result import Result, format_number
from omnimkt.attribution.agreement import rank_agreement
from omnimkt.attribution.result import AttributionResult, ModelComparison
from omnimkt.errors import DataError, ModelError, examples

if TYPE_CHECKING:
    from omnimkt.data.schema import Columns

PRICING_MODELS = ("CPM", "CPC", "CPA", "CPS")


@dataclass(frozen=True)
class Pricing:
    """How a channel is bought (shared case F).

    ``CPM``: ``rate`` yuan per thousand impressions; ``CPC``: per click;
    ``CPA``: per acquisition (conversion credited to the channel by the billing
    model); ``CPS``: ``rate`` as a share of the sales value credited to the channel
    (e.g. 0.08 = 8% commission).

    Examples
    --------
    >>> Pricing("CPC", 2.5)
    Pricing(model='CPC', rate=2.5)
    """

    model: str
    rate: float

    def __post_init__(self) -> None:
        check_choice(self.model, "Pricing.model", PRICING_MODELS)
        # frozen: set the checked float through object.__setattr__
        object.__setattr__(self, "rate", check_number(self.rate, "Pricing.rate", low=0))


def _volumes(tp: pd.DataFrame) -> pd.DataFrame:
    """Touches, impressions, clicks, visits and recorded cost per channel."""
    df = pd.DataFrame({"channel": tp["channel"].astype("str")})
    if "event" in tp.columns:
        ev = tp["event"].astype("str").str.lower()
        df["impressions"] = (ev == "impression").astype(float)
        df["clicks"] = (ev == "click").astype(float)
        df["visits"] = (ev == "visit").astype(float)
    else:
        df["impressions"] = 1.0
        df["clicks"] = 1.0
        df["visits"] = 0.0
    # validate_touchpoints has checked cost (numeric, not negative); missing costs are 0.
    df["recorded_cost"] = (tp["cost"].fillna(0.0).to_numpy(dtype=float) if "cost" in tp.columns
                           else 0.0)
    df["touches"] = 1.0
    out = df.groupby("channel", sort=True).sum()[
        ["touches", "impressions", "clicks", "visits", "recorded_cost"]]
    out["cost_model"] = "recorded"
    out["cost"] = out["recorded_cost"]
    return out


def _priced_cost(channel: str, spec: Pricing, out: pd.DataFrame,
                 billing: AttributionResult | None) -> float:
    """Cost of one channel under its pricing model."""
    if spec.model == "CPM":
        return spec.rate * out.at[channel, "impressions"] / 1000.0
    if spec.model == "CPC":
        return spec.rate * out.at[channel, "clicks"]
    if billing is None:
        raise ModelError(f"billing: {spec.model} pricing of {channel!r} needs "
                         "billing=<AttributionResult> (e.g. last_touch(paths)).")
    base = billing.conversions if spec.model == "CPA" else billing.value
    return spec.rate * float(base.get(channel, 0.0))


def _pricing_spec(channel: Any, spec: Any) -> Pricing:
    if isinstance(spec, Pricing):
        return spec
    if not isinstance(spec, tuple | list) or len(spec) != 2:
        raise ModelError(f"pricing: the entry for {channel!r} must be a Pricing or a "
                         f"(model, rate) pair such as ('CPC', 2.5), got {spec!r}.")
    return Pricing(*spec)


def channel_costs(
    touchpoints: pd.DataFrame,
    pricing: Mapping[str, Pricing | tuple[str, float]] | None = None,
    *,
    billing: AttributionResult | None = None,
    columns: Columns | Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Media volume and cost per channel.

    Parameters
    ----------
    touchpoints : DataFrame
        customer_id, timestamp, channel (+ event, cost).
    pricing : mapping channel -> Pricing or (model, rate), optional
        Channels priced here get ``cost`` from their pricing model; the others keep
        the recorded ``cost`` column (0 when absent). Without an ``event`` column,
        every touch counts as an impression and as a click.
    billing : AttributionResult, optional
        Conversions and value per channel that CPA / CPS are billed on; ad platforms
        usually bill on last touch (``last_touch(paths)``). Required for CPA / CPS.
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``{"channel": "source"}``.

    The table goes through :func:`omnimkt.data.validate_touchpoints` (identical rows
    are kept: two identical impressions cost twice).

    Returns
    -------
    DataFrame indexed by channel
        touches, impressions, clicks, visits, recorded_cost, cost_model, cost.

    Examples
    --------
    >>> import pandas as pd
    >>> tp = pd.DataFrame({"customer_id": [1, 2, 3], "channel": ["tv", "tv", "search"],
    ...     "timestamp": pd.Timestamp("2025-01-01"), "event": ["impression"] * 2 + ["click"]})
    >>> channel_costs(tp, {"tv": ("CPM", 50.0), "search": ("CPC", 2.0)})["cost"].to_dict()
    {'search': 2.0, 'tv': 0.1}
    """
    from omnimkt.data import validate_touchpoints

    if pricing is not None and not isinstance(pricing, Mapping):
        raise ModelError(f"pricing: expected a dict channel -> Pricing or (model, rate), got "
                         f"{type(pricing).__name__}.")
    specs = {ch: _pricing_spec(ch, spec) for ch, spec in (pricing or {}).items()}
    if billing is not None and not isinstance(billing, AttributionResult):
        raise ModelError(f"billing: expected an AttributionResult (e.g. last_touch(paths)), "
                         f"got {type(billing).__name__}.")
    tp = validate_touchpoints(touchpoints, as_columns(columns), duplicates="keep")
    out = _volumes(tp)
    for channel, spec in specs.items():
        if channel not in out.index:
            raise ModelError(f"pricing: names channel {channel!r} which has no touchpoints; "
                             f"channels: {list(out.index)}.")
        out.loc[channel, "cost_model"] = spec.model
        out.loc[channel, "cost"] = float(_priced_cost(channel, spec, out, billing))
    out.index.name = "channel"
    return out


def _as_results(results: Any) -> dict[str, AttributionResult]:
    if isinstance(results, AttributionResult):
        return {results.model: results}
    if isinstance(results, ModelComparison):
        return dict(results.results)
    if isinstance(results, Mapping) and all(isinstance(r, AttributionResult)
                                            for r in results.values()):
        return dict(results)
    raise ModelError("results: pass an AttributionResult, a ModelComparison or a dict of "
                     f"AttributionResults, got {type(results).__name__}.")


def _cost_series(costs: Any, name: str = "costs") -> pd.Series:
    """Cost per channel from a channel_costs table or a Series: finite numbers >= 0."""
    cost = costs["cost"] if isinstance(costs, pd.DataFrame) and "cost" in costs else costs
    if not isinstance(cost, pd.Series):
        raise ModelError(f"{name}: expected a Series of cost per channel or a table with a "
                         f"'cost' column (channel_costs), got {type(costs).__name__}.")
    return _numbers_per_channel(cost, name, low=0.0, allow_nan=False)


def _numbers_per_channel(s: pd.Series, name: str, *, low: float | None,
                         allow_nan: bool) -> pd.Series:
    """``s`` as float, rejecting booleans, text, infinities, NaN and values below ``low``."""
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        raise ModelError(f"{name}: must hold numbers per channel, got dtype {s.dtype} "
                         f"(e.g. {examples(s)}).")
    v = s.astype(float)
    bad = np.isinf(v.to_numpy()) | (v.isna().to_numpy() & (not allow_nan))
    if low is not None:
        bad |= (v < low).to_numpy()
    if bad.any():
        rule = "finite numbers" + (f" >= {low:g}" if low is not None else "")
        raise ModelError(f"{name}: {int(bad.sum())} channels are not {rule} (e.g. "
                         f"{examples(f'{k}={x}' for k, x in s[bad].items())}).")
    return v


def channel_roi(results: Any, costs: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """Attributed revenue, ROI, ROAS and cost per acquisition per model and channel.

    ``roi = (value - cost) / cost``, ``roas = value / cost``, ``cpa = cost / conversions``
    (NaN where the denominator is 0).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths, last_touch
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "a"], "total_conversions": [1, 1],
    ...                              "total_conversion_value": [30.0, 10.0]}))
    >>> channel_roi(last_touch(p), pd.Series({"a": 5.0, "b": 10.0}))["roi"].tolist()
    [1.0, 2.0]
    """
    cost = _cost_series(costs)
    rows = []
    for name, res in _as_results(results).items():
        idx = res.conversions.index.union(cost.index)
        c = cost.reindex(idx).fillna(0.0).astype(float)
        conv = res.conversions.reindex(idx).fillna(0.0)
        val = res.value.reindex(idx).fillna(0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            df = pd.DataFrame({
                "model": name, "channel": idx, "cost": c.to_numpy(),
                "conversions": conv.to_numpy(), "value": val.to_numpy(),
                "cpa": np.where(conv > 0, c / conv.where(conv > 0, 1.0), np.nan),
                "roas": np.where(c > 0, val / c.where(c > 0, 1.0), np.nan),
                "roi": np.where(c > 0, (val - c) / c.where(c > 0, 1.0), np.nan),
            })
        rows.append(df)
    return pd.concat(rows, ignore_index=True)


def budget_reallocation(result: AttributionResult, costs: pd.DataFrame | pd.Series,
                        budget: float | None = None, *, paid_only: bool = True,
                        step: float = 1.0) -> pd.DataFrame:
    """Move spend towards channels in proportion to their attributed value.

    Rule: each channel's new budget share equals its share of the attributed value,
    which equalises the average return per yuan across channels. It is a first-order
    rule: it ignores diminishing returns and should be tested with a hold-out.

    Parameters
    ----------
    budget : float, optional
        Budget to allocate (default: the current total spend).
    paid_only : bool
        Share the budget only over channels that cost something now (store visits or
        referrals cannot be bought by the yuan); unpaid channels keep zero.
    step : float in (0, 1]
        Fraction of the way from today's spend to the value-proportional split; a small
        step (e.g. 0.25) moves gradually and leaves room to re-measure.

    Returns
    -------
    DataFrame indexed by channel
        spend, spend_share, value, value_share, roas, suggested_spend, change.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths, last_touch
    >>> p = read_paths(pd.DataFrame({"path": ["a", "b"], "total_conversions": [1, 1],
    ...                              "total_conversion_value": [30.0, 10.0]}))
    >>> budget_reallocation(last_touch(p), pd.Series({"a": 10.0, "b": 10.0}))["change"].tolist()
    [5.0, -5.0]
    >>> budget_reallocation(last_touch(p), pd.Series({"a": 10.0, "b": 0.0}))["change"].tolist()
    [0.0, 0.0]
    """
    if not isinstance(result, AttributionResult):
        raise ModelError(f"result: expected an AttributionResult, got {type(result).__name__}.")
    step = check_number(step, "step", low=0, low_open=True, high=1)
    budget = check_number(budget, "budget", low=0, allow_none=True)
    paid_only = check_bool(paid_only, "paid_only")
    cost = _cost_series(costs)
    idx = result.value.index.union(cost.index)
    spend = cost.reindex(idx).fillna(0.0)
    value = result.value.reindex(idx).fillna(0.0).clip(lower=0.0)
    total_budget = float(spend.sum()) if budget is None else float(budget)
    eligible = value.where(spend > 0, 0.0) if paid_only else value
    vshare = eligible / eligible.sum() if eligible.sum() > 0 else eligible * 0.0
    out = pd.DataFrame({
        "spend": spend,
        "spend_share": spend / spend.sum() if spend.sum() > 0 else spend * 0.0,
        "value": value,
        "value_share": value / value.sum() if value.sum() > 0 else value * 0.0,
        "roas": (value / spend.where(spend > 0)),
        "suggested_spend": spend + step * (vshare * total_budget - spend),
    })
    out["change"] = out["suggested_spend"] - out["spend"]
    out.index.name = "channel"
    return out



def paid_channels(costs: pd.DataFrame | pd.Series) -> pd.Index:
    """Channels that cost something (cost > 0): the ones a budget can move.

    Examples
    --------
    >>> import pandas as pd
    >>> list(paid_channels(pd.Series({"tv": 5.0, "referral": 0.0, "search": 2.0})))
    ['tv', 'search']
    """
    cost = _cost_series(costs)
    return cost.index[cost > 0]


def incremental_cost(costs: pd.DataFrame | pd.Series, incremental: pd.Series) -> pd.Series:
    """Cost per incremental conversion: spend divided by the conversions a channel adds.

    ``incremental`` is what would be lost without the channel: a hold-out test's
    estimate, or ``world.truth.channels["incremental_conversions"]`` in a simulation.
    Unlike an attributed CPA, it prices only the customers the channel caused.

    Returns
    -------
    Series indexed by channel (the channels of ``costs``)
        NaN where the incremental conversions are missing or not positive.

    Examples
    --------
    >>> import pandas as pd
    >>> incremental_cost(pd.Series({"tv": 100.0, "sms": 30.0, "mall": 0.0}),
    ...                  pd.Series({"tv": 4.0, "sms": 0.0, "mall": 2.0})).to_dict()
    {'tv': 25.0, 'sms': nan, 'mall': 0.0}
    """
    cost = _cost_series(costs)
    if not isinstance(incremental, pd.Series):
        raise ModelError(f"incremental: expected a Series of incremental conversions per "
                         f"channel, got {type(incremental).__name__}.")
    # Missing or negative estimates are allowed: they give NaN (no cost per incremental).
    inc = _numbers_per_channel(incremental, "incremental", low=None, allow_nan=True)
    inc = inc.reindex(cost.index)
    out = cost / inc.where(inc > 0)
    out.index.name = "channel"
    return out.rename("cost per incremental")


def cpa_table(results: Any, costs: pd.DataFrame | pd.Series, *, models: Any = None,
              incremental: pd.Series | None = None) -> pd.DataFrame:
    """Cost per attributed acquisition, one column per model (+ cost per incremental).

    Parameters
    ----------
    results : AttributionResult, ModelComparison or dict of them
    costs : DataFrame (from :func:`channel_costs`) or Series of cost per channel
    models : list of str, optional
        Models to show, in this order (default: all).
    incremental : Series, optional
        Incremental conversions per channel; adds the column ``cost per incremental``
        (:func:`incremental_cost`) to compare each model's CPA with.

    Returns
    -------
    DataFrame
        Channels as rows, models as columns; NaN where a model credits no conversion.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths, compare_models
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "a"], "total_conversions": [1, 1]}))
    >>> cpa_table(compare_models(p, ["first_touch", "last_touch"]),
    ...           pd.Series({"a": 10.0, "b": 4.0}), incremental=pd.Series({"a": 1.0, "b": 1.0}))
    ... # doctest: +NORMALIZE_WHITESPACE
    model    first_touch  last_touch  cost per incremental
    channel
    a                5.0        10.0                  10.0
    b                NaN         4.0                   4.0
    """
    roi = channel_roi(results, costs)
    out = roi.pivot(index="channel", columns="model", values="cpa")
    order = list(dict.fromkeys(roi["model"])) if models is None else list(models)
    missing = [m for m in order if m not in out.columns]
    if missing:
        raise ModelError(f"models: {missing} are not in the results; "
                        f"available: {list(out.columns)}.")
    out = out[order]
    if incremental is not None:
        out["cost per incremental"] = incremental_cost(costs, incremental).reindex(out.index)
    return out


def cpa_agreement(results: Any, costs: pd.DataFrame | pd.Series, incremental: pd.Series, *,
                  models: Any = None, paid_only: bool = True) -> pd.Series:
    """Spearman rank agreement of each model's CPA with the cost per incremental conversion.

    Does a model rank channels from cheap to expensive the way their true cost per
    caused customer does? With ``paid_only`` (default) only channels that cost
    something are ranked; free channels all tie at zero and say nothing.

    Returns
    -------
    Series indexed by model, named ``spearman``.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths, last_touch
    >>> p = read_paths(pd.DataFrame({"path": ["a", "b", "b", "c"], "total_conversions": [1] * 4}))
    >>> costs = pd.Series({"a": 10.0, "b": 10.0, "c": 30.0})
    >>> cpa_agreement(last_touch(p), costs, pd.Series({"a": 1.0, "b": 4.0, "c": 1.0})).to_dict()
    {'last_touch': 1.0}
    """
    paid_only = check_bool(paid_only, "paid_only")
    table = cpa_table(results, costs, models=models, incremental=incremental)
    rows = paid_channels(costs).intersection(table.index) if paid_only else table.index
    truth = table.loc[rows, "cost per incremental"]
    rho = rank_agreement(table.loc[rows].drop(columns="cost per incremental"), truth)
    return rho.iloc[:, 0].rename("spearman")

# ------------------------------------------------------------------------------------------
# repr=False: the display comes from Result (one format for every result).
@dataclass(repr=False)
class Concentration(Result):
    """How concentrated a quantity (clicks, conversions ...) is across accounts.

    Attributes
    ----------
    values : Series
        Quantity per account, sorted descending.
    top_account : str
    top_share : float
        Share of the largest account.
    gini : float
        Gini coefficient (0 = equal; (n-1)/n = one account has everything).
    hhi : float
        Herfindahl index, sum of squared shares (1/n .. 1).
    summary : DataFrame
        Per account: value, share, cumulative share, rank.

    Examples
    --------
    >>> concentration({"a": 3.0, "b": 1.0}).summary["share"].tolist()
    [0.75, 0.25]
    """

    values: pd.Series
    title = "Concentration"

    @property
    def total(self) -> float:
        return float(self.values.sum())

    @property
    def shares(self) -> pd.Series:
        return self.values / self.total if self.total > 0 else self.values * 0.0

    @property
    def top_account(self) -> str:
        return str(self.values.index[0])

    @property
    def top_share(self) -> float:
        return float(self.shares.iloc[0])

    @property
    def gini(self) -> float:
        x = np.sort(self.values.to_numpy(dtype=float))
        n = len(x)
        if n == 0 or x.sum() == 0:
            return 0.0
        i = np.arange(1, n + 1)
        return float(2.0 * (i * x).sum() / (n * x.sum()) - (n + 1) / n)

    @property
    def hhi(self) -> float:
        return float((self.shares**2).sum())

    @property
    def lorenz(self) -> pd.DataFrame:
        """Lorenz curve: cumulative share of accounts (smallest first) vs share of the total."""
        x = np.sort(self.values.to_numpy(dtype=float))
        n = len(x)
        tot = x.sum() if x.sum() > 0 else 1.0
        return pd.DataFrame({"account_share": np.arange(n + 1) / max(n, 1),
                             "value_share": np.r_[0.0, np.cumsum(x) / tot]})

    @property
    def summary(self) -> pd.DataFrame:  # type: ignore[override]
        """Per account: value, share, cumulative share, rank."""
        s = self.shares
        return pd.DataFrame({"value": self.values, "share": s, "cumulative_share": s.cumsum(),
                             "rank": np.arange(1, len(s) + 1)})

    def _settings(self) -> str:
        return f"{len(self.values):,} accounts"

    def _notes(self) -> list[str]:
        return [f"Total {format_number(self.total)}; top account {self.top_account!r} has "
                f"{self.top_share:.1%}; Gini {self.gini:.3f}; HHI {self.hhi:.3f}."]


def concentration(values: pd.Series | Mapping[str, float]) -> Concentration:
    """Concentration of a quantity across accounts (or channels, stores ...).

    Examples
    --------
    Shared case E: ten accounts, 9,000 clicks, one account brought 7,000.

    >>> clicks = {"kol_01": 7000, **{f"kol_{i:02d}": 2000 / 9 for i in range(2, 11)}}
    >>> c = concentration(clicks)
    >>> round(c.top_share, 3), round(c.gini, 3)
    (0.778, 0.678)
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if len(s) == 0:
        raise DataError("concentration: no accounts given.")
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        raise DataError(f"concentration: values must be numbers per account, got dtype "
                        f"{s.dtype} (e.g. {examples(s)}).")
    s = s.astype(float)
    bad = (s < 0) | s.isna() | np.isinf(s)
    if bad.any():
        raise DataError(f"concentration: {int(bad.sum())} accounts have negative, missing or "
                        f"infinite values (e.g. {examples(s[bad].index)}). Use counts >= 0.")
    s = s.sort_values(ascending=False, kind="stable")
    s.index = s.index.astype("str")
    s.index.name = "account"
    return Concentration(s.rename("value"))


def account_concentration(
    touchpoints: pd.DataFrame,
    *,
    channel: str | None = "social_kol",
    event: str | None = "click",
    by: str = "account",
    columns: Columns | Mapping[str, str] | None = None,
) -> Concentration:
    """Concentration of touch events across accounts (shared case E).

    Parameters
    ----------
    channel : str or None
        Keep only this channel (``None``: all channels).
    event : str or None
        Count only this event type (``None`` or no ``event`` column: every touch).
    by : str
        Column naming the account (after the ``columns`` mapping).
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``{"account": "kol_name"}``.

    Only ``channel``, ``event`` and the account column are read, so an export of
    clicks per account without customer ids or timestamps works too.

    Examples
    --------
    >>> import pandas as pd
    >>> tp = pd.DataFrame({"channel": "social_kol", "event": "click",
    ...                    "account": ["a"] * 7 + ["b", "c"]})
    >>> round(account_concentration(tp).top_share, 3)
    0.778
    """
    for name, v in (("channel", channel), ("event", event)):
        if v is not None and not isinstance(v, str):
            raise ModelError(f"{name}: must be a name (text) or None, got {v!r}.")
    if not isinstance(by, str):
        raise ModelError(f"by: must be a column name (text), got {by!r}.")
    tp = as_columns(columns).to_canonical(check_frame(touchpoints, "touchpoints"))
    needed = [c for c in (by, "channel" if channel is not None else None) if c]
    missing = [c for c in needed if c not in tp.columns]
    if missing:
        raise DataError(f"touchpoints: no column {examples(missing)} (needed to group accounts); "
                        f"found {list(tp.columns)[:8]}. Map your names with columns=.")
    if channel is not None:
        tp = tp[tp["channel"].astype("str") == channel]
    if event is not None and "event" in tp.columns:
        tp = tp[tp["event"].astype("str") == event]
    if len(tp) == 0:
        raise DataError(f"touchpoints: no rows with channel={channel!r} and event={event!r}; "
                        "nothing to measure.")
    return concentration(tp.groupby(by, sort=True).size().astype(float))
