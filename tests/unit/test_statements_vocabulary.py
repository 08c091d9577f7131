"""The text key statements are matched on (vocabulary.fold) and the Central European words:
text written with and without diacritics folds alike, and the column-wide fold agrees with
fold() on every kind of text."""

from __future__ import annotations

import pandas as pd
import pytest

from shared_features.statements.classify import classify
from shared_features.statements.roles import _header_roles
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


@pytest.mark.parametrize(("description", "category"), [
    # Polish, with diacritics and as exported without them
    ("SPŁATA KARTY KREDYTOWEJ", "card_payment"),
    ("SPLATA KARTY KREDYTOWEJ", "card_payment"),
    ("SPŁATA RATY KREDYTU GOTÓWKOWEGO", "loan_payment"),
    ("SPLATA RATY KREDYTU GOTOWKOWEGO", "loan_payment"),
    ("RATA POŻYCZKI 02/2024", "loan_payment"),
    ("PRZELEW WŁASNY NA RACHUNEK OSZCZĘDNOŚCIOWY", "own_transfer"),
    ("LOKATA 3M", "own_transfer"),
    ("ZWROT TOWARU ALLEGRO.PL", "refund"),
    ("OPŁATA ZA MONIT", "missed"),
    ("ODSETKI KARNE", "missed"),
    ("WYNAGRODZENIE ZA 01/2024", "income"),
    ("EMERYTURA ZUS", "income"),
    # Czech and Slovak
    ("SPLÁTKA KREDITNÍ KARTY", "card_payment"),
    ("ÚHRADA KREDITNEJ KARTY", "card_payment"),
    ("SPLÁTKA ÚVĚRU 02/2024", "loan_payment"),
    ("SPLÁTKA PŮJČKY", "loan_payment"),
    ("SPLÁTKA PÔŽIČKY", "loan_payment"),
    ("PŘEVOD NA SPOŘICÍ ÚČET", "own_transfer"),
    ("PŘEVOD MEZI VLASTNÍMI ÚČTY", "own_transfer"),
    ("VRÁCENÍ PLATBY ALZA.CZ", "refund"),
    ("POPLATEK ZA UPOMÍNKU", "missed"),
    ("ÚROK Z PRODLENÍ", "missed"),
    ("MZDA ACME S.R.O.", "income"),
    ("DŮCHOD ČSSZ", "income"),
    # Words that look close but are not these: a purchase with a card, the bank's name,
    # a savings-and-loan union, a mortgage (housing, spending), an ordinary bank fee.
    ("Płatność kartą BIEDRONKA", "other"),
    ("Platba kartou LIDL", "other"),
    ("POWSZECHNA KASA OSZCZĘDNOŚCI BANK POLSKI", "other"),
    ("SPLÁTKA HYPOTÉKY", "other"),
    ("Opłata za prowadzenie rachunku", "other"),
    ("Poplatek za vedení účtu", "other"),
    ("MONITORING SERWIS", "other"),
    ("VÝPŮJČKA KOLA REKOLA", "other"),  # a bike rental
])
def test_polish_czech_and_slovak_descriptions(description: str, category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


def test_polish_and_czech_headers_name_their_columns() -> None:
    pl = ["Data operacji", "Data waluty", "Typ transakcji", "Kwota", "Waluta",
          "Saldo po transakcji", "Opis transakcji"]
    assert _header_roles(pl) == {0: "date", 1: "value_date", 3: "amount", 4: "currency",
                                 5: "balance", 6: "description"}
    cz = ["Číslo účtu", "Datum zaúčtování", "Částka", "Měna", "Zůstatek", "Variabilní symbol",
          "Popis transakce", "Zpráva pro příjemce"]
    roles = _header_roles(cz)
    assert {roles[k] for k in (0, 5)} == {"ignore"}
    assert [roles[k] for k in (1, 2, 3, 4, 6, 7)] == ["date", "amount", "currency", "balance",
                                                     "description", "description"]
