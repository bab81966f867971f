"""The formula brand's price-sensitivity rule (case A): one definition for every module.

The article (``000_…txt``): customers who *regularly* buy products above
400 yuan (经常购买 400 元以上产品) are not price sensitive and get service
content (parenting classes, exclusive events); those who regularly buy below
200 yuan get price offers. "Regularly" is read here as the customer's
**typical order**: the **median** order value (default), so that one large
gift order does not turn a price-sensitive customer into a service customer.
The other reading, the **mean** order value (total spend / orders), is one
argument away (``basket="mean"``).

Both :class:`omnimkt.retention.ReplenishmentModel` (offer type of each
action) and :func:`omnimkt.segments.price_sensitivity` call
:func:`typical_basket` and :func:`price_rule`, so the two modules class a
customer the same way for the same orders and settings.

Boundaries: a basket exactly at 400 or at 200 yuan is "in between" (the
article says *above* 400 and *below* 200).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omnimkt._gate import check_choice, check_number
from omnimkt.errors import ModelError

__all__ = ["BASKET_READINGS", "DEFAULT_BASKET", "HIGH", "LOW", "SENSITIVITY_LABELS",
           "check_rule", "price_rule", "typical_basket"]

#: Above this typical order (yuan): not price sensitive -> service content.
HIGH: float = 400.0
#: Below this typical order (yuan): price sensitive -> price offers.
LOW: float = 200.0
#: The two readings of "regularly buys": median or mean order value.
BASKET_READINGS: tuple[str, ...] = ("median", "mean")
#: The documented default reading.
DEFAULT_BASKET: str = "median"
#: Labels of the codes returned by :func:`price_rule` (0, 1, 2).
SENSITIVITY_LABELS: tuple[str, ...] = ("not sensitive", "in between", "sensitive")


def check_rule(high: float, low: float, basket: str, *, high_name: str = "high",
               low_name: str = "low") -> tuple[float, float, str]:
    """Check the rule's settings; returns them (raises ModelError naming the parameter)."""
    high = check_number(high, high_name, low=0)
    low = check_number(low, low_name, low=0)
    if low > high:
        raise ModelError(f"{low_name}={low:g} is above {high_name}={high:g}: the thresholds "
                         f"must satisfy {low_name} <= {high_name}.")
    basket = check_choice(basket, "basket", BASKET_READINGS)
    return high, low, basket


def typical_basket(amount: np.ndarray, group: np.ndarray, *, basket: str = DEFAULT_BASKET,
                   running: bool = False) -> np.ndarray:
    """A customer's typical order value: median or mean of their order amounts.

    Parameters
    ----------
    amount : array of float
        One entry per order (yuan).
    group : array of int
        Customer code per order, orders of one customer contiguous and in time
        order.
    basket : {"median", "mean"}
        The reading of "regularly buys" (see the module docstring).
    running : bool
        False: one value per customer (in order of first appearance). True:
        one value per order, the basket known right after that order (orders
        up to and including it), as a model replaying history needs.

    Examples
    --------
    >>> import numpy as np
    >>> amt, grp = np.array([100.0, 150.0, 800.0, 300.0]), np.array([0, 0, 0, 1])
    >>> typical_basket(amt, grp).tolist(), typical_basket(amt, grp, basket="mean").tolist()
    ([150.0, 300.0], [350.0, 300.0])
    >>> typical_basket(amt, grp, running=True).tolist()
    [100.0, 125.0, 150.0, 300.0]
    """
    basket = check_choice(basket, "basket", BASKET_READINGS)
    s = pd.Series(np.asarray(amount, dtype=float))
    g = s.groupby(np.asarray(group), sort=False)
    if not running:
        return (g.median() if basket == "median" else g.mean()).to_numpy()
    roll = g.expanding().median() if basket == "median" else g.expanding().mean()
    # expanding() returns rows grouped by customer; orders are contiguous, so the
    # second index level is the original position
    return roll.to_numpy()[np.argsort(roll.index.get_level_values(-1), kind="stable")]


def price_rule(basket: np.ndarray, *, high: float = HIGH, low: float = LOW) -> np.ndarray:
    """Codes 0 = not sensitive (> ``high``), 2 = sensitive (< ``low``), 1 = in between.

    Examples
    --------
    >>> price_rule(np.array([450.0, 400.0, 250.0, 200.0, 199.0])).tolist()
    [0, 1, 1, 1, 2]
    """
    b = np.asarray(basket, dtype=float)
    return np.select([b > high, b < low], [0, 2], default=1).astype(np.int64)
