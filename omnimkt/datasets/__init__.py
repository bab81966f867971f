"""Data sets: the synthetic omnichannel world, the bundled sample and CDNOW."""

from omnimkt.datasets.loaders import load_cdnow, load_sample, make_sample, read_world
from omnimkt.datasets.synthetic import GroundTruth, SyntheticWorld, generate

__all__ = [
    "GroundTruth", "SyntheticWorld", "generate", "load_cdnow", "load_sample", "make_sample",
    "read_world",
]
