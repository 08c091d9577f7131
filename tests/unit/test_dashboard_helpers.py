"""The dashboard's presentational helpers: SVG charts, the Markdown subset, formats, tables."""

from __future__ import annotations

import re

from markupsafe import Markup

from shared_features.schema import AMOUNT_FIELDS
from web.dashboard import charts, markdown, present


def test_gauge_colours_by_band_and_clamps() -> None:
    for band in ("Low", "Moderate", "High"):
        svg = charts.gauge(50, band, (0.15, 0.40))
        assert isinstance(svg, Markup)
        assert f'class="gauge-value gauge-{band.lower()}"' in svg
        assert f"Risk score 50 out of 100, {band} risk" in svg
        assert svg.count('class="gauge-zone ') == 3
    assert ">100</text>" in charts.gauge(140, "High") and "gauge-value" not in charts.gauge(
        -5, "Low")
    assert 'gauge-value gauge-unknown"' in charts.gauge(30, '"><script>')
    assert "<script>" not in charts.gauge(30, '"><script>')


def test_gauge_arc_ends_where_the_score_says() -> None:
    svg = charts.gauge(50, "Moderate")
    value = re.search(r'gauge-value[^"]*" d="M ([\d.]+) ([\d.]+) A 90.0 90.0 0 0 1 ([\d.]+) '
                      r'([\d.]+)"', svg)
    assert value is not None
    x0, y0, x1, y1 = map(float, value.groups())
    assert (x0, y0) == (20.0, 112.0) and abs(x1 - 110.0) < 0.01 and abs(y1 - 22.0) < 0.01


def test_line_chart_breaks_at_missing_months_and_escapes_text() -> None:
    months = ["2024-01", "2024-02", None, "<b>"]
    svg = charts.line_chart("c1", "Cash <flow>", months, [
        charts.Series("income", "Income", [100.0, 200.0, None, 400.0]),
        charts.Series("savings", "Savings", [None, None, None, None])])
    path = re.search(r'series-income"><path d="([^"]*)"', svg).group(1)
    assert path.count("M") == 2 and path.count("L") == 1  # the gap starts a new segment
    assert svg.count("<circle") == 3
    assert "Cash &lt;flow&gt;" in svg and "<b>" not in svg and "Month 4" in svg
    assert "Jan 24" in svg and 'role="img"' in svg and 'aria-labelledby="c1-title"' in svg


def test_line_chart_handles_negative_values_with_a_zero_line() -> None:
    svg = charts.line_chart("c2", "t", ["2024-01", "2024-02"],
                            [charts.Series("savings", "Savings", [-500.0, 1500.0])])
    assert 'class="grid grid-zero"' in svg and ">-500<" in svg


def test_nice_ticks_and_compact_labels() -> None:
    assert charts.nice_ticks(0, 3700) == [0, 1000, 2000, 3000, 4000]
    assert charts.nice_ticks(-450, 1200)[0] <= -450 and charts.nice_ticks(-450, 1200)[-1] >= 1200
    assert charts.nice_ticks(0, 0)[0] == 0 and charts.nice_ticks(0, 0)[-1] == 1
    assert [charts.compact(v) for v in (0, 950, 1200, 25_000, 1_500_000, -2000)] == [
        "0", "950", "1.2k", "25k", "1.5M", "-2k"]
    assert charts.month_label("2024-03", 0) == "Mar 24"
    assert charts.month_label(None, 4) == "Month 5"


def test_markdown_subset_escapes_everything_first() -> None:
    html = markdown.render("# Title\n\nSome **bold** and `code` <script>x</script>\n\n"
                           "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | <i>2</i> |\n\n"
                           "[ok](https://example.org) [bad](javascript:alert(1))\n")
    assert "<h3>Title</h3>" in html and "<strong>bold</strong>" in html
    assert "<code>code</code>" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "<ul><li>one</li><li>two</li></ul>" in html
    assert "<td>&lt;i&gt;2&lt;/i&gt;</td>" in html
    assert '<a href="https://example.org">ok</a>' in html and "javascript:" not in html.replace(
        "[bad](javascript:", "")


def test_number_formats() -> None:
    assert present.fmt_number(3479.4, "currency") == "3,479"
    assert present.fmt_number(-0.085, "percent") == "-8.5%"
    assert present.fmt_number(1.08, "months") == "1.1 mo"
    assert present.fmt_number(None, "count") == "\u2014"
    assert present.fmt_number(float("nan"), "ratio") == "\u2014"
    assert present.fmt_percent(0.8162) == "81.6%"
    assert present.fmt_datetime("2026-11-21T05:57:49.960662+00:00") == "21 Nov 2026, 05:57 UTC"
    assert present.fmt_datetime("2024-01-01T00:00:00Z", with_time=False) == "1 Jan 2024"
    assert present.fmt_datetime("yesterday") == "yesterday"
    assert present.band_class("High") == "high" and present.band_class("x y") == "unknown"


def test_column_guide_comes_from_the_schema() -> None:
    guide = present.column_guide()
    assert [c["name"] for c in guide] == ["person_id", "month", *(f.name for f in AMOUNT_FIELDS)]
    required = {c["name"] for c in guide if c["required"] == "Yes"}
    assert required == {f.name for f in AMOUNT_FIELDS if f.required}


def test_metrics_table_shapes() -> None:
    assert present.metrics_table(None) is None and present.metrics_table({}) is None
    table = present.metrics_table({"oracle": {"roc_auc": 0.9}, "model": {"roc_auc": 0.8,
                                   "custom_thing": 2.5}, "baseline": {"roc_auc": 0.7},
                                   "threshold": 0.4, "notes": {"text": "x"}})
    assert table.columns == ["model", "baseline", "oracle"]
    assert table.rows[0]["label"] == "ROC-AUC" and table.rows[0]["values"] == [
        "0.800", "0.700", "0.900"]
    assert table.rows[-1]["label"] == "Custom thing" and table.rows[-1]["values"][1] == "\u2014"
    assert table.extras == [("Threshold", "0.400")]
    nested = present.metrics_table({"test": {"model": {"brier": 0.1}}})
    assert nested.columns == ["model"] and nested.rows[0]["label"] == "Brier score"
    flat = present.metrics_table({"roc_auc": 0.8, "n": 1000})
    assert flat.columns == ["model"] and [r["values"][0] for r in flat.rows] == ["0.800", "1,000"]
