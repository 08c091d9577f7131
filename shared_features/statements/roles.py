"""Which column is what: header words first (columns.toml, any of the listed languages), each
checked against the column's values; what the header leaves open is judged from the values
(dates, amounts, a running balance that adds up, a D/C indicator, currency codes, text)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dates import date_share
from .money import money_share
from .vocabulary import best_word, columns, fold, fold_series, folded_set

AMOUNT_ROLES = ("amount", "debit", "credit", "balance")
_MIN_SHARE = 0.6  # of a column's non-empty values that must fit the role its header names
# Currency codes seen in exports; a 3-letter column of these is a currency column.
CURRENCY_CODES = frozenset({
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "SGD", "INR", "BRL", "HUF", "PLN", "CZK",
    "SEK", "NOK", "DKK", "JPY", "CNY", "HKD", "MXN", "ZAR", "RON", "BGN", "TRY", "ILS", "AED",
    "SAR", "THB", "MYR", "IDR", "PHP", "KRW", "RUB", "UAH", "ISK",
    # Round eight: African, Middle Eastern and Asian currencies exports name in a preamble
    # ('Currency: NGN'), a header or a currency column.
    "NGN", "KES", "GHS", "TZS", "UGX", "EGP", "MAD", "PKR", "BDT", "LKR", "NPR", "QAR", "KWD",
    "BHD", "OMR", "JOD", "VND", "TWD"})


@dataclass
class Roles:
    date: int | None = None
    value_date: int | None = None
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    indicator: int | None = None
    balance: int | None = None
    balance_indicator: int | None = None  # a Dr/Cr (S/H) column just after the balance
    currency: int | None = None
    status: int | None = None
    fee: int | None = None  # a charge in a column of its own ('Fee'), read where no amount is
    balance_before: int | None = None  # the balance before the row, beside the one after
    description: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how roles were found, for warnings
    # Amount columns of other currencies than the amount's ('CAD$' the amount, 'USD$' here):
    # (column, currency code); their rows are not read, as amounts in different currencies
    # are never added together.
    other_currencies: list[tuple[int, str]] = field(default_factory=list)
    amount_currency: str | None = None  # the code the amount column's header names

    def named(self, header: list[str] | None) -> dict[str, str]:
        """role -> the column's header (or 'column N'), for the report."""
        def name(k: int) -> str:
            return header[k] if header else f"column {k + 1}"
        out = {r: name(getattr(self, r)) for r in ("date", "value_date", "amount", "debit",
                                                   "credit", "indicator", "balance",
                                                   "balance_indicator", "currency", "status",
                                                   "balance_before")
               if getattr(self, r) is not None}
        if self.description:
            out["description"] = " + ".join(name(k) for k in self.description)
        return out


def _header_roles(header: list[str]) -> dict[int, str]:
    """column -> role its header names, best-named first (so of two date columns the one
    called 'booking date' is the date and the other the value date)."""
    words = columns()["roles"]
    found: dict[int, tuple[str, int]] = {}
    for k, text in enumerate(header):
        scores = {role: best_word(text, ws) for role, ws in words.items()}
        role, score = max(scores.items(), key=lambda kv: kv[1])
        if score:
            found[k] = (role, score)
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return {k: role for k, (role, _) in ranked}


def indicator_share(values: pd.Series) -> float:
    known = folded_set("indicator", "credit", "debit", "neither") | {"+", "-"}
    uniq = pd.Series(values[values != ""].unique())
    if uniq.empty or len(uniq) > 8:
        return 0.0
    folded = fold_series(uniq).where(~uniq.isin(["+", "-"]), uniq)
    # A placeholder of punctuation ('/', '*') says neither: it is not counted either way.
    folded = folded[folded != ""]
    return float(folded.isin(known).mean()) if len(folded) else 0.0


def _is_currency(values: pd.Series) -> bool:
    uniq = pd.Series(values[values != ""].unique())
    return (not uniq.empty and len(uniq) <= 5
            and bool(uniq.str.upper().str.strip().isin(CURRENCY_CODES).all()))


def _is_status(values: pd.Series) -> bool:
    known = folded_set("status", "pending", "booked", "void")
    uniq = pd.Series(values[values != ""].unique())
    return not uniq.empty and len(uniq) <= 8 and bool(fold_series(uniq).isin(known).all())


