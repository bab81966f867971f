"""Audience drift of an account over time (case E's renamed account).

An account renamed from "phones" to "nails and shoes" to "online shopping" keeps
its earlier followers; its audience mixes. The drift between two periods is the
Jensen-Shannon distance (base 2, 0 = same mix, 1 = no interest in common) of
their interest compositions; the entropy of a period's composition (bits) says
how mixed the audience is.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon

from omnimkt._gate import as_columns, check_frame
from omnimkt._result import Result
from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, examples

__all__ = ["AudienceDrift", "audience_drift"]

_COLUMNS = ("account", "period", "interest", "followers")


class AudienceDrift(Result):
    """How an account's audience mix moved from period to period.

    Attributes
    ----------
    account : str
    composition : DataFrame
        period x interest shares (rows sum to 1).
    summary : DataFrame
        Per period: followers, top_interest, top_share, entropy_bits,
        js_to_previous, js_to_first.
    """

    title = "Audience drift"

    def __init__(self, account: str, composition: pd.DataFrame, summary: pd.DataFrame) -> None:
        self.account = account
        self.composition = composition
        self.summary = summary
        first, last = summary.iloc[0], summary.iloc[-1]
        self.notes = [
            f"Top interest went from {first['top_interest']!r} ({first['top_share']:.0%}) to "
            f"{last['top_interest']!r} ({last['top_share']:.0%}); Jensen-Shannon distance "
            f"first to last period {last['js_to_first']:.2f}."]

    def _settings(self) -> str:
        return f"account {self.account!r}, {len(self.summary)} periods"


def audience_drift(audience: pd.DataFrame, account: str, *,
                   columns: Columns | Mapping[str, str] | None = None) -> AudienceDrift:
    """Audience composition of one account per period and its drift.

    Parameters
    ----------
    audience : DataFrame
        account, period, interest, followers (the audience by interest at each
        period; e.g. ``generate_social().audience``).
    account : str
        The account to follow.
    columns : omnimkt.Columns or dict, optional

    Examples
    --------
    >>> a = pd.DataFrame({"account": "x", "period": [1, 1, 2, 2],
    ...                   "interest": ["phones", "beauty"] * 2, "followers": [90, 10, 40, 60]})
    >>> d = audience_drift(a, "x")
    >>> d.summary["top_interest"].tolist(), round(float(d.summary["js_to_first"].iloc[-1]), 3)
    (['phones', 'beauty'], 0.463)
    """
    df = as_columns(columns).to_canonical(check_frame(audience, "audience"))
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"audience: no column {examples(missing)}; found {list(df.columns)[:8]}. "
                        "Pass account, period, interest, followers.")
    known = df["account"].astype("str")
    df = df[known == str(account)]
    if len(df) == 0:
        raise DataError(f"audience: no rows for account {account!r}; accounts are e.g. "
                        f"{examples(known.unique())}.")
    f = pd.to_numeric(df["followers"], errors="coerce")
    bad = f.isna() | (f < 0)
    if bad.any():
        raise DataError(f"audience.followers: {int(bad.sum())} rows are missing or negative "
                        f"(e.g. {examples(df.loc[bad, 'followers'])}). Use counts >= 0.")
    counts = f.groupby([df["period"], df["interest"].astype("str")]).sum().unstack(fill_value=0.0)
    totals = counts.sum(axis=1)
    if (totals <= 0).any():
        raise DataError(f"audience.followers: periods {examples(totals.index[totals <= 0])} of "
                        f"account {account!r} have no followers; nothing to compare.")
    comp = counts.div(totals, axis=0)
    return AudienceDrift(str(account), comp, _drift_table(comp, totals))


def _drift_table(comp: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    p = comp.to_numpy()
    js_prev = [np.nan] + [float(jensenshannon(p[i - 1], p[i], base=2)) for i in range(1, len(p))]
    js_first = [float(jensenshannon(p[0], p[i], base=2)) for i in range(len(p))]
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(p > 0, p * np.log2(p), 0.0), axis=1)
    return pd.DataFrame({"followers": totals.to_numpy(), "top_interest": comp.idxmax(axis=1),
                         "top_share": comp.max(axis=1).to_numpy(), "entropy_bits": entropy,
                         "js_to_previous": js_prev, "js_to_first": js_first},
                        index=comp.index.rename("period"))
