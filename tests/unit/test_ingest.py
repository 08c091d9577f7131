import io
import json
from pathlib import Path

import numpy as np
import pytest

from shared_features import IngestLimits, InputError, ingest

MALFORMED = Path(__file__).parents[1] / "data" / "malformed"
EXPECTED = json.loads((MALFORMED / "expected.json").read_text())

HEADER = ("person_id,month,income,expenses,debt_payments,liquid_savings,total_debt,credit_limit,"
          "missed_payments\n")
CSV = HEADER + """b,2024-03,2000,1500,100,500,3000,5000,0
a,2024-02,3000,2000,200,1000,1000,4000,0
a,2024-01,3000,2500,200,1200,1000,4000,1
b,2024-01,2000,1600,100,700,2900,5000,0
"""


def test_panel_is_right_aligned_by_calendar_month():
    result = ingest(CSV)
    panel = result.panel
    assert panel.person_ids.tolist() == ["b", "a"]  # order of first appearance
    assert panel.values.shape == (2, 3, 7)
    # b has 2024-01 and 2024-03: February is a gap, not observed.
    assert panel.observed.tolist() == [[True, False, True], [False, True, True]]
    assert panel.field("income")[1, 1:].tolist() == [3000.0, 3000.0]
    assert panel.field("expenses")[0, [0, 2]].tolist() == [1600.0, 1500.0]
    assert str(panel.months[0, 2]) == "2024-03"
    assert result.warnings == [
        "2 of 2 persons have fewer than 3 months of history; their estimates are less certain"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed(delimiter):
    text = CSV.replace(",", delimiter)
    assert ingest(text).panel.n_persons == 2


def test_sources_path_bytes_text_and_file_objects(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(CSV)
    expected = ingest(CSV).panel.values
    for source in (path, str(path), CSV.encode(), "\ufeff" + CSV, io.StringIO(CSV),
                   io.BytesIO(b"\xef\xbb\xbf" + CSV.encode())):
        np.testing.assert_array_equal(ingest(source).panel.values, expected)


def test_synonym_headers_formatted_amounts_and_dates():
    text = ('Customer ID;Date;Monthly Income;Spending;Savings;Notes\n'
            'x;15/01/2024;"1.234,50";1.000;"5,5";hello\n'
            'x;2024-02-20;"2.000,00";900;6;\n')
    result = ingest(text)
    assert result.panel.field("income")[0].tolist() == [1234.5, 2000.0]
    assert result.panel.field("liquid_savings")[0].tolist() == [5.5, 6.0]
    assert result.unknown_columns == ["Notes"]
    assert "ignored unknown columns: Notes" in result.warnings
    assert result.missing_optional == ["debt_payments", "total_debt", "credit_limit",
                                       "missed_payments"]


@pytest.mark.parametrize("cells", [
    ("Jan-24", "Feb-24"),  # Excel's mmm-yy
    ("Jan 2024", "February 2024"),
    ("01/2024", "02/2024"),
    ("2024/01", "2024/02"),
    ("202401", "202402"),
    ("2024-01-31", "2024-02-29"),
    ("1/31/2024", "2/29/2024"),
    ("2024-01-05T10:00:00+05:00", "2024-02-03 10:00"),
])
def test_months_in_the_forms_spreadsheets_write_them(cells):
    """Found trying spreadsheet exports: "Jan-24" was read as January the 24th of year 1, and
    "202401" was refused."""
    text = "person_id,month,income,expenses\n" + "".join(f"a,{c},10,5\n" for c in cells)
    months = ingest(text).panel.months  # (persons, months)
    assert months.astype(str).tolist() == [["2024-01", "2024-02"]]


@pytest.mark.parametrize("cell", ["24-Jan", "0001-01-05", "Jan"])
def test_a_date_without_a_plausible_year_is_not_a_month(cell):
    with pytest.raises(InputError) as caught:
        ingest(f"person_id,month,income,expenses\na,{cell},10,5\n")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "month", cell)


def test_a_cell_read_with_a_time_zone_among_plain_months_is_a_problem_not_a_500():
    """Found by fuzzing: dateutil reads '21 000025-02' as the 21st at 00:00:25, zone -02:00,
    and such a value could not be put among months without a zone (TypeError, a 500)."""
    with pytest.raises(InputError) as caught:
        ingest("person_id,month,income,expenses\na,2024-01,10,5\na,21 000025-02,10,5\n")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "month")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_excels_unicode_text_export_is_read(encoding, tmp_path):
    """Excel's "Unicode Text" (UTF-16, tab-separated) was refused as a binary file."""
    text = "person_id\tmonth\tincome\texpenses\r\nZoë\t2024-01\t3000\t2500\r\n" \
           "Zoë\t2024-02\t3000\t2600\r\n"
    path = tmp_path / "table.txt"
    path.write_bytes(text.encode(encoding))
    for source in (text.encode(encoding), path):
        panel = ingest(source).panel
        assert panel.person_ids.tolist() == ["Zoë"]
        assert panel.field("expenses")[0].tolist() == [2500.0, 2600.0]


