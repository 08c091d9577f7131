"""The simulator: shapes, reproducibility, accounting invariants, and masking into a panel."""

from dataclasses import replace

import numpy as np
import pytest

from shared_features import FIELD_NAMES, OPTIONAL_FIELDS, MonthlyPanel
from training import config as config_mod
from training.masking import mask_history
from training.simulator import (
    RECORD_FIELDS,
    SimulatorConfig,
    panel_values,
    run_cohort,
    sample_population,
    simulate,
    step,
)


@pytest.fixture(scope="module")
def config():
    return config_mod.load()


@pytest.fixture(scope="module")
def sim_cfg(config):
    return SimulatorConfig.from_config(config)


@pytest.fixture(scope="module")
def long_run(sim_cfg):
    rng = np.random.default_rng(11)
    pop, state = sample_population(5000, sim_cfg, rng)
    start = state.copy()
    return pop, start, simulate(pop, state, 24, sim_cfg, rng)


def test_cohort_shapes_and_panel_order(sim_cfg):
    sim = run_cohort(300, sim_cfg, history_months=12, horizon_months=6, burn_in_months=2,
                     seed=1)
    assert set(sim.history) == set(RECORD_FIELDS)  # panel fields and what the labeler needs
    assert all(v.shape == (300, 12) for v in sim.history.values())
    assert set(sim.horizon) == set(RECORD_FIELDS)
    assert all(v.shape == (300, 6) for v in sim.horizon.values())
    values = panel_values(sim.history)
    assert values.shape == (300, 12, len(FIELD_NAMES))
    np.testing.assert_array_equal(values[:, :, FIELD_NAMES.index("liquid_savings")],
                                  sim.history["cash"])
    assert sim.end_state.cash.shape == (300,)


def test_same_seed_same_cohort_and_other_seed_differs(sim_cfg):
    a = run_cohort(500, sim_cfg, 6, 3, 2, seed=3)
    b = run_cohort(500, sim_cfg, 6, 3, 2, seed=3)
    c = run_cohort(500, sim_cfg, 6, 3, 2, seed=4)
    for key in a.history:
        np.testing.assert_array_equal(a.history[key], b.history[key])
    for key in a.horizon:
        np.testing.assert_array_equal(a.horizon[key], b.horizon[key])
    assert not np.array_equal(a.history["income"], c.history["income"])


def test_amounts_are_non_negative_and_counts_whole(long_run):
    _, _, r = long_run
    for key in ("income", "expenses", "debt_payments", "required_payments", "revolving",
                "total_debt", "credit_limit"):
        assert (r[key] >= -1e-9).all(), key
    assert set(np.unique(r["missed_payments"])) <= {0.0, 1.0, 2.0}


def test_draws_never_push_the_card_above_its_limit(long_run, sim_cfg):
    pop, start, r = long_run
    late_fee = float(sim_cfg.sim["late_fee"])
    rev_prev = np.column_stack([start.revolving, r["revolving"][:, :-1]])
    limit_prev = np.column_stack([start.limit, r["usable_limit"][:, :-1]])
    with_interest = rev_prev * (1 + pop.apr[:, None] / 12)
    # Only interest and late fees on a balance already at the limit can take it over.
    assert (r["revolving"] <= np.maximum(limit_prev, with_interest) + late_fee + 1e-6).all()
    assert (r["headroom_left"] >= -1e-9).all()
    # a limit is frozen or restored, never raised above the line granted at the start
    assert (r["usable_limit"] <= r["credit_limit"] + 1e-9).all()
    assert (r["credit_limit"] <= start.line[:, None] + 1e-9).all()


def test_without_lapses_payments_are_missed_only_when_the_card_can_take_no_more(sim_cfg):
    rng = np.random.default_rng(11)
    pop, state = sample_population(5000, sim_cfg, rng)
    pop.lapse[:] = 0.0
    r = simulate(pop, state, 24, replace(sim_cfg, sim={**sim_cfg.sim, "lapse_roll": 0.0}), rng)
    missed = r["missed_payments"] > 0
    assert missed.any(), "a 5000-person, 24-month run should contain some missed payments"
    # the card is full, or every chargeable part of the month's spending is already on it
    chargeable = float(sim_cfg.sim["card_chargeable_share"]) * r["expenses"]
    full = r["headroom_left"] < 0.01
    assert (full | (r["card_draw"] >= chargeable - 0.01))[missed].all()
    # bills that cannot go on a card: some fall behind with room left on the card
    assert (~full[missed]).any()
    # and a person who missed paid less than was due that month
    assert (r["debt_payments"][missed] < r["required_payments"][missed] + 1e-9).all()
    # households that put their debts first fall behind on other bills instead (cash < 0)
    assert not missed[pop.pays_debts_first].any()
    assert (r["cash"][pop.pays_debts_first] < 0).any()


