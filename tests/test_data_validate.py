"""Tests of omnimkt.data.validate: one test per bad input, asserting on the message."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnimkt import Columns, DataError, DataWarning
from omnimkt.data import (
    STAGES,
    Dataset,
    validate_customers,
    validate_dataset,
    validate_stage_events,
    validate_touchpoints,
    validate_transactions,
)


def tx(**over):
    base = {
        "customer_id": [2, 1, 1, 3],
        "timestamp": ["2025-03-01", "2025-01-05 10:00", "2025-02-01", "2025-01-01"],
        "amount": [10.5, 8.0, 12.0, 1.0],
    }
    base.update(over)
    return pd.DataFrame(base)


def quiet(fn, *args, **kw):
    """Call fn turning any warning into an error, so tests see unexpected warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kw)


# ----------------------------------------------------------------- canonical form
def test_canonical_form_with_column_mapping():
    raw = pd.DataFrame({
        "paid": ["2025-03-01", "2025-01-05 10:00", "2025-02-01", "2025-01-01"],
        "member": [2, 1, 1, 3],
        "total": ["10.5", "8", "12", "1"],
        "note": ["a", "b", "c", "d"],
    }, index=[10, 11, 12, 13])
    out = quiet(validate_transactions, raw,
                Columns(customer_id="member", timestamp="paid", amount="total"))
    assert list(out.columns) == ["customer_id", "timestamp", "amount", "note"]
    assert out["customer_id"].tolist() == [1, 1, 2, 3]
    assert out["timestamp"].tolist() == [pd.Timestamp("2025-01-05 10:00"),
                                         pd.Timestamp("2025-02-01"), pd.Timestamp("2025-03-01"),
                                         pd.Timestamp("2025-01-01")]
    assert out["note"].tolist() == ["b", "c", "a", "d"]
    assert str(out["timestamp"].dtype) == "datetime64[ns]"
    assert out["amount"].dtype == "float64" and out["customer_id"].dtype == "int64"
    assert isinstance(out.index, pd.RangeIndex) and out.index[0] == 0
    assert "member" in raw.columns and raw["total"].tolist()[0] == "10.5"  # input untouched


