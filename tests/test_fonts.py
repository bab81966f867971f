"""Chinese labels render in every omnimkt chart: no "Glyph ... missing" warning (issue 14)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from omnimkt.plotting._base import CJK_FAMILY, cjk_font_path, use_cjk_font

CHANNELS = ["门店", "天猫旗舰店", "微信小程序", "京东"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _draw_strictly(fig) -> None:
    # Missing glyphs surface as UserWarnings while text is laid out: make them fail.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()


def test_the_font_file_ships_with_the_install():
    path = cjk_font_path()
    assert path.is_file() and path.stat().st_size > 1_000_000


def test_importing_plotting_sets_the_fallback_font():
    import omnimkt.plotting  # noqa: F401

    matplotlib.rcParams["font.family"] = ["sans-serif"]  # a notebook may reset it
    use_cjk_font()
    assert list(matplotlib.rcParams["font.family"]) == ["DejaVu Sans", CJK_FAMILY]


def test_chinese_legend_ticks_axis_labels_and_title_render():
    from omnimkt.plotting.attribution import plot_model_comparison

    share = pd.DataFrame({"末次点击": [0.4, 0.3, 0.2, 0.1], "马尔可夫 ¥1,234": [0.25] * 4},
                         index=CHANNELS)
    ax = plot_model_comparison(SimpleNamespace(summary=share))
    ax.set_title("渠道归因：各渠道贡献 ¥1,234")
    ax.set_xlabel("渠道")
    ax.set_ylabel("转化占比")
    _draw_strictly(ax.figure)
    assert [t.get_text() for t in ax.get_xticklabels()] == CHANNELS


def test_chinese_bars_on_given_axes_render():
    from omnimkt.plotting.attribution import plot_attribution

    fig, ax = plt.subplots()
    res = SimpleNamespace(conversions=pd.Series([3.0, 2.0, 1.5, 1.0], index=CHANNELS),
                          model="马尔可夫")
    assert plot_attribution(res, ax=ax) is ax
    ax.legend(["¥1,234 京东"])
    _draw_strictly(fig)


def test_without_the_fallback_glyphs_would_be_missing():
    # The independent check that the test above can fail: DejaVu alone lacks 门店.
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("门店")
        with pytest.warns(UserWarning, match="missing from font"):
            fig.canvas.draw()
