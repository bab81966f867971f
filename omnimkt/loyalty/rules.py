"""Rules as data: the points ladder of the health-products case (CASES.md B).

A :class:`PointsLadder` holds every rule the engine and the simulator need:
earn rates on own and referred spend, the tiers (threshold, discount,
one-off voucher), the reset rule, whether the tier discount is taken before
points are earned, and voucher expiry and breakage.  The default instance is
the case's ladder::

    1 yuan own spend = 1 point; 2 yuan spent by a referred member = 1 point
    3,000 points -> 1-star: 10% off + 200-yuan voucher
    6,000 points -> 2-star: 15% off + 500-yuan voucher
    9,000 points -> points reset to zero, 3-star "diamond": 30% off + 1,000

Choices the case leaves open (and the defaults we take, all options):

* **The crossing purchase does not get the new discount.**  A tier is reached
  by the points *of* a purchase, so its discount applies from the next
  purchase on.  All the points of the crossing purchase count (a 3,000-yuan
  first purchase earns 3,000 points and reaches 1-star).
* **Points are earned on the amount paid** (after the tier discount;
  ``discount_before_points=True``): "1 yuan spent = 1 point".
* **Whole points per transaction** (``rounding="floor"``): a referred
  purchase of 6,000 yuan earns the referrer 3,000 points; 3 yuan earn 1.
* **Reset at 9,000.**  When the balance reaches ``reset_at`` it goes back to
  zero.  The points beyond 9,000 on the crossing purchase are removed with
  the rest (``carry_over=False``; the article says "reset to zero"); with
  ``carry_over=True`` the excess stays on the new balance.  Either way the
  removed points are booked as "points reset", so
  ``points earned = points held + points reset`` holds exactly.
* **Diamond is granted once.**  Status never goes down; each tier's voucher
  is issued once, the first time the tier is reached (a purchase that jumps
  several tiers issues every skipped tier's voucher too).  Later resets remove
  points but grant nothing new.
* **Voucher breakage** defaults to 25% (vendors quote 20-30% in consumer
  retail; about one third of US rewards overall -- REFERENCES.md); vouchers
  expire after ``voucher_expiry_days`` (365).

Examples
--------
>>> ladder = PointsLadder.case()
>>> [t.name for t in ladder.tiers]
['1-star', '2-star', 'diamond']
>>> ladder.with_changes(reset_at=None).reset_at is None
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from omnimkt._gate import check_bool, check_choice, check_frame, check_number
from omnimkt.errors import DataError, ModelError

__all__ = ["Tier", "PointsLadder", "CASE_LADDER"]


@dataclass(frozen=True)
class Tier:
    """One rung of the ladder.

    Parameters
    ----------
    name : str
        Label shown in tables ("1-star").
    threshold : float
        Points balance at which the tier is reached.
    discount : float
        Share taken off every later purchase, in [0, 1).
    voucher : float
        One-off voucher face value (yuan) issued when the tier is first reached.
    """

    name: str
    threshold: float
    discount: float
    voucher: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ModelError(f"Tier.name: must be a non-empty text label, got {self.name!r}.")
        label = f"tier {self.name!r}"
        checked = {
            "threshold": check_number(self.threshold, f"{label} threshold", low=0, low_open=True),
            # 100% off or more would give goods away
            "discount": check_number(self.discount, f"{label} discount (0.10 = 10% off)",
                                     low=0, high=1, high_open=True),
            "voucher": check_number(self.voucher, f"{label} voucher", low=0),
        }
        for key, value in checked.items():
            object.__setattr__(self, key, value)


@dataclass(frozen=True)
class PointsLadder:
    """A points-ladder loyalty programme, as data (defaults: the case's ladder).

    Parameters
    ----------
    tiers : sequence of Tier
        Ascending thresholds; discounts never decrease up the ladder.
    own_rate : float
        Points per yuan the member spends (1.0).
    referral_rate : float
        Points per yuan spent by members this member referred (0.5 = 1 per 2 yuan).
    reset_at : float or None
        Balance at which points reset to zero (9,000); ``None`` for no reset.
        Must be at least the top threshold, else upper tiers could never be reached.
    carry_over : bool
        Keep the points beyond ``reset_at`` after a reset (default ``False``:
        reset to zero, the excess is removed).
    discount_before_points : bool
        Earn points on the amount paid after the discount (default) or on the
        amount before the discount.
    discount_on_crossing : bool
        Give the new tier's discount on the purchase that reaches it. Default
        ``False``: the discount starts with the next purchase (a purchase's own
        points cannot discount itself).
    rounding : {"floor", "none"}
        Whole points per transaction (floor) or fractional points.
    voucher_expiry_days : int
        Days a voucher can be redeemed.
    voucher_breakage : float
        Expected share of voucher value never redeemed, in [0, 1).
    milestone_members : int
        Member count at which the firm starts member-wide promotions (5,000).
    name : str
        Label used in scenario tables.

    Examples
    --------
    >>> PointsLadder.case().tier_table()["threshold"].tolist()
    [0.0, 3000.0, 6000.0, 9000.0]
    """

    tiers: Sequence[Tier] = field(default_factory=lambda: (
        Tier("1-star", 3000.0, 0.10, 200.0),
        Tier("2-star", 6000.0, 0.15, 500.0),
        Tier("diamond", 9000.0, 0.30, 1000.0),
    ))
    own_rate: float = 1.0
    referral_rate: float = 0.5
    reset_at: float | None = 9000.0
    carry_over: bool = False
    discount_before_points: bool = True
    discount_on_crossing: bool = False
    rounding: str = "floor"
    voucher_expiry_days: int = 365
    voucher_breakage: float = 0.25
    milestone_members: int = 5000
    name: str = "case ladder"

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        self.validate()

    # ------------------------------------------------------------------ build
    @classmethod
    def case(cls) -> PointsLadder:
        """The case's ladder (CASES.md B)."""
        return cls()

    def with_changes(self, **changes) -> PointsLadder:
        """A copy with some rules changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_table(cls, table: pd.DataFrame, **options) -> PointsLadder:
        """Build a ladder from a table with columns name, threshold, discount, voucher.

        >>> t = pd.DataFrame({"name": ["silver", "gold"], "threshold": [1000, 5000],
        ...                   "discount": [0.05, 0.1], "voucher": [50, 200]})
        >>> PointsLadder.from_table(t, reset_at=None).tiers[1].name
        'gold'
        """
        check_frame(table, "ladder table")
        missing = {"name", "threshold", "discount"} - set(table.columns)
        if missing:
            raise DataError(f"ladder table: missing columns {sorted(missing)}; "
                            "give name, threshold, discount (and voucher).")
        voucher = table["voucher"] if "voucher" in table.columns else pd.Series(0.0, index=table.index)
        tiers = [Tier(str(n), t, d, v)
                 for n, t, d, v in zip(table["name"], table["threshold"], table["discount"], voucher, strict=False)]
        return cls(tiers=tiers, **options)

    # --------------------------------------------------------------- validate
    def validate(self) -> None:
        """Raise :class:`omnimkt.ModelError` for a bad rule (naming the field) or rules
        that contradict each other."""
        self._check_fields()
        problems: list[str] = []
        th = [t.threshold for t in self.tiers]
        if any(b <= a for a, b in zip(th, th[1:], strict=False)):
            problems.append(f"thresholds {th} must be strictly increasing")
        disc = [t.discount for t in self.tiers]
        if any(b < a for a, b in zip(disc, disc[1:], strict=False)):
            problems.append(f"discounts {disc} must not decrease up the ladder")
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names) or "member" in names:
            problems.append(f"tier names {names} must be unique and not 'member'")
        if self.own_rate == 0 and self.referral_rate == 0:
            problems.append("both earn rates are 0: nobody can earn points")
        if self.reset_at is not None and self.reset_at < max(th):
            problems.append(f"reset_at {self.reset_at:g} is below the top threshold {max(th):g}: "
                            "the balance would reset before the upper tiers could be reached")
        if problems:
            raise ModelError("PointsLadder: inconsistent rules: " + "; ".join(problems)
                             + ". Fix the ladder definition.")

    def _check_fields(self) -> None:
        """Each rule field on its own: NaN, inf, booleans and out-of-range values."""
        if not self.tiers:
            raise ModelError("PointsLadder.tiers: no tiers given; pass at least one Tier.")
        bad = [t for t in self.tiers if not isinstance(t, Tier)]
        if bad:
            raise ModelError(f"PointsLadder.tiers: expected Tier objects, got {bad[0]!r:.60}.")
        fields = {
            "own_rate": check_number(self.own_rate, "PointsLadder.own_rate", low=0),
            "referral_rate": check_number(self.referral_rate, "PointsLadder.referral_rate",
                                          low=0),
            "reset_at": check_number(self.reset_at, "PointsLadder.reset_at", low=0,
                                     low_open=True, allow_none=True),
            "voucher_expiry_days": check_number(self.voucher_expiry_days,
                                                "PointsLadder.voucher_expiry_days", low=1,
                                                integer=True),
            "voucher_breakage": check_number(self.voucher_breakage,
                                             "PointsLadder.voucher_breakage", low=0, high=1,
                                             high_open=True),
            "milestone_members": check_number(self.milestone_members,
                                              "PointsLadder.milestone_members", low=0,
                                              integer=True),
        }
        for key in ("carry_over", "discount_before_points", "discount_on_crossing"):
            fields[key] = check_bool(getattr(self, key), f"PointsLadder.{key}")
        check_choice(self.rounding, "PointsLadder.rounding", ("floor", "none"))
        if not isinstance(self.name, str):
            raise ModelError(f"PointsLadder.name: must be text, got {self.name!r}.")
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    # ------------------------------------------------------------- helpers
    @property
    def level_names(self) -> list[str]:
        """Names of the levels, level 0 = 'member' (no tier yet)."""
        return ["member"] + [t.name for t in self.tiers]

    def tier_table(self) -> pd.DataFrame:
        """The ladder as a table (level 0 = plain member)."""
        rows = [{"tier": "member", "threshold": 0.0, "discount": 0.0, "voucher": 0.0}]
        rows += [{"tier": t.name, "threshold": float(t.threshold), "discount": float(t.discount),
                  "voucher": float(t.voucher)} for t in self.tiers]
        out = pd.DataFrame(rows).rename_axis("level")
        out["resets_points"] = False
        if self.reset_at is not None:
            out.loc[out["threshold"] >= self.reset_at, "resets_points"] = True
        return out

    def describe(self) -> str:
        """One paragraph in plain language."""
        parts = [f"{self.own_rate:g} point per yuan spent, {self.referral_rate:g} per yuan "
                 "spent by referred members"]
        for t in self.tiers:
            parts.append(f"{t.threshold:,.0f} points -> {t.name}: {t.discount:.0%} off"
                         + (f" + {t.voucher:,.0f}-yuan voucher" if t.voucher else ""))
        parts.append("points reset to zero at " + f"{self.reset_at:,.0f}" if self.reset_at
                     else "no reset")
        return "; ".join(parts) + "."


CASE_LADDER = PointsLadder()
