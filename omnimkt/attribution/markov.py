"""Markov-chain attribution with removal effects computed exactly from the absorbing chain.

States are the journey's last ``order`` channels (shorter tuples at the start of a
journey), plus *start*, *conversion* and *null*. Transition probabilities are the
observed transition counts, weighted by each row's journeys. P(conversion) is the
absorption probability from *start*, obtained by solving ``(I - Q) x = r`` with a
sparse LU factorisation: no simulation, so results are exact and reproducible.

Removal effect of channel ``c`` (Anderl et al. 2016): every state holding ``c`` is
sent to *null*; ``RE_c = 1 - P_without_c / P``. Global credit shares the total
conversions in proportion to the removal effects; per-journey credit splits each
converting journey over its distinct channels in proportion to their removal effects.
Value is attributed the same way from *value* removal effects: the expected
conversion value absorbed from *start* with and without the channel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from omnimkt._gate import check_choice, check_number
from omnimkt.attribution.heuristics import _check_paths, _result
from omnimkt.attribution.paths import Paths
from omnimkt.attribution.result import AttributionResult
from omnimkt.errors import ModelError

#: Above this many transient states the transition matrix is not copied into ``details``.
MAX_MATRIX_STATES = 200


def _collapse(codes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop a touch equal to the previous touch of the same journey (a > a > b -> a > b)."""
    if len(codes) == 0:
        return codes, offsets
    start = np.zeros(len(codes), dtype=bool)
    start[offsets[:-1][np.diff(offsets) > 0]] = True
    keep = start | (codes != np.r_[-1, codes[:-1]])
    rows = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    lens = np.bincount(rows[keep], minlength=len(offsets) - 1)
    new = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(lens, out=new[1:])
    return codes[keep], new


def _states(codes: np.ndarray, offsets: np.ndarray, order: int, base: int) -> np.ndarray:
    """Integer state of every touch: the last ``order`` channels, newest in the lowest digit."""
    rows = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    pos = np.arange(len(codes), dtype=np.int64) - offsets[rows]
    state = (codes.astype(np.int64) + 1)
    for m in range(1, order):
        shifted = np.zeros(len(codes), dtype=np.int64)
        shifted[m:] = codes[:-m].astype(np.int64) + 1
        state = state + np.where(pos >= m, shifted, 0) * base**m
    return state


