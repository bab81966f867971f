"""Monte Carlo simulator of a points ladder: who climbs, what it costs, what is owed.

Members are numpy arrays (vectorised); time advances in weekly steps.  Each
week, for every live member:

1. orders ~ Poisson(rate x multiplier); the multiplier is the **goal
   gradient** ``1 / (1 - g x progress)`` (progress = share of the way from
   the last threshold to the next; Kivetz, Urminsky & Zheng 2006: purchase
   intervals shrink ~20% by the goal, so ``g = 0.20``) times a **post-reward
   dip** ``1 - dip`` for a few weeks after a new tier.  REFERENCES.md reports
   the dip but no size; the default (20% for 4 weeks) mirrors the goal-
   gradient effect and is an assumption -- set 0 to turn either off.
2. spend = sum of Gamma baskets around the member's mean basket, times
   ``1 + uplift`` (incentive-driven extra spend; **default 0**: REFERENCES.md
   warns it can be as small as 1.74% of sales).
3. the tier discount of the level held *at the start of the week* is given
   (the purchase that crosses a threshold pays the old price, as in the rules
   engine), points are earned on the amount paid, referrers earn
   ``referral_rate`` points per yuan their referees pay, thresholds crossed
   issue vouchers, and the balance resets at ``reset_at``.

**Counterfactual.**  The same members buy without the programme
(common random numbers): the "without" orders are a thinning of the "with"
orders (or vice versa), so with ``uplift = goal_gradient = post_reward_dip
= 0`` both worlds spend exactly the same and the net effect is exactly
minus the programme's cost.  Membership growth is the same in both worlds.

**Costs and liability (IFRS 15 style).**  Programme cost = discounts given
+ vouchers issued x (1 - breakage) (accrual basis).  A voucher is redeemed
with probability ``1 - breakage`` at a week drawn uniformly within
``voucher_redeem_weeks`` (capped by expiry), else it expires.  The voucher
liability is the expected redemption still to come of vouchers outstanding
(face x redemption probability, released as they are used); the discount-
rights liability is the expected discount on the next ``liability_weeks`` of
spend of members holding a tier (given their rate and churn).  Both are >= 0.

Examples
--------
>>> res = simulate(PointsLadder(), Behaviour(n_initial=200, max_members=400), weeks=10,
...                n_runs=2, seed=1, progress=False)
>>> bool(res.summary.loc["members at end", "p50"] > 200)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_choice, check_number, check_progress
from omnimkt._result import Result
from omnimkt.errors import ModelError
from omnimkt.loyalty.behaviour import Behaviour
from omnimkt.loyalty.rules import PointsLadder

__all__ = ["Behaviour", "simulate", "SimulationResult"]

_LARGE = 20_000_000  # member-weeks from which the progress bar shows by default

_METRICS = (
    "members", "members_alive", "new_members", "gross_with", "gross_without", "discount",
    "points_earned", "points_reset", "vouchers_issued", "vouchers_redeemed", "vouchers_expired",
    "vouchers_outstanding", "voucher_liability", "discount_liability", "programme_cost",
    "revenue_with", "revenue_without", "net_effect",
)


def _inv_poisson(u: np.ndarray, lam: np.ndarray, p0: np.ndarray | None = None) -> np.ndarray:
    """Exact Poisson(lam) quantile at ``u`` (inverse transform), cheap for small rates.

    Using one uniform per member and week for both worlds couples them
    comonotonically: with a higher rate a member never buys less.
    """
    k = np.zeros(u.size, dtype=np.int64)
    if p0 is None:
        # exp(-lam) >= 1 - lam, so u < 1 - lam surely gives 0 orders: skip exp() there
        cand = np.flatnonzero(u >= 1.0 - lam)
        if cand.size == 0:
            return k
        lam_c = lam[cand]
        p = np.exp(-lam_c)
    else:
        cand = np.flatnonzero(u >= p0)
        if cand.size == 0:
            return k
        lam_c = lam[cand]
        p = p0[cand]
    u_c = u[cand]
    F = p.copy()
    j = 0
    act = np.flatnonzero(u_c >= F)
    pos, p, F, u_c, lam_c = cand[act], p[act], F[act], u_c[act], lam_c[act]
    while pos.size:
        j += 1
        k[pos] = j
        p = p * lam_c / j
        F = F + p
        # stop where the remaining tail mass is below float precision (u ~ 1 - 1e-16)
        more = (u_c >= F) & (p > 1e-16)
        pos, p, F, u_c, lam_c = pos[more], p[more], F[more], u_c[more], lam_c[more]
    return k


def _baskets(rng: np.random.Generator, k: np.ndarray, m: np.ndarray, kappa, pool: np.ndarray
             ) -> np.ndarray:
    """Spend of ``k >= 1`` orders with mean basket ``m``: a Gamma sum (shape k x kappa).

    Single orders (the vast majority) take a Gamma(kappa)/kappa factor from a
    pre-drawn pool -- far cheaper than a fresh gamma draw each.
    """
    if kappa is None:
        return k * m
    out = m * pool[rng.integers(0, pool.size, k.size)]
    many = np.flatnonzero(k > 1)
    if many.size:
        out[many] = rng.gamma(k[many] * kappa, m[many] / kappa)
    return out


class _Run:
    """The state of one simulated run: constants of the ladder and the member arrays.

    Two streams: ``wrng`` drives the world (members, orders, baskets), ``rng`` the
    programme (its extra baskets, voucher redemptions), so the counterfactual world
    is the same whatever the ladder or the behavioural settings.
    """

    def __init__(self, ladder: PointsLadder, beh: Behaviour, weeks: int,
                 rng: np.random.Generator) -> None:
        self.wrng, self.rng = rng.spawn(2)
        self.ladder, self.beh, self.weeks = ladder, beh, weeks
        N = self.N = beh.max_members
        self.K = len(ladder.tiers)
        th = self.th = np.array([t.threshold for t in ladder.tiers], dtype=float)
        # goal gradient: progress from the last threshold to the next one; at the top tier
        # there is no reward ahead (a reset grants nothing new), so no pull
        self.lower = np.concatenate([[0.0], th])
        upper = np.concatenate([th, [np.inf]])
        self.inv_span = np.where(np.isfinite(upper),
                                 1.0 / np.maximum(upper - self.lower, 1e-12), 0.0)
        self.disc = np.array([0.0] + [t.discount for t in ladder.tiers])
        self.vouch = np.array([0.0] + [t.voucher for t in ladder.tiers])
        self.q = 1.0 - ladder.voucher_breakage
        self.E = max(1, int(np.ceil(ladder.voucher_expiry_days / 7)))
        self.W = min(beh.voucher_redeem_weeks, self.E)
        kappa = self.kappa = 1.0 / beh.basket_cv ** 2 if beh.basket_cv > 0 else None
        self.pool = (self.wrng.gamma(kappa, 1.0 / kappa, 1 << 18) if kappa is not None
                     else np.ones(1))
        c = beh.weekly_churn
        self.annuity = sum((1 - c) ** h for h in range(1, beh.liability_weeks + 1))
        self.g = beh.goal_gradient
        self.dip = beh.post_reward_dip
        self.effects = self.g > 0 or self.dip > 0
        self.rate, self.basket = beh._draw_members(N, self.wrng)
        self.p0 = np.exp(-self.rate)
        self.week_value = self.rate * self.basket                 # expected spend per week
        self.life = (self.wrng.geometric(c, N) if c > 0
                     else np.full(N, 1 << 40)).astype(np.int64)
        self.death = np.full(N, 1 << 40, dtype=np.int64)
        self.ref = np.full(N, -1, dtype=np.int64)
        self.balance = np.zeros(N)
        self.earned = np.zeros(N)
        self.removed = np.zeros(N)
        self.level = np.zeros(N, dtype=np.int8)
        self.gg = np.ones(N)                                      # goal-gradient multiplier
        self.recent: list[np.ndarray] = []                        # tier-ups of the last weeks
        self.n_join = min(beh.n_initial, N)
        self.death[:self.n_join] = self.life[:self.n_join]        # week at which they stop
        self.out = {m: np.zeros(weeks) for m in _METRICS}
        self.tiers_out = np.zeros((weeks, self.K + 1))
        self.redeem_s = np.zeros(weeks + self.E + 2)
        self.expire_s = np.zeros(weeks + self.E + 2)
        self.milestone = 0.0 if self.n_join >= ladder.milestone_members else np.nan

    # ----------------------------------------------------------- one week
    def orders(self, t: int) -> tuple:
        """Spend of the week in both worlds (common random numbers)."""
        n = self.n_join
        dead = self.death[:n] <= t
        u = self.wrng.random(n)
        u[dead] = 0.0                                           # u = 0 -> no orders
        lam = self.rate[:n]
        n_base = _inv_poisson(u, lam, self.p0[:n])
        buy_b = np.flatnonzero(n_base)
        spend_base = np.zeros(n)
        if buy_b.size:
            spend_base[buy_b] = _baskets(self.wrng, n_base[buy_b], self.basket[buy_b],
                                         self.kappa, self.pool)
        if not self.effects:
            return dead, spend_base, buy_b, spend_base, buy_b
        spend_with = self._programme_world(u, lam, n_base, spend_base)
        return dead, spend_base, buy_b, spend_with, np.flatnonzero(spend_with)

    def _programme_world(self, u, lam, n_base, spend_base) -> np.ndarray:
        """Spend with the goal gradient and the post-reward dip: a coupled re-draw."""
        n, kappa, rng = u.size, self.kappa, self.rng
        mult = self.gg[:n].copy() if self.g > 0 else np.ones(n)
        if self.dip > 0 and self.recent:
            mult[np.concatenate(self.recent)] *= 1.0 - self.dip
        lam_w = lam * mult
        # outside base buyers, only members with u >= 1 - rate x multiplier can buy in
        # the programme world (exp(-x) >= 1 - x); the rest buy nothing in either world
        cand = np.flatnonzero((u + lam_w >= 1.0) | (n_base > 0))
        nw = _inv_poisson(u[cand], lam_w[cand])
        nb_c = n_base[cand]
        spend_with = spend_base.copy()
        more = np.flatnonzero(nw > nb_c)
        if more.size:
            mi = cand[more]
            spend_with[mi] += _baskets(rng, nw[more] - nb_c[more], self.basket[mi], kappa,
                                       self.pool)
        fewer = np.flatnonzero(nw < nb_c)
        if fewer.size:
            fi = cand[fewer]
            kept, nb = nw[fewer], nb_c[fewer]
            share = kept / nb
            part = np.flatnonzero(kept > 0)
            if part.size and kappa is not None:
                # the kept orders' share of a gamma sum is Beta distributed
                share[part] = rng.beta(kept[part] * kappa, (nb[part] - kept[part]) * kappa)
            spend_with[fi] = spend_base[fi] * share
        return spend_with

    def earn(self, t: int, n: int, spend_with: np.ndarray, buy: np.ndarray) -> tuple:
        """Discounts, points (own and referral), tier-ups with vouchers, resets."""
        lad, beh, level, balance = self.ladder, self.beh, self.level, self.balance
        sw = spend_with[buy] * (1.0 + beh.uplift)
        d_amt = sw * self.disc[level[buy]]                    # level at the start of the week
        paid = sw - d_amt
        pts_own = lad.own_rate * (paid if lad.discount_before_points else sw)
        # referral credits on the referee's paid amount
        r = self.ref[buy]
        has = r >= 0
        if lad.referral_rate > 0 and has.any():
            pts = np.bincount(r[has], weights=lad.referral_rate * paid[has], minlength=n)
            pts[buy] += pts_own
            who = np.flatnonzero(pts)
            pw = pts[who]
        else:
            who, pw = buy, pts_own
        balance[who] += pw
        self.earned[who] += pw
        lw = level[who]
        bw = balance[who]
        new_lv = lw.copy()
        vouchers_value = np.zeros(who.size)
        for k in range(1, self.K + 1):
            hit = (lw < k) & (bw >= self.th[k - 1])
            vouchers_value += hit * self.vouch[k]
            new_lv[hit] = k
        up_idx = who[new_lv > lw]
        level[who] = new_lv
        if lad.reset_at is not None:
            self._reset(t, who[bw >= lad.reset_at])
        self._behaviour_after(who, up_idx)
        return sw, d_amt, pw, vouchers_value

    def _reset(self, t: int, rs: np.ndarray) -> None:
        if rs.size:
            R = self.ladder.reset_at
            b = self.balance[rs]
            rem = b if not self.ladder.carry_over else R * np.floor(b / R)
            self.removed[rs] += rem
            self.balance[rs] = b - rem
            self.out["points_reset"][t] = rem.sum()

    def _behaviour_after(self, who: np.ndarray, up_idx: np.ndarray) -> None:
        """Next week's goal-gradient pull and post-reward dip."""
        if self.g > 0:
            lv2 = self.level[who]
            prog = np.clip((self.balance[who] - self.lower[lv2]) * self.inv_span[lv2], 0.0, 1.0)
            self.gg[who] = 1.0 / (1.0 - self.g * prog)
        if self.dip > 0 and self.beh.post_reward_weeks > 0:
            self.recent.append(up_idx)
            if len(self.recent) > self.beh.post_reward_weeks:
                self.recent.pop(0)

    def vouchers(self, t: int, vouchers_value: np.ndarray) -> None:
        """Redeemed (prob q) uniformly within W weeks, else expire after E weeks."""
        vi = vouchers_value[vouchers_value > 0]
        if vi.size:
            red = self.rng.random(vi.size) < self.q
            delay = self.rng.integers(1, self.W + 1, vi.size)
            np.add.at(self.redeem_s, t + delay[red], vi[red])
            self.expire_s[t + self.E] += vi[~red].sum()

    def join(self, t: int, n: int, dead: np.ndarray) -> tuple[int, int]:
        """New members: own recruiting + referrals by live members."""
        beh, wrng = self.beh, self.wrng
        n_alive = n - int(dead.sum())
        n_nat = wrng.poisson(beh.weekly_joins) if beh.weekly_joins > 0 else 0
        n_ref = (wrng.binomial(n_alive, beh.referral_rate)
                 if n_alive and beh.referral_rate > 0 else 0)
        n_new = min(n_nat + n_ref, self.N - self.n_join)
        if n_new:
            n_ref = min(n_ref, n_new)
            sl = slice(self.n_join, self.n_join + n_new)
            self.death[sl] = t + 1 + self.life[sl]
            if n_ref:
                live = np.flatnonzero(~dead)
                self.ref[self.n_join:self.n_join + n_ref] = live[wrng.integers(0, live.size,
                                                                                n_ref)]
            self.n_join += n_new
        if np.isnan(self.milestone) and self.n_join >= self.ladder.milestone_members:
            self.milestone = float(t + 1)
        return n_alive, n_new

    def week(self, t: int) -> None:
        n = self.n_join
        dead, spend_base, buy_b, spend_with, buy = self.orders(t)
        sw, d_amt, pw, vouchers_value = self.earn(t, n, spend_with, buy)
        self.vouchers(t, vouchers_value)
        # liability for discount rights: expected discount on the next weeks of spend
        level = self.level
        tiered = np.flatnonzero(level[:n] > 0)
        tiered = tiered[~dead[tiered]]
        dl = (float(np.sum(self.disc[level[tiered]] * self.week_value[tiered]))
              * (1 + self.beh.uplift) * self.annuity)
        n_alive, n_new = self.join(t, n, dead)
        o = self.out
        o["members"][t] = self.n_join
        o["members_alive"][t] = n_alive
        o["new_members"][t] = n_new
        o["gross_with"][t] = sw.sum()
        o["gross_without"][t] = spend_base[buy_b].sum()
        o["discount"][t] = d_amt.sum()
        o["points_earned"][t] = pw.sum()
        o["vouchers_issued"][t] = vouchers_value.sum()
        o["vouchers_redeemed"][t] = self.redeem_s[t]
        o["vouchers_expired"][t] = self.expire_s[t]
        o["discount_liability"][t] = dl
        self.tiers_out[t] = np.bincount(level[:self.n_join], minlength=self.K + 1)

    # ------------------------------------------------------------ books
    def books(self) -> tuple[dict, dict]:
        o, weeks, q, W = self.out, self.weeks, self.q, self.W
        cum = np.cumsum
        o["vouchers_outstanding"] = np.maximum(
            cum(o["vouchers_issued"]) - cum(o["vouchers_redeemed"])
            - cum(o["vouchers_expired"]), 0.0)
        # expected redemptions still to come (face x probability), per issue cohort age
        liab = np.zeros(weeks)
        for a in range(0, min(W, weeks)):
            share = q * (W - a) / W
            liab[a:] += o["vouchers_issued"][:weeks - a] * share
        o["voucher_liability"] = liab
        o["programme_cost"] = o["discount"] + o["vouchers_issued"] * q
        o["revenue_with"] = o["gross_with"] - o["programme_cost"]
        o["revenue_without"] = o["gross_without"]
        o["net_effect"] = o["revenue_with"] - o["revenue_without"]
        extra = {
            "milestone_week": self.milestone,
            "tiers": self.tiers_out,
            "points_earned_total": float(self.earned.sum()),
            "points_held_total": float(self.balance.sum()),
            "points_reset_total": float(self.removed.sum()),
        }
        return o, extra


