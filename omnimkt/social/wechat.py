"""WeChat methods and Weibo compared step by step: reach -> reception -> interaction -> conversion.

CASES.md N: "fan count is not marketing effect; push rate is not conversion rate".
A method that reaches many people can still convert few of them; the funnel per
method shows where each one loses its audience. Rates get Wilson intervals
(statsmodels' ``proportion_confint(method="wilson")``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from omnimkt._gate import as_columns, check_frame, check_number
from omnimkt._result import Result
from omnimkt.data.schema import Columns
from omnimkt.datasets.social import METHODS
from omnimkt.errors import DataError, examples

__all__ = ["FUNNEL_STEPS", "MethodFunnel", "method_funnel"]

#: The funnel's steps, in order; each count must not exceed the one before.
FUNNEL_STEPS = ("reached", "received", "interacted", "converted")


class MethodFunnel(Result):
    """The reach -> reception -> interaction -> conversion funnel per method.

    Attributes
    ----------
    summary : DataFrame
        Per method: platform, cost, the four counts, reception_rate (received /
        reached), interaction_rate (interacted / received), conversion_rate
        (converted / interacted), conversion_per_reach (converted / reached) with
        its interval (cpr_low, cpr_high), cost_per_conversion, and unfollow_share
        (unfollowed / followed) when those columns are given.
    alpha : float
    """

    title = "Method funnel"

    def __init__(self, summary: pd.DataFrame, alpha: float) -> None:
        self.summary = summary
        self.alpha = alpha
        best = summary["conversion_per_reach"].idxmax()
        most = summary["reached"].idxmax()
        self.notes = [f"Most reach: {most!r}; best conversion per person reached: {best!r} "
                      f"({summary.loc[best, 'conversion_per_reach']:.2%} vs "
                      f"{summary.loc[most, 'conversion_per_reach']:.2%})."]

    def _settings(self) -> str:
        return f"{len(self.summary)} methods, {1 - self.alpha:.0%} Wilson intervals"


def _checked(df: pd.DataFrame, methods: tuple[str, ...]) -> pd.DataFrame:
    need = ["method", *FUNNEL_STEPS]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"wechat: no column {examples(missing)}; found {list(df.columns)[:8]}. "
                        f"Pass method and the counts {', '.join(FUNNEL_STEPS)} (cost optional).")
    if len(df) == 0:
        raise DataError("wechat: the table is empty.")
    out = df.copy()
    out["method"] = out["method"].astype("str")
    unknown = ~out["method"].isin(methods)
    if unknown.any():
        raise DataError(f"wechat.method: {int(unknown.sum())} rows have an unknown method "
                        f"(e.g. {examples(out.loc[unknown, 'method'].unique())}); known: "
                        f"{', '.join(methods)}. Rename them or pass methods=.")
    for col in [*FUNNEL_STEPS, *(c for c in ("cost", "followed", "unfollowed") if c in out)]:
        v = pd.to_numeric(out[col], errors="coerce")
        bad = v.isna() | (v < 0)
        if bad.any():
            raise DataError(f"wechat.{col}: {int(bad.sum())} rows are missing or negative "
                            f"(e.g. {examples(out.loc[bad, col])}). Use numbers >= 0.")
        out[col] = v
    steps = [*FUNNEL_STEPS] + (["followed", "unfollowed"] if "unfollowed" in out else [])
    for prev, nxt in zip(steps, steps[1:], strict=False):
        if prev == "converted":
            continue
        bad = out[nxt] > out[prev]
        if bad.any():
            raise DataError(f"wechat.{nxt}: {int(bad.sum())} rows count more {nxt} than {prev} "
                            f"(methods {examples(out.loc[bad, 'method'].unique())}); a later "
                            "step cannot exceed the one before it.")
    return out


def method_funnel(wechat: pd.DataFrame, *, alpha: float = 0.05,
                  methods: Iterable[str] | None = None,
                  columns: Columns | Mapping[str, str] | None = None) -> MethodFunnel:
    """Sum the daily (or per-campaign) counts per method and compute each step's rate.

    Parameters
    ----------
    wechat : DataFrame
        method, reached, received, interacted, converted; optional platform,
        cost, followed, unfollowed (e.g. ``simulate_wechat()[0]``).
    alpha : float in (0, 1)
    methods : iterable of str, optional
        Allowed method names (default: ``omnimkt.datasets.social.METHODS``).
    columns : omnimkt.Columns or dict, optional

    Examples
    --------
    >>> df = pd.DataFrame({"method": ["moments", "drift_bottle"], "reached": [100, 1000],
    ...                    "received": [70, 40], "interacted": [20, 4], "converted": [3, 1]})
    >>> method_funnel(df).summary["conversion_per_reach"].tolist()
    [0.001, 0.03]
    """
    check_number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    allowed = tuple(METHODS) if methods is None else tuple(str(m) for m in methods)
    df = _checked(as_columns(columns).to_canonical(check_frame(wechat, "wechat")), allowed)
    sums = [c for c in ("cost", *FUNNEL_STEPS, "followed", "unfollowed") if c in df]
    g = df.groupby("method", sort=True)
    out = g[sums].sum()
    if "platform" in df:
        out.insert(0, "platform", g["platform"].first().astype("str"))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["reception_rate"] = out["received"] / out["reached"]
        out["interaction_rate"] = out["interacted"] / out["received"]
        out["conversion_rate"] = out["converted"] / out["interacted"]
        out["conversion_per_reach"] = out["converted"] / out["reached"]
        lo, hi = proportion_confint(out["converted"], out["reached"], alpha=alpha,
                                    method="wilson")
        out["cpr_low"], out["cpr_high"] = lo, hi
        if "cost" in out:
            out["cost_per_conversion"] = (out["cost"] / out["converted"]).where(
                out["converted"] > 0)
        if "unfollowed" in out:
            out["unfollow_share"] = out["unfollowed"] / out["followed"]
    return MethodFunnel(out, float(alpha))
