"""Frequency-adjusted group comparison shared by the claims (direct standardisation).

The same arithmetic as :func:`omnimkt.churn.channel_retention`, written for any
per-person outcome (a 0/1 flag or an amount) and any banding variable, and with
an interval on the *relative* uplift, which is how the vendors state their claims.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt.errors import ModelError

#: Default band edges (orders or touches), doubling widths, as in the churn test.
BANDS: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
_Z = 1.959963984540054


def check_bands(bands: Sequence[int]) -> list[int]:
    """Sorted lower edges of count bands (always including 1)."""
    if isinstance(bands, str) or not hasattr(bands, "__len__") or not len(bands):
        raise ModelError(f"bands: give the lower edges of count bands, e.g. {BANDS}, "
                         f"got {bands!r}.")
    return sorted({check_number(b, "bands", low=1, integer=True) for b in bands} | {1})


def band_labels(counts: pd.Series, edges: list[int]) -> pd.Series:
    """Each count's band, labelled ``"1"``, ``"2-3"``, ..., ``"32+"`` (ordered)."""
    idx = np.searchsorted(np.asarray(edges), counts.to_numpy(), side="right") - 1
    names = [f"{lo}-{hi - 1}" if hi - 1 > lo else str(lo)
             for lo, hi in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    return pd.Series(pd.Categorical.from_codes(np.maximum(idx, 0), categories=names,
                                               ordered=True), index=counts.index)


def compare(y: pd.Series, treated: pd.Series, band: pd.Series | None) -> dict[str, float]:
    """Treated vs control mean of ``y``: raw (``band`` None) or standardised to the
    treated group's band mix; bands missing one group are left out.

    Returns the two means, relative uplift with a 95% interval (delta method on the
    log ratio), difference with a 95% interval (normal approximation, variances
    with ddof=0 as in ``channel_retention``), group sizes used and the share of
    the treated group left out.
    """
    band = pd.Series("all", index=y.index) if band is None else band
    df = pd.DataFrame({"y": y.astype(float), "t": treated.astype(bool), "b": band})
    g = df.groupby(["b", "t"], observed=True)["y"].agg(["size", "mean", lambda s: s.var(ddof=0)])
    g.columns = ["n", "mean", "var"]
    g = g.unstack("t")
    if True not in g["n"].columns or False not in g["n"].columns:
        return _empty(int(df["t"].sum()), int((~df["t"]).sum()))
    both = g[("n", True)].notna() & g[("n", False)].notna()
    g = g[both]
    n1, n0 = g[("n", True)], g[("n", False)]
    w = n1 / n1.sum()
    m1 = float((w * g[("mean", True)]).sum())
    m0 = float((w * g[("mean", False)]).sum())
    v1 = float((w**2 * g[("var", True)] / n1).sum())
    v0 = float((w**2 * g[("var", False)] / n0).sum())
    se = np.sqrt(v1 + v0)
    rel = m1 / m0 - 1 if m0 > 0 else np.nan
    if m1 > 0 and m0 > 0:
        se_log = np.sqrt(v1 / m1**2 + v0 / m0**2)
        lo, hi = (np.exp(np.log(m1 / m0) + s * _Z * se_log) - 1 for s in (-1, 1))
    else:
        lo = hi = np.nan
    return {"treated": m1, "control": m0, "relative_uplift": rel,
            "uplift_ci_low": float(lo), "uplift_ci_high": float(hi),
            "difference": m1 - m0, "diff_ci_low": m1 - m0 - _Z * se,
            "diff_ci_high": m1 - m0 + _Z * se, "n_treated": int(n1.sum()),
            "n_control": int(n0.sum()),
            "excluded_treated_share": float(1 - n1.sum() / df["t"].sum())}


def _empty(n1: int, n0: int) -> dict[str, float]:
    out = dict.fromkeys(("treated", "control", "relative_uplift", "uplift_ci_low",
                         "uplift_ci_high", "difference", "diff_ci_low", "diff_ci_high"), np.nan)
    return {**out, "n_treated": n1, "n_control": n0, "excluded_treated_share": np.nan}


def verdict(row: dict[str, float], claim: float) -> str:
    """Where the claimed relative uplift sits against the 95% interval."""
    lo, hi = row["uplift_ci_low"], row["uplift_ci_high"]
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "cannot be tested"
    if lo <= claim <= hi:
        return "consistent with the claim"
    return "below the claim" if hi < claim else "above the claim"
