"""The report's channel sections (issue 12): social accounts, website visits, lead sources.

Built in Python on the bundled sample (its channel tables) and on a transactions-only
folder; every number is recomputed here with pandas from the tables, by hand.
"""

from __future__ import annotations

import json
import warnings

import matplotlib
import pandas as pd
import pytest
from conftest import visible_text

from omnimkt.data import Dataset, load_dataset, write_dataset
from omnimkt.datasets import generate
from omnimkt.plotting._base import use_cjk_font
from omnimkt.report_sections import SECTIONS, Tr, analyse_section, build_report_content
from omnimkt.report_sections import leads as leads_section
from omnimkt.report_sections import social as social_section
from omnimkt.report_sections import web as web_section
from omnimkt.report_sections.config import resolve_config

matplotlib.use("Agg")

MODULES = {"social": social_section, "web": web_section, "leads": leads_section}
HEADINGS = {"en": {"social": "Social accounts: effect, not clicks or fans",
                   "web": "Website visits: which visits lead to orders",
                   "leads": "Lead sources: what each costs and earns"},
            "zh": {"social": "社交账号投放：看效果，不看点击和粉丝",
                   "web": "网站访问：哪些访问带来订单",
                   "leads": "线索来源：成本与收益"}}


@pytest.fixture(scope="module")
def cfg():
    return {**resolve_config({}), "_saved_value": 300.0}


@pytest.fixture(scope="module")
def pages(sample, cfg):
    """Each channel section's visible text in both languages (Chinese glyph warnings kept)."""
    use_cjk_font()
    an = {"_cfg": cfg}
    for name in MODULES:
        analyse_section(name, sample, an)
    out, missing = {}, []
    for lang in ("zh", "en"):
        tr = Tr(lang)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            secs = {n: m.build(an[n], tr, cfg) for n, m in MODULES.items()}
        missing += [str(w.message) for w in seen if "missing from" in str(w.message)]
        out[lang] = {n: (s, visible_text(s.to_html(tr))) for n, s in secs.items()}
    out["missing_glyphs"] = missing
    return out