def _is_identifier(values: pd.Series) -> bool:
    """Reference numbers: long digit strings with no separators, nearly all distinct."""
    v = values[values != ""]
    return (not v.empty and bool(v.str.fullmatch(r"\d{6,}").mean() > 0.9)
            and v.nunique() > 0.8 * len(v))


# A cell that says zero ('0', '0.00', '-0,00'): no money moved on that row.
_ZERO = r"[-+]?0+(?:[.,]0+)?"


def _is_filler(values: pd.Series) -> bool:
    """Numbers that are no amount: one whole number or zero on every row (an account or
    branch number, a record type, an 'accrued charges' of 0.00) or a row counter (1, 2,
    3 ...). Only judged on a column of 4 values or more."""
    v = values[values != ""]
    if len(v) < 4:
        return False
    if v.nunique() == 1:
        # A number (no decimals) or a zero: a repeated '-1100.00' may be a rent paid each
        # month, which is an amount.
        only = str(v.iloc[0])
        return bool(re.fullmatch(r"\d+", only) or re.fullmatch(_ZERO, only))
    if not bool(v.str.fullmatch(r"\d{1,7}").all()):
        return False
    steps = np.diff(v.astype(np.int64).to_numpy())
    return bool((steps == 1).all() or (steps == -1).all())


def _balance_fits(amount: np.ndarray, balance: np.ndarray) -> bool:
    """True when the balance moves by the amounts, in file order or reversed."""
    ok = ~np.isnan(amount) & ~np.isnan(balance)
    a, b = amount[ok], balance[ok]
    if len(a) < 3:
        return False
    forward = np.isclose(np.diff(b), a[1:], atol=0.011).mean()
    backward = np.isclose(b[:-1] - b[1:], a[:-1], atol=0.011).mean()
    return max(forward, backward) >= 0.8


def _exclusive(a: pd.Series, b: pd.Series) -> bool:
    """Debit and credit columns: each row fills exactly one of them (0 counts as empty)."""
    fa = (a != "") & ~a.str.fullmatch(_ZERO)
    fb = (b != "") & ~b.str.fullmatch(_ZERO)
    rows = fa | fb
    # Both filled somewhere: a column never filled beside one always filled is no pair.
    return (bool(fa.any() and fb.any())
            and float((fa ^ fb)[rows].mean()) >= 0.95)


# Two words of letters ('MENSAH RENT'): a cell written by a person, not a code.
_TWO_WORDS = r"[^\W\d_]{2,}\s+[^\W\d_]{2,}"


def _words_in_reference(name: str, col: pd.Series) -> bool:
    """A column headed as a reference code ([reference_text]) whose cells are mostly words."""
    if fold(name) not in folded_set("reference_text", "headers"):
        return False
    v = col[col != ""]
    return not v.empty and float(v.str.contains(_TWO_WORDS, regex=True).mean()) >= 0.6


def _fits(role: str, col: pd.Series, kind: str) -> bool:
    """Do the column's values fit the role its header names?"""
    v = col[col != ""]
    if role in ("date", "value_date"):
        return date_share(v) >= _MIN_SHARE
    if role == "indicator":
        return indicator_share(col) >= 0.9
    if role == "currency":
        return _is_currency(col) or kind == "text"
    if role == "status":
        return kind in ("status", "text")
    if role == "description":
        return kind in ("text", "empty") or v.str.len().mean() > 12
    if role == "ignore":
        return True
    return v.empty or money_share(v) >= _MIN_SHARE


