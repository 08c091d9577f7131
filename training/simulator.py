"""Month-by-month household simulator, vectorised over people (arrays of shape (persons,)).

Each person has hidden parameters (``Population``, fixed) and a state (``State``, evolving).
``step`` advances everybody by one month: employment changes, income arrives, spending and
shocks happen, debt accrues interest and is paid from cash, shortfalls go onto the card up to
its limit and beyond that payments may be missed; a card 180 days past due is charged off and
closed (its debt then owed to a collector), a cured one reopened. ``simulate`` loops over
months and records what happened; the state it leaves behind is what the oracle resumes from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

_CENT = 0.005
_CURRENT_CAP = 120  # months on time counted at most (int16 state; any cap > reopen works)

# Every simulated month records these (persons, months) series. The first seven map onto the
# upload fields (shared_features.FIELD_NAMES); the rest only the labeler and tests see.
PANEL_SOURCES: dict[str, str] = {
    "income": "income",
    "expenses": "expenses",
    "debt_payments": "payments_shown",
    "liquid_savings": "cash",
    "total_debt": "total_debt",
    "credit_limit": "credit_limit",
    "missed_payments": "missed_payments",
}
RECORD_FIELDS: tuple[str, ...] = (
    "income", "expenses", "essential", "debt_payments", "payments_shown", "required_payments",
    "cash", "revolving", "total_debt", "credit_limit", "usable_limit", "missed_payments",
    "employed", "card_draw", "headroom_left", "card_purchases", "charged_off", "collection",
)


@dataclass
class Population:
    """Hidden per-person parameters; the model never sees them, the oracle does."""

    archetype: np.ndarray  # int index into SimulatorConfig.archetype_names
    growth: np.ndarray  # monthly growth of permanent income
    volatility: np.ndarray  # log sd of monthly income around its permanent level
    p_loss: np.ndarray  # monthly job-loss hazard
    p_reemp: np.ndarray  # monthly re-employment hazard
    ui_eligible: np.ndarray  # bool
    other_share: np.ndarray  # share of household income that continues after a job loss
    discretionary_share: np.ndarray  # of permanent income
    shock_prob: np.ndarray  # monthly probability of an expense shock
    shock_size: np.ndarray  # typical shock in months of permanent income
    buffer_target: np.ndarray  # months of essentials kept in cash before paying the card down
    paydown: np.ndarray  # share of cash above the buffer target paid to the card each month
    apr: np.ndarray  # card APR
    inst_rate: np.ndarray  # installment-loan APR
    loan_size: np.ndarray  # size of a new installment loan, in years of permanent income
    loan_term: np.ndarray  # its term in months
    new_loan_prob: np.ndarray  # monthly chance of taking one out once the last is repaid
    lapse: np.ndarray  # monthly chance of letting a payment slip although the cash is there
    card_share: np.ndarray  # share of spending paid by card and settled in full at the due date
    pays_debts_first: np.ndarray  # bool: short of cash, pays the debts and falls behind elsewhere

    def take(self, index: np.ndarray) -> Population:
        return _take(self, index)


@dataclass
class State:
    """Everything that carries from one month to the next."""

    employed: np.ndarray  # bool
    ui_left: np.ndarray  # months of unemployment insurance left
    income_perm: np.ndarray  # permanent monthly net income
    essential_base: np.ndarray  # expected essential spending this month
    cash: np.ndarray  # liquid savings; negative = arrears on living costs / overdraft
    revolving: np.ndarray  # card balance
    line: np.ndarray  # credit line granted; 0 once the account is charged off and closed
    limit: np.ndarray  # usable limit: the line, or frozen at the balance while behind
    inst_balance: np.ndarray  # installment loans outstanding
    inst_payment: np.ndarray  # scheduled installment payment
    past_due: np.ndarray  # payments missed so far and not yet made up: due on top of this month's
    behind: np.ndarray  # months in a row with a missed payment (the delinquency bucket)
    card_behind: np.ndarray  # minimum payments past due on the card (its delinquency bucket)
    inst_behind: np.ndarray  # the same for the installment loans
    card_current: np.ndarray  # months in a row the card was paid since its last miss
    statement_due: np.ndarray  # last month's card purchases, to be settled in full this month
    collection: np.ndarray  # charged-off debt still owed, now to a collector

    def take(self, index: np.ndarray) -> State:
        return _take(self, index)

    def copy(self) -> State:
        return replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)})


def _take(obj: Any, index: np.ndarray) -> Any:
    return replace(obj, **{f.name: getattr(obj, f.name)[index] for f in fields(obj)})


@dataclass(frozen=True)
class SimulatorConfig:
    """[simulator] plus the [archetypes.*] tables, as read from the TOML config."""

    sim: dict[str, Any]
    archetypes: dict[str, dict[str, Any]]

    @property
    def archetype_names(self) -> list[str]:
        return list(self.archetypes)

    def column(self, key: str) -> np.ndarray:
        """One archetype parameter as an array indexed by archetype."""
        return np.array([float(a[key]) for a in self.archetypes.values()])

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SimulatorConfig:
        return cls(dict(config["simulator"]), {k: dict(v) for k, v in
                                                config["archetypes"].items()})


# -- sampling people -----------------------------------------------------------------------------

def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray | float,
               n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def _beta_mean(rng: np.random.Generator, mean: float, concentration: float, n: int
               ) -> np.ndarray:
    """Beta draws with the given mean and concentration (a + b)."""
    return rng.beta(concentration * mean, concentration * (1.0 - mean), n)


def _annuity(balance: np.ndarray, annual_rate: np.ndarray, months: np.ndarray) -> np.ndarray:
    r = annual_rate / 12.0
    return balance * r / (1.0 - (1.0 + r) ** -months)


def sample_population(n: int, cfg: SimulatorConfig, rng: np.random.Generator
                      ) -> tuple[Population, State]:
    """Draw n people: archetype, hidden parameters and a starting state."""
    sim = cfg.sim
    weights = cfg.column("weight")
    arch = rng.choice(len(weights), size=n, p=weights / weights.sum())

    def col(key: str) -> np.ndarray:
        return cfg.column(key)[arch]

    # Mean-preserving heterogeneity: hazards vary by person around the archetype's rate.
    hs = float(sim["hazard_sigma"])
    hazard_noise = np.exp(hs * rng.standard_normal((2, n)) - 0.5 * hs * hs)
    income_perm = _lognormal(rng, col("income_median"), col("income_sigma"), n)
    rel_income = income_perm / col("income_median")
    # Essential spending grows less than one-for-one with income (Engel curve).
    elasticity = float(sim["essential_income_elasticity"])
    essential_share = (col("essential_share") * rel_income ** (elasticity - 1.0)
                       * np.exp(col("essential_sigma") * rng.standard_normal(n)))
    essential_share = np.clip(essential_share, 0.2, 1.3)
    discretionary_share = np.clip(
        _lognormal(rng, col("discretionary_share"), col("discretionary_sigma"), n), 0.02, 0.8)

    terms = np.array([a["installment_term_months"] for a in cfg.archetypes.values()],
                     dtype=float)[arch]
    term = np.floor(terms[:, 0] + rng.random(n) * (terms[:, 1] - terms[:, 0] + 1))

    pop = Population(
        archetype=arch.astype(np.int16),
        growth=(col("income_growth_annual")
                + col("income_growth_sd") * rng.standard_normal(n)) / 12.0,
        volatility=_lognormal(rng, col("volatility_median"), col("volatility_sigma"), n),
        p_loss=np.clip(col("job_loss") * hazard_noise[0], 0.0, 0.5),
        p_reemp=np.clip(col("reemployment") * hazard_noise[1], 0.0, 0.95),
        ui_eligible=rng.random(n) < col("ui_eligible_share"),
        other_share=rng.random(n) * col("other_income_max"),
        discretionary_share=discretionary_share,
        shock_prob=np.clip(col("shock_prob") * np.exp(0.5 * rng.standard_normal(n) - 0.125),
                           0.0, 0.5),
        shock_size=_lognormal(rng, col("shock_size_months"), 0.5, n),
        buffer_target=_lognormal(rng, col("buffer_target_months"),
                                 float(sim["buffer_target_sigma"]), n),
        paydown=rng.beta(float(sim["paydown_alpha"]), float(sim["paydown_beta"]), n),
        apr=np.clip(float(sim["card_apr_mean"]) + float(sim["card_apr_sd"])
                    * rng.standard_normal(n), 0.08, 0.36),
        inst_rate=col("installment_rate"),
        loan_size=_lognormal(rng, col("installment_to_annual_income"),
                             col("installment_sigma"), n),
        loan_term=term,
        # Loans end at ~1/term a month; this origination rate keeps the archetype's share of
        # borrowers roughly stationary: (1 - s) p = s / term.
        new_loan_prob=np.clip(col("installment_share")
                              / ((1.0 - col("installment_share")) * term), 0.0, 1.0),
        # Most people pay on time whenever they can; a minority let payments slip repeatedly.
        lapse=np.where(rng.random(n) < float(sim["lapse_prone_share"]),
                       float(sim["lapse_prone_monthly"]), float(sim["lapse_monthly"])),
        pays_debts_first=rng.random(n) < float(sim["pays_debts_first_share"]),
        card_share=_beta_mean(rng, float(sim["card_spend_share"]),
                              float(sim["card_spend_concentration"]), n),
    )

    essential_base = essential_share * income_perm
    has_buffer = rng.random(n) < col("buffer_share")
    cash_months = np.where(has_buffer, col("buffer_months"), col("thin_months"))
    cash = _lognormal(rng, cash_months, col("cash_sigma"), n) * essential_base

    has_card = rng.random(n) >= col("no_card_share")
    limit = np.where(has_card, _lognormal(rng, col("limit_to_annual_income"), col("limit_sigma"),
                                          n) * 12.0 * income_perm, 0.0)
    limit = np.round(limit, -2)  # issuers grant round limits
    revolver = rng.random(n) < col("revolver_share")
    # Beta with mean u and concentration 4 for the starting utilisation of revolvers.
    u = col("revolver_utilization")
    utilization = rng.beta(4.0 * u, 4.0 * (1.0 - u))
    revolving = np.where(revolver, utilization * limit, 0.0)

    has_inst = rng.random(n) < col("installment_share")
    # Loans already running: somewhere between just taken out and nearly repaid.
    left = np.maximum(np.ceil(term * rng.random(n)), 1.0)
    inst_balance = np.where(has_inst, pop.loan_size * 12.0 * income_perm * left / term, 0.0)
    inst_payment = np.where(has_inst, _annuity(inst_balance, pop.inst_rate, left), 0.0)

    # Start in the stationary employment distribution of each person's own hazards.
    p_unemployed = pop.p_loss / np.maximum(pop.p_loss + pop.p_reemp, 1e-12)
    employed = rng.random(n) >= p_unemployed
    ui_left = np.where(~employed & pop.ui_eligible,
                       rng.integers(0, int(sim["ui_months"]) + 1, n), 0)

    months = np.zeros(n, dtype=np.int16)
    never_missed = np.full(n, _CURRENT_CAP, dtype=np.int16)
    state = State(employed=employed, ui_left=ui_left.astype(np.int16), income_perm=income_perm,
                  essential_base=essential_base, cash=cash, revolving=revolving, line=limit,
                  limit=limit.copy(), inst_balance=inst_balance, inst_payment=inst_payment,
                  past_due=np.zeros(n), behind=months, card_behind=months.copy(),
                  inst_behind=months.copy(), card_current=never_missed,
                  statement_due=np.zeros(n), collection=np.zeros(n))
    return pop, state


# -- one month -----------------------------------------------------------------------------------

def step(pop: Population, st: State, cfg: SimulatorConfig, rng: np.random.Generator
         ) -> dict[str, np.ndarray]:
    """Advance everybody by one month (``st`` is updated in place); return the month's record."""
    sim = cfg.sim
    n = st.cash.shape[0]
    u_job, u_shock, u_loan, u_lapse = rng.random((4, n))
    z_income, z_job, z_ess, z_disc, z_shock, z_perm = rng.standard_normal((6, n))

    # Employment: one uniform decides both transitions, as only one applies to each person.
    lose = st.employed & (u_job < pop.p_loss)
    find = ~st.employed & (u_job < pop.p_reemp)
    st.employed = (st.employed & ~lose) | find
    st.ui_left = np.where(lose & pop.ui_eligible, int(sim["ui_months"]),
                          np.where(find, 0, st.ui_left)).astype(np.int16)
    reemp = np.exp(float(sim["reemployment_log_change_mean"])
                   + float(sim["reemployment_log_change_sd"]) * z_job)
    # Permanent income also takes small lasting shocks (hours, pay, household changes) on top
    # of the transitory month-to-month noise below.
    ps = float(sim["permanent_income_shock_sd"])
    st.income_perm = (np.where(find, st.income_perm * reemp, st.income_perm)
                      * (1.0 + pop.growth) * np.exp(ps * z_perm - 0.5 * ps * ps))
    # People in arrears trim even essential costs over time (cheaper housing, dropped plans).
    trim = np.where(st.cash < 0.0, 1.0 - float(sim["arrears_essential_trim"]), 1.0)
    st.essential_base = st.essential_base * (1.0 + float(sim["inflation_annual"]) / 12.0) * trim

    # Income: transitory noise around the permanent level while employed; other household
    # income plus unemployment insurance (while it lasts) otherwise.
    vol = pop.volatility
    earned = st.income_perm * np.exp(vol * z_income - 0.5 * vol * vol)
    on_ui = ~st.employed & (st.ui_left > 0)
    replacement = pop.other_share + (1.0 - pop.other_share) * float(sim["ui_replacement"]) * on_ui
    income = np.where(st.employed, earned, st.income_perm * replacement)
    st.ui_left = np.where(on_ui, st.ui_left - 1, st.ui_left).astype(np.int16)

    # Spending: essentials are sticky; discretionary follows permanent income and is cut when
    # out of work or when cash plus unused credit runs low (buffer-stock behaviour).
    es, ds = float(sim["essential_noise"]), float(sim["discretionary_noise"])
    essential = st.essential_base * np.exp(es * z_ess - 0.5 * es * es)
    headroom = np.maximum(st.limit - st.revolving, 0.0)
    liquidity = (st.cash + headroom) / np.maximum(st.essential_base, 1.0)
    low_cut = np.where(st.cash < 0.0, float(sim["arrears_discretionary_cut"]),
                       np.where(liquidity < float(sim["low_liquidity_months"]),
                                float(sim["low_liquidity_discretionary_cut"]), 0.0))
    cut = (np.where(st.employed, 1.0, 1.0 - float(sim["unemployed_discretionary_cut"]))
           * (1.0 - low_cut))
    discretionary = (pop.discretionary_share * st.income_perm * cut
                     * np.exp(ds * z_disc - 0.5 * ds * ds))
    ss = float(sim["shock_size_sigma"])
    shock = np.where(u_shock < pop.shock_prob,
                     pop.shock_size * st.income_perm * np.exp(ss * z_shock - 0.5 * ss * ss), 0.0)
    expenses = essential + discretionary + shock

    # Debt service due this month.
    interest = st.revolving * pop.apr / 12.0
    balance = st.revolving + interest
    card_min = np.where(
        balance > _CENT,
        np.minimum(balance, np.maximum(float(sim["min_payment_floor"]),
                                       float(sim["min_payment_pct"]) * st.revolving + interest)),
        0.0)
    inst_balance = st.inst_balance * (1.0 + pop.inst_rate / 12.0)
    inst_due = np.minimum(st.inst_payment, inst_balance)
    # A missed payment stays due: to get current again the person pays it on top of this
    # month's (card agreements ask for the past-due amount plus the new minimum), which is why
    # one miss so often rolls into the next.
    card_due = np.minimum(card_min + st.past_due, np.maximum(balance, 0.0))
    # A collector asks for charged-off debt in instalments (a payment plan); what is not paid
    # stays owed, and the account stays delinquent.
    coll_due = np.minimum(st.collection, np.maximum(
        float(sim["min_payment_floor"]), float(sim["collection_payment_pct"]) * st.collection))
    required = card_due + inst_due + coll_due

    # Pay from cash; a shortfall is charged to the card up to its limit (spending on the card
    # frees cash for the bills) - but only the part of the month's spending a card can pay for:
    # rent, utilities and loan payments go out of the bank account. Beyond that, card then
    # installment payments go unpaid, so people also fall behind with room left on the card.
    cash = st.cash + income - expenses - required
    room = np.maximum(st.limit - balance, 0.0)
    chargeable = float(sim["card_chargeable_share"]) * expenses
    draw = np.clip(-cash, 0.0, np.minimum(room, chargeable))
    cash = cash + draw
    # Short of cash, people who put their debts first pay them anyway and let rent, utilities
    # or the overdraft take the gap (cash goes further negative); the others miss them.
    short = np.where(pop.pays_debts_first, 0.0, np.maximum(-cash, 0.0))
    unpaid_card = np.minimum(short, card_due)
    unpaid_inst = np.minimum(short - unpaid_card, inst_due)
    unpaid_coll = np.minimum(short - unpaid_card - unpaid_inst, coll_due)
    # Payments also slip with the money there (forgotten, disputed, other priorities); once
    # behind, a person slips again more readily (sim: lapse_roll).
    # A slip is about the bills, not one lender: card and installment payments go unpaid alike.
    lapse_p = np.where(st.behind > 0, np.maximum(pop.lapse, float(sim["lapse_roll"])), pop.lapse)
    # A transactor's slip leaves last month's purchases unpaid on the card (its cash stays put).
    lapsed = u_lapse < lapse_p
    unpaid_card = np.where(lapsed & (card_due > _CENT), card_due, unpaid_card)
    unpaid_inst = np.where(lapsed & (inst_due > _CENT), inst_due, unpaid_inst)
    unpaid_coll = np.where(lapsed & (coll_due > _CENT), coll_due, unpaid_coll)
    slipped = np.where(lapsed, np.minimum(st.statement_due, np.maximum(room - draw, 0.0)), 0.0)
    missed_card = (unpaid_card > _CENT) | (slipped > _CENT)
    missed_inst = unpaid_inst > _CENT
    missed_coll = unpaid_coll > _CENT
    st.collection = st.collection - (coll_due - unpaid_coll)
    # Still negative if even living costs went unpaid; a lapsed payment's cash stays put.
    cash = cash + unpaid_card + unpaid_inst + unpaid_coll + slipped
    draw = draw + slipped  # spending the card financed this month
    revolving = balance + draw - (card_due - unpaid_card)

    # A surplus above the personal buffer target pays the card down faster - in a month the
    # card's payment was made: a missed month sends it nothing (a payment would count against
    # the arrears first).
    spare = np.where(missed_card, 0.0,
                     np.maximum(cash - pop.buffer_target * st.essential_base, 0.0))
    extra = np.minimum(pop.paydown * spare, np.maximum(revolving, 0.0))
    revolving = revolving - extra
    cash = cash - extra

    late_fee = float(sim["late_fee"])
    revolving = revolving + late_fee * missed_card
    st.inst_balance = np.maximum(inst_balance - (inst_due - unpaid_inst)
                                 + late_fee * missed_inst, 0.0)
    st.inst_payment = np.where(st.inst_balance > _CENT, st.inst_payment, 0.0)
    # A new loan (a car, say) for people in good standing whose last loan is repaid; it finances
    # the purchase, so only its payments show up, from next month.
    new_loan = ((st.inst_balance <= _CENT) & st.employed & (cash >= 0.0) & ~missed_card
                & (st.collection <= _CENT) & (u_loan < pop.new_loan_prob))
    loan = pop.loan_size * 12.0 * st.income_perm
    st.inst_balance = np.where(new_loan, loan, st.inst_balance)
    st.inst_payment = np.where(new_loan, _annuity(loan, pop.inst_rate, pop.loan_term),
                               st.inst_payment)
    # What was missed stays due: the unpaid card payment, or the minimum on a slipped statement.
    slipped_min = np.minimum(slipped, np.maximum(float(sim["min_payment_floor"]),
                                                 float(sim["min_payment_pct"]) * slipped))
    st.past_due = np.where(missed_card, np.minimum(unpaid_card + slipped_min, revolving), 0.0)
    # The card's delinquency bucket (30 / 60 / 90 ... days past due) counts the minimum payments
    # still unpaid, applied oldest first, as issuers age an account and credit reports show it
    # month by month: paying nothing rolls it one bucket on, paying this month's minimum but not
    # the arrears holds it where it is (reported late again, month after month), paying part of
    # the arrears moves it back, paying all of it cures it.
    floor = float(sim["min_payment_floor"])
    minimums_unpaid = np.ceil((unpaid_card + slipped_min) / np.maximum(card_min, floor))
    paid_nothing = card_due - unpaid_card <= _CENT
    bucket = np.where(paid_nothing, st.card_behind + 1,
                      np.clip(minimums_unpaid, 1, st.card_behind + 1))
    st.card_behind = np.where(missed_card, bucket, 0).astype(np.int16)
    st.inst_behind = np.where(missed_inst, st.inst_behind + 1, 0).astype(np.int16)
    st.card_current = np.where(missed_card, 0,
                               np.minimum(st.card_current + 1, _CURRENT_CAP)).astype(np.int16)
    # Charge-off (FFIEC Uniform Retail Credit Classification policy): a card 180 days past due
    # and an installment loan 120 days past due are written off by the lender and the card is
    # closed. The person still owes the debt: it goes to a collector (sim: collection_*).
    charge_card = st.card_behind >= int(sim["chargeoff_card_months"])
    charge_inst = st.inst_behind >= int(sim["chargeoff_installment_months"])
    charged_off = (np.where(charge_card, np.maximum(revolving, 0.0), 0.0)
                   + np.where(charge_inst, st.inst_balance, 0.0))
    st.collection = st.collection + charged_off
    revolving = np.where(charge_card, 0.0, revolving)
    st.line = np.where(charge_card, 0.0, st.line)
    st.past_due = np.where(charge_card, 0.0, st.past_due)
    st.card_behind = np.where(charge_card, 0, st.card_behind).astype(np.int16)
    st.inst_balance = np.where(charge_inst, 0.0, st.inst_balance)
    st.inst_payment = np.where(charge_inst, 0.0, st.inst_payment)
    st.inst_behind = np.where(charge_inst, 0, st.inst_behind).astype(np.int16)
    # Issuers block a delinquent card (no new draws while behind) and reopen it once it has
    # been paid on time for a few months in a row (the same policy's re-aging condition: three
    # consecutive minimum payments), so a cured card is usable again.
    frozen = st.card_current < int(sim["reopen_after_months"])
    if not sim.get("freeze_line_on_missed", True):
        frozen = np.zeros_like(frozen)
    st.limit = np.where(frozen, np.minimum(st.limit, np.maximum(revolving, 0.0)), st.line)
    # Everyday purchases on the card (paid in full at the due date, so they change no cash
    # flow) make the statement balance - what a card export shows as the debt - exceed the
    # balance carried over, for transactors too; a frozen or full card takes none.
    purchases = np.minimum(pop.card_share * (essential + discretionary),
                           np.maximum(st.limit - revolving, 0.0))
    # Last month's statement, settled now unless it slipped: a payment to the card issuer that
    # bank and card statements show as debt service (shared_features.statements counts it so).
    statement_paid = st.statement_due - slipped
    st.statement_due = purchases
    # A written-off debt is owed to the collector now: it keeps a person behind while unpaid.
    st.behind = np.where((missed_card & ~charge_card) | (missed_inst & ~charge_inst)
                         | missed_coll | (charged_off > _CENT), st.behind + 1, 0).astype(np.int16)
    st.revolving = revolving
    st.cash = cash

    return {
        "income": income,
        "expenses": expenses,
        "essential": st.essential_base,
        "debt_payments": np.maximum(required - unpaid_card - unpaid_inst - unpaid_coll, 0.0)
        + extra,
        # What an upload shows as paid to lenders: the debt service above plus the settled
        # statement. A card's purchases are in `expenses` too, as a card export lists them, so
        # a transactor's payment is large next to income without being a burden.
        "payments_shown": np.maximum(required - unpaid_card - unpaid_inst - unpaid_coll, 0.0)
        + extra + statement_paid,
        "required_payments": required,
        "cash": cash,
        "revolving": revolving,
        "total_debt": revolving + purchases + st.inst_balance + st.collection,
        # The line granted, as a statement prints it: a delinquent card is blocked from new
        # charges (usable_limit, available credit 0) without its credit limit being restated.
        "credit_limit": st.line,
        "usable_limit": st.limit,
        "missed_payments": (missed_card.astype(np.float64) + missed_inst + missed_coll),
        "employed": st.employed.astype(np.float64),
        "card_draw": draw,  # spending financed on the card this month
        "headroom_left": room - draw,  # unused card room after this month's draw
        "card_purchases": purchases,  # on the statement, settled in full: not carried debt
        "charged_off": charged_off,  # debt written off this month (now owed to a collector)
        "collection": st.collection,  # charged-off debt still owed
    }


