"""Product involvement profiles and the price / content / channel guidance of case L.

:func:`involvement_profile` scores a CIP questionnaire per product (mean of each
facet over respondents), checks each facet's reliability (Cronbach's alpha) and
calls a product high or low involvement. :func:`involvement_guidance` turns the
profile into the article's advice (003, 涉入理论), one row per rule that applies.
Each row says whether the article gives the advice itself ("article's advice")
or only describes the buyer behaviour the advice is read from ("article's
observation"), and quotes where.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from omnimkt._gate import check_frame, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, ModelError, examples
from omnimkt.involvement.scoring import (
    FACETS,
    _scale,
    check_answers,
    check_items,
    cronbach_alpha,
    score_facets,
)

__all__ = ["GUIDANCE_RULES", "InvolvementGuidance", "InvolvementProfile",
           "involvement_guidance", "involvement_profile"]


class InvolvementProfile(Result):
    """Mean facet scores per product, their reliability and each product's level.

    Attributes
    ----------
    summary : DataFrame indexed by product
        One column per facet (mean answer on the scale), involvement (mean of the
        facets), level ("high" / "low" against ``threshold``) and sheets (answer
        sheets behind the row).
    reliability : DataFrame indexed by facet
        items, alpha (pooled over every answer sheet) and the lowest alpha within
        one product (alpha_min_product).
    threshold : float
        The scale's midpoint unless given: above it a facet or the overall
        involvement counts as high.
    """

    title = "Involvement profile (CIP)"

    def __init__(self, summary: pd.DataFrame, reliability: pd.DataFrame, threshold: float,
                 scale: tuple[int, int]) -> None:
        self.summary = summary
        self.reliability = reliability
        self.threshold = threshold
        self.scale = scale
        weak = reliability.index[reliability["alpha"] < 0.7].tolist()
        self.notes = [f"Facet = mean of its items on the {scale[0]}-{scale[1]} scale; "
                      f"'high' = involvement above {threshold:g}.",
                      "Cronbach's alpha of every facet is at least 0.7." if not weak else
                      f"Cronbach's alpha below 0.7 (weak scale) for: {', '.join(weak)}."]

    def _settings(self) -> str:
        return f"threshold={self.threshold:g}"

    @property
    def facets(self) -> list[str]:
        """The facets scored."""
        return [f for f in FACETS if f in self.summary.columns]


def involvement_profile(responses: pd.DataFrame, items: Mapping[str, str], *,
                        scale: tuple[int, int] = (1, 5), reverse: Iterable[str] = (),
                        product: str = "product", threshold: float | None = None
                        ) -> InvolvementProfile:
    """Score a CIP survey per product: facet means, Cronbach's alpha, high / low level.

    Parameters
    ----------
    responses : DataFrame
        One row per answer sheet (a respondent rating a product): a ``product``
        column and one column per item.
    items : dict
        Item column -> facet (``importance``, ``risk_importance``,
        ``risk_probability``, ``sign``, ``pleasure``).
    scale : (int, int)
        Lowest and highest answer.
    reverse : list of str
        Reverse-coded items.
    product : str
        The column naming the product rated.
    threshold : float, optional
        Above it a product is high involvement; default the scale's midpoint.

    Returns
    -------
    InvolvementProfile

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"product": ["tv", "tv", "tissue", "tissue"],
    ...                   "s1": [5, 4, 1, 2], "s2": [4, 4, 2, 1]})
    >>> p = involvement_profile(r, {"s1": "sign", "s2": "sign"})
    >>> p.summary["level"].to_dict()
    {'tv': 'high', 'tissue': 'low'}
    """
    df = check_frame(responses, "responses")
    if df.empty:
        raise DataError("responses: the table is empty.")
    if product not in df.columns:
        raise DataError(f"responses: no {product!r} column naming the product rated "
                        f"(columns: {list(df.columns)[:8]}).")
    if df[product].isna().any():
        raise DataError(f"responses.{product}: {int(df[product].isna().sum())} rows have no "
                        "product; drop or fill them.")
    low, high = _scale(scale)
    mid = (low + high) / 2
    thr = mid if threshold is None else check_number(threshold, "threshold", low=low, high=high)
    scores = score_facets(df, items, scale=(low, high), reverse=reverse)
    groups = check_items(df, items)
    summary = scores.groupby(df[product].to_numpy(), sort=False).mean()
    summary["involvement"] = summary.mean(axis=1)
    summary["level"] = ["high" if v > thr else "low" for v in summary["involvement"]]
    summary["sheets"] = df.groupby(product, sort=False).size().reindex(summary.index)
    summary.index.name = product
    summary = summary.sort_values("involvement", ascending=False, kind="stable")
    answers = check_answers(df, list(items), (low, high))
    rev = list(reverse)
    answers[rev] = low + high - answers[rev]
    rows = []
    for facet, cols in groups.items():
        pooled = cronbach_alpha(answers[cols]) if len(cols) > 1 else float("nan")
        per = [cronbach_alpha(answers.loc[g.index, cols]) for _, g in df.groupby(product)
               if len(cols) > 1 and len(g) > 1]
        rows.append({"facet": facet, "items": len(cols), "alpha": pooled,
                     "alpha_min_product": min(per) if per else float("nan")})
    reliability = pd.DataFrame(rows).set_index("facet")
    return InvolvementProfile(summary, reliability, thr, (low, high))


#: The rules of :func:`involvement_guidance`: (id, area, facet or level, condition,
#: what the article says, what follows, kind, where in article 003).
GUIDANCE_RULES = (
    ("price_not_too_low", "price", "sign",
     "visible / symbolic product (sign facet high) or a high-price product",
     "For visible or high-price products do not set too low a price: buyers weigh quality, "
     "and a very low price reads as low quality and no guarantee.",
     "Hold the price; compete with lower delivery cost or more after-sales service instead.",
     "article's advice", "003, 四、总结"),
    ("reassure_on_consequences", "content", "risk_importance",
     "a bad choice would be costly (risk-importance facet high)",
     "Buyers spend more effort when the product affects health or quality of life, or is "
     "bought for someone else.",
     "Give safety, quality and guarantee information up front.",
     "article's observation", "003, 二、高度涉入购买情形"),
    ("explain_and_compare", "content", "risk_probability",
     "a bad choice is likely (risk-probability facet high)",
     "With technical or unfamiliar products, or large differences between brands, buyers "
     "gather more information and compare.",
     "Publish specifications, comparisons and buying guides.",
     "article's observation", "003, 二、高度涉入购买情形"),
    ("visibility_and_alliances", "channel", "low",
     "low-involvement product (overall involvement low)",
     "For low-involvement buyers, especially loyal or impulse buyers, the site's renown and "
     "easy-to-find product information matter; promote the site and publicise campaigns; "
     "form online promotion alliances with non-competing firms, linking online databases.",
     "Invest in reach and availability (search, listings, partner promotions), not in "
     "long persuasion.",
     "article's advice", "003, 四、总结"),
)


class InvolvementGuidance(Result):
    """The article's price / content / channel guidance that applies to each product.

    Attributes
    ----------
    summary : DataFrame
        product, area (price / content / channel), rule, why (the product's
        score that triggered it), article_says, so (what follows), kind
        ("article's advice" or "article's observation") and source.
    """

    title = "Involvement guidance (case L)"

    def __init__(self, summary: pd.DataFrame, threshold: float) -> None:
        self.summary = summary
        self.threshold = threshold
        self.notes = ["Only the article's rules are applied; the importance and pleasure "
                      "facets carry no rule of their own in the article."]

    def _settings(self) -> str:
        return f"threshold={self.threshold:g}"


def involvement_guidance(profile: InvolvementProfile, *,
                         high_price: Iterable[Any] = ()) -> InvolvementGuidance:
    """The rules of :data:`GUIDANCE_RULES` that apply to each product of ``profile``.

    Parameters
    ----------
    profile : InvolvementProfile
    high_price : list of products
        Products the firm sells at a high price (the price rule applies to them
        whatever their sign facet).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"product": ["tv", "tv", "tissue", "tissue"],
    ...                   "s1": [5, 4, 1, 2], "s2": [4, 4, 2, 1]})
    >>> g = involvement_guidance(involvement_profile(r, {"s1": "sign", "s2": "sign"}))
    >>> g.summary[["product", "rule"]].values.tolist()
    [['tv', 'price_not_too_low'], ['tissue', 'visibility_and_alliances']]
    """
    if not isinstance(profile, InvolvementProfile):
        raise ModelError("profile: expected the result of involvement_profile(...).")
    pricey = list(high_price)
    s = profile.summary
    stray = [p for p in pricey if p not in s.index]
    if stray:
        raise DataError(f"high_price: {len(stray)} product(s) not in the profile "
                        f"(e.g. {examples(stray)}).")
    thr = profile.threshold
    rows = []
    for prod, row in s.iterrows():
        for rid, area, key, cond, says, so, kind, source in GUIDANCE_RULES:
            if key == "low":
                hit, why = row["level"] == "low", f"involvement {row['involvement']:.2f}"
            elif key in s.columns:
                hit, why = row[key] > thr, f"{key} {row[key]:.2f}"
                if rid == "price_not_too_low" and prod in pricey:
                    hit, why = True, why + "; high price"
            else:
                continue
            if hit:
                rows.append({"product": prod, "area": area, "rule": rid, "why": why,
                             "condition": cond, "article_says": says, "so": so,
                             "kind": kind, "source": source})
    cols = ["product", "area", "rule", "why", "condition", "article_says", "so", "kind",
            "source"]
    return InvolvementGuidance(pd.DataFrame(rows, columns=cols), thr)
