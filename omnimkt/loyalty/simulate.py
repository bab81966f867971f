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

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from omnimkt.errors import DataError
from omnimkt.loyalty._base import _Result
from omnimkt.loyalty.rules import PointsLadder

__all__ = ["Behaviour", "simulate", "SimulationResult"]

_METRICS = (
    "members", "members_alive", "new_members", "gross_with", "gross_without", "discount",
    "points_earned", "points_reset", "vouchers_issued", "vouchers_redeemed", "vouchers_expired",
    "vouchers_outstanding", "voucher_liability", "discount_liability", "programme_cost",
    "revenue_with", "revenue_without", "net_effect",
)


@dataclass(frozen=True)
class Behaviour:
    """How members join, buy, refer and react to the ladder.

    Parameters
    ----------
    n_initial : int
        Members at week 0.
    max_members : int
        Ceiling on the member base (capacity of the arrays).
    weekly_joins : float
        Mean new members per week from the firm's own recruiting (Poisson).
    referral_rate : float
        Weekly probability that a live member brings in one new member.
    rate_mean, rate_shape : float
        Orders per week ~ Gamma(shape, mean / shape) across members.
    basket_mean, basket_sigma : float
        Mean basket (yuan) ~ lognormal across members with this mean and log-sd.
    basket_cv : float
        Coefficient of variation of one basket around the member's mean.
    weekly_churn : float
        Weekly probability a member stops buying for good.
    goal_gradient : float
        Share by which purchase intervals shrink on reaching the next threshold (0.20).
    post_reward_dip, post_reward_weeks : float, int
        Rate reduction after reaching a tier, and for how many weeks (0.20, 4).
    uplift : float
        Extra spend share caused by the programme for members (default 0).
    voucher_redeem_weeks : int
        Redeemed vouchers are used uniformly within this many weeks of issue.
    liability_weeks : int
        Horizon of the discount-rights liability (52).
    profiles : DataFrame, optional
        Empirical ``rate`` and ``basket`` per customer to bootstrap instead of
        the parametric draws (see :meth:`from_transactions`).

    Examples
    --------
    >>> Behaviour(goal_gradient=0, post_reward_dip=0).uplift
    0.0
    """

    n_initial: int = 500
    max_members: int = 20_000
    weekly_joins: float = 40.0
    referral_rate: float = 0.002
    rate_mean: float = 0.25
    rate_shape: float = 2.0
    basket_mean: float = 300.0
    basket_sigma: float = 0.5
    basket_cv: float = 0.5
    weekly_churn: float = 0.01
    goal_gradient: float = 0.20
    post_reward_dip: float = 0.20
    post_reward_weeks: int = 4
    uplift: float = 0.0
    voucher_redeem_weeks: int = 12
    liability_weeks: int = 52
    profiles: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        bad = []
        if self.n_initial < 0 or self.max_members < max(self.n_initial, 1):
            bad.append("need 0 <= n_initial <= max_members and max_members >= 1")
        for name in ("weekly_joins", "rate_mean", "rate_shape", "basket_mean", "basket_cv",
                     "uplift", "basket_sigma"):
            if not (getattr(self, name) >= 0) or not np.isfinite(getattr(self, name)):
                bad.append(f"{name} must be a finite number >= 0")
        for name in ("referral_rate", "weekly_churn", "goal_gradient", "post_reward_dip"):
            v = getattr(self, name)
            if not (0 <= v < 1):
                bad.append(f"{name}={v} must be in [0, 1)")
        if self.voucher_redeem_weeks < 1 or self.post_reward_weeks < 0 or self.liability_weeks < 0:
            bad.append("voucher_redeem_weeks >= 1, post_reward_weeks and liability_weeks >= 0")
        if self.profiles is not None and not {"rate", "basket"} <= set(self.profiles.columns):
            bad.append("profiles needs columns 'rate' and 'basket'")
        if bad:
            raise DataError("Behaviour: " + "; ".join(bad) + ".")

    def with_changes(self, **changes) -> Behaviour:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_transactions(cls, transactions: pd.DataFrame, customers: pd.DataFrame | None = None,
                          *, inactive_weeks: float = 13.0, **overrides) -> Behaviour:
        """Calibrate spending and referral behaviour from a log (rough, documented).

        * per customer: orders = distinct purchase days; rate = orders per week
          between the first purchase and min(end, last purchase + ``inactive_weeks``);
          basket = spend / orders -> bootstrapped ``profiles``;
        * weekly churn = customers silent for ``inactive_weeks`` at the end / their
          customer-weeks of activity;
        * weekly joins = non-referred new customers per week; referral rate =
          referred customers / customer-weeks of membership (needs customers.referrer_id).

        Examples
        --------
        >>> import pandas as pd
        >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 200.0, 50.0],
        ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-10"])})
        >>> round(Behaviour.from_transactions(tx).profiles["basket"].mean())
        100
        """
        tx = transactions
        need = {"customer_id", "timestamp", "amount"} - set(tx.columns)
        if need:
            raise DataError(f"transactions: missing column(s) {sorted(need)}.")
        if len(tx) == 0:
            raise DataError("transactions: empty table; nothing to calibrate from.")
        ts = pd.to_datetime(tx["timestamp"])
        end = ts.max()
        g = pd.DataFrame({"c": tx["customer_id"].to_numpy(), "d": ts.dt.normalize().to_numpy(),
                          "a": tx["amount"].to_numpy(dtype=float)})
        per = g.groupby("c").agg(first=("d", "min"), last=("d", "max"), spend=("a", "sum"),
                                 orders=("d", "nunique"))
        week = pd.Timedelta(days=7)
        stop = (per["last"] + inactive_weeks * week).clip(upper=end)
        span = np.maximum((stop - per["first"]) / week, 1.0)
        profiles = pd.DataFrame({"rate": per["orders"] / span,
                                 "basket": per["spend"] / per["orders"]}).reset_index(drop=True)
        lost = (per["last"] < end - inactive_weeks * week).sum()
        churn = float(np.clip(lost / span.sum(), 0.0, 0.5))
        weeks_total = max((end - per["first"].min()) / week, 1.0)
        n_ref = 0
        if customers is not None and "referrer_id" in customers.columns:
            n_ref = int(customers["referrer_id"].notna().sum())
        member_weeks = float(((end - per["first"]) / week).clip(lower=0).sum())
        values = dict(
            profiles=profiles, weekly_churn=churn,
            weekly_joins=float((len(per) - n_ref) / weeks_total),
            referral_rate=float(min(n_ref / member_weeks, 0.5)) if member_weeks > 0 else 0.0,
            rate_mean=float(profiles["rate"].mean()),
            basket_mean=float(profiles["basket"].mean()),
            max_members=max(cls.max_members, 2 * len(per)),
        )
        values.update(overrides)
        return cls(**values)

    # ------------------------------------------------------------ draws
    def _draw_members(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        if self.profiles is not None and len(self.profiles):
            pick = rng.integers(0, len(self.profiles), n)
            return (self.profiles["rate"].to_numpy(float)[pick],
                    self.profiles["basket"].to_numpy(float)[pick])
        rate = (rng.gamma(self.rate_shape, self.rate_mean / self.rate_shape, n)
                if self.rate_shape > 0 else np.full(n, self.rate_mean))
        mu = np.log(max(self.basket_mean, 1e-12)) - self.basket_sigma ** 2 / 2
        basket = np.exp(mu + self.basket_sigma * rng.standard_normal(n))
        return rate, basket


def _seed(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


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


def _one_run(ladder: PointsLadder, beh: Behaviour, weeks: int, rng: np.random.Generator,
             tick=None) -> tuple[dict, dict]:
    # two streams: ``wrng`` drives the world (members, orders, baskets), ``rng`` the
    # programme (its extra baskets, voucher redemptions), so the counterfactual world is
    # the same whatever the ladder or the behavioural settings.
    wrng, rng = rng.spawn(2)
    N = beh.max_members
    K = len(ladder.tiers)
    th = np.array([t.threshold for t in ladder.tiers], dtype=float)
    # goal gradient: progress from the last threshold to the next one; at the top tier
    # there is no reward ahead (a reset grants nothing new), so no pull
    lower = np.concatenate([[0.0], th])
    upper = np.concatenate([th, [np.inf]])
    inv_span = np.where(np.isfinite(upper), 1.0 / np.maximum(upper - lower, 1e-12), 0.0)
    disc = np.array([0.0] + [t.discount for t in ladder.tiers])
    vouch = np.array([0.0] + [t.voucher for t in ladder.tiers])
    q = 1.0 - ladder.voucher_breakage
    E = max(1, int(np.ceil(ladder.voucher_expiry_days / 7)))
    W = min(beh.voucher_redeem_weeks, E)
    kappa = 1.0 / beh.basket_cv ** 2 if beh.basket_cv > 0 else None
    pool = wrng.gamma(kappa, 1.0 / kappa, 1 << 18) if kappa is not None else np.ones(1)
    c = beh.weekly_churn
    annuity = sum((1 - c) ** h for h in range(1, beh.liability_weeks + 1))
    g = beh.goal_gradient
    dip = beh.post_reward_dip
    effects = g > 0 or dip > 0

    rate, basket = beh._draw_members(N, wrng)
    p0 = np.exp(-rate)
    week_value = rate * basket                               # expected spend per week
    life = (wrng.geometric(c, N) if c > 0 else np.full(N, 1 << 40)).astype(np.int64)
    death = np.full(N, 1 << 40, dtype=np.int64)
    ref = np.full(N, -1, dtype=np.int64)
    balance = np.zeros(N)
    earned = np.zeros(N)
    removed = np.zeros(N)
    level = np.zeros(N, dtype=np.int8)
    gg = np.ones(N)                                         # goal-gradient multiplier
    recent: list[np.ndarray] = []                           # tier-ups of the last weeks
    n_join = min(beh.n_initial, N)
    death[:n_join] = life[:n_join]                          # week index at which they stop

    out = {m: np.zeros(weeks) for m in _METRICS}
    tiers_out = np.zeros((weeks, K + 1))
    redeem_s = np.zeros(weeks + E + 2)
    expire_s = np.zeros(weeks + E + 2)
    milestone = 0.0 if n_join >= ladder.milestone_members else np.nan
    for t in range(weeks):
        n = n_join
        dead = death[:n] <= t
        u = wrng.random(n)
        u[dead] = 0.0                                       # u = 0 -> no orders
        lam = rate[:n]
        n_base = _inv_poisson(u, lam, p0[:n])
        buy_b = np.flatnonzero(n_base)
        spend_base = np.zeros(n)
        if buy_b.size:
            spend_base[buy_b] = _baskets(wrng, n_base[buy_b], basket[buy_b], kappa, pool)
        if effects:
            mult = gg[:n].copy() if g > 0 else np.ones(n)
            if dip > 0 and recent:
                r_idx = np.concatenate(recent)
                mult[r_idx] *= 1.0 - dip
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
                spend_with[mi] += _baskets(rng, nw[more] - nb_c[more], basket[mi], kappa, pool)
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
            buy = np.flatnonzero(spend_with)
        else:
            spend_with = spend_base
            buy = buy_b
        sw = spend_with[buy] * (1.0 + beh.uplift)
        d_amt = sw * disc[level[buy]]                      # level at the start of the week
        paid = sw - d_amt
        pts_own = ladder.own_rate * (paid if ladder.discount_before_points else sw)
        # referral credits on the referee's paid amount
        r = ref[buy]
        has = r >= 0
        if ladder.referral_rate > 0 and has.any():
            pts = np.bincount(r[has], weights=ladder.referral_rate * paid[has], minlength=n)
            pts[buy] += pts_own
            who = np.flatnonzero(pts)
            pw = pts[who]
        else:
            who, pw = buy, pts_own
        balance[who] += pw
        earned[who] += pw
        lw = level[who]
        bw = balance[who]
        new_lv = lw.copy()
        vouchers_value = np.zeros(who.size)
        for k in range(1, K + 1):
            hit = (lw < k) & (bw >= th[k - 1])
            vouchers_value += hit * vouch[k]
            new_lv[hit] = k
        upd = new_lv > lw
        up_idx = who[upd]
        level[who] = new_lv
        if ladder.reset_at is not None:
            rs = who[bw >= ladder.reset_at]
            if rs.size:
                b = balance[rs]
                rem = b if not ladder.carry_over else ladder.reset_at * np.floor(b / ladder.reset_at)
                removed[rs] += rem
                balance[rs] = b - rem
                out["points_reset"][t] = rem.sum()
        if g > 0:
            lv2 = level[who]
            prog = np.clip((balance[who] - lower[lv2]) * inv_span[lv2], 0.0, 1.0)
            gg[who] = 1.0 / (1.0 - g * prog)
        if dip > 0 and beh.post_reward_weeks > 0:
            recent.append(up_idx)
            if len(recent) > beh.post_reward_weeks:
                recent.pop(0)
        # vouchers: redeemed (prob q) uniformly within W weeks, else expire after E weeks
        vi = vouchers_value[vouchers_value > 0]
        if vi.size:
            red = rng.random(vi.size) < q
            delay = rng.integers(1, W + 1, vi.size)
            np.add.at(redeem_s, t + delay[red], vi[red])
            expire_s[t + E] += vi[~red].sum()
        # liability for discount rights: expected discount on the next weeks of spend
        tiered = np.flatnonzero(level[:n] > 0)
        tiered = tiered[~dead[tiered]]
        dl = float(np.sum(disc[level[tiered]] * week_value[tiered])) * (1 + beh.uplift) * annuity
        # new members: own recruiting + referrals by live members
        n_alive = n - int(dead.sum())
        n_nat = wrng.poisson(beh.weekly_joins) if beh.weekly_joins > 0 else 0
        n_ref = wrng.binomial(n_alive, beh.referral_rate) if n_alive and beh.referral_rate > 0 else 0
        n_new = min(n_nat + n_ref, N - n_join)
        if n_new:
            n_ref = min(n_ref, n_new)
            sl = slice(n_join, n_join + n_new)
            death[sl] = t + 1 + life[sl]
            if n_ref:
                live = np.flatnonzero(~dead)
                ref[n_join:n_join + n_ref] = live[wrng.integers(0, live.size, n_ref)]
            n_join += n_new
        if np.isnan(milestone) and n_join >= ladder.milestone_members:
            milestone = float(t + 1)
        # weekly books
        o = out
        o["members"][t] = n_join
        o["members_alive"][t] = n_alive
        o["new_members"][t] = n_new
        o["gross_with"][t] = sw.sum()
        o["gross_without"][t] = spend_base[buy_b].sum()
        o["discount"][t] = d_amt.sum()
        o["points_earned"][t] = pw.sum()
        o["vouchers_issued"][t] = vouchers_value.sum()
        o["vouchers_redeemed"][t] = redeem_s[t]
        o["vouchers_expired"][t] = expire_s[t]
        o["discount_liability"][t] = dl
        tiers_out[t] = np.bincount(level[:n_join], minlength=K + 1)
        if tick is not None:
            tick()
    o = out
    cum = np.cumsum
    o["vouchers_outstanding"] = np.maximum(
        cum(o["vouchers_issued"]) - cum(o["vouchers_redeemed"]) - cum(o["vouchers_expired"]), 0.0)
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
        "milestone_week": milestone,
        "tiers": tiers_out,
        "points_earned_total": float(earned.sum()),
        "points_held_total": float(balance.sum()),
        "points_reset_total": float(removed.sum()),
    }
    return out, extra


def simulate(ladder: PointsLadder | None = None, behaviour: Behaviour | None = None, *,
             weeks: int = 104, n_runs: int = 20, seed=0, progress: bool = True,
             percentiles: tuple[float, float, float] = (5.0, 50.0, 95.0)) -> SimulationResult:
    """Simulate a ladder ``n_runs`` times over ``weeks`` weekly steps.

    Parameters
    ----------
    ladder : PointsLadder, default the case's ladder
    behaviour : Behaviour, default ``Behaviour()``
    weeks, n_runs : int
    seed : int or numpy.random.Generator
        Same seed, same result.
    progress : bool
        Show a tqdm progress bar (``False`` to silence).
    percentiles : three floats
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
    ladder = ladder or PointsLadder()
    beh = behaviour or Behaviour()
    if weeks < 1 or n_runs < 1:
        raise DataError("simulate: weeks and n_runs must be >= 1.")
    rng = _seed(seed)
    run_rngs = rng.spawn(n_runs)
    bar = None
    tick = None
    if progress:
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


class SimulationResult(_Result):
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
        self._title = f"simulation of '{ladder.name}' ({len(runs)} runs x {weeks} weeks)"
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

    def band(self, metric: str) -> pd.DataFrame:
        """Weekly percentile band of one metric: index week, columns p-low, p-mid, p-high, mean."""
        if metric not in self.weekly.columns:
            raise DataError(f"SimulationResult.band: unknown metric {metric!r}; choose from "
                            f"{[c for c in self.weekly.columns if c not in ('run', 'week')]}.")
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
        tab = g.mean() if stat == "mean" else g.quantile(float(stat.lstrip("p")) / 100)
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