def test_a_yes_no_missed_payments_column_counts_one_or_none():
    text = ("person_id,month,income,expenses,missed_payments\na,2024-01,10,5,no\n"
            "a,2024-02,10,5,Yes\na,2024-03,10,5,TRUE\na,2024-04,10,5,1\n")
    assert ingest(text).panel.field("missed_payments")[0].tolist() == [0.0, 1.0, 1.0, 1.0]
    with pytest.raises(InputError) as caught:  # other words are still not a number
        ingest(text.replace("TRUE", "maybe"))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "missed_payments", "maybe")


def test_no_person_column_means_one_person():
    result = ingest("month,income,expenses\n2024-01,10,5\n2024-02,10,6\n")
    assert result.panel.person_ids.tolist() == ["person_1"]
    assert result.panel.observed.tolist() == [[True, True]]


def test_single_row_without_month_is_allowed():
    result = ingest("income,expenses\n10,5\n")
    assert result.panel.values.shape == (1, 1, 7)


def test_empty_optional_cells_are_missing_with_a_warning():
    result = ingest("person_id,month,income,expenses,liquid_savings\n"
                    "a,2024-01,10,5,\na,2024-02,10,5,n/a\na,2024-03,10,5,3\n")
    assert np.isnan(result.panel.field("liquid_savings")[0, :2]).all()
    assert "2 empty cells in liquid_savings treated as missing" in result.warnings


def test_negative_savings_is_an_overdraft_not_an_error():
    result = ingest("month,income,expenses,liquid_savings\n2024-01,10,5,-300\n")
    assert result.panel.field("liquid_savings")[0, 0] == -300


def test_persons_limit():
    with pytest.raises(InputError, match="2 persons in one file; the limit is 1"):
        ingest(CSV, IngestLimits(max_persons=1))


def test_problems_are_capped_but_counted():
    rows = "\n".join(f"p{i},2024-01,-1,5" for i in range(30))
    with pytest.raises(InputError) as info:
        ingest("person_id,month,income,expenses\n" + rows, IngestLimits(max_problems=5))
    assert len(info.value.problems) == 5
    assert info.value.total == 30
    assert "(and 25 more)" in str(info.value)
    assert [p.row for p in info.value.problems] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_malformed_file_gets_its_message(name):
    with pytest.raises(InputError) as info:
        ingest((MALFORMED / name).read_bytes())
    assert EXPECTED[name] in str(info.value)


def test_malformed_corpus_is_complete():
    assert sorted(p.name for p in MALFORMED.glob("*.csv")) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "row", "column"), [
    ("negative_income.csv", 3, "income"),
    ("bad_amount.csv", 3, "income"),
    ("duplicate_month.csv", 3, "month"),
    ("bad_month.csv", 3, "month"),
    ("blank_required_value.csv", 3, "income"),
    ("ragged_row.csv", 3, None),
    ("missing_income.csv", 1, "income"),
])
def test_problems_name_the_row_and_column(name, row, column):
    with pytest.raises(InputError) as info:
        ingest((MALFORMED / name).read_bytes())
    first = info.value.problems[0]
    assert (first.row, first.column) == (row, column)


def test_european_evidence_late_in_the_file_is_not_missed():
    rows = [f"p{i};2024-01;1000;500" for i in range(2500)] + ["late;2024-01;1.234,50;1.000"]
    result = ingest("person_id;month;income;expenses\n" + "\n".join(rows) + "\n")
    assert result.panel.field("income")[-1, -1] == 1234.5
    assert result.panel.field("expenses")[-1, -1] == 1000.0