def test_a_missed_payment_stays_due_and_lapses_roll(sim_cfg):
    rng = np.random.default_rng(12)
    pop, state = sample_population(4000, sim_cfg, rng)
    pop.lapse[:] = 1.0  # everybody lets this month's payment slip
    had_balance = state.revolving > 1.0
    first = step(pop, state, sim_cfg, rng)
    assert (first["missed_payments"][had_balance] >= 1).all()
    card = state.past_due > 0.01
    assert card.sum() > 100 and (state.behind[card] >= 1).all()
    pop.lapse[:] = 0.0  # now only the roll rate and cash decide
    before = state.past_due.copy()
    second = step(pop, state, sim_cfg, rng)
    # what was missed is due again on top of the new minimum
    assert (second["required_payments"][card] >= before[card] - 1e-6).all()
    roll = (second["missed_payments"][card] > 0).mean()
    assert float(sim_cfg.sim["lapse_roll"]) - 0.05 < roll < 0.9
    assert ((state.behind == 0) == (second["missed_payments"] == 0)).all()


def test_a_card_180_days_past_due_is_charged_off_and_closed(sim_cfg):
    rng = np.random.default_rng(13)
    pop, state = sample_population(3000, sim_cfg, rng)
    pop.lapse[:] = 1.0  # nobody pays: every card rolls towards charge-off
    months = int(sim_cfg.sim["chargeoff_card_months"])
    had_balance = state.revolving > 100.0
    r = simulate(pop, state, months + 2, sim_cfg, rng)
    assert (r["missed_payments"][had_balance, :months] >= 1).all()
    # the month it reaches 180 days past due the balance is written off and the card closed
    assert (r["charged_off"][had_balance, months - 1] > 0).all()
    assert (state.line[had_balance] == 0).all() and (state.limit[had_balance] == 0).all()
    assert (r["revolving"][had_balance, months - 1:] == 0).all()
    assert (state.past_due[had_balance] == 0).all()
    # the debt is not gone: a collector holds it, it is still debt, and while nobody pays
    # the collector the person stays behind, month after month
    np.testing.assert_allclose(r["collection"][had_balance, months - 1],
                               r["charged_off"][had_balance, :months].sum(axis=1))
    assert (r["total_debt"][had_balance, months:] >= r["collection"][had_balance, months:]).all()
    assert (r["missed_payments"][had_balance, months:] >= 1).all()
    assert (state.behind[had_balance] > months).all()


def test_charged_off_debt_paid_to_the_collector_shrinks_and_keeps_the_person_current(sim_cfg):
    rng = np.random.default_rng(15)
    pop, state = sample_population(3000, sim_cfg, rng)
    pop.lapse[:] = 1.0
    months = int(sim_cfg.sim["chargeoff_card_months"])
    simulate(pop, state, months, sim_cfg, rng)
    owed = state.collection.copy()
    # now everybody pays what is due, cash or not (debts first), and never slips
    pop.lapse[:] = 0.0
    pop.pays_debts_first[:] = True
    r = simulate(pop, state, 3, replace(sim_cfg, sim={**sim_cfg.sim, "lapse_roll": 0.0}), rng)
    in_collection = owed > 100.0
    assert in_collection.sum() > 100
    no_loan = in_collection & (state.inst_balance == 0)
    assert (r["missed_payments"][no_loan] == 0).all()
    assert (state.collection[in_collection] < owed[in_collection]).all()
    assert (r["debt_payments"][no_loan] > 0).all()


