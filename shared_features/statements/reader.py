"""One statement file -> its booked transactions and a report of how it was read.

decode -> grid of cells -> layout (preamble, header, body) -> column roles -> dates, amounts,
signs -> rows kept, pending or skipped (each skipped row with its line and reason). Amounts end
up signed from the account holder's side: money in positive, money out negative; for a card,
payments and refunds positive, charges negative.

Several currencies in one file (a currency column with more than one code, as multi-currency
wallets export): the rows in the main currency - that of most rows - are read, and the rows in
any other are skipped, each with its line and currency, and named in a warning. Amounts in
different currencies are never added together and no exchange rate is assumed; the file's
currency is the main one. (Across a person's files the same holds: a file in another currency
than most of the transactions is left out of the months, with a warning.)

Dates without a year ('03 Nov', '11/03', '03.11.') take it from the latest date the lines above
the table state (the period's end, the statement date), else the month or year they name, else
the file name's date, month or year ('statement_2024-10.csv'): each date is put in the latest
year that keeps it no more than a week after that, so December rows on a statement to January
fall in the year before (with a year alone, rows in date order that turn from December to
January once put December in the year before). With no year stated anywhere the file is
refused (StatementError naming the column, the row and what to add), never read with a
guessed year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..schema import MAX_AMOUNT
from .classify import classify, inflow_only, is_app_export
from .containers import read_source
from .dates import DateReading, excel_serial_dates, parse_dates, year_anchor
from .dialect import Grid
from .errors import StatementError
from .layout import Layout, cell_flags, find_layout
from .money import decimal_votes, parse_money
from .roles import CODE_WORD, CURRENCY_CODES, Roles, assign_roles
from .stated import StatedValues, read_stated, stated_lines
from .vocabulary import best_word, columns, contains_pattern, fold, fold_series, folded_set

MAX_SKIPPED_LISTED = 200
_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "R$": "BRL", "zł": "PLN", "Ft": "HUF",
            "CHF": "CHF", "S$": "SGD", "NZ$": "NZD", "C$": "CAD", "₦": "NGN", "₱": "PHP",
            "₫": "VND", "৳": "BDT", "₵": "GHS", "$": "USD"}


@dataclass
class StatementFile:
    """A statement as read: booked transactions plus what the reading found and assumed."""

    name: str
    kind: str  # "account" or "card"
    currency: str | None
    transactions: pd.DataFrame  # line, date (datetime64[D]), amount, description, category,
    #                             balance (NaN without a balance column)
    pending: int
    rows_skipped: list[dict[str, Any]]
    skipped_total: int
    warnings: list[str]
    format: dict[str, Any] = field(default_factory=dict)
    balance_is_debt: bool = False  # card balance columns: positive means owed
    stated: StatedValues = field(default_factory=StatedValues)  # limit, balances it states

    @property
    def has_balance(self) -> bool:
        return bool(self.transactions["balance"].notna().any())

    def summary(self) -> dict[str, Any]:
        t = self.transactions
        amount = t["amount"].to_numpy()
        dates = t["date"]
        return {
            "name": self.name, "kind": self.kind, "currency": self.currency,
            "rows_read": len(t), "pending": self.pending,
            "rows_skipped": self.rows_skipped, "rows_skipped_total": self.skipped_total,
            "date_min": None if t.empty else str(dates.min().date()),
            "date_max": None if t.empty else str(dates.max().date()),
            "inflow_total": round(float(amount[amount > 0].sum()), 2),
            "outflow_total": round(float(-amount[amount < 0].sum()), 2),
            "format": self.format, "warnings": self.warnings,
        }


def _decimal_mark(body: pd.DataFrame, roles: Roles | None, delimiter: str
                  ) -> tuple[str, str | None]:
    """The file's decimal mark from its amount cells, and the assumption made if they could
    not tell."""
    sample = body.iloc[:2000]
    _, money = cell_flags(sample)
    texts = pd.concat([sample[k][money[k]] for k in sample.columns], ignore_index=True)
    comma, dot = decimal_votes(texts) if len(texts) else (0, 0)
    if comma != dot:
        return ("," if comma > dot else "."), None
    guess = "," if delimiter == ";" else "."
    if texts.str.contains(r"[.,]", regex=True).any():
        return guess, (f"the amounts do not show which decimal mark they use; read with "
                       f"{guess!r} as the decimal mark")
    return guess, None


def _currency(layout: Layout, body: pd.DataFrame, roles: Roles) -> str | None:
    """The currency a column, a code or a symbol names; ``BARE_DOLLAR`` for a '$' alone, which
    the peso and other dollars are written with too (settled once the dates are read)."""
    if roles.currency is not None:
        values = body[roles.currency][body[roles.currency] != ""].str.upper()
        if not values.empty:
            return str(values.mode().iloc[0])
    text = " ".join([*layout.preamble, *(layout.header or [])])
    amount_cols = [k for k in (roles.amount, roles.debit, roles.credit) if k is not None]
    amounts = " ".join(body[k].iloc[:200].str.cat(sep=" ") for k in amount_cols)
    text += " " + amounts
    codes = re.findall(r"\b[A-Z]{3}\b", text)
    for code in codes:
        if code in CURRENCY_CODES:
            return code
    named = _currency_named(layout.header, amount_cols)
    if named:
        return named
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return BARE_DOLLAR if symbol == "$" else code
    if re.search(r"\d\s?TL\b", text):  # '1.100,00 TL': the lira as Turkish banks write it
        return "TRY"
    if re.search(r"(?<![^\W\d_])R ?\d", amounts):  # 'R2,450.00': the rand, against its digits
        return "ZAR"
    if re.search(r"\bRp\b", text):  # 'Kode Mata Uang : Rp', 'Rp 2.450.000': the rupiah
        return "IDR"
    return None


BARE_DOLLAR = "$"


def _currency_named(header: list[str] | None, amount_cols: list[int]) -> str | None:
    """The currency the amount columns' headers name in words ('Määrä EUROA', 'Débit
    euros'): one currency, or None. Only those headers: a 'Montant(FRANCS)' beside the
    'Montant(EUROS)' read says nothing of the amounts read."""
    if not header:
        return None
    text = fold(" ".join(header[k] for k in amount_cols))
    found = {code for code, words in columns()["currency_names"].items()
             if re.search(contains_pattern(words), text)}
    return found.pop() if len(found) == 1 else None


def _is_card(name: str, layout: Layout) -> str | None:
    """What says the file is a card's: "file" for card words in the file name or preamble or
    a masked card number ('**** 1234') in the preamble - unless that line names an account
    and no card: banks mask account numbers too ('Account Number XXXXXXXX1234'); "header"
    for card words in the header only (an account's export may have a 'Card Last Four
    Digits' column for its debit card); "loan" when only a loan account's words ([kind]
    loan) say so, anywhere; None."""
    kind = columns()["kind"]
    said = _card_words_say(name, layout, kind["card"])
    if said is None:
        linked = contains_pattern(kind["loan_linked"])
        own = replace(layout, preamble=[line for line in layout.preamble
                                        if not re.search(linked, fold(line))])
        if _card_words_say(name, own, kind["loan"]):
            return "loan"
    return said


def _card_words_say(name: str, layout: Layout, words: list[str]) -> str | None:
    """Where ``words`` (or a masked number on a line with one of them) mark the file as a
    card's: "file", "header" or None, as ``_is_card`` tells them."""
    card = contains_pattern(words)
    account = contains_pattern(columns()["kind"]["account"])
    lines = [name.rsplit(".", 1)[0].replace("_", " "), *layout.preamble]
    masked = any(re.search(r"(?:\*{2,}|x{4}|X{4}|•{2,})\s*\d{4}", line)
                 and not (re.search(account, fold(line)) and not re.search(card, fold(line)))
                 for line in layout.preamble)
    if masked or any(_names_card(fold(line), card, account) for line in lines):
        return "file"
    if re.search(card, fold(" ".join(layout.header or []))):
        return "header"
    return None


def _names_card(line: str, card: str, account: str) -> bool:
    """A line (folded) that names a card: a card word, unless it is the bare word for a card
    after an account's word - 'Compte de Dépôt carte n° ...' is an account that comes with a
    card; 'Card account' and 'Account type: Credit card' are a card's."""
    found = re.search(card, line)
    if not found:
        return False
    bare = found.group(0) in folded_set("kind", "bare_card")
    return not (bare and re.search(account, line[:found.start()]))


def _pay_comes_in(amount: np.ndarray, category: np.ndarray) -> bool:
    """Pay or benefits among the money on the other side of most rows: an account's, as what
    reaches a card is its payments and refunds."""
    nonzero = amount != 0
    a, cat = amount[nonzero], category[nonzero]
    if not len(a):
        return False
    minority = (a < 0) if (a > 0).mean() >= 0.5 else (a > 0)
    return bool((minority & (cat == "income")).any())


_CARD_MIN_ROWS = 4  # fewer transactions than this cannot show a card's pattern
_CARD_MONEY_OUT_SHARE = 0.75  # of rows on the charges' side, by count


def _card_from_values(amount: np.ndarray, category: np.ndarray, has_balance: bool
                      ) -> tuple[bool, str | None]:
    """(is a card, what was assumed) for a file no word marks as a card, from its rows: a
    card's charges far outnumber what comes in, and what comes in is its payments received
    ("PAYMENT - THANK YOU", "AUTOPAY") and refunds - on the other side of the charges, where an
    account shows its card payments among its spending and its pay on the money-in side."""
    nonzero = amount != 0
    a, cat = amount[nonzero], category[nonzero]
    if len(a) < _CARD_MIN_ROWS:
        return False, None
    charges_positive = (a > 0).mean() >= 0.5
    minority = (a < 0) if charges_positive else (a > 0)
    payments = minority & (cat == "card_payment")
    if not payments.any():
        return False, None
    looks_paid = (payments | (minority & (cat == "refund"))).sum() >= 0.5 * minority.sum()
    no_income = not (minority & (cat == "income")).any()
    pays_a_card = bool((~minority & (cat == "card_payment")).any())
    dominated = float((~minority).mean()) >= _CARD_MONEY_OUT_SHARE
    seen = (f"{int((~minority).sum())} of {len(a)} rows are on one side and "
            f"{int(payments.sum())} on the other look like card payments received")
    if looks_paid and no_income and dominated and not pays_a_card:
        note = (f"no card words in the file name or header, but read as a card statement: "
                f"{seen}" + ("" if not has_balance else "; its balance column was read as "
                             "the card's balance, though accounts have one too"))
        return True, note
    return False, (f"read as a bank account, though {seen}; if this is a card statement, put "
                   "'card' in the file name")


def _row_matches(body: pd.DataFrame, words: list[str], exact: bool) -> np.ndarray:
    """Rows where some cell (folded) is one of ``words`` (exact) or starts with one."""
    pattern = contains_pattern(words)
    pattern = f"^{pattern}$" if exact else f"^{pattern}"
    hit = np.zeros(len(body), dtype=bool)
    for _, col in body.items():
        codes, folded = _folded_words(col)
        hit |= folded.str.contains(pattern, regex=True).to_numpy(dtype=bool)[codes]
    return hit


def _type_says_payment(body: pd.DataFrame, header: list[str]) -> np.ndarray:
    """Rows whose type column (a header of [kind] type_headers) says a payment to the card
    (type_payment), each distinct cell folded once."""
    headers = folded_set("kind", "type_headers")
    hit = np.zeros(len(body), dtype=bool)
    for k, name in enumerate(header):
        if fold(name) in headers and k in body.columns:
            codes, folded = _folded_words(body[k])
            hit |= folded.isin(folded_set("kind", "type_payment")).to_numpy(dtype=bool)[codes]
    return hit


def _joined(body: pd.DataFrame, cols: list[int]) -> pd.Series:
    """The description columns as one text per row."""
    if not cols:
        return pd.Series("", index=body.index, dtype=object)
    if len(cols) == 1:
        return body[cols[0]]
    text = body[cols[0]].astype(object)
    for k in cols[1:]:
        text = text.str.cat(body[k], sep=" ")
    return text.str.replace(r"\s{2,}", " ", regex=True).str.strip()


def _folded_words(col: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, folded distinct values) of a column; values with no letter (amounts, dates)
    are left empty rather than folded, as no word can be in them."""
    codes, uniq = pd.factorize(col, use_na_sentinel=False)
    uniq = pd.Series(uniq, dtype=object).astype(str)
    words = uniq.str.contains(r"[^\W\d_]", regex=True)
    return codes, fold_series(uniq[words]).reindex(uniq.index, fill_value="")


def _pending_rows(body: pd.DataFrame, roles: Roles, words: list[str]) -> np.ndarray:
    """A status cell saying pending, or any short cell that does ("Umsatz vorgemerkt" in an
    info column, "Pending" in place of a date)."""
    pattern = contains_pattern(words)
    numeric = {roles.amount, roles.debit, roles.credit, roles.balance}
    cols = ([roles.status] if roles.status is not None
            else [k for k in body.columns if k not in numeric])
    hit = np.zeros(len(body), dtype=bool)
    for k in cols:
        codes, folded = _folded_words(body[k])
        short = folded.str.count(" ") <= 2
        hit |= (folded.str.contains(pattern, regex=True) & short).to_numpy(dtype=bool)[codes]
    return hit


def _repeated_header(body: pd.DataFrame, header: pd.Series) -> np.ndarray:
    """Rows that are the header again (a page break in a multi-page export): no rows at all.
    Only rows whose first named cell matches are compared whole."""
    named = np.flatnonzero(header.to_numpy() != "")
    repeated = np.zeros(len(body), dtype=bool)
    if not len(named):
        return repeated
    k = body.columns[named[0]]
    maybe = (body[k] == header.iloc[named[0]]).to_numpy()
    if maybe.any():
        repeated[maybe] = (body[maybe] == header.to_numpy()).all(axis=1).to_numpy()
    return repeated


def _pending_sections(body: pd.DataFrame, preamble: list[str], words: list[str],
                      follows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows under a section title that says pending, title rows): a title ("Vorgemerkte
    Umsätze", "Pending transactions", "Posted transactions") is a row of one cell of words
    with no digit; its section runs to the next title. The title just above the header opens
    the first section."""
    one = ((body != "").sum(axis=1).to_numpy() == 1) & ~follows  # ``follows``: no titles
    title = np.zeros(len(body), dtype=bool)
    text = pd.Series([], dtype=object)
    if one.any():  # only rows of one cell can be titles
        text = body[one].max(axis=1).astype(str)  # that cell ('' sorts first)
        is_title = (text.str.contains(r"[^\W\d_]", regex=True)
                    & ~text.str.contains(r"\d", regex=True))
        title[one] = is_title.to_numpy()
        text = text[is_title]
    if not title.any() and not preamble:
        return title, title
    pattern = contains_pattern(words, compounds=True)

    def says_pending(titles: pd.Series) -> np.ndarray:
        codes, uniq = pd.factorize(titles, use_na_sentinel=False)
        folded = fold_series(pd.Series(uniq, dtype=object))
        short = folded.str.count(" ") <= 3
        return (short & folded.str.contains(pattern, regex=True)).to_numpy(dtype=bool)[codes]

    section = np.cumsum(title)  # 0: before any title in the body
    first = pd.Series(preamble[-1:] or [""], dtype=object)
    pending_titles = np.concatenate([says_pending(first), says_pending(text)])
    return pending_titles[section] & ~title, title


def _continuation_rows(body: pd.DataFrame, roles: Roles, transaction: np.ndarray
                       ) -> np.ndarray:
    """Rows that carry on the description of the transaction above them (OCBC and other
    banks print a long description over two or three rows): only description cells filled,
    right below a transaction row or another such row, and no summary label or status word
    (a 'Total' or 'Pending transactions' line is no description)."""
    if not roles.description or len(roles.description) == body.shape[1]:
        return np.zeros(len(body), dtype=bool)
    only_words = np.zeros(len(body), dtype=bool)
    maybe = np.flatnonzero(~transaction)  # in most files none: nothing more to look at
    if not len(maybe):
        return only_words
    rest = body.iloc[maybe]
    others = [k for k in body.columns if k not in roles.description]
    # A rule of dashes or other marks under the table ('-----' above a wallet's summary lines)
    # holds no words: it ends the table rather than carrying a description on.
    worded = pd.concat([rest[k].str.contains(r"[^\W_]", regex=True)
                        for k in roles.description], axis=1).any(axis=1)
    only_words[maybe] = ((rest[others] == "").all(axis=1) & worded).to_numpy()
    group = np.cumsum(~only_words)  # each run of such rows with the row above it
    # The row each run follows (group 0: none above), and whether it is a transaction.
    led = np.concatenate(([False], transaction[np.flatnonzero(~only_words)]))[group]
    follows = only_words & led
    if follows.any():
        rows = np.flatnonzero(follows)
        words = [*columns()["summary"]["labels"], *columns()["status"]["pending"],
                 *columns()["status"]["booked"]]
        said = _row_matches(body.iloc[rows][roles.description], words, exact=True)
        follows[rows[said]] = False
    return follows


def _merge_continuations(description: pd.Series, follows: np.ndarray) -> pd.Series:
    """Each transaction's description with the rows that carry it on appended: one
    vectorised pass per row of a run (a run is one to three rows), not one per transaction."""
    n = len(description)
    pos = np.flatnonzero(follows)
    leader = np.maximum.accumulate(np.where(follows, -1, np.arange(n)))[pos]
    offset = pos - leader
    out = description.to_numpy(dtype=object).copy()
    for k in range(1, int(offset.max()) + 1):
        at = offset == k
        whom = leader[at]
        joined = pd.Series(out[whom], dtype=object).str.cat(
            pd.Series(description.to_numpy(dtype=object)[pos[at]], dtype=object), sep=" ")
        out[whom] = joined.str.strip().to_numpy(dtype=object)
    return pd.Series(out, index=description.index, dtype=object)


def _signed_amounts(body: pd.DataFrame, roles: Roles, decimal: str, warnings: list[str]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The amounts of ``_amount_columns``, then a charge alone in a fee column read as money
    out, and unsigned amounts signed by the move from the balance before to the one after."""
    amount, readable, undirected, converted = _amount_columns(body, roles, decimal, warnings)
    if roles.fee is not None:
        # A row whose amount cells are empty and whose fee cell holds a charge: the bank's
        # charge, money out (its sign as written or not).
        fee = parse_money(body[roles.fee], decimal).values
        alone = ~readable & ~undirected & ~np.isnan(fee) & (fee != 0)
        if alone.any():
            amount = np.where(alone, -np.abs(fee), amount)
            readable = readable | alone
            warnings.append(f"{int(alone.sum())} row(s) with no amount and a charge in column "
                            f"{roles.fee + 1} (a fee column) were read as that charge, money out")
    if (roles.balance_before is not None and roles.balance is not None
            and roles.amount is not None and roles.indicator is None
            and not (amount[readable] < 0).any()):
        # Amounts with no sign between a balance before and after: the balance's move says
        # in or out (a fee or levy taken besides may make it differ from the amount).
        move = (parse_money(body[roles.balance], decimal).values
                - parse_money(body[roles.balance_before], decimal).values)
        amount = np.where(move < 0, -np.abs(amount), amount)
    return amount, readable, undirected, converted


def _amount_columns(body: pd.DataFrame, roles: Roles, decimal: str, warnings: list[str]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(signed amount, readable, undirected, converted) per row from one amount column, debit
    and credit columns or an amount with a D/C indicator; undirected rows have an unsigned
    amount whose indicator marks no direction; converted rows are moves between the holder's
    own balances (an indicator of [indicator] neither: Wise's Direction 'NEUTRAL' on a
    conversion), read as money out of the balance the amount column is of (the source)."""
    none = np.zeros(len(body), dtype=bool)
    if roles.amount is not None:
        reading = parse_money(body[roles.amount], decimal)
        amount = reading.values
        marks = reading.marked
        if marks.any():
            credit_only = not (marks < 0).any()
            sign = np.where(marks > 0, 1.0, np.where(marks < 0, -1.0,
                                                     -1.0 if credit_only else 1.0))
            explicit = marks != 0
            amount = np.where(explicit | credit_only, np.abs(amount) * sign, amount)
            if credit_only:
                warnings.append("amounts marked CR were read as money in and the unmarked "
                                "ones as money out")
        readable = ~np.isnan(amount)
        if roles.indicator is not None:
            sign = _indicator_signs(body[roles.indicator])
            amount = _apply_signs(amount, sign)
            if not (reading.values < 0).any() and not marks.any():
                # Amounts written without sign, and a row whose mark says neither in nor out
                # (a wallet's '/' for a withdrawal to the person's bank): its direction is
                # unknown, so it is not read as either - unless the mark is a word for a
                # move between the holder's own balances (Wise's NEUTRAL conversion): the
                # source amount left this balance for another of the holder's.
                undirected = readable & (sign == 0) & (amount != 0)
                converted = undirected & _indicator_neither(body[roles.indicator])
                amount = np.where(converted, -np.abs(amount), amount)
                undirected &= ~converted
                return amount, readable & ~undirected, undirected, converted
        return amount, readable, none, none
    debit = parse_money(body[roles.debit], decimal).values
    credit = parse_money(body[roles.credit], decimal).values
    readable = ~np.isnan(debit) | ~np.isnan(credit)
    amount = np.abs(np.nan_to_num(credit)) - np.abs(np.nan_to_num(debit))
    return amount, readable, none, none


def _main_currency(col: pd.Series, candidates: np.ndarray, reasons: np.ndarray,
                   lines: np.ndarray, warnings: list[str]) -> str | None:
    """The currency of most of the rows a currency column marks; the rows in any other are
    given a reason to be skipped (in ``reasons``) and named in a warning. Amounts in different
    currencies are never added together: a month's income of 1,000 EUR and 1,000 USD is not
    2,000 of anything, and no exchange rate is assumed. A row with no currency is the main
    currency's."""
    # Each distinct cell is upper-cased once: a column of 100,000 'EUR' is one value.
    kinds, found = pd.factorize(col, use_na_sentinel=False)
    upper = pd.Series(found, dtype=object).astype(str).str.strip().str.upper()
    same, found = pd.factorize(upper)  # 'eur' and 'EUR' as one
    kinds = same[kinds]
    marked = candidates & (found[kinds] != "")
    if not marked.any():
        return None
    main = str(found[int(np.argmax(np.bincount(kinds[marked], minlength=len(found))))])
    codes = found[kinds]
    other = marked & (codes != main)
    if not other.any():
        return main
    reasons[other] = ("in " + pd.Series(codes[other], dtype=object)
                      + f", not {main} (the file's main currency): amounts in different "
                      "currencies are not added together").to_numpy(dtype=object)
    counts = pd.Series(codes[other]).value_counts()
    warnings.append(_left_out(main, dict(counts.items()), lines[other]))
    return main


def _left_out(main: str, counts: dict[str, int], where: np.ndarray) -> str:
    """The warning for rows skipped as in other currencies than ``main``: how many of each,
    and the first ten lines."""
    shown = ", ".join(map(str, where[:10])) + (" ..." if len(where) > 10 else "")
    return (f"{sum(counts.values())} rows in other currencies than {main} were left out "
            f"({', '.join(f'{c}: {n}' for c, n in counts.items())}; rows {shown}): amounts in "
            "different currencies are not added together and no exchange rate is assumed")


# A currency written inside an amount cell: an ISO code ('USD 12.00', '12,00 EUR') or a symbol
# that names one currency ('€', '£', '₹'); a '$' alone is kept as '$' (it names no one dollar).
# The file-level symbols (``_SYMBOLS``) and a few that only tell cells apart: '¥' is kept as
# itself (yen or yuan), like a bare '$'.
_CELL_SYMBOLS = {**_SYMBOLS, "₩": "KRW", "₺": "TRY", "₽": "RUB", "¥": "¥", "$": BARE_DOLLAR}
_CELL_CURRENCY = re.compile(CODE_WORD.pattern + "|("
                            + "|".join(map(re.escape, sorted(_CELL_SYMBOLS, key=len,
                                                             reverse=True))) + ")")


def _cell_currencies(body: pd.DataFrame, roles: Roles) -> pd.Series | None:
    """The currency each row's amount cell names, when the amount cells of one file name more
    than one (a wallet's export with no currency column: 'EUR -35.00', 'GBP -120.00'); None
    when they name one or none, as in nearly every file. Each distinct cell is looked at
    once."""
    cols = [k for k in (roles.amount, roles.debit, roles.credit) if k is not None]
    distinct = [pd.factorize(body[k], use_na_sentinel=False) for k in cols]
    # One scan of all the distinct texts joined says which currencies they name at all: in
    # nearly every file one or none, and the per-value work below is skipped.
    text = "\n".join("\n".join(uniq.astype(str, copy=False).tolist()) for _, uniq in distinct)
    named = {code if code in CURRENCY_CODES else _CELL_SYMBOLS.get(sym, "")
             for code, sym in _CELL_CURRENCY.findall(text)} - {""}
    if len(named) < 2 or named == {"$", "USD"}:
        return None
    found = pd.Series("", index=body.index, dtype=object)
    for codes, uniq in distinct:
        parts = pd.Series(uniq, dtype=object).astype(str).str.extract(_CELL_CURRENCY)
        code = parts[0].where(parts[0].isin(CURRENCY_CODES))
        code = code.fillna(parts[1].map(_CELL_SYMBOLS)).fillna("").to_numpy(dtype=object)
        found = found.where(found != "", pd.Series(code[codes], index=body.index))
    named = found[found != ""].unique()
    if len(named) < 2 or (len(named) == 2 and "$" in named and "USD" in named):
        return None  # one currency ('$' and 'USD' in one file are one)
    return found.replace("$", "USD") if "USD" in named else found


def _other_currency_columns(body: pd.DataFrame, roles: Roles, reasons: np.ndarray,
                            lines: np.ndarray, warnings: list[str]) -> str | None:
    """Rows whose amount is in a column of another currency ('USD$' beside the 'CAD$' read):
    skipped with their currency and named in a warning; the file's currency is the amount
    column's."""
    main = roles.amount_currency
    left: dict[str, int] = {}
    rows: list[np.ndarray] = []
    for k, code in roles.other_currencies:
        there = (((body[k] != "") & (body[roles.amount] == "")).to_numpy()
                 & (reasons == "no amount"))
        reasons[there] = (f"in {code}, not {main} (the file's main currency): amounts in "
                          "different currencies are not added together")
        if there.any():
            left[code] = int(there.sum())
            rows.append(lines[there])
    if left:
        warnings.append(_left_out(main, left, np.sort(np.concatenate(rows))))
    return main


def _indicator_signs(col: pd.Series) -> np.ndarray:
    """+1 for a credit mark (CR, C, H, Haben, +), -1 for a debit mark (DR, D, S, Soll, -), 0
    for none; each distinct cell folded once."""
    codes, uniq = pd.factorize(col, use_na_sentinel=False)
    uniq = pd.Series(uniq, dtype=object).astype(str)
    # A word folds to '' only if it is punctuation ('+', '-'): those are matched as is.
    ind = fold_series(uniq).where(~uniq.isin(["+", "-"]), uniq)
    credit = ind.isin(folded_set("indicator", "credit") | {"+"}).to_numpy()
    debit = ind.isin(folded_set("indicator", "debit") | {"-"}).to_numpy()
    return np.where(credit, 1.0, np.where(debit, -1.0, 0.0))[codes]


def _indicator_neither(col: pd.Series) -> np.ndarray:
    """Rows whose indicator is a word of [indicator] neither: a move between the holder's own
    balances, not a mark missing."""
    codes, uniq = pd.factorize(col, use_na_sentinel=False)
    folded = fold_series(pd.Series(uniq, dtype=object).astype(str))
    return folded.isin(folded_set("indicator", "neither")).to_numpy(dtype=bool)[codes]


def _apply_signs(values: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """``values`` made positive where ``sign`` is +1 and negative where it is -1 (no product:
    an infinite cell must not warn)."""
    return np.where(sign > 0, np.abs(values), np.where(sign < 0, -np.abs(values), values))


def _refuse_out_of_range(body: pd.DataFrame, roles: Roles, amount: np.ndarray,
                         balance: np.ndarray | None, booked: np.ndarray, layout: Layout) -> None:
    """A booked amount or balance beyond ``MAX_AMOUNT`` (a trillion, inf included) is a corrupt
    cell or a typo, and no month built from it could be scored: refused here, with the file's
    line and column, rather than later at a monthly record the person never wrote.

    Judged on the values already read (``_signed_amounts``'s amount, the balance column)."""
    for values, kind in ((amount, "amount"), (balance, "balance")):
        if values is None:
            continue
        huge = booked & ~np.isnan(values) & ~(np.abs(values) <= MAX_AMOUNT)
        if not huge.any():
            continue
        row = int(np.flatnonzero(huge)[0])
        role = kind if kind == "balance" or roles.amount is not None else (
            "debit" if body.iloc[row, roles.debit] != "" else "credit")  # the cell that is set
        raise StatementError(f"is out of range (at most {MAX_AMOUNT:,.0f} in magnitude)",
                             line=int(layout.body_lines[row]),
                             column=roles.named(layout.header)[role],
                             value=str(body.iloc[row, getattr(roles, role)]))


def _charges_positive(amount: np.ndarray, category: np.ndarray, text: pd.Series) -> bool:
    """A card export's convention: are charges written as positive numbers?"""
    nonzero = amount != 0
    payments = np.isin(category, ("card_payment", "refund")) & nonzero
    if payments.sum() >= 1:
        return float((amount[payments] < 0).mean()) > 0.5
    # No row reads as a payment or refund: rows whose words say money came back ('Payment',
    # 'Credit' in a type column), if they are few, show the payments' side. (Words on most
    # rows, as a 'Card payment' type on every purchase, say nothing.)
    kind = columns()["kind"]
    said = _says(text, [*kind["card_credit"], *kind["payment_in"]]) & nonzero
    if 1 <= said.sum() <= 0.5 * nonzero.sum():
        return float((amount[said] < 0).mean()) > 0.5
    return nonzero.any() and float((amount[nonzero] > 0).mean()) > 0.75


def _says(text: pd.Series, words: list[str]) -> np.ndarray:
    """Rows of ``text`` holding one of ``words`` (whole words, folded), each distinct text
    folded once."""
    codes, uniq = pd.factorize(text, use_na_sentinel=False)
    folded = fold_series(pd.Series(uniq, dtype=object).astype(str))
    return folded.str.contains(contains_pattern(words), regex=True).to_numpy(bool)[codes]


def read_statement(data: bytes, name: str) -> StatementFile:
    """Read one export; raises StatementError when the file holds no readable transactions."""
    # Delimited text, or a workbook / OFX / QIF turned into the same grid of cells.
    source = read_source(data)
    warnings = list(source.warnings)
    grid = source.grid
    serial_cells, serial_notes = excel_serial_dates(grid.cells)
    if serial_notes:
        grid = Grid(serial_cells, grid.lines, grid.delimiter)
        warnings += serial_notes
    layout = find_layout(grid)
    body = layout.body
    decimal, decimal_note = _decimal_mark(body, None, grid.delimiter)

    def quick(col: pd.Series) -> np.ndarray:
        return parse_money(col, decimal).values

    roles = assign_roles(layout.header, body, quick)
    warnings += roles.notes
    if decimal_note:
        warnings.append(decimal_note)
    header_line = (int(grid.lines[layout.header_index]) if layout.header_index is not None
                   else None)
    if layout.header is None:
        warnings.append("the file has no header row; its columns were judged from their values")
    if roles.date is None and roles.value_date is not None:
        roles.date, roles.value_date = roles.value_date, None
        warnings.append("no booking date column: the value date was used")
    if roles.date is None:
        raise StatementError("no date column found (a column of dates such as 2024-01-31)",
                             line=header_line)
    if roles.amount is None and (roles.debit is None or roles.credit is None):
        raise StatementError("no amount column found (a column of amounts, or debit and "
                             "credit columns)", line=header_line)

    currency = _currency(layout, body, roles)
    card_words = "file" if source.card else _is_card(name, layout)
    kind = "card" if card_words else "account"
    # A '$' alone is the US dollar when the dates read month-first, as in the US, or fit
    # both ways; day-first dates with '$' are a peso's or another dollar's (Mexico,
    # Argentina, Australia, Canada): the currency is left unknown.
    dollar = currency in ("USD", BARE_DOLLAR)
    date_reading = parse_dates(body[roles.date], default_day_first=not dollar)
    if date_reading.missing_year is not None:
        date_reading = _dates_without_year(body, roles, layout, name, not dollar)
    if currency == BARE_DOLLAR:
        currency = None if date_reading.day_first else "USD"
    if date_reading.warning:
        warnings.append(date_reading.warning)
    dates = date_reading.dates
    amount, readable, undirected, converted = _signed_amounts(body, roles, decimal, warnings)
    description = _joined(body, roles.description)
    has_date = ~np.isnat(dates)
    # A transaction's description carried on to the rows below it: part of that row.
    follows = _continuation_rows(body, roles, has_date & readable)
    if follows.any():
        description = _merge_continuations(description, follows)

    blank = (body == "").all(axis=1).to_numpy() | follows
    if layout.header_index is not None:
        blank = blank | _repeated_header(body, grid.cells.iloc[layout.header_index])
    status_words = columns()["status"]
    pending = _pending_rows(body, roles, status_words["pending"])
    in_pending_section, title = _pending_sections(body, layout.preamble,
                                                  status_words["pending"], follows)
    pending = (pending | in_pending_section) & ~title  # a title is no transaction
    void = (_row_matches(body[[roles.status]], status_words["void"], exact=True)
            if roles.status is not None else np.zeros(len(body), dtype=bool))
    summary_words = columns()["summary"]
    incomplete = ~has_date | ~readable
    label = np.zeros(len(body), dtype=bool)
    if incomplete.any():  # only rows that are not transactions need a label to say why
        label[incomplete] = _row_matches(body[incomplete], summary_words["labels"], exact=False)
    balance_line = (_row_matches(body[roles.description], summary_words["balance_lines"],
                                 exact=True) if roles.description
                    else np.zeros(len(body), dtype=bool))
    reasons = np.full(len(body), None, dtype=object)
    reasons[~readable] = "no amount"
    if undirected.any():
        reasons[undirected] = (f"neither money in nor out: column "
                               f"{roles.named(layout.header)['indicator']!r} marks no direction")
    reasons[~has_date] = "no date"
    reasons[(~has_date | ~readable) & label] = "summary row (balance, total, account or page line)"
    reasons[has_date & readable & balance_line] = "balance line, not a transaction"
    reasons[void & has_date] = "not completed (declined, reverted or cancelled)"
    reasons[title & ~label] = "section title"
    pending &= ~blank
    reasons[pending] = None
    reasons[blank] = None
    if roles.other_currencies:
        currency = _other_currency_columns(body, roles, reasons, layout.body_lines, warnings)
    in_cells = _cell_currencies(body, roles) if roles.currency is None else None
    if roles.currency is not None or in_cells is not None:
        # The same policy for a currency column and for codes inside the amount cells.
        col = body[roles.currency] if roles.currency is not None else in_cells
        main = _main_currency(col, pd.isna(reasons) & ~blank & ~pending, reasons,
                              layout.body_lines, warnings)
        currency = (main if main not in (None, "$", "¥") else None) or currency
    skipped = pd.notna(reasons) & ~blank
    booked = ~blank & ~pending & ~skipped

    balances = (_balances(body[roles.balance], decimal,
                          None if roles.balance_indicator is None
                          else body[roles.balance_indicator])
                if roles.balance is not None else None)
    amount, balances = _minor_units(layout.header, roles, currency, amount, balances, warnings)
    _refuse_out_of_range(body, roles, amount, balances, booked, layout)
    if balances is not None and _unmoving(amount[booked], balances[booked]):
        warnings.append(f"column {roles.named(layout.header)['balance']!r} holds one value on "
                        "every row while the amounts change: the balance when exported, not "
                        "after each transaction; month-end balances were left unknown")
        roles.balance, balances = None, None
    # A payment app's own export: its cash-outs are the holder's money sent to their bank.
    app = is_app_export([name, *layout.preamble, *(layout.header or [])])
    category = classify(description[booked], app_export=app)
    moved = converted[booked]
    if moved.any():
        # Whatever its words, the holder's own money moved between their balances.
        category[moved] = "own_transfer"
        warnings.append(
            f"{int(moved.sum())} conversion(s) between the holder's own currency balances "
            f"(column {roles.named(layout.header)['indicator']!r} says neither in nor out) "
            "were read as money moved out of this balance to another of the holder's: own "
            "transfers, neither income nor spending")
    a = amount[booked]
    if card_words in ("header", "loan") and _pay_comes_in(a, category):
        kind = "account"
        warnings.append(f"the {'header' if card_words == 'header' else 'file'} names a "
                        f"{'card' if card_words == 'header' else 'loan account'}, but pay "
                        "comes in among the rows: read as a bank account")
    if kind == "account":
        is_card, note = _card_from_values(a, category, roles.balance is not None)
        kind = "card" if is_card else kind
        if note:
            warnings.append(note)
    if kind == "card" and layout.header is not None:
        # A Type column saying Payment: the card's payment received, unless it reads as a
        # returned (missed) payment.
        paid = _type_says_payment(body, layout.header)[booked] & (category != "missed")
        category[paid] = "card_payment"
    if kind == "card" and roles.amount is not None and roles.indicator is None \
            and _charges_positive(a, category, description[booked]):
        a = -a
        warnings.append("this card export writes charges as positive amounts; signs were "
                        "flipped so charges are money out")
    if kind == "card":
        # Money back on a card in a payment's words ('PAGAMENTO EFETUADO') is the card's
        # payment received, not a refund, whatever words the categories know.
        paid = (a > 0) & np.isin(category, ("other", "income"))
        if paid.any():
            paid[paid] = _says(description[booked][paid], columns()["kind"]["payment_in"])
            category[paid] = "card_payment"
    # Pay's words on money going out (a shop called 'PICK N PAY', 'Pay Bill ...') are no pay:
    # with the holder's sign settled, those rows are classified again without the
    # categories only money coming in can be.
    outgoing_income = (a < 0) & np.isin(category, inflow_only())
    if outgoing_income.any():
        category[outgoing_income] = classify(description[booked][outgoing_income],
                                             app_export=app, exclude=inflow_only())
    balance = (balances[booked] if balances is not None
               else np.full(int(booked.sum()), np.nan))

    lines = layout.body_lines
    transactions = pd.DataFrame({
        "line": lines[booked], "date": dates[booked], "amount": a,
        "description": description[booked].to_numpy(dtype=object), "category": category,
        "balance": balance})
    if transactions.empty:
        raise StatementError("no booked transactions found"
                             + (f" ({int(pending.sum())} pending)" if pending.any() else ""),
                             line=header_line)

    balance_is_debt = False
    if kind == "card" and roles.balance is not None:
        # A card balance that rises with charges is what is owed; one that falls with them is
        # the negative of it.
        order = _file_order(transactions)
        balance_is_debt = _moves_with(-transactions["amount"].to_numpy()[order],
                                      transactions["balance"].to_numpy()[order])
    where = np.flatnonzero(skipped)
    rows_skipped = [{"row": int(lines[i]), "reason": str(reasons[i])}
                    for i in where[:MAX_SKIPPED_LISTED]]
    if pending.any():
        warnings.append(f"{int(pending.sum())} pending transactions were counted but not used")
    fmt = {"encoding": source.encoding, "delimiter": grid.delimiter,
           **({"container": source.container, **dict(source.details)} if source.container
              else {}),
           "header_row": header_line, "decimal_mark": decimal,
           "date_format": date_reading.format, "day_first": date_reading.day_first,
           "columns": roles.named(layout.header)}
    # What the preamble and the summary rows state: rows skipped for want of a date or an
    # amount, or as balance lines - never a transaction's words (a declined or foreign-currency
    # row is skipped too).
    summary_rows = skipped & (incomplete | (has_date & readable & balance_line))
    stated = read_stated(stated_lines(layout.preamble, body[summary_rows]), decimal,
                         bool(date_reading.day_first), kind)
    return StatementFile(name, kind, currency, transactions, int(pending.sum()), rows_skipped,
                         len(where), warnings, fmt, balance_is_debt, stated)


def _dates_without_year(body: pd.DataFrame, roles: Roles, layout: Layout, name: str,
                        default_day_first: bool) -> DateReading:
    """The date column read with the year the preamble or the file name states; refused
    when neither states one, naming the column, the row and what to add: a year is never
    guessed (a wrong one moves every month of the history)."""
    anchor = year_anchor(layout.preamble, name)
    reading = parse_dates(body[roles.date], default_day_first=default_day_first, anchor=anchor)
    if reading.missing_year is None:
        return reading
    example = reading.missing_year
    row = int(np.flatnonzero((body[roles.date] == example).to_numpy())[0])
    raise StatementError(
        f"dates such as {example!r} have no year, and neither the lines above the table nor "
        "the file name state one: export the statement with full dates, or add its period "
        "above the header (e.g. 'Statement period 01/10/2024 - 31/10/2024'), or name the "
        "file with its month (e.g. statement_2024-10.csv)",
        line=int(layout.body_lines[row]), column=roles.named(layout.header)["date"],
        value=example)


# Currencies whose minor unit is not a hundredth (ISO 4217): none, or a thousandth.
_MINOR_UNIT = {**dict.fromkeys(("JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG", "XOF", "XAF",
                                "RWF", "KMF", "GNF", "DJF", "VUV", "XPF", "BIF"), 1),
               **dict.fromkeys(("KWD", "BHD", "OMR", "JOD", "TND", "IQD", "LYD"), 1000)}


def _minor_units(header: list[str] | None, roles: Roles, currency: str | None,
                 amount: np.ndarray, balances: np.ndarray | None, warnings: list[str]
                 ) -> tuple[np.ndarray, np.ndarray | None]:
    """Amounts (and a balance) whose header says they are in minor units ('amount_minor_units',
    'Amount (cents)') as the currency's major unit: divided by 100, or by the currency's own
    minor unit. Judged on the header alone, never on the values: whole numbers are common."""
    if not header:
        return amount, balances
    words = columns()["minor_units"]["words"]

    def says(k: int | None) -> bool:
        return k is not None and best_word(header[k], words, compounds=False) > 0
    scale = _MINOR_UNIT.get(currency or "", 100)
    if scale == 1:
        return amount, balances
    money = [k for k in (roles.amount, roles.debit, roles.credit) if k is not None]
    named = roles.named(header)
    if money and all(says(k) for k in money):
        amount = amount / scale
        warnings.append(f"amounts in {', '.join(header[k] for k in money)!r} were read as "
                        f"minor units (divided by {scale})")
    if balances is not None and says(roles.balance):
        balances = balances / scale
        warnings.append(f"balances in {named['balance']!r} were read as minor units "
                        f"(divided by {scale})")
    return amount, balances


def _balances(col: pd.Series, decimal: str, indicator: pd.Series | None = None
              ) -> np.ndarray:
    """The balance column's values, signed by a DR / CR (S / H) mark where it has one: Indian
    and German exports write an overdrawn balance '1,234.56 Dr' or '1.234,56 S', or put the
    mark in a column of its own after the balance (``indicator``)."""
    reading = parse_money(col, decimal)
    values, marked = reading.values.copy(), reading.marked != 0
    values[marked] = np.abs(values[marked]) * reading.marked[marked]
    if indicator is not None:
        values = _apply_signs(values, _indicator_signs(indicator))
    return values


def _unmoving(amount: np.ndarray, balance: np.ndarray) -> bool:
    """A balance column that keeps one value over rows whose amounts are not zero (3 or more):
    the account's balance at export, repeated on every row."""
    ok = ~np.isnan(balance) & (amount != 0)
    return int(ok.sum()) >= 3 and np.unique(balance[ok]).size == 1


def _file_order(t: pd.DataFrame) -> np.ndarray:
    """Row positions oldest first: files list newest-first or oldest-first; within a day the
    file's own order (reversed for a newest-first file) is the booking order."""
    d = t["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    newest_first = len(d) > 1 and (np.diff(d) <= 0).mean() > (np.diff(d) >= 0).mean()
    pos = np.arange(len(d))
    return np.lexsort((-pos if newest_first else pos, d))


def _moves_with(amount: np.ndarray, balance: np.ndarray) -> bool:
    ok = ~np.isnan(balance)
    a, b = amount[ok], balance[ok]
    if len(a) < 2:
        return bool(np.nanmedian(balance) > 0) if ok.any() else False
    return float(np.isclose(np.diff(b), a[1:], atol=0.011).mean()) >= 0.5
