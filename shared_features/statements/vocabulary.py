"""The words statement reading goes by (columns.toml, categories.toml), and the one text key
they are compared on: lower case, accents and punctuation removed, single spaces."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent


def fold(text: str) -> str:
    """'Débit/Crédit (EUR)' -> 'debit credit eur'."""
    text = unicodedata.normalize("NFKD", text.lower().lstrip("\ufeff"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def fold_series(texts: pd.Series) -> pd.Series:
    """fold() for a column; call it on distinct values."""
    if len(texts) < 64:  # a few values: plain Python beats pandas' per-call overhead
        return pd.Series([fold(str(v)) for v in texts], index=texts.index, dtype=object)
    s = texts.astype(str).str.lower().str.normalize("NFKD")
    s = s.str.replace(r"[\u0300-\u036f]", "", regex=True).str.replace("ß", "ss", regex=False)
    return s.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()


@cache
def columns() -> dict[str, Any]:
    with open(HERE / "columns.toml", "rb") as fh:
        return tomllib.load(fh)


def words_pattern(words: list[str], compounds: bool = False) -> str:
    """A regex matching any of the words (folded) as whole words; with ``compounds`` words of
    5+ letters match inside longer words too (German compounds)."""
    folded = sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True)
    parts = []
    for w in folded:
        if compounds and len(w) >= 5 and " " not in w:
            parts.append(re.escape(w))
        else:
            parts.append(rf"\b{re.escape(w)}\b")
    return "(?:" + "|".join(parts) + ")"


@cache
def folded_set(section: str, *keys: str) -> frozenset[str]:
    """The folded words of columns.toml [section] keys, as one set."""
    return frozenset(fold(w) for k in keys for w in columns()[section][k])


@cache
def _word_regex(words: tuple[str, ...], compounds: bool) -> re.Pattern[str]:
    return re.compile(words_pattern(list(words), compounds))


def best_word(text: str, words: list[str], compounds: bool = True) -> int:
    """Length of the longest of ``words`` found in folded ``text`` (0 when none); a header
    that is exactly the word scores one more than one that only contains it."""
    key = fold(text)
    found = _word_regex(tuple(words), compounds).findall(key)
    if not found:
        return 0
    best = max(found, key=len)
    return len(best) + (1 if key == best else 0)