def test_dict_mapping_and_datetime_column_kept():
    raw = pd.DataFrame({"id": [1, 2], "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                        "amount": [1, 2]})
    out = quiet(validate_transactions, raw, {"customer_id": "id"})
    assert out["amount"].tolist() == [1.0, 2.0]
    assert str(out["timestamp"].dtype) == "datetime64[ns]"


def test_quantity_stays_integer_and_becomes_float_with_gaps():
    out = quiet(validate_transactions, tx(quantity=[1, 3, 6, 1]))
    assert out["quantity"].dtype == "int64"
    out = quiet(validate_transactions, tx(quantity=[1, None, 6, 1]))
    assert out["quantity"].dtype == "float64"


# ----------------------------------------------------------------- frame-level problems
def test_missing_column_lists_available_and_suggests_columns():
    raw = tx().rename(columns={"amount": "total_paid"})
    with pytest.raises(DataError) as e:
        validate_transactions(raw)
    msg = str(e.value)
    assert "transactions" in msg and "amount" in msg
    assert "'total_paid'" in msg and "'customer_id'" in msg  # available columns
    assert "Columns(amount='<your column>')" in msg
    with pytest.raises(DataError, match=r"omnimkt.Columns\(amount='Amount'\)"):
        validate_transactions(tx().rename(columns={"amount": "Amount"}))


def test_missing_mapped_column_names_user_column():
    with pytest.raises(DataError, match="'customer_id' \\(your column 'member_no'\\)"):
        validate_transactions(tx().rename(columns={"customer_id": "member"}),
                              Columns(customer_id="member_no"))


def test_not_a_dataframe():
    with pytest.raises(DataError, match="expected a pandas DataFrame, got list"):
        validate_transactions([1, 2, 3])


def test_empty_table():
    with pytest.raises(DataError, match=r"transactions: the table is empty \(0 rows\)"):
        validate_transactions(tx().iloc[:0])


def test_duplicate_column_after_mapping():
    raw = tx().assign(member=[1, 2, 3, 4])
    with pytest.raises(DataError, match="'customer_id' appear more than once"):
        validate_transactions(raw, Columns(customer_id="member"))


# ----------------------------------------------------------------- timestamps
def test_unparsable_timestamps_count_and_examples():
    raw = tx(timestamp=["2025-03-01", "not a date", "2025-02-31", "2025-01-01"])
    with pytest.raises(DataError) as e:
        validate_transactions(raw, Columns(timestamp="timestamp"))
    msg = str(e.value)
    assert "transactions.timestamp" in msg and "2 of 4 rows cannot be read as dates" in msg
    assert "'not a date'" in msg and "'2025-02-31'" in msg


def test_impossible_month_is_not_read_as_year_day_month():
    # '2025-13-01' is a typo, not 13 January in a year-day-month format
    raw = tx(timestamp=["2025-01-02", "2025-02-01", "2025-13-01", "2025-01-01"])
    with pytest.raises(DataError, match="1 of 4 rows cannot be read as dates.*'2025-13-01'"):
        validate_transactions(raw)


def test_non_iso_dates_are_parsed():
    # '01/05/2025' alone cannot say whether it is 1 May or 5 January: dayfirst decides
    raw = tx(timestamp=["2025-03-01", "01/05/2025", "2025-02-01", "2025-01-01"])
    with pytest.raises(DataError, match=r"1 of 4 rows could be day/month or month/day.*"
                                        r"'01/05/2025'.*dayfirst=True.*dayfirst=False"):
        validate_transactions(raw)
    out = quiet(validate_transactions, raw, dayfirst=False)
    assert pd.Timestamp("2025-01-05") in out["timestamp"].tolist()
    out = quiet(validate_transactions, raw, dayfirst=True)
    assert pd.Timestamp("2025-05-01") in out["timestamp"].tolist()
    # one order for all such rows: day first here because of '31/01/2025'
    out = quiet(validate_transactions, tx(timestamp=["31/01/2025", "01/02/2025", "2025-02-01",
                                                     "2025-01-01"]))
    assert sorted(out["timestamp"])[1:3] == [pd.Timestamp("2025-01-31"),
                                             pd.Timestamp("2025-02-01")] * 1


def test_day_first_and_month_first_in_one_column():
    raw = tx(timestamp=["31/01/2025", "01/31/2025", "2025-02-01", "2025-01-01"])
    with pytest.raises(DataError, match=r"1 of 4 rows put the month first while others put the "
                                        r"day first \(e.g. '01/31/2025' at rows 1\)"):
        validate_transactions(raw)


def test_timezone_aware_strings_keep_their_wall_clock_time():
    # the time-zone policy of omnimkt._gate: each row's own wall-clock time, zone dropped
    raw = tx(timestamp=["2025-03-01T10:00+08:00", "2025-01-05T10:00+00:00",
                        "2025-02-01T00:00-05:00", "2025-01-01T08:00Z"])
    out = quiet(validate_transactions, raw)
    assert out["timestamp"].dt.tz is None
    assert out.loc[out["customer_id"] == 2, "timestamp"].item() == pd.Timestamp("2025-03-01 10:00")
    assert out.loc[out["customer_id"] == 3, "timestamp"].item() == pd.Timestamp("2025-01-01 08:00")
    assert sorted(out.loc[out["customer_id"] == 1, "timestamp"]) == [
        pd.Timestamp("2025-01-05 10:00"), pd.Timestamp("2025-02-01 00:00")]


def test_timezone_aware_csv_keeps_wall_clock_time(tmp_path):
    from omnimkt.data import read_table

    p = tmp_path / "transactions.csv"
    p.write_text("customer_id,timestamp,amount\n1,2025-03-01T01:00:00+08:00,5\n"
                 "2,2025-03-01T23:00:00-05:00,6\n")
    out = read_table(p, "transactions")
    assert out["timestamp"].tolist() == [pd.Timestamp("2025-03-01 01:00"),
                                         pd.Timestamp("2025-03-01 23:00")]


def test_timezone_aware_dtype_keeps_wall_clock_time():
    ts = pd.to_datetime(["2025-01-01 08:00"] * 4).tz_localize("Asia/Shanghai")
    out = quiet(validate_transactions, tx(timestamp=ts))
    assert (out["timestamp"] == pd.Timestamp("2025-01-01 08:00")).all()


def test_timezone_aware_mixed_with_naive_strings():
    raw = tx(timestamp=["2025-03-01T10:00+08:00", "2025-01-05T10:00", "2025-02-01",
                        "2025-01-01T08:00+08:00"])
    with pytest.raises(DataError) as e:
        validate_transactions(raw)
    msg = str(e.value)
    assert "transactions.timestamp" in msg and "2 of 4 rows have no time zone" in msg
    assert "'2025-01-05T10:00'" in msg and "'2025-03-01T10:00+08:00'" in msg


def test_timezone_aware_mixed_with_naive_objects():
    ts = [pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-01-02"),
          pd.Timestamp("2025-01-03"), pd.Timestamp("2025-01-04")]
    with pytest.raises(DataError, match="3 of 4 rows have no time zone while others do"):
        validate_transactions(tx(timestamp=pd.Series(ts, dtype=object)))


def test_numbers_are_not_timestamps():
    with pytest.raises(DataError, match="holds numbers .* not dates"):
        validate_transactions(tx(timestamp=[1735689600] * 4))


def test_missing_timestamp():
    with pytest.raises(DataError, match="1 of 4 rows have no timestamp"):
        validate_transactions(tx(timestamp=["2025-03-01", None, "2025-02-01", "2025-01-01"]))


def test_future_timestamps_default_now():
    raw = tx(timestamp=["2025-03-01", "2999-01-01", "2998-02-01", "2025-01-01"])
    with pytest.raises(DataError) as e:
        validate_transactions(raw)
    msg = str(e.value)
    assert "2 of 4 rows lie in the future" in msg and "'2999-01-01'" in msg and "now=" in msg


def test_future_timestamps_explicit_now():
    with pytest.raises(DataError, match=r"2 of 4 rows lie in the future, after the end of "
                                        r"2025-01-31"):
        validate_transactions(tx(), now="2025-01-31")
    with pytest.raises(DataError, match=r"3 of 4 rows lie in the future, after "
                                        r"2025-01-05 09:59:59"):
        validate_transactions(tx(), now="2025-01-05 09:59:59")
    # a date allows the whole day; an aware time keeps its own wall-clock time
    assert len(quiet(validate_transactions, tx(), now="2025-03-01")) == 4
    assert len(quiet(validate_transactions, tx(), now="2025-03-01T08:00+08:00")) == 4
    with pytest.raises(DataError, match="1 of 4 rows lie in the future, after 2025-01-05 09:00"):
        validate_transactions(tx(timestamp=["2025-01-01", "2025-01-05 10:00", "2025-01-02",
                                            "2025-01-03"]), now="2025-01-05T09:00+08:00")


# ----------------------------------------------------------------- ids
def test_nan_customer_ids():
    with pytest.raises(DataError) as e:
        validate_transactions(tx(customer_id=[2.0, np.nan, 1.0, np.nan]),
                              Columns(customer_id="customer_id"))
    msg = str(e.value)
    assert "transactions.customer_id" in msg and "2 of 4 rows have no id" in msg
    assert "rows 1, 3" in msg and "dropna" in msg


def test_blank_customer_ids():
    raw = tx(member=["a", "", "  ", "b"]).drop(columns="customer_id")
    with pytest.raises(DataError) as e:
        validate_transactions(raw, Columns(customer_id="member"))
    msg = str(e.value)
    assert "your column 'member'" in msg and "2 of 4 rows have no id" in msg and "'  '" in msg


def test_string_and_int_ids_stay_as_given():
    out = quiet(validate_transactions, tx(customer_id=["b", "a", "a", "00004"]))
    assert out["customer_id"].tolist() == ["00004", "a", "a", "b"]
    assert out["customer_id"].dtype == "str"
    out = quiet(validate_transactions, tx(customer_id=pd.Series([2, 1, 1, 3], dtype=object)))
    assert out["customer_id"].dtype == "int64"
    out = quiet(validate_transactions, tx(customer_id=[2.0, 1.0, 1.0, 3.0]))
    assert out["customer_id"].tolist() == [1, 1, 2, 3] and out["customer_id"].dtype == "int64"


def test_mixed_int_and_str_ids():
    raw = tx(customer_id=pd.Series([1, "1", "00004", 2], dtype=object))
    with pytest.raises(DataError) as e:
        validate_transactions(raw)
    msg = str(e.value)
    assert "ids mix numbers and text" in msg and "2 numbers" in msg and "2 text" in msg
    assert "leading zeros" in msg and "'00004'" in msg and "id_type='str'" in msg


def test_id_type_str_and_int():
    raw = tx(customer_id=pd.Series([1, "1", "00004", 2], dtype=object))
    out = quiet(validate_transactions, raw, id_type="str")
    assert sorted(out["customer_id"]) == ["00004", "1", "1", "2"]
    with pytest.warns(DataWarning, match="merged 1 ids"):
        out = validate_transactions(raw.assign(customer_id=["1", "01", "4", "2"]), id_type="int")
    assert out["customer_id"].tolist() == [1, 1, 2, 4] and out["customer_id"].dtype == "int64"
    with pytest.raises(DataError, match="1 of 4 rows are not integers .*'x9'"):
        validate_transactions(raw.assign(customer_id=["1", "x9", "4", "2"]), id_type="int")


def test_fractional_ids():
    with pytest.raises(DataError, match="1 of 4 rows are not whole numbers"):
        validate_transactions(tx(customer_id=[1.0, 1.5, 2.0, 2.0]))


# ----------------------------------------------------------------- amounts
def test_negative_amounts_and_refunds_option():
    raw = tx(amount=[10.5, -8.0, 12.0, -1.0])
    with pytest.raises(DataError) as e:
        validate_transactions(raw, Columns(amount="amount"))
    msg = str(e.value)
    assert "transactions.amount" in msg and "2 of 4 rows are negative" in msg
    assert "-8.0" in msg and "allow_refunds=True" in msg
    out = quiet(validate_transactions, raw, allow_refunds=True)
    assert sorted(out["amount"]) == [-8.0, -1.0, 10.5, 12.0]


def test_non_numeric_amounts():
    raw = tx(total=["10.5", "abc", "12", "1,5"]).drop(columns="amount")
    with pytest.raises(DataError) as e:
        validate_transactions(raw, Columns(amount="total"))
    msg = str(e.value)
    assert "your column 'total'" in msg and "2 of 4 rows are not numbers" in msg
    assert "'abc'" in msg and "'1,5'" in msg and "rows 1, 3" in msg


def test_missing_and_infinite_amounts():
    with pytest.raises(DataError, match="1 of 4 rows are missing"):
        validate_transactions(tx(amount=[1.0, None, 2.0, 3.0]))
    with pytest.raises(DataError, match="1 of 4 rows are infinite"):
        validate_transactions(tx(amount=[1.0, np.inf, 2.0, 3.0]))


# ----------------------------------------------------------------- duplicates, size, order
def test_duplicate_rows_warn_raise_keep():
    raw = pd.concat([tx(), tx().iloc[[1, 1]]], ignore_index=True)
    with pytest.warns(DataWarning, match="2 of 6 rows are exact duplicates"):
        out = validate_transactions(raw)
    assert len(out) == 4
    with pytest.raises(DataError, match="2 of 6 rows are exact duplicates.*customer_id 1 at"):
        validate_transactions(raw, duplicates="raise")
    assert len(quiet(validate_transactions, raw, duplicates="keep")) == 6
    with pytest.raises(ValueError, match="duplicates must be"):
        validate_transactions(raw, duplicates="drop")


def test_single_customer_warns():
    with pytest.warns(DataWarning, match="all 4 rows belong to a single customer"):
        validate_transactions(tx(customer_id=[7, 7, 7, 7]))


def _with_ties():
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3, 1],
        "timestamp": ["2025-01-01", "2025-01-01", "2025-01-02", "2025-01-01", "2025-01-01",
                      "2025-01-05", "2025-01-01"],
        "amount": [5.0, 3.0, 1.0, 2.0, 2.0, 4.0, 3.0],
        "order_id": [10, 10, 11, 20, 20, 30, 9],
        "product": ["b", "a", "a", "x", "x", "y", "a"],
    })


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(7))))
def test_shuffled_input_gives_identical_output(perm):
    raw = _with_ties()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        ref = validate_transactions(raw)
        got = validate_transactions(raw.iloc[perm])
    pd.testing.assert_frame_equal(got, ref)
    assert len(ref) == 6  # the identical pair of customer 2 collapsed
    assert ref["order_id"].tolist() == [9, 10, 10, 11, 20, 30]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.integers(1, 3),
                          st.sampled_from([None, "a", "b"]),
                          st.sampled_from([np.nan, -0.0, 0.0, 1.5])),
                min_size=2, max_size=30), st.randoms(use_true_random=False))
