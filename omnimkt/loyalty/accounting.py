"""IFRS 15 / ASC 606 arithmetic for loyalty rewards (material rights).

A reward that gives the customer a material right is a separate performance
obligation.  The transaction price is split by relative stand-alone selling
prices, the reward's stand-alone price being its face value times the
probability it is redeemed; the deferred part is recognised as revenue in
proportion to rewards redeemed over rewards expected to be redeemed
(cumulative catch-up when the expectation changes).

IFRS 15 Illustrative Example 52 (IE267-IE270): sales 100,000 earn 10,000
points worth 1 each; 9,500 expected to be redeemed -> 8,676 allocated to the
points; 4,500 redeemed in year 1 -> 4,110 recognised; year 2 cumulative
8,500 redeemed, expectation 9,700 -> cumulative 7,603 (3,493 in year 2).

Note on shared/REFERENCES.md: its summary ("97% expected redemption ->
9,000 deferred; after 4,500 redeemed, 4,175 recognised") mixes the two
years.  Its last step is consistent on its own terms -- 9,000 x 4,500 /
9,700 = 4,175 -- but 9,000 is not what a 97% expectation gives on relative
stand-alone prices (100,000 x 9,700 / 109,700 = 8,842).  The tests check
the standard's own figures and the REFERENCES.md step separately.

Examples
--------
>>> round(ifrs15_allocation(100_000, 10_000, 0.95)["deferred"])
8676
>>> round(ifrs15_recognised(8_676, 4_500, 9_500))
4110
"""

from __future__ import annotations

from omnimkt._gate import check_number

__all__ = ["ifrs15_allocation", "ifrs15_recognised"]


def ifrs15_allocation(sales: float, reward_face_value: float, redemption_rate: float) -> dict:
    """Split ``sales`` between goods and rewards by relative stand-alone prices.

    Parameters
    ----------
    sales : float
        Transaction price (= stand-alone price of the goods).
    reward_face_value : float
        Face value of the rewards granted with the sales.
    redemption_rate : float
        Expected share of the rewards that will be redeemed (1 - breakage).

    Returns
    -------
    dict with ``reward_standalone``, ``deferred`` (contract liability) and ``goods_revenue``.

    Raises
    ------
    omnimkt.ModelError
        A negative, missing or infinite amount, or a rate outside [0, 1].
    """
    sales = check_number(sales, "sales", low=0)
    reward_face_value = check_number(reward_face_value, "reward_face_value", low=0)
    redemption_rate = check_number(redemption_rate, "redemption_rate", low=0, high=1)
    ssp_reward = reward_face_value * redemption_rate
    total = sales + ssp_reward
    deferred = sales * ssp_reward / total if total else 0.0
    return {"reward_standalone": ssp_reward, "deferred": deferred,
            "goods_revenue": sales - deferred}


def ifrs15_recognised(deferred: float, redeemed_to_date: float, expected_total: float) -> float:
    """Cumulative revenue recognised from a deferred reward obligation.

    ``deferred x redeemed_to_date / expected_total`` (capped at ``deferred``);
    the period's revenue is the change in this cumulative figure.
    """
    deferred = check_number(deferred, "deferred", low=0)
    redeemed_to_date = check_number(redeemed_to_date, "redeemed_to_date", low=0)
    expected_total = check_number(expected_total, "expected_total", low=0, low_open=True)
    return min(deferred, deferred * redeemed_to_date / expected_total)
