"""What a statement states about itself: its credit limit, the credit still available, its
closing and opening balances and the day it closes, as the lines above the table and its
summary rows write them ('Credit Limit: $5,000.00', 'New Balance 1,782.50 CR', 'Neuer Saldo
1.234,56', 'Statement closing date 02/26/2024').

Reader side: ``read_stated`` takes those lines (never a booked transaction's row, so a 'Limit'
in a description says nothing) and keeps the ones that are a label of columns.toml [stated],
whole, and one amount (or, for the closing date, one date). Aggregate side: a file with no
balance column but a stated balance gets its month-end balances worked back and forward from
it through its own rows (``stated_balances``); cards' stated limits are summed per month
(``stated_limits``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from .money import parse_money
from .roles import CURRENCY_CODES
from .vocabulary import columns, fold_series

_DATE = r"(?<![\d.])\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?![\d.])"
# A label (no digit, at least one letter), a separator, one amount: sign, currency code or
# symbol, digits with their grouping and decimal marks, a code or symbol after, a CR/DR mark.
# The code before the digits must start a word ('Saldo 500' is no 'ldo 500').
_LINE = re.compile(
    r"^(?P<label>[^\d]*?[^\W\d_][^\d]*?)\s*[:：=]?\s*"
    r"(?P<value>[-+−(]?\s*(?:\b[A-Z]{3}\s?|R\$|[$€£¥₹₩])?\s*[-−]?\d[\d.,'\s\u00a0\u202f]*\)?"
    r"\s*(?:[A-Z]{3}\b|[$€£¥₹₩円元원])?\s*(?:(?i:cr|dr|credit|debit)\b\.?)?\s*-?)?\s*$")
_CREDIT = re.compile(r"(?i)(?:\bcr\b\.?|\bcredit\b)\s*-?$")
_DEBIT = re.compile(r"(?i)(?:\bdr\b\.?|\bdebit\b)\s*-?$")
_KEYS = ("credit_limit", "available_credit", "closing_balance", "available_balance",
         "opening_balance", "closing_date")


@dataclass(frozen=True)
class StatedValues:
    """Amounts a file states about itself (None where it states none). Balances are signed
    from the holder's side of what they mean: an account's money held (negative when
    overdrawn), a card's amount owed (negative when in credit)."""

    credit_limit: float | None = None
    available_credit: float | None = None
    closing_balance: float | None = None
    closing_date: np.datetime64 | None = None
    opening_balance: float | None = None

    @property
    def limit(self) -> float | None:
        """The card's limit: stated, or the credit available plus what is owed."""
        if self.credit_limit is not None:
            return self.credit_limit
        if self.available_credit is not None and self.closing_balance is not None:
            return round(self.available_credit + self.closing_balance, 2)
        return None


@cache
def _labels() -> dict[str, str]:
    """Folded label -> the key it states (the first key of _KEYS naming it wins)."""
    words = columns()["stated"]
    out: dict[str, str] = {}
    for key in _KEYS:
        folded = fold_series(pd.Series(words[key], dtype=object))
        for w in folded:
            out.setdefault(w, key)
    return out


