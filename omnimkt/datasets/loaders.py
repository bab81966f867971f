"""The bundled sample world, its regeneration, and the CDNOW data shipped with lifetimes."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import os
from pathlib import Path

import pandas as pd

from omnimkt.data.dataset import Dataset
from omnimkt.data.io import CHANNEL_TABLES, load_dataset, write_dataset, write_table
from omnimkt.datasets.leads import generate_leads
from omnimkt.datasets.sessions import generate_sessions
from omnimkt.datasets.social import generate_social
from omnimkt.datasets.synthetic import GroundTruth, SyntheticWorld, generate
from omnimkt.errors import DataError

#: The settings the bundled sample was made with; ``make_sample`` defaults to them.
SAMPLE_CUSTOMERS = 5000
SAMPLE_SEED = 0
_TRUTH_FILES = ("truth_customers.csv.gz", "truth_channels.csv.gz", "truth_params.json")
#: Sizes of the sample's channel tables (a few thousand rows each, so the folder stays
#: small): organic visits and a quarter of the default media buy (case F), six fairs of
#: about 250 leads (case H), ten accounts with four posts each (case E).
SAMPLE_VISITS = 3000
SAMPLE_IMPRESSIONS = {"portal_banner": 100_000, "search_ads": 37_500, "video_preroll": 150_000}
SAMPLE_FAIRS, SAMPLE_FAIR_LEADS = 6, 250
SAMPLE_ACCOUNTS, SAMPLE_POSTS = 10, 4


def channel_tables(seed: int = SAMPLE_SEED) -> Dataset:
    """The sample's channel tables: visits of a web shop, a retailer's leads and social posts.

    Each comes from its own simulated mechanism (:func:`~omnimkt.datasets.generate_sessions`,
    :func:`~omnimkt.datasets.generate_leads`, :func:`~omnimkt.datasets.generate_social`)
    with the same ``seed``; they are separate businesses of the case studies, so their ids
    are not the formula brand's customers. Returned as a :class:`~omnimkt.data.Dataset`
    holding only those tables (``transactions`` is None).

    Examples
    --------
    >>> t = channel_tables(0)
    >>> t.tables()
    ['sessions', 'leads', 'lead_events', 'lead_orders', 'social_posts']
    """
    web = generate_sessions(SAMPLE_VISITS, seed=seed, impressions=SAMPLE_IMPRESSIONS)
    leads = generate_leads(n_fairs=SAMPLE_FAIRS, fair_leads=SAMPLE_FAIR_LEADS, seed=seed)
    social = generate_social(SAMPLE_ACCOUNTS, posts_per_account=SAMPLE_POSTS, seed=seed)
    return Dataset(transactions=None, sessions=web.sessions, leads=leads.leads,  # type: ignore[arg-type]
                   lead_events=leads.events, lead_orders=leads.orders,
                   social_posts=social.posts)


def make_sample(
    path: str | os.PathLike, n_customers: int = SAMPLE_CUSTOMERS, seed: int = SAMPLE_SEED,
    *, channels: bool = True,
) -> dict[str, Path]:
    """Write a synthetic world and its ground truth to a folder, byte-for-byte reproducibly.

    ``omnimkt make-sample --out sample_data`` (or ``make sample``) runs this with
    the defaults and rebuilds the bundled sample exactly.

    Parameters
    ----------
    path : path-like
        Folder to write ``transactions.csv.gz``, ``touchpoints.csv.gz``,
        ``customers.csv.gz``, ``stage_events.csv.gz``, the channel tables
        (``sessions``, ``leads``, ``lead_events``, ``lead_orders``, ``social_posts``)
        and the ``truth_*`` files to.
    n_customers, seed : int
        Passed to :func:`omnimkt.datasets.generate` (``seed`` also to :func:`channel_tables`).
    channels : bool, default True
        Write the channel tables too.

    Returns
    -------
    dict
        File label -> path written.

    Examples
    --------
    >>> import tempfile
    >>> sorted(make_sample(tempfile.mkdtemp(), n_customers=50, channels=False))[:2]
    ['customers', 'stage_events']
    """
    world = generate(n_customers, seed)
    folder = Path(path)
    written = write_dataset(world, folder, format="csv.gz")
    if channels:
        written.update(write_dataset(channel_tables(seed), folder, format="csv.gz"))
    truth = world.truth
    for name, df in (("truth_customers", truth.customers), ("truth_channels", truth.channels)):
        written[name] = write_table(df.reset_index(), folder / f"{name}.csv.gz")
    params = dict(truth.params, observation_end=world.observation_end.isoformat())
    target = folder / "truth_params.json"
    target.write_text(json.dumps(params, indent=2, sort_keys=True) + "\n")
    written["truth_params"] = target
    return written


def read_world(path: str | os.PathLike) -> SyntheticWorld:
    """Read a folder written by :func:`make_sample` back into a :class:`SyntheticWorld`."""
    folder = Path(path)
    missing = [f for f in _TRUTH_FILES if not (folder / f).exists()]
    if missing:
        raise DataError(
            f"sample: {str(folder)!r} lacks {', '.join(missing)}; it is not a synthetic world. "
            "Use omnimkt.data.load_dataset for your own data, or rebuild with `omnimkt make-sample`."
        )
    data = load_dataset(folder)
    params = json.loads((folder / "truth_params.json").read_text())
    customers = pd.read_csv(folder / "truth_customers.csv.gz", index_col="customer_id")
    customers["churn_date"] = pd.to_datetime(customers["churn_date"]).astype("datetime64[ns]")
    channels = pd.read_csv(folder / "truth_channels.csv.gz", index_col="channel")
    return SyntheticWorld(
        transactions=data.transactions,
        touchpoints=data.touchpoints,
        customers=data.customers,
        stage_events=data.stage_events,
        **{t: getattr(data, t) for t in CHANNEL_TABLES},
        truth=GroundTruth(customers, channels, params),
        observation_end=pd.Timestamp(params["observation_end"]),
    )


def load_sample() -> SyntheticWorld:
    """The bundled sample world: 5,000 customers of the formula brand, seed 0, with its truth.

    It also holds the channel tables of :func:`channel_tables` (web visits, leads with
    their events and orders, social posts), validated like the rest.

    Works from an installed wheel too (the files are package data). The tables
    are validated on load, exactly as a client's data would be.

    Examples
    --------
    >>> world = load_sample()
    >>> len(world.customers)
    5000
    """
    res = importlib.resources.files("omnimkt.datasets") / "sample"
    with importlib.resources.as_file(res) as folder:
        return read_world(folder)


def _lifetimes_datasets() -> Path:
    # Locate the files without importing lifetimes.datasets, which needs pkg_resources
    # (gone with setuptools >= 82).
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("load_cdnow: the lifetimes package is not installed; pip install lifetimes.")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets"


def load_cdnow(kind: str = "sample") -> pd.DataFrame:
    """CDNOW transactions from the files inside the lifetimes wheel, as a canonical table.

    Parameters
    ----------
    kind : {"sample", "master"}
        ``"sample"``: the 1/10th sample of 2,357 customers used in Fader, Hardie &
        Lee (2005); ``"master"``: all 23,570 customers.

    Returns
    -------
    DataFrame
        customer_id (int), timestamp, amount (dollars), quantity (CDs), one row per
        purchase record as in the file (several records on one day are kept; the
        RFM summary merges them).

    Examples
    --------
    >>> tx = load_cdnow("sample")
    >>> tx["customer_id"].nunique(), len(tx)
    (2357, 6919)
    """
    files = {"sample": "CDNOW_sample.txt", "master": "CDNOW_master.txt"}
    if kind not in files:
        raise DataError(f"load_cdnow: kind must be 'sample' or 'master', not {kind!r}.")
    path = _lifetimes_datasets() / files[kind]
    if kind == "sample":
        names = ["customer_id", "sample_id", "date", "quantity", "amount"]
        raw = pd.read_csv(path, sep=r"\s+", header=None, names=names, dtype={"date": str})
    else:
        names = ["customer_id", "date", "quantity", "amount"]
        raw = pd.read_csv(path, sep=r"\s+", header=0, names=names, dtype={"date": str})
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"].astype("int64"),
            "timestamp": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "amount": raw["amount"].astype("float64"),
            "quantity": raw["quantity"].astype("int64"),
        }
    )
