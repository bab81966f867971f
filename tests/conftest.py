"""Test-wide settings: a non-interactive matplotlib backend for tests and notebooks alike."""

import matplotlib

matplotlib.use("Agg")