def _one_run(ladder: PointsLadder, beh: Behaviour, weeks: int, rng: np.random.Generator,
             tick: Callable[[], None] | None = None) -> tuple[dict, dict]:
    run = _Run(ladder, beh, weeks, rng)
    for t in range(weeks):
        run.week(t)
        if tick is not None:
            tick()
    return run.books()


def simulate(ladder: PointsLadder | None = None, behaviour: Behaviour | None = None, *,
             weeks: int = 104, n_runs: int = 20, seed: int | np.random.Generator = 0,
             progress: bool | None = None,
             percentiles: tuple[float, float, float] = (5.0, 50.0, 95.0)) -> SimulationResult:
    """Simulate a ladder ``n_runs`` times over ``weeks`` weekly steps.

    Parameters
    ----------
    ladder : PointsLadder, default the case's ladder
    behaviour : Behaviour, default ``Behaviour()``
    weeks, n_runs : int
        Weekly steps per run and runs (both >= 1).
    seed : int >= 0 or numpy.random.Generator
        Same seed, same result.
    progress : bool or None
        Progress bar; ``None`` (default) shows it when the job is large:
        ``max_members x weeks x n_runs`` of 20 million member-weeks or more
        (a few seconds of work).
    percentiles : three increasing numbers in [0, 100]
        Lower, middle and upper band.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> r = simulate(behaviour=Behaviour(n_initial=100, max_members=200), weeks=5,
    ...              n_runs=2, progress=False)
    >>> r.weekly["run"].nunique()
    2
    """
    ladder, beh = _check_models(ladder, behaviour)
    weeks = check_number(weeks, "weeks", low=1, integer=True)
    n_runs = check_number(n_runs, "n_runs", low=1, integer=True)
    percentiles = _check_percentiles(percentiles)
    rng = as_rng(seed)
    show = check_progress(progress, large=beh.max_members * weeks * n_runs >= _LARGE)
    run_rngs = rng.spawn(n_runs)
    bar = None
    tick = None
    if show:
        from tqdm.auto import tqdm
        bar = tqdm(total=n_runs * weeks, desc="simulating weeks", leave=False)
        tick = lambda: bar.update(1)  # noqa: E731
    runs, extras = [], []
    try:
        for r in range(n_runs):
            o, e = _one_run(ladder, beh, weeks, run_rngs[r], tick)
            runs.append(o)
            extras.append(e)
    finally:
        if bar is not None:
            bar.close()
    return SimulationResult(ladder, beh, weeks, runs, extras, percentiles)


