"""A synthetic social world: Weibo accounts, WeChat methods and an official-account quiz.

Shared case E and the WeChat passages of CASES.md N, simulated so that the case's
patterns can *emerge* (or not) from a mechanism, with the truth returned beside
the data:

- **Accounts** gather followers period by period. New followers follow the
  account's theme of the moment (its name and tags); an account renamed
  "phones" -> "nails and shoes" -> "online shopping" keeps the earlier
  followers, so its audience mixes. A share of followers are zombies (bought
  fans) who never see a post.
- **A campaign** posts one content topic (e.g. cosmetics) on every account. Per
  post: reached real followers ~ Binomial(real followers, reach rate); a random
  ``holdout_share`` of them is held out; exposed followers click with
  probability ``ctr0 · clickiness · fit²`` and buy with probability
  ``base0 · fit`` (would buy anyway; the held-out buy at that rate) plus the
  incremental ``lift0 · credibility · fit``. ``fit`` is the audience-content
  fit: the audience's interest shares times the content's affinity for each
  interest. One account whose audience fits the content can then take most of
  the clicks (case E: 7,000 of 9,000) without any share being typed in.
- **WeChat methods** (people nearby, drift bottle, QR code, official-account
  push, Moments) and a Weibo post, each with its own reach per yuan and
  reception, interaction and conversion rates (``METHODS``; ordering from
  CASES.md N, see the table's comments).
- **The prize quiz** (CASES.md N, official-account operations): participants
  with sex and region answer daily questions; engagement and skill vary.

Every function takes ``seed`` (same seed, same tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_rng, check_choice, check_number

__all__ = [
    "CONTENT_AFFINITY", "INTERESTS", "METHODS", "SocialWorld", "generate_social",
    "kol_click_shares", "simulate_quiz", "simulate_wechat", "top_share_distribution",
]

INTERESTS = ("phones", "beauty", "nails_shoes", "fashion", "online_shopping", "mother_baby",
             "food", "travel")

#: content topic -> how strongly followers with each interest care (0-1, INTERESTS order).
CONTENT_AFFINITY: dict[str, tuple[float, ...]] = {
    "cosmetics": (0.02, 1.00, 0.45, 0.40, 0.25, 0.10, 0.05, 0.10),
    "infant_formula": (0.02, 0.10, 0.05, 0.05, 0.20, 1.00, 0.15, 0.05),
    "phones": (1.00, 0.02, 0.02, 0.05, 0.30, 0.02, 0.02, 0.10),
    "shoes": (0.05, 0.20, 1.00, 0.60, 0.30, 0.05, 0.02, 0.10),
}

#: The renamed account of case E ("如何玩转手机" -> "美甲美鞋控" -> "时尚潮搭配").
RENAMED_HISTORY = ("phones", "nails_shoes", "online_shopping")

#: method -> (platform, reach per yuan, reception, interaction, conversion of interactors,
#: unfollow share of new followers within 30 days). Chosen to follow CASES.md N:
#: people nearby is cheap with high return for local services; the drift bottle reaches
#: widely at random with the lowest acceptance; QR codes turn scans into follows fast but
#: lose many of them; official-account pushes reach followers cheaply with little
#: interaction; Moments are private and targeted (high reception) but reach few; a Weibo
#: post spreads openly (most reach) with the lowest reception and conversion.
METHODS: dict[str, tuple[str, float, float, float, float, float]] = {
    "people_nearby": ("wechat", 20.0, 0.45, 0.20, 0.150, 0.10),
    "drift_bottle": ("wechat", 60.0, 0.04, 0.08, 0.030, 0.20),
    "qr_code": ("wechat", 5.0, 0.60, 0.50, 0.080, 0.35),
    "official_push": ("wechat", 40.0, 0.35, 0.03, 0.100, 0.05),
    "moments": ("wechat", 8.0, 0.70, 0.25, 0.120, 0.05),
    "weibo_post": ("weibo", 100.0, 0.02, 0.05, 0.020, 0.15),
}

#: click rate, would-buy-anyway rate and incremental buying rate of a perfectly fitting
#: audience (times clickiness, resp. credibility, and the fit as in the module docstring).
CTR0, BASE0, LIFT0 = 0.12, 0.002, 0.004

REGIONS = ("east", "south", "north", "central", "west")


@dataclass
class SocialWorld:
    """The social world's tables and its truth.

    Attributes
    ----------
    accounts : DataFrame
        account, platform, theme history, followers (zombies included).
    audience : DataFrame
        account, period, interest, followers: the real audience by interest at the
        end of each period (cumulative).
    posts : DataFrame
        One row per campaign post: post_id, account, platform, topic, followers,
        impressions, clicks, conversions, holdout, holdout_conversions.
    truth : DataFrame
        Per account: fit, zombie_share, reach_rate, clickiness, credibility,
        expected clicks, true incremental conversions (expected) and per 1,000
        impressions.
    """

    accounts: pd.DataFrame
    audience: pd.DataFrame
    posts: pd.DataFrame
    truth: pd.DataFrame


def _histories(rng: np.random.Generator, n: int, renamed: bool) -> list[tuple[str, ...]]:
    out = []
    for _ in range(n):
        k = 1 + int(rng.binomial(2, 0.3))
        themes = [str(rng.choice(INTERESTS))]
        while len(themes) < k:
            nxt = str(rng.choice(INTERESTS))
            if nxt != themes[-1]:
                themes.append(nxt)
        out.append(tuple(themes))
    if renamed:
        out[-1] = RENAMED_HISTORY
    return out


def _audience(rng: np.random.Generator, history: tuple[str, ...], followers: float,
              n_periods: int, purity: float) -> np.ndarray:
    """Cumulative real audience (periods x interests) of an account with this history."""
    k = len(INTERESTS)
    theme_at = np.array([history[min(p * len(history) // n_periods, len(history) - 1)]
                         for p in range(n_periods)])
    new = followers / n_periods * rng.gamma(8.0, 1 / 8.0, n_periods)
    out = np.zeros((n_periods, k))
    held = np.zeros(k)
    for p in range(n_periods):
        target = np.full(k, (1 - purity) / k)
        target[INTERESTS.index(theme_at[p])] += purity
        mix = rng.dirichlet(60.0 * target)
        held = held * 0.98 + new[p] * mix  # 2% of followers leave each period
        out[p] = held
    return out


def _traits(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Per-account traits that no follower count shows."""
    return pd.DataFrame({
        "zombie_share": rng.beta(2.0, 8.0, n),  # bought fans who never see a post
        "reach_rate": rng.beta(4.0, 36.0, n),  # share of real followers a post reaches
        "clickiness": rng.lognormal(0.0, 0.5, n),  # click-bait style: clicks, not sales
        "credibility": rng.lognormal(0.0, 0.5, n),  # trust: sales per interested reader
    })


