"""The text key statements are matched on (vocabulary.fold): text written with and without
diacritics folds alike, and the column-wide fold agrees with fold() on every kind of text."""

from __future__ import annotations

import pandas as pd
import pytest

from shared_features.statements.vocabulary import fold, fold_series


@pytest.mark.parametrize(("with_marks", "without"), [
    ("SPŁATA KARTY KREDYTOWEJ", "SPLATA KARTY KREDYTOWEJ"),  # Polish ł
    ("Łódź", "Lodz"),
    ("Beløp", "Belop"),  # Norwegian / Danish ø
    ("Bogført", "Bogfort"),
    ("Æblegade", "Aeblegade"),  # æ
    ("Œuvre", "Oeuvre"),  # œ
    ("ÖDEMESı", "ODEMESI"),  # Turkish dotless ı
    ("Đorđe", "Dorde"),  # đ
    ("Guðrún", "Gudrun"),  # ð
    ("Þórður", "Thordur"),  # þ
    ("Ħamrun", "Hamrun"),  # ħ
    ("Ŧ", "T"),  # ŧ
    ("Straße", "Strasse"),  # ß, as before
    ("Zůstatek", "Zustatek"),  # decomposable accents, as before
])
def test_letters_with_a_stroke_or_ligature_fold_like_their_plain_spelling(
        with_marks: str, without: str) -> None:
    assert fold(with_marks) == fold(without)
    assert fold(with_marks).isascii()


def test_other_scripts_are_kept() -> None:
    assert fold("差引残高") == "差引残高"
    assert fold("Погашение кредита") == "погашение кредита"
    assert fold("* - *") == ""


MIXED = ["SPŁATA KARTY", "SPLATA KARTY", "Beløp (NOK)", "plain ascii: 12.50", "", "_x_",
         "Æ Œ ı đ ð þ ħ ŧ ß", "ZŮSTATEK/Kč", "給与 アクメ", "Tab\tand  spaces", "ł", "***"]


@pytest.mark.parametrize("copies", [1, 10])  # under and over the 64-value fast-path cut
def test_fold_series_agrees_with_fold(copies: int) -> None:
    values = pd.Series(MIXED * copies)
    assert len(values) < 64 if copies == 1 else len(values) >= 64
    assert fold_series(values).tolist() == [fold(v) for v in values]
