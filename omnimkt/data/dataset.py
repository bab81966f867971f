"""A bundle of the canonical tables that models and the report take as one argument."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd


@dataclass
class Dataset:
    """The canonical tables of one customer data set; tables not available are ``None``.

    Attributes
    ----------
    transactions : DataFrame
        customer_id, timestamp, amount (+ order_id, channel, product, category,
        quantity, list_price, discount ...).
    touchpoints : DataFrame or None
        customer_id, timestamp, channel (+ account, campaign, event, cost).
    customers : DataFrame or None
        customer_id (+ signup_date, acquisition_channel, region, referrer_id,
        baby_birth_date).
    stage_events : DataFrame or None
        customer_id, timestamp, stage (one of :data:`omnimkt.data.STAGES`).
    sessions : DataFrame or None
        Website visits: customer_id (the visitor), timestamp, source (+ returning,
        pages, dwell_seconds, outcome flags, order_value ...).
    leads, lead_events, lead_orders : DataFrame or None
        A retailer's leads (customer_id, source, captured ...), the events that
        brought them with their fees, and the leads' orders with ``margin`` (when
        they are not in ``transactions``).
    social_posts : DataFrame or None
        Social-media campaign posts: account, followers, impressions, clicks,
        conversions, holdout, holdout_conversions.
    sources : dict
        With ``load_dataset(..., engine="duckdb"|"spark")`` the tables are DuckDB
        relations or Spark DataFrames instead (validated, canonical), which the
        engine-aware functions take as they are (see :mod:`omnimkt.data.engine`).
        What :func:`~omnimkt.data.load_dataset` found per table: ``file``,
        ``format``, ``encoding`` (text files) or ``sheet`` (Excel) and ``rows``
        read; empty for tables built in memory.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1], "timestamp": [pd.Timestamp("2025-01-01")],
    ...                    "amount": [10.0]})
    >>> Dataset(transactions=tx).tables()
    ['transactions']
    """

    transactions: pd.DataFrame
    touchpoints: pd.DataFrame | None = None
    customers: pd.DataFrame | None = None
    stage_events: pd.DataFrame | None = None
    sessions: pd.DataFrame | None = None
    leads: pd.DataFrame | None = None
    lead_events: pd.DataFrame | None = None
    lead_orders: pd.DataFrame | None = None
    social_posts: pd.DataFrame | None = None
    sources: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    def tables(self) -> list[str]:
        """Names of the tables present (pandas DataFrames or engine tables)."""
        return [f.name for f in fields(self) if f.name != "sources"
                and getattr(self, f.name) is not None]

    def __repr__(self) -> str:
        parts = []
        for name in self.tables():
            t = getattr(self, name)
            parts.append(f"{name}: {len(t):,} rows" if isinstance(t, pd.DataFrame)
                         else f"{name}: {type(t).__module__.split('.')[0]} table")
        return f"{type(self).__name__}(" + "; ".join(parts) + ")"
