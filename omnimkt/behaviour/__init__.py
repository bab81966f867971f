"""Behaviour analytics (Sensors Analytics / Mixpanel / Amplitude style).

Cohort retention (:func:`cohort_retention`), user paths (:func:`user_paths`),
intervals between events (:func:`event_intervals`), how often users do an event
(:func:`event_distribution`) and a segment against the base
(:func:`segment_profile`). Each returns an :class:`omnimkt._result.Result` with a
``summary`` table and its full tables as attributes; the plots live in
:mod:`omnimkt.plotting.behaviour`.
"""

from omnimkt.behaviour.cohorts import CohortRetention, cohort_retention
from omnimkt.behaviour.intervals import (
    EventDistribution,
    EventIntervals,
    event_distribution,
    event_intervals,
)
from omnimkt.behaviour.paths import UserPaths, user_paths
from omnimkt.behaviour.profile import SegmentProfile, segment_profile

__all__ = [
    "CohortRetention", "EventDistribution", "EventIntervals", "SegmentProfile", "UserPaths",
    "cohort_retention", "event_distribution", "event_intervals", "segment_profile", "user_paths",
]
