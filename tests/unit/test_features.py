"""Feature formulas against values computed by hand."""

import numpy as np
import pytest

import shared_features.features as features_module
from shared_features import (
    FEATURE_NAMES,
    FIELD_NAMES,
    MonthlyPanel,
    compute_raw_features,
    ingest,
)
from shared_features.features import month_sum, raw_feature_matrix

# One person, four months, every field given. Hand-computed figures in the tests below.
PERSON = {
    "income": [3000, 3000, 3000, 2000],
    "expenses": [2000, 2200, 2400, 2600],
    "debt_payments": [300, 300, 300, 300],
    "liquid_savings": [4000, 4500, 4600, 2600],
    "total_debt": [6000, 5800, 5600, 6400],
    "credit_limit": [10000, 10000, 10000, 10000],
    "missed_payments": [0, 1, 0, 1],
}


def one_person(**overrides):
    fields = {k: np.array([v], dtype=float) for k, v in {**PERSON, **overrides}.items()}
    return MonthlyPanel.from_arrays(fields)


@pytest.fixture(scope="module")
def raw():
    return {k: v[0] for k, v in compute_raw_features(one_person()).items()}


def test_income_level_volatility_and_trend(raw):
    assert raw["income_mean"] == pytest.approx(2750.0)
    # population std of (3000, 3000, 3000, 2000) = 433.0127
    assert raw["income_volatility"] == pytest.approx(433.0127 / 2750.0, rel=1e-5)
    # least-squares slope over t = 0..3: -300 per month, relative to the mean
    assert raw["income_trend"] == pytest.approx(-300.0 / 2750.0)
    # last three months average 2666.67
    assert raw["income_recent_ratio"] == pytest.approx(8000 / 3 / 2750.0)


def test_spending_and_cash_flow(raw):
    assert raw["expense_ratio"] == pytest.approx(2300.0 / 2750.0)
    assert raw["expense_volatility"] == pytest.approx(np.std([2000, 2200, 2400, 2600]) / 2300)
    # net cash flow: 700, 500, 300, -900 -> mean 150
    assert raw["savings_rate"] == pytest.approx(150.0 / 2750.0)
    assert raw["negative_cashflow_share"] == pytest.approx(0.25)
    assert raw["net_cashflow_mean"] == pytest.approx(150.0)


def test_liquidity(raw):
    # last savings 2600 over mean outflow (2300 + 300)
    assert raw["liquidity_months"] == pytest.approx(2600.0 / 2600.0)
    # (2600 - 4000) / 3 months / 2600 outflow
    assert raw["liquidity_trend"] == pytest.approx(-1400.0 / 3 / 2600.0)


def test_debt(raw):
    assert raw["debt_service_ratio"] == pytest.approx(300.0 / 2750.0)
    assert raw["debt_to_income"] == pytest.approx(6400.0 / (12 * 2750.0))
    # 400 more debt over 3 months, in months of outflow (2300 spending + 300 payments)
    assert raw["debt_trend"] == pytest.approx(400.0 / 3 / 2600.0)
    assert raw["payment_to_debt"] == pytest.approx(300.0 / np.mean(PERSON["total_debt"]))
    assert raw["utilization"] == pytest.approx(0.64)


def test_missed_payments_and_history(raw):
    assert raw["missed_payments_total"] == 2.0
    assert raw["missed_payments_recent"] == 2.0
    assert raw["missed_streak"] == 1.0  # missed in the latest month, not the one before
    assert raw["months_observed"] == 4.0
    for name in FEATURE_NAMES:
        if name.startswith("missing_"):
            assert raw[name] == 0.0


def test_missing_fields_give_nan_features_and_indicators():
    panel = MonthlyPanel.from_arrays({"income": np.array([[1000.0, 1000.0]]),
                                      "expenses": np.array([[800.0, 900.0]])})
    raw = compute_raw_features(panel)
    for name in ("liquidity_months", "debt_service_ratio", "debt_to_income", "utilization",
                 "missed_payments_total"):
        assert np.isnan(raw[name][0]), name
    assert raw["missing_liquid_savings"][0] == 1.0
    assert raw["missing_debt_payments"][0] == 1.0
    # debt payments missing count as zero in cash flow: (200 + 100) / 2 / 1000
    assert raw["savings_rate"][0] == pytest.approx(0.15)


def test_zero_income_takes_the_documented_extremes():
    raw = compute_raw_features(one_person(income=[0, 0, 0, 0]))
    assert raw["expense_ratio"][0] == 5.0
    assert raw["savings_rate"][0] == -3.0
    assert raw["income_volatility"][0] == 3.0


def test_no_credit_line_with_debt_is_maximal_utilisation():
    raw = compute_raw_features(one_person(credit_limit=[0, 0, 0, 0]))
    assert raw["utilization"][0] == 1.5
    raw = compute_raw_features(one_person(credit_limit=[0, 0, 0, 0], total_debt=[0, 0, 0, 0]))
    assert raw["utilization"][0] == 0.0


def test_gaps_and_short_histories_use_observed_months_only():
    result = ingest("person_id,month,income,expenses\n"
                    "a,2024-01,1000,500\na,2024-04,2000,500\nb,2024-04,3000,1000\n")
    raw = compute_raw_features(result.panel)
    assert raw["months_observed"].tolist() == [2.0, 1.0]
    assert raw["income_mean"].tolist() == [1500.0, 3000.0]
    # slope over calendar months 0 and 3: 1000 / 3 per month
    assert raw["income_trend"][0] == pytest.approx(1000 / 3 / 1500)
    assert raw["income_trend"][1] == 0.0


