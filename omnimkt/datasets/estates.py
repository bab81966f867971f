"""Synthetic estates and appliance buyers for the look-alike and cross-sell case (J).

The appliance maker of case J found buyers in one Shanghai estate, mapped a
similar estate in Beijing that had no buyers yet, and later cross-sold a smart
TV and a gas stove to the buyers. :func:`estate_world` simulates that story with
known answers.

The generative story:

* **Areas.** ``n_areas`` estates per city, in a launched city (Shanghai: the
  brand has been selling there) and a new city (Beijing: no buyers yet). Each has
  a price level (yuan per m², log-normal around the city's level), a typical flat
  size (m²), months since hand-over (交房; negative = not handed over yet), the
  share of flats whose renovation (装修) is finished (a noisy logistic function of
  the months since hand-over) and a number of households.
* **Latent demand.** The share of households that would buy a set of appliances
  in a season if the brand sold there: ``base_demand`` times
  ``exp(0.5·z(log price) + 0.4·z(flat size))`` times a timing bump that peaks about
  nine months after hand-over, when renovation ends (the case's dealers canvass
  estates "after renovation ends"). The analyst never sees it.
* **Buyers.** In the launched city each estate's buyers are
  ``Binomial(households, latent demand)``; the new city has none.
* **Baskets.** Each buyer has three hidden tastes: budget (from the estate's
  price level plus noise), tech and kitchen. The first purchase holds each
  product with probability ``sigmoid(intercept + affinity · loadings · tastes)``,
  so products that load on the same taste (fridge, range hood and gas stove on
  kitchen; smart TV, robot vacuum and air conditioner on tech and budget) are
  bought together more often than chance. ``affinity=0`` makes every product independent.
* **Next purchases.** In the following season, a buyer without a smart TV (or a
  gas stove) buys one with probability ``sigmoid(logit of the first purchase −
  next_shift)``: the same tastes drive who buys next.

``world.truth`` holds the latent demand of every estate and each buyer's tastes,
purchase probabilities and what they bought next, so look-alike rankings and
cross-sell models can be graded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_number

__all__ = ["AREA_FEATURES", "CROSS_SELL_PRODUCTS", "EstateTruth", "EstateWorld",
           "estate_world"]

#: Observable housing attributes of an estate (the look-alike features).
AREA_FEATURES = ("price_per_m2", "flat_size_m2", "months_since_handover", "renovated_share")

#: Product -> (intercept, loading on budget, on tech, on kitchen) of the first purchase.
_PRODUCTS = {
    "air_conditioner": (1.0, 0.6, 0.9, 0.0),
    "fridge": (1.2, 0.2, 0.0, 0.8),
    "washing_machine": (0.9, 0.1, 0.0, 0.2),
    "range_hood": (-0.1, 0.0, 0.0, 1.2),
    "robot_vacuum": (-0.9, 0.4, 1.3, 0.0),
    "smart_tv": (-0.6, 0.6, 1.3, 0.0),
    "gas_stove": (-0.8, 0.0, 0.0, 1.4),
}
#: The products a buyer may own, in a fixed order.
CROSS_SELL_PRODUCTS = tuple(_PRODUCTS)
_NEXT = ("smart_tv", "gas_stove")
_CITIES = {"Shanghai": 60000.0, "Beijing": 55000.0}


@dataclass
class EstateTruth:
    """What :func:`estate_world` knows and a model should recover.

    Attributes
    ----------
    areas : DataFrame indexed by area_id
        latent_demand (share of households that would buy in a season) and
        expected_buyers (households x latent demand), for every estate.
    buyers : DataFrame indexed by customer_id
        budget, tech, kitchen (hidden tastes), ``p_<product>`` (probability of the
        product in the first purchase), ``p_next_<product>`` and
        ``bought_next_<product>`` for the smart TV and the gas stove (the next
        season; 0 for buyers who already own it).
    params : dict
        The generator's settings.
    """

    areas: pd.DataFrame
    buyers: pd.DataFrame
    params: dict


@dataclass
class EstateWorld:
    """Estates, buyers and their first purchases, with the truth.

    Attributes
    ----------
    areas : DataFrame indexed by area_id
        city, households and the housing attributes :data:`AREA_FEATURES`.
    buyers : DataFrame
        customer_id, area_id, city (one row per buyer; launched city only).
    baskets : DataFrame
        customer_id, product: the first purchase of every buyer (long format).
    truth : EstateTruth
    """

    areas: pd.DataFrame
    buyers: pd.DataFrame
    baskets: pd.DataFrame
    truth: EstateTruth


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def _areas(rng: np.random.Generator, n_areas: int) -> pd.DataFrame:
    rows = []
    for city, level in _CITIES.items():
        months = rng.uniform(-12, 60, n_areas)
        rows.append(pd.DataFrame({
            "city": city,
            "households": rng.integers(300, 3000, n_areas),
            "price_per_m2": np.round(level * rng.lognormal(0.0, 0.35, n_areas), -2),
            "flat_size_m2": np.round(np.clip(rng.normal(95, 28, n_areas), 40, 220), 1),
            "months_since_handover": np.round(months, 1),
            "renovated_share": np.round(np.clip(
                _sigmoid((months - 6) / 4) + rng.normal(0, 0.08, n_areas), 0, 1), 3),
        }))
    areas = pd.concat(rows, ignore_index=True)
    areas.index = pd.Index([f"{c[:2].upper()}{i:03d}" for i, c in enumerate(areas["city"])],
                           name="area_id")
    return areas


def estate_world(n_areas: int = 60, *, base_demand: float = 0.05, affinity: float = 1.0,
                 next_shift: float = 1.0, seed: int | np.random.Generator = 0) -> EstateWorld:
    """Estates in a launched and a new city, buyers, first purchases and the truth.

    Parameters
    ----------
    n_areas : int >= 5
        Estates per city (Shanghai, launched; Beijing, no buyers yet).
    base_demand : float in (0, 0.5]
        Latent demand of an average estate at the peak of its renovation season.
    affinity : float >= 0
        Strength of the shared tastes behind the products (0 = independent products).
    next_shift : float
        How much less likely a product is in the next season than in the first
        purchase (on the logit scale).
    seed : int >= 0 or numpy Generator

    Returns
    -------
    EstateWorld

    Examples
    --------
    >>> w = estate_world(20, seed=1)
    >>> sorted(w.areas["city"].unique()), int(w.buyers["city"].eq("Beijing").sum())
    (['Beijing', 'Shanghai'], 0)
    """
    n_areas = check_number(n_areas, "n_areas", low=5, integer=True)
    base = check_number(base_demand, "base_demand", low=0, high=0.5, low_open=True)
    aff = check_number(affinity, "affinity", low=0)
    shift = check_number(next_shift, "next_shift")
    rng = as_rng(seed)
    areas = _areas(rng, n_areas)
    months = areas["months_since_handover"].to_numpy()
    timing = np.exp(-(((months - 9.0) / 10.0) ** 2))
    demand = base * np.exp(0.5 * _z(np.log(areas["price_per_m2"].to_numpy()))
                           + 0.4 * _z(areas["flat_size_m2"].to_numpy())) * timing
    demand = np.clip(demand, 0.0, 1.0)
    launched = (areas["city"] == "Shanghai").to_numpy()
    n_buy = np.where(launched, rng.binomial(areas["households"].to_numpy(), demand), 0)
    area_of = np.repeat(areas.index.to_numpy(), n_buy)
    n = len(area_of)
    ids = pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id")
    price_z = pd.Series(_z(np.log(areas["price_per_m2"].to_numpy())), index=areas.index)
    tastes = np.column_stack([
        0.7 * price_z.reindex(area_of).to_numpy() + rng.normal(0, 0.7, n),  # budget
        rng.normal(0, 1, n),  # tech
        rng.normal(0, 1, n),  # kitchen
    ])
    coef = np.array([v for v in _PRODUCTS.values()])
    logits = coef[:, 0] + aff * tastes @ coef[:, 1:].T
    p_first = _sigmoid(logits)
    owned = rng.random(p_first.shape) < p_first
    truth_buyers = pd.DataFrame(tastes, index=ids, columns=["budget", "tech", "kitchen"])
    for j, product in enumerate(CROSS_SELL_PRODUCTS):
        truth_buyers[f"p_{product}"] = p_first[:, j]
    for product in _NEXT:
        j = CROSS_SELL_PRODUCTS.index(product)
        p_next = np.where(owned[:, j], 0.0, _sigmoid(logits[:, j] - shift))
        truth_buyers[f"p_next_{product}"] = p_next
        truth_buyers[f"bought_next_{product}"] = (rng.random(n) < p_next).astype(np.int8)
    rows, cols = np.nonzero(owned)
    baskets = pd.DataFrame({"customer_id": ids.to_numpy()[rows],
                            "product": np.array(CROSS_SELL_PRODUCTS)[cols]})
    buyers = pd.DataFrame({"customer_id": ids.to_numpy(), "area_id": area_of,
                           "city": areas["city"].reindex(area_of).to_numpy()})
    truth_areas = pd.DataFrame({"latent_demand": demand,
                                "expected_buyers": demand * areas["households"].to_numpy()},
                               index=areas.index)
    params = {"n_areas": n_areas, "base_demand": base, "affinity": aff, "next_shift": shift,
              "products": dict(_PRODUCTS)}
    return EstateWorld(areas=areas, buyers=buyers, baskets=baskets,
                       truth=EstateTruth(areas=truth_areas, buyers=truth_buyers, params=params))
