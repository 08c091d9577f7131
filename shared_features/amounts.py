"""Parsing user-formatted amounts, vectorised: ``1,234.50``, ``$1,234``, ``(120.00)``,
``1.234,50``, ``-5``, ``12 345``.

The decimal convention is decided once per file: European (``,`` decimal) only where some value
is unambiguously European and none is unambiguously US-style; ``1,234`` alone reads as a thousand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NULL_TOKENS = ("", "na", "n/a", "null", "none", "nan", "-")  # cells that mean "no value"
_CURRENCY = r"[\$€£¥₹]|\b(?:usd|eur|gbp|chf)\b"
_SPACES = r"[\s\u00a0\u202f']"
# Patterns only one convention can produce: 1,234.5 / 12.50 / 1,234,567 / 1234.567
_US_ONLY = "|".join((r"^\d{1,3}(?:,\d{3})+\.\d*$", r"^\d*\.\d{1,2}$", r"^\d{1,3}(?:,\d{3}){2,}$",
                     r"^\d*\.\d{4,}$", r"^\d{4,}\.\d+$"))
# 1.234,5 / 12,5 / 1.234.567 / 1234,567
_EU_ONLY = "|".join((r"^\d{1,3}(?:\.\d{3})+,\d*$", r"^\d*,\d{1,2}$", r"^\d{1,3}(?:\.\d{3}){2,}$",
                     r"^\d*,\d{4,}$", r"^\d{4,},\d+$"))


def _clean(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip currency, spaces and sign markers; return (digits-and-separators, is_negative)."""
    s = text.str.strip().str.lower().str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(_SPACES, "", regex=True)
    neg = s.str.match(r"^\(.*\)$") | s.str.startswith("-") | s.str.endswith("-")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.strip("+-")
    return s, neg


def _text_series(column: pd.Series | np.ndarray) -> pd.Series:
    return column if isinstance(column, pd.Series) else pd.Series(column, dtype=object)


def detect_european(columns: list[pd.Series | np.ndarray]) -> bool:
    """True when the file's amounts use ',' as the decimal mark, unambiguously: some value of
    a text column is European-only and none is US-only (columns of numbers cannot tell)."""
    texts = [_text_series(c).dropna().astype(str) for c in columns
             if not pd.api.types.is_numeric_dtype(c.dtype)]
    if not texts:
        return False
    # Only values with a separator can tell, and each distinct one needs judging once.
    text = pd.Series(pd.unique(np.concatenate([t.to_numpy(dtype=object) for t in texts])),
                     dtype="string")
    text = text[text.str.contains(r"[,.]", regex=True)]
    if text.empty:
        return False
    s, _ = _clean(text)
    return not s.str.match(_US_ONLY).any() and bool(s.str.match(_EU_ONLY).any())


def parse_amounts(col: pd.Series | np.ndarray, european: bool) -> tuple[np.ndarray, np.ndarray]:
    """(values, bad) for one column: float64 with NaN for empty cells; ``bad`` marks cells that
    have text but are not a number. Plain numbers take pandas' fast path."""
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = (col.to_numpy(dtype=np.float64, na_value=np.nan) if isinstance(col, pd.Series)
                  else np.asarray(col, dtype=np.float64))
        return values, np.zeros(len(values), dtype=bool)
    text = _text_series(col).astype("string").str.strip()
    empty = (text.isna() | text.str.lower().isin(NULL_TOKENS)).to_numpy(dtype=bool)
    text = text.where(~empty)
    fast = pd.to_numeric(text, errors="coerce")
    values = fast.to_numpy(dtype=np.float64, na_value=np.nan)
    slow = ~empty & fast.isna().to_numpy(dtype=bool)
    if european:
        # Without this a plain '1.234' took the fast path as one-point-two.
        thousands = text.str.match(r"^[-+(]?\d{1,3}(?:\.\d{3})+\)?$")
        slow |= thousands.fillna(False).to_numpy(dtype=bool)
    if slow.any():
        s, neg = _clean(text[slow])
        if european:
            s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            s = s.str.replace(",", "", regex=False)
        parsed = pd.to_numeric(s.where(s.str.match(r"^\d*\.?\d+$|^\d+\.$")), errors="coerce")
        parsed = parsed.where(~neg, -parsed)
        values[slow] = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~empty & np.isnan(values)
    return values, bad
