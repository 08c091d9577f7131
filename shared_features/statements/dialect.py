"""Delimiter and quoting from the file itself (clevercsv), then the whole file as a grid of
text cells: ragged rows padded, Excel's ``="..."`` guards and surrounding spaces removed."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import StatementError

DELIMITERS = [",", ";", "\t", "|"]
MAX_COLUMNS = 200  # no export has more; a row with thousands of cells is not a statement
_SAMPLE_LINES = 200


@dataclass(frozen=True)
class Grid:
    cells: pd.DataFrame  # str cells, columns 0..n-1; "" where a row is short
    lines: np.ndarray  # int64: the file line (1-based) each row starts on
    delimiter: str


def _sample(text: str) -> str:
    """The densest part of the head: skip short preamble lines, which mislead a detector."""
    lines = text.split("\n", 2 * _SAMPLE_LINES)[: 2 * _SAMPLE_LINES]
    widths = [max(line.count(d) for d in DELIMITERS) for line in lines]
    start = next((i for i, w in enumerate(widths) if w >= max(widths) - 1), 0)
    return "\n".join(lines[start: start + _SAMPLE_LINES])


def _fallback_delimiter(sample: str) -> str:
    """The delimiter that splits most lines the same number of times."""
    lines = [line for line in sample.split("\n") if line.strip()]

    def consistency(d: str) -> tuple[int, int]:
        counts = pd.Series([line.count(d) for line in lines])
        mode = int(counts.mode().iloc[0]) if len(counts) else 0
        return (int((counts == mode).sum()) if mode else 0, mode)

    return max(DELIMITERS, key=consistency)


def detect_delimiter(text: str) -> str:
    # Imported when a statement is read: clevercsv builds a table of every Unicode character
    # on import (about a second on a busy machine), which a monthly table never needs.
    import clevercsv

    sample = _sample(text)
    try:
        dialect = clevercsv.Detector().detect(sample, delimiters=DELIMITERS)
    except Exception:  # noqa: BLE001 - clevercsv raises assorted errors on odd text
        dialect = None
    if dialect is None or dialect.delimiter not in DELIMITERS:
        return _fallback_delimiter(sample)
    return dialect.delimiter


def _strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim spaces and stray quotes and unwrap ``="0123"`` and ``'0123`` (Excel's keep-as-text
    guards).

    One vectorised test per column finds the cells that need it (usually none: the CSV parser
    has already removed the quotes); only those are rewritten, so a clean column is kept as
    it is, with no per-value conversion."""
    out = {}
    for name, col in frame.items():
        col = col.fillna("")
        # Plain string kernels, not a regex: pandas runs a regex with \s through Python's re,
        # value by value.
        todo = ((col.str.strip() != col) | col.str.startswith(("=", '"', "'"))
                | col.str.endswith('"')).to_numpy(dtype=bool)
        if todo.any():
            col = col.copy()
            fix = col[todo].str.strip().str.replace(r'^="(.*)"$', r"\1", regex=True)
            # "'02/01", "'0000": the apostrophe a spreadsheet keeps a number as text with.
            fix = fix.str.replace(r"^'(?=[\d+-])", "", regex=True)
            col[todo] = fix.str.strip('" ')
        out[name] = col
    return pd.DataFrame(out, index=frame.index)