def test_every_row_longer_than_the_header_is_refused():
    with pytest.raises(InputError, match="more cells than the header"):
        ingest("income,expenses\n1,2,3\n4,5,6\n")


@pytest.mark.parametrize("layout", ["in order", "shuffled", "with a gap"])
def test_blocks_of_persons_hold_the_whole_panels_rows(sim, layout):
    frame = sim.frame(9, seed=4)
    if layout == "shuffled":  # rows no longer by person and month: blocks gather, not slice
        frame = frame.sample(frac=1.0, random_state=1)
    if layout == "with a gap":  # a missing month: the grid is scattered into, not copied
        frame = frame.drop(index=frame.index[3])
    rows = ingest(frame.to_csv(index=False)).rows
    whole = rows.panel()
    for first, end in rows.block_bounds(4):
        block = rows.block(first, end)
        width = block.n_months  # the block's longest history; the whole panel may be wider
        assert block.person_ids.tolist() == whole.person_ids[first:end].tolist()
        np.testing.assert_array_equal(block.values, whole.values[first:end, -width:])
        np.testing.assert_array_equal(block.observed, whole.observed[first:end, -width:])
        np.testing.assert_array_equal(block.months, whole.months[first:end, -width:])
        assert not whole.observed[first:end, :-width].any()


@pytest.mark.parametrize("summary", [
    "Total,,10000,7600,600,,,,1\n",  # the id cell says it
    ",Total:,10000,7600,600,,,,1\n,Average,2500,1900,150,,,,0\n",  # the month cell, two rows
    "TOTAAL,,10000,7600,600,,,,1\nGesamt,,10000,7600,600,,,,1\n",
])
def test_summary_rows_at_the_end_are_skipped_with_a_warning(summary):
    plain = ingest(CSV)
    result = ingest(CSV + summary)
    n_summary = summary.count("\n")
    np.testing.assert_array_equal(result.panel.values, plain.panel.values)
    assert result.panel.person_ids.tolist() == ["b", "a"]
    first = 6  # header on line 1, four records, then the summary
    rows = f"row {first} is a summary row" if n_summary == 1 else \
        f"rows {first}-{first + n_summary - 1} are summary rows"
    assert result.warnings[0] == f"{rows} (totals or averages), not a person's month: skipped"


@pytest.mark.parametrize("size", ["small", "large"])
def test_a_summary_row_before_records_is_still_refused_with_its_row(size):
    body = CSV.split("\n", 1)[1]
    records = body * (1 if size == "small" else 2000)
    if size == "large":  # distinct ids so the months do not repeat; the pyarrow reader
        records = "".join(line.replace("a,", f"a{i},", 1).replace("b,", f"b{i},", 1) + "\n"
                          for i, line in enumerate(records.splitlines()))
    text = HEADER + "Total,,10000,7600,600,,,,1\n" + records
    with pytest.raises(InputError) as refused:
        ingest(text)
    assert any(p.row == 2 and p.column == "month" for p in refused.value.problems)


def test_a_file_of_summary_rows_alone_has_no_data_rows():
    with pytest.raises(InputError) as refused:
        ingest(HEADER + "Total,,10000,7600,600,,,,1\n")
    assert refused.value.problems[0].message == "the file has no data rows"


def test_a_name_column_is_the_person_when_no_id_column_is_given():
    text = ("Name,Month,Income,Expenses\nAnna,Jan 2024,3000,2000\nAnna,Feb 2024,3100,2100\n"
            "Ben,Jan 2024,2500,2400\n")
    result = ingest(text)
    assert result.panel.person_ids.tolist() == ["Anna", "Ben"]
    assert not any("Name" in w for w in result.warnings)
    # An id column wins; the name is then an unknown column, reported as such.
    with_id = ingest("Customer ID,Customer Name,Month,Income,Expenses\n7,Anna,2024-01,3000,2000\n")
    assert with_id.panel.person_ids.tolist() == ["7"]
    assert "ignored unknown columns: Customer Name" in with_id.warnings


def test_a_statement_with_a_payee_name_column_is_still_a_statement():
    from shared_features.statements import is_monthly_table

    statement = b"Date,Name,Amount,Balance\n2024-01-02,ACME PAYROLL,2450.00,3450.00\n"
    assert not is_monthly_table(statement)