def _check_models(ladder: Any, behaviour: Any) -> tuple[PointsLadder, Behaviour]:
    ladder = PointsLadder() if ladder is None else ladder
    behaviour = Behaviour() if behaviour is None else behaviour
    if not isinstance(ladder, PointsLadder):
        raise ModelError(f"ladder: expected a PointsLadder, got {type(ladder).__name__}.")
    if not isinstance(behaviour, Behaviour):
        raise ModelError(f"behaviour: expected a Behaviour, got {type(behaviour).__name__}.")
    return ladder, behaviour


def _check_percentiles(percentiles: Any) -> tuple[float, float, float]:
    try:
        values = tuple(percentiles)
    except TypeError:
        values = ()
    if len(values) != 3:
        raise ModelError(f"percentiles: expected three numbers (low, middle, high), got "
                         f"{percentiles!r}.")
    out = tuple(check_number(v, "percentiles", low=0, high=100) for v in values)
    if not out[0] < out[1] < out[2]:
        raise ModelError(f"percentiles: must increase (low < middle < high), got {values}.")
    return out


def _stat_quantile(stat: Any) -> float:
    """'p50' -> 0.5; anything else but 'mean' is a ModelError."""
    try:
        q = float(stat[1:]) if isinstance(stat, str) and stat.startswith("p") else np.nan
    except ValueError:
        q = np.nan
    if not 0 <= q <= 100:
        raise ModelError(f"stat: {stat!r} is not 'mean' or a percentile such as 'p50'.")
    return q / 100


