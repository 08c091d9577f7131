"""Dates with month names as banks across Europe print them (shared_features.statements.dates)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shared_features.statements.dates import parse_dates


@pytest.mark.parametrize("cells", [
    ["02 ianuarie 2024", "14 februarie 2024", "1 martie 2024"],  # Romanian
    ["2 stycznia 2024", "14 lutego 2024", "1 marca 2024"],  # Polish, in the genitive
    ["2. ledna 2024", "14. února 2024", "1. března 2024"],  # Czech
    ["2. LEDNA 2024", "14. UNORA 2024", "1. BREZNA 2024"],  # Czech, capitals, no accents
    ["02 Ocak 2024", "14 Şubat 2024", "01 Mart 2024"],  # Turkish
    ["02 OCAK 2024", "14 ŞUBAT 2024", "01 MART 2024"],  # Turkish capitals
    ["02 Ιανουαρίου 2024", "14 Φεβρουαρίου 2024", "01 Μαρτίου 2024"],  # Greek
    ["02 ΙΑΝΟΥΑΡΙΟΥ 2024", "14 ΦΕΒΡΟΥΑΡΙΟΥ 2024", "01 ΜΑΡΤΙΟΥ 2024"],  # Greek capitals
    ["02 janv. 2024", "14 févr. 2024", "01 mars 2024"],  # French, as before
    ["02 Jan 2024", "14 Feb 2024", "01 Mar 2024"],  # English, as before
])
def test_month_names_in_european_languages(cells):
    reading = parse_dates(pd.Series(cells))
    assert reading.dates.astype(str).tolist() == ["2024-01-02", "2024-02-14", "2024-03-01"]


@pytest.mark.parametrize("cells, expected", [
    (["13 Kasım 2024", "2 Aralık 2024"], ["2024-11-13", "2024-12-02"]),  # dotless ı
    (["02 NİSAN 2024", "30 EYLÜL 2024"], ["2024-04-02", "2024-09-30"]),  # dotted İ
    (["3 października 2024", "24 grudnia 2024"], ["2024-10-03", "2024-12-24"]),
    (["15 Αυγούστου 2024", "1 Μαΐου 2024"], ["2024-08-15", "2024-05-01"]),
])
def test_letters_without_a_plain_lower_case(cells, expected):
    assert parse_dates(pd.Series(cells)).dates.astype(str).tolist() == expected


def test_a_name_inside_a_word_is_not_a_month():
    # "Marek" holds "mar", "Decker" holds "dec": neither is a date.
    reading = parse_dates(pd.Series(["Marek 2024", "Decker 12"]))
    assert np.isnat(reading.dates).all()
