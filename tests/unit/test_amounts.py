import numpy as np
import pandas as pd
import pytest

from shared_features.amounts import detect_european, parse_amounts


def parse(values, european=None):
    col = pd.Series(values, dtype="string")
    if european is None:
        european = detect_european([col])
    parsed, bad = parse_amounts(col, european)
    return parsed, bad


@pytest.mark.parametrize(("text", "expected"), [
    ("1234.5", 1234.5),
    ("1,234.50", 1234.5),
    ("$1,234", 1234.0),
    ("(120.00)", -120.0),
    ("-5", -5.0),
    ("12 345", 12345.0),
    ("£ 99.99", 99.99),
    ("1,234,567", 1234567.0),
    ("USD 10", 10.0),
    ("7", 7.0),
])
def test_us_style_amounts(text, expected):
    parsed, bad = parse([text, "12.50"])  # 12.50 fixes the file as US-style
    assert parsed[0] == pytest.approx(expected)
    assert not bad.any()


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,50", 1234.5),
    ("12,5", 12.5),
    ("1.234", 1234.0),
    ("(3,20)", -3.2),
    ("€ 1.000", 1000.0),
])
def test_european_amounts_when_the_file_is_unambiguously_european(text, expected):
    parsed, bad = parse([text, "1.234,50"])
    assert parsed[0] == pytest.approx(expected)
    assert not bad.any()


def test_lone_thousands_comma_reads_as_a_thousand():
    parsed, _ = parse(["1,234"])
    assert parsed[0] == 1234.0


def test_mixed_conventions_fall_back_to_us_style():
    col = pd.Series(["1,234.50", "12,5"], dtype="string")
    assert detect_european([col]) is False


def test_empty_is_missing_and_text_is_bad():
    parsed, bad = parse(["", "abc", "12.5.3.1x"])
    assert np.isnan(parsed).all()
    assert bad.tolist() == [False, True, True]


def test_numeric_column_passes_through():
    parsed, bad = parse_amounts(pd.Series([1.5, np.nan, 3.0]), european=False)
    np.testing.assert_array_equal(parsed, [1.5, np.nan, 3.0])
    assert not bad.any()
