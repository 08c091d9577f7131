"""Feature engineering: the only definition of every feature formula.

Everything is vectorised over persons: (persons, months) arrays with an ``observed`` mask, no
Python loop per person. Raw features are in units a person recognises (ratios, months, counts);
the spec's transforms, imputation and scaling turn them into model inputs (see ``spec.py``).

No feature is in currency units: each is a ratio of amounts, months of cover, or a level relative
to the person's own history, so the same person written in another currency (every amount x k)
gets the same features and the same probability. A currency level would tie the model to the
simulator's dollars and to whichever currency a user's bank writes in.
Missing optional fields make the features that need them NaN (imputed later from the spec) and set
a ``missing_<field>`` indicator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .panel import MonthlyPanel
from .schema import OPTIONAL_FIELDS

RECENT_MONTHS = 3  # "recent" window for income drop and recent missed payments


@dataclass(frozen=True)
class FeatureDef:
    name: str
    label: str  # what a person calls it, used in insight sentences
    unit: str  # percent | ratio | months | currency | count | share | flag | per_month
    transform: str  # identity | log1p
    clip: tuple[float, float]
    needs: tuple[str, ...] = ()  # optional fields without which the feature is NaN


FEATURES: tuple[FeatureDef, ...] = (
    FeatureDef("income_volatility", "income volatility (month-to-month variation)", "ratio",
               "identity", (0.0, 3.0)),
    FeatureDef("income_trend", "income trend (change per month)", "percent", "identity",
               (-0.2, 0.2)),
    FeatureDef("income_recent_ratio", "recent income versus your average", "ratio", "identity",
               (0.0, 3.0)),
    FeatureDef("income_min_ratio", "your lowest month's income versus your average", "ratio",
               "identity", (0.0, 1.0)),
    FeatureDef("expense_ratio", "spending as a share of income", "percent", "identity",
               (0.0, 5.0)),
    FeatureDef("expense_volatility", "spending volatility", "ratio", "identity", (0.0, 3.0)),
    FeatureDef("savings_rate", "savings rate", "percent", "identity", (-3.0, 1.0)),
    FeatureDef("savings_rate_recent", "savings rate over the last 3 months", "percent",
               "identity", (-3.0, 1.0)),
    FeatureDef("negative_cashflow_share", "months spending more than you earn", "share",
               "identity", (0.0, 1.0)),
    FeatureDef("liquidity_months", "months of expenses covered by savings", "months", "log1p",
               (0.0, 36.0), ("liquid_savings",)),
    FeatureDef("liquidity_min_months", "lowest savings cushion in the months given", "months",
               "log1p", (0.0, 36.0), ("liquid_savings",)),
    FeatureDef("liquidity_trend", "change in savings cushion (months per month)", "per_month",
               "identity", (-2.0, 2.0), ("liquid_savings",)),
    FeatureDef("debt_service_ratio", "debt payments as a share of income", "percent",
               "identity", (0.0, 2.0), ("debt_payments",)),
    FeatureDef("debt_to_income", "debt relative to yearly income", "ratio", "log1p",
               (0.0, 10.0), ("total_debt",)),
    FeatureDef("debt_trend", "change in debt per month, in months of spending", "months",
               "identity", (-2.0, 2.0), ("total_debt",)),
    FeatureDef("payment_to_debt", "debt payments as a share of the debt", "percent", "identity",
               (0.0, 1.0), ("debt_payments", "total_debt")),
    FeatureDef("utilization", "credit utilisation", "percent", "identity", (0.0, 1.5),
               ("total_debt", "credit_limit")),
    FeatureDef("missed_payments_total", "missed payments in your history", "count", "log1p",
               (0.0, 24.0), ("missed_payments",)),
    FeatureDef("missed_payments_recent", "missed payments in the last 3 months", "count",
               "log1p", (0.0, 12.0), ("missed_payments",)),
    FeatureDef("missed_streak", "months in a row with a missed payment, up to the latest",
               "count", "identity", (0.0, 12.0), ("missed_payments",)),
    FeatureDef("months_observed", "months of history provided", "count", "identity",
               (1.0, 24.0)),
    *(FeatureDef(f"missing_{f}", f"no {f.replace('_', ' ')} data", "flag", "identity",
                 (0.0, 1.0)) for f in OPTIONAL_FIELDS),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

# How a higher value moves risk as a person would reason it: +1 up, -1 down; features left out
# (history length, missingness flags) can go either way. An insight whose sign contradicts this
# is an interaction the model learned, not a reason anyone can act on, so it is not shown.
RISK_DIRECTION: dict[str, int] = {
    "income_volatility": +1, "income_trend": -1, "income_recent_ratio": -1,
    "income_min_ratio": -1, "expense_ratio": +1, "expense_volatility": +1, "savings_rate": -1,
    "savings_rate_recent": -1, "negative_cashflow_share": +1, "liquidity_months": -1,
    "liquidity_min_months": -1, "liquidity_trend": -1, "debt_service_ratio": +1,
    "debt_to_income": +1, "debt_trend": +1, "payment_to_debt": -1, "utilization": +1,
    "missed_payments_total": +1, "missed_payments_recent": +1, "missed_streak": +1,
}
FEATURE_BY_NAME: dict[str, FeatureDef] = {f.name: f for f in FEATURES}

_EPS = 1e-9
# Amounts below this share of a person's typical month count as exactly 0: float residue (a
# balance paid down to 1e-12) must not decide "no debt" in one currency and "some debt" in
# another, so every zero test below is relative to the person's own amounts.
_RELATIVE_ZERO = 1e-9
# Up to this many persons (a one-person request scores 7 with its what-ifs) the month-by-month
# loops below are replaced by one numpy call each: on a few persons a call costs its overhead
# (~1-5 us), not its arithmetic, and the loops make hundreds. Same results bit for bit (the
# tests compare both ways); the loops stay for large panels, where they are faster.
SMALL_PERSONS = 64


def _safe_div(num: np.ndarray, den: np.ndarray, when_zero: float) -> np.ndarray:
    """num/den, with ``when_zero`` where den is 0 (e.g. no income) and NaN kept where NaN."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = num / den
    out = np.where(den == 0, when_zero, out)
    return np.where(np.isnan(num) | np.isnan(den), np.nan, out)


