"""The one exception family of omnimkt and helpers to write useful messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError


class OmnimktError(Exception):
    """Base class of every error omnimkt raises on purpose."""


class DataError(OmnimktError, ValueError):
    """Input data that omnimkt cannot use as given.

    The message names the table, the column, how many rows are affected,
    a few example values, and what to do about it.

    Examples
    --------
    >>> raise DataError("transactions.amount: 3 rows are not numbers (e.g. 'abc'). Clean them.")
    Traceback (most recent call last):
    ...
    omnimkt.errors.DataError: transactions.amount: 3 rows are not numbers (e.g. 'abc'). Clean them.
    """


class ModelError(OmnimktError, ValueError):
    """A model cannot be fitted or used as asked (bad settings, no convergence, not fitted)."""


class NotFittedError(ModelError, _SklearnNotFittedError):
    """A model was used before ``fit``; also scikit-learn's ``NotFittedError``.

    Examples
    --------
    >>> from sklearn.exceptions import NotFittedError as SkNotFitted
    >>> issubclass(NotFittedError, SkNotFitted) and issubclass(NotFittedError, ModelError)
    True
    """


class DataWarning(UserWarning):
    """A recoverable oddity in the input data (with counts), e.g. dropped duplicates."""


class ModelWarning(UserWarning):
    """A recoverable oddity in a model fit, e.g. a violated assumption or a fallback used."""


def examples(values: Iterable[Any], k: int = 3) -> str:
    """Format up to ``k`` example values for an error message.

    >>> examples(["a", "b", "c", "d"])
    "'a', 'b', 'c'"
    """
    out = []
    for v in values:
        out.append(repr(v.item() if hasattr(v, "item") else v))
        if len(out) >= k:
            break
    return ", ".join(out)
