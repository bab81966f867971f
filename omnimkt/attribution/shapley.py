"""Shapley-value attribution over channel coalitions.

Each journey is reduced to its *channel set* (a bitmask). The worth ``v(S)`` of a
coalition ``S`` of channels is computed from the journeys whose channel set lies
inside ``S``:

``"rate"`` (default; Zhao et al. 2018, the REFERENCES worked example)
    ``v(S) = sum over sets T within S of conv(T) / journeys(T)``, the sum of the
    conversion rates of the channel sets inside ``S``.
``"conversions"``
    ``v(S) = conversions of journeys whose set lies inside S``.
``"pooled_rate"``
    ``v(S) = conversions / journeys`` pooled over the sets inside ``S``. Adding a channel
    whose journeys convert less than the others lowers the pooled rate, so a channel's
    credit can be negative under this worth (the credits still sum to the total).

What is computed, exactly:

* up to ``max_exact`` channels (default 15): every one of the ``2**n`` coalitions is
  enumerated with bitmasks; ``v`` comes from a subset-sum (zeta) transform and the
  Shapley formula is applied to all coalitions at once (n = 15: 32,768 coalitions);
* beyond that, ``"rate"`` and ``"conversions"`` are sums of per-set terms (Harsanyi
  dividends), so the Shapley value is still exact in closed form: each set's term is
  split equally over its channels; ``"pooled_rate"`` is not additive and uses Monte
  Carlo permutation sampling (``n_permutations``, reproducible with ``seed``).

The Shapley values are then scaled so that credits sum to the total conversions
(and the value credits, computed with conversion value in place of conversions,
to the total value).
"""

from __future__ import annotations

from math import factorial

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_bool, check_choice, check_number, check_progress
from omnimkt._result import format_number
from omnimkt.attribution.heuristics import _check_paths, _result
from omnimkt.attribution.paths import Paths
from omnimkt.attribution.result import AttributionResult
from omnimkt.errors import DataError, ModelError

VALUE_FUNCTIONS = ("rate", "conversions", "pooled_rate")


def channel_sets(paths: Paths) -> pd.DataFrame:
    """Journeys grouped by their channel set: mask, conversions, value, journeys.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({"path": ["a > b", "b > a > a"],
    ...                              "total_conversions": [1, 2], "total_null": [1, 0]}))
    >>> channel_sets(p)[["conversions", "journeys"]].to_dict("list")
    {'conversions': [3.0], 'journeys': [4.0]}
    """
    _check_paths(paths)
    k = len(paths.channels)
    if k > 62:
        raise DataError(f"shapley: {k} channels; at most 62 fit the bitmask encoding. "
                        "Merge rare channels first.")
    bits = np.left_shift(np.int64(1), paths.codes.astype(np.int64))
    masks = np.bitwise_or.reduceat(bits, paths.offsets[:-1]) if len(paths) else bits[:0]
    uniq, inv = np.unique(masks, return_inverse=True)
    conv = np.bincount(inv, weights=paths.conversions, minlength=len(uniq))
    val = np.bincount(inv, weights=paths.value, minlength=len(uniq))
    jn = np.bincount(inv, weights=paths.conversions + paths.nulls, minlength=len(uniq))
    names = np.asarray(paths.channels, dtype=object)
    labels = [", ".join(names[[i for i in range(k) if (int(m) >> i) & 1]]) for m in uniq]
    return pd.DataFrame({"mask": uniq, "channels": labels, "conversions": conv, "value": val,
                         "journeys": jn})


def _zeta(values: np.ndarray, n: int) -> np.ndarray:
    """Subset-sum transform: out[S] = sum of values[T] for T within S."""
    v = values.copy()
    for i in range(n):
        view = v.reshape(-1, 2, 2**i)
        view[:, 1, :] += view[:, 0, :]
    return v


def _shapley_from_worth(v: np.ndarray, n: int) -> np.ndarray:
    """Exact Shapley values from the worth of all 2**n coalitions."""
    sizes = np.zeros(2**n, dtype=np.int64)
    for i in range(n):
        sizes.reshape(-1, 2, 2**i)[:, 1, :] += 1
    w = np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])
    phi = np.zeros(n)
    for i in range(n):
        v3 = v.reshape(-1, 2, 2**i)
        s3 = sizes.reshape(-1, 2, 2**i)
        phi[i] = float((w[s3[:, 0, :]] * (v3[:, 1, :] - v3[:, 0, :])).sum())
    return phi


