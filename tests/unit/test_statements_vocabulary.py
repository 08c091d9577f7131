"""The text key statements are matched on (vocabulary.fold) and the Central and South-East
European words: text written with and without diacritics folds alike, the column-wide fold
agrees with fold() on every kind of text, and each language's words name what they should and
not what only looks like them."""

from __future__ import annotations

import pandas as pd
import pytest

from shared_features.statements.classify import classify
from shared_features.statements.decode import _turkish_read_as_western, decode
from shared_features.statements.money import money_share
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
    # a savings-and-loan union, a mortgage (housing: spending, as 'other' is, not a loan), an
    # ordinary bank fee.
    ("Płatność kartą BIEDRONKA", "other"),
    ("Platba kartou LIDL", "other"),
    ("POWSZECHNA KASA OSZCZĘDNOŚCI BANK POLSKI", "other"),
    ("SPLÁTKA HYPOTÉKY", "mortgage"),
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


@pytest.mark.parametrize(("text", "key"), [
    # Turkish capitals: Python lower-cases 'İ' to 'i' + a combining dot, which fold drops;
    # the dotless 'ı' and 'I' both become 'i'.
    ("İADE", "iade"),
    ("ÖDEMESİ", "odemesi"),
    ("MAAŞ", "maas"),
    ("KREDİ KARTI BORÇ ÖDEMESİ", "kredi karti borc odemesi"),
    ("kredi kartı borç ödemesi", "kredi karti borc odemesi"),
    ("GECİKME FAİZİ", "gecikme faizi"),
    # Romanian with the comma-below letters (UTF-8) and the cedilla ones (Windows-1250)
    ("PENALITĂȚI ÎNTÂRZIERE", "penalitati intarziere"),
    ("PENALITĂŢI ÎNTÂRZIERE", "penalitati intarziere"),
    ("Detalii tranzacție", "detalii tranzactie"),
    # Greek: accents (tonos) go, upper and lower case fold alike, final sigma stays 'ς'
    ("Ημερομηνία", "ημερομηνια"),
    ("ΥΠΌΛΟΙΠΟ", "υπολοιπο"),
    ("Ημ/νία Αξίας", "ημ νια αξιας"),
    ("ΜΙΣΘΟΔΟΣΙΑ ΜΙΣΘΟΣ", "μισθοδοσια μισθος"),
])
def test_turkish_romanian_and_greek_text_folds_to_its_plain_spelling(text: str, key: str
                                                                      ) -> None:
    assert fold(text) == key
    assert fold_series(pd.Series([text] * 70)).tolist() == [key] * 70


