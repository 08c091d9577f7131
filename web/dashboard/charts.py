"""Server-rendered inline SVG: the risk gauge and the monthly line charts.

Pure presentation over numbers the service returned. Every piece of text that goes into the SVG
passes through ``markupsafe.escape`` (month labels come from the upload); colours come from CSS
classes in the stylesheet, so the charts follow the page's palette.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .present import band_class

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- gauge ---------------------------------------------------------------------------------------

def _polar(cx: float, cy: float, r: float, fraction: float) -> tuple[float, float]:
    """Point on the upper half circle: fraction 0 = left end, 1 = right end."""
    angle = math.pi * (1.0 - fraction)
    return cx + r * math.cos(angle), cy - r * math.sin(angle)


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    (x0, y0), (x1, y1) = _polar(cx, cy, r, start), _polar(cx, cy, r, end)
    return f"M {x0:.2f} {y0:.2f} A {r} {r} 0 0 1 {x1:.2f} {y1:.2f}"


def gauge(score: int, band: str, thresholds: tuple[float, float] | None = None) -> Markup:
    """A half-circle gauge for a 0-100 risk score, its arc coloured by band.

    ``thresholds``: the Moderate and High band starts as probabilities, drawn as zones under the
    arc when known.
    """
    score = max(0, min(100, int(score)))
    cx, cy, r = 110.0, 112.0, 90.0
    parts = [f'<path class="gauge-track" d="{_arc(cx, cy, r, 0.0, 1.0)}"/>']
    if thresholds is not None:
        lo, hi = (max(0.0, min(1.0, float(t))) for t in thresholds)
        for name, start, end in (("low", 0.0, lo), ("moderate", lo, hi), ("high", hi, 1.0)):
            if end > start:
                parts.append(f'<path class="gauge-zone gauge-zone-{name}" '
                             f'd="{_arc(cx, cy, r - 17, start, end)}"/>')
    if score > 0:
        parts.append(f'<path class="gauge-value gauge-{band_class(band)}" '
                     f'd="{_arc(cx, cy, r, 0.0, score / 100)}"/>')
    label = escape(f"Risk score {score} out of 100, {band} risk")
    return Markup(
        f'<svg class="gauge" viewBox="0 0 220 140" role="img" aria-label="{label}">'
        f'<title>{label}</title>{"".join(parts)}'
        f'<text class="gauge-score" x="{cx}" y="{cy - 14}" text-anchor="middle">{score}</text>'
        f'<text class="gauge-caption" x="{cx}" y="{cy + 10}" text-anchor="middle">out of 100'
        f'</text><text class="gauge-end" x="20" y="138" text-anchor="middle">0</text>'
        f'<text class="gauge-end" x="200" y="138" text-anchor="middle">100</text></svg>')


# -- line chart ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    key: str  # CSS class suffix: a fixed name chosen by the view, never user text
    label: str
    values: Sequence[float | None]


def month_label(month: str | None, index: int) -> str:
    """'2024-03' -> 'Mar 24'; 'Month 4' where the upload had no month column."""
    if month and len(month) >= 7 and month[4] == "-" and month[5:7].isdigit():
        m = int(month[5:7])
        if 1 <= m <= 12:
            return f"{_MONTHS[m - 1]} {month[2:4]}"
    return f"Month {index + 1}"


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 x 10^k) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(1, target)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    return [round(k * step, 10) for k in range(first, last + 1)]


def compact(value: float) -> str:
    """Axis label: 1,200 -> '1.2k', 25,000 -> '25k', 1,500,000 -> '1.5M'."""
    size = abs(value)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}"


def line_chart(chart_id: str, title: str, months: Sequence[str | None],
               series: Sequence[Series], width: int = 480, height: int = 240) -> Markup:
    """Lines with a point per month; a missing month (None) breaks the line."""
    left, right, top, bottom = 46, 10, 12, 30
    n = max(len(months), max((len(s.values) for s in series), default=0))
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]))
    y0, y1 = ticks[0], ticks[-1]
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y0) / ((y1 - y0) or 1))

    labels = [month_label(months[i] if i < len(months) else None, i) for i in range(n)]
    parts = []
    for t in ticks:
        cls = "grid grid-zero" if t == 0 else "grid"
        parts.append(f'<line class="{cls}" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" '
                     f'y2="{y(t):.1f}"/><text class="axis" x="{left - 8}" y="{y(t) + 4:.1f}" '
                     f'text-anchor="end">{escape(compact(t))}</text>')
    every = max(1, math.ceil(n / 5))
    for i in range(0, n, every):
        parts.append(f'<text class="axis" x="{x(i):.1f}" y="{height - 8}" '
                     f'text-anchor="middle">{escape(labels[i])}</text>')
    for s in series:
        path, pen_down = [], False
        for i, v in enumerate(s.values):
            if v is None or not math.isfinite(v):
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'} {x(i):.1f} {y(v):.1f}")
            pen_down = True
        parts.append(f'<g class="series series-{s.key}"><path d="{" ".join(path)}"/>')
        for i, v in enumerate(s.values):
            if v is not None and math.isfinite(v):
                tip = escape(f"{labels[i]}: {s.label} {v:,.0f}")
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3">'
                             f"<title>{tip}</title></circle>")
        parts.append("</g>")
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>{"".join(parts)}</svg>')
