"""Transactions of one person's statements -> the canonical monthly records.

Per calendar month, over all the person's files:

- ``income``: money in that is not a refund, a card payment received or a transfer between the
  person's own accounts (pay, benefits, pensions and other deposits);
- ``expenses``: money out that is not a debt payment or an own transfer, less refunds
  (housing included, as in the monthly table); a card's charges are spending;
- ``debt_payments``: card and loan repayments and buy-now-pay-later instalments, counted once:
  a payment from an uploaded account to an uploaded card is matched (same amount, within a few
  days) and taken from the account side only;
- ``liquid_savings``: month-end balance summed over accounts with a balance column;
- ``total_debt``: month-end balance owed summed over cards with a balance column;
- ``missed_payments``: returned payments and late / NSF / overdraft fees, one per row.

Months between a person's first and last dates with no transaction are months of zero flows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import FIELD_NAMES
from .reader import StatementFile, _file_order
from .stated import add_stated

MATCH_DAYS = 5  # an account's payment and the card's receipt of it are this close at most
PARTIAL_MONTH_DAYS = 15  # an edge month covered by fewer days is left out (when others remain)


def _all_transactions(files: list[StatementFile]) -> pd.DataFrame:
    frames = []
    for i, f in enumerate(files):
        t = f.transactions[["date", "amount", "category"]].copy()
        t["file"] = i
        t["card"] = f.kind == "card"
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    out["cents"] = np.round(np.abs(out["amount"].to_numpy()) * 100).astype(np.int64)
    return out


def _match_transfers(t: pd.DataFrame) -> pd.DataFrame:
    """Transfers between two uploaded files: (index_out, index_in) pairs of rows with the same
    amount, opposite signs, different files and dates close; each row in one pair at most."""
    empty = pd.DataFrame({"index_out": np.array([], np.int64), "index_in": np.array([], np.int64)})
    if t["file"].nunique() < 2:
        return empty
    out_rows = t[t["amount"] < 0][["date", "cents", "file"]].reset_index()
    in_rows = t[t["amount"] > 0][["date", "cents", "file"]].reset_index()
    # Joined on (amount, day) with each receipt repeated over the days it may follow or precede
    # its payment: an exact-key join, never every pair of equal amounts in two long files.
    shifts = np.arange(-MATCH_DAYS, MATCH_DAYS + 1)
    spread = in_rows.loc[in_rows.index.repeat(len(shifts))].reset_index(drop=True)
    spread["day"] = spread["date"] + pd.to_timedelta(np.tile(shifts, len(in_rows)), unit="D")
    pairs = out_rows.rename(columns={"date": "day"}).merge(
        spread, on=["cents", "day"], suffixes=("_out", "_in"))
    pairs = pairs[pairs["file_out"] != pairs["file_in"]]
    gap = (pairs["date"] - pairs["day"]).dt.days.abs()
    pairs = pairs.assign(gap=gap).sort_values(["gap", "index_out", "index_in"])
    pairs = pairs.drop_duplicates("index_out").drop_duplicates("index_in")
    if pairs.empty:
        return empty
    return pairs[["index_out", "index_in"]].astype(np.int64)


def _month_end_balances(files: list[StatementFile], months: pd.PeriodIndex, kind: str
                        ) -> tuple[np.ndarray, int]:
    """Sum over the files of ``kind`` with a balance column of each month's closing balance
    (carried forward through months without transactions); NaN where no such file covers the
    month. Also the number of files of that kind that had no balance column."""
    total = np.full(len(months), np.nan)
    without = 0
    for f in files:
        if f.kind != kind:
            continue
        if not f.has_balance:
            without += 1
            continue
        t = f.transactions.iloc[_file_order(f.transactions)]
        t = t[t["balance"].notna()]
        closing = t.groupby(t["date"].dt.to_period("M"))["balance"].last()
        closing = closing.reindex(months).ffill()
        if kind == "card":
            closing = closing if f.balance_is_debt else -closing
            closing = closing.clip(lower=0)
        values = closing.to_numpy(dtype=np.float64)
        total = np.where(np.isnan(total), values, total + np.nan_to_num(values))
    return total, without


def _one_currency(files: list[StatementFile], warnings: list[str]) -> list[StatementFile]:
    """The files in the person's main currency (that of most transactions among files whose
    currency is known) and those whose currency is unknown: a file in another currency is
    left out, with a warning, as rows in another currency are within a file - amounts in
    different currencies are never added together."""
    known = {f.currency for f in files if f.currency}
    if len(known) < 2:
        return files
    rows: dict[str, int] = {}
    for f in files:  # a handful of files: the loop is over files, not rows
        if f.currency:
            rows[f.currency] = rows.get(f.currency, 0) + len(f.transactions)
    main = max(rows, key=lambda c: rows[c])
    left = [f for f in files if f.currency and f.currency != main]
    warnings.append(f"{', '.join(f'{f.name} ({f.currency})' for f in left)} left out: the "
                    f"months are in {main}, the currency of most of the transactions, and "
                    "amounts in different currencies are not added together")
    return [f for f in files if not f.currency or f.currency == main]


def monthly_records(files: list[StatementFile]) -> tuple[pd.DataFrame, list[str]]:
    """The canonical monthly frame (month as YYYY-MM, then FIELD_NAMES) and the assumptions
    made building it."""
    warnings: list[str] = []
    files = _one_currency(files, warnings)
    t = _all_transactions(files)
    pairs = _match_transfers(t)
    sent = np.zeros(len(t), dtype=bool)
    received = np.zeros(len(t), dtype=bool)
    sent[pairs["index_out"].to_numpy()] = True
    received[pairs["index_in"].to_numpy()] = True
    amount = t["amount"].to_numpy()
    category = t["category"].to_numpy()
    card = t["card"].to_numpy()
    inflow, outflow = amount > 0, amount < 0

    partner = np.arange(len(t))
    partner[pairs["index_out"].to_numpy()] = pairs["index_in"].to_numpy()
    to_card = sent & card[partner]
    own = (sent | received) & ~to_card
    # A card's payment received is the other side of a debt payment; counted from the account
    # when that account was uploaded, from the card when it was not.
    card_paid = received & card
    debt = (outflow & ~card & (np.isin(category, ("card_payment", "loan_payment")) | to_card)
            & ~(own & ~to_card))
    debt |= inflow & card & (category == "card_payment") & ~card_paid
    refund = inflow & ((category == "refund") | (card & ~debt & ~card_paid))
    transfer = own | (np.isin(category, ("own_transfer",)) & ~debt) | card_paid
    income = inflow & ~card & ~refund & ~transfer & ~np.isin(category, ("card_payment",))
    spend = outflow & ~debt & ~transfer

    month = t["date"].to_numpy().astype("datetime64[M]").astype(np.int64)
    first, last = t["date"].min(), t["date"].max()
    months = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
    cover = _covered_days(months, first, last)
    keep = cover >= PARTIAL_MONTH_DAYS
    if not keep.any():
        keep[:] = True
    elif not keep.all():
        dropped = [str(m) for m, k in zip(months, keep, strict=True) if not k]
        warnings.append(f"months only partly covered by the statements were left out: "
                        f"{', '.join(dropped)}")

    slot = month - month.min()  # 0 for the first month of the range

    def per_month(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(slot[mask], weights=values[mask], minlength=len(months))

    absolute = np.abs(amount)
    frame = pd.DataFrame({"month": months.strftime("%Y-%m")})
    frame["income"] = per_month(income, absolute)
    frame["expenses"] = np.clip(per_month(spend, absolute) - per_month(refund, absolute), 0, None)
    frame["debt_payments"] = per_month(debt, absolute)
    frame["liquid_savings"], no_balance = _month_end_balances(files, months, "account")
    frame["total_debt"], no_card_balance = _month_end_balances(files, months, "card")
    # What the files state of themselves: balances where no column has them, card limits.
    no_balance, no_card_balance = add_stated(frame, files, months, (no_balance, no_card_balance),
                                             warnings, _file_order)
    frame["missed_payments"] = per_month(category == "missed", np.ones(len(t)))
    if no_balance:
        warnings.append(f"{no_balance} account file(s) have no balance column: liquid_savings "
                        "counts only the accounts that do" if no_balance < sum(
                            f.kind == "account" for f in files) else
                        "no account file has a balance column, so liquid_savings is unknown")
    if no_card_balance:
        warnings.append(f"{no_card_balance} card file(s) have no balance column, so the card "
                        "debt is not in total_debt")
    if sent.any():
        warnings.append(f"{int(sent.sum())} transfers between the uploaded files were matched "
                        "and counted once")
    frame = frame[keep].reset_index(drop=True)
    return frame[["month", *FIELD_NAMES]].round(2), warnings


def _covered_days(months: pd.PeriodIndex, first: pd.Timestamp, last: pd.Timestamp
                  ) -> np.ndarray:
    start = np.maximum(months.start_time.normalize().to_numpy(), np.datetime64(first, "ns"))
    end = np.minimum(months.end_time.normalize().to_numpy(), np.datetime64(last, "ns"))
    return ((end - start) / np.timedelta64(1, "D")).astype(int) + 1