def _check_world(n_accounts: Any, followers_mean: Any, n_periods: Any, posts_per_account: Any,
                 holdout_share: Any, topic: Any) -> None:
    check_number(n_accounts, "n_accounts", low=2, integer=True)
    check_number(followers_mean, "followers_mean", low=100)
    check_number(n_periods, "n_periods", low=1, integer=True)
    check_number(posts_per_account, "posts_per_account", low=1, integer=True)
    check_number(holdout_share, "holdout_share", low=0, high=1, low_open=True, high_open=True)
    check_choice(topic, "topic", tuple(CONTENT_AFFINITY))


def generate_social(n_accounts: int = 10, *, topic: str = "cosmetics",
                    followers_mean: float = 500_000, n_periods: int = 12,
                    posts_per_account: int = 1, holdout_share: float = 0.2,
                    renamed: bool = True, seed: int | np.random.Generator = 0) -> SocialWorld:
    """Accounts, their audiences over time, one campaign's posts, and the truth.

    Parameters
    ----------
    n_accounts : int >= 2
        Case E: 10 accounts of about 500,000 followers.
    topic : str
        The campaign's content, a key of ``CONTENT_AFFINITY``.
    followers_mean : float
        Typical follower count (zombies included); each account varies around it.
    n_periods : int
        Periods (e.g. months) of audience history before the campaign.
    posts_per_account : int
        Campaign posts per account.
    holdout_share : float in (0, 1)
        Share of each post's reachable followers held out (not shown) to measure
        what they buy anyway.
    renamed : bool
        Give the last account the case's renamed history (phones -> nails and
        shoes -> online shopping).
    seed : int >= 0 or numpy Generator

    Examples
    --------
    >>> w = generate_social(10, seed=1)
    >>> len(w.accounts), int(w.posts["clicks"].sum()) > 0
    (10, True)
    """
    _check_world(n_accounts, followers_mean, n_periods, posts_per_account, holdout_share, topic)
    rng = as_rng(seed)
    hist = _histories(rng, n_accounts, bool(renamed))
    size = followers_mean * rng.lognormal(0.0, 0.25, n_accounts)
    truth = _traits(rng, n_accounts)
    comps = [_audience(rng, h, s * (1 - z), n_periods, 0.8)
             for h, s, z in zip(hist, size, truth["zombie_share"], strict=True)]
    last = np.vstack([c[-1] for c in comps])
    fit = (last / last.sum(axis=1, keepdims=True)) @ np.asarray(CONTENT_AFFINITY[topic])
    truth = truth.assign(fit=fit, ctr=CTR0 * truth["clickiness"] * fit**2,
                         base_rate=BASE0 * fit, lift=LIFT0 * truth["credibility"] * fit)
    names = [f"acc_{i + 1:02d}" for i in range(n_accounts)]
    real = last.sum(axis=1)
    followers = np.round(real / (1 - truth["zombie_share"].to_numpy())).astype(np.int64)
    accounts = pd.DataFrame({"account": names, "platform": "weibo",
                             "history": [" > ".join(h) for h in hist], "followers": followers})
    k = len(INTERESTS)
    audience = pd.DataFrame({
        "account": np.repeat(names, n_periods * k),
        "period": np.tile(np.repeat(np.arange(1, n_periods + 1), k), n_accounts),
        "interest": np.tile(INTERESTS, n_accounts * n_periods),
        "followers": np.round(np.stack(comps).ravel()).astype(np.int64)})
    posts = _posts(rng, names, real, truth, int(posts_per_account), float(holdout_share), topic)
    posts.insert(3, "followers", np.repeat(followers, int(posts_per_account)))
    exp_imp = real * truth["reach_rate"].to_numpy() * (1 - holdout_share) * posts_per_account
    truth = truth.assign(expected_clicks=exp_imp * truth["ctr"],
                         true_incremental=exp_imp * truth["lift"],
                         true_per_1000=1000 * truth["lift"])
    truth.insert(0, "account", names)
    return SocialWorld(accounts, audience, posts, truth)