def _digits(states: np.ndarray, order: int, base: int) -> np.ndarray:
    """(n_states, order) channel codes + 1 (0 = empty slot), newest first."""
    return np.stack([(states // base**m) % base for m in range(order)], axis=1)


#: Cost model of the exact solve, fitted on random paths (the densest chains): one sparse
#: LU per channel plus one, each growing about with the cube of the transient states.
_SECONDS_PER_STATE3 = 2e-11
#: Above this estimated time ``markov`` refuses to start and says what to do instead.
MAX_SECONDS = 120.0


def _solve_estimate(n_states: int, n_channels: int) -> tuple[float, float]:
    """Upper estimate of the exact solve: seconds and GiB (a dense LU factor)."""
    seconds = _SECONDS_PER_STATE3 * (n_channels + 1) * float(n_states) ** 3
    return seconds, 8.0 * float(n_states) ** 2 / 2**30


def _check_settings(paths: Paths, order: int, repeats: str, nulls: str, credit: str) -> int:
    _check_paths(paths)
    order = check_number(order, "order", low=1, integer=True)
    check_choice(repeats, "repeats", ("keep", "collapse"))
    check_choice(nulls, "nulls", ("use", "ignore"))
    check_choice(credit, "credit", ("global", "journey"))
    k = len(paths.channels)
    if float(k + 1) ** order > 2**62:
        raise ModelError(
            f"order: {k} channels at order {order} give up to {k:,}^{order} = "
            f"{float(k) ** order:.3g} states, more than the state encoding holds (2^62). "
            "Lower the order (1 or 2 is usual) or group rare channels into one.")
    return order


def _state_ids(codes: np.ndarray, offsets: np.ndarray, order: int,
               base: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct states (``uniq``) and the transient id of every touch (0 is *start*)."""
    state = _states(codes, offsets, order, base)
    space = base**order
    if space <= 4_000_000:
        # Small state space: compact the state codes with a lookup table (linear, no sort).
        present = np.zeros(space, dtype=bool)
        present[state] = True
        uniq = np.flatnonzero(present)
        lookup = np.cumsum(present) - 1
        return uniq, lookup[state].astype(np.int64) + 1
    uniq, inv = np.unique(state, return_inverse=True)
    return uniq, inv.astype(np.int64) + 1


def _check_state_space(n_states: int, k: int, order: int) -> None:
    """Fail before the solve when it would not finish in reasonable time or memory."""
    seconds, gib = _solve_estimate(n_states, k)
    if seconds <= MAX_SECONDS:
        return
    possible = sum(float(k) ** j for j in range(1, order + 1))  # tuples of 1..order channels
    raise ModelError(
        f"order: {k} channels at order {order} give {n_states:,} observed states (of "
        f"{possible:,.0f} possible); the exact removal effects "
        f"would take about {seconds:,.0f} s and up to {gib:,.1f} GiB (limit "
        f"{MAX_SECONDS:.0f} s). Lower the order (order=1 or 2), group rare channels into "
        "one, or use repeats='collapse'.")


def _chain(ids: np.ndarray, offsets: np.ndarray, n_t: int, wc: np.ndarray, wn: np.ndarray,
           wv: np.ndarray) -> tuple:
    """Transition counts, out-weights, ``I - Q`` and the absorption right-hand sides."""
    conv_s, null_s = n_t, n_t + 1
    lens = np.diff(offsets)
    w = wc + wn
    firsts, lasts = offsets[:-1], offsets[1:] - 1
    inner = np.ones(len(ids), dtype=bool)
    inner[lasts] = False
    rows = np.repeat(np.arange(len(lens)), lens)
    src = np.concatenate([np.zeros(len(lens), np.int64), ids[inner], ids[lasts], ids[lasts]])
    dst = np.concatenate([ids[firsts], ids[np.flatnonzero(inner) + 1],
                          np.full(len(lens), conv_s), np.full(len(lens), null_s)])
    wts = np.concatenate([w, w[rows[inner]], wc, wn])
    size = n_t + 2
    if size * size <= 16_000_000:
        # Dense count by bincount (linear) when the matrix is small enough.
        dense = np.bincount(src * size + dst, weights=wts, minlength=size * size)
        counts = sp.csr_matrix(dense.reshape(size, size))
    else:
        counts = sp.coo_matrix((wts, (src, dst)), shape=(size, size)).tocsr()
        counts.sum_duplicates()
    out = np.asarray(counts.sum(axis=1)).ravel()[:n_t]
    inv_out = np.where(out > 0, 1.0 / np.where(out > 0, out, 1.0), 0.0)
    q = (sp.diags(inv_out) @ counts[:n_t, :n_t]).tocsc()
    r_conv = np.asarray(counts[:n_t, conv_s].todense()).ravel() * inv_out
    r_val = np.bincount(ids[lasts], weights=wv, minlength=n_t) * inv_out
    a = (sp.identity(n_t, format="csc") - q).tocsc()
    return counts, out, a, np.column_stack([r_conv, r_val])


def _removal_effects(a, rhs: np.ndarray, uniq: np.ndarray, order: int, base: int,
                     k: int) -> tuple[float, float, np.ndarray, np.ndarray]:
    """P(conversion), expected value and the (value) removal effect of every channel."""
    full = splu(a).solve(rhs)
    p_full, v_full = float(full[0, 0]), float(full[0, 1])
    dig = _digits(uniq, order, base)  # states holding each channel (any slot of the tuple)
    re = np.zeros(k)
    vre = np.zeros(k)
    for c in range(k):
        removed = np.r_[False, (dig == c + 1).any(axis=1)]
        if not removed.any():
            continue
        keep = np.flatnonzero(~removed)
        sol = splu(a[keep][:, keep].tocsc()).solve(rhs[keep])
        re[c] = 1.0 - sol[0, 0] / p_full if p_full > 0 else 0.0
        vre[c] = 1.0 - sol[0, 1] / v_full if v_full > 0 else 0.0
    # Clip: guard against -1e-16 round-off.
    return p_full, v_full, np.clip(re, 0.0, 1.0), np.clip(vre, 0.0, 1.0)


def markov(
    paths: Paths,
    order: int = 1,
    *,
    repeats: str = "keep",
    nulls: str = "use",
    credit: str = "global",
) -> AttributionResult:
    """Markov-chain attribution of order ``order`` with exact removal effects.

    Parameters
    ----------
    paths : Paths
        From :func:`build_paths` or :func:`read_paths`.
    order : int
        1 = states are single channels; k = states are the last k channels.
    repeats : {"keep", "collapse"}
        ``"collapse"`` merges consecutive repeats of a channel (a > a > b -> a > b) before
        building states. For order 1 this changes nothing (self-loops do not change
        absorption probabilities); for higher orders it changes the states.
    nulls : {"use", "ignore"}
        ``"ignore"`` drops non-converting journeys: P(conversion) is then 1 and a removal
        effect is the share of conversion probability flowing through the channel.
    credit : {"global", "journey"}
        ``"global"``: total conversions shared by removal effects (Anderl et al.).
        ``"journey"``: each converting journey split over its distinct channels by their
        removal effects, then summed.

    Returns
    -------
    AttributionResult
        ``details`` holds ``removal_effect``, ``value_removal_effect`` (Series),
        ``p_conversion``, ``expected_value``, ``n_states`` and (small chains)
        ``transition_matrix``.

    Raises
    ------
    omnimkt.ModelError
        A bad setting, or a state space too large to solve exactly: the observed
        states are counted first and, when the exact solve would take more than
        ``MAX_SECONDS`` (about 20 channels at order 3), the error gives the estimate
        and the alternatives (a lower order, grouped channels) before any work is done.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.attribution import read_paths
    >>> p = read_paths(pd.DataFrame({
    ...     "path": ["google ads", "mailing", "google ads > mailing", "google ads"],
    ...     "total_conversions": [2, 1, 1, 0], "total_null": [0, 0, 0, 1]}))
    >>> r = markov(p)
    >>> round(r.details["p_conversion"], 3), r.conversions.round(3).to_dict()
    (0.8, {'google ads': 2.4, 'mailing': 1.6})
    """
    order = _check_settings(paths, order, repeats, nulls, credit)
    k = len(paths.channels)
    base = k + 1
    params = {"order": order, "repeats": repeats, "nulls": nulls, "credit": credit}
    wn = paths.nulls if nulls == "use" else np.zeros(len(paths))
    rows_ok = (paths.conversions + wn) > 0
    p = paths if rows_ok.all() else paths.subset(rows_ok)
    wc, wv = p.conversions, p.value
    wn = p.nulls if nulls == "use" else np.zeros(len(p))
    codes, offsets = p.codes, p.offsets
    if repeats == "collapse":
        codes, offsets = _collapse(codes, offsets)
    idx = pd.Index(paths.channels, name="channel")
    zero = np.zeros(k)
    if len(p) == 0 or wc.sum() == 0:
        details = {"removal_effect": pd.Series(zero, index=idx),
                   "value_removal_effect": pd.Series(zero, index=idx),
                   "p_conversion": 0.0, "expected_value": 0.0, "n_states": 0}
        return _result(paths, zero, zero.copy(), "markov", params, details)

    uniq, ids = _state_ids(codes, offsets, order, base)
    _check_state_space(len(uniq), k, order)
    n_t = len(uniq) + 1  # transient states: 0 = start
    counts, out, a, rhs = _chain(ids, offsets, n_t, wc, wn, wv)
    p_full, v_full, re, vre = _removal_effects(a, rhs, uniq, order, base, k)
    if credit == "global":
        total_c, total_v = paths.total_conversions, paths.total_value
        conv_credit = re / re.sum() * total_c if re.sum() > 0 else zero
        val_credit = vre / vre.sum() * total_v if vre.sum() > 0 else zero.copy()
    else:
        conv_credit, val_credit = _journey_credit(paths, re, vre)
    details = {
        "removal_effect": pd.Series(re, index=idx, name="removal_effect"),
        "value_removal_effect": pd.Series(vre, index=idx, name="value_removal_effect"),
        "p_conversion": p_full,
        "expected_value": v_full,
        "n_states": n_t - 1,
    }
    if n_t <= MAX_MATRIX_STATES:
        details["transition_matrix"] = _matrix_frame(counts, out, uniq, order, base,
                                                     paths.channels, paths.sep)
    return _result(paths, conv_credit, val_credit, "markov", params, details)


def _journey_credit(paths: Paths, re: np.ndarray, vre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split each converting row over its distinct channels in proportion to removal effects."""
    k = len(paths.channels)
    conv_rows = (paths.conversions > 0) | (paths.value > 0)
    sub = paths.subset(conv_rows)
    pair = np.unique(sub.row_of_touch * k + sub.codes)
    r, c = pair // k, pair % k
    out = []
    for eff, weight in ((re, sub.conversions), (vre, sub.value)):
        e = eff[c]
        tot = np.bincount(r, weights=e, minlength=len(sub))
        n_in = np.bincount(r, minlength=len(sub)).astype(float)
        # A journey whose channels all have zero effect is split equally (never drops credit).
        share = np.where(tot[r] > 0, e / np.where(tot[r] > 0, tot[r], 1.0), 1.0 / n_in[r])
        out.append(np.bincount(c, weights=share * weight[r], minlength=k))
    return out[0], out[1]


def _matrix_frame(counts, out, uniq, order, base, channels, sep) -> pd.DataFrame:
    dig = _digits(uniq, order, base)
    names = np.asarray(channels, dtype=object)
    labels = ["(start)"]
    for row in dig:
        slots = [names[d - 1] for d in row[::-1] if d > 0]
        labels.append(sep.join(slots))
    labels += ["(conversion)", "(null)"]
    n_t = len(uniq) + 1
    dense = np.asarray(counts.todense())[:n_t] / np.where(out > 0, out, 1.0)[:, None]
    return pd.DataFrame(dense, index=labels[:n_t], columns=labels)
