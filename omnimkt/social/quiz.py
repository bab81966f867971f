"""The official account's daily prize quiz: points, standings and re-marketing groups.

CASES.md N (official-account operations, the "与小艺一战到底" quiz): questions
every day, points for each right answer, the highest total wins; afterwards the
participants are regrouped by sex and region for later re-marketing (二次分组,
二次营销). Points here are a plain running sum per participant (no tiers or
expiry), so the loyalty ladder engine (:mod:`omnimkt.loyalty`) is not needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_frame, check_number
from omnimkt._result import Result
from omnimkt.data.schema import Columns
from omnimkt.errors import DataError, examples

__all__ = ["QuizPoints", "RemarketingSegments", "quiz_points", "remarketing_segments"]


class QuizPoints(Result):
    """Daily points of a prize quiz.

    Attributes
    ----------
    points : DataFrame
        participant_id, day, correct, points, total (running total).
    standings : DataFrame
        Per participant: active_days, correct, points, rank (1 = winner).
    summary : DataFrame
        Per day: participants, answers, correct_rate, points, leader, leader_points.
    """

    title = "Quiz points"

    def __init__(self, points: pd.DataFrame, standings: pd.DataFrame, summary: pd.DataFrame,
                 points_per_correct: float, daily_bonus: float) -> None:
        self.points, self.standings, self.summary = points, standings, summary
        self.points_per_correct, self.daily_bonus = points_per_correct, daily_bonus
        win = standings.index[0]
        self.notes = [f"{len(standings):,} participants over {len(summary)} days; winner "
                      f"{win} with {standings.iloc[0]['points']:,.0f} points."]

    def _settings(self) -> str:
        return f"{self.points_per_correct:g} points a right answer, {self.daily_bonus:g} a day"


def _answers(answers: Any, columns: Any) -> pd.DataFrame:
    df = as_columns(columns).to_canonical(check_frame(answers, "answers"))
    need = ("participant_id", "day", "correct")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"answers: no column {examples(missing)}; found {list(df.columns)[:8]}. "
                        "Pass participant_id, day, correct (answered optional).")
    if len(df) == 0:
        raise DataError("answers: the table is empty.")
    out = df.copy()
    for col in ("correct", *(["answered"] if "answered" in out else [])):
        v = pd.to_numeric(out[col], errors="coerce")
        bad = v.isna() | (v < 0)
        if bad.any():
            raise DataError(f"answers.{col}: {int(bad.sum())} rows are missing or negative "
                            f"(e.g. {examples(out.loc[bad, col])}). Use counts >= 0.")
        out[col] = v
    if "answered" in out and (out["correct"] > out["answered"]).any():
        bad = out["correct"] > out["answered"]
        raise DataError(f"answers.correct: {int(bad.sum())} rows have more right answers than "
                        f"questions answered (participants "
                        f"{examples(out.loc[bad, 'participant_id'])}).")
    return out


def quiz_points(answers: pd.DataFrame, *, points_per_correct: float = 10,
                daily_bonus: float = 0, columns: Columns | Mapping[str, str] | None = None
                ) -> QuizPoints:
    """Points per participant and day, running totals and the standings.

    Parameters
    ----------
    answers : DataFrame
        participant_id, day, correct (right answers that day); optional answered.
    points_per_correct : float >= 0
    daily_bonus : float >= 0
        Points for taking part on a day (rewards coming back daily).

    Examples
    --------
    >>> a = pd.DataFrame({"participant_id": [1, 1, 2], "day": [1, 2, 1], "correct": [3, 2, 4]})
    >>> q = quiz_points(a, points_per_correct=10, daily_bonus=5)
    >>> q.standings["points"].to_dict()
    {1: 60.0, 2: 45.0}
    """
    ppc = check_number(points_per_correct, "points_per_correct", low=0)
    bonus = check_number(daily_bonus, "daily_bonus", low=0)
    df = _answers(answers, columns)
    day = df.groupby(["participant_id", "day"], sort=True)["correct"].sum().reset_index()
    day["points"] = ppc * day["correct"] + bonus
    day["total"] = day.groupby("participant_id")["points"].cumsum()
    st = day.groupby("participant_id").agg(active_days=("day", "size"),
                                           correct=("correct", "sum"), points=("points", "sum"))
    st = st.sort_values(["points", "correct"], ascending=False, kind="stable")
    st["rank"] = st["points"].rank(ascending=False, method="min").astype(int)
    leaders = day.sort_values(["day", "total"], ascending=[True, False], kind="stable")
    per_day = []
    for d, g in day.groupby("day", sort=True):
        lead = leaders[leaders["day"] <= d].groupby("participant_id")["total"].max()
        per_day.append({"day": d, "participants": len(g), "correct": g["correct"].sum(),
                        "points": g["points"].sum(), "leader": lead.idxmax(),
                        "leader_points": lead.max()})
    summary = pd.DataFrame(per_day).set_index("day")
    if "answered" in df:
        summary.insert(2, "correct_rate",
                       summary["correct"] / df.groupby("day")["answered"].sum())
    return QuizPoints(day, st, summary, ppc, bonus)


class RemarketingSegments(Result):
    """Quiz participants regrouped (e.g. by sex and region) for re-marketing.

    Attributes
    ----------
    summary : DataFrame
        Per group: participants, share, mean_active_days, mean_points,
        regulars_share (active on at least half the days), top10_share (share of
        the group in the top 10 % by points).
    members : DataFrame
        participant_id, the grouping columns, points, active_days, regular: the
        lists to send.
    by : tuple of str
    """

    title = "Re-marketing segments"

    def __init__(self, summary: pd.DataFrame, members: pd.DataFrame, by: tuple[str, ...]) -> None:
        self.summary, self.members, self.by = summary, members, by
        big = summary["participants"].idxmax()
        eng = summary["regulars_share"].idxmax()
        self.notes = [f"Largest group {big}; most regular group {eng} "
                      f"({summary.loc[eng, 'regulars_share']:.0%} came back on half the days)."]

    def _settings(self) -> str:
        return f"by {', '.join(self.by)}"


def remarketing_segments(quiz: QuizPoints, participants: pd.DataFrame, *,
                         by: Sequence[str] = ("sex", "region"),
                         columns: Columns | Mapping[str, str] | None = None
                         ) -> RemarketingSegments:
    """Regroup quiz participants by their attributes (二次分组) for later campaigns.

    Examples
    --------
    >>> a = pd.DataFrame({"participant_id": [1, 1, 2, 3], "day": [1, 2, 1, 2],
    ...                   "correct": [3, 2, 4, 1]})
    >>> p = pd.DataFrame({"participant_id": [1, 2, 3], "sex": ["f", "m", "f"]})
    >>> s = remarketing_segments(quiz_points(a), p, by=["sex"])
    >>> s.summary["participants"].to_dict()
    {'f': 2, 'm': 1}
    """
    if not isinstance(quiz, QuizPoints):
        raise DataError(f"quiz: expected the result of quiz_points, got {type(quiz).__name__}.")
    by = (by,) if isinstance(by, str) else tuple(by)
    p = as_columns(columns).to_canonical(check_frame(participants, "participants"))
    missing = [c for c in ("participant_id", *by) if c not in p.columns]
    if missing or not by:
        raise DataError(f"participants: no column {examples(missing or ['(by is empty)'])}; "
                        f"found {list(p.columns)[:8]}. Pass participant_id and the by= columns.")
    st = quiz.standings
    m = p.drop_duplicates("participant_id").set_index("participant_id")[list(by)]
    unknown = ~st.index.isin(m.index)
    if unknown.any():
        raise DataError(f"participants: {int(unknown.sum())} quiz participants are not in the "
                        f"table (e.g. {examples(st.index[unknown])}); add them.")
    n_days = len(quiz.summary)
    members = m.loc[st.index].assign(points=st["points"], active_days=st["active_days"],
                                     regular=st["active_days"] >= n_days / 2)
    cut = np.quantile(members["points"], 0.9)
    members["top10"] = members["points"] >= cut
    g = members.groupby(list(by), sort=True)
    summary = g.agg(participants=("points", "size"), mean_active_days=("active_days", "mean"),
                    mean_points=("points", "mean"), regulars_share=("regular", "mean"),
                    top10_share=("top10", "mean"))
    summary.insert(1, "share", summary["participants"] / len(members))
    return RemarketingSegments(summary, members.reset_index(), by)
