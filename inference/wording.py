"""Small formatting helpers for the sentences people read (insights and recommendations)."""

from __future__ import annotations


def money(v: float) -> str:
    """Amounts without a currency symbol: the upload does not say which currency it is in."""
    return f"{v:,.0f}"


def pct(v: float, digits: int = 0) -> str:
    return f"{v * 100:.{digits}f}%"


def count(v: float, noun: str) -> str:
    n = int(round(v))
    return f"{n} {noun}{'' if n == 1 else 's'}"


def points(p: float) -> str:
    """Risk-score points: whole numbers from 1 up, one decimal below (so small effects show)."""
    p = abs(p)
    if p >= 0.95:
        n = int(round(p))
        return f"{n} point{'' if n == 1 else 's'}"
    return f"{p:.1f} points"


def by_unit(unit: str, v: float) -> str:
    """A raw feature value in the unit ``shared_features.FEATURES`` gives it."""
    if unit == "currency":
        return money(v)
    if unit in ("percent", "share"):
        return pct(v)
    if unit == "months":
        return f"{v:.1f} months"
    if unit == "count":
        return f"{v:.0f}"
    if unit == "per_month":
        return f"{v:+.2f} per month"
    if unit == "flag":
        return "yes" if v >= 0.5 else "no"
    return f"{v:.2f}"
