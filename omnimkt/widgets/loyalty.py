"""Ladder explorer: sliders for the ladder and member behaviour; reruns a small simulation.

The rules and the simulation live in :mod:`omnimkt.loyalty`; this module only
builds a ladder from the sliders and redraws.

Examples
--------
>>> box = ladder_explorer(n_members=300, weeks=20, n_runs=2)  # doctest: +SKIP
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from omnimkt._gate import check_bool, check_number
from omnimkt._result import format_number
from omnimkt.errors import ModelError
from omnimkt.loyalty import Behaviour, PointsLadder, Tier, simulate
from omnimkt.plotting.loyalty import plot_net_effect, plot_tier_distribution
from omnimkt.widgets._inputs import LABEL_STYLE, PercentInput

__all__ = ["ladder_explorer", "ladder_from_settings"]


def ladder_from_settings(base: PointsLadder, thresholds: Sequence[float],
                         discounts: Sequence[float], vouchers: Sequence[float],
                         reset: bool, breakage: float) -> PointsLadder:
    """A copy of ``base`` with the sliders' tiers (raises ModelError if inconsistent).

    Examples
    --------
    >>> lad = ladder_from_settings(PointsLadder(), [2000, 5000, 9000], [0.1, 0.12, 0.2],
    ...                            [100, 300, 800], True, 0.25)
    >>> lad.tiers[0].threshold, lad.reset_at
    (2000.0, 9000.0)
    """
    reset = check_bool(reset, "reset")
    tiers = tuple(Tier(t.name, float(th), float(d), float(v))
                  for t, th, d, v in zip(base.tiers, thresholds, discounts, vouchers, strict=True))
    return base.with_changes(tiers=tiers, reset_at=float(max(thresholds)) if reset else None,
                             voucher_breakage=float(breakage))


def ladder_explorer(ladder: PointsLadder | None = None, behaviour: Behaviour | None = None, *,
                    n_members: int = 1000, weeks: int = 52, n_runs: int = 3,
                    seed: int | np.random.Generator = 0) -> w.VBox:
    """Sliders for thresholds, discounts, vouchers, reset, breakage, uplift and goal gradient.

    Every change reruns ``n_runs`` simulations of ``n_members`` members over
    ``weeks`` weeks (small, so it redraws in about a second) and shows the
    tier distribution, the cumulative cost and net effect, and a line of totals.
    """
    n_members = check_number(n_members, "n_members", low=1, integer=True)
    weeks = check_number(weeks, "weeks", low=1, integer=True)
    n_runs = check_number(n_runs, "n_runs", low=1, integer=True)
    if isinstance(seed, np.random.Generator):  # one seed for every redraw: same members
        seed = int(seed.integers(2**63))
    check_number(seed, "seed", low=0, integer=True)
    ladder = ladder or PointsLadder()
    behaviour = (behaviour or Behaviour()).with_changes(
        n_initial=n_members, max_members=max(2 * n_members, n_members + 1))
    style = LABEL_STYLE  # labels at full width: "diamond voucher" is never cut off
    lay = w.Layout(width="340px")
    th = [w.FloatSlider(value=t.threshold, min=500, max=20000, step=500, description=f"{t.name} at",
                        style=style, layout=lay, continuous_update=False) for t in ladder.tiers]
    # Shares are typed: 15, 15% and 0.15 all mean 15 %.
    di = [PercentInput(t.discount, description=f"{t.name} off", high=0.9, layout=lay)
          for t in ladder.tiers]
    vo = [w.FloatSlider(value=t.voucher, min=0, max=3000, step=50, description=f"{t.name} voucher",
                        style=style, layout=lay, continuous_update=False) for t in ladder.tiers]
    reset = w.Checkbox(value=ladder.reset_at is not None, description="reset at top tier")
    brk = PercentInput(ladder.voucher_breakage, description="voucher breakage", layout=lay)
    upl = PercentInput(behaviour.uplift, description="uplift", layout=lay)
    gg = PercentInput(behaviour.goal_gradient, description="goal gradient", layout=lay)
    out = w.Output()
    msg = w.HTML()

    def redraw(*_):
        try:
            lad = ladder_from_settings(ladder, [s.value for s in th], [s.fraction for s in di],
                                       [s.value for s in vo], reset.value, brk.fraction)
        except ModelError as err:
            msg.value = f"<span style='color:#b00'>{html.escape(str(err))}</span>"
            return
        beh = behaviour.with_changes(uplift=upl.fraction, goal_gradient=gg.fraction)
        res = simulate(lad, beh, weeks=weeks, n_runs=n_runs, seed=seed, progress=False)
        s = res.summary.iloc[:, 2]
        top = s[f"members at {lad.tiers[-1].name} at end"]
        msg.value = html.escape(
            f"median over {n_runs} runs: programme cost {format_number(s['programme cost'])} "
            f"yuan; net effect {format_number(s['net effect'])} yuan; members at top tier "
            f"{format_number(top)}")
        with out:
            out.clear_output(wait=True)
            fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
            plot_tier_distribution(res, ax=axes[0])
            plot_net_effect(res, ax=axes[1])
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    for s in (*th, *vo, reset):
        s.observe(redraw, names="value")
    for s in (*di, brk, upl, gg):
        s.observe(redraw, names="fraction")
    redraw()
    notes = [p.message for p in (*di, brk, upl, gg)]
    controls = w.HBox([w.VBox(th + [reset]), w.VBox(di + [brk]), w.VBox(vo + [upl, gg]),
                       w.VBox(notes)])
    return w.VBox([controls, msg, out])
