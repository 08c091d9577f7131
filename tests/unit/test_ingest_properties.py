"""Property: shuffling rows, renaming headers to synonyms, formatting amounts and switching the
delimiter never changes what is parsed."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_features import FIELD_NAMES, ingest

SYNONYMS = {
    "person_id": ["person_id", "Person ID", "customer-id", "CLIENT ID"],
    "month": ["month", "Month", "Period", "date"],
    "income": ["income", "Monthly Income", "net_income", "salary"],
    "expenses": ["expenses", "Spending", "outgoings", "Living Expenses"],
    "debt_payments": ["debt_payments", "Debt Service", "repayments"],
    "liquid_savings": ["liquid_savings", "Savings", "cash and savings"],
    "total_debt": ["total_debt", "Debt", "outstanding debt"],
    "credit_limit": ["credit_limit", "Credit Limit", "card limit"],
    "missed_payments": ["missed_payments", "Late Payments", "arrears"],
}


def us_format(value: float, style: int) -> str:
    if style == 0:
        return f"{value:.2f}"
    if style == 1:
        return f"{value:,.2f}"
    if style == 2:
        return f"${value:,.0f}" if value == round(value) else f"${value:,.2f}"
    return f"{value:,.2f}"


amount = st.integers(min_value=0, max_value=5_000_000).map(lambda cents: cents / 100)


@st.composite
def records(draw):
    n_persons = draw(st.integers(1, 4))
    rows = []
    for p in range(n_persons):
        for m in range(draw(st.integers(1, 6))):
            rows.append({"person_id": f"id{p}", "month": f"2024-{m + 1:02d}",
                         **{f: draw(amount) for f in FIELD_NAMES if f != "missed_payments"},
                         "missed_payments": float(draw(st.integers(0, 3)))})
    return pd.DataFrame(rows)


def canonical_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=records(), data=st.data())
def test_parse_is_invariant_to_presentation(frame, data):
    reference = ingest(canonical_csv(frame))

    shuffled = frame.sample(frac=1.0, random_state=data.draw(st.integers(0, 10_000)))
    headers = {c: data.draw(st.sampled_from(SYNONYMS[c])) for c in frame.columns}
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]))
    style = data.draw(st.integers(0, 3))
    lines = [delimiter.join(headers[c] for c in frame.columns)]
    for _, row in shuffled.iterrows():
        cells = [row["person_id"], row["month"]]
        for field in FIELD_NAMES:
            value = row[field]
            text = str(int(value)) if field == "missed_payments" else us_format(value, style)
            text = text.strip('"')
            if delimiter == "," and ("," in text or style == 3):
                text = f'"{text}"'  # as a spreadsheet would quote it
            cells.append(text)
        lines.append(delimiter.join(cells))
    result = ingest("\n".join(lines) + "\n")

    # Persons come in order of first appearance, so compare person by person.
    order = [list(result.panel.person_ids).index(pid) for pid in reference.panel.person_ids]
    np.testing.assert_allclose(result.panel.values[order], reference.panel.values,
                               equal_nan=True)
    np.testing.assert_array_equal(result.panel.observed[order], reference.panel.observed)
