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

Files of one account (the same file twice, overlapping exports, a "last 30 days" export beside
a 90-day one, back-to-back exports whose balances run on) are recognised and each of their rows
counted once (``_same_accounts``). The months kept are those every bank account covers: a
month only a card covers is not a month without pay. A card (or loan) file covering fewer months
does not cut the person's history: those months lack its spending, and a warning says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import FIELD_NAMES
from .reader import StatementFile, _file_order

MATCH_DAYS = 5  # an account's payment and the card's receipt of it are this close at most
PARTIAL_MONTH_DAYS = 15  # an edge month covered by fewer days is left out (when others remain)
# Two files are exports of one account when, over the dates both cover, this share of the rows
# of the one with fewer rows there coincide with rows of the other (same date, amount and
# description, and balance when both have one) - and at least two rows do, or one with the
# same running balance. One fee row two accounts share is no evidence.
SAME_ACCOUNT_SHARE = 0.8
SAME_ACCOUNT_ROWS = 2


def _all_transactions(files: list[StatementFile]) -> pd.DataFrame:
    frames = []
    for i, f in enumerate(files):
        t = f.transactions[["date", "amount", "category", "description", "balance"]].copy()
        t["file"] = i
        t["card"] = f.kind == "card"
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    out["cents"] = np.round(np.abs(out["amount"].to_numpy()) * 100).astype(np.int64)
    return out


def _match_transfers(t: pd.DataFrame) -> pd.DataFrame:
    """Transfers between two uploaded accounts: (index_out, index_in) pairs of rows with the
    same amount, opposite signs, different accounts and dates close; each row in one pair at
    most. A payment in a debt's words pairs with a card's (or loan's) receipt first and any
    other payment with an account's; then the closest in days."""
    empty = pd.DataFrame({"index_out": np.array([], np.int64), "index_in": np.array([], np.int64)})
    if t["account"].nunique() < 2:
        return empty
    out_rows = t[t["amount"] < 0][["date", "cents", "account", "category"]].reset_index()
    in_rows = t[t["amount"] > 0][["date", "cents", "account", "card"]].reset_index()
    # Joined on (amount, day) with each receipt repeated over the days it may follow or precede
    # its payment: an exact-key join, never every pair of equal amounts in two long files.
    shifts = np.arange(-MATCH_DAYS, MATCH_DAYS + 1)
    spread = in_rows.loc[in_rows.index.repeat(len(shifts))].reset_index(drop=True)
    spread["day"] = spread["date"] + pd.to_timedelta(np.tile(shifts, len(in_rows)), unit="D")
    pairs = out_rows.rename(columns={"date": "day"}).merge(
        spread, on=["cents", "day"], suffixes=("_out", "_in"))
    pairs = pairs[pairs["account_out"] != pairs["account_in"]]
    if pairs.empty:
        return empty
    gap = (pairs["date"] - pairs["day"]).dt.days.abs()
    # A card payment the card received two days later and a transfer to savings of the same
    # amount the day after it: closest in days alone would give the card the savings transfer.
    debt_words = pairs["category"].isin(("card_payment", "loan_payment")).to_numpy()
    unlike = debt_words != pairs["card"].to_numpy(dtype=bool)
    pairs = pairs.assign(gap=gap, unlike=unlike).sort_values(
        ["unlike", "gap", "index_out", "index_in"])[["index_out", "index_in"]]
    # Greedy, best pair first, and a payment whose best receipt went to another payment takes
    # its next best (two equal card payments two days apart are both matched). Each round
    # takes at least one pair; rounds are few (the pairs competing for one amount within a
    # few days), each vectorised.
    chosen = []
    while not pairs.empty:
        best = pairs.drop_duplicates("index_out").drop_duplicates("index_in")
        chosen.append(best)
        pairs = pairs[~pairs["index_out"].isin(best["index_out"])
                      & ~pairs["index_in"].isin(best["index_in"])]
    return pd.concat(chosen, ignore_index=True).astype(np.int64)