class SimulationResult(Result):
    """Weekly books of every run, percentile bands and totals.

    Attributes
    ----------
    weekly : DataFrame
        One row per (run, week): members, spend with and without the
        programme, discount, vouchers, liabilities, cost, revenue, net effect,
        members per level (``level_<tier>``).
    bands : DataFrame
        Index week; columns (metric, "p5"/"p50"/"p95"/"mean").
    totals : DataFrame
        One row per run: totals over the horizon and end-of-horizon figures.
    summary : DataFrame
        Totals' mean and percentiles over runs.
    milestone_weeks : Series
        Per run, the week the member base reaches ``ladder.milestone_members`` (NaN if never).
    """

    def __init__(self, ladder, behaviour, weeks, runs, extras, percentiles):
        self.ladder = ladder
        self.behaviour = behaviour
        self.weeks = weeks
        self.percentiles = tuple(percentiles)
        self.title = f"Simulation of '{ladder.name}'"
        self.n_runs = len(runs)
        frames = []
        names = ladder.level_names
        for r, (o, e) in enumerate(zip(runs, extras, strict=False)):
            df = pd.DataFrame(o)
            df.insert(0, "week", np.arange(1, weeks + 1))
            df.insert(0, "run", r)
            for k, nm in enumerate(names):
                df[f"level_{nm}"] = e["tiers"][:, k]
            df["liability"] = df["voucher_liability"] + df["discount_liability"]
            df["cum_net_effect"] = df["net_effect"].cumsum()
            df["cum_programme_cost"] = df["programme_cost"].cumsum()
            frames.append(df)
        self.weekly = pd.concat(frames, ignore_index=True)
        self.milestone_weeks = pd.Series([e["milestone_week"] for e in extras],
                                         name="milestone_week").rename_axis("run")
        w = self.weekly.groupby("run")
        last = w.tail(1).set_index("run")
        sums = w[["gross_with", "gross_without", "discount", "vouchers_issued", "vouchers_redeemed",
                  "programme_cost", "revenue_with", "revenue_without", "net_effect",
                  "points_earned", "new_members"]].sum()
        tot = pd.DataFrame({
            "members at end": last["members"],
            "spend with programme": sums["gross_with"],
            "spend without programme": sums["gross_without"],
            "discount cost": sums["discount"],
            "vouchers issued (face)": sums["vouchers_issued"],
            "voucher cost (after breakage)": sums["vouchers_issued"] * (1 - ladder.voucher_breakage),
            "vouchers redeemed in horizon": sums["vouchers_redeemed"],
            "programme cost": sums["programme_cost"],
            "revenue with programme": sums["revenue_with"],
            "revenue without programme": sums["revenue_without"],
            "net effect": sums["net_effect"],
            "voucher liability at end": last["voucher_liability"],
            "discount-rights liability at end": last["discount_liability"],
            "points earned": [e["points_earned_total"] for e in extras],
            "points held at end": [e["points_held_total"] for e in extras],
            "points removed by resets": [e["points_reset_total"] for e in extras],
            "week member base reaches milestone": self.milestone_weeks.to_numpy(),
        })
        for nm in names[1:]:
            tot[f"members at {nm} at end"] = last[f"level_{nm}"]
        tot["cost per member"] = tot["programme cost"] / tot["members at end"]
        self.totals = tot
        lo, mid, hi = self.percentiles
        self.summary = pd.DataFrame({
            "mean": tot.mean(),
            f"p{lo:g}": tot.quantile(lo / 100),
            f"p{mid:g}": tot.quantile(mid / 100),
            f"p{hi:g}": tot.quantile(hi / 100),
        })

    def _settings(self) -> str:
        return f"{self.n_runs} runs x {self.weeks} weeks"

    def band(self, metric: str) -> pd.DataFrame:
        """Weekly percentile band of one metric: index week, columns p-low, p-mid, p-high, mean."""
        check_choice(metric, "metric", [c for c in self.weekly.columns if c not in ("run", "week")])
        g = self.weekly.groupby("week")[metric]
        lo, mid, hi = self.percentiles
        return pd.DataFrame({f"p{lo:g}": g.quantile(lo / 100), f"p{mid:g}": g.quantile(mid / 100),
                             f"p{hi:g}": g.quantile(hi / 100), "mean": g.mean()})

    @property
    def bands(self) -> pd.DataFrame:
        metrics = [c for c in self.weekly.columns if c not in ("run", "week")]
        return pd.concat({m: self.band(m) for m in metrics}, axis=1)

    def tier_distribution(self, stat: str = "p50") -> pd.DataFrame:
        """Members per level by week (median over runs by default, or 'mean')."""
        cols = [f"level_{nm}" for nm in self.ladder.level_names]
        g = self.weekly.groupby("week")[cols]
        tab = g.mean() if stat == "mean" else g.quantile(_stat_quantile(stat))
        tab.columns = self.ladder.level_names
        return tab

    def break_even_uplift(self) -> float:
        """Extra spend share that would make the net effect zero (median over runs).

        First-order: ``-net effect / (spend with programme - discounts)``, i.e.
        each 1% more spend brings 1% more of the revenue kept after discounts;
        it ignores the extra vouchers and tier-ups the extra spend would cause,
        so the true break-even is slightly higher.

        Examples
        --------
        >>> r = simulate(behaviour=Behaviour(n_initial=100, max_members=200, goal_gradient=0,
        ...              post_reward_dip=0), weeks=30, n_runs=2, progress=False)
        >>> bool(r.break_even_uplift() > 0)
        True
        """
        t = self.totals
        kept = t["spend with programme"] - t["discount cost"]
        return float((-t["net effect"] / kept.where(kept > 0)).median())

    def identity_gap(self) -> float:
        """Largest |points earned - held - reset| over runs (0 up to float rounding)."""
        t = self.totals
        return float((t["points earned"] - t["points held at end"]
                      - t["points removed by resets"]).abs().max())
