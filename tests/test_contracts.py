"""The one contract, checked over every public estimator, result class and plot function.

Classes and functions are discovered by walking the package, so a new one is
covered without editing this file: the coverage tests fail until the tour below
produces an instance of it (the tour is the one place to add a call).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError as SkNotFitted

import omnimkt
from omnimkt._result import Estimator, Result
from omnimkt.errors import NotFittedError

matplotlib.use("Agg")

_SKIP_MODULES = ("omnimkt.widgets", "omnimkt.report_sections", "omnimkt.cli", "omnimkt.report")


def _modules():
    for info in pkgutil.walk_packages(omnimkt.__path__, "omnimkt."):
        if info.name.startswith(_SKIP_MODULES):
            continue
        yield importlib.import_module(info.name)


def _public_classes():
    seen = {}
    for mod in _modules():
        for name, obj in vars(mod).items():
            if inspect.isclass(obj) and obj.__module__.startswith("omnimkt") \
                    and not name.startswith("_"):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return seen


CLASSES = _public_classes()
ESTIMATORS = sorted(k for k, c in CLASSES.items()
                    if issubclass(c, BaseEstimator) and c is not Estimator)
RESULTS = sorted(k for k, c in CLASSES.items()
                 if issubclass(c, Result) and not issubclass(c, BaseEstimator)
                 and c is not Result)
PLOTS = sorted(
    f"{mod.__name__}.{name}"
    for mod in _modules() if mod.__name__.startswith("omnimkt.plotting")
    for name, fn in vars(mod).items()
    if name.startswith("plot_") and inspect.isfunction(fn) and fn.__module__ == mod.__name__
)


def test_discovery_finds_the_families():
    assert len(ESTIMATORS) >= 5 and len(RESULTS) >= 15 and len(PLOTS) >= 30


@pytest.mark.parametrize("path", sorted(CLASSES))
def test_result_like_classes_derive_from_the_one_base(path):
    cls = CLASSES[path]
    looks_like_result = hasattr(cls, "summary") and hasattr(cls, "_repr_html_")
    if looks_like_result:
        assert issubclass(cls, Result), f"{path} displays a summary but is not an omnimkt Result"


@pytest.mark.parametrize("path", ESTIMATORS)
def test_estimators_follow_the_contract_unfitted(path):
    cls = CLASSES[path]
    assert issubclass(cls, Estimator), f"{path} must derive from omnimkt._result.Estimator"
    est = cls()  # every setting has a default
    twin = clone(est)
    assert type(twin) is cls and twin.get_params() == est.get_params()
    assert "not fitted" in repr(est)
    with pytest.raises(NotFittedError) as info:
        est._check_fitted()
    assert isinstance(info.value, SkNotFitted)
    with pytest.raises(NotFittedError):
        est.to_markdown()


# --------------------------------------------------------------------------- the tour
@pytest.fixture(scope="module")
def tour():
    from contract_tour import run_tour

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_tour()


def test_tour_covers_every_estimator_result_and_plot(tour):
    fitted = {f"{type(e).__module__}.{type(e).__qualname__}" for e in tour.estimators}
    results = {f"{type(r).__module__}.{type(r).__qualname__}" for r in tour.results}
    plotted = {f"{f.__module__}.{f.__name__}" for f, _ in tour.plots}
    assert set(ESTIMATORS) - fitted == set(), "add a fit of these to tests/contract_tour.py"
    assert set(RESULTS) - results == set(), "add a call returning these to tests/contract_tour.py"
    assert set(PLOTS) - plotted == set(), "add these plots to tests/contract_tour.py"


def test_fit_returns_self_and_fitted_estimators_display(tour):
    for est, returned in zip(tour.estimators, tour.fit_returns, strict=True):
        assert returned is est, f"{type(est).__name__}.fit must return self"
        assert isinstance(est.summary, pd.DataFrame) and len(est.summary.columns)
        assert "not fitted" not in repr(est)
        assert est._repr_html_().startswith('<div class="omnimkt-result">')
        assert est.to_markdown().startswith("**")
        twin = clone(est)
        assert not twin.__sklearn_is_fitted__()


def test_results_display_the_same_way(tour):
    for res in tour.results:
        assert isinstance(res.summary, pd.DataFrame), type(res).__name__
        text, page, md = repr(res), res._repr_html_(), res.to_markdown()
        assert text.splitlines()[0].startswith(res.title)
        assert page.startswith('<div class="omnimkt-result"><h4>')
        assert md.startswith(f"**{res.title}")
        for shown in (text, page, md):
            assert "NaN" not in shown and "nan" not in shown.split(), type(res).__name__


def test_plots_draw_only_on_the_axes_given(tour):
    for fn, args in tour.plots:
        plt.close("all")
        fig, ax = plt.subplots()
        other_fig, other_ax = plt.subplots()
        out = fn(*args, ax=ax)
        assert out is ax, f"{fn.__name__} must return the ax it was given"
        assert plt.get_fignums() == [fig.number, other_fig.number], \
            f"{fn.__name__} opened a figure of its own"
        assert not other_ax.has_data() and not other_ax.get_title(), fn.__name__
        assert ax.has_data() or ax.get_title() or ax.texts or ax.images, fn.__name__
    plt.close("all")
