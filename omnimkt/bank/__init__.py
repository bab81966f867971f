"""The provincial bank of case I: customer tiers, e-channel KPIs, direct-marketing features.

- :func:`tier_mix` — customers per tier against the case's 600,000 VIP / 10,000
  high-end / 100,000 corporate;
- :func:`echannel_kpis` — e-banking customers and growth, activity rate (动户率),
  online share of wealth-product sales, each against a year earlier;
- :func:`customer_features` — inputs for choosing whom to contact; the choice
  itself uses :class:`omnimkt.experiments.UpliftModel`, :func:`qini_curve` and
  :func:`target_actions` on a randomised pilot.

A synthetic branch with a pilot and its true effects:
:func:`omnimkt.datasets.bank.generate_bank`.
"""

from omnimkt.bank.kpis import EChannelKPIs, TierMix, customer_features, echannel_kpis, tier_mix

__all__ = ["EChannelKPIs", "TierMix", "customer_features", "echannel_kpis", "tier_mix"]