def _posts(rng: np.random.Generator, names: list[str], real: np.ndarray, truth: pd.DataFrame,
           k: int, holdout_share: float, topic: str) -> pd.DataFrame:
    n = len(names)
    idx = np.repeat(np.arange(n), k)
    reached = rng.binomial(np.round(real).astype(np.int64)[idx], truth["reach_rate"].to_numpy()[idx])
    holdout = rng.binomial(reached, holdout_share)
    shown = reached - holdout
    ctr, base, lift = (truth[c].to_numpy()[idx] for c in ("ctr", "base_rate", "lift"))
    return pd.DataFrame({
        "post_id": np.arange(1, len(idx) + 1), "account": np.array(names)[idx],
        "platform": "weibo", "topic": topic, "impressions": shown,
        "clicks": rng.binomial(shown, np.minimum(ctr, 1.0)),
        "conversions": rng.binomial(shown, np.minimum(base + lift, 1.0)),
        "holdout": holdout, "holdout_conversions": rng.binomial(holdout, base),
    })


def kol_click_shares(seed: int | np.random.Generator, accounts: tuple[str, ...],
                     topic: str = "infant_formula") -> np.ndarray:
    """Expected share of a campaign's clicks per account, from the social mechanism.

    Used by the main synthetic world to spread its KOL clicks over accounts: the
    shares come from audiences, fit and clickiness (:func:`generate_social`), not
    from typed-in numbers.

    Examples
    --------
    >>> s = kol_click_shares(0, ("a", "b", "c"))
    >>> round(float(s.sum()), 6)
    1.0
    """
    w = generate_social(len(accounts), topic=topic, renamed=False, seed=seed)
    e = w.truth["expected_clicks"].to_numpy()
    return e / e.sum()


def top_share_distribution(n_worlds: int = 200, n_accounts: int = 10, *,
                           topic: str = "cosmetics", seed: int | np.random.Generator = 0
                           ) -> pd.Series:
    """Top account's share of clicks in ``n_worlds`` independent campaigns.

    How often does the mechanism produce a case-E concentration (one account
    with 7,000 of 9,000 clicks, 78 %)? Each world is :func:`generate_social`
    with a seed drawn from ``seed``.

    Examples
    --------
    >>> s = top_share_distribution(5, seed=1)
    >>> bool(((s > 0.1) & (s <= 1)).all())
    True
    """
    k = check_number(n_worlds, "n_worlds", low=1, integer=True)
    seeds = as_rng(seed).integers(0, 2**31 - 1, k)
    out = []
    for s in seeds:
        c = generate_social(n_accounts, topic=topic, seed=int(s)).posts.groupby("account")["clicks"].sum()
        out.append(c.max() / c.sum() if c.sum() > 0 else np.nan)
    return pd.Series(out, name="top_share", index=pd.RangeIndex(1, k + 1, name="world"))


