"""Validation of the ``sessions`` table (one row per website visit, shared case F).

Same contract as the other ``validate_*`` functions: the user's columns are
mapped through :class:`~omnimkt.Columns`, every problem is one
:class:`~omnimkt.DataError` naming the table, the column, the number of bad rows,
examples and the fix, and a new canonical DataFrame is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns
from omnimkt.data._checks import Ctx, clean_ids, parse_times, resolve_now, to_numeric
from omnimkt.data.schema import SESSIONS, Columns
from omnimkt.data.validate import Duplicates, IdType, _canonical_frame, _finish

__all__ = ["OUTCOME_FLAGS", "validate_sessions"]

#: The 0/1 outcome events of a visit (the case's metric list, in funnel order).
OUTCOME_FLAGS = ("registered", "downloaded", "inquiry_online", "inquiry_phone",
                 "inquiry_email", "ordered")
_RETURNING = {"new": False, "returning": True, "true": True, "false": False, "1": True,
              "0": False, "新访客": False, "回访": True, "回头客": True}


def _flag(raw: pd.Series, ctx: Ctx, canon: str, words: Mapping[str, bool]) -> pd.Series:
    """A 0/1, True/False (or named) column as booleans; anything else is an error."""
    text = raw.astype("str").str.strip().str.lower().str.removesuffix(".0")
    out = text.map(words)
    bad = (out.isna() | raw.isna()).to_numpy()
    if bad.any():
        allowed = ", ".join(repr(k) for k in words)
        raise ctx.error(canon, bad, "are not a yes/no value", raw,
                        f"Use 0/1 or True/False (allowed: {allowed}).")
    return out.astype(bool)


def _nonnegative(raw: pd.DataFrame, ctx: Ctx, canon: str, *, whole: bool) -> pd.Series:
    num = to_numeric(raw[canon], ctx, canon, required=False)
    bad = (num < 0).to_numpy()
    if bad.any():
        raise ctx.error(canon, bad, "are negative", raw[canon],
                        "A visit cannot last or view less than zero; correct or drop them.")
    if whole:
        frac = (num.notna() & (num != np.floor(num))).to_numpy()
        if frac.any():
            raise ctx.error(canon, frac, "are not whole numbers", raw[canon],
                            "Pages viewed is a count; round or correct them.")
    return num


def validate_sessions(
    df: pd.DataFrame,
    columns: Columns | Mapping[str, str] | None = None,
    *,
    now: Any = None,
    duplicates: Duplicates = "warn",
    id_type: IdType = "auto",
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Check a sessions table (one row per visit) and return it canonical.

    ``customer_id`` is the visitor (a member number or a cookie id), ``source``
    where the visit came from (direct, search, referral, a campaign ...) and
    must be present on every row. Optional: ``dwell_seconds`` and ``pages``
    (numbers >= 0, pages whole), ``returning`` (0/1, True/False or
    "new"/"returning"), the outcome flags :data:`OUTCOME_FLAGS` (0/1 or
    True/False) and ``order_value`` (>= 0). A visit with an order must have
    viewed at least one page, and an order value needs an order. Options as
    in :func:`omnimkt.data.validate_transactions`.

    Examples
    --------
    >>> import pandas as pd
    >>> s = validate_sessions(pd.DataFrame({"visitor": ["b", "a"],
    ...     "timestamp": ["2025-01-02", "2025-01-01"], "source": ["search", "direct"],
    ...     "pages": [3, 1], "ordered": [1, 0]}), {"customer_id": "visitor"})
    >>> s["source"].tolist(), s["ordered"].tolist()
    (['direct', 'search'], [False, True])
    """
    cols = as_columns(columns)
    raw = _canonical_frame(df, SESSIONS, cols)
    ctx = Ctx("sessions", cols, raw.index)
    new: dict[str, pd.Series] = {
        "customer_id": clean_ids(raw["customer_id"], ctx, "customer_id", id_type),
        "timestamp": parse_times(raw["timestamp"], ctx, "timestamp", required=True,
                                 now=resolve_now(now), dayfirst=dayfirst),
    }
    ctx.require_values(raw, "source")
    new["source"] = raw["source"].astype("str").str.strip()
    for c in ("dwell_seconds", "pages"):
        if c in raw:
            new[c] = _nonnegative(raw, ctx, c, whole=c == "pages")
    if "returning" in raw:
        new["returning"] = _flag(raw["returning"], ctx, "returning", _RETURNING)
    yes_no = {"1": True, "0": False, "true": True, "false": False}
    for c in OUTCOME_FLAGS:
        if c in raw:
            new[c] = _flag(raw[c], ctx, c, yes_no)
    if "order_value" in raw:
        new["order_value"] = _nonnegative(raw, ctx, "order_value", whole=False)
    _check_orders(raw, ctx, new)
    return _finish(raw.assign(**new), ctx, ["customer_id", "timestamp"], duplicates)


def _check_orders(raw: pd.DataFrame, ctx: Ctx, new: Mapping[str, pd.Series]) -> None:
    """Orders need a page view; order values need an order."""
    if "ordered" not in new:
        return
    ordered = new["ordered"].to_numpy()
    if "pages" in new:
        bad = ordered & (new["pages"] == 0).to_numpy()
        if bad.any():
            raise ctx.error("pages", bad, "are 0 on a visit with an order", raw["pages"],
                            "An order needs at least one page view; check the page counter "
                            "or the order flag of these visits.")
    if "order_value" in new:
        bad = ~ordered & (new["order_value"].fillna(0) > 0).to_numpy()
        if bad.any():
            raise ctx.error("order_value", bad, "have a value but no order (ordered = 0)",
                            raw["order_value"], "Set ordered = 1 or the value to 0.")