def test_a_cured_card_is_usable_again(sim_cfg):
    rng = np.random.default_rng(14)
    pop, state = sample_population(3000, sim_cfg, rng)
    line = state.line.copy()
    pop.lapse[:] = 1.0
    step(pop, state, sim_cfg, rng)  # one slip freezes the card at its balance
    frozen = (state.past_due > 0.01) & (state.limit < line - 1.0)
    assert frozen.sum() > 100
    pop.lapse[:] = 0.0
    cfg = replace(sim_cfg, sim={**sim_cfg.sim, "lapse_roll": 0.0})
    reopen = int(sim_cfg.sim["reopen_after_months"])
    r = simulate(pop, state, reopen + 1, cfg, rng)
    paid = frozen & (r["missed_payments"] == 0).all(axis=1)
    assert paid.sum() > 100
    # frozen while it is being brought back, the granted line again after `reopen` months
    assert (r["usable_limit"][paid, 0] < line[paid] - 1.0).all()
    np.testing.assert_allclose(r["usable_limit"][paid, reopen - 1], line[paid])
    # while the statement keeps printing the line granted
    np.testing.assert_allclose(r["credit_limit"][paid], np.broadcast_to(line[paid, None],
                                                                        r["credit_limit"][paid].shape))


def test_cash_and_card_accounting_balances(sim_cfg):
    rng = np.random.default_rng(2)
    pop, state = sample_population(3000, sim_cfg, rng)
    simulate(pop, state, 12, sim_cfg, rng, record=None)  # get some people into trouble
    before = state.copy()
    m = step(pop, state, sim_cfg, rng)
    # Cash: income in; spending and debt payments out; what the card financed comes in.
    np.testing.assert_allclose(state.cash - before.cash,
                               m["income"] - m["expenses"] - m["debt_payments"] + m["card_draw"],
                               atol=1e-6)
    # Card: interest and draws add, payments to the card subtract, a late fee on a miss.
    interest = before.revolving * pop.apr / 12
    fee = float(sim_cfg.sim["late_fee"]) * (m["missed_payments"] > 0)
    # A card charged off this month leaves the books: its balance is written off, not paid.
    written_off = np.where((before.line > 0) & (state.line == 0),
                           before.revolving + interest + m["card_draw"] + fee, 0.0)
    card_paid = before.revolving + interest + m["card_draw"] - state.revolving - written_off
    assert (card_paid + fee >= -1e-6).all()
    assert (card_paid <= m["debt_payments"] + 1e-6).all()


def test_job_loss_cuts_income_to_other_income_and_unemployment_insurance(sim_cfg):
    rng = np.random.default_rng(3)
    pop, state = sample_population(1000, sim_cfg, rng)
    state.employed[:] = True
    pop.p_loss[:] = 1.0
    pop.p_reemp[:] = 0.0
    perm = state.income_perm.copy()
    no_lasting_shocks = replace(sim_cfg, sim={**sim_cfg.sim, "permanent_income_shock_sd": 0.0})
    month = step(pop, state, no_lasting_shocks, rng)
    assert not state.employed.any()
    ui = float(sim_cfg.sim["ui_replacement"]) * pop.ui_eligible
    expected = perm * (1 + pop.growth) * (pop.other_share + (1 - pop.other_share) * ui)
    np.testing.assert_allclose(month["income"], expected, rtol=1e-12)


def test_nobody_starts_with_a_card_over_its_limit(sim_cfg):
    _, state = sample_population(5000, sim_cfg, np.random.default_rng(4))
    assert (state.revolving <= state.limit + 1e-9).all()
    assert (state.limit >= 0).all() and (state.inst_balance >= 0).all()


def test_masking_drops_whole_columns_and_leading_months(config):
    rng = np.random.default_rng(5)
    n, months = 4000, 12
    values = np.abs(rng.normal(1000, 100, (n, months, len(FIELD_NAMES))))
    panel = mask_history(values, config["masking"], rng)
    assert isinstance(panel, MonthlyPanel)
    obs = panel.observed
    # right-aligned: once observed, observed until the last month; last month always observed
    assert obs[:, -1].all()
    assert (np.diff(obs.astype(int), axis=1) >= 0).all()
    lengths = obs.sum(axis=1)
    assert lengths.min() >= 1 and lengths.max() == months
    short = (lengths < months).mean()
    assert abs(short - config["masking"]["short_history_share"]) < 0.04
    assert np.isnan(panel.values[~obs]).all()
    for field in OPTIONAL_FIELDS:
        col = panel.values[:, :, FIELD_NAMES.index(field)]
        dropped = np.isnan(col[:, -1])
        assert (np.isnan(col[dropped]).all())
        assert abs(dropped.mean() - config["masking"][field]) < 0.04, field
    for field in ("income", "expenses"):
        col = panel.values[:, :, FIELD_NAMES.index(field)]
        assert not np.isnan(col[obs]).any()


