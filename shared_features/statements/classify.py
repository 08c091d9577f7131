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

from .vocabulary import HERE, contains_pattern, fold_series

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
    return config


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    config = load_categories()
    out = []
    for name in config["order"]:
        # Words of 6+ letters match inside longer ones (compounds), shorter ones whole; words
        # of unspaced scripts (Chinese, Thai) anywhere, as their text has no word boundaries.
        out.append((name, re.compile(contains_pattern(config["categories"][name],
                                                      compounds=True, inside_from=6))))
    return tuple(out)


def classify(descriptions: pd.Series) -> np.ndarray:
    """Category name per row (object array): the first category whose words match."""
    codes, uniq = pd.factorize(descriptions.fillna(""), use_na_sentinel=False)
    folded = fold_series(pd.Series(uniq, dtype=object))
    category = pd.Series(OTHER, index=folded.index, dtype=object)
    todo = pd.Series(True, index=folded.index)
    for name, pattern in _patterns():
        hit = todo & folded.str.contains(pattern, regex=True)
        category[hit] = name
        todo &= ~hit
    return category.to_numpy(dtype=object)[codes]