# --------------------------------------------------------------------------- WeChat
def simulate_wechat(budget_per_day: float = 1000.0, days: int = 30, *,
                    seed: int | np.random.Generator = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily funnel counts per WeChat method (and a Weibo post), with the true rates.

    Each day and method: reached ~ Poisson(budget · reach per yuan · day noise);
    received, interacted and converted are binomial steps whose rates vary a little
    from day to day around the method's true rate; new followers among the
    interactors unfollow within 30 days at the method's unfollow share.

    Returns ``(daily, truth)``: the daily table (platform, method, day, cost,
    reached, received, interacted, converted, followed, unfollowed) and the true
    rates per method.

    Examples
    --------
    >>> daily, truth = simulate_wechat(days=5, seed=1)
    >>> sorted(daily["method"].unique())[:2]
    ['drift_bottle', 'moments']
    """
    check_number(budget_per_day, "budget_per_day", low=0, low_open=True)
    check_number(days, "days", low=1, integer=True)
    rng = as_rng(seed)
    rows = []
    for method, (platform, per_yuan, rec, inter, conv, unf) in METHODS.items():
        reached = rng.poisson(budget_per_day * per_yuan * rng.lognormal(0, 0.2, days))
        received = rng.binomial(reached, rng.beta(200 * rec, 200 * (1 - rec), days))
        interacted = rng.binomial(received, rng.beta(200 * inter, 200 * (1 - inter), days))
        converted = rng.binomial(interacted, rng.beta(200 * conv, 200 * (1 - conv), days))
        followed = rng.binomial(interacted, 0.5)
        rows.append(pd.DataFrame({
            "platform": platform, "method": method, "day": np.arange(1, days + 1),
            "cost": float(budget_per_day), "reached": reached, "received": received,
            "interacted": interacted, "converted": converted, "followed": followed,
            "unfollowed": rng.binomial(followed, unf)}))
    truth = pd.DataFrame(
        [(m, *v) for m, v in METHODS.items()],
        columns=["method", "platform", "reach_per_yuan", "reception_rate", "interaction_rate",
                 "conversion_rate", "unfollow_share"]).set_index("method")
    truth["conversion_per_reach"] = (truth["reception_rate"] * truth["interaction_rate"]
                                     * truth["conversion_rate"])
    return pd.concat(rows, ignore_index=True), truth


# --------------------------------------------------------------------------- quiz
def simulate_quiz(n_participants: int = 2000, days: int = 14, questions: int = 5, *,
                  seed: int | np.random.Generator = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A daily prize quiz on an official account (CASES.md N, the "小艺" quiz).

    Each participant has a sex, a region, an engagement (daily chance of taking
    part, which fades slowly as the novelty wears off) and a skill (chance of
    answering a question right). Returns ``(participants, answers)``:
    participants (participant_id, sex, region, engagement, skill: the last two
    are the truth) and answers (participant_id, day, answered, correct) for the
    days each took part.

    Examples
    --------
    >>> people, answers = simulate_quiz(100, days=3, seed=1)
    >>> bool((answers["correct"] <= answers["answered"]).all())
    True
    """
    n = check_number(n_participants, "n_participants", low=1, integer=True)
    d = check_number(days, "days", low=1, integer=True)
    q = check_number(questions, "questions", low=1, integer=True)
    rng = as_rng(seed)
    sex = rng.choice(np.array(["female", "male"]), n, p=[0.58, 0.42])
    region = rng.choice(np.array(REGIONS), n, p=[0.32, 0.24, 0.2, 0.14, 0.1])
    engagement = rng.beta(1.2, 2.0, n) * np.where(sex == "female", 1.1, 0.9).clip(0, 1)
    skill = rng.beta(4.0, 2.5, n)
    people = pd.DataFrame({"participant_id": np.arange(1, n + 1), "sex": sex, "region": region,
                           "engagement": engagement.clip(0, 1), "skill": skill})
    fade = 0.97 ** np.arange(d)
    takes = rng.random((n, d)) < engagement.clip(0, 1)[:, None] * fade[None, :]
    who, day = np.nonzero(takes)
    answers = pd.DataFrame({"participant_id": who + 1, "day": day + 1, "answered": q,
                            "correct": rng.binomial(q, skill[who])})
    return people, answers
