"""How members join, buy, refer and react to the ladder: :class:`Behaviour`.

The settings of the Monte Carlo simulator (:func:`omnimkt.loyalty.simulate`),
parametric or bootstrapped from a real log with
:meth:`Behaviour.from_transactions`.

Examples
--------
>>> Behaviour(n_initial=100, max_members=200).rate_mean
0.25
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_frame, check_number
from omnimkt.errors import DataError, DataWarning, ModelError

if TYPE_CHECKING:
    from omnimkt.data.schema import Columns

__all__ = ["Behaviour"]


def _check_profiles(profiles: Any) -> None:
    """Empirical rates and baskets: finite numbers >= 0 (a negative rate is no rate)."""
    if not isinstance(profiles, pd.DataFrame) or not {"rate", "basket"} <= set(profiles.columns):
        raise ModelError("Behaviour.profiles: expected a DataFrame with columns 'rate' and "
                         "'basket' (see Behaviour.from_transactions).")
    for col in ("rate", "basket"):
        v = pd.to_numeric(profiles[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(v) | (v < 0) | (profiles[col].dtype == bool)
        if bad.any():
            raise ModelError(f"Behaviour.profiles.{col}: {int(bad.sum()):,} values are missing, "
                             "infinite, negative or not numbers (e.g. "
                             f"{profiles[col][bad].head(3).tolist()}); must be finite and >= 0.")


def _calibration_tables(transactions: Any, customers: Any, columns: Any
                        ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The validated transactions (and customers) that calibrate a Behaviour."""
    from omnimkt.data import validate_customers, validate_transactions

    check_frame(transactions, "transactions")
    if len(transactions) == 0:
        raise DataError("transactions: empty table; nothing to calibrate from.")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*single customer", category=DataWarning)
        tx = validate_transactions(transactions, columns, duplicates="keep")
    if customers is not None:
        customers = validate_customers(check_frame(customers, "customers"), columns)
    return tx, customers


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
        counts = {"n_initial": 0, "max_members": 1, "post_reward_weeks": 0,
                  "voucher_redeem_weeks": 1, "liability_weeks": 0}
        for name, low in counts.items():
            object.__setattr__(self, name, check_number(getattr(self, name),
                                                        f"Behaviour.{name}", low=low,
                                                        integer=True))
        if self.n_initial > self.max_members:
            raise ModelError(f"Behaviour.n_initial: {self.n_initial:,} members at week 0 do not "
                             f"fit in max_members={self.max_members:,}; raise max_members.")
        for name in ("weekly_joins", "rate_mean", "rate_shape", "basket_mean", "basket_cv",
                     "uplift", "basket_sigma"):
            object.__setattr__(self, name, check_number(getattr(self, name),
                                                        f"Behaviour.{name}", low=0))
        for name in ("referral_rate", "weekly_churn", "goal_gradient", "post_reward_dip"):
            # probabilities and shares of a week: 1 would stop everyone or divide by 0
            object.__setattr__(self, name, check_number(getattr(self, name),
                                                        f"Behaviour.{name}", low=0, high=1,
                                                        high_open=True))
        if self.profiles is not None:
            _check_profiles(self.profiles)

    def with_changes(self, **changes) -> Behaviour:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_transactions(cls, transactions: pd.DataFrame, customers: pd.DataFrame | None = None,
                          *, columns: Columns | Mapping[str, str] | None = None,
                          inactive_weeks: float = 13.0, **overrides: Any) -> Behaviour:
        """Calibrate spending and referral behaviour from a log (rough, documented).

        * per customer: orders = distinct purchase days; rate = orders per week
          between the first purchase and min(end, last purchase + ``inactive_weeks``);
          basket = spend / orders -> bootstrapped ``profiles``;
        * weekly churn = customers silent for ``inactive_weeks`` at the end / their
          customer-weeks of activity;
        * weekly joins = non-referred new customers per week; referral rate =
          referred customers / customer-weeks of membership (needs customers.referrer_id).

        Both tables go through :mod:`omnimkt.data`'s validators (``columns`` maps
        your column names); ``overrides`` replace any calibrated setting.

        Examples
        --------
        >>> import pandas as pd
        >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 200.0, 50.0],
        ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-10"])})
        >>> round(Behaviour.from_transactions(tx).profiles["basket"].mean())
        100
        """
        inactive_weeks = check_number(inactive_weeks, "inactive_weeks", low=0, low_open=True)
        tx, customers = _calibration_tables(transactions, customers, columns)
        ts = tx["timestamp"]
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
        unknown = sorted(set(overrides) - set(cls.__dataclass_fields__))
        if unknown:
            raise ModelError(f"Behaviour.from_transactions: unknown setting(s) {unknown}; "
                             f"choose from {sorted(cls.__dataclass_fields__)}.")
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