def _person_scale(panel: MonthlyPanel) -> np.ndarray:
    """Each person's typical monthly amount (mean income + mean expenses; 1 if both are 0)."""
    obs = panel.observed
    scale = (mean_over_months(np.abs(_masked(panel.field("income"), obs)))
             + mean_over_months(np.abs(_masked(panel.field("expenses"), obs))))
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)


def _masked(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """x where mask, else NaN; x itself (not a copy: never written to) where all is kept."""
    return x if mask.all() else np.where(mask, x, np.nan)


def month_sum(x: np.ndarray) -> np.ndarray:
    """Each row's sum over months (axis 1), bitwise equal to ``x.sum(axis=1)`` of a C-ordered
    array: numpy adds a row of up to 128 in this order (one after another below 8, else in eight
    partial sums), whatever the layout here. Done month by month, as whole-column additions:
    on a panel laid out month-major (``ingest.to_panel``) that is several times faster than
    numpy's own reduction, and the features do not depend on the panel's memory layout."""
    width = x.shape[1]
    if width == 0 or width > 128:
        return x.sum(axis=1)
    if len(x) <= SMALL_PERSONS:  # a C-ordered copy is one call; the loop below is ~20
        return np.ascontiguousarray(x).sum(axis=1)
    if width < 8:
        total = x[:, 0].copy()
        for j in range(1, width):
            total += x[:, j]
        return total
    partial = [x[:, j].copy() for j in range(8)]
    whole = width - width % 8
    for start in range(8, whole, 8):
        for j in range(8):
            partial[j] += x[:, start + j]
    total = (((partial[0] + partial[1]) + (partial[2] + partial[3]))
             + ((partial[4] + partial[5]) + (partial[6] + partial[7])))
    for j in range(whole, width):
        total += x[:, j]
    return total


def mean_over_months(x: np.ndarray) -> np.ndarray:
    """Each person's mean over non-NaN months; NaN for none (without numpy's warning)."""
    valid = ~np.isnan(x)
    n = np.add.reduce(valid, axis=1, dtype=np.intp)  # np.count_nonzero, minus its dispatch
    total = month_sum(np.where(valid, x, 0.0))
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _nansum(x: np.ndarray) -> np.ndarray:
    """``np.nansum(x, axis=1)``: NaN counts as 0."""
    return month_sum(np.where(np.isnan(x), 0.0, x))


def _nanstd(x: np.ndarray) -> np.ndarray:
    mean = mean_over_months(x)
    return np.sqrt(mean_over_months((x - mean[:, None]) ** 2))


def latest_value(x: np.ndarray) -> np.ndarray:
    """Each row's most recent non-NaN value (months are right-aligned), NaN if none."""
    return _Ends(x).latest


class _Ends:
    """Where each row's non-NaN values start and end, found once for all that ask."""

    def __init__(self, x: np.ndarray) -> None:
        valid = ~np.isnan(x)
        self.x, self.any = x, valid.any(axis=1)
        # Month by month (whole-column operations, fast in any layout); a row with no value
        # gets first 0 and last the latest month, as np.argmax would give.
        months = x.shape[1]
        if len(x) <= SMALL_PERSONS:  # argmax of all-False is 0: the same as the loops
            self.first = np.argmax(valid, axis=1)
            self.last = months - 1 - np.argmax(valid[:, ::-1], axis=1)
            return
        self.first = np.zeros(len(x), dtype=np.intp)
        self.last = np.full(len(x), months - 1, dtype=np.intp)
        for j in range(months - 1, -1, -1):
            np.copyto(self.first, j, where=valid[:, j])
        for j in range(months):
            np.copyto(self.last, j, where=valid[:, j])

    @property
    def latest(self) -> np.ndarray:
        return np.where(self.any, self.x[np.arange(self.x.shape[0]), self.last], np.nan)

    @property
    def earliest(self) -> np.ndarray:
        return np.where(self.any, self.x[np.arange(self.x.shape[0]), self.first], np.nan)

    @property
    def span(self) -> np.ndarray:
        """Months between the first and last non-NaN value of each row."""
        return np.where(self.any, self.last - self.first, 0).astype(float)


def _slope(x: np.ndarray) -> np.ndarray:
    """Least-squares slope per month over each row's non-NaN entries (0 with < 2 points)."""
    valid = ~np.isnan(x)
    n = valid.sum(axis=1)
    t = np.broadcast_to(np.arange(x.shape[1], dtype=float), x.shape)
    t_mean = mean_over_months(np.where(valid, t, np.nan))
    x_mean = mean_over_months(x)
    dt = np.where(valid, t - t_mean[:, None], 0.0)
    dx = np.where(valid, x - x_mean[:, None], 0.0)
    var = month_sum(dt * dt)
    return np.where((n >= 2) & (var > 0), month_sum(dt * dx) / np.maximum(var, _EPS), 0.0)


def _recent_months(observed: np.ndarray, months: int) -> np.ndarray:
    """Each person's last ``months`` observed months (bool, persons x months)."""
    if len(observed) <= SMALL_PERSONS:  # observed months counted from the latest back
        seen = np.cumsum(observed[:, ::-1], axis=1, dtype=np.intp)[:, ::-1]
        return observed & (seen <= months)
    recent = np.zeros_like(observed)
    seen = np.zeros(len(observed), dtype=np.intp)  # observed months from the latest back
    for j in range(observed.shape[1] - 1, -1, -1):
        seen += observed[:, j]
        recent[:, j] = observed[:, j] & (seen <= months)
    return recent


def _cash_flows(panel: MonthlyPanel) -> tuple[np.ndarray, np.ndarray]:
    """(outflow, net cash flow) per person and month; NaN where the month is not observed.

    A month's debt payment not reported counts as 0; missing_debt_payments tells the model so
    it can discount the figure.
    """
    obs = panel.observed
    payments = panel.field("debt_payments")
    outflow = panel.field("expenses") + np.where(np.isnan(payments), 0.0, payments)
    outflow = _masked(outflow, obs)
    return outflow, _masked(panel.field("income"), obs) - outflow


def monthly_net_cashflow(panel: MonthlyPanel) -> np.ndarray:
    """Income - expenses - debt payments, (persons, months), as the features count it."""
    return _cash_flows(panel)[1]


def _min_over_months(x: np.ndarray) -> np.ndarray:
    """Each row's smallest non-NaN value; NaN for none (without numpy's warning)."""
    low = np.where(np.isnan(x), np.inf, x).min(axis=1)
    return np.where(np.isinf(low), np.nan, low)


def _trailing_run(flag: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Per row: how many observed months in a row, ending at the latest, have ``flag`` set."""
    if len(flag) <= SMALL_PERSONS:  # "broken" from the latest month back, then counted
        broken = np.logical_or.accumulate((observed & ~flag)[:, ::-1], axis=1)[:, ::-1]
        return np.add.reduce(flag & observed & ~broken, axis=1, dtype=float)
    run = np.zeros(len(flag))
    broken = np.zeros(len(flag), dtype=bool)  # an observed month without the flag seen yet
    for j in range(flag.shape[1] - 1, -1, -1):
        broken |= observed[:, j] & ~flag[:, j]
        run += flag[:, j] & observed[:, j] & ~broken
    return run


def compute_raw_features(panel: MonthlyPanel) -> dict[str, np.ndarray]:
    """All raw features (and a few key-metric extras) per person, as float arrays.

    Keys are FEATURE_NAMES plus ``income_mean``, ``net_cashflow_mean``, ``expenses_mean`` and
    ``liquid_savings_last``: amounts in the upload's currency, which only the key metrics use.
    """
    obs = panel.observed
    recent = _recent_months(obs, RECENT_MONTHS)
    tiny = _RELATIVE_ZERO * _person_scale(panel)[:, None]

    def amount(name: str) -> np.ndarray:
        x = _masked(panel.field(name), obs)
        return np.where(np.abs(x) < tiny, 0.0, x)

    income = amount("income")
    expenses = amount("expenses")
    debt_pay_raw = amount("debt_payments")
    savings = amount("liquid_savings")
    debt = amount("total_debt")
    limit = amount("credit_limit")
    missed = _masked(panel.field("missed_payments"), obs)

    outflow, net = _cash_flows(panel)
    net = np.where(np.abs(net) < tiny, 0.0, net)  # a month that exactly breaks even
    income_mean = mean_over_months(income)
    expenses_mean = mean_over_months(expenses)
    outflow_mean = mean_over_months(outflow)
    months_observed = obs.sum(axis=1).astype(float)

    f: dict[str, np.ndarray] = {}
    f["income_volatility"] = _safe_div(_nanstd(income), income_mean, when_zero=3.0)
    f["income_trend"] = _safe_div(_slope(income), income_mean, when_zero=0.0)
    recent_income = mean_over_months(np.where(recent, income, np.nan))
    f["income_recent_ratio"] = _safe_div(recent_income, income_mean, when_zero=1.0)
    f["income_min_ratio"] = _safe_div(_min_over_months(income), income_mean, when_zero=0.0)
    f["expense_ratio"] = _safe_div(expenses_mean, income_mean, when_zero=5.0)
    f["expense_volatility"] = _safe_div(_nanstd(expenses), expenses_mean, when_zero=0.0)
    net_mean = mean_over_months(net)
    f["savings_rate"] = _safe_div(net_mean, income_mean, when_zero=-3.0)
    # Relative to the whole history's income, so that more income never lowers it.
    f["savings_rate_recent"] = _safe_div(mean_over_months(np.where(recent, net, np.nan)),
                                         income_mean, when_zero=-3.0)
    f["negative_cashflow_share"] = mean_over_months(np.where(obs, (net < 0).astype(float), np.nan))

    savings_ends = _Ends(savings)
    savings_last = savings_ends.latest
    f["liquidity_months"] = _safe_div(np.maximum(savings_last, 0.0), outflow_mean,
                                      when_zero=36.0)
    f["liquidity_min_months"] = _safe_div(np.maximum(_min_over_months(savings), 0.0),
                                          outflow_mean, when_zero=36.0)
    savings_change = _safe_div(savings_last - savings_ends.earliest, savings_ends.span,
                               when_zero=0.0)
    f["liquidity_trend"] = _safe_div(savings_change, outflow_mean, when_zero=0.0)

    debt_payments_mean = mean_over_months(debt_pay_raw)
    f["debt_service_ratio"] = _safe_div(debt_payments_mean, income_mean, when_zero=2.0)
    debt_ends = _Ends(debt)
    debt_last = debt_ends.latest
    f["debt_to_income"] = _safe_div(debt_last, 12.0 * income_mean, when_zero=10.0)
    # In months of spending, not of income: more income then never reads as "debt growing".
    debt_change = _safe_div(debt_last - debt_ends.earliest, debt_ends.span, when_zero=0.0)
    f["debt_trend"] = _safe_div(debt_change, outflow_mean, when_zero=0.0)
    # Nothing owed reads as "paying everything off".
    f["payment_to_debt"] = _safe_div(debt_payments_mean, mean_over_months(debt), when_zero=1.0)
    limit_last = latest_value(limit)
    # No credit line but some debt: as stretched as it gets; no debt: nothing used.
    utilization = _safe_div(debt_last, limit_last, when_zero=1.5)
    f["utilization"] = np.where((debt_last <= 0) & ~np.isnan(limit_last), 0.0, utilization)

    has_missed = ~np.isnan(missed).all(axis=1)
    f["missed_payments_total"] = np.where(has_missed, _nansum(missed), np.nan)
    f["missed_payments_recent"] = np.where(
        has_missed, _nansum(np.where(recent, missed, np.nan)), np.nan)
    # Consecutive months behind, like a card's delinquency bucket (30 / 60 / 90+ days).
    f["missed_streak"] = np.where(has_missed, _trailing_run(missed >= 0.5, obs), np.nan)
    f["months_observed"] = months_observed

    for field in OPTIONAL_FIELDS:
        values = _masked(panel.field(field), obs)
        f[f"missing_{field}"] = np.isnan(values).all(axis=1).astype(float)

    f["income_mean"] = income_mean
    f["net_cashflow_mean"] = net_mean
    f["expenses_mean"] = expenses_mean
    f["liquid_savings_last"] = savings_last
    return f


def raw_feature_matrix(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The raw features in model order, (persons, features) float64 with NaN where missing."""
    return np.column_stack([raw[name] for name in FEATURE_NAMES]).astype(np.float64)
