"""User paths (用户路径分析): the most frequent sequences of steps after or before an event.

For each user, the anchor is the first occurrence of ``anchor_event`` (any of
several names). ``direction="after"`` takes the next ``steps`` events after it,
``"before"`` the ``steps`` events before it (shown in time order, ending at the
anchor). Consecutive repeats of one event are merged first (click, click, visit
-> click, visit) when ``collapse_repeats`` is set; events beyond the
``top_steps`` most frequent path steps are folded into "other". Users with fewer
events show "(end)" (after) or "(start)" (before) in the missing steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group
from omnimkt._gate import as_columns, check_bool, check_choice, check_number
from omnimkt._result import Result
from omnimkt.behaviour._common import event_names, event_table, match_events
from omnimkt.data.schema import Columns

__all__ = ["UserPaths", "user_paths"]

ARROW = " → "


class UserPaths(Result):
    """Frequent paths from :func:`user_paths`.

    Attributes
    ----------
    paths : DataFrame
        Every distinct path: one column per step (``step_1`` ... in time order),
        ``path`` (the steps joined by arrows), ``users`` and ``share`` of users.
    flows : DataFrame
        Users moving from one step column to the next (``from_step``,
        ``source``, ``target``, ``users``); column 0 is the anchor for
        "after", the last column for "before".
    lengths : DataFrame
        Users by the number of events after (before) the anchor, uncapped.
    users : int
        Users whose events contain the anchor.
    summary : DataFrame
        The ``top_paths`` most frequent paths.
    """

    title = "User paths"

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)
        self.summary = self.paths.head(self.top_paths)[["path", "users", "share"]]
        top = self.paths["share"].iloc[0] if len(self.paths) else float("nan")
        self.notes = [f"{self.users:,} users; the most frequent path is taken by "
                      f"{top:.1%} of them."]
        if self.without_anchor:
            self.notes.append(f"{self.without_anchor:,} users never did {self.anchor} and "
                              "are not counted.")

    def _settings(self) -> str:
        return f"{self.steps} steps {self.direction} {self.anchor}"


def user_paths(
    events: pd.DataFrame,
    *,
    anchor_event: str | list[str] | None = None,
    direction: str = "after",
    steps: int = 4,
    collapse_repeats: bool = True,
    top_steps: int | None = None,
    top_paths: int = 20,
    columns: Columns | Mapping[str, str] | None = None,
) -> UserPaths:
    """The most frequent paths of ``steps`` events after (or before) an anchor event.

    Parameters
    ----------
    events : DataFrame or Dataset
        Event log (customer_id, timestamp, event), e.g.
        :func:`omnimkt.funnel.event_log`; a Dataset is turned into one.
    anchor_event : str or list of str, optional
        The start event ("after") or end event ("before"); its first occurrence
        per user is the anchor. None: the user's first ("after") or last
        ("before") event bounds the path.
    direction : {"after", "before"}
    steps : int, default 4
        Events per path (>= 1).
    collapse_repeats : bool, default True
        Merge consecutive repeats of one event.
    top_steps : int, optional
        Keep the most frequent step events, fold the others into "other".
    top_paths : int, default 20
        Paths shown in ``summary``.
    columns : omnimkt.Columns or dict, optional
        Your column names.

    Examples
    --------
    >>> ev = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2], "event": ["ad", "visit", "buy",
    ...     "visit", "buy"], "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02",
    ...     "2025-01-03", "2025-01-01", "2025-01-02"])})
    >>> user_paths(ev, anchor_event="buy", direction="before", steps=2).paths["path"].tolist()
    ['ad → visit', '(start) → visit']
    """
    check_choice(direction, "direction", ("after", "before"))
    steps = check_number(steps, "steps", low=1, integer=True)
    collapse_repeats = check_bool(collapse_repeats, "collapse_repeats")
    top_steps = check_number(top_steps, "top_steps", low=1, integer=True, allow_none=True)
    top_paths = check_number(top_paths, "top_paths", low=1, integer=True)
    anchors = None if anchor_event is None else event_names(anchor_event, "anchor_event")
    ev = event_table(events, as_columns(columns))
    codes, uniq, cust = ev.codes, ev.cats, ev.cust
    if collapse_repeats:
        keep = _first_per_group(cust) | np.r_[True, codes[1:] != codes[:-1]]
        codes, cust = codes[keep], cust[keep]
    first = np.flatnonzero(_first_per_group(cust))
    last = np.r_[first[1:], len(cust)] - 1
    start_of = np.repeat(first, last - first + 1)
    if anchors is None:
        anchor_pos = first - 1 if direction == "after" else last + 1
        lo, hi = first, last
        label = "(first event)" if direction == "after" else "(last event)"
    else:
        match_events(ev, anchors, "anchor_event")
        rows = np.flatnonzero(np.isin(codes, np.flatnonzero(np.isin(uniq, anchors))))
        rows = rows[_first_per_group(cust[rows])]
        anchor_pos, lo = rows, start_of[rows]
        hi = last[np.searchsorted(first, lo)]
        label = " / ".join(anchors)
    matrix, length = _gather(codes, anchor_pos, lo, hi, steps, direction)
    labels, matrix = _fold(matrix, np.asarray(uniq, dtype=object), top_steps,
                           "(end)" if direction == "after" else "(start)")
    return UserPaths(paths=_count(matrix, labels, direction), flows=_flows(matrix, labels,
                     label, direction), lengths=_lengths(length), users=len(anchor_pos),
                     steps=steps, direction=direction, anchor=label, top_paths=top_paths,
                     without_anchor=len(first) - len(anchor_pos))


def _gather(codes: np.ndarray, pos: np.ndarray, lo: np.ndarray, hi: np.ndarray, steps: int,
            direction: str) -> tuple[np.ndarray, np.ndarray]:
    """Step codes per user (-1 = no event there) and the full number of events."""
    if direction == "after":
        at = pos[:, None] + np.arange(1, steps + 1)[None, :]
        valid = at <= hi[:, None]
        length = hi - pos
    else:
        at = pos[:, None] - np.arange(steps, 0, -1)[None, :]
        valid = at >= lo[:, None]
        length = pos - lo
    out = np.where(valid, codes[np.clip(at, 0, max(len(codes) - 1, 0))], -1)
    return out, length


def _fold(matrix: np.ndarray, names: np.ndarray, top_steps: int | None,
          missing: str) -> tuple[np.ndarray, np.ndarray]:
    """Labels and the matrix recoded to them; the last label is the missing step."""
    present = matrix[matrix >= 0]
    counts = np.bincount(present, minlength=len(names))
    used = np.flatnonzero(counts)
    order = used[np.lexsort((names[used].astype(str), -counts[used]))]
    kept = order if top_steps is None else order[:top_steps]
    labels = list(names[kept])
    remap = np.full(len(names) + 1, len(kept), dtype="int64")  # folded codes -> "other"
    remap[kept] = np.arange(len(kept))
    if len(order) > len(kept):
        labels.append("other")
    remap[-1] = len(labels)  # index -1 is the missing step
    labels.append(missing)
    return np.array(labels, dtype=object), remap[matrix]


def _count(matrix: np.ndarray, labels: np.ndarray, direction: str) -> pd.DataFrame:
    n, steps = matrix.shape
    if n == 0:
        return pd.DataFrame(columns=[*(f"step_{i + 1}" for i in range(steps)), "path",
                                     "users", "share"])
    base = len(labels)
    if base ** steps < 2**62:  # one integer per path: sorting ints beats np.unique(axis=0)
        key = np.zeros(n, dtype="int64")
        for i in range(steps):  # a handful of step columns, not users
            key = key * base + matrix[:, i]
        _, index, counts = np.unique(key, return_index=True, return_counts=True)
        uniq = matrix[index]
    else:
        uniq, counts = np.unique(matrix, axis=0, return_counts=True)
    table = pd.DataFrame({f"step_{i + 1}": labels[uniq[:, i]] for i in range(steps)})
    missing = len(labels) - 1
    table["path"] = [ARROW.join(labels[c] for c in row) for row in uniq]
    table["users"] = counts
    table["share"] = counts / n
    table["_missing"] = (uniq == missing).sum(1)
    table = table.sort_values(["users", "_missing", "path"], ascending=[False, True, True],
                              kind="stable").drop(columns="_missing")
    return table.reset_index(drop=True)


def _flows(matrix: np.ndarray, labels: np.ndarray, anchor: str, direction: str) -> pd.DataFrame:
    labels = np.append(labels, anchor)
    base = len(labels)
    anchor_col = np.full((len(matrix), 1), base - 1, dtype="int64")
    full = np.hstack([anchor_col, matrix] if direction == "after" else [matrix, anchor_col])
    parts = []
    for j in range(full.shape[1] - 1):  # a handful of step columns, not users
        counts = np.bincount(full[:, j] * base + full[:, j + 1], minlength=base * base)
        hit = np.flatnonzero(counts)
        part = pd.DataFrame({"from_step": j, "source": labels[hit // base],
                             "target": labels[hit % base], "users": counts[hit]})
        parts.append(part.sort_values("users", ascending=False, kind="stable"))
    return pd.concat(parts, ignore_index=True)


def _lengths(length: np.ndarray) -> pd.DataFrame:
    counts = np.bincount(length) if len(length) else np.zeros(0, "int64")
    out = pd.DataFrame({"length": np.arange(len(counts)), "users": counts})
    out = out[out["users"] > 0].reset_index(drop=True)
    out["share"] = out["users"] / max(len(length), 1)
    return out
