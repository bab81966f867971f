"""Ladder explorer: sliders for the ladder and member behaviour; reruns a small simulation.

The rules and the simulation live in :mod:`omnimkt.loyalty`; this module only
builds a ladder from the sliders and redraws.

Examples
--------
>>> box = ladder_explorer(n_members=300, weeks=20, n_runs=2)  # doctest: +SKIP
"""

from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import display

from omnimkt.errors import DataError
from omnimkt.loyalty import Behaviour, PointsLadder, Tier, simulate
from omnimkt.plotting.loyalty import plot_net_effect, plot_tier_distribution

__all__ = ["ladder_explorer", "ladder_from_settings"]


def ladder_from_settings(base: PointsLadder, thresholds, discounts, vouchers,
                         reset: bool, breakage: float) -> PointsLadder:
    """A copy of ``base`` with the sliders' tiers (raises DataError if inconsistent)."""
    tiers = tuple(Tier(t.name, float(th), float(d), float(v))
                  for t, th, d, v in zip(base.tiers, thresholds, discounts, vouchers, strict=True))
    return base.with_changes(tiers=tiers, reset_at=float(max(thresholds)) if reset else None,
                             voucher_breakage=float(breakage))


def ladder_explorer(ladder: PointsLadder | None = None, behaviour: Behaviour | None = None, *,
                    n_members: int = 1000, weeks: int = 52, n_runs: int = 3,
                    seed: int = 0) -> w.VBox:
    """Sliders for thresholds, discounts, vouchers, reset, breakage, uplift and goal gradient.

    Every change reruns ``n_runs`` simulations of ``n_members`` members over
    ``weeks`` weeks (small, so it redraws in about a second) and shows the
    tier distribution, the cumulative cost and net effect, and a line of totals.
    """
    ladder = ladder or PointsLadder()
    behaviour = (behaviour or Behaviour()).with_changes(
        n_initial=n_members, max_members=max(2 * n_members, n_members + 1))
    style = {"description_width": "110px"}
    lay = w.Layout(width="330px")
    th = [w.FloatSlider(value=t.threshold, min=500, max=20000, step=500, description=f"{t.name} at",
                        style=style, layout=lay, continuous_update=False) for t in ladder.tiers]
    di = [w.FloatSlider(value=t.discount, min=0, max=0.5, step=0.01, description=f"{t.name} off",
                        readout_format=".0%", style=style, layout=lay, continuous_update=False)
          for t in ladder.tiers]
    vo = [w.FloatSlider(value=t.voucher, min=0, max=3000, step=50, description=f"{t.name} voucher",
                        style=style, layout=lay, continuous_update=False) for t in ladder.tiers]
    reset = w.Checkbox(value=ladder.reset_at is not None, description="reset at top tier")
    brk = w.FloatSlider(value=ladder.voucher_breakage, min=0, max=0.6, step=0.05,
                        description="voucher breakage", readout_format=".0%", style=style,
                        layout=lay, continuous_update=False)
    upl = w.FloatSlider(value=behaviour.uplift, min=0, max=0.3, step=0.01, description="uplift",
                        readout_format=".0%", style=style, layout=lay, continuous_update=False)
    gg = w.FloatSlider(value=behaviour.goal_gradient, min=0, max=0.5, step=0.05,
                       description="goal gradient", readout_format=".0%", style=style,
                       layout=lay, continuous_update=False)
    out = w.Output()
    msg = w.HTML()

    def redraw(*_):
        try:
            lad = ladder_from_settings(ladder, [s.value for s in th], [s.value for s in di],
                                       [s.value for s in vo], reset.value, brk.value)
        except DataError as err:
            msg.value = f"<span style='color:#b00'>{err}</span>"
            return
        beh = behaviour.with_changes(uplift=upl.value, goal_gradient=gg.value)
        res = simulate(lad, beh, weeks=weeks, n_runs=n_runs, seed=seed, progress=False)
        s = res.summary.iloc[:, 2]
        msg.value = (f"median over {n_runs} runs: programme cost {s['programme cost']:,.0f} yuan; "
                     f"net effect {s['net effect']:,.0f} yuan; members at top tier "
                     f"{s[f'members at {lad.tiers[-1].name} at end']:,.0f}")
        with out:
            out.clear_output(wait=True)
            fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
            plot_tier_distribution(res, ax=axes[0])
            plot_net_effect(res, ax=axes[1])
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    for s in (*th, *di, *vo, reset, brk, upl, gg):
        s.observe(redraw, names="value")
    redraw()
    controls = w.HBox([w.VBox(th + [reset]), w.VBox(di + [brk]), w.VBox(vo + [upl, gg])])
    return w.VBox([controls, msg, out])
