"""Descriptive statistics of omnimkt.overview on hand-made data with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from omnimkt import DataError, overview
from omnimkt.data import Dataset


@pytest.fixture
def data() -> Dataset:
    tx = pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 3, 3],
        "order_id": [10, 10, 11, 12, 13, 14],
        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-08", "2025-01-03",
                                     "2025-02-01", "2025-02-22"]),
        "amount": [100.0, 50.0, 450.0, 190.0, 600.0, 180.0],
        "channel": ["store_pos", "store_pos", "app", "app", "store_pos", "store_pos"],
        "quantity": [1, 1, 3, 1, 3, 1],
        "category": ["formula", "other", "formula", "formula", "formula", "formula"],
    })
    tp = pd.DataFrame({
        "customer_id": [1, 1, 4, 4, 5],
        "timestamp": pd.to_datetime(["2024-12-20", "2024-12-30", "2025-01-01", "2025-01-02",
                                     "2025-01-05"]),
        "channel": ["tv", "search_ads", "tv", "sms", "tv"],
    })
    return Dataset(tx, touchpoints=tp)


def test_key_figures(data):
    k = overview.key_figures(data)
    assert k["customers"] == 3 and k["orders"] == 5
    assert k["revenue"] == 1570.0
    assert k["orders_per_customer"] == pytest.approx(5 / 3)
    assert k["one_time_buyer_share"] == pytest.approx(1 / 3)
    assert k["mean_basket"] == pytest.approx(1570 / 5)
    assert k["median_days_between_orders"] == pytest.approx(14.0)  # gaps 7 and 21
    assert k["people_touched"] == 3 and k["touched_who_bought"] == pytest.approx(1 / 3)


def test_monthly_sales_and_baskets(data):
    m = overview.monthly_sales(data.transactions)
    assert m.loc[pd.Period("2025-01", "M"), "store_pos"] == 150.0
    assert m.loc[pd.Period("2025-02", "M"), "store_pos"] == 780.0
    assert sorted(overview.basket_sizes(data.transactions)) == [150, 180, 190, 450, 600]


def test_customers_by_channel_uses_first_purchase(data):
    t = overview.customers_by_channel(data)
    assert t.loc["store_pos", "customers"] == 2 and t.loc["app", "customers"] == 1
    assert t["share_of_customers"].sum() == pytest.approx(1.0)
    with pytest.raises(DataError, match="channel"):
        overview.customers_by_channel(Dataset(data.transactions.drop(columns="channel")))


def test_journeys_and_conversion(data):
    j = overview.journey_lengths(data.touchpoints, data.transactions)
    assert j.loc[2, "people"] == 2 and j.loc[2, "buyers"] == 1
    assert j.loc[1, "conversion_rate"] == 0.0
    c = overview.conversion_by_channel(data.touchpoints, data.transactions)
    assert c.loc["tv", "people"] == 3 and c.loc["tv", "conversion_rate"] == pytest.approx(1 / 3)


def test_gaps_by_pack(data):
    g = overview.gaps_by_pack(data.transactions)
    # customer 1: 1 can on Jan 1 (+ other item), 3 cans Jan 8; customer 3: 3 cans then 1
    assert g.loc[1, "median_days_to_next"] == 7.0
    assert g.loc[3, "median_days_to_next"] == 21.0
    with pytest.raises(DataError, match="quantity"):
        overview.gaps_by_pack(data.transactions.drop(columns="quantity"))


def test_empty_transactions_is_an_error():
    empty = pd.DataFrame(columns=["customer_id", "timestamp", "amount"])
    with pytest.raises(DataError, match="empty"):
        overview.key_figures(Dataset(empty))


def test_columns_mapping_on_raw_tables(data):
    from omnimkt import ModelError

    tx = data.transactions.rename(columns={"customer_id": "member", "amount": "paid"})
    tp = data.touchpoints.rename(columns={"customer_id": "member"})
    cols = {"customer_id": "member", "amount": "paid"}
    pd.testing.assert_frame_equal(overview.monthly_sales(tx, columns=cols),
                                  overview.monthly_sales(data.transactions))
    # orders 10 (100 + 50), 11, 12, 13, 14 by hand
    assert sorted(overview.basket_sizes(tx, columns=cols)) == [150.0, 180.0, 190.0, 450.0, 600.0]
    pd.testing.assert_frame_equal(overview.journey_lengths(tp, tx, columns=cols),
                                  overview.journey_lengths(data.touchpoints, data.transactions))
    pd.testing.assert_frame_equal(
        overview.conversion_by_channel(tp, tx, columns=cols),
        overview.conversion_by_channel(data.touchpoints, data.transactions))
    with pytest.raises(ModelError, match="columns: unknown canonical name"):
        overview.basket_sizes(tx, columns={"member": "customer_id"})


def test_bad_inputs_are_named(data):
    from omnimkt import ModelError

    with pytest.raises(DataError, match="transactions: expected a pandas DataFrame"):
        overview.basket_sizes([1, 2, 3])
    with pytest.raises(ModelError, match="data: expected an omnimkt Dataset"):
        overview.key_figures(data.transactions)
    with pytest.raises(ModelError, match="category: expected a category name"):
        overview.gaps_by_pack(data.transactions, category=1)


def test_plots_draw_only_on_the_given_axes(data):
    import matplotlib.pyplot as plt

    from omnimkt.plotting import overview as po

    tables = [(po.plot_monthly_sales, overview.monthly_sales(data.transactions)),
              (po.plot_basket_sizes, overview.basket_sizes(data.transactions)),
              (po.plot_customers_by_channel, overview.customers_by_channel(data)),
              (po.plot_journey_lengths,
               overview.journey_lengths(data.touchpoints, data.transactions))]
    for plot, table in tables:
        fig, ax = plt.subplots()
        assert plot(table, ax=ax) is ax
        assert fig.axes == [ax]  # no twin axes, no new figure
        plt.close(fig)
