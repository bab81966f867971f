"""The cohort-triangle explorer without a browser: controls redraw the figure and the table."""

from __future__ import annotations

import contextlib
import io

import matplotlib.pyplot as plt
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tx() -> pd.DataFrame:
    # Two January customers: 1 buys again in February and April, 2 in March.
    # Hand count, months: P1 = 1/2, P2 = 1/2, P3 = 1/2; on or after P1..P3 = 1, 1, 1/2.
    return pd.DataFrame({"customer_id": [1, 1, 1, 2, 2],
                         "amount": [100.0, 50.0, 30.0, 80.0, 20.0],
                         "timestamp": pd.to_datetime(["2025-01-03", "2025-02-07", "2025-04-02",
                                                      "2025-01-20", "2025-03-02"])})


def _build(*args, **kwargs):
    from omnimkt.widgets.behaviour import cohort_explorer

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pd.option_context("display.max_columns", None,
                                                            "display.width", 400):
        box = cohort_explorer(*args, **kwargs)
    return box, buf


def _control(box, description):
    todo = [box]
    while todo:
        w = todo.pop()
        todo.extend(getattr(w, "children", ()))
        if getattr(w, "description", "") == description:
            return w
    raise AssertionError(description)


def test_cohort_explorer_redraws_on_every_control():
    box, buf = _build(_tx(), cutoff="2025-04-30", n_periods=3)
    table = box.state["table"]
    assert table.iloc[0].tolist() == ["2025-01-01", "2", "100.0%", "50.0%", "50.0%", "50.0%"]
    assert "NaN" not in buf.getvalue()
    first_fig = box.state["figure"]
    assert first_fig.axes[0].get_title() == "Retention (on period N)"

    _control(box, "metric").value = "on or after N"
    assert box.state["figure"] is not first_fig
    assert box.state["figure"].axes[0].get_title() == "Retention (on or after N)"
    assert box.state["table"].iloc[0, 2:].tolist() == ["100.0%", "100.0%", "100.0%", "50.0%"]

    _control(box, "metric").value = "LTV (cumulative revenue per customer)"
    # by hand: (100 + 80) / 2 = 90, + 50 / 2 = 115, + 20 / 2 = 125, + 30 / 2 = 140
    assert box.state["table"].iloc[0, 2:].tolist() == ["90", "115", "125", "140"]

    _control(box, "period").value = "W"
    assert box.state["result"].freq == "W"
    assert box.state["table"]["cohort"].tolist()[:2] == ["2024-12-30", "2025-01-20"]


def test_cohort_explorer_shows_the_error_and_stays_alive():
    box, _ = _build(_tx(), cutoff="2025-04-30")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _control(box, "cohort by").value = "signup"  # no customers table: a clear message
    assert box.state["result"] is None
    assert "customers" in buf.getvalue()
    labelled = [box.children[0].children[0], box.children[1].children[1]]
    assert all(w.style.description_width == "initial" for w in labelled)
