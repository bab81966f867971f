"""Rule-based attribution: first touch, last touch, last non-direct, linear, time decay,
position-based. Each splits every converting row's conversions and value over its touches
with per-touch weights that sum to one, so credits always add up to the totals.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt.attribution.paths import Paths
from omnimkt.attribution.result import AttributionResult
from omnimkt.errors import DataError, ModelError


def _check_paths(paths: Paths) -> None:
    if not isinstance(paths, Paths):
        raise DataError(
            f"attribution: expected omnimkt.attribution.Paths (from build_paths or read_paths), "
            f"got {type(paths).__name__}. Build paths first."
        )


def _from_touch_weights(paths: Paths, weights: np.ndarray, model: str,
                        params: dict) -> AttributionResult:
    """Credit per channel from per-touch weights (each row's weights sum to one)."""
    k = len(paths.channels)
    rows = paths.row_of_touch
    conv = np.bincount(paths.codes, weights=weights * paths.conversions[rows], minlength=k)
    val = np.bincount(paths.codes, weights=weights * paths.value[rows], minlength=k)
    return _result(paths, conv, val, model, params)


def _result(paths: Paths, conv: np.ndarray, val: np.ndarray, model: str, params: dict,
            details: dict | None = None) -> AttributionResult:
    idx = pd.Index(paths.channels, name="channel")
    notes = []
    if paths.total_conversions == 0:
        notes.append("No conversions in the paths: every channel gets zero credit.")
    if len(paths.channels) == 1:
        notes.append(f"Single channel {paths.channels[0]!r}: it receives all the credit.")
    if paths.unattributed_conversions:
        notes.append(f"{paths.unattributed_conversions:,.0f} conversions had no touch in the "
                     "window (window_days) and are not attributed.")
    return AttributionResult(
        model=model, conversions=pd.Series(conv, index=idx, name="conversions"),
        value=pd.Series(val, index=idx, name="value"),
        total_conversions=paths.total_conversions, total_value=paths.total_value,
        params=params, details=details or {}, notes=notes,
    )


def _position_in_row(paths: Paths) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = paths.row_of_touch
    pos = np.arange(len(paths.codes), dtype=np.int64) - paths.offsets[rows]
    n = paths.lengths[rows]
    return rows, pos, n


def first_touch(paths: Paths) -> AttributionResult:
    """All credit to the first touch of each journey.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b"], "total_conversions": [1]}))
    >>> first_touch(p).conversions.to_dict()
    {'a': 1.0, 'b': 0.0}
    """
    _check_paths(paths)
    _, pos, _ = _position_in_row(paths)
    return _from_touch_weights(paths, (pos == 0).astype(float), "first_touch", {})


def last_touch(paths: Paths) -> AttributionResult:
    """All credit to the last touch before the conversion.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b"], "total_conversions": [1]}))
    >>> last_touch(p).conversions.to_dict()
    {'a': 0.0, 'b': 1.0}
    """
    _check_paths(paths)
    _, pos, n = _position_in_row(paths)
    return _from_touch_weights(paths, (pos == n - 1).astype(float), "last_touch", {})


def last_non_direct(paths: Paths, direct: Iterable[str] = ("direct",)) -> AttributionResult:
    """All credit to the last touch that is not a direct visit (last touch if all are direct).

    Parameters
    ----------
    direct : str or iterable of str
        Channel name(s) that count as direct (typed URL, store walk-in ...); one text is
        one name, not a list of letters.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > direct"], "total_conversions": [1]}))
    >>> last_non_direct(p).conversions.to_dict()
    {'a': 1.0, 'direct': 0.0}
    """
    _check_paths(paths)
    direct = _channel_names(direct, "direct")
    rows, pos, n = _position_in_row(paths)
    is_direct = np.isin(np.asarray(paths.channels, dtype=object)[paths.codes], direct)
    idx = np.arange(len(paths.codes), dtype=np.int64)
    # Last non-direct index per row (-1 when none), by a max over each row's segment.
    cand = np.where(is_direct, -1, idx)
    w = np.zeros(len(paths.codes))
    if len(paths.codes):
        best = np.maximum.reduceat(cand, paths.offsets[:-1]) if len(paths) else cand[:0]
        fallback = paths.offsets[1:] - 1
        chosen = np.where(best >= 0, best, fallback)
        w[chosen] = 1.0
    return _from_touch_weights(paths, w, "last_non_direct", {"direct": direct})


def _channel_names(names: Iterable[str] | str, name: str) -> list[str]:
    if isinstance(names, str):
        return [names]
    try:
        out = list(names)
    except TypeError:
        out = [None]
    bad = [v for v in out if not isinstance(v, str)]
    if bad:
        raise ModelError(f"{name}: expected channel names (text), got {bad[0]!r}.")
    return out


def linear(paths: Paths) -> AttributionResult:
    """Equal credit to every touch of a journey (repeated touches count again).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b > a"], "total_conversions": [3]}))
    >>> linear(p).conversions.to_dict()
    {'a': 2.0, 'b': 1.0}
    """
    _check_paths(paths)
    _, _, n = _position_in_row(paths)
    return _from_touch_weights(paths, 1.0 / n, "linear", {})


def time_decay(paths: Paths, half_life_days: float = 7.0) -> AttributionResult:
    """Credit halving with every ``half_life_days`` between a touch and the conversion.

    A touch ``d`` days before the conversion weighs ``2 ** (-d / half_life_days)``;
    weights are normalised within each journey. Needs touch times, i.e. paths from
    :func:`build_paths` (a path table read with :func:`read_paths` has none).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import build_paths
    >>> tp = pd.DataFrame({"customer_id": [1, 1], "channel": ["tv", "search"],
    ...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-08"])})
    >>> tx = pd.DataFrame({"customer_id": [1], "amount": [3.0],
    ...                    "timestamp": pd.to_datetime(["2025-01-08"])})
    >>> time_decay(build_paths(tp, tx)).conversions.round(3).to_dict()
    {'search': 0.667, 'tv': 0.333}
    """
    _check_paths(paths)
    half_life_days = check_number(half_life_days, "half_life_days", low=0, low_open=True)
    if paths.days_before is None:
        raise DataError(
            "time_decay: these paths carry no touch timestamps (a path table read with "
            "read_paths). Build them from touchpoints with build_paths, or use another model."
        )
    raw = np.exp2(-np.maximum(paths.days_before, 0.0) / half_life_days)
    tot = np.add.reduceat(raw, paths.offsets[:-1]) if len(paths) else raw[:0]
    w = raw / tot[paths.row_of_touch]
    return _from_touch_weights(paths, w, "time_decay", {"half_life_days": half_life_days})


def position_based(paths: Paths, first: float = 0.4, last: float = 0.4) -> AttributionResult:
    """U-shaped credit: ``first`` to the first touch, ``last`` to the last, the rest shared
    equally by the middle touches.

    A one-touch journey gives that touch everything; a two-touch journey splits the
    middle share between its two touches in proportion to ``first`` and ``last``
    (50/50 with the default 40/40).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b > c > d"], "total_conversions": [10]}))
    >>> position_based(p).conversions.round(6).to_dict()
    {'a': 4.0, 'b': 1.0, 'c': 1.0, 'd': 4.0}
    """
    _check_paths(paths)
    first = check_number(first, "first", low=0, high=1)
    last = check_number(last, "last", low=0, high=1)
    if first + last > 1:
        raise ModelError(f"first, last: the first and last shares add up to {first + last:g}; "
                         "they must add up to at most 1.")
    _, pos, n = _position_in_row(paths)
    middle = 1.0 - first - last
    two_first = first / (first + last) if first + last > 0 else 0.5
    w = np.where(n == 1, 1.0,
                 np.where(n == 2, np.where(pos == 0, two_first, 1.0 - two_first),
                          np.where(pos == 0, first, np.where(pos == n - 1, last,
                                                               middle / np.maximum(n - 2, 1)))))
    return _from_touch_weights(paths, w, "position_based", {"first": first, "last": last})
