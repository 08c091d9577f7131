"""Where the table is in the file: the preamble above it (account, period, opening balance,
blank lines), the header row if there is one, and the body below it.

Data rows are recognised by their values (a date and an amount in the same row, repeated);
the header is the row of words just above the first of them. No header row: the file is
headerless and the columns are judged from their values alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from .dates import MONTH_WORDS
from .dialect import Grid
from .errors import StatementError
from .vocabulary import alternation, columns, contains_pattern, fold

_HEAD_ROWS = 300  # the layout is decided on this many rows; the body can be any length
# '03 Nov', 'Nov 03': a month's name and a day, no year. Checked in two steps, the shape and
# then the name only where the shape is (the names' alternation is slow on every cell).
_NAMED_SHAPE = r"^(?:\d{1,2}[ -]?[^\W\d_]{3,9}\.?|[^\W\d_]{3,9}\.? \d{1,2})$"
_MONTH = r"(?i:" + alternation(MONTH_WORDS) + r")"
_NAMED_YEARLESS = (r"^(?:\d{1,2}[ -]?" + _MONTH + r"\.?|" + _MONTH + r"\.? \d{1,2})$")
_DATE_LIKE = (r"^(?=\D{0,14}\d)"  # every date has a digit early: most other cells end here
              r"(?:(?:[^\W\d_]{2,8}(?:-feira)?\.?,?\s+)?"  # a weekday first: 'Tue, 02 Jan 2024'
              r"(?:\d{1,4}[./\- ]\d{1,2}[./\- ]\d{1,4}\.?|\d{8}"
              r"|\d{1,2}\.? ?[-./ ]?(?:de )?[^\W\d_]{3,9}\.?[-./ ](?:de )?\d{2,4}"
              # glued, '05MAR2024', '5mars2024', '14févr2024'; with a two-digit year only a
              # month's name ('05MAR24'; a code such as '12ABC34' is no date)
              r"|\d{1,2}[^\W\d_]{3,9}\.?\d{4}|\d{1,2}" + _MONTH + r"\.?\d{2}"
              r"|[^\W\d_]{3,9}\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2}T.*)"
              # Japanese era and CJK dates: '令和6年10月3日', 'R06.10.03', '2024年10月3日'
              r"|(?:令和|平成|昭和|民國|民国)\s*(?:\d{1,2}|元)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?"
              r"|(?:\d{4}\s*[年년]\s*)?\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
              r"|[RHSrhs]\d{1,2}\.\d{1,2}\.\d{1,2}"
              # no year, on a statement that states its period: '11/03', '03.11.', '03 Nov'
              r"|\d{1,2}/\d{1,2}|\d{1,2}\.\d{1,2}\.)"
              r"(?:\s*[(（][^\W\d_][)）])?"  # a weekday after: '2024/10/03(木)'
              r"(?:[ T-]\d{1,2}:\d{2}.*)?$")  # a time: ' 09:15', 'T09:15', '-09:15'

_MONEY_LIKE = (r"^[-+(]?\s*[^\W\d_]{0,3}[$€£¥₹]?\s*[-+(]?\s*\d[\d.,'’\s\u00a0\u202f]*\)?"
               r"\s*[^\W\d_]{0,3}[$€£¥₹]?\s*[-+]?$")


@cache
def _pending_words() -> re.Pattern[str]:
    return re.compile(contains_pattern(columns()["status"]["pending"]))


@cache
def _summary_words() -> re.Pattern[str]:
    return re.compile(contains_pattern(columns()["summary"]["labels"]))


@cache
def _role_words() -> re.Pattern[str]:
    return re.compile(contains_pattern([w for words in columns()["roles"].values()
                                        for w in words]))


def _header_above(head: pd.DataFrame, index: int, date: pd.DataFrame, money: pd.DataFrame
                  ) -> bool:
    """The header's first row of two: directly above it, no date or amount, at least two of
    its cells column names, and it names columns the lower row leaves empty (a merged cell
    over its parts leaves the lower row's gaps where the upper row has the names)."""
    if index == 0:
        return False
    upper, lower = head.iloc[index - 1], head.iloc[index]
    if date.iloc[index - 1].any() or money.iloc[index - 1].any():
        return False
    gaps = (lower == "") & (upper != "")
    if int(gaps.sum()) < 2:
        return False
    named = upper[upper != ""].map(lambda c: bool(_role_words().search(fold(c))))
    return int(named.sum()) >= 2 and bool(named[gaps[upper != ""]].all())


@cache
def _account_words() -> re.Pattern[str]:
    return re.compile(contains_pattern(columns()["kind"]["account"]))


# 'Assets:Current Assets:Checking': an account's path in an accounting program's tree.
_ACCOUNT_PATH = re.compile(r"^[^\W\d_][^:]*(?::[^\W\d_][^:]*){2,}$")


def _names_account(text: str) -> bool:
    return bool(_ACCOUNT_PATH.match(text.strip()) or _account_words().search(fold(text)))


def _names_columns(row: pd.Series, date: pd.Series, money: pd.Series) -> bool:
    """A row of at least two column names (the header's words) and no date or amount."""
    if date.any() or money.any():
        return False
    texts = row[row != ""]
    return len(texts) >= 2 and int(texts.map(
        lambda c: bool(_role_words().search(fold(c)))).sum()) >= 2


@dataclass(frozen=True)
class Layout:
    header: list[str] | None  # the header row's cells, None for a headerless file
    header_index: int | None  # grid row of the header
    body: pd.DataFrame  # rows below the header (or from the first data row), all columns
    body_lines: np.ndarray  # file line of each body row
    preamble: list[str]  # text of the rows above the table


def _date_like(col: pd.Series) -> pd.Series:
    flags = col.str.match(_DATE_LIKE)
    named = col.str.match(_NAMED_SHAPE).fillna(False).astype(bool)
    if named.any():
        flags = flags.fillna(False).astype(bool) | named
        flags[named] = col[named].str.match(_NAMED_YEARLESS)
    return flags


def cell_flags(cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(looks like a date, looks like an amount) per cell: quick shape checks, not parsing."""
    date = pd.DataFrame({k: _date_like(c) for k, c in cells.items()})
    money = pd.DataFrame({k: c.str.match(_MONEY_LIKE) & c.str.contains(r"\d") & ~date[k]
                          for k, c in cells.items()})
    return date.fillna(False).astype(bool), money.fillna(False).astype(bool)


def find_layout(grid: Grid) -> Layout:
    cells = grid.cells
    head = cells.iloc[:_HEAD_ROWS]
    date, money = cell_flags(head)
    filled = (head != "").sum(axis=1).to_numpy()
    data_like = (date.any(axis=1) & money.any(axis=1)).to_numpy() & (filled >= 2)
    if not data_like.any():
        raise StatementError("no transactions found: no row has both a date and an amount")
    # The table starts at the first data-like row that most of the next few rows agree with
    # (an "opening balance; 01.11.2019; 1.234,56" preamble line stands alone).
    window = 6
    ahead = np.convolve(data_like[::-1].astype(int), np.ones(window, int))[: len(data_like)][::-1]
    nonblank = filled > 0
    nonblank_ahead = np.convolve(nonblank[::-1].astype(int),
                                 np.ones(window, int))[: len(nonblank)][::-1]
    start_ok = data_like & (2 * ahead >= np.minimum(nonblank_ahead, window))
    start = int(np.flatnonzero(start_ok)[0]) if start_ok.any() else int(np.flatnonzero(
        data_like)[0])

    header_index = None
    above = start - 1
    pending = _pending_words()
    while above >= 0 and above >= start - 4:
        # Blank rows, a lone balance between the header and the rows (a 'Beginning
        # Balance' cell on a row of its own) and rows not booked yet ('Reserverat' or
        # 'Pending' where the date goes) do not end the search for the header.
        lone_amount = (filled[above] <= 2 and bool(money.iloc[above].any())
                       and not date.iloc[above].any() and 2 * filled[above] < filled[start])
        not_booked = (bool(money.iloc[above].any()) and not date.iloc[above].any()
                      and bool(pending.search(fold(" ".join(head.iloc[above])))))
        # A balance brought forward on a row of its own between the header and the rows (a
        # PDF statement's 'BALANCE BROUGHT FORWARD ... 1,000.00 CR'): a labelled amount.
        carried = (bool(money.iloc[above].any()) and not date.iloc[above].any()
                   and bool(_summary_words().search(fold(" ".join(head.iloc[above])))))
        # A pending section's title between the header and the rows ('Pending
        # Transactions' on a cell of its own, its rows below): the section, not the header.
        pending_title = (filled[above] == 1 and not date.iloc[above].any()
                         and not money.iloc[above].any()
                         and bool(pending.search(fold(" ".join(head.iloc[above])))))
        # An account's name between the header and its rows (an accounting program's report
        # groups the rows under each account: 'Assets:Current Assets:Checking Account'): one
        # cell naming an account, a row of column names directly above it. Other one-cell
        # titles still end the search ('Recent Activity' makes no header of the row above).
        account_title = (filled[above] == 1 and above >= 1 and not date.iloc[above].any()
                         and not money.iloc[above].any()
                         and _names_account(" ".join(head.iloc[above]))
                         and _names_columns(head.iloc[above - 1], date.iloc[above - 1],
                                            money.iloc[above - 1]))
        if (filled[above] == 0 or lone_amount or not_booked or carried or pending_title
                or account_title):
            above -= 1
            continue
        words = head.iloc[above]
        texts = words[words != ""]
        is_header = (filled[above] >= 2 and not date.iloc[above].any()
                     and int(money.iloc[above].sum()) == 0
                     and texts.str.contains(r"[^\W\d_]", regex=True).mean() >= 0.5)
        if is_header:
            header_index = above
        break
    two_rows = header_index is not None and _header_above(head, header_index, date, money)
    top = header_index - 1 if two_rows else (header_index if header_index is not None
                                             else start)
    preamble = [" ".join(c for c in row if c) for row in cells.iloc[:top].to_numpy().tolist()]
    preamble = [p for p in preamble if p]
    body_start = top + 1 if header_index is not None else start
    body = cells.iloc[body_start:].reset_index(drop=True)
    header = None
    if header_index is not None:
        lower = cells.iloc[header_index].tolist()
        upper = cells.iloc[header_index - 1].tolist() if two_rows else [""] * len(lower)
        # Two header rows (Excel's merged 'Amount' over 'Debit' and 'Credit'): each column is
        # named by both, the upper row's name first.
        header = [" ".join(w for w in (u, c) if w) or f"column {k + 1}"
                  for k, (u, c) in enumerate(zip(upper, lower, strict=True))]
    return Layout(header, header_index, body, grid.lines[body_start:], preamble)
