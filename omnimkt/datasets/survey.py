"""A synthetic consumer-involvement survey (case L) with each product's true facet scores.

Laurent & Kapferer's consumer involvement profile (CIP) measures involvement
(涉入度) with a product through five facets (the antecedents named in case L):
perceived importance, risk importance (how bad a poor choice would be), risk
probability (how likely a poor choice is), sign (symbolic value) and pleasure
(hedonic value). :func:`involvement_survey` simulates respondents rating several
products on three 5-point Likert items per facet.

The generative story:

* **Products** have observable traits between 0 and 1: price level, health
  (a bad choice harms health or someone else: formula for a baby), technical
  (hard to judge), spread (big differences between brands), visible (others see
  it) and hedonic (fun to buy and use).
* **True facet levels** (on a z-like scale, 0 = neutral) follow from the traits:
  importance = 1.2·price + 0.8·health + 0.4·hedonic − 0.9;
  risk_importance = 1.5·health + 0.8·price − 0.8;
  risk_probability = 1.0·technical + 1.0·spread − 0.8;
  sign = 1.8·visible − 0.7; pleasure = 1.8·hedonic − 0.7.
* **Answers.** A respondent's level on a facet for a product is the product's
  true level plus a personal deviation (sd ``person_sd``); each item adds its own
  noise (sd ``item_sd``) and is rounded onto the 1-5 scale (3 = neutral, one
  unit per answer step). One item of the risk-probability facet is
  worded the other way round (reverse-coded), as in the published scale.

``truth`` holds each product's true facet levels and its true involvement
(the mean of the five), so a scored profile can be graded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_number

__all__ = ["FACET_FORMULAS", "ITEMS", "PRODUCT_TRAITS", "SurveyWorld", "involvement_survey"]

#: Product -> (price, health, technical, spread, visible, hedonic), each 0-1.
PRODUCT_TRAITS = pd.DataFrame.from_dict({
    "infant_formula": (0.5, 1.0, 0.4, 0.6, 0.2, 0.2),
    "smart_tv": (0.9, 0.0, 0.9, 0.8, 0.6, 0.7),
    "gas_stove": (0.5, 0.7, 0.4, 0.4, 0.2, 0.1),
    "mobile_phone": (0.8, 0.1, 0.8, 0.8, 1.0, 0.8),
    "lipstick": (0.3, 0.2, 0.1, 0.5, 0.9, 0.9),
    "bottled_water": (0.05, 0.2, 0.0, 0.1, 0.1, 0.1),
    "paper_tissues": (0.05, 0.1, 0.0, 0.1, 0.0, 0.0),
    "instant_noodles": (0.05, 0.2, 0.0, 0.1, 0.1, 0.4),
}, orient="index", columns=["price", "health", "technical", "spread", "visible", "hedonic"])

#: Facet -> (intercept, {trait: weight}) of the true facet level.
FACET_FORMULAS = {
    "importance": (-0.9, {"price": 1.2, "health": 0.8, "hedonic": 0.4}),
    "risk_importance": (-0.8, {"health": 1.5, "price": 0.8}),
    "risk_probability": (-0.8, {"technical": 1.0, "spread": 1.0}),
    "sign": (-0.7, {"visible": 1.8}),
    "pleasure": (-0.7, {"hedonic": 1.8}),
}

#: The questionnaire: item -> (facet, English wording, Chinese wording, reverse-coded).
ITEMS = pd.DataFrame.from_dict({
    "imp1": ("importance", "{p} is very important to me", "{p}对我很重要", False),
    "imp2": ("importance", "I attach great importance to {p}", "我很看重{p}", False),
    "imp3": ("importance", "{p} matters a lot to me", "{p}对我意义很大", False),
    "rimp1": ("risk_importance", "Choosing the wrong {p} would be a real nuisance",
              "选错{p}会很麻烦", False),
    "rimp2": ("risk_importance", "A poor choice of {p} would upset me",
              "买了不好的{p}我会很懊恼", False),
    "rimp3": ("risk_importance", "A bad {p} could cost me (or my family) a lot",
              "不好的{p}会让我或家人付出很大代价", False),
    "rprob1": ("risk_probability", "When I buy {p} I am never quite sure of my choice",
               "买{p}时我总拿不准", False),
    "rprob2": ("risk_probability", "Choosing {p} is complicated", "挑选{p}很复杂", False),
    "rprob3": ("risk_probability", "I know which {p} to buy without hesitating",
               "买哪种{p}我毫不犹豫", True),
    "sign1": ("sign", "The {p} I buy says something about me", "我买的{p}能体现我是谁", False),
    "sign2": ("sign", "You can tell a person by the {p} they choose",
              "从一个人选的{p}可以看出他是什么样的人", False),
    "sign3": ("sign", "The {p} I buy shows others my taste", "我买的{p}向别人展示我的品味",
              False),
    "pleas1": ("pleasure", "I enjoy buying {p}", "我喜欢买{p}", False),
    "pleas2": ("pleasure", "Buying {p} feels like a treat", "买{p}像是犒劳自己", False),
    "pleas3": ("pleasure", "I find {p} a pleasure", "{p}给我带来乐趣", False),
}, orient="index", columns=["facet", "text_en", "text_zh", "reverse"])
ITEMS.index.name = "item"


@dataclass
class SurveyWorld:
    """A simulated CIP survey.

    Attributes
    ----------
    responses : DataFrame
        respondent_id, product and one 1-5 column per item of :data:`ITEMS`
        (reverse-coded items as answered, not yet flipped).
    items : dict
        item -> facet, the mapping a scorer needs.
    reverse : list of str
        The reverse-coded items.
    truth : DataFrame indexed by product
        The true level of each facet and ``involvement`` (their mean), on the
        latent scale (0 = neutral, one unit = one answer step).
    params : dict
    """

    responses: pd.DataFrame
    items: dict
    reverse: list
    truth: pd.DataFrame
    params: dict


def _true_levels(traits: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=traits.index)
    for facet, (intercept, weights) in FACET_FORMULAS.items():
        out[facet] = intercept + sum(w * traits[t] for t, w in weights.items())
    out["involvement"] = out[list(FACET_FORMULAS)].mean(axis=1)
    out.index.name = "product"
    return out


def involvement_survey(n_respondents: int = 300, *, person_sd: float = 0.6,
                       item_sd: float = 0.6, seed: int | np.random.Generator = 0
                       ) -> SurveyWorld:
    """Respondents rating every product of :data:`PRODUCT_TRAITS` on the CIP items.

    Parameters
    ----------
    n_respondents : int >= 2
    person_sd : float >= 0
        Spread of respondents around a product's true facet level.
    item_sd : float >= 0
        Noise of one answer around the respondent's level (more noise, lower
        Cronbach's alpha).
    seed : int >= 0 or numpy Generator

    Returns
    -------
    SurveyWorld

    Examples
    --------
    >>> s = involvement_survey(20, seed=1)
    >>> len(s.responses), int(s.responses["imp1"].between(1, 5).all())
    (160, 1)
    """
    n = check_number(n_respondents, "n_respondents", low=2, integer=True)
    person_sd = check_number(person_sd, "person_sd", low=0)
    item_sd = check_number(item_sd, "item_sd", low=0)
    rng = as_rng(seed)
    truth = _true_levels(PRODUCT_TRAITS)
    products = truth.index.to_numpy()
    resp = np.repeat(np.arange(1, n + 1), len(products))
    prod = np.tile(products, n)
    table = pd.DataFrame({"respondent_id": resp, "product": prod})
    for facet in FACET_FORMULAS:
        level = truth[facet].reindex(prod).to_numpy() + rng.normal(0, person_sd, len(prod))
        for item in ITEMS.index[ITEMS["facet"] == facet]:
            x = level + rng.normal(0, item_sd, len(prod))
            if ITEMS.at[item, "reverse"]:
                x = -x
            table[item] = np.clip(np.rint(3 + x), 1, 5).astype(np.int64)
    params = {"n_respondents": n, "person_sd": person_sd, "item_sd": item_sd}
    return SurveyWorld(responses=table, items=ITEMS["facet"].to_dict(),
                       reverse=list(ITEMS.index[ITEMS["reverse"]]), truth=truth, params=params)