def read_stated(lines: pd.Series, decimal: str, day_first: bool, kind: str) -> StatedValues:
    """The values ``lines`` state (text lines: the preamble and the summary rows, cells joined
    by spaces), read with the file's decimal mark; the first line stating a value gives it."""
    if lines.empty:
        return StatedValues()
    text = lines.astype(str).str.strip()
    dates = text.str.extract(f"({_DATE})", expand=False)
    parts = text.str.replace(_DATE, " ", regex=True).str.extract(_LINE)
    label = fold_series(parts["label"].fillna("")).str.replace(
        _CODE_WORDS, "", regex=True).str.strip()
    key = label.map(_labels())
    found = key.notna()
    if not found.any():
        return StatedValues()
    key, value, dates = key[found], parts["value"][found], dates[found]
    values: dict[str, Any] = {}
    # The closing date: a date label with a date and no amount.
    when = key.eq("closing_date") & value.isna() & dates.notna()
    if when.any():
        day = pd.to_datetime(dates[when].iloc[0], dayfirst=day_first, errors="coerce")
        if not pd.isna(day):
            values["closing_date"] = np.datetime64(day.date(), "D")
    money = key.ne("closing_date") & value.notna()
    if money.any():
        raw = value[money].str.strip()
        digits = raw.str.count(r"\d")
        # An account or card number is no amount: many digits and no decimal mark.
        number = (digits >= 9) & ~raw.str.contains(r"[.,]\d{1,2}\b", regex=True)
        raw = raw[~number]
        credit = raw.str.contains(_CREDIT).to_numpy()
        debit = raw.str.contains(_DEBIT).to_numpy()
        cleaned = raw.str.replace(_CREDIT, "", regex=True).str.replace(_DEBIT, "", regex=True)
        cleaned = cleaned.str.replace(r"[A-Za-z]{3}|[$€£¥₹₩円元원]|R\$", "", regex=True)
        amount = parse_money(cleaned, decimal).values
        # A card's balance is what is owed unless marked CR; an account's is money held
        # unless marked DR (overdrawn).
        cr_sign = -1.0 if kind == "card" else 1.0
        amount = np.where(credit, cr_sign * np.abs(amount),
                          np.where(debit, -cr_sign * np.abs(amount), amount))
        for k, v, d in zip(key[money][~number], amount, dates[money][~number], strict=True):
            if np.isnan(v) or k in values:
                continue
            values[k] = round(float(abs(v) if k in ("credit_limit", "available_credit")
                                    else v), 2)
            if k == "closing_balance" and isinstance(d, str) and "closing_date" not in values:
                day = pd.to_datetime(d, dayfirst=day_first, errors="coerce")
                if not pd.isna(day):
                    values["closing_date"] = np.datetime64(day.date(), "D")
    closing = values.get("closing_balance")
    if closing is None and kind == "account":
        closing = values.get("available_balance")
    return StatedValues(credit_limit=values.get("credit_limit"),
                        available_credit=values.get("available_credit"),
                        closing_balance=closing, closing_date=values.get("closing_date"),
                        opening_balance=values.get("opening_balance"))


# Currency codes written around a label ('Credit Limit (EUR)', 'USD New Balance'), folded.
_CODE_WORDS = r"\b(?:" + "|".join(sorted(c.lower() for c in CURRENCY_CODES)) + r")\b"


def stated_lines(preamble: list[str], rows: pd.DataFrame) -> pd.Series:
    """The lines to look in: the preamble's and the non-transaction rows' cells joined."""
    lines = pd.Series(preamble, dtype=object)
    if not rows.empty:
        joined = rows[rows.columns[0]].astype(str)
        for k in rows.columns[1:]:
            joined = joined.str.cat(rows[k].astype(str), sep=" ")
        lines = pd.concat([lines, joined.str.replace(r"\s+", " ", regex=True)],
                          ignore_index=True)
    return lines


def _worked_balances(t: pd.DataFrame, s: StatedValues, card: bool) -> pd.Series | None:
    """Each row's balance after it (holder's side: money held, or for a card what is owed),
    from the stated closing balance at the stated closing date (else the last row's date)
    through the file's signed amounts; from the opening balance when no closing is stated.
    ``t`` is in booking order."""
    amount = t["amount"].to_numpy(dtype=np.float64)
    held = -1.0 if card else 1.0  # a card owes what its holder's side is short
    cum = np.cumsum(amount)
    if s.closing_balance is not None:
        dates = t["date"].to_numpy().astype("datetime64[D]")
        at = s.closing_date if s.closing_date is not None else dates[-1]
        k = int(np.searchsorted(dates, at, side="right"))  # rows on or before the closing day
        base = cum[k - 1] if k else 0.0
        balance = held * s.closing_balance + cum - base
    elif s.opening_balance is not None:
        balance = held * s.opening_balance + cum
    else:
        return None
    return pd.Series(np.round(held * balance, 2), index=t.index)


def _groups(files: list, account: np.ndarray, kind: str) -> list[list]:
    """The files of ``kind`` per account (an account exported in several files is one)."""
    groups = [[f for f, k in zip(files, account, strict=True) if k == g and f.kind == kind]
              for g in np.unique(account)]
    return [g for g in groups if g]


