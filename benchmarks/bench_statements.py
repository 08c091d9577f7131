"""Statement reading speed: a 100,000-transaction export read and aggregated to monthly records.

    python -m benchmarks.bench_statements [--rows 100000]

Goal (issue #10): under 2 s. Measured next to pandas.read_csv of the same bytes in the same
run (the floor any reader of this file pays), so the ratio holds on a busy machine.
"""

from __future__ import annotations

import argparse
import io
import json

import numpy as np
import pandas as pd

from shared_features.statements import read_statements

from .common import measure, median, rnd

DESCRIPTIONS = np.array(["GEHALT ACME GMBH", "MIETE WOHNUNG", "REWE MARKT", "EDEKA CENTER",
                         "KREDITKARTENABRECHNUNG", "DARLEHEN RATE", "AMAZON EU SARL",
                         "STADTWERKE STROM", "ARAL TANKSTELLE", "ERSTATTUNG AMAZON",
                         "UMBUCHUNG TAGESGELD", "RUECKLASTSCHRIFT GEBUEHR"], dtype=object)


def export_bytes(rows: int, seed: int = 0) -> bytes:
    """A German-style checking export: preamble, ';', quoted cells, day-first dates, decimal
    commas with '.' thousands, a running balance - the slow path of every step."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, 3 * 365, rows)).astype("timedelta64[D]")
    dates = pd.Series(np.datetime64("2021-01-01") + days).dt.strftime("%d.%m.%Y")
    kind = rng.integers(0, len(DESCRIPTIONS), rows)
    amount = np.round(rng.lognormal(3.5, 1.2, rows), 2) * np.where(kind == 0, 30, -1)
    balance = 5000 + np.cumsum(amount)

    def eu(x: np.ndarray) -> pd.Series:
        text = pd.Series(np.abs(x)).map("{:,.2f}".format)
        text = text.str.replace(",", "_").str.replace(".", ",").str.replace("_", ".")
        return np.where(x < 0, "-", "") + text

    body = ('"' + dates + '";"' + dates + '";"' + DESCRIPTIONS[kind] + '";"'
            + eu(amount) + '";"' + eu(balance) + '";"EUR"')
    head = ('"Kontonummer:";"DE12 1203 0000 1234 5678 90"\n\n'
            '"Buchungstag";"Wertstellung";"Verwendungszweck";"Betrag";"Saldo";"Waehrung"\n')
    return (head + "\n".join(body) + "\n").encode("utf-8")


def run(rows: int = 100_000, repeats: int = 3) -> dict:
    data = export_bytes(rows)

    def read() -> object:
        return read_statements([("export.csv", data)])

    def reference() -> object:
        return pd.read_csv(io.BytesIO(data), sep=";", skiprows=3, header=None, dtype=str)

    ours, refs = [], []
    for _ in range(repeats):
        seconds, _, reading = measure(read)
        ours.append(seconds)
        refs.append(measure(reference)[0])
    (file,) = reading.files
    assert len(file.transactions) == rows, len(file.transactions)
    took = median(ours)
    return {"rows": rows, "bytes": len(data), "months": len(reading.months),
            "seconds_median": rnd(took), "seconds_best": rnd(min(ours)),
            "read_csv_seconds_median": rnd(median(refs)),
            "times_read_csv": rnd(took / median(refs), 1),
            "rows_per_second": round(rows / took), "goal_seconds": 2.0,
            "meets_goal": took < 2.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    print(json.dumps(run(args.rows), indent=2))


if __name__ == "__main__":
    main()
