"""The developer voucher deal (开发商合作): what it earns the store and costs the developer.

Each flat sold carries a voucher of ``voucher_value`` for one store, valid until
``voucher_expiry``. A voucher is **redeemed** when its lead orders between the capture
(the flat's sale) and the expiry, both days inclusive; those orders are the voucher
basket, paid by the voucher up to its face value and by the owner above it (the
top-up). The developer pays the store ``developer_pays`` × the face value redeemed;
the rest is the margin the store gives away to win the deal. The developer pays
nothing for vouchers never used (breakage).

What the data cannot show is how much of the basket the store would have sold to
these owners anyway; ``share_anyway`` states that assumption (0: none of it), and
incremental sales are the basket sales × (1 − share_anyway).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.errors import DataError
from omnimkt.leads._common import prepare

__all__ = ["VoucherEconomics", "voucher_economics"]


class VoucherEconomics(Result):
    """The voucher deal for the store and for the developer.

    Attributes
    ----------
    summary : DataFrame
        party ("store", "developer" or "deal"), measure, value.
    values : dict
        The same figures by measure name.
    baskets : DataFrame indexed by customer_id
        Per voucher lead: voucher_value, redeemed, basket_sales, basket_margin,
        paid_by_voucher, top_up.
    """

    title = "Developer voucher deal"

    def __init__(self, values: dict[str, float], baskets: pd.DataFrame, developer_pays: float,
                 share_anyway: float) -> None:
        self.values, self.baskets = values, baskets
        self.developer_pays, self.share_anyway = developer_pays, share_anyway
        party = {"vouchers_issued": "deal", "vouchers_redeemed": "deal",
                 "redemption_rate": "deal", "developer_cost": "developer",
                 "developer_cost_per_flat": "developer", "breakage": "developer"}
        self.summary = pd.DataFrame({
            "party": [party.get(k, "store") for k in values],
            "measure": list(values), "value": list(values.values())})
        v = values
        self.notes = [
            f"{v['vouchers_redeemed']:,.0f} of {v['vouchers_issued']:,.0f} vouchers redeemed "
            f"({v['redemption_rate']:.0%}); mean basket {v['basket_per_redeemer']:,.0f}, of "
            f"which {v['top_up']:,.0f} in total paid by the owners above the vouchers.",
            f"The store keeps {v['store_net_margin']:,.0f} of margin after giving away "
            f"{v['margin_given_away']:,.0f}; the developer pays "
            f"{v['developer_cost_per_flat']:,.0f} per flat sold.",
        ]

    def _settings(self) -> str:
        return (f"developer pays {self.developer_pays:.0%} of face value, "
                f"share bought anyway {self.share_anyway:.0%}")


def voucher_economics(leads: pd.DataFrame, orders: pd.DataFrame, *, developer_pays: float = 0.9,
                      share_anyway: float = 0.0, columns: Any = None) -> VoucherEconomics:
    """Redemption, basket, margin given away and incremental sales of a voucher deal.

    Parameters
    ----------
    leads : DataFrame
        Leads with ``voucher_value`` and ``voucher_expiry`` (one per flat sold).
    orders : DataFrame
        The leads' orders (a transactions table with ``margin``).
    developer_pays : float in [0, 1], default 0.9
        Share of a redeemed voucher's face value the developer pays the store (the
        deal's terms; 1 − this is the margin the store gives away).
    share_anyway : float in [0, 1], default 0
        Assumed share of the basket sales the store would have made without the deal.
    columns : Columns or dict, optional

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"customer_id": [1, 2], "source": "developer",
    ...     "captured": "2025-03-01", "voucher_value": 20000, "voucher_expiry": "2025-09-01"})
    >>> orders = pd.DataFrame({"customer_id": [1], "timestamp": ["2025-07-01"],
    ...                        "amount": [30000], "margin": [4500]})
    >>> v = voucher_economics(leads, orders).values
    >>> v["redemption_rate"], v["margin_given_away"], v["store_net_margin"]
    (0.5, 2000.0, 2500.0)
    """
    pays = check_number(developer_pays, "developer_pays", low=0, high=1)
    anyway = check_number(share_anyway, "share_anyway", low=0, high=1)
    t = prepare(leads, orders, columns=columns)
    if "voucher_value" not in t.leads or not (t.leads["voucher_value"] > 0).any():
        raise DataError("leads.voucher_value: no lead carries a voucher (voucher_value > 0), so "
                        "there is no voucher deal to evaluate. Add the vouchers issued per "
                        "flat sold with their voucher_expiry.")
    vl = t.leads[t.leads["voucher_value"] > 0].set_index("customer_id")
    o = t.orders[t.orders["customer_id"].isin(vl.index)]
    expiry = o["customer_id"].map(vl["voucher_expiry"])
    basket = o[(o["timestamp"].dt.normalize() <= expiry).to_numpy()]
    g = basket.groupby("customer_id")
    b = pd.DataFrame({"voucher_value": vl["voucher_value"]})
    b["basket_sales"] = g["amount"].sum().reindex(b.index).fillna(0.0)
    b["basket_margin"] = g["margin"].sum().reindex(b.index).fillna(0.0)
    b["redeemed"] = b.index.isin(basket["customer_id"])
    b["paid_by_voucher"] = np.minimum(b["basket_sales"], b["voucher_value"])
    b["top_up"] = b["basket_sales"] - b["paid_by_voucher"]
    later = o[~o.index.isin(basket.index)]
    used = float(b["paid_by_voucher"].sum())
    red = b[b["redeemed"]]
    values = {
        "vouchers_issued": float(len(b)),
        "vouchers_redeemed": float(len(red)),
        "redemption_rate": len(red) / len(b),
        "basket_sales": float(b["basket_sales"].sum()),
        "paid_by_voucher": used,
        "top_up": float(b["top_up"].sum()),
        "basket_per_redeemer": float(red["basket_sales"].mean()) if len(red) else 0.0,
        "basket_margin": float(b["basket_margin"].sum()),
        "margin_given_away": (1 - pays) * used,
        "store_net_margin": float(b["basket_margin"].sum()) - (1 - pays) * used,
        "incremental_sales": float(b["basket_sales"].sum()) * (1 - anyway),
        "later_sales": float(later["amount"].sum()),
        "later_margin": float(later["margin"].sum()),
        "developer_cost": pays * used,
        "developer_cost_per_flat": pays * used / len(b),
        "breakage": float((b["voucher_value"] - b["paid_by_voucher"]).sum()),
    }
    # Money to the cent: 0.1 · 20,000 should print as 2,000, not 1,999.9999.
    values = {k: v if k in ("redemption_rate",) else round(v, 2) for k, v in values.items()}
    return VoucherEconomics(values, b, pays, anyway)
