"""What each transaction is, from its description: the categories of categories.toml, tried in
their order; each distinct description is matched once (descriptions repeat: the same shop,
the same employer), then the answer is spread to the rows."""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .vocabulary import HERE, contains_pattern, fold, fold_series

OTHER = "other"  # no category's words: ordinary spending or income, by the sign


@cache
def load_categories(path: str | None = None) -> dict[str, Any]:
    """The category words; STATEMENTS_CATEGORIES points at another file to use instead."""
    path = path or os.environ.get("STATEMENTS_CATEGORIES") or str(HERE / "categories.toml")
    with open(Path(path), "rb") as fh:
        config = tomllib.load(fh)
    unknown = set(config["order"]) - set(config["categories"])
    if unknown:
        raise ValueError(f"{path}: order names categories with no words: {sorted(unknown)}")
    if set(config.get("unless", {})) - set(config["order"]):
        raise ValueError(f"{path}: [unless] names a category that is not in order")
    if "app_moves" in config and config["app_moves"]["category"] not in config["order"]:
        raise ValueError(f"{path}: [app_moves] names a category that is not in order")
    return config


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]:
    """(category, its words, the phrases of [unless] that do not count towards it) in order."""
    config = load_categories()
    unless = config.get("unless", {})
    out = []
    for name in config["order"]:
        # Words of 6+ letters match inside longer ones (compounds), shorter ones whole; words
        # of unspaced scripts (Chinese, Thai) anywhere, as their text has no word boundaries.
        out.append((name, re.compile(contains_pattern(config["categories"][name],
                                                      compounds=True, inside_from=6)),
                    re.compile(contains_pattern(unless[name])) if unless.get(name) else None))
    return tuple(out)


@cache
def _app_moves() -> tuple[str | None, re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(category, its words, the apps' names, cash machine words) of [app_moves]; the
    category None when a categories file has no [app_moves]."""
    moves = load_categories().get("app_moves")
    if not moves:
        never = re.compile(r"(?!)")
        return None, never, never, never
    return (moves["category"], *(re.compile(contains_pattern(moves[k]))
                                 for k in ("words", "apps", "cash_machine")))


@cache
def _app_export_pattern() -> re.Pattern[str] | None:
    moves = load_categories().get("app_moves") or {}
    words = [*moves.get("apps", []), *moves.get("app_columns", [])]
    return re.compile(contains_pattern(words)) if words else None


def is_app_export(texts: list[str]) -> bool:
    """Whether a file's name, preamble lines or header cells (``texts``) mark a payment app's
    export: an app's name, or a column only app exports have."""
    pattern = _app_export_pattern()
    return pattern is not None and bool(pattern.search(fold(" ".join(texts))))


# A transfer to or from an account named only by its masked number ('Transfer to xx1234
# CommBank app', 'TRF FROM A/C **5678'): banks print a payee's name for someone else's
# account, a bare masked number for the holder's own. Read on the raw text, as folding drops
# the masking marks.
_TO_MASKED_ACCOUNT = re.compile(
    r"(?i)\b(?:transfer|xfer|trf|tfr)\s+(?:to|from)\s+(?:(?:a/?c|acct|account)\s+)?"
    r"(?:x{2,}|\*{2,}|\.{2,}|•{2,})\s*\d{3,6}\b")


# A full card number with its middle masked ('XXXXXXXXXXXX1234', '4147********1234'): 12-19
# digits and masking marks, the last four digits shown. Read on the raw text, as folding
# drops the marks.
_MASKED_CARD = re.compile(r"(?<![\w*•])(?=[\dXx*•]{12,19}(?![\w*•]))\d{0,6}[Xx*•]{4,12}\d{4}(?!\w)")


@cache
def _card_bill() -> tuple[str | None, re.Pattern[str]]:
    """(category, bill-payment words) of [card_bill]; None when the file has no such table."""
    bill = load_categories().get("card_bill")
    if not bill:
        return None, re.compile(r"(?!)")
    return bill["category"], re.compile(contains_pattern(bill["words"]))


def inflow_only() -> tuple[str, ...]:
    """The categories that name money coming in only (`inflow_only` of categories.toml)."""
    return tuple(load_categories().get("inflow_only", ()))


def classify(descriptions: pd.Series, app_export: bool = False,
             exclude: tuple[str, ...] = ()) -> np.ndarray:
    """Category name per row (object array): the first category whose words match. With
    ``app_export`` (the file is a payment app's export) [app_moves] words count without an
    app named in the row; categories in ``exclude`` are not tried."""
    codes, uniq = pd.factorize(descriptions.fillna(""), use_na_sentinel=False)
    folded = fold_series(pd.Series(uniq, dtype=object))
    category = pd.Series(OTHER, index=folded.index, dtype=object)
    todo = pd.Series(True, index=folded.index)
    for name, pattern, unless in _patterns():
        if name in exclude:
            continue
        text = folded if unless is None else folded.str.replace(unless, " ", regex=True)
        hit = todo & text.str.contains(pattern, regex=True)
        if name == _app_moves()[0]:
            moved = _moved_by_app(folded[todo & ~hit], app_export)
            hit[moved.index] |= moved
        if name == _card_bill()[0]:
            # A bill paid to a masked card number: the card's payment ([card_bill]).
            raw = pd.Series(uniq, dtype=object).astype(str)
            hit |= (todo & folded.str.contains(_card_bill()[1], regex=True)
                    & raw.str.contains(_MASKED_CARD, regex=True))
        if name == "own_transfer":
            hit |= todo & pd.Series(uniq, dtype=object).astype(str).str.contains(
                _TO_MASKED_ACCOUNT, regex=True)
        category[hit] = name
        todo &= ~hit
    return category.to_numpy(dtype=object)[codes]


def _moved_by_app(folded: pd.Series, app_export: bool) -> pd.Series:
    """Which of ``folded`` are [app_moves] words in an app's context and no cash machine's."""
    _, words, apps, cash_machine = _app_moves()
    said = folded.str.contains(words, regex=True)
    if not said.any():  # nearly every file: one scan
        return said
    in_app = said if app_export else folded.str.contains(apps, regex=True)
    return said & in_app & ~folded.str.contains(cash_machine, regex=True)