def stated_balances(files: list, account: np.ndarray, months: pd.PeriodIndex, kind: str,
                    order: Callable[[pd.DataFrame], np.ndarray]
                    ) -> tuple[np.ndarray, list[str], int]:
    """Month-end balances summed over the accounts of ``kind`` none of whose files has a
    balance column but some of which state a balance (NaN where none covers the month), those
    files' names and the number of such accounts. An account in several files counts once:
    each month's balance is that of its file dated latest in the month. ``order`` is the
    reader's booking order of a file's rows."""
    total = np.full(len(months), np.nan)
    used: list[str] = []
    accounts = 0
    for members in _groups(files, account, kind):  # a handful: the rows are vectorised
        if any(f.has_balance for f in members):
            continue
        named = len(used)
        values = np.full(len(months), np.nan)
        latest = np.full(len(months), np.datetime64("NaT"), dtype="datetime64[ns]")
        for f in members:
            t = f.transactions.iloc[order(f.transactions)]
            balance = _worked_balances(t, f.stated, kind == "card")
            if balance is None:
                continue
            used.append(f.name)
            by_month = balance.groupby(t["date"].dt.to_period("M"))
            closing = by_month.last().reindex(months).ffill()
            when = t["date"].groupby(t["date"].dt.to_period("M")).last().reindex(
                months).ffill().to_numpy(dtype="datetime64[ns]")
            if kind == "card":
                closing = closing.clip(lower=0)
            later = ~np.isnat(when) & (np.isnat(latest) | (when > latest))
            values = np.where(later, closing.to_numpy(dtype=np.float64), values)
            latest = np.where(later, when, latest)
        accounts += len(used) > named
        total = np.where(np.isnan(total), values, total + np.nan_to_num(values))
    return total, used, accounts


def stated_limits(files: list, account: np.ndarray, months: pd.PeriodIndex
                  ) -> tuple[np.ndarray, str | None]:
    """Per month, the sum over the cards of their stated limits (each from its first month on;
    a card in several files: the limit its latest file states); NaN when no card states one,
    or - with a warning - when some card states none: a limit left out would make utilisation
    too high."""
    nothing = np.full(len(months), np.nan)
    cards = _groups(files, account, "card")
    limits: list[tuple[float | None, pd.Period, str]] = []
    for members in cards:
        said = [(f.transactions["date"].max(), f.stated.limit) for f in members
                if f.stated.limit is not None]
        start = min(f.transactions["date"].min() for f in members).to_period("M")
        limits.append((max(said, key=lambda x: x[0])[1] if said else None, start,
                       ", ".join(f.name for f in members)))
    if not any(v is not None for v, _, _ in limits):
        return nothing, None
    unknown = [name for v, _, name in limits if v is None]
    if unknown:
        return nothing, (f"credit_limit left unknown: {'; '.join(unknown)} state(s) no credit "
                         "limit, and the sum of the others' would be too small")
    total = np.full(len(months), np.nan)
    for v, start, _ in limits:
        values = np.where(months >= start, v, np.nan)
        total = np.where(np.isnan(total), values, total + np.nan_to_num(values))
    return total, None


def add_stated(frame: pd.DataFrame, files: list, account: np.ndarray, months: pd.PeriodIndex,
               without: tuple[int, int], warnings: list[str],
               order: Callable[[pd.DataFrame], np.ndarray]) -> tuple[int, int]:
    """``frame``'s liquid_savings and total_debt completed from stated balances, and its
    credit_limit from stated limits; returns the numbers of accounts and cards still without
    any balance (``without`` less those worked out)."""
    counts = list(without)
    for i, (name, kind) in enumerate((("liquid_savings", "account"), ("total_debt", "card"))):
        worked, used, accounts = stated_balances(files, account, months, kind, order)
        if not used:
            continue
        known = frame[name].to_numpy(dtype=np.float64)
        frame[name] = np.where(np.isnan(known), worked, known + np.nan_to_num(worked))
        counts[i] -= accounts
        warnings.append(f"{name} of {', '.join(used)} worked back and forward from the "
                        "balance the statement states, through its own rows")
    frame["credit_limit"], note = stated_limits(files, account, months)
    if note:
        warnings.append(note)
    return counts[0], counts[1]
