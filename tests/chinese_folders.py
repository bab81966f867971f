"""Data folders as Chinese teams have them, built from the bundled sample (issue 14).

``make_chinese_folders(root)`` writes one folder per feature, each holding the
first ``n_customers`` customers of :func:`omnimkt.datasets.load_sample` (so the
parsed values can be checked against the sample's own frames) and a
``columns.json`` with the column mapping a user would pass (``{}`` when the
names are canonical):

- ``gbk_csv``: GBK CSVs (what Excel on a Chinese Windows saves) with Chinese
  column names (会员编号, 交易时间, 金额, 渠道 ...): transactions and customers.
- ``xlsx``: ``transactions.xlsx`` and ``customers.xlsx`` (first sheet holds the
  data, a second sheet ``说明`` holds a note).
- ``yuan_amounts``: amounts written ``¥1,234.50``, ``￥1,234.50``, ``1,234.50``,
  ``1234.50元``, ``RMB 1234.50``, ``CNY 1,234.50`` (rotating).
- ``chinese_dates``: transaction times ``2024年3月5日 14:03`` (to the minute),
  customer dates ``2024年1月2日 13:02:53`` and ``2023年6月20日``.
- ``chinese_channels``: channels 门店 / 天猫旗舰店 / 微信小程序 / 京东 and Chinese
  touchpoint channels (:data:`CHANNELS_ZH`).
- ``transactions_only``: one UTF-8 CSV with a byte-order mark (Excel's "CSV UTF-8").
- ``full``: all four tables combining the above (GBK and UTF-8-BOM CSVs and an
  .xlsx, Chinese column names, ¥ amounts, Chinese dates and channels).

Used by tests/test_data_chinese.py and by the CLI and report tests.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from omnimkt.data import Dataset
from omnimkt.datasets import load_sample

__all__ = ["CHANNELS_ZH", "COLUMNS_ZH", "FOLDERS", "make_chinese_folders", "sample_subset"]

#: Sample channel codes -> the names a Chinese retailer's export holds.
CHANNELS_ZH: dict[str, str] = {
    "store_pos": "门店", "ecommerce": "天猫旗舰店", "mini_shop": "微信小程序", "app": "京东",
    "tv": "电视广告", "social_kol": "小红书达人", "store_visit": "门店到访",
    "search_ads": "百度搜索", "sms": "短信", "referral": "老带新",
    "messaging_article": "公众号文章", "app_push": "APP推送", "parenting_class": "育儿课堂",
}
#: Canonical column -> Chinese column name (the ``columns=`` mapping a user passes).
COLUMNS_ZH: dict[str, str] = {
    "customer_id": "会员编号", "timestamp": "交易时间", "amount": "金额", "channel": "渠道",
    "order_id": "订单号", "product": "商品", "category": "品类", "quantity": "数量",
    "list_price": "标价", "discount": "折扣", "signup_date": "注册日期",
    "acquisition_channel": "获客渠道", "region": "地区", "referrer_id": "推荐人",
    "baby_birth_date": "宝宝生日", "account": "账号", "campaign": "活动", "event": "行为",
    "cost": "费用", "stage": "阶段",
}
FOLDERS = ("gbk_csv", "xlsx", "yuan_amounts", "chinese_dates", "chinese_channels",
           "transactions_only", "full")
_MONEY_FORMS = ("¥{:,.2f}", "￥{:,.2f}", "{:,.2f}", "{:.2f}元", "RMB {:.2f}", "CNY {:,.2f}")


@functools.lru_cache(maxsize=4)
def sample_subset(n_customers: int = 600) -> Dataset:
    """The sample's tables restricted to its first ``n_customers`` customer ids (do not modify)."""
    world = load_sample()
    keep = sorted(world.customers["customer_id"])[:n_customers]
    tables = {}
    # The formula brand's tables (the sample's channel tables are other businesses).
    for kind in ("transactions", "touchpoints", "customers", "stage_events"):
        df = getattr(world, kind)
        sub = df[df["customer_id"].isin(keep)].reset_index(drop=True)
        if kind == "customers":
            sub = sub.assign(referrer_id=sub["referrer_id"].where(sub["referrer_id"].isin(keep)))
        tables[kind] = sub
    return Dataset(**tables)


def _zh_names(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns=COLUMNS_ZH)


def _channels_zh(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("channel", "acquisition_channel") if c in df.columns]
    return df.assign(**{c: df[c].map(CHANNELS_ZH) for c in cols})


