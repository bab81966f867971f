"""Scenario analysis: compare ladders side by side and scan a sensitivity grid.

Every scenario is simulated with the same seed (common random numbers), so
differences between ladders are not sampling noise of different draws.

Examples
--------
>>> from omnimkt.loyalty import Behaviour, PointsLadder
>>> b = Behaviour(n_initial=100, max_members=200)
>>> res = compare_ladders({"case": PointsLadder(), "no reset": PointsLadder(reset_at=None)},
...                       b, weeks=5, n_runs=2, progress=False)
>>> list(res.table.index)
['case', 'no reset']
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pandas as pd

from omnimkt.errors import DataError
from omnimkt.loyalty._base import _Result
from omnimkt.loyalty.rules import PointsLadder, Tier
from omnimkt.loyalty.simulate import Behaviour, simulate

__all__ = ["ScenarioResult", "compare_ladders", "sensitivity_grid", "alternative_ladders"]

_KEY = ["members at end", "programme cost", "discount cost", "voucher cost (after breakage)",
        "net effect", "voucher liability at end", "discount-rights liability at end",
        "cost per member", "week member base reaches milestone"]


class ScenarioResult(_Result):
    """One row per scenario: median and band of the key totals.

    Attributes
    ----------
    table : DataFrame
        Index scenario; median of each key figure plus ``net effect p5`` /
        ``net effect p95`` and members per top tier at end.
    results : dict of SimulationResult
    """

    _title = "ladder scenarios (medians over runs)"

    def __init__(self, results: dict):
        self.results = results
        rows = {}
        for name, res in results.items():
            s = res.summary
            mid = [c for c in s.columns if c.startswith("p")][1]
            lo, hi = [c for c in s.columns if c.startswith("p")][::2]
            row = {k: s.loc[k, mid] for k in _KEY}
            row["net effect low"] = s.loc["net effect", lo]
            row["net effect high"] = s.loc["net effect", hi]
            for nm in res.ladder.level_names[1:]:
                row[f"at {nm}"] = s.loc[f"members at {nm} at end", mid]
            rows[name] = row
        self.table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("scenario")
        self.summary = self.table


def compare_ladders(ladders: Mapping[str, PointsLadder], behaviour: Behaviour | None = None, *,
                    weeks: int = 104, n_runs: int = 20, seed=0,
                    progress: bool = False) -> ScenarioResult:
    """Simulate several ladders on the same behaviour and seed; one table."""
    if not ladders:
        raise DataError("compare_ladders: give at least one ladder.")
    results = {name: simulate(lad.with_changes(name=str(name)), behaviour, weeks=weeks,
                              n_runs=n_runs, seed=seed, progress=progress)
               for name, lad in ladders.items()}
    return ScenarioResult(results)


def alternative_ladders(base: PointsLadder | None = None) -> dict[str, PointsLadder]:
    """The case's ladder and two alternatives used in the notebook.

    * "lower entry": 1-star at 2,000 points (10% + 100), 2-star at 5,000
      (12% + 300), diamond at 9,000 with reset (20% + 800) -- an earlier first
      reward, cheaper discounts at the top;
    * "higher bar": the case's benefits at 4,000 / 8,000 / 12,000 points
      (reset at 12,000) -- the same promise, harder to reach.

    (A "no reset" variant is not listed: under the case's rules the reset removes
    points but changes no status, discount or voucher, so it costs the same.)
    """
    base = base or PointsLadder()
    lower = base.with_changes(name="lower entry", tiers=(
        Tier("1-star", 2000.0, 0.10, 100.0), Tier("2-star", 5000.0, 0.12, 300.0),
        Tier("diamond", 9000.0, 0.20, 800.0)), reset_at=9000.0)
    t = base.tiers
    higher = base.with_changes(name="higher bar", reset_at=12000.0, tiers=(
        Tier(t[0].name, 4000.0, t[0].discount, t[0].voucher),
        Tier(t[1].name, 8000.0, t[1].discount, t[1].voucher),
        Tier(t[2].name, 12000.0, t[2].discount, t[2].voucher)))
    return {"case ladder": base.with_changes(name="case ladder"), "lower entry": lower,
            "higher bar": higher}


def sensitivity_grid(ladder: PointsLadder | None = None, behaviour: Behaviour | None = None, *,
                     grid: Mapping[str, Sequence], metric: str = "net effect",
                     weeks: int = 52, n_runs: int = 5, seed=0,
                     progress: bool = False) -> pd.DataFrame:
    """Median of ``metric`` over a grid of settings.

    Grid keys are ladder fields (``voucher_breakage``, ``reset_at`` ...), a
    tier's setting as ``"<attr>_<level>"`` (``threshold_1``, ``discount_3``,
    ``voucher_2``; level 1 = first tier) or behaviour fields (``uplift``,
    ``goal_gradient`` ...).  Returns a long table with one row per combination;
    with two keys, pivot it for a heat map.

    Examples
    --------
    >>> g = sensitivity_grid(behaviour=Behaviour(n_initial=50, max_members=100),
    ...                      grid={"uplift": [0, 0.1]}, weeks=3, n_runs=1)
    >>> g.shape
    (2, 2)
    """
    ladder = ladder or PointsLadder()
    behaviour = behaviour or Behaviour()
    keys = list(grid)
    if not keys:
        raise DataError("sensitivity_grid: grid is empty.")
    lf = set(PointsLadder.__dataclass_fields__)
    bf = set(Behaviour.__dataclass_fields__)
    rows = []
    for combo in itertools.product(*(grid[k] for k in keys)):
        lad_ch, beh_ch, tiers = {}, {}, list(ladder.tiers)
        for k, v in zip(keys, combo, strict=False):
            attr, _, lvl = k.rpartition("_")
            if attr in ("threshold", "discount", "voucher") and lvl.isdigit():
                i = int(lvl) - 1
                if not 0 <= i < len(tiers):
                    raise DataError(f"sensitivity_grid: {k!r} names level {lvl}, ladder has "
                                    f"{len(tiers)} tiers.")
                t = tiers[i]
                tiers[i] = Tier(t.name, **{**{a: getattr(t, a) for a in
                                              ("threshold", "discount", "voucher")},
                                           attr: float(v)})
            elif k in lf:
                lad_ch[k] = v
            elif k in bf:
                beh_ch[k] = v
            else:
                raise DataError(f"sensitivity_grid: unknown setting {k!r}.")
        lad = ladder.with_changes(tiers=tuple(tiers), **lad_ch)
        res = simulate(lad, behaviour.with_changes(**beh_ch), weeks=weeks, n_runs=n_runs,
                       seed=seed, progress=progress)
        mid = res.summary.columns[2]
        rows.append({**dict(zip(keys, combo, strict=False)), metric: float(res.summary.loc[metric, mid])})
    return pd.DataFrame(rows)


