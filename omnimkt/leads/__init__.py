"""Lead sources of an appliance retailer (case H): what each source costs and earns.

- :func:`source_economics`: cost per lead and per order, margin and ROI per source;
- :func:`fair_roi`: each fair on its own orders vs with its leads' later orders;
- :class:`LeadDecayModel`: how conversion decays with the delay before the first
  contact, and :meth:`LeadDecayModel.delay_cost` of a 15-30 day hand-over;
- :func:`voucher_economics`: a developer voucher deal for the store and the developer.

Tables: ``leads`` and ``lead_events`` (:func:`omnimkt.data.validate_leads`,
:func:`omnimkt.data.validate_lead_events`) and the leads' orders (a transactions
table with ``margin``). A synthetic retailer with its truth:
:func:`omnimkt.datasets.leads.generate_leads`.
"""

from omnimkt.leads.decay import DelayCost, LeadDecayModel
from omnimkt.leads.economics import FairROI, SourceEconomics, fair_roi, source_economics
from omnimkt.leads.voucher import VoucherEconomics, voucher_economics

__all__ = [
    "DelayCost", "FairROI", "LeadDecayModel", "SourceEconomics", "VoucherEconomics", "fair_roi",
    "source_economics", "voucher_economics",
]
