"""The books of a ladder applied to a log: :class:`LadderResult`.

Built by :func:`omnimkt.loyalty.apply_ladder`; every table is computed on first
use from the engine's event arrays (one row per purchase or referral credit).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from omnimkt._gate import check_choice
from omnimkt._result import Result

__all__ = ["LadderResult"]


class LadderResult(Result):
    """The books of a ladder applied to a log.

    Attributes
    ----------
    ladder : PointsLadder
    members : DataFrame (index customer_id)
        own_spend, discount, paid, points_own, points_referral, points_earned,
        points_reset, points_held, n_resets, level, tier, reached_<tier> dates,
        vouchers_value.
    ledger : DataFrame
        One row per event (own purchase or referral credit): customer_id,
        timestamp, kind, source_customer_id, amount, discount, paid, points,
        points_reset, balance (after the event), level_before, tier_after.
    tier_history : DataFrame
        customer_id, level, tier, date (when first reached).
    vouchers : DataFrame
        customer_id, tier, issued, expires, value.
    monthly : DataFrame (index month)
        Programme totals per calendar month.
    summary : DataFrame
        Programme totals (one column "value").
    """

    title = "Points ladder applied to the log"

    def __init__(self, ladder, ids, ref, ev, mem_of_row, t_of_row, amount_of_row):
        self.ladder = ladder
        self._amount = amount_of_row
        self._t = t_of_row  # int64 ns per input row; event times are looked up by row
        self._ids = ids
        self._ref = ref
        self._mem_of_row = mem_of_row
        # events are grouped by member (each member's events contiguous, in time order)
        self._ev = ev
        # first-reach events per tier: earliest event with level_after >= k
        self._cross = []
        for k in range(1, len(ladder.tiers) + 1):
            hit = np.flatnonzero(ev["level_after"] >= k)
            if hit.size:
                first = np.ones(hit.size, dtype=bool)
                first[1:] = ev["mem"][hit[1:]] != ev["mem"][hit[:-1]]
                hit = hit[first]
            self._cross.append(hit)

    def _settings(self) -> str:
        return f"{self.ladder.name}; {len(self._ids):,} members"

    def _gross(self, ev: dict) -> np.ndarray:
        """Basket value of own purchases (0 for referral credits), from the input rows."""
        return np.where(ev["kind"] == 0, self._amount[ev["row"]], 0.0)

    # ------------------------------------------------------------- tables
    @cached_property
    def ledger(self) -> pd.DataFrame:
        o = np.argsort(self._ev["mem"], kind="stable")
        ev = {k: v[o] for k, v in self._ev.items()}
        ids = self._ids
        own = ev["kind"] == 0
        src = self._mem_of_row[ev["row"]] if len(ev["row"]) else ev["mem"]
        names = np.array(self.ladder.level_names, dtype=object)
        return pd.DataFrame({
            "customer_id": ids.to_numpy()[ev["mem"]],
            "timestamp": self._t[ev["row"]].view("datetime64[ns]"),
            "kind": np.where(own, "purchase", "referral"),
            "source_customer_id": ids.to_numpy()[src],
            "amount": self._gross(ev),
            "discount": ev["discount"],
            "paid": self._gross(ev) - ev["discount"],
            "points": ev["points"],
            "points_reset": ev["removed"],
            "balance": ev["balance"],
            "level_before": ev["level_before"].astype(np.int64),
            "tier_after": pd.array(names[ev["level_after"]], dtype="str"),
        })

    @cached_property
    def tier_history(self) -> pd.DataFrame:
        ev, ids = self._ev, self._ids
        parts = []
        for k, hit in enumerate(self._cross, start=1):
            parts.append(pd.DataFrame({
                "customer_id": ids.to_numpy()[ev["mem"][hit]],
                "level": k, "tier": self.ladder.tiers[k - 1].name,
                "date": self._t[ev["row"][hit]].view("datetime64[ns]"),
                "balance_before_reset": (ev["balance"] + ev["removed"])[hit]}))
        out = pd.concat(parts, ignore_index=True)
        out["tier"] = out["tier"].astype("str")
        return out.sort_values(["customer_id", "level"], ignore_index=True)

    @cached_property
    def vouchers(self) -> pd.DataFrame:
        th = self.tier_history
        value = np.array([t.voucher for t in self.ladder.tiers])[th["level"].to_numpy() - 1]
        out = pd.DataFrame({"customer_id": th["customer_id"], "tier": th["tier"],
                            "issued": th["date"],
                            "expires": th["date"] + pd.Timedelta(days=self.ladder.voucher_expiry_days),
                            "value": value})
        return out[out["value"] > 0].reset_index(drop=True)

    @cached_property
    def members(self) -> pd.DataFrame:
        ev, n = self._ev, len(self._ids)
        m = ev["mem"]
        own = ev["kind"] == 0

        def bc(w, mask=None):
            if mask is None:
                return np.bincount(m, weights=w, minlength=n)
            return np.bincount(m[mask], weights=w[mask], minlength=n)

        out = pd.DataFrame(index=pd.Index(self._ids, name="customer_id"))
        out["own_spend"] = bc(self._gross(ev))
        out["discount"] = bc(ev["discount"])
        out["paid"] = out["own_spend"] - out["discount"]
        out["points_own"] = bc(ev["points"], own)
        out["points_referral"] = bc(ev["points"], ~own)
        out["points_earned"] = out["points_own"] + out["points_referral"]
        out["points_reset"] = bc(ev["removed"])
        last = np.zeros(n)
        if len(m):
            is_last = np.append(m[1:] != m[:-1], True)
            last[m[is_last]] = ev["balance"][is_last]
        out["points_held"] = last
        out["n_resets"] = np.bincount(m, weights=(ev["removed"] > 0).astype(float),
                                      minlength=n).astype(np.int64)
        level = np.zeros(n, dtype=np.int64)
        for k, hit in enumerate(self._cross, start=1):
            level[m[hit]] = k
        out["level"] = level
        out["tier"] = pd.array(np.array(self.ladder.level_names, dtype=object)[level], dtype="str")
        vval = np.zeros(n)
        for k, hit in enumerate(self._cross, start=1):
            col = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
            col[m[hit]] = self._t[ev["row"][hit]].view("datetime64[ns]")
            out[f"reached_{self.ladder.tiers[k - 1].name}"] = col
            vval[m[hit]] += self.ladder.tiers[k - 1].voucher
        out["vouchers_value"] = vval
        ids = self._ids.to_numpy()
        if ids.dtype.kind in "iu":
            out["referrer_id"] = pd.array(
                np.where(self._ref >= 0, ids[np.maximum(self._ref, 0)], 0), dtype="Int64")
            out.loc[self._ref < 0, "referrer_id"] = pd.NA
        else:  # text ids
            ref = ids[np.maximum(self._ref, 0)] if ids.size else ids
            out["referrer_id"] = pd.array(np.where(self._ref >= 0, ref, None), dtype="str")
        return out

    @cached_property
    def monthly(self) -> pd.DataFrame:
        ev = self._ev
        if len(ev["row"]) == 0:
            return pd.DataFrame()
        month = self._t[ev["row"]].view("datetime64[ns]").astype("datetime64[M]")
        m0, m1 = month.min(), month.max()
        months = np.arange(m0, m1 + 1)
        mi = (month - m0).astype(np.int64)
        k = len(months)
        own = ev["kind"] == 0
        out = pd.DataFrame(index=pd.DatetimeIndex(months.astype("datetime64[ns]"), name="month"))
        out["spend"] = np.bincount(mi, weights=self._gross(ev), minlength=k)
        out["discount"] = np.bincount(mi, weights=ev["discount"], minlength=k)
        out["paid"] = out["spend"] - out["discount"]
        out["points_earned"] = np.bincount(mi, weights=ev["points"], minlength=k)
        out["points_referral"] = np.bincount(mi[~own], weights=ev["points"][~own], minlength=k)
        out["points_reset"] = np.bincount(mi, weights=ev["removed"], minlength=k)
        vv = np.zeros(k)
        for lvl, hit in enumerate(self._cross, start=1):
            cnt = np.bincount(mi[hit], minlength=k)
            out[f"new_{self.ladder.tiers[lvl - 1].name}"] = cnt
            vv += cnt * self.ladder.tiers[lvl - 1].voucher
        out["vouchers_issued"] = vv
        out["voucher_cost_expected"] = vv * (1 - self.ladder.voucher_breakage)
        out["programme_cost"] = out["discount"] + out["voucher_cost_expected"]
        for tier in self.ladder.tiers:
            # members at this level or above at month end
            out[f"at_least_{tier.name}"] = out[f"new_{tier.name}"].cumsum()
        return out

    @cached_property
    def summary(self) -> pd.DataFrame:
        mb = self.members
        rows = {
            "members": len(mb),
            "members with purchases": int((mb["own_spend"] > 0).sum()),
            "spend (before discounts)": mb["own_spend"].sum(),
            "discounts given": mb["discount"].sum(),
            "vouchers issued (face value)": mb["vouchers_value"].sum(),
            "vouchers expected cost (after breakage)":
                mb["vouchers_value"].sum() * (1 - self.ladder.voucher_breakage),
            "points earned": mb["points_earned"].sum(),
            "points held": mb["points_held"].sum(),
            "points removed by resets": mb["points_reset"].sum(),
        }
        rows["programme cost"] = rows["discounts given"] + rows["vouchers expected cost (after breakage)"]
        spend = rows["spend (before discounts)"]
        rows["cost as share of spend"] = rows["programme cost"] / spend if spend else np.nan
        for k, tier in enumerate(self.ladder.tiers, start=1):
            rows[f"members reaching {tier.name}"] = int((mb["level"] >= k).sum())
        return pd.DataFrame({"value": pd.Series(rows, dtype=float)})

    def balance_history(self, customer_id) -> pd.DataFrame:
        """One member's events with the balance after each."""
        led = self.ledger
        return led[led["customer_id"] == customer_id].reset_index(drop=True)

    def tier_counts(self, freq: str = "MS") -> pd.DataFrame:
        """Members at each level at the end of each period (status never goes down).

        ``freq`` is the calendar period: "D", "W", "MS" (months, default), "QS" or "YS".
        """
        check_choice(freq, "freq", ("D", "W", "MS", "QS", "YS"))
        th = self.tier_history
        if th.empty:
            return pd.DataFrame()
        tab = (th.assign(period=th["date"].dt.to_period(freq[0]).dt.to_timestamp())
                 .pivot_table(index="period", columns="tier", values="customer_id",
                              aggfunc="count", fill_value=0, observed=True))
        cols = [t.name for t in self.ladder.tiers if t.name in tab.columns]
        return tab[cols].cumsum()

    def identity_check(self) -> float:
        """Largest |points earned - (points held + points reset)| over members (0 if exact)."""
        mb = self.members
        return float((mb["points_earned"] - mb["points_held"] - mb["points_reset"]).abs().max()
                     if len(mb) else 0.0)