def _dense(masks: np.ndarray, terms: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(2**n)
    np.add.at(out, masks, terms)
    return out


def _dividend_closed_form(masks: np.ndarray, terms: np.ndarray, n: int) -> np.ndarray:
    """Shapley of v(S) = sum_{T within S} terms[T]: each term split equally over T."""
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    size = bits.sum(axis=1)
    return (bits * (terms / np.where(size > 0, size, 1.0))[:, None]).sum(axis=0)


def _pooled_sampling(masks, num, den, n, n_permutations, rng, progress=False) -> np.ndarray:
    """Monte Carlo permutation estimate for the pooled-rate worth (not additive)."""
    from tqdm.auto import tqdm

    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    phi = np.zeros(n)
    for _ in tqdm(range(n_permutations), disable=not progress, desc="Shapley permutations"):
        perm = rng.permutation(n)
        pos = np.empty(n, dtype=np.int64)
        pos[perm] = np.arange(n)
        # A set lies inside the prefix of length j+1 once its latest channel has joined.
        latest = np.where(bits, pos[None, :], -1).max(axis=1)
        cn = np.cumsum(np.bincount(latest, weights=num, minlength=n))
        cd = np.cumsum(np.bincount(latest, weights=den, minlength=n))
        worth = np.where(cd > 0, cn / np.where(cd > 0, cd, 1.0), 0.0)
        marginal = np.diff(np.r_[0.0, worth])
        phi[perm] += marginal
    return phi / n_permutations


#: Bytes per coalition of the exact enumeration: about eight float64 / int64 tables of
#: 2**n entries live at once (worth, subset sums, sizes, weights, temporaries).
_BYTES_PER_COALITION = 64
#: Largest exact coalition table ``shapley`` builds (2**23 coalitions = 512 MiB).
MAX_EXACT_BYTES = 2**29


def _check_exact_size(n: int, max_exact: int, value_function: str) -> None:
    """Fail before allocating an exact coalition table that cannot fit."""
    need = _BYTES_PER_COALITION * 2.0**n
    if need <= MAX_EXACT_BYTES:
        return
    other = ("Monte Carlo permutations (n_permutations, seed)" if value_function == "pooled_rate"
             else "the exact closed form (Harsanyi dividends), which is as exact and linear "
                  "in the channel sets")
    raise ModelError(
        f"max_exact: exact enumeration over {n} channels needs 2^{n} = {2**n:,} coalitions, "
        f"about {format_number(need / 2**30)} GiB (limit {MAX_EXACT_BYTES / 2**30:g} GiB). Set "
        f"max_exact below {n} (e.g. the default 15) to use {other}, or group rare channels "
        "into one.")


def _worth_terms(sets: pd.DataFrame, value_function: str) -> tuple[np.ndarray, ...]:
    """Per channel set: the worth terms for conversions and value, and the journeys."""
    jn = sets["journeys"].to_numpy()
    safe = np.where(jn > 0, jn, 1.0)
    if value_function == "rate":
        terms_c = np.where(jn > 0, sets["conversions"].to_numpy() / safe, 0.0)
        terms_v = np.where(jn > 0, sets["value"].to_numpy() / safe, 0.0)
    else:
        terms_c = sets["conversions"].to_numpy()
        terms_v = sets["value"].to_numpy()
    return terms_c, terms_v, jn


def _exact(masks: np.ndarray, terms: tuple, jn: np.ndarray, n: int,
           value_function: str) -> list[np.ndarray]:
    """Shapley values by enumerating all 2**n coalitions."""
    if value_function != "pooled_rate":
        return [_shapley_from_worth(_zeta(_dense(masks, t, n), n), n) for t in terms]
    den = _zeta(_dense(masks, jn, n), n)
    ok = den > 0
    phis = []
    for t in terms:
        num = _zeta(_dense(masks, t, n), n)
        phis.append(_shapley_from_worth(np.where(ok, num / np.where(ok, den, 1.0), 0.0), n))
    return phis


def shapley(
    paths: Paths,
    *,
    value_function: str = "rate",
    max_exact: int = 15,
    n_permutations: int = 1000,
    seed: int | np.random.Generator = 0,
    progress: bool | None = None,
) -> AttributionResult:
    """Shapley-value attribution over channel coalitions (see the module notes).

    Parameters
    ----------
    paths : Paths
        From :func:`build_paths` or :func:`read_paths`.
    value_function : {"rate", "conversions", "pooled_rate"}
        Worth of a coalition; ``"rate"`` reproduces the REFERENCES worked example.
    max_exact : int
        Enumerate all coalitions up to this many channels. The table has ``2**n``
        entries: above ``MAX_EXACT_BYTES`` (about 23 channels) a ModelError says so
        before anything is allocated.
    n_permutations : int
        Permutations sampled for ``"pooled_rate"`` beyond ``max_exact`` channels.
    seed : int >= 0 or numpy Generator
        Seed of that sampling (unused by the exact computations).
    progress : bool or None
        Progress bar over the sampled permutations; ``None`` shows it when the
        sampling is large (more than 20 million set-channel steps).

    Returns
    -------
    AttributionResult
        ``details["shapley_value"]`` holds the raw Shapley values (before scaling to
        totals), ``details["method"]`` says how they were computed.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> t = pd.DataFrame({"path": ["F", "O", "L", "F > O", "F > L", "L > O", "F > L > O"],
    ...                   "total_conversions": [20, 10, 17, 17, 30, 0, 6],
    ...                   "total_null": [80, 90, 83, 83, 70, 100, 94]})
    >>> shapley(read_paths(t)).details["shapley_value"].round(3).to_dict()
    {'F': 0.455, 'L': 0.34, 'O': 0.205}
    """
    _check_paths(paths)
    check_choice(value_function, "value_function", VALUE_FUNCTIONS)
    max_exact = check_number(max_exact, "max_exact", low=0, integer=True)
    n_permutations = check_number(n_permutations, "n_permutations", low=1, integer=True)
    rng = as_rng(seed)
    if progress is not None:
        check_bool(progress, "progress")
    n = len(paths.channels)
    params = {"value_function": value_function}
    zero = np.zeros(n)
    idx = pd.Index(paths.channels, name="channel")
    if n == 0 or paths.total_conversions == 0:
        details = {"shapley_value": pd.Series(zero, index=idx, name="shapley_value"),
                   "method": "none (no conversions)"}
        return _result(paths, zero, zero.copy(), "shapley", params, details)
    if n <= max_exact:
        _check_exact_size(n, max_exact, value_function)
    sets = channel_sets(paths)
    masks = sets["mask"].to_numpy()
    terms_c, terms_v, jn = _worth_terms(sets, value_function)
    if n <= max_exact:
        method = f"exact enumeration of {2**n:,} coalitions"
        phis = _exact(masks, (terms_c, terms_v), jn, n, value_function)
    elif value_function == "pooled_rate":
        method = f"Monte Carlo, {n_permutations:,} permutations (seed {seed!r})"
        show = check_progress(progress, large=n_permutations * len(masks) * n > 20_000_000)
        phis = [_pooled_sampling(masks, t, jn, n, n_permutations, rng, show)
                for t in (terms_c, terms_v)]
    else:
        method = "exact closed form (Harsanyi dividends split equally over each set)"
        phis = [_dividend_closed_form(masks, t, n) for t in (terms_c, terms_v)]

    phi_c, phi_v = phis
    conv = phi_c / phi_c.sum() * paths.total_conversions if phi_c.sum() > 0 else zero
    val = phi_v / phi_v.sum() * paths.total_value if phi_v.sum() > 0 else zero.copy()
    details = {"shapley_value": pd.Series(phi_c, index=idx, name="shapley_value"),
               "value_shapley_value": pd.Series(phi_v, index=idx, name="value_shapley_value"),
               "method": method}
    return _result(paths, conv, val, "shapley", params, details)
