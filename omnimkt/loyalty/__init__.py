"""Points-ladder loyalty programme: rules as data, exact engine, Monte Carlo simulator.

The health-products case (CASES.md B): 1 point per yuan spent, 1 point per
2 yuan spent by referred members; 3,000 points -> 1-star (10% off + 200-yuan
voucher), 6,000 -> 2-star (15% + 500), 9,000 -> points reset and diamond
(30% + 1,000); member-wide promotions from 5,000 members.

* :class:`PointsLadder` -- the rules (case default), validated.
* :func:`apply_ladder` -- exact books of a ladder on a real log.
* :func:`simulate` with :class:`Behaviour` -- Monte Carlo of cost, liability,
  revenue with and without the programme, percentile bands.
* :func:`compare_ladders`, :func:`sensitivity_grid` -- scenarios.
* :func:`ifrs15_allocation`, :func:`ifrs15_recognised` -- IFRS 15 arithmetic.

Examples
--------
>>> from omnimkt.loyalty import PointsLadder
>>> PointsLadder.case().tiers[0].threshold
3000.0
"""

from omnimkt.loyalty.accounting import ifrs15_allocation, ifrs15_recognised
from omnimkt.loyalty.behaviour import Behaviour
from omnimkt.loyalty.books import LadderResult
from omnimkt.loyalty.engine import apply_ladder
from omnimkt.loyalty.rules import CASE_LADDER, PointsLadder, Tier
from omnimkt.loyalty.scenarios import ScenarioResult, compare_ladders, sensitivity_grid
from omnimkt.loyalty.simulate import SimulationResult, simulate

__all__ = [
    "CASE_LADDER", "Behaviour", "LadderResult", "PointsLadder", "ScenarioResult",
    "SimulationResult", "Tier", "apply_ladder", "compare_ladders", "ifrs15_allocation",
    "ifrs15_recognised", "sensitivity_grid", "simulate",
]
