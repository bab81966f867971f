"""Social accounts and WeChat methods (shared case E, CASES.md N).

- accounts: :class:`AccountContribution` (incremental conversions per account from a
  hold-out, bootstrap intervals), :func:`fans_vs_effect` (rankings by followers,
  clicks and effect), :func:`check_posts`; :func:`concentration` (top share, HHI,
  Gini, Lorenz; the same as :func:`omnimkt.attribution.concentration`);
- drift: :func:`audience_drift` (an account's interest mix per period, Jensen-Shannon
  distance);
- wechat: :func:`method_funnel` (reach -> reception -> interaction -> conversion per
  method, Wilson intervals);
- quiz: :func:`quiz_points` (daily points, standings), :func:`remarketing_segments`
  (participants regrouped by sex and region).

A synthetic world with the truth: :mod:`omnimkt.datasets.social`.
"""

from omnimkt.attribution.economics import Concentration, concentration
from omnimkt.social.accounts import (
    POST_COLUMNS,
    AccountContribution,
    RankingComparison,
    check_posts,
    fans_vs_effect,
)
from omnimkt.social.drift import AudienceDrift, audience_drift
from omnimkt.social.quiz import QuizPoints, RemarketingSegments, quiz_points, remarketing_segments
from omnimkt.social.wechat import FUNNEL_STEPS, MethodFunnel, method_funnel

__all__ = [
    "FUNNEL_STEPS", "POST_COLUMNS", "AccountContribution", "AudienceDrift", "Concentration",
    "MethodFunnel", "QuizPoints", "RankingComparison", "RemarketingSegments", "audience_drift",
    "check_posts", "concentration", "fans_vs_effect", "method_funnel", "quiz_points",
    "remarketing_segments",
]
