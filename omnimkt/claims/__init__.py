"""Case K's omnichannel claims, tested on one firm's tables (004).

* :func:`channel_counts` -- per person: the *marketing* channels that reached them
  and the *sales* channels they bought through, with spend per trip in store and
  online (the two counts the article and the churn notebook mix up);
* :func:`marketing_channel_claims` -- "brands using 3+ marketing channels: +90%
  retention, +250% engagement and purchase rate", per person, raw and adjusted
  for touch or order frequency, with 95% intervals;
* :func:`shopper_spend` -- the 46,000-shopper study: omnichannel shoppers spend
  4% more per trip in store and 10% more online, 4+ channels 9% more in store.

Retention by *sales* channels is :func:`omnimkt.churn.channel_retention` (not
repeated here). Every comparison is observational: a difference is not proof
that adding a channel would cause it.
"""

from __future__ import annotations

from omnimkt.claims.counts import ENGAGED_EVENTS, STORE_CHANNELS, channel_counts, orders
from omnimkt.claims.marketing import (
    MARKETING_CLAIMS,
    TOUCH_BANDS,
    MarketingChannelClaims,
    marketing_channel_claims,
)
from omnimkt.claims.shoppers import SHOPPER_CLAIMS, ShopperSpend, shopper_spend

__all__ = [
    "ENGAGED_EVENTS", "MARKETING_CLAIMS", "SHOPPER_CLAIMS", "STORE_CHANNELS", "TOUCH_BANDS",
    "MarketingChannelClaims", "ShopperSpend", "channel_counts", "marketing_channel_claims",
    "orders", "shopper_spend",
]