def test_output_sorted_and_order_free(rows, rnd):
    raw = pd.DataFrame(rows, columns=["customer_id", "day", "amount", "note", "score"])
    raw["timestamp"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(raw.pop("day"), unit="D")
    shuffled = raw.sample(frac=1, random_state=rnd.randint(0, 10**6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        a = validate_transactions(raw)
        b = validate_transactions(shuffled)
    pd.testing.assert_frame_equal(a, b)
    key = list(zip(a["customer_id"], a["timestamp"], strict=True))
    assert key == sorted(key)
    # -0.0 and 0.0 are equal values, so rows differing only there are duplicates too.
    assert len(a) == len(raw.assign(score=raw["score"] + 0.0).drop_duplicates())


# ----------------------------------------------------------------- touchpoints, stages
def tp(**over):
    base = {"customer_id": [1, 2], "timestamp": ["2025-01-02", "2025-01-01"],
            "channel": ["sms", "tv"], "cost": [0.1, 2.0]}
    base.update(over)
    return pd.DataFrame(base)


def test_touchpoints_ok():
    out = quiet(validate_touchpoints, tp())
    assert out["channel"].tolist() == ["sms", "tv"] and out["cost"].dtype == "float64"


def test_touchpoints_missing_channel_and_negative_cost():
    with pytest.raises(DataError, match=r"touchpoints.channel: 1 of 2 rows are empty"):
        validate_touchpoints(tp(channel=["sms", None]))
    with pytest.raises(DataError, match=r"touchpoints.cost: 1 of 2 rows are negative"):
        validate_touchpoints(tp(cost=[-1.0, 2.0]))


def test_stage_events_order_and_unknown_stage():
    ev = pd.DataFrame({"customer_id": [1, 1, 1], "stage": [" Purchase", "aware", "loyal"],
                       "timestamp": ["2025-01-01", "2025-01-01", "2025-02-01"]})
    out = quiet(validate_stage_events, ev)
    assert out["stage"].tolist() == ["aware", "purchase", "loyal"]
    assert set(out["stage"]) <= set(STAGES)
    with pytest.raises(DataError) as e:
        validate_stage_events(ev.assign(stage=["bought", "aware", "fan"]))
    msg = str(e.value)
    assert "stage_events.stage" in msg and "2 of 3 rows are not a known" in msg
    assert "'bought'" in msg and "discover" in msg


# ----------------------------------------------------------------- customers
def cu(**over):
    base = {"customer_id": [3, 1, 2], "referrer_id": [1, None, 1],
            "signup_date": ["2025-01-03", "2025-01-01", None],
            "baby_birth_date": ["2031-01-01", None, "2024-05-01"]}
    base.update(over)
    return pd.DataFrame(base)


def test_customers_ok():
    out = quiet(validate_customers, cu())
    assert out["customer_id"].tolist() == [1, 2, 3]
    assert out["referrer_id"].dtype == "Int64"
    assert out["referrer_id"].tolist() == [pd.NA, 1, 1]
    assert str(out["signup_date"].dtype) == "datetime64[ns]"
    assert out["baby_birth_date"].iloc[2] == pd.Timestamp("2031-01-01")  # expected births ok


def test_customers_indexed_by_id():
    out = quiet(validate_customers, cu().set_index("customer_id"))
    assert out["customer_id"].tolist() == [1, 2, 3]


def test_customers_duplicate_ids():
    raw = cu(customer_id=[1, 1, 2], referrer_id=[None, None, 1])
    with pytest.raises(DataError) as e:
        validate_customers(raw)
    msg = str(e.value)
    assert "1 customer ids appear on more than one row (2 rows, e.g. 1)" in msg
    assert "drop_duplicates" in msg


def test_customers_identical_rows_dropped_with_warning():
    raw = pd.concat([cu(), cu().iloc[[0]]], ignore_index=True)
    with pytest.warns(DataWarning, match="1 of 4 rows are exact duplicates"):
        assert len(validate_customers(raw)) == 3


def test_unknown_referrers():
    raw = cu(referrer_id=[99, None, 98])
    with pytest.raises(DataError) as e:
        validate_customers(raw, Columns(referrer_id="referrer_id"))
    msg = str(e.value)
    assert "customers.referrer_id" in msg and "2 of 3 rows" in msg
    assert "99" in msg and "98" in msg and "not a customer" in msg


def test_self_referral():
    with pytest.raises(DataError, match=r"1 of 3 rows refer themselves .*\b3\b"):
        validate_customers(cu(referrer_id=[3, None, 1]))


def test_referrer_type_mismatch():
    with pytest.raises(DataError, match="cannot be matched.*id_type='str'"):
        validate_customers(cu(referrer_id=["a", None, "b"]))


# ----------------------------------------------------------------- dataset
def test_validate_dataset_all_tables():
    ds = Dataset(tx(), touchpoints=tp(), customers=cu(),
                 stage_events=pd.DataFrame({"customer_id": [1], "timestamp": ["2025-01-01"],
                                            "stage": ["purchase"]}))
    out = quiet(validate_dataset, ds)
    assert isinstance(out, Dataset) and out.tables() == ds.tables()
    assert out.transactions["customer_id"].tolist() == [1, 1, 2, 3]
    assert str(out.touchpoints["timestamp"].dtype) == "datetime64[ns]"


def test_validate_dataset_keeps_subclass_fields():
    @dataclasses.dataclass
    class World(Dataset):
        truth: object = None

    out = quiet(validate_dataset, World(tx(), truth="secret"))
    assert type(out) is World and out.truth == "secret"


def test_validate_dataset_id_types_differ():
    ds = Dataset(tx(), customers=cu(customer_id=["3", "1", "2"], referrer_id=None))
    with pytest.raises(DataError, match=r"different types across tables \(transactions: int, "
                                        r"customers: str\)"):
        validate_dataset(ds)
    out = quiet(validate_dataset, ds, id_type="str")
    assert out.transactions["customer_id"].tolist() == ["1", "1", "2", "3"]


def test_validate_dataset_customers_missing_from_profile_table():
    ds = Dataset(tx(), customers=cu(customer_id=[1, 2, 4], referrer_id=None))
    with pytest.warns(DataWarning, match=r"1 of 3 customers in transactions are not in the "
                                         r"customers table \(e.g. 3\)"):
        validate_dataset(ds)


def test_validate_dataset_rejects_other_objects():
    with pytest.raises(DataError, match="expects an omnimkt.data.Dataset"):
        validate_dataset(tx())


# ----------------------------------------------------------------- issue 9 root causes
@pytest.mark.parametrize("col", ["amount", "quantity", "list_price"])
def test_bool_amount_columns_are_not_numbers(col):
    raw = tx(**{col: [True, False, True, True]})
    with pytest.raises(DataError, match=rf"transactions.{col}: holds True/False values.*"
                                        rf"{col} must be a number"):
        validate_transactions(raw)
    obj = tx(**{col: pd.Series([True, False, None, True], dtype=object)})
    with pytest.raises(DataError, match="holds True/False values"):
        validate_transactions(obj)


def test_bool_cost_is_not_a_number():
    tp = pd.DataFrame({"customer_id": [1, 2], "timestamp": ["2025-01-01"] * 2,
                       "channel": ["sms", "tv"], "cost": [True, False]})
    with pytest.raises(DataError, match=r"touchpoints.cost: holds True/False values"):
        validate_touchpoints(tp)


def test_columns_mapping_goes_through_the_gate():
    from omnimkt import ModelError

    with pytest.raises(ModelError, match=r"columns: unknown canonical name\(s\) 'member'"):
        validate_transactions(tx(), {"member": "customer_id"})
    with pytest.raises(ModelError, match="columns: expected omnimkt.Columns or a dict"):
        validate_transactions(tx(), ["customer_id"])


def test_bad_now_and_dayfirst_are_model_errors():
    from omnimkt import ModelError

    with pytest.raises(ModelError, match="now: 'soon' is not a date"):
        validate_transactions(tx(), now="soon")
    with pytest.raises(ModelError, match="dayfirst: must be True or False, got 'yes'"):
        validate_transactions(tx(), dayfirst="yes")


def test_default_now_allows_today_in_any_time_zone():
    # a shop in UTC+14 may already record tomorrow's (UTC) date: not "in the future"
    local = pd.Timestamp.now(tz="Pacific/Kiritimati").tz_localize(None).floor("s")
    out = quiet(validate_transactions, tx(timestamp=["2025-01-01", str(local), "2025-01-02",
                                                     "2025-01-03"]))
    assert local in out["timestamp"].tolist()