def _row_keys(t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Two ids per row: of (date, signed amount, description) and of that and the balance.
    Descriptions are compared case- and spacing-blind, each distinct text normalised once,
    not once per row."""
    codes, texts = pd.factorize(t["description"].astype(str))
    folded = pd.Series(texts, dtype=object).str.casefold().str.replace(
        r"\s+", " ", regex=True).str.strip()
    text_id = pd.factorize(folded)[0][codes]
    day = t["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    signed = np.round(t["amount"].to_numpy() * 100).astype(np.int64)
    balance = t["balance"].to_numpy(dtype=np.float64)
    bal = np.where(np.isnan(balance), np.iinfo(np.int64).min,
                   np.round(np.nan_to_num(balance) * 100)).astype(np.int64)
    base = _pair_ids(_pair_ids(pd.factorize(day)[0], pd.factorize(signed)[0]), text_id)
    return base, _pair_ids(base, pd.factorize(bal)[0])


def _pair_ids(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense ids of the pairs (a, b) of two dense ids (each below the number of rows, so
    a * (max b + 1) + b fits in 64 bits): a hash of one integer per row, several times
    faster than a MultiIndex's."""
    return pd.factorize(a.astype(np.int64) * (int(b.max(initial=0)) + 1) + b)[0].astype(np.int64)


def _common_rows(key: np.ndarray, file: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """Per pair of files (file_a < file_b) the number of rows they have in common: per key
    the smaller of the two files' counts, summed. Only keys found in two files or more are
    joined, so two unrelated files cost next to nothing."""
    counts = (pd.DataFrame({"key": key[rows], "file": file[rows]})
              .groupby(["key", "file"], sort=False).size().rename("n").reset_index())
    counts = counts[counts.duplicated("key", keep=False)]
    pairs = counts.merge(counts, on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["file_a"] < pairs["file_b"]]
    pairs = pairs.assign(n=np.minimum(pairs["n_a"], pairs["n_b"]))
    return pairs.groupby(["file_a", "file_b"])["n"].sum().reset_index()


def _ends(f: StatementFile) -> tuple[np.datetime64, float, np.datetime64, float] | None:
    """A file with balances: its first date, the balance before its first row, its last date
    and the balance it closes on."""
    t = f.transactions.iloc[_file_order(f.transactions)]
    t = t[t["balance"].notna()]
    if t.empty:
        return None
    amount = float(t["amount"].iloc[0])
    before = float(t["balance"].iloc[0]) + (amount if f.balance_is_debt else -amount)
    day = t["date"].to_numpy().astype("datetime64[D]")
    return day[0], round(before, 2), day[-1], round(float(t["balance"].iloc[-1]), 2)


def _chained(a: tuple | None, b: tuple | None) -> bool:
    """File b starts where file a ends: on or after a's last date, with the balance before b's
    first row the one a closed on (not zero: an emptied account and a new one both show 0)."""
    if a is None or b is None:
        return False
    return bool(b[0] >= a[2] and a[3] == b[1] and a[3] != 0)


def _same_accounts(files: list[StatementFile], t: pd.DataFrame, warnings: list[str]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Which files are exports of one account, and which rows to count.

    Returns the account (the smallest index of its files) of each file and a mask of the rows
    kept. Within an account each (date, amount, description[, balance]) is counted as many
    times as the file showing it most often shows it: two coffees in one file stay two; the
    same two coffees in an overlapping export are not four. Of a repeated row, the one in the
    file uploaded first is kept."""
    n = len(files)
    parent = np.arange(n)
    keep = np.ones(len(t), dtype=bool)
    if n < 2:
        return parent, keep

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return int(i)

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        parent[max(ra, rb)] = min(ra, rb)

    base, full = _row_keys(t)
    file = t["file"].to_numpy()
    balanced = np.array([f.has_balance for f in files])
    with_balance = ~np.isnan(t["balance"].to_numpy(dtype=np.float64))
    plain = _common_rows(base, file, np.arange(len(t)))
    by_balance = _common_rows(full, file, np.flatnonzero(with_balance))
    day = t["date"].to_numpy().astype("datetime64[D]")
    days = np.split(day[np.lexsort((day, file))], np.cumsum(np.bincount(file, minlength=n))[:-1])
    in_balance = {(a, b): c for a, b, c in by_balance.itertuples(index=False)}
    joined: list[tuple[int, int]] = []
    for a, b, common in plain.itertuples(index=False):  # pairs of files, not rows
        balance_match = False
        if balanced[a] and balanced[b]:  # the balance must agree where both have one
            common = int(in_balance.get((a, b), 0))
            balance_match = common > 0
        if common < SAME_ACCOUNT_ROWS and not balance_match:
            continue
        lo, hi = max(days[a][0], days[b][0]), min(days[a][-1], days[b][-1])
        inside = min(int(np.searchsorted(d, hi, "right") - np.searchsorted(d, lo, "left"))
                     for d in (days[a], days[b]))
        if common and common >= SAME_ACCOUNT_SHARE * inside and (
                common >= SAME_ACCOUNT_ROWS or balance_match):
            joined.append((int(a), int(b)))
            join(a, b)
    ends = [_ends(f) if balanced[i] else None for i, f in enumerate(files)]
    for a in range(n):  # exports one after the other, with no rows in common
        for b in range(n):
            if a != b and root(a) != root(b) and _chained(ends[a], ends[b]):
                join(a, b)
    account = np.array([root(i) for i in range(n)])
    if not joined:
        return account, keep

    # Occurrence k of a key is kept from the first file (in upload order) that has it k times
    # or more. An account whose files all have balances compares the balances too.
    all_balanced = np.array([balanced[account == g].all() for g in range(n)])
    row_account = account[file]
    key = np.where(all_balanced[row_account], full + base.max() + 1, base)
    frame = pd.DataFrame({"account": row_account, "key": key, "file": file})
    frame["occurrence"] = frame.groupby(["file", "key"], sort=False).cumcount()
    order = np.argsort(file, kind="stable")
    repeat = np.zeros(len(t), dtype=bool)
    repeat[order] = frame.iloc[order].duplicated(["account", "key", "occurrence"]).to_numpy()
    for b in np.unique(file[repeat]):  # the files with repeated rows: a handful
        of = sorted({a for a, c in joined if c == b}) or [
            a for a in range(b) if account[a] == account[b]]
        rows = repeat & (file == b)
        warnings.append(f"{files[b].name} repeats {int(rows.sum())} rows of "
                        f"{' and '.join(files[a].name for a in of)} "
                        f"({day[rows].min()} .. {day[rows].max()}): counted once")
    return account, ~repeat


def _month_end_balances(files: list[StatementFile], account: np.ndarray,
                        months: pd.PeriodIndex, kind: str) -> tuple[np.ndarray, int]:
    """Sum over the accounts of ``kind`` with a balance column of each month's closing balance
    (carried forward through months without transactions); NaN where no such account covers
    the month. An account exported in several files counts once: each month's closing balance
    is that of its file dated latest in the month. Also the number of accounts of that kind
    with no balance column."""
    total = np.full(len(months), np.nan)
    without = 0
    for g in np.unique(account):  # a handful of accounts, each of a handful of files
        members = [f for f, k in zip(files, account, strict=True) if k == g and f.kind == kind]
        if not members:
            continue
        if not any(f.has_balance for f in members):
            without += 1
            continue
        values = np.full(len(months), np.nan)
        latest = np.full(len(months), np.datetime64("NaT"), dtype="datetime64[ns]")
        for f in members:
            if not f.has_balance:
                continue
            t = f.transactions.iloc[_file_order(f.transactions)]
            t = t[t["balance"].notna()]
            by_month = t.groupby(t["date"].dt.to_period("M"))
            closing = by_month["balance"].last().reindex(months).ffill()
            when = by_month["date"].last().reindex(months).ffill().to_numpy(
                dtype="datetime64[ns]")
            if kind == "card":
                closing = closing if f.balance_is_debt else -closing
                closing = closing.clip(lower=0)
            later = ~np.isnat(when) & (np.isnat(latest) | (when > latest))
            values = np.where(later, closing.to_numpy(dtype=np.float64), values)
            latest = np.where(later, when, latest)
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
    account, kept = _same_accounts(files, t, warnings)
    first, last = t["date"].min(), t["date"].max()
    bank = np.array([f.kind == "account" for f in files])
    common = _common_period(t[bank[t["file"].to_numpy()]] if bank.any() else t, account)
    if not kept.all():
        t = t[kept].reset_index(drop=True)
    t["account"] = account[t["file"].to_numpy()]
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
    months = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
    keep = _covered_days(months, first, last) >= PARTIAL_MONTH_DAYS
    if not keep.any():
        keep[:] = True
    elif not keep.all():
        dropped = [str(m) for m, k in zip(months, keep, strict=True) if not k]
        warnings.append(f"months only partly covered by the statements were left out: "
                        f"{', '.join(dropped)}")
    keep = _months_all_accounts_cover(files, months, keep, common, warnings)

    slot = month - int(np.datetime64(first, "M").astype(np.int64))  # 0: the first month

    def per_month(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(slot[mask], weights=values[mask], minlength=len(months))

    absolute = np.abs(amount)
    frame = pd.DataFrame({"month": months.strftime("%Y-%m")})
    frame["income"] = per_month(income, absolute)
    frame["expenses"] = np.clip(per_month(spend, absolute) - per_month(refund, absolute), 0, None)
    frame["debt_payments"] = per_month(debt, absolute)
    frame["liquid_savings"], no_balance = _month_end_balances(files, account, months, "account")
    frame["total_debt"], no_card_balance = _month_end_balances(files, account, months, "card")
    frame["credit_limit"] = np.nan
    frame["missed_payments"] = per_month(category == "missed", np.ones(len(t)))
    accounts = len({g for f, g in zip(files, account, strict=True) if f.kind == "account"})
    if no_balance:
        warnings.append(f"{no_balance} account file(s) have no balance column: liquid_savings "
                        "counts only the accounts that do" if no_balance < accounts else
                        "no account file has a balance column, so liquid_savings is unknown")
    if no_card_balance:
        warnings.append(f"{no_card_balance} card file(s) have no balance column, so the card "
                        "debt is not in total_debt")
    if sent.any():
        warnings.append(f"{int(sent.sum())} transfers between the uploaded files were matched "
                        "and counted once")
    frame = frame[keep].reset_index(drop=True)
    return frame[["month", *FIELD_NAMES]].round(2), warnings


def _common_period(t: pd.DataFrame, account: np.ndarray
                   ) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The dates every account in ``t`` covers (the caller passes the bank accounts' rows when
    there are any): from the latest of the accounts' first dates to the earliest of their last
    dates (an account's files together cover from the first date of any to the last of any);
    None when they do not meet."""
    dates = t.groupby(account[t["file"].to_numpy()])["date"].agg(["min", "max"])
    lo, hi = dates["min"].max(), dates["max"].min()
    return (lo, hi) if lo <= hi else None


def _months_all_accounts_cover(files: list[StatementFile], months: pd.PeriodIndex,
                               keep: np.ndarray, common: tuple | None, warnings: list[str]
                               ) -> np.ndarray:
    """Of the months kept, those every bank account covers for at least PARTIAL_MONTH_DAYS
    days, when there are such months: a month only a card covers has none of the account's pay
    (income 0 would be made up). Months a card does not cover stay - they lack its spending, as
    when a card is not uploaded at all, and cutting a year of history to a card export's three
    months would lose more - and a warning names the card and its dates."""
    if common is None:
        warnings.append("the files cover different periods, with no month in common: each "
                        "month has only some of the accounts' transactions")
        return keep
    shared = keep & (_covered_days(months, *common) >= PARTIAL_MONTH_DAYS)
    kept_months = months[shared if shared.any() else keep]
    for f in files:  # a handful of files
        if f.kind == "account" or f.transactions.empty:
            continue
        lo, hi = f.transactions["date"].min(), f.transactions["date"].max()
        short = (_covered_days(kept_months, lo, hi) < PARTIAL_MONTH_DAYS).sum()
        if short:
            warnings.append(f"{f.name} covers {lo.date()} .. {hi.date()} only: its spending "
                            f"is missing from {short} of the months scored")
    if not shared.any() or (shared == keep).all():
        return keep
    dropped = [str(m) for m, k, s in zip(months, keep, shared, strict=True) if k and not s]
    periods = "; ".join(f"{f.name}: {f.transactions['date'].min().date()} .. "
                        f"{f.transactions['date'].max().date()}" for f in files)
    warnings.append(f"months not covered by all the files were left out: {', '.join(dropped)} "
                    f"({periods})")
    return shared


def _covered_days(months: pd.PeriodIndex, first: pd.Timestamp, last: pd.Timestamp
                  ) -> np.ndarray:
    start = np.maximum(months.start_time.normalize().to_numpy(), np.datetime64(first, "ns"))
    end = np.minimum(months.end_time.normalize().to_numpy(), np.datetime64(last, "ns"))
    return ((end - start) / np.timedelta64(1, "D")).astype(int) + 1
