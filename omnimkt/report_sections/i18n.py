"""Every word the client report shows, in Chinese and English, and how numbers are written.

:class:`Tr` is the one place the report turns numbers, counts, money and codes into
text: ``tr("clv.answer", total=...)`` fills a template of the report language,
``tr.money(30830232)`` gives ``¥30,830,232``, ``tr.count(1, "customer")`` gives
``1 customer`` (``1 位客户`` in Chinese) and ``tr.label("store_visit")`` gives the
display label (``store visit`` / ``门店到访``), overridable per client.

Examples
--------
>>> en, zh = Tr("en"), Tr("zh")
>>> en.money(30830232), en.count(1, "customer"), en.count(2, "customer")
('¥30,830,232', '1 customer', '2 customers')
>>> zh.count(1234, "customer"), zh.label("time_decay"), en.label("app_push")
('1,234位客户', '时间衰减', 'app push')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from omnimkt.errors import ModelError

__all__ = ["CURRENCY_SYMBOLS", "LABELS", "LANGS", "Tr"]

LANGS = ("zh", "en")
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$",
                    "JPY": "JP¥", "TWD": "NT$", "SGD": "S$"}
_DASH = "–"

#: Nouns that take a count: English (singular, plural) and the Chinese measure word + noun.
NOUNS: dict[str, tuple[str, str, str]] = {
    "customer": ("customer", "customers", "位客户"),
    "order": ("order", "orders", "笔订单"),
    "day": ("day", "days", "天"),
    "month": ("month", "months", "个月"),
    "member": ("member", "members", "位会员"),
    "action": ("action", "actions", "项行动"),
    "row": ("row", "rows", "行"),
    "journey": ("journey", "journeys", "条旅程"),
    "touch": ("marketing touch", "marketing touches", "次营销触达"),
    "channel": ("channel", "channels", "个渠道"),
    "account": ("account", "accounts", "个账号"),
    "click": ("click", "clicks", "次点击"),
    "person": ("person", "people", "人"),
    "repeat_buyer": ("repeat buyer", "repeat buyers", "位老客户"),
    "quiet_vip": ("high-value customer who has gone quiet",
                  "high-value customers who have gone quiet", "位已沉默的高价值客户"),
    "reminder": ("replenishment reminder", "replenishment reminders", "条补货提醒"),
    "unit": ("unit", "units", "件"),
    "first_buyer": ("first buyer", "first buyers", "位首购客户"),
}

#: Display labels of omnimkt's own codes (channels, segments, models, actions, tiers, stages).
LABELS: dict[str, tuple[str, str]] = {
    # sales channels and touchpoint channels
    "store_pos": ("store", "门店"), "ecommerce": ("online store", "电商"),
    "mini_shop": ("mini-program shop", "小程序商城"), "app": ("app", "App"),
    "app_push": ("app push", "App推送"), "messaging_article": ("official-account article",
                                                               "公众号文章"),
    "parenting_class": ("parenting class", "育儿课堂"), "referral": ("referral", "老带新推荐"),
    "search_ads": ("search ads", "搜索广告"), "sms": ("SMS", "短信"),
    "social_kol": ("social media KOL", "社交媒体KOL"), "store_visit": ("store visit", "门店到访"),
    "tv": ("TV", "电视广告"), "direct": ("direct", "直接访问"), "email": ("e-mail", "邮件"),
    "phone": ("phone call", "电话"), "wechat": ("WeChat", "微信"),
    "messaging": ("messaging app", "微信消息"),
    # lead sources, visit sources and media campaigns (channel sections)
    "fair": ("building-materials fair", "建材联盟活动"), "canvassing": ("estate canvassing", "扫楼"),
    "walk_in": ("walk-in", "进店客户"), "service_call": ("service call", "服务营销回访"),
    "developer": ("developer voucher", "开发商购物券"), "search": ("search", "搜索"),
    "campaign": ("media campaign", "媒体投放"), "portal_banner": ("portal banner", "门户网站横幅"),
    "video_preroll": ("video pre-roll", "视频贴片"),
    # attribution models
    "last_touch": ("last touch", "末次触点"), "first_touch": ("first touch", "首次触点"),
    "linear": ("linear", "线性"), "time_decay": ("time decay", "时间衰减"),
    "position_based": ("position-based", "位置加权"), "markov": ("Markov", "马尔可夫"),
    "shapley": ("Shapley", "Shapley值"), "last_non_direct": ("last non-direct", "末次非直接"),
    # RFM segments
    "champions": ("champions", "核心客户"), "loyal": ("loyal", "忠诚客户"),
    "potential loyalist": ("potential loyalist", "潜力客户"), "new": ("new", "新客户"),
    "promising": ("promising", "有望培养"), "need attention": ("need attention", "需要关注"),
    "about to sleep": ("about to sleep", "即将沉睡"), "at risk": ("at risk", "流失风险"),
    "can't lose": ("can't lose", "不能流失"), "hibernating": ("hibernating", "沉睡客户"),
    "lost": ("lost", "已流失"),
    # four classes (case A)
    "potential": ("potential", "潜在客户"), "ordinary": ("ordinary", "普通客户"),
    "advocate": ("advocate", "推荐者"),
    # value tiers
    "top 20%": ("top 20%", "前20%"), "next 30%": ("next 30%", "中间30%"),
    "bottom 50%": ("bottom 50%", "后50%"),
    # replenishment actions and offers
    "follow_up_call": ("follow-up call", "回访电话"), "repurchase_prompt": ("repurchase prompt",
                                                                        "复购提醒"),
    "win_back": ("win-back offer", "唤醒优惠"), "service_content": ("service content", "服务内容"),
    "standard": ("standard", "常规"), "price_offer": ("price offer", "价格优惠"),
    "total": ("total", "合计"),
    "1-star": ("1-star member", "一星会员"), "2-star": ("2-star member", "二星会员"),
    "3-star": ("3-star (diamond) member", "三星（钻石）会员"),
    # lifecycle stages
    "discover": ("discover", "发现"), "aware": ("aware", "认知"), "consider": ("consider", "考虑"),
    "choose": ("choose", "选择"), "purchase": ("purchase", "购买"),
    "satisfied": ("satisfied", "满意"),
    # categories, products, regions of the bundled sample
    "formula": ("formula", "奶粉"), "other": ("other", "其他"),
    "formula_premium": ("premium formula", "高端奶粉"),
    "formula_standard": ("standard formula", "标准奶粉"), "diapers": ("diapers", "纸尿裤"),
    "nutrition": ("nutrition", "营养品"), "probiotics": ("probiotics", "益生菌"),
    "central": ("central", "华中"), "east": ("east", "华东"), "north": ("north", "华北"),
    "northeast": ("northeast", "东北"), "northwest": ("northwest", "西北"),
    "south": ("south", "华南"), "southwest": ("southwest", "西南"),
    # churn scores
    "1 - P(alive) [BG/NBD]": ("inactivity score (BG/NBD)", "不活跃概率（BG/NBD）"),
    "1 - P(alive) [MBG/NBD]": ("inactivity score (MBG/NBD)", "不活跃概率（MBG/NBD）"),
    "1 - P(alive) [Pareto/NBD]": ("inactivity score (Pareto/NBD)", "不活跃概率（Pareto/NBD）"),
    "P(no purchase) [BG/NBD]": ("chance of no purchase (BG/NBD)", "不复购概率（BG/NBD）"),
    "P(no purchase) [MBG/NBD]": ("chance of no purchase (MBG/NBD)", "不复购概率（MBG/NBD）"),
    "P(no purchase) [Pareto/NBD]": ("chance of no purchase (Pareto/NBD)",
                                    "不复购概率（Pareto/NBD）"),
    "supervised (gbm)": ("machine-learning score", "机器学习评分"),
    "supervised (logistic)": ("machine-learning score (logistic)", "机器学习评分（逻辑回归）"),
    # funnel steps
    "1st purchase": ("1st order", "首单"), "2nd purchase": ("2nd order", "第2单"),
    "3rd purchase": ("3rd order", "第3单"), "4th purchase": ("4th order", "第4单"),
    "exposure": ("exposure", "曝光"), "interaction": ("interaction", "互动"),
    "effective member": ("effective member", "有效会员"), "sales": ("sales", "成交"),
    "repeat purchase": ("repeat purchase", "复购"),
    # user paths
    "(start)": ("no earlier touch", "无更早触点"),
}

#: Words omnimkt's plots write inside charts: (pattern, English, Chinese); groups fill {0}, {1}.
CHART_TEXTS: list[tuple[str, str, str]] = [
    (r"all customers", "all customers", "全部客户"),
    (r"median", "median", "中位数"), (r"mean", "mean", "均值"), (r"random", "random", "随机"),
    (r"top (\d+)% (?:hold|bring) (\d+)%", "top {0}% hold {1}%", "前{0}%客户占{1}%"),
    (r"customers ranked by value", "customers ranked by value", "按价值排序的客户"),
    (r"equal value", "equal value", "价值均等"), (r"2-8 rule: 80%", "2-8 rule: 80%", "二八法则：80%"),
    (r"customers", "customers", "客户数"), (r"spend", "spend", "消费额"), (r"people", "people", "人数"),
    (r"share \(%\)", "share (%)", "占比（%）"),
    (r"price offers below (\d+)", "price offers below ¥{0}", "低于¥{0}：价格优惠"),
    (r"service above (\d+)", "service content from ¥{0}", "¥{0}以上：服务内容"),
    (r"(\S*)\s*\((\d+)% of first, (\d+)% of previous\)", "{0} ({1}% of first, {2}% of previous)",
     "{0}（累计{1}%，较上一环节{2}%）"),
    (r"P\(no purchase in (\d+) d\) \[(.+)\]", "chance of no purchase in {0} days ({1})",
     "{0}天内不复购概率（{1}）"),
    (r"effective sales", "effective sales", "有效销售"),
    (r"effective repeat purchase", "effective repeat purchase", "有效复购"),
    (r"effective member", "effective member", "有效会员"),
    (r"discounts", "discounts", "折扣"),
    (r"vouchers \(after breakage\)", "vouchers (after breakage)", "代金券（扣除未核销）"),
]

from omnimkt.report_sections._strings import GLOSSARY, STRINGS  # noqa: E402


def _check_lang(lang: Any) -> str:
    if lang not in LANGS:
        raise ModelError(f"lang: {lang!r} is not one of 'zh', 'en'.")
    return str(lang)


class Tr:
    """Text of the report in one language, currency and set of labels.

    Parameters
    ----------
    lang : "zh" or "en"
    currency : str
        ISO code ("CNY" default: ``¥`` with thousands separators) or any symbol/text.
    labels : mapping, optional
        Code -> display label, overriding the built-in labels (both languages).
    """

    def __init__(self, lang: str = "zh", currency: str = "CNY",
                 labels: Mapping[str, str] | None = None) -> None:
        self.lang = _check_lang(lang)
        if not isinstance(currency, str) or not currency.strip():
            raise ModelError(f"currency: expected a currency code such as 'CNY', got {currency!r}.")
        self.currency = currency.strip()
        self.symbol = CURRENCY_SYMBOLS.get(self.currency.upper(), "")
        if labels is not None and not isinstance(labels, Mapping):
            raise ModelError(f"labels: expected a mapping code -> label, got {type(labels).__name__}.")
        bad = [k for k, v in dict(labels or {}).items() if not isinstance(v, str)]
        if bad:
            raise ModelError(f"labels: the label for {bad[0]!r} must be text.")
        self.labels = {str(k): v for k, v in dict(labels or {}).items()}
        self._i = 0 if self.lang == "en" else 1

    # ------------------------------------------------------------------ text
    def __call__(self, key: str, **values: Any) -> str:
        """The template ``key`` in the report language, filled with ``values``."""
        try:
            template = STRINGS[key][self._i]
        except KeyError:
            raise KeyError(f"report text {key!r} is missing from omnimkt.report_sections") from None
        template = self.cur(template)
        return template.format(**values) if values else template

    @property
    def colon(self) -> str:
        """The colon after a label: ": " in English, "：" in Chinese."""
        return ": " if self._i == 0 else "："

    def glossary(self, term: str) -> tuple[str, str]:
        """(term, explanation) of a glossary entry in the report language."""
        en, zh = GLOSSARY[term]
        term, meaning = en if self._i == 0 else zh
        return self.cur(term), self.cur(meaning)

    def cur(self, text: str) -> str:
        """``text`` with the ¥ of the built-in wording turned into the report currency."""
        if self.symbol == "¥":
            return text
        return text.replace("¥", self.symbol or f"{self.currency} ")

    def label(self, code: Any) -> str:
        """Display label of a code: the client's label, else omnimkt's, else the code as text."""
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return _DASH
        key = str(code)
        if key in self.labels:
            return self.labels[key]
        if key in LABELS:
            return LABELS[key][self._i]
        return self.chart(key)

    def chart(self, text: str) -> str:
        """A word a plot wrote inside a chart, in the report language (else unchanged)."""
        import re

        for pattern, en, zh in CHART_TEXTS:
            m = re.fullmatch(pattern, text.strip())
            if m:
                return self.cur(en if self._i == 0 else zh).format(*m.groups())
        return text

    # ------------------------------------------------------------------ numbers
    def number(self, x: Any, digits: int = 0) -> str:
        """``x`` with thousands separators and ``digits`` decimals; a dash when missing."""
        if x is None or _missing(x):
            return _DASH
        return f"{float(x):,.{digits}f}"

    def money(self, x: Any, digits: int | None = None) -> str:
        """``x`` in the report currency: ``¥30,830,232``; small amounts keep two decimals."""
        if x is None or _missing(x):
            return _DASH
        v = float(x)
        if digits is None:
            digits = 0 if abs(v) >= 100 or v == round(v) else 2
        body = f"{abs(v):,.{digits}f}"
        sign = "-" if v < 0 and float(body.replace(",", "")) != 0 else ""
        if self.symbol:
            return f"{sign}{self.symbol}{body}"
        return f"{sign}{body} {self.currency}"

    def pct(self, share: Any, digits: int = 0) -> str:
        """A share (0.456) as a percentage ("46%"); a dash when missing."""
        if share is None or _missing(share):
            return _DASH
        return f"{100 * float(share):.{digits}f}%"

    def count(self, n: Any, noun: str) -> str:
        """``n`` with its noun, singular or plural as the number needs ("1 customer")."""
        en1, en2, zh = NOUNS[noun]
        k = int(n)
        if self._i == 1:
            return f"{k:,}{zh}"
        return f"{k:,} {en1 if k == 1 else en2}"

    def date(self, day: Any) -> str:
        """A calendar day: 2025-12-31 (en) or 2025年12月31日 (zh)."""
        if day is None or day is pd.NaT:
            return _DASH
        d = pd.Timestamp(day)
        return f"{d:%Y-%m-%d}" if self._i == 0 else f"{d.year}年{d.month}月{d.day}日"

    def days(self, x: Any, digits: int = 0) -> str:
        """A duration in days ("1 day", "22.5 days", "22.5 天")."""
        if x is None or _missing(x):
            return _DASH
        v = float(x)
        if digits == 0 and self._i == 0:
            return self.count(round(v), "day")
        text = f"{v:,.{digits}f}"
        return f"{text}天" if self._i == 1 else f"{text} {'day' if v == 1 else 'days'}"

    def join(self, items: list[str]) -> str:
        """Items as a list in running text ("a, b and c" / "a、b和c")."""
        items = [i for i in items if i]
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        if self._i == 1:
            return "、".join(items[:-1]) + "和" + items[-1]
        return ", ".join(items[:-1]) + " and " + items[-1]


def _missing(x: Any) -> bool:
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False