def _csv_module_rows(text: str, delimiter: str) -> tuple[list[list[str]], np.ndarray]:
    """The forgiving reader for what pandas' parser refuses (stray quotes, cells spanning
    lines): rows and the line each starts on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    rows, lines, start = [], [], 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise StatementError(f"the file is not a readable CSV: {exc}",
                             line=reader.line_num) from exc
    width = max(map(len, rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows], np.asarray(lines, dtype=np.int64)


def _delimiters_per_line(body: str, delimiter: str) -> np.ndarray:
    """How many times each line holds the (one-character, ASCII) delimiter: counted over the
    text's UTF-8 bytes at once (no multi-byte character holds an ASCII byte) rather than by
    splitting it into a Python string per line."""
    chars = np.frombuffer(body.encode("utf-8", errors="surrogatepass"), dtype=np.uint8)
    if not len(chars):
        return np.zeros(1, dtype=np.int64)
    seen = np.cumsum(chars == ord(delimiter), dtype=np.int64)
    ends = np.flatnonzero(chars == ord("\n"))
    return np.diff(np.concatenate(([0], seen[ends], seen[-1:])))


# A 'Label: value' line of a text export that writes each transaction as a block of such lines
# (Date: / Description: / Amount: / Balance:). The label starts with a letter and holds no CSV
# delimiter; the value may hold anything, a time's colons too.
_KEY_VALUE = re.compile(r"^\s*([^\W\d_][^:,;\t|\n]{0,39}?)\s*:[\s\u00a0]*(.*?)\s*$")
_KEY_VALUE_SHARE = 0.9  # of the non-blank lines, for a file to be read as blocks
_MIN_BLOCKS = 3


def key_value_grid(text: str) -> Grid | None:
    """A file of 'Label: value' blocks, one per transaction, as a table: the labels every block
    repeats are the header, each block a row (starting at its first label's line); the lines
    before the first block are the preamble, as label and value cells. None when the file is
    not such blocks: fewer than nine in ten of its non-blank lines are 'Label: value', or no
    label repeats on three blocks or more."""
    # The head decides first: a CSV's first lines are no 'Label: value' lines, and the whole
    # file is split into lines only for a file that starts like blocks.
    head = [line for line in text[:8192].split("\n")[:_SAMPLE_LINES] if line.strip()]
    if sum(bool(_KEY_VALUE.match(line)) for line in head) < _KEY_VALUE_SHARE * len(head):
        return None
    lines = pd.Series(text.split("\n"), dtype=object)
    nonblank = lines.str.strip() != ""
    if int(nonblank.sum()) < 2 * _MIN_BLOCKS:
        return None
    parts = lines.str.extract(_KEY_VALUE)
    labelled = parts[0].notna()
    if labelled.sum() < _KEY_VALUE_SHARE * nonblank.sum():
        return None
    label = parts[0][labelled].str.strip()
    counts = label.value_counts()
    blocks = int(counts.iloc[0])
    columns = counts.index[counts == blocks]
    if blocks < _MIN_BLOCKS or len(columns) < 2:
        return None
    in_block = label.isin(columns)
    first = label[in_block].iloc[0]  # the label each block opens with
    block = (label == first).cumsum()
    rows = pd.DataFrame({"block": block[in_block], "label": label[in_block],
                         "value": parts[1][labelled][in_block].fillna("")})
    table = rows.pivot_table(index="block", columns="label", values="value", aggfunc="first",
                             sort=False).reindex(columns=list(dict.fromkeys(
                                 rows["label"]))).fillna("")
    starts = rows.index[rows["label"] == first].to_numpy()
    before = labelled & (lines.index < starts[0])
    pre = [[f"{k}:", v] for k, v in zip(parts[0][before].str.strip(), parts[1][before].fillna(""),
                                       strict=True)]
    header = list(table.columns)
    width = max(len(header), 2)
    cells = [r + [""] * (width - len(r)) for r in [*pre, header]]
    cells += [list(r) + [""] * (width - len(r)) for r in table.to_numpy(dtype=object).tolist()]
    line_of = np.concatenate([lines.index[before].to_numpy() + 1, [max(starts[0], 1)],
                              starts + 1]).astype(np.int64)
    frame = pd.DataFrame(cells, dtype=object)
    return Grid(_strip_cells(frame), line_of, ":")


def read_grid(text: str, delimiter: str | None = None) -> Grid:
    """Every line of the file as cells; blank lines kept as empty rows (line numbers hold).
    A text export of 'Label: value' blocks is read as the table they spell out."""
    if delimiter is None and (blocks := key_value_grid(text)) is not None:
        return blocks
    delimiter = delimiter or detect_delimiter(text)
    body = text[:-1] if text.endswith("\n") else text
    n_lines = body.count("\n") + 1
    # As many columns as the line with most delimiters could have (quoted ones overcount,
    # which only adds empty columns): pandas' C parser then pads short rows.
    counts = _delimiters_per_line(body, delimiter)
    width = int(counts.max()) + 1
    if width > MAX_COLUMNS:
        raise StatementError(f"a row has {width} cells; a statement has at most {MAX_COLUMNS} "
                             "columns", line=int(counts.argmax()) + 1)
    frame = None
    try:
        frame = pd.read_csv(io.StringIO(body), sep=delimiter, header=None, names=range(width),
                            dtype=str, keep_default_na=False, skip_blank_lines=False,
                            quotechar='"', engine="c", on_bad_lines="error")
    except (pd.errors.ParserError, ValueError):
        frame = None
    if frame is not None and len(frame) == n_lines:
        lines = np.arange(1, n_lines + 1, dtype=np.int64)
    else:  # stray quotes or a cell over several lines: the csv module, row by row
        rows, lines = _csv_module_rows(body, delimiter)
        frame = pd.DataFrame(rows, dtype=object)
    if frame.empty:
        raise StatementError("the file is empty")
    frame.columns = range(frame.shape[1])
    return Grid(_strip_cells(frame.fillna("")), lines, delimiter)