def test_persons_are_independent_of_each_other():
    a = one_person()
    b = one_person(income=[5000, 5000, 5000, 5000])
    both = MonthlyPanel(np.concatenate([a.values, b.values]),
                        np.concatenate([a.observed, b.observed]), np.array(["a", "b"]))
    together = raw_feature_matrix(compute_raw_features(both))
    alone = np.vstack([raw_feature_matrix(compute_raw_features(p)) for p in (a, b)])
    np.testing.assert_array_equal(together, alone)


def test_last_months_keeps_the_history_window():
    panel = MonthlyPanel.from_arrays({"income": np.arange(24.0)[None], "expenses":
                                      np.ones((1, 24))})
    window = panel.last_months(12)
    assert window.n_months == 12
    assert window.field("income")[0, 0] == 12.0


def test_short_window_features():
    panel = MonthlyPanel.from_arrays({k: np.array([v], dtype=float) for k, v in {
        **PERSON, "missed_payments": [1, 0, 1, 1]}.items()})
    raw = {k: v[0] for k, v in compute_raw_features(panel).items()}
    assert raw["missed_streak"] == 2.0
    assert raw["income_min_ratio"] == pytest.approx(2000.0 / 2750.0)
    # last three months' net cash flow 500, 300, -900 over the whole history's mean income
    assert raw["savings_rate_recent"] == pytest.approx((-100.0 / 3) / 2750.0)
    # lowest savings 2600 over mean outflow 2600
    assert raw["liquidity_min_months"] == pytest.approx(1.0)


def test_every_feature_is_free_of_currency_units():
    """All amounts x k leave every model feature unchanged (counts are not amounts)."""
    base = one_person()
    factor = np.array([1.0 if f == "missed_payments" else 0.0 for f in FIELD_NAMES])
    want = raw_feature_matrix(compute_raw_features(base))
    for k in (0.01, 32.0, 100.0):
        scaled = base.with_values(base.values * np.where(factor == 1.0, 1.0, k))
        got = raw_feature_matrix(compute_raw_features(scaled))
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"amounts x{k}")


@pytest.mark.parametrize("width", [1, 2, 5, 7, 8, 9, 12, 16, 23, 24, 40])
def test_month_sum_adds_in_numpys_order_in_either_layout(width):
    rng = np.random.default_rng(width)
    x = rng.normal(size=(500, width)) * 10.0 ** rng.integers(-3, 7, size=(500, width))
    expected = x.sum(axis=1)  # C order: numpy's pairwise order
    assert np.array_equal(month_sum(x), expected)
    assert np.array_equal(month_sum(np.asfortranarray(x)), expected)


def test_features_do_not_depend_on_the_panels_memory_layout():
    """ingest lays panels out month by month; training builds them person by person: the
    features must be bitwise the same."""
    rng = np.random.default_rng(3)
    persons, months = 300, 12
    values = rng.gamma(2.0, 1500.0, size=(persons, months, len(FIELD_NAMES)))
    values[rng.random(values.shape) < 0.2] = np.nan
    observed = rng.random((persons, months)) < 0.85
    observed[:, -1] = True
    values[~observed] = np.nan
    ids = np.array([f"p{i}" for i in range(persons)], dtype=object)
    by_person = MonthlyPanel(np.ascontiguousarray(values), observed, ids)
    month_major = np.empty((len(FIELD_NAMES), months, persons))
    month_major[...] = values.transpose(2, 1, 0)
    by_month = MonthlyPanel(month_major.transpose(2, 1, 0), np.asfortranarray(observed), ids)
    assert by_month.field("income").flags.f_contiguous
    a, b = compute_raw_features(by_person), compute_raw_features(by_month)
    for name in a:
        assert np.array_equal(a[name], b[name], equal_nan=True), name


@pytest.mark.parametrize("layout", ["by_person", "by_month"])
def test_a_few_persons_get_the_same_features_bit_for_bit_as_many(layout):
    """Up to SMALL_PERSONS persons the month loops are single numpy calls: a person's features
    must not depend on how many others share the call (a one-person request vs a batch)."""
    rng = np.random.default_rng(11)
    persons, months = 3 * features_module.SMALL_PERSONS, 12
    values = rng.gamma(2.0, 1500.0, size=(persons, months, len(FIELD_NAMES)))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, :, FIELD_NAMES.index("missed_payments")] = rng.integers(0, 3, (persons, months))
    values[: persons // 3, :, FIELD_NAMES.index("total_debt")] = np.nan  # a missing column
    observed = rng.random((persons, months)) < 0.8
    observed[: persons // 2, -1] = True
    values[~observed] = np.nan
    if layout == "by_month":
        values = np.ascontiguousarray(values.transpose(2, 1, 0)).transpose(2, 1, 0)
    ids = np.array([f"p{i}" for i in range(persons)], dtype=object)
    whole = compute_raw_features(MonthlyPanel(values, observed, ids))
    for start in range(0, persons, 7):  # small pieces, each on the small path
        piece = slice(start, start + 7)
        few = compute_raw_features(MonthlyPanel(values[piece], observed[piece], ids[piece]))
        for name in whole:
            assert np.array_equal(few[name], whole[name][piece], equal_nan=True), name
