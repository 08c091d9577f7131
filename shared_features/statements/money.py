"""Amount cells as exported: ``1.234,56``, ``1'234.56``, ``1 234,56`` (NBSP too), ``€ 12,00``,
``12.00 EUR``, ``$-50.00``, ``-$50.00``, ``(50.00)``, ``+50,00``, ``50.00 CR``, ``50,00-``.

The decimal mark is decided once for the whole file from the values that can only be read one
way; each distinct cell text is parsed once (statements repeat amounts), never row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Credit / debit markers written next to an amount (English, German S/H, Dutch).
_CREDIT_MARK = r"(?:^|[\s\d)])(?:cr|h|haben|bij)\.?$|^(?:cr|bij)\s"
_DEBIT_MARK = r"(?:^|[\s\d)])(?:dr|db|s|soll|af)\.?$|^(?:dr|af)\s"
_GROUPING = r"[\s\u00a0\u202f'’`]"  # spaces and apostrophes only ever group thousands
_NOT_NUMBER = r"[^\d,.+\-()]"
_MINUS = "[\u2212\u2012\u2013\ufe63]"
# What may stand beside an amount: a currency code or symbol ('R$' too, the Turkish lira's
# 'TL', the forint's 'Ft', the rand's 'R' written against the digits), a CR/DR/S/H marker.
_MARKS = (r"(?i)\b[a-z]{1,2}\$|\b(?:[a-z]{3}|cr|dr|db|s|h|soll|haben|af|bij)\b"
          r"|(?<![a-z])(?:tl|ft)\b|\br(?=\s?\d)|[$€£¥₹₣₩₽₺₱฿₫₪₴₦₲₵₡₭₮]|zł")


@dataclass(frozen=True)
class MoneyReading:
    values: np.ndarray  # float64, NaN where empty or unreadable
    bad: np.ndarray  # bool: text that is not an amount
    marked: np.ndarray  # int8: +1 credit marker (CR), -1 debit marker (DR), 0 none


def _clean(uniq: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(digits and separators, negative, marker) for distinct cell texts."""
    s = uniq.astype(str).str.strip().str.lower()
    marker = pd.Series(np.where(s.str.contains(_CREDIT_MARK, regex=True), 1,
                                np.where(s.str.contains(_DEBIT_MARK, regex=True), -1, 0)),
                       index=s.index, dtype=np.int8)
    # The minus sign typeset (U+2212, as Nordic and spreadsheet exports write it) or as a dash:
    # a minus, never a character to drop (that made '−45,00' money in). Only text that is not
    # ASCII can hold one, so only that is rewritten.
    wide = ~s.str.isascii().to_numpy(dtype=bool)
    if wide.any():
        s = s.copy()
        s[wide] = s[wide].str.replace(_MINUS, "-", regex=True)
    # A marker's abbreviation dot ('20.00 Cr.') is no decimal mark (a cheap test first: the
    # pattern itself is slow over every value).
    dotted = s.str.endswith(".").to_numpy(dtype=bool)
    if dotted.any():
        s = s.copy()
        s[dotted] = s[dotted].str.replace(r"(?<=[^\W\d_])\.$", "", regex=True)
    s = s.str.replace(_GROUPING, "", regex=True)
    s = s.str.replace(_NOT_NUMBER, "", regex=True)
    negative = s.str.contains(r"^\(.*\)$|^-|-$|^[+]?\(", regex=True) | s.str.startswith("+-")
    s = s.str.replace(r"[()+\-]", "", regex=True)
    return s, negative, marker


def decimal_votes(texts: pd.Series) -> tuple[int, int]:
    """(values only a ',' decimal explains, values only a '.' decimal explains)."""
    s, _, _ = _clean(pd.Series(texts.unique()))
    both = s.str.contains(",", regex=False) & s.str.contains(".", regex=False)
    last_comma = s.str.rfind(",") > s.str.rfind(".")
    comma = both & last_comma
    dot = both & ~last_comma
    # One kind of mark: repeated, it groups thousands; once with other than 3 digits after
    # it, it is the decimal mark; once with exactly 3 digits after it, it could be either.
    def alone(mark: str) -> tuple[pd.Series, pd.Series]:
        only = s.str.contains(mark, regex=False) & ~both
        n = s.str.count(f"\\{mark}")
        tail = s.str.len() - s.str.rfind(mark) - 1
        return only & (n == 1) & (tail != 3) & (tail > 0), only & (n > 1)

    comma_decimal, comma_grouping = alone(",")
    dot_decimal, dot_grouping = alone(".")
    comma = comma | comma_decimal | dot_grouping
    dot = dot | dot_decimal | comma_grouping
    return int(comma.sum()), int(dot.sum())


def parse_money(values: pd.Series, decimal: str) -> MoneyReading:
    """Read one column with the file's decimal mark (``,`` or ``.``)."""
    codes, uniq = pd.factorize(values.fillna(""), use_na_sentinel=False)
    uniq = pd.Series(uniq, dtype=object).astype(str)
    grouping = "." if decimal == "," else ","
    # Fast path: most cells are plain signed numbers once the grouping mark is gone.
    plain = uniq.str.replace(grouping, "", regex=False)
    if decimal == ",":
        plain = plain.str.replace(",", ".", regex=False)
    number = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan,
                                                            copy=True)
    marker = np.zeros(len(uniq), dtype=np.int8)
    slow = np.isnan(number) & (uniq != "").to_numpy()
    if slow.any():
        s, negative, marks = _clean(uniq[slow])
        s = s.str.replace(grouping, "", regex=False)
        if decimal == ",":
            s = s.str.replace(",", ".", regex=False)
        parsed = pd.to_numeric(s.where(s.str.fullmatch(r"\d+(?:\.\d*)?|\.\d+")),
                               errors="coerce")
        number[slow] = parsed.where(~negative, -parsed).to_numpy(dtype=np.float64,
                                                                 na_value=np.nan)
        marker[slow] = marks.to_numpy()
    bad = np.isnan(number)
    if bad.any():  # unread cells are bad unless they only say "no value"
        raw = uniq[bad].str.strip().str.lower()
        bad[bad] = ~(raw.isin(("", "-", "--", "n/a", "na", "null", "none"))).to_numpy()
    marker = np.where(np.isnan(number), 0, marker).astype(np.int8)
    return MoneyReading(number[codes], bad[codes], marker[codes])


def money_share(values: pd.Series) -> float:
    """Share of non-empty distinct values that read as an amount (either decimal mark)."""
    uniq = pd.Series(values[values != ""].unique())
    if uniq.empty:
        return 0.0
    s, _, _ = _clean(uniq)
    # An amount has at most a sign, currency and separators around its digits: a cell with
    # words in it (a description with a number) is not one.
    letters = uniq.astype(str).str.replace(_MARKS, "", regex=True).str.contains(
        r"[^\W\d_]", regex=True)
    times = uniq.astype(str).str.contains(r"\d[:/]\d", regex=True)  # 10:15 or 1/2 is no amount
    numeric = s.str.fullmatch(r"[\d.,]*\d[\d.,]*") & ~letters & ~times
    return float(numeric.mean())
