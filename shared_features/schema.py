"""The input contract: canonical monthly fields and the header synonyms that map onto them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    description: str
    synonyms: tuple[str, ...] = ()
    is_count: bool = False


# The largest magnitude an amount may have (a trillion). Larger values (and inf, NaN or a
# 400-digit integer) are no one's monthly finances: they are refused as input problems instead
# of overflowing sums and ratios downstream into values JSON cannot carry.
MAX_AMOUNT = 1e12

# Order matters: it is the last axis of every MonthlyPanel.
AMOUNT_FIELDS: tuple[Field, ...] = (
    Field("income", True, "Net income received that month, >= 0",
          ("monthly income", "net income", "net_income", "salary", "earnings", "take home pay",
           "wages", "income net")),
    Field("expenses", True, "Living expenses that month, rent or mortgage included, excluding "
          "other debt payments, >= 0",
          ("spending", "outgoings", "living expenses", "monthly expenses", "expenditure",
           "costs", "spend")),
    Field("debt_payments", False, "Consumer debt service paid that month (cards, loans), >= 0",
          ("debt payment", "debt service", "loan payments", "repayments", "debt repayments",
           "monthly debt payments")),
    Field("liquid_savings", False, "End-of-month cash + savings balance",
          ("savings", "cash", "savings balance", "liquid assets", "cash and savings",
           "balance", "emergency fund")),
    Field("total_debt", False, "Outstanding consumer debt at month end (cards and loans, not "
          "the mortgage), >= 0",
          ("debt", "outstanding debt", "debt balance", "total debt balance", "liabilities")),
    Field("credit_limit", False, "Total revolving credit limit, >= 0",
          ("credit limits", "total credit limit", "card limit", "credit line")),
    Field("missed_payments", False, "Count of missed or late debt payments that month, >= 0",
          ("missed", "late payments", "missed payment count", "delinquencies", "arrears"),
          is_count=True),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in AMOUNT_FIELDS)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in AMOUNT_FIELDS if f.required)
OPTIONAL_FIELDS: tuple[str, ...] = tuple(f.name for f in AMOUNT_FIELDS if not f.required)
FIELD_INDEX: dict[str, int] = {name: i for i, name in enumerate(FIELD_NAMES)}

ID_SYNONYMS = ("person id", "person", "id", "customer id", "customer", "client id", "user id",
               "account id", "household id")
MONTH_SYNONYMS = ("month", "date", "period", "year month", "statement month", "month end")


@lru_cache(maxsize=4096)  # a file's few headers, asked about on every upload
def normalise_header(header: str) -> str:
    """Case, space and punctuation insensitive key: 'Monthly-Income ' -> 'monthlyincome'."""
    return re.sub(r"[^a-z0-9]", "", header.strip().lstrip("\ufeff").lower())


def _synonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for key, names in (("person_id", ID_SYNONYMS), ("month", MONTH_SYNONYMS)):
        for name in (key, *names):
            table[normalise_header(name)] = key
    for field in AMOUNT_FIELDS:
        for name in (field.name, *field.synonyms):
            table[normalise_header(name)] = field.name
    return table


HEADER_SYNONYMS: dict[str, str] = _synonym_table()


# Words (in several languages) that name a column inside a longer or other-language header:
# "Total Expenses", "Savings Balance", "Monatliches Einkommen", "revenus". A phrase of several
# words needs all of them; the header's longest phrase decides ("debt payments" over "debt").
# Words of 6+ letters also match inside a compound ("Monatseinkommen").
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "person_id": ("person", "customer", "client", "user", "household", "kunde", "kundin",
                  "personne", "cliente", "klant", "persona", "pessoa", "ugyfel"),
    "month": ("month", "monat", "mois", "mes", "maand", "mese", "honap", "menuo", "period",
              "periode", "periodo", "datum", "fecha", "data"),
    "income": ("income", "einkommen", "einnahmen", "revenu", "revenus", "ingresos", "ingreso",
               "renda", "rendimento", "reddito", "entrate", "inkomen", "inkomsten", "salary",
               "salaire", "gehalt", "wages", "earnings", "jovedelem", "bevetel", "pajamos"),
    "expenses": ("expenses", "expense", "expenditure", "spending", "outgoings", "costs",
                 "ausgaben", "kosten", "depenses", "gastos", "despesas", "spese", "uscite",
                 "uitgaven", "kiadas", "kiadasok", "islaidos"),
    "debt_payments": ("debt payments", "debt payment", "loan payments", "repayments",
                      "repayment", "debt service", "schuldendienst", "tilgung", "ratenzahlungen",
                      "kreditraten", "remboursements", "mensualites", "cuotas", "prestacoes",
                      "aflossingen", "torlesztes"),
    "liquid_savings": ("savings", "cash", "balance", "ersparnisse", "erspartes", "sparguthaben",
                       "guthaben", "kontostand", "epargne", "ahorros", "ahorro", "poupanca",
                       "risparmi", "spaargeld", "besparingen", "megtakaritas", "santaupos"),
    "total_debt": ("debt", "debts", "liabilities", "schulden", "verbindlichkeiten", "dettes",
                   "dette", "deuda", "deudas", "divida", "dividas", "debiti", "schuld",
                   "adossag", "skolos"),
    "credit_limit": ("credit limit", "limit", "limits", "kreditrahmen", "kreditlimit",
                     "plafond", "limite", "kredietlimiet", "hitelkeret"),
    "missed_payments": ("missed", "late payments", "arrears", "delinquencies", "delinquent",
                        "versaeumte", "verpasste", "ruckstande", "impayes", "retrasos",
                        "atrasos", "ritardi", "achterstanden", "kesedelmek"),
}


def _fold(header: str) -> list[str]:
    text = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff").lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ß", "ss")
    return re.findall(r"[a-z0-9]+", text)


def _phrase_length(tokens: list[str], phrase: str) -> int:
    words = phrase.split()
    if all(w in tokens for w in words):
        return len(words) * 10 + len(phrase)
    if len(words) == 1 and len(phrase) >= 6 and any(phrase in t for t in tokens):
        return len(phrase)  # inside a compound: weaker than the whole word
    return 0


def match_header_words(header: str) -> str | None:
    """The canonical column a wordier or other-language header names by its words; None when
    no field's words are in it or two fields' are equally so."""
    tokens = _fold(header)
    scores = {name: max(_phrase_length(tokens, p) for p in phrases)
              for name, phrases in HEADER_WORDS.items()}
    best = max(scores.values())
    winners = [name for name, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


@lru_cache(maxsize=4096)
def canonical_column(header: str) -> str | None:
    """The canonical column a user header means, or None if it is not one we know: an exact
    synonym first, then the words in it (HEADER_WORDS)."""
    return HEADER_SYNONYMS.get(normalise_header(header)) or match_header_words(header)
