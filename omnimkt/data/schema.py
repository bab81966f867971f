"""The canonical tables of omnimkt and the column mapping users keep their own names with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

#: The lifecycle relationship stages of the consumer asset model, in order
#: (shared case D): a customer moves from "none" towards "advocate".
STAGES: tuple[str, ...] = (
    "none",
    "discover",
    "aware",
    "consider",
    "choose",
    "purchase",
    "satisfied",
    "loyal",
    "advocate",
)


@dataclass(frozen=True)
class TableSpec:
    """Required and optional columns of one canonical table."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    timestamps: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()


TRANSACTIONS = TableSpec(
    "transactions",
    required=("customer_id", "timestamp", "amount"),
    optional=(
        "order_id", "channel", "store_id", "product", "category",
        "quantity", "list_price", "discount", "margin",
    ),
    timestamps=("timestamp",),
    # margin: gross margin of the row in money (may be negative on a loss-leader order).
    numeric=("amount", "quantity", "list_price", "discount", "margin"),
)
TOUCHPOINTS = TableSpec(
    "touchpoints",
    required=("customer_id", "timestamp", "channel"),
    optional=("campaign", "account", "cost", "event"),
    timestamps=("timestamp",),
    numeric=("cost",),
)
CUSTOMERS = TableSpec(
    "customers",
    required=("customer_id",),
    optional=(
        "signup_date", "acquisition_channel", "region", "referrer_id", "baby_birth_date",
    ),
    timestamps=("signup_date", "baby_birth_date"),
)
STAGE_EVENTS = TableSpec(
    "stage_events",
    required=("customer_id", "timestamp", "stage"),
    timestamps=("timestamp",),
)

#: One row per website visit (shared case F): where it came from, how deep it went
#: and which outcome events it produced (0/1 flags; order_value in money).
SESSIONS = TableSpec(
    "sessions",
    required=("customer_id", "timestamp", "source"),
    optional=(
        "session_id", "campaign", "region", "returning", "interest", "dwell_seconds", "pages",
        "registered", "downloaded", "inquiry_online", "inquiry_phone", "inquiry_email",
        "ordered", "order_value",
    ),
    timestamps=("timestamp",),
    numeric=("dwell_seconds", "pages", "order_value"),
)

#: Sales leads of a retailer (case H): one row per lead (a prospective customer, whose
#: orders are rows of transactions), with where it came from and when it was captured,
#: handed over to the store and first contacted.
LEADS = TableSpec(
    "leads",
    required=("customer_id", "source", "captured"),
    optional=("event_id", "handed_over", "contacted", "store_id", "voucher_value",
              "voucher_expiry"),
    timestamps=("captured", "handed_over", "contacted", "voucher_expiry"),
    numeric=("voucher_value",),
)
#: The events that bring leads (a fair, a canvassing weekend, a call campaign, a
#: developer deal) with what each cost: a fixed fee and a fee per order taken there.
LEAD_EVENTS = TableSpec(
    "lead_events",
    required=("event_id", "source", "event_date"),
    optional=("fee", "fee_per_order"),
    timestamps=("event_date",),
    numeric=("fee", "fee_per_order"),
)

#: The leads' orders when they are kept apart from the shop's transactions (case H): a
#: transactions table whose gross ``margin`` is required.
LEAD_ORDERS = TableSpec(
    "lead_orders",
    required=("customer_id", "timestamp", "amount", "margin"),
    optional=tuple(c for c in TRANSACTIONS.optional if c != "margin"),
    timestamps=("timestamp",),
    numeric=TRANSACTIONS.numeric,
)
#: Social-media campaign posts (shared case E): one row per post (or per account) with
#: the account's followers, the post's reach and a held-out share of its audience; the
#: rules are those of :func:`omnimkt.social.check_posts`.
SOCIAL_POSTS = TableSpec(
    "social_posts",
    required=("account", "followers", "impressions", "clicks", "conversions", "holdout",
              "holdout_conversions"),
    optional=("post_id", "platform", "topic"),
    numeric=("followers", "impressions", "clicks", "conversions", "holdout",
             "holdout_conversions"),
)

SPECS: dict[str, TableSpec] = {
    s.name: s for s in (TRANSACTIONS, TOUCHPOINTS, CUSTOMERS, STAGE_EVENTS, LEADS, LEAD_EVENTS)
}
SPECS[SESSIONS.name] = SESSIONS
SPECS[LEAD_ORDERS.name] = LEAD_ORDERS
SPECS[SOCIAL_POSTS.name] = SOCIAL_POSTS


@dataclass(frozen=True)
class Columns:
    """Map your own column names to omnimkt's canonical names.

    Give the canonical name as the keyword and your column as the value; the
    same mapping serves every table, so ``customer_id="member_no"`` renames
    the member number in transactions, touchpoints and customers alike.
    Names you do not give are expected under their canonical name.

    Examples
    --------
    >>> import pandas as pd
    >>> cols = Columns(customer_id="member_no", timestamp="paid_at", amount="total")
    >>> df = pd.DataFrame({"member_no": [1], "paid_at": ["2025-01-02"], "total": [9.5]})
    >>> list(cols.to_canonical(df).columns)
    ['customer_id', 'timestamp', 'amount']
    """

    mapping: Mapping[str, str] = field(default_factory=dict)

    def __init__(self, mapping: Mapping[str, str] | None = None, **names: str) -> None:
        merged = dict(mapping or {})
        merged.update(names)
        object.__setattr__(self, "mapping", merged)

    def to_canonical(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return ``df`` with the user's column names replaced by canonical ones."""
        inverse = {user: canon for canon, user in self.mapping.items() if user in df.columns}
        return df.rename(columns=inverse) if inverse else df

    def source_name(self, canonical: str) -> str:
        """The user's name for a canonical column (for error messages)."""
        return self.mapping.get(canonical, canonical)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.mapping.items())
        return f"Columns({inner})"
