"""The multi-seed real-data check, run on a stand-in data set (the real one is not in the
repository): its plumbing from the data set's own mapping to the AUC table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training import realdata_check

# A data set's own evaluate.py as the real one is shaped: a mapping onto the monthly upload
# and an AUC. Here six months per person, the missed months given directly.
STAND_IN = '''
import numpy as np
import pandas as pd


def monthly_frame(t):
    return pd.concat([pd.DataFrame({
        "person_id": t["ID"].astype(str), "month": f"2024-0{k + 1}",
        "income": t["income"], "expenses": t["expenses"],
        "missed_payments": (t["missed"] > k).astype(int)}) for k in range(6)],
        ignore_index=True)


def auc(y, score):
    ranks = pd.Series(score).rank().to_numpy()
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
'''


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    n = 300
    missed = rng.choice([0, 0, 0, 1, 2, 4, 6], n)
    income = rng.uniform(2000, 6000, n)
    pd.DataFrame({"ID": np.arange(n), "income": income.round(2),
                  "expenses": (income * rng.uniform(0.6, 1.1, n)).round(2), "missed": missed,
                  realdata_check.OUTCOME: (missed >= 2).astype(int)}
                 ).to_csv(tmp_path / realdata_check.DATA_FILE, index=False)
    (tmp_path / "evaluate.py").write_text(STAND_IN)
    return tmp_path


def test_checks_each_artifact_against_the_count_rule(data_dir, artifact_dir, tmp_path, capsys):
    assert realdata_check.main(["--data", str(data_dir), "--artifacts", str(artifact_dir),
                                str(artifact_dir)]) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith(str(artifact_dir))]
    assert len(rows) == 2
    cells = rows[0].split(" | ")
    probability, count_rule = float(cells[1]), float(cells[-3])
    assert count_rule == 1.0  # the stand-in's outcome is "missed 2 or more months"
    assert 0.8 < probability <= 1.0  # the model ranks people who missed months higher
    assert printed.splitlines()[0].startswith("artifact | probability | ")
    assert f"probability AUC: mean {probability:.4f}, sd 0.0000 over 2" in printed


def test_refuses_a_folder_without_the_data(tmp_path, capsys):
    assert realdata_check.main(["--data", str(tmp_path), "--artifacts", "artifacts"]) == 1
    assert "no taiwan_dev.csv" in capsys.readouterr().err
