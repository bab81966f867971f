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
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_choice, check_number
from omnimkt._result import Result
from omnimkt.errors import ModelError
from omnimkt.loyalty.rules import PointsLadder, Tier
from omnimkt.loyalty.simulate import Behaviour, SimulationResult, _check_models, simulate

__all__ = ["ScenarioResult", "compare_ladders", "sensitivity_grid", "alternative_ladders"]

_KEY = ["members at end", "programme cost", "discount cost", "voucher cost (after breakage)",
        "net effect", "voucher liability at end", "discount-rights liability at end",
        "cost per member", "week member base reaches milestone"]


class ScenarioResult(Result):
    """One row per scenario: median and band of the key totals.

    Attributes
    ----------
    table : DataFrame
        Index scenario; median of each key figure plus ``net effect p5`` /
        ``net effect p95`` and members per top tier at end.
    results : dict of SimulationResult
    """

    title = "Ladder scenarios"

    def _settings(self) -> str:
        return "medians over runs"

    def __init__(self, results: dict[str, SimulationResult]):
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
                    weeks: int = 104, n_runs: int = 20, seed: int | np.random.Generator = 0,
                    progress: bool | None = None) -> ScenarioResult:
    """Simulate several ladders on the same behaviour and seed; one table.

    ``weeks``, ``n_runs``, ``seed`` and ``progress`` are those of
    :func:`~omnimkt.loyalty.simulate` (a Generator seed is drawn from once, so
    every ladder still sees the same random numbers).
    """
    if not isinstance(ladders, Mapping) or not ladders:
        raise ModelError("ladders: give a dict {name: PointsLadder} with at least one ladder.")
    for lad in ladders.values():
        _check_models(lad, behaviour)
    seed = _common_seed(seed)
    results = {name: simulate(lad.with_changes(name=str(name)), behaviour, weeks=weeks,
                              n_runs=n_runs, seed=seed, progress=progress)
               for name, lad in ladders.items()}
    return ScenarioResult(results)


def _common_seed(seed: Any) -> Any:
    """One seed for every scenario: a Generator would move on between them."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63))
    return check_number(seed, "seed", low=0, integer=True)


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
                     weeks: int = 52, n_runs: int = 5, seed: int | np.random.Generator = 0,
                     progress: bool | None = None) -> pd.DataFrame:
    """Median of ``metric`` over a grid of settings.

    Grid keys are ladder fields (``voucher_breakage``, ``reset_at`` ...), a
    tier's setting as ``"<attr>_<level>"`` (``threshold_1``, ``discount_3``,
    ``voucher_2``; level 1 = first tier) or behaviour fields (``uplift``,
    ``goal_gradient`` ...).  ``metric`` is a row of
    :attr:`SimulationResult.summary`.  Returns a long table with one row per
    combination; with two keys, pivot it for a heat map.

    Examples
    --------
    >>> g = sensitivity_grid(behaviour=Behaviour(n_initial=50, max_members=100),
    ...                      grid={"uplift": [0, 0.1]}, weeks=3, n_runs=1)
    >>> g.shape
    (2, 2)
    """
    ladder, behaviour = _check_models(ladder, behaviour)
    keys = _check_grid(grid, ladder)
    seed = _common_seed(seed)
    rows = []
    for combo in itertools.product(*(grid[k] for k in keys)):
        lad, beh = _scenario(ladder, behaviour, dict(zip(keys, combo, strict=True)))
        res = simulate(lad, beh, weeks=weeks, n_runs=n_runs, seed=seed, progress=progress)
        if not rows:
            check_choice(metric, "metric", list(res.summary.index))
        mid = res.summary.columns[2]
        rows.append({**dict(zip(keys, combo, strict=True)),
                     metric: float(res.summary.loc[metric, mid])})
    return pd.DataFrame(rows)


def _check_grid(grid: Any, ladder: PointsLadder) -> list[str]:
    if not isinstance(grid, Mapping) or not grid:
        raise ModelError("grid: give a dict {setting: [values, ...]} with at least one setting.")
    known = set(PointsLadder.__dataclass_fields__) | set(Behaviour.__dataclass_fields__)
    for k, values in grid.items():
        attr, _, lvl = str(k).rpartition("_")
        if attr in ("threshold", "discount", "voucher") and lvl.isdigit():
            if not 1 <= int(lvl) <= len(ladder.tiers):
                raise ModelError(f"grid: {k!r} names level {lvl}, the ladder has "
                                 f"{len(ladder.tiers)} tiers.")
        elif k not in known or k in ("tiers", "profiles"):
            raise ModelError(f"grid: unknown setting {k!r}; use ladder or behaviour fields or "
                             "'<threshold|discount|voucher>_<level>'.")
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise ModelError(f"grid[{k!r}]: expected a non-empty list of values, got {values!r}.")
    return list(grid)


def _scenario(ladder: PointsLadder, behaviour: Behaviour, settings: dict
              ) -> tuple[PointsLadder, Behaviour]:
    """The ladder and behaviour of one grid point (each change validated again)."""
    lad_ch, beh_ch, tiers = {}, {}, list(ladder.tiers)
    for k, v in settings.items():
        attr, _, lvl = k.rpartition("_")
        if attr in ("threshold", "discount", "voucher") and lvl.isdigit():
            i = int(lvl) - 1
            t = tiers[i]
            tiers[i] = Tier(t.name, **{**{a: getattr(t, a) for a in
                                          ("threshold", "discount", "voucher")}, attr: v})
        elif k in PointsLadder.__dataclass_fields__:
            lad_ch[k] = v
        else:
            beh_ch[k] = v
    return ladder.with_changes(tiers=tuple(tiers), **lad_ch), behaviour.with_changes(**beh_ch)
