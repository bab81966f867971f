"""Widgets without a browser: percent inputs, full-width labels, formatted tables (issue 14)."""

from __future__ import annotations

import contextlib
import io
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from omnimkt.errors import ModelError
from omnimkt.widgets._inputs import PercentInput, format_table, parse_percent


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("typed", [15, "15", "15%", "15 %", "15％", " 15.0 % ", 0.15, "0.15",
                                   ".15"])
def test_fifteen_percent_every_way(typed):
    assert parse_percent(typed) == 0.15


@pytest.mark.parametrize(("typed", "share"), [("0", 0.0), ("100%", 1.0), ("1%", 0.01),
                                              ("0.5", 0.5), ("50", 0.5), ("2.5%", 0.025),
                                              ("99.9", 0.999)])
def test_shares_by_hand(typed, share):
    assert parse_percent(typed) == pytest.approx(share, abs=1e-15)


@pytest.mark.parametrize(("typed", "message"), [
    ("1", "could mean 1% or 100%"),
    ("abc", "is not a percentage"),
    ("", "is not a percentage"),
    ("15%%", "is not a percentage"),
    (float("nan"), "is not a percentage"),
    (True, "is not a percentage"),
    ("150", "allowed from 0% to 100%"),
    ("-5%", "allowed from 0% to 100%"),
])
def test_bad_percentages_name_the_input(typed, message):
    with pytest.raises(ModelError, match=re.escape(message)) as err:
        parse_percent(typed, "success_rate")
    assert str(err.value).startswith("success_rate: ")


def test_percent_box_keeps_the_last_good_share_and_says_why():
    box = PercentInput(0.2, description="宣传折扣", high=0.5)
    assert box.value == "20%" and box.fraction == 0.2
    seen = []
    box.observe(lambda change: seen.append(change["new"]), names="fraction")
    for typed in ("15", "15%", "0.15"):
        box.value = typed
        assert box.fraction == 0.15 and box.message.value == ""
    assert seen == [0.15]  # the same share typed three ways changes nothing after the first
    box.value = "60%"
    assert box.fraction == 0.15 and "allowed from 0% to 50%" in box.message.value
    assert box.style.description_width == "initial"


def test_format_table_has_no_nan_and_no_raw_floats():
    t = pd.DataFrame({"channel": ["门店", "京东"], "customers": [1234.0, float("nan")],
                      "rate": [0.123456, None], "cpa": [1 / 3, 98765.4321]})
    out = format_table(t, percent=["rate"])
    assert out.to_dict("list") == {"channel": ["门店", "京东"], "customers": ["1,234", "–"],
                                   "rate": ["12.3%", "–"], "cpa": ["0.3333", "98,765"]}


def _text_of(fn, *args, **kwargs) -> tuple[object, str]:
    # Outside Jupyter an Output widget's content prints to stdout: read it there.
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pd.option_context("display.max_columns", None,
                                                            "display.width", 400):
        box = fn(*args, **kwargs)
    return box, buf.getvalue()


def _descriptions(box) -> list:
    found, todo = [], [box]
    while todo:
        w = todo.pop()
        todo.extend(getattr(w, "children", ()))
        if getattr(w, "description", ""):
            found.append(w)
    return found


def test_attribution_explorer_table_is_formatted_and_labels_are_full_width():
    from omnimkt.attribution import read_paths
    from omnimkt.widgets.attribution import attribution_explorer

    paths = read_paths(pd.DataFrame({"path": ["门店 > 京东", "京东", "天猫旗舰店 > 门店"],
                                     "total_conversions": [3, 1, 2],
                                     "total_null": [2, 1, 4]}))
    box, text = _text_of(attribution_explorer, paths, model="linear")
    assert "NaN" not in text and "nan" not in text
    assert not re.search(r"\d\.\d{5,}", text), text  # no raw floats such as 0.333333
    assert "门店" in text
    labelled = _descriptions(box)
    assert labelled and all(w.style.description_width == "initial" for w in labelled)


def test_funnel_explorer_table_shows_shares_and_days():
    from omnimkt.widgets.funnel import funnel_explorer

    ev = pd.DataFrame({"customer_id": [1, 1, 2, 3], "event": ["visit", "buy", "visit", "visit"],
                       "channel": ["门店", "门店", "京东", "京东"],
                       "timestamp": pd.to_datetime(["2025-01-01 00:00", "2025-01-02 12:00",
                                                    "2025-01-03 00:00", "2025-01-04 00:00"])})
    _, text = _text_of(funnel_explorer, ev, ["visit", "buy"], breakdowns=["channel"])
    # By hand: 3 visitors, 1 buyer 1.5 days later -> 33.3% convert.
    assert "33.3%" in text and "1.5 d" in text
    assert "NaN" not in text and "days 12:00" not in text