def test_sample_has_the_channel_tables(sample):
    assert len(sample.sessions) > 1000 and len(sample.leads) > 1000
    assert len(sample.lead_orders) > 1000 and len(sample.social_posts) == 40
    assert set(sample.lead_events["source"]) >= {"fair", "canvassing"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_three_sections_with_their_titles(pages, lang):
    for name, (sec, text) in pages[lang].items():
        assert sec.skipped is None, name
        assert sec.heading == HEADINGS[lang][name]
        assert HEADINGS[lang][name] in text
        assert sec.figures and sec.tables and sec.todo, name
        assert sec.answer.count(". ") == 0 and sec.answer.count("。") <= 1, name  # one sentence
        assert "nan" not in text.split() and "NaN" not in text
    assert not pages["missing_glyphs"]


def test_social_numbers_by_hand(sample, pages):
    posts = sample.social_posts
    clicks = posts.groupby("account")["clicks"].sum()
    top = clicks.idxmax()
    share = clicks.max() / clicks.sum()
    # An account's extra orders: exposed conversions minus exposed x held-out rate.
    g = posts.groupby("account")[["impressions", "conversions", "holdout",
                                  "holdout_conversions"]].sum()
    inc = g["conversions"] - g["impressions"] * g["holdout_conversions"] / g["holdout"]
    best = inc.idxmax()
    for lang in ("zh", "en"):
        sec, text = pages[lang]["social"]
        assert f"{top}" in sec.answer and f"{100 * share:.0f}%" in sec.answer
        assert f"{best}" in sec.answer
        assert f"{inc[best]:,.1f}" in text
        assert f"{100 * clicks[top] / clicks.sum():.1f}%" in text
    assert sample.social_posts["clicks"].sum() == clicks.sum()
    assert f"{clicks.sum():,} clicks" in pages["en"]["social"][0].answer


def test_web_numbers_by_hand(sample, pages, cfg):
    s = sample.sessions
    rate = s["ordered"].mean()
    sr = s[(s["source"] == "search") & s["returning"]]["ordered"]
    ads = s[s["campaign"] == "search_ads"]
    cpc = cfg["margin"] * ads["order_value"].sum() / len(ads)  # margin on sales per click
    for lang in ("zh", "en"):
        sec, text = pages[lang]["web"]
        assert f"{len(s):,}" in sec.answer and f"{100 * rate:.1f}%" in sec.answer
        assert f"{100 * sr.mean():.1f}%" in text
        assert f"¥{cpc:,.2f}" in text
    assert "search / returning visitor" in pages["en"]["web"][0].answer
    assert "搜索广告" in pages["zh"]["web"][1]  # campaign codes shown by their label


def test_leads_numbers_by_hand(sample, pages):
    leads, orders, events = sample.leads, sample.lead_orders, sample.lead_events
    fair = leads[leads["source"] == "fair"]
    o = orders.merge(fair[["customer_id", "captured", "event_id"]], on="customer_id")
    on_the_day = o[o["timestamp"].dt.normalize() == o["captured"]]
    per_order = on_the_day["event_id"].map(events.set_index("event_id")["fee_per_order"])
    cost = events.loc[events["source"] == "fair", "fee"].sum() + per_order.sum()
    net = o["margin"].sum() - cost
    for lang in ("zh", "en"):
        sec, text = pages[lang]["leads"]
        assert f"¥{cost:,.0f}" in text and f"¥{net:,.0f}" in text
        assert f"¥{cost / len(fair):,.2f}" in text  # cost per fair lead
    assert "建材联盟活动" in pages["zh"]["leads"][1]
    n = int((leads["voucher_value"] > 0).sum())
    assert f"({n:,} leads carry one)" in pages["en"]["leads"][1]


def test_channel_sections_skipped_on_a_transactions_only_folder(tmp_path):
    world = generate(150, seed=3, tables="transactions")
    write_dataset(Dataset(transactions=world.transactions), tmp_path, format="csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = load_dataset(tmp_path)
        reports = {lang: build_report_content(data, lang=lang) for lang in ("zh", "en")}
    notes = {"zh": ("本部分无法基于现有数据计算：未提供社交媒体帖子数据（social_posts）。",
                    "本部分无法基于现有数据计算：未提供网站访问数据（sessions）。",
                    "本部分无法基于现有数据计算：未提供销售线索数据（leads）。"),
             "en": ("could not be computed for this data: no social posts table",
                    "could not be computed for this data: no website visits table (sessions)",
                    "could not be computed for this data: no leads table (leads)")}
    for lang, rep in reports.items():
        keys = [s.key for s in rep.sections]
        assert keys[-3:] == ["social", "web", "leads"]
        text = visible_text(rep.html())
        for note in notes[lang]:
            assert note in text
        for sec in rep.sections[-3:]:
            assert sec.skipped and not sec.figures


def test_leads_without_margin_orders_are_skipped(cfg):
    tx = pd.DataFrame({"customer_id": [1], "timestamp": pd.to_datetime(["2025-03-02"]),
                       "amount": [10.0]})
    leads = pd.DataFrame({"customer_id": [1], "source": ["fair"],
                          "captured": pd.to_datetime(["2025-03-01"])})
    an = {"_cfg": cfg}
    analyse_section("leads", Dataset(transactions=tx, leads=leads), an)
    sec = leads_section.build(an["leads"], Tr("en"), cfg)
    assert "gross margin (lead_orders, or transactions with a margin column)" in sec.skipped


def test_report_template_runs_every_section():
    from importlib.resources import files

    nb = json.loads((files("omnimkt") / "report_template.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for name in SECTIONS:
        assert f'analyse_section("{name}", data, analysis)' in code