def simulate(pop: Population, state: State, months: int, cfg: SimulatorConfig,
             rng: np.random.Generator, record: tuple[str, ...] | None = RECORD_FIELDS
             ) -> dict[str, np.ndarray]:
    """Run ``months`` months from ``state`` (updated in place); (persons, months) series."""
    n = state.cash.shape[0]
    out = {name: np.empty((n, months)) for name in (record or ())}
    for t in range(months):
        month = step(pop, state, cfg, rng)
        for name in out:
            out[name][:, t] = month[name]
    return out


def panel_values(history: dict[str, np.ndarray]) -> np.ndarray:
    """Recorded history -> (persons, months, fields) in shared_features.FIELD_NAMES order."""
    from shared_features import FIELD_NAMES

    return np.stack([history[PANEL_SOURCES[name]] for name in FIELD_NAMES], axis=-1)


@dataclass
class Simulation:
    """One generated cohort: hidden parameters, the history the model sees (unmasked), the state
    at the end of the history and the realised horizon the labeler sees."""

    population: Population
    history: dict[str, np.ndarray]
    end_state: State
    horizon: dict[str, np.ndarray]


def run_cohort(n: int, cfg: SimulatorConfig, history_months: int, horizon_months: int,
               burn_in_months: int, seed: int) -> Simulation:
    """Sample n people, burn in, record the history, keep its end state, record the horizon.

    The future gets its own random stream, so the oracle's re-simulations (other streams) are
    draws from exactly the same process as the realised future.
    """
    pop_ss, hist_ss, future_ss = np.random.SeedSequence([seed, 1]).spawn(3)
    pop, state = sample_population(n, cfg, np.random.default_rng(pop_ss))
    hist_rng = np.random.default_rng(hist_ss)
    simulate(pop, state, burn_in_months, cfg, hist_rng, record=None)
    # Every field is recorded, not only the panel's: the labeler can then also say who was
    # already stressed at the end of the history (onset vs persistence in the evaluation).
    history = simulate(pop, state, history_months, cfg, hist_rng)
    end_state = state.copy()
    horizon = simulate(pop, state, horizon_months, cfg, np.random.default_rng(future_ss))
    return Simulation(pop, history, end_state, horizon)