def _yuan(amount: pd.Series, *, gbk: bool = False) -> list[str]:
    # GBK has the full-width ￥ only; GB18030 and UTF-8 have both signs.
    forms = [f.replace("¥", "￥") for f in _MONEY_FORMS] if gbk else _MONEY_FORMS
    return [forms[i % len(forms)].format(v) for i, v in enumerate(amount)]


def _zh_time(ts: pd.Series, *, seconds: bool) -> list[str]:
    tail = ":%S" if seconds else ""
    return [f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}" + (f"{t:{tail}}" if seconds else "")
            for t in ts]


def _zh_day(ts: pd.Series) -> list[str | None]:
    return [None if pd.isna(t) else f"{t.year}年{t.month}月{t.day}日" for t in ts]


def _write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    df.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        df.to_excel(xl, sheet_name="数据", index=False)
        pd.DataFrame({"说明": ["导出自会员系统"]}).to_excel(xl, sheet_name="说明", index=False)


def _folder(root: Path, name: str, columns: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "columns.json").write_text(json.dumps(columns, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    return folder


def _customers_zh_dates(cu: pd.DataFrame) -> pd.DataFrame:
    signup = [None if pd.isna(t) else s for t, s in
              zip(cu["signup_date"], _zh_time(cu["signup_date"].fillna(pd.Timestamp(0)),
                                              seconds=True), strict=True)]
    return cu.assign(signup_date=signup, baby_birth_date=_zh_day(cu["baby_birth_date"]))


def make_chinese_folders(root: Path, n_customers: int = 600) -> dict[str, Path]:
    """Write the folders of the module doc under ``root``; returns name -> folder.

    Each folder holds ``columns.json``: load it with
    ``load_dataset(folder, json.loads((folder / "columns.json").read_text("utf-8")))``.
    """
    root = Path(root)
    ds = sample_subset(n_customers)
    tx, cu = ds.transactions, ds.customers
    tx_cols = ["customer_id", "timestamp", "amount", "channel"]
    out: dict[str, Path] = {}

    f = out["gbk_csv"] = _folder(root, "gbk_csv", COLUMNS_ZH)
    _write_csv(_zh_names(tx), f / "transactions.csv", "gbk")
    _write_csv(_zh_names(cu), f / "customers.csv", "gbk")

    f = out["xlsx"] = _folder(root, "xlsx", {})
    _write_xlsx(tx, f / "transactions.xlsx")
    _write_xlsx(cu, f / "customers.xlsx")

    f = out["yuan_amounts"] = _folder(root, "yuan_amounts", {})
    _write_csv(tx.assign(amount=_yuan(tx["amount"])), f / "transactions.csv")

    f = out["chinese_dates"] = _folder(root, "chinese_dates", {})
    _write_csv(tx.assign(timestamp=_zh_time(tx["timestamp"], seconds=False)),
               f / "transactions.csv")
    _write_csv(_customers_zh_dates(cu), f / "customers.csv")

    f = out["chinese_channels"] = _folder(root, "chinese_channels", {})
    _write_csv(_channels_zh(tx), f / "transactions.csv")
    _write_csv(_channels_zh(ds.touchpoints), f / "touchpoints.csv")
    _write_csv(_channels_zh(cu), f / "customers.csv")

    f = out["transactions_only"] = _folder(root, "transactions_only", {})
    _write_csv(tx[tx_cols], f / "transactions.csv", "utf-8-sig")

    full_cols = dict(COLUMNS_ZH, timestamp="时间")
    f = out["full"] = _folder(root, "full", full_cols)
    full_tx = _channels_zh(tx).assign(amount=_yuan(tx["amount"], gbk=True),
                                      timestamp=_zh_time(tx["timestamp"], seconds=False))
    _write_csv(full_tx.rename(columns=full_cols), f / "transactions.csv", "gbk")
    full_tp = _channels_zh(ds.touchpoints).assign(
        timestamp=_zh_time(ds.touchpoints["timestamp"], seconds=True),
        cost=_yuan(ds.touchpoints["cost"]))
    _write_csv(full_tp.rename(columns=full_cols), f / "touchpoints.csv", "utf-8-sig")
    _write_xlsx(_channels_zh(cu).rename(columns=full_cols), f / "customers.xlsx")
    ev = ds.stage_events.assign(timestamp=_zh_time(ds.stage_events["timestamp"], seconds=True))
    _write_csv(ev.rename(columns=full_cols), f / "stage_events.csv", "gbk")
    return out
