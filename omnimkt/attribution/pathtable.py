"""Reading and writing path tables in the ChannelAttribution layout
(``path``, ``total_conversions``, ``total_conversion_value``, ``total_null``)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from omnimkt._gate import check_frame
from omnimkt.attribution.paths import Paths
from omnimkt.errors import DataError, ModelError, examples

#: Characters that, left inside a channel name after splitting, betray a wrong separator.
_SUSPECT_SEPARATORS = (">", "|", ",", ";", "\u2192")


def _need_columns(df: pd.DataFrame, table: str, cols: tuple[str, ...]) -> None:
    check_frame(df, table)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(
            f"{table}: missing column(s) {missing}; found {list(df.columns)[:8]}. "
            "Rename them or name yours with path=, conversions=, value=, nulls=."
        )


def read_paths(
    data: pd.DataFrame | str | os.PathLike,
    *,
    sep: str = " > ",
    path: str = "path",
    conversions: str = "total_conversions",
    value: str | None = "total_conversion_value",
    nulls: str | None = "total_null",
    channels: list[str] | None = None,
) -> Paths:
    """Read a path table in the ChannelAttribution layout (DataFrame or CSV file).

    Parameters
    ----------
    data : DataFrame or path to a CSV file
        One row per path: ``path`` ("a > b > c"), ``total_conversions``,
        ``total_conversion_value`` and ``total_null`` (both optional: zeros when absent).
    sep : str
        Channel separator inside ``path``; surrounding blanks of channel names are stripped.
    channels : list of str, optional
        The known channels; a path naming another channel raises :class:`DataError`.

    Raises
    ------
    DataError
        Missing columns; empty paths or channel names; a channel name that still holds
        a separator-like character after splitting on ``sep`` (the table uses another
        separator); negative or non-numeric counts; channels outside ``channels``.

    Examples
    --------
    >>> import pandas as pd
    >>> p = read_paths(pd.DataFrame({"path": ["google ads", "google ads > mailing"],
    ...                              "total_conversions": [2, 1], "total_null": [1, 0]}))
    >>> p.channels, p.total_conversions
    (['google ads', 'mailing'], 3.0)
    """
    table = "path table"
    if not isinstance(sep, str) or not sep:
        raise ModelError(f"sep: must be a non-empty separator such as ' > ', got {sep!r}.")
    for name, col in (("path", path), ("conversions", conversions)):
        if not isinstance(col, str):
            raise ModelError(f"{name}: must be a column name (text), got {col!r}.")
    if channels is not None and (isinstance(channels, str)
                                 or not all(isinstance(c, str) for c in channels)):
        raise ModelError(f"channels: must be a list of channel names, got {channels!r:.60}.")
    if not isinstance(data, pd.DataFrame):
        data = pd.read_csv(data)
    # Value and null columns are optional: a table without them has zero value / no nulls.
    _need_columns(data, table, (path, conversions))
    value = value if value in data.columns else None
    nulls = nulls if nulls in data.columns else None
    n = len(data)
    raw = data[path]
    empty = raw.isna().to_numpy() | (raw.astype("str").str.strip() == "").to_numpy()
    if empty.any():
        raise DataError(f"{table}.{path}: {int(empty.sum())} rows have an empty path. "
                        "Drop them (a journey needs at least one touch).")
    parts = raw.astype("str").str.split(sep, regex=False)
    lens = parts.str.len().to_numpy(dtype=np.int64)
    flat = parts.explode().astype("str").str.strip()
    blank = (flat == "").to_numpy()
    if blank.any():
        rows = np.unique(np.repeat(np.arange(n), lens)[blank])
        raise DataError(f"{table}.{path}: {len(rows)} paths have an empty channel name between "
                        f"separators {sep!r} (e.g. {examples(raw.iloc[rows])}). Fix the paths.")
    for s in _SUSPECT_SEPARATORS:
        hit = flat.str.contains(s, regex=False).to_numpy()
        if hit.any():
            rows = np.unique(np.repeat(np.arange(n), lens)[hit])
            raise DataError(
                f"{table}.{path}: {len(rows)} paths still contain {s!r} after splitting on "
                f"{sep!r} (e.g. {examples(raw.iloc[rows])}); the table seems to use another "
                f"separator. Pass sep=... (e.g. sep='{s}' or sep=' {s} ')."
            )
    codes, uniq = pd.factorize(flat, sort=True)
    names = [str(c) for c in uniq]
    if channels is not None:
        unknown = sorted(set(names) - set(channels))
        if unknown:
            bad_rows = np.unique(np.repeat(np.arange(n), lens)[np.isin(flat.to_numpy(), unknown)])
            raise DataError(f"{table}.{path}: {len(bad_rows)} paths name unknown channels "
                            f"{examples(unknown)}; known: {list(channels)}. Fix the names or the "
                            "channel list.")
        order = {c: i for i, c in enumerate(channels)}
        remap = np.array([order[c] for c in names], dtype=np.int32)
        codes = remap[codes] if len(codes) else codes
        names = list(channels)

    def num(col: str | None) -> np.ndarray:
        if col is None:
            return np.zeros(n)
        v = pd.to_numeric(data[col], errors="coerce")
        bad = v.isna() | (v < 0)
        if bad.any():
            raise DataError(f"{table}.{col}: {int(bad.sum())} rows are missing, not numbers or "
                            f"negative (e.g. {examples(data[col][bad])}). Use counts >= 0.")
        return v.to_numpy(dtype=float)

    conv, val, nul = num(conversions), num(value), num(nulls)
    orphan = (val > 0) & (conv == 0)
    if orphan.any():
        raise DataError(f"{table}.{value}: {int(orphan.sum())} rows have conversion value but no "
                        f"conversions (e.g. {examples(raw[orphan])}). Fix the counts or set the "
                        "value to 0.")
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    return Paths(channels=names, codes=np.asarray(codes, dtype=np.int32), offsets=offsets,
                 conversions=conv, value=val, nulls=nul, sep=sep)


def to_channelattribution(paths: Paths, file: str | os.PathLike | None = None) -> pd.DataFrame:
    """Export paths as the ChannelAttribution path table (and optionally write a CSV).

    Columns: ``path``, ``total_conversions``, ``total_conversion_value``, ``total_null``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"path": ["a > b"], "total_conversions": [1.0],
    ...                   "total_conversion_value": [9.0], "total_null": [2.0]})
    >>> to_channelattribution(read_paths(t)).equals(t)
    True
    """
    out = paths.table
    if file is not None:
        out.to_csv(file, index=False)
    return out