@pytest.mark.parametrize(("description", "category"), [
    # Turkish
    ("MAAŞ ÖDEMESİ ACME TEKNOLOJİ A.Ş.", "income"),
    ("ACME A.Ş. MAAŞI", "income"),
    ("EMEKLİ MAAŞI SGK", "income"),
    ("KREDİ KARTI BORÇ ÖDEMESİ 5401********1234", "card_payment"),
    ("KREDI KARTI ODEMESI", "card_payment"),
    ("KK BORÇ ÖDEME", "card_payment"),
    ("İHTİYAÇ KREDİSİ TAKSİT ÖDEMESİ 2/24", "loan_payment"),
    ("KREDİ TAKSİTİ 05/36", "loan_payment"),
    ("HESAPLAR ARASI VİRMAN VADELİ HESABA", "own_transfer"),
    ("KENDİ HESABIMA HAVALE", "own_transfer"),
    ("İADE TRENDYOL.COM", "refund"),
    ("HEPSİBURADA ÜRÜN İADESİ", "refund"),
    ("GECİKME FAİZİ VE MASRAFI", "missed"),
    ("KARŞILIKSIZ ÇEK ÜCRETİ", "missed"),
    # Romanian, with comma-below and cedilla letters
    ("PLATĂ SALARIU ACME ROMÂNIA S.R.L.", "income"),
    ("PENSIE CASA DE PENSII", "income"),
    ("ALOCAȚIE DE STAT COPII", "income"),
    ("ALIMENTARE CARD DE CREDIT 4140****5678", "card_payment"),
    ("Rambursare card de credit", "card_payment"),
    ("RATĂ CREDIT NEVOI PERSONALE 02/2024", "loan_payment"),
    ("TRANSFER ÎNTRE CONTURI PROPRII - CONT DE ECONOMII", "own_transfer"),
    ("CONSTITUIRE DEPOZIT LA TERMEN", "own_transfer"),
    ("RETUR CUMPĂRĂTURI EMAG.RO", "refund"),
    ("PENALITĂŢI ÎNTÂRZIERE RATĂ", "missed"),
    ("RATĂ RESTANTĂ CREDIT", "missed"),  # missed is tried before the loan
    # Greek
    ("ΜΙΣΘΟΔΟΣΙΑ ACME ΑΕ", "income"),
    ("Σύνταξη ΕΦΚΑ", "income"),
    ("ΕΠΙΔΟΜΑ ΠΑΙΔΙΟΥ", "income"),
    ("ΠΛΗΡΩΜΗ ΠΙΣΤΩΤΙΚΗΣ ΚΑΡΤΑΣ VISA", "card_payment"),
    ("Εξόφληση πιστωτικής κάρτας", "card_payment"),
    ("ΔΟΣΗ ΚΑΤΑΝΑΛΩΤΙΚΟΥ ΔΑΝΕΙΟΥ", "loan_payment"),
    ("ΜΕΤΑΦΟΡΑ ΜΕΤΑΞΥ ΛΟΓΑΡΙΑΣΜΩΝ ΜΟΥ", "own_transfer"),
    ("ΠΡΟΘΕΣΜΙΑΚΗ ΚΑΤΑΘΕΣΗ 3Μ", "own_transfer"),
    ("ΕΠΙΣΤΡΟΦΗ ΧΡΗΜΑΤΩΝ SKROUTZ", "refund"),
    ("ΤΟΚΟΙ ΥΠΕΡΗΜΕΡΙΑΣ", "missed"),
    ("ΕΠΙΣΤΡΟΦΗ ΕΠΙΤΑΓΗΣ", "missed"),  # a returned cheque, not a refund
    ("ΛΗΞΙΠΡΟΘΕΣΜΗ ΟΦΕΙΛΗ", "missed"),
    # Words that look close but are not these: a purchase with a (credit) card, a bill
    # payment, an instalment purchase, cash on delivery, a storage firm, a rent.
    ("KREDİ KARTI İLE ALIŞVERİŞ MİGROS", "other"),
    ("BANKA KARTI İLE ALIŞVERİŞ MİGROS KADIKÖY İSTANBUL", "other"),
    ("ENERJİSA ELEKTRİK FATURA ÖDEMESİ", "other"),
    ("TEKNOSA TAKSİTLİ SATIŞ 2/6", "other"),
    ("PLATĂ CU CARDUL DE CREDIT EMAG", "other"),
    ("CUMPĂRARE POS KAUFLAND ROMÂNIA BUCUREȘTI", "other"),
    ("PLATĂ RAMBURS FAN COURIER", "other"),
    ("DEPOZITARE MOBILĂ SRL", "other"),
    ("ΑΓΟΡΑ ΜΕ ΠΙΣΤΩΤΙΚΗ ΚΑΡΤΑ", "other"),
    ("ΔΕΗ ΛΟΓΑΡΙΑΣΜΟΣ ΡΕΥΜΑΤΟΣ", "other"),
    ("ΜΙΣΘΩΜΑ ΚΑΤΑΣΤΗΜΑΤΟΣ", "other"),  # a rent: 'μίσθωμα', not 'μισθός'
])
def test_turkish_romanian_and_greek_descriptions(description: str, category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


def test_turkish_romanian_and_greek_headers_name_their_columns() -> None:
    tr = ["İşlem Tarihi", "Valör Tarihi", "Fiş No", "Açıklama", "Borç", "Alacak", "Bakiye",
          "Döviz Cinsi", "Etiket", "Tutar"]
    assert _header_roles(tr) == {0: "date", 1: "value_date", 2: "ignore", 3: "description",
                                 4: "debit", 5: "credit", 6: "balance", 7: "currency",
                                 8: "ignore", 9: "amount"}
    ro = ["Data tranzacție", "Data valutei", "Descriere", "Referință tranzacție", "Debit",
          "Credit", "Sold contabil"]
    assert _header_roles(ro) == {0: "date", 1: "value_date", 2: "description", 3: "ignore",
                                 4: "debit", 5: "credit", 6: "balance"}
    el = ["Ημερομηνία", "Ημ/νία Αξίας", "Περιγραφή", "Ποσό", "Πρόσημο", "Υπόλοιπο",
          "Αιτιολογία", "Χρέωση", "Πίστωση", "Νόμισμα"]
    assert _header_roles(el) == {0: "date", 1: "value_date", 2: "description", 3: "amount",
                                 4: "indicator", 5: "balance", 6: "description", 7: "debit",
                                 8: "credit", 9: "currency"}


def test_turkish_windows_1254_is_not_read_as_western_european() -> None:
    text = "Tarih;Açıklama;Tutar\n02.01.2024;MAAŞ ÖDEMESİ;2.450,00 TL\n05.01.2024;İADE;25,99 TL\n"
    decoded = decode(text.encode("cp1254"))
    assert decoded.encoding == "cp1254"
    assert decoded.text == text
    # Icelandic in cp1252 is not taken for Turkish: it writes á é í ó ú æ beside its þ ð ý.
    icelandic = "Dagsetning;Skýring;Upphæð\n02.01.2024;Launagreiðsla frá Þórði;2.450,00\n"
    assert not _turkish_read_as_western(icelandic.encode("cp1252"), "cp1252")
    assert decode(icelandic.encode("cp1252")).encoding != "cp1254"
    # A Czech file (ý is a Turkish ı's byte) guessed as cp1250 is left as it is.
    assert not _turkish_read_as_western("Zůstatek;Výpis".encode("cp1250"), "cp1250")


def test_the_lira_written_tl_beside_an_amount_is_an_amount() -> None:
    assert money_share(pd.Series(["-1.100,00 TL", "2.450,00 TL", "25,99TL"])) == 1.0
    assert money_share(pd.Series(["TL HAVALE", "KİRA 3 TL"])) == 0.0


def test_the_forint_written_ft_beside_an_amount_is_an_amount() -> None:
    assert money_share(pd.Series(["-1 100 Ft", "2 450,00 Ft", "25Ft"])) == 1.0
    assert money_share(pd.Series(["Ft befizetés", "LAKBÉR 3 Ft-ért"])) == 0.0


@pytest.mark.parametrize(("description", "category"), [
    # A Nordic home loan's instalment is housing, like rent and every other mortgage here
    # (spending), while a car loan's is a loan payment.
    ("AMORTERING BOLÅN", "mortgage"),
    ("Boliglån avdrag", "mortgage"),
    ("TOTALKREDIT REALKREDIT", "mortgage"),
    ("AMORTERING BILLÅN", "loan_payment"),
    ("Forbrugslån afdrag", "loan_payment"),
])
def test_nordic_home_loans_are_housing_and_other_loans_are_loans(description: str,
                                                                 category: str) -> None:
    assert classify(pd.Series([description]))[0] == category
