"""Scoring a consumer involvement profile (CIP) questionnaire and its reliability.

Laurent & Kapferer (1985) measure involvement (涉入度) with a product through
five facets, each asked with several Likert items:

* ``importance`` — perceived importance of the product (感知重要性);
* ``risk_importance`` — how bad the consequences of a poor choice are (感知风险);
* ``risk_probability`` — how likely a poor choice is (不良选择的可能性);
* ``sign`` — symbolic value, what the product says about its buyer (象征意义);
* ``pleasure`` — hedonic value (享受价值).

A facet score is the mean of its items (reverse-coded items flipped first:
``low + high - answer``). Cronbach's alpha measures how consistently a facet's
items move together:
``alpha = k / (k - 1) * (1 - sum of item variances / variance of the item sum)``
(sample variances, ``ddof=1``; complete answers only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from omnimkt._gate import check_frame, check_number
from omnimkt.errors import DataError, ModelError, examples

__all__ = ["FACETS", "cronbach_alpha", "score_facets"]

#: The five CIP facets, in the order of the article.
FACETS = ("importance", "risk_importance", "risk_probability", "sign", "pleasure")


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns of ``items`` (one row per answer sheet).

    Rows with a missing answer are left out (listwise). Needs at least two items
    and two complete rows; a scale without variance has no alpha (NaN).

    Examples
    --------
    >>> import pandas as pd
    >>> cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 4]}))
    0.9411764705882353
    """
    df = check_frame(items, "items")
    if df.shape[1] < 2:
        raise DataError(f"items: Cronbach's alpha needs at least 2 item columns, got "
                        f"{df.shape[1]} ({list(df.columns)}).")
    x = df.dropna().to_numpy(dtype=float)
    if x.shape[0] < 2:
        raise DataError("items: Cronbach's alpha needs at least 2 complete answer rows.")
    k = x.shape[1]
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def check_items(responses: pd.DataFrame, items: Mapping[str, str],
                facets: Sequence[str] = FACETS) -> dict[str, list[str]]:
    """Facet -> its item columns, after checking the mapping against the table and facets."""
    if not isinstance(items, Mapping) or not items:
        raise ModelError("items: expected a dict item column -> facet, e.g. "
                         "{'imp1': 'importance', ...}.")
    unknown = {i: f for i, f in items.items() if f not in facets}
    if unknown:
        first = next(iter(unknown.items()))
        raise ModelError(f"items: {len(unknown)} item(s) mapped to an unknown facet (e.g. "
                         f"{first[0]!r} -> {first[1]!r}); facets are {list(facets)}.")
    absent = [i for i in items if i not in responses.columns]
    if absent:
        raise DataError(f"responses: {len(absent)} item column(s) of the mapping are missing "
                        f"(e.g. {examples(absent)}).")
    out = {f: [i for i, g in items.items() if g == f] for f in facets}
    return {f: cols for f, cols in out.items() if cols}


def check_answers(responses: pd.DataFrame, cols: Iterable[str],
                  scale: tuple[int, int]) -> pd.DataFrame:
    """The item columns as floats, or a DataError for text or answers off the scale."""
    low, high = scale
    out = {}
    for c in cols:
        v = pd.to_numeric(responses[c], errors="coerce")
        text = v.isna() & responses[c].notna()
        if text.any():
            raise DataError(f"responses.{c}: {int(text.sum())} answers are not numbers "
                            f"(e.g. {examples(responses.loc[text, c])}).")
        off = v.notna() & ~v.between(low, high)
        if off.any():
            raise DataError(f"responses.{c}: {int(off.sum())} answers outside the "
                            f"{low}-{high} scale (e.g. {examples(v[off])}). Recode them or "
                            "pass the right scale=.")
        out[c] = v.astype(float)
    return pd.DataFrame(out, index=responses.index)


def _scale(scale: Any) -> tuple[int, int]:
    if not isinstance(scale, tuple | list) or len(scale) != 2:
        raise ModelError(f"scale: expected (lowest, highest) answer, e.g. (1, 5), got {scale!r}.")
    low = check_number(scale[0], "scale[0]", integer=True)
    high = check_number(scale[1], "scale[1]", low=low + 1, integer=True)
    return low, high


def score_facets(responses: pd.DataFrame, items: Mapping[str, str], *,
                 scale: tuple[int, int] = (1, 5), reverse: Iterable[str] = ()
                 ) -> pd.DataFrame:
    """Facet scores (mean of the facet's items) for every row of ``responses``.

    Parameters
    ----------
    responses : DataFrame
        One row per answer sheet (respondent x product); one column per item.
    items : dict
        Item column -> facet (one of :data:`FACETS`).
    scale : (int, int)
        Lowest and highest answer, e.g. (1, 5) for a 5-point Likert scale.
    reverse : list of str
        Reverse-coded items, flipped as ``low + high - answer``.

    Returns
    -------
    DataFrame indexed like ``responses`` with one column per facet present
    (the mean of the answered items; NaN when none is answered).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"i1": [5, 1], "i2": [4, 2], "i3": [1, 5]})
    >>> score_facets(r, {"i1": "sign", "i2": "sign", "i3": "sign"}, reverse=["i3"])["sign"].tolist()
    [4.666666666666667, 1.3333333333333333]
    """
    df = check_frame(responses, "responses")
    if df.empty:
        raise DataError("responses: the table is empty.")
    low, high = _scale(scale)
    groups = check_items(df, items)
    rev = list(reverse)
    stray = [i for i in rev if i not in items]
    if stray:
        raise ModelError(f"reverse: {len(stray)} item(s) not in items (e.g. {examples(stray)}).")
    answers = check_answers(df, list(items), (low, high))
    answers[rev] = low + high - answers[rev]
    return pd.DataFrame({f: answers[cols].mean(axis=1) for f, cols in groups.items()})
