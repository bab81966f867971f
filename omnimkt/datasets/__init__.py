"""Data sets: the synthetic omnichannel world, the channel case worlds, the bundled sample
and CDNOW."""

from omnimkt.datasets.leads import generate_leads
from omnimkt.datasets.loaders import (
    channel_tables,
    load_cdnow,
    load_sample,
    make_sample,
    read_world,
)
from omnimkt.datasets.sessions import generate_sessions
from omnimkt.datasets.social import generate_social
from omnimkt.datasets.synthetic import GroundTruth, SyntheticWorld, generate

__all__ = [
    "GroundTruth", "SyntheticWorld", "channel_tables", "generate", "generate_leads",
    "generate_sessions", "generate_social", "load_cdnow", "load_sample", "make_sample",
    "read_world",
]