def test_masking_under_reports_spending_for_the_configured_share_only(config):
    rng = np.random.default_rng(6)
    n, months = 4000, 12
    values = np.abs(rng.normal(1000, 100, (n, months, len(FIELD_NAMES))))
    cfg = {**config["masking"], "short_history_share": 0.0}
    share = cfg["partial_expenses_share"]
    lo, hi = cfg["partial_expenses_coverage"]
    assert 0 < share < 1 and 0 < lo < hi < 1
    panel = mask_history(values, cfg, rng)
    e = FIELD_NAMES.index("expenses")
    ratio = panel.values[:, :, e] / values[:, :, e]
    # one coverage per person, the same in every month; everything else as it was
    assert np.allclose(ratio, ratio[:, :1])
    partial = ratio[:, 0] < 1
    assert abs(partial.mean() - share) < 0.03
    assert (ratio[partial, 0] >= lo - 1e-12).all() and (ratio[partial, 0] <= hi + 1e-12).all()
    assert np.array_equal(panel.values[:, :, FIELD_NAMES.index("income")],
                          values[:, :, FIELD_NAMES.index("income")])
    untouched = mask_history(values, {**cfg, "partial_expenses_share": 0.0}, rng)
    assert np.array_equal(untouched.values[:, :, e], values[:, :, e])


def test_the_statement_balance_holds_the_months_card_purchases(long_run):
    _, _, r = long_run
    purchases = r["card_purchases"]
    assert (purchases >= 0).all() and (purchases > 0).any()
    # within the limit, and on top of the carried balance in the debt a card export shows
    cap = np.maximum(r["usable_limit"], r["revolving"])
    assert (r["revolving"] + purchases <= cap + 1e-6).all()
    assert (r["total_debt"] >= r["revolving"] + purchases - 1e-6).all()


def _card_buckets(pop, state, months, cfg, rng):
    """Step month by month, recording each card's delinquency bucket after the month."""
    buckets, records = [], []
    for _ in range(months):
        records.append(step(pop, state, cfg, rng))
        buckets.append(state.card_behind.copy())
    return np.column_stack(buckets), records


def test_a_card_paying_its_minimum_while_behind_holds_its_bucket_instead_of_rolling(sim_cfg):
    rng = np.random.default_rng(15)
    pop, state = sample_population(6000, sim_cfg, rng)
    simulate(pop, state, 12, sim_cfg, rng, record=None)  # get some people into trouble
    before = state.card_behind.copy()
    buckets, records = _card_buckets(pop, state, 24, sim_cfg, rng)
    prev = np.column_stack([before, buckets[:, :-1]])
    # a bucket moves on by at most one a month (one more unpaid minimum), back by any amount
    assert (buckets <= prev + 1).all()
    # accounts reported late month after month without rolling on to charge-off: they pay
    # something each month (the held minimum) and are still past due
    held = (prev > 0) & (buckets == prev)
    assert held.sum() > 20
    paid = np.column_stack([r["debt_payments"] for r in records])
    missed = np.column_stack([r["missed_payments"] for r in records]) > 0
    assert missed[held].all() and (paid[held] > 0).all()
    # so a run of missed months can outlast the 180 days of the charge-off rule
    run = np.zeros(missed.shape[0], dtype=int)
    longest = np.zeros_like(run)
    for t in range(missed.shape[1]):
        run = np.where(missed[:, t], run + 1, 0)
        longest = np.maximum(longest, run)
    assert (longest > int(sim_cfg.sim["chargeoff_card_months"])).any()


def test_the_payments_an_upload_shows_include_the_settled_statement(long_run):
    _, start, r = long_run
    statement = np.column_stack([np.zeros(len(start.cash)), r["card_purchases"][:, :-1]])
    shown, service = r["payments_shown"], r["debt_payments"]
    assert (shown >= service - 1e-9).all() and (shown <= service + statement + 1e-6).all()
    # transactors' full payments: with no debt service at all, the statement is what is paid
    transactor = (service[:, 1:] == 0) & (statement[:, 1:] > 0) & (r["missed_payments"][:, 1:] == 0)
    assert transactor.sum() > 100
    np.testing.assert_allclose(shown[:, 1:][transactor], statement[:, 1:][transactor])
    # the panel's debt_payments is that figure
    values = panel_values(r)
    np.testing.assert_array_equal(values[:, :, FIELD_NAMES.index("debt_payments")], shown)