def assign_roles(header: list[str] | None, body: pd.DataFrame,
                 quick_amounts: Callable[[pd.Series], np.ndarray]) -> Roles:
    """Roles for ``body``'s columns; ``quick_amounts(col)`` reads a column's numbers (for the
    running-balance test)."""
    roles = Roles()
    sample = body.iloc[:1000]
    used: set[int] = set()
    kinds: dict[int, str] = {}
    for k, col in sample.items():
        v = col[col != ""]
        if v.empty:
            kinds[k] = "empty"
        elif _is_status(col):
            kinds[k] = "status"
        elif _is_currency(col):
            kinds[k] = "currency"
        elif indicator_share(col) >= 0.95:
            kinds[k] = "indicator"
        elif date_share(v) >= 0.9:
            kinds[k] = "date"
        elif _is_identifier(col) or _is_filler(col):
            kinds[k] = "identifier"
        elif money_share(v) >= 0.9:
            kinds[k] = "money"
        else:
            kinds[k] = "text"

    named = _header_roles(header) if header else {}
    for k, role in named.items():
        col = sample[k]
        if not _fits(role, sample[k], kinds[k]):
            roles.notes.append(f"column {header[k]!r} does not hold what its name says; "
                               "judged from its values")
            continue
        if role == "ignore" and kinds[k] == "text" and _words_in_reference(header[k], col):
            roles.description.append(k)
            roles.notes.append(f"column {header[k]!r} holds words, not codes: read as part of "
                               "the description")
        if (role == "ignore" and roles.fee is None and kinds[k] != "text"
                and fold(header[k]) in folded_set("fee_column", "headers")):
            roles.fee = k  # still ignored beside an amount: see reader._signed_amounts
        if role == "ignore" or kinds[k] == "empty":
            used.add(k)
            continue
        if role == "description":
            roles.description.append(k)
        elif getattr(roles, role) is None:
            setattr(roles, role, k)
        elif role == "date" and roles.value_date is None:
            roles.value_date = k
        else:
            continue
        used.add(k)

    _account_amount(roles, named, sample, used)
    free = [k for k in sample.columns if k not in used]
    for k in free:
        kind = kinds[k]
        if kind == "date":
            if roles.date is None:
                roles.date = k
            elif roles.value_date is None:
                roles.value_date = k
        elif kind in ("indicator", "currency", "status") and getattr(roles, kind) is None:
            setattr(roles, kind, k)

    numbers = [k for k in free if kinds[k] == "money"]
    has_amount = roles.amount is not None or (roles.debit is not None
                                              and roles.credit is not None)
    coded = {k: c for k in numbers if header and (c := _header_currency(header[k]))}
    if not has_amount and len(set(coded.values())) >= 2:
        # 'CAD$' and 'USD$' columns, each row filled in one: amounts in two currencies, not
        # money out and money in. The fuller one is the amount.
        main = max(coded, key=lambda k: (int((sample[k] != "").sum()), -k))
        roles.amount, roles.amount_currency = main, coded[main]
        roles.other_currencies = [(k, c) for k, c in coded.items() if c != coded[main]]
        numbers = [k for k in numbers if k not in coded]
        has_amount = True
    if not has_amount and roles.debit is not None and roles.credit is None:
        roles.amount, roles.debit = roles.debit, None
        has_amount = True
    if not has_amount and numbers:
        # Debit and credit columns fill one or the other on each row; a running balance moves
        # by the amount; what is left is the amount.
        pair = next(((a, b) for i, a in enumerate(numbers) for b in numbers[i + 1:]
                     if _exclusive(sample[a], sample[b])), None)
        if pair:
            roles.debit, roles.credit = pair
            roles.notes.append("no header names the amounts: the first of two columns "
                               "that are never both filled was read as money out, the "
                               "second as money in")
            numbers = [k for k in numbers if k not in pair]
        else:
            roles.amount = first = numbers.pop(0)
            if roles.balance is None and numbers:
                amount = quick_amounts(sample[roles.amount])
                for k in numbers:
                    if _balance_fits(amount, quick_amounts(sample[k])):
                        roles.balance = k
                        break
                if roles.balance is None and _balance_fits(quick_amounts(sample[numbers[0]]),
                                                           amount):
                    roles.amount, roles.balance = numbers[0], roles.amount
                if roles.balance is None and header is None:
                    # No header and the first number column is no amount a balance moves
                    # by: any two columns where one moves by the other (a balance before
                    # and after each row ahead of the amount) are the amount and balance.
                    pair = _running_pair([roles.amount, *numbers], sample, quick_amounts)
                    if pair:
                        roles.amount, roles.balance = pair
            numbers = [k for k in [first, *numbers] if k not in (roles.amount, roles.balance)]
    if roles.balance is None and numbers and header is None:
        amount = _signed_sample(roles, sample, quick_amounts)
        for k in numbers:
            if amount is not None and _balance_fits(amount, quick_amounts(sample[k])):
                roles.balance = k
                break

    _balance_indicator(roles, sample, kinds, named, quick_amounts)

    # Unnamed text columns join the description: the payee or narrative may be in any of them.
    taken = {roles.date, roles.value_date, roles.amount, roles.debit, roles.credit,
             roles.indicator, roles.balance, roles.balance_indicator, roles.currency,
             roles.status, roles.fee, roles.balance_before}
    roles.description += [k for k in free if kinds[k] == "text" and k not in taken
                          and k not in roles.description]
    roles.description.sort()
    return roles


