"""The input contract: canonical monthly fields and the header synonyms that map onto them."""

from __future__ import annotations

import re
from dataclasses import dataclass


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


def canonical_column(header: str) -> str | None:
    """The canonical column a user header means, or None if it is not one we know."""
    return HEADER_SYNONYMS.get(normalise_header(header))