def _account_amount(roles: Roles, named: dict[int, str], sample: pd.DataFrame,
                    used: set[int]) -> None:
    """Of two amount columns each with its currency column after it, the one in one currency
    throughout: the amount taken from the account. The other, in the currency of each
    purchase ('Сумма операции' 20.00 'USD' beside 'Сумма платежа' 1840.00 'RUB'), is the
    transaction's own amount and currency."""
    if roles.amount is None or roles.currency != roles.amount + 1:
        return

    def codes(k: int) -> int:
        v = sample[k][sample[k] != ""]
        return int(v.str.upper().nunique())

    if codes(roles.currency) < 2:
        return
    other = next((k for k, role in named.items() if role == "amount" and k != roles.amount
                  and named.get(k + 1) == "currency" and codes(k + 1) == 1
                  and money_share(sample[k][sample[k] != ""]) >= _MIN_SHARE), None)
    if other is not None:
        roles.amount, roles.currency = other, other + 1
        used.update((other, other + 1))
        roles.notes.append("of two amount columns, the one in one currency throughout was "
                           "read as the account's; the other is each purchase's own currency")


def _running_pair(numbers: list[int], sample: pd.DataFrame,
                  quick_amounts: Callable[[pd.Series], np.ndarray]) -> tuple[int, int] | None:
    """(amount, balance): the first two of ``numbers`` where the balance moves by the
    amount; a handful of columns, so a handful of pairs."""
    values = {k: quick_amounts(sample[k]) for k in numbers}
    return next(((a, b) for a in numbers for b in numbers
                 if a != b and _balance_fits(values[a], values[b])), None)


# Three capitals standing alone ('CAD$', 'USD 12.00'): a currency code when CURRENCY_CODES has it.
CODE_WORD = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")


def _header_currency(text: str) -> str | None:
    """The currency code a header names ('CAD$', 'USD', 'Amount EUR'), if one."""
    codes = [c for c in CODE_WORD.findall(text) if c in CURRENCY_CODES]
    return codes[0] if len(set(codes)) == 1 else None


def _balance_indicator(roles: Roles, sample: pd.DataFrame, kinds: dict[int, str],
                       named: dict[int, str],
                       quick_amounts: Callable[[pd.Series], np.ndarray]) -> None:
    """A Dr/Cr (D/C, S/H, Debit/Credit) column just after the balance signs the balance, as
    Indian, British and German exports print an overdrawn balance ('1,234.56' then 'Dr') -
    unless it is the only indicator and the amounts need it: one unsigned amount column."""
    if roles.balance is None:
        return
    after = roles.balance + 1
    if after not in sample.columns or after in (roles.date, roles.amount, roles.debit,
                                                roles.credit, roles.currency, roles.status):
        return
    if not (kinds[after] == "indicator"
            or (named.get(after) == "indicator" and indicator_share(sample[after]) >= 0.9)):
        return
    if roles.indicator == after and roles.amount is not None:
        signed = quick_amounts(sample[roles.amount])
        if not (signed < 0).any():  # the amounts' own sign: 'Amount, Balance, Dr/Cr'
            return
    roles.balance_indicator = after
    if roles.indicator == after:
        roles.indicator = None
    roles.notes.append("the debit/credit column after the balance was read as the balance's "
                       "sign")


def _signed_sample(roles: Roles, sample: pd.DataFrame,
                   quick_amounts: Callable[[pd.Series], np.ndarray]) -> np.ndarray | None:
    if roles.amount is not None:
        return quick_amounts(sample[roles.amount])
    if roles.debit is not None and roles.credit is not None:
        debit = np.abs(np.nan_to_num(quick_amounts(sample[roles.debit])))
        credit = np.abs(np.nan_to_num(quick_amounts(sample[roles.credit])))
        return credit - debit
    return None
