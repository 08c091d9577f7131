"""shared_features: the one place raw monthly finances become model inputs.

Used alike by training (from simulator arrays) and serving (from uploaded CSVs):

    result = ingest(csv_bytes)                 # -> IngestResult (panel, warnings) or InputError
    upload = read_upload([(name, data), ...])  # a monthly table or bank/card statements
    raw = compute_raw_features(result.panel)   # dict of per-person raw features
    x = spec.transform(raw_feature_matrix(raw))  # standardised float32 model input
"""

import numpy as np

from .features import FEATURE_NAMES, FEATURES, compute_raw_features, raw_feature_matrix
from .ingest import IngestLimits, IngestResult, InputError, Problem, ingest, ingest_frame
from .key_metrics import KEY_METRICS, key_metrics
from .panel import MonthlyPanel
from .schema import AMOUNT_FIELDS, FIELD_NAMES, OPTIONAL_FIELDS, REQUIRED_FIELDS
from .spec import (
    FEATURE_SPEC_VERSION,
    FeatureSpec,
    RiskBands,
    SpecMismatchError,
    fit_spec,
    risk_score,
)
from .statements import read_statements, read_upload


def model_input(panel: MonthlyPanel, spec: FeatureSpec) -> tuple[np.ndarray, dict]:
    """Panel -> (standardised model input, raw features) using the spec's fitted preprocessing."""
    raw = compute_raw_features(panel.last_months(spec.history_months))
    return spec.transform(raw_feature_matrix(raw)), raw


__all__ = [
    "AMOUNT_FIELDS", "FEATURES", "FEATURE_NAMES", "FEATURE_SPEC_VERSION", "FIELD_NAMES",
    "KEY_METRICS", "OPTIONAL_FIELDS", "REQUIRED_FIELDS", "FeatureSpec", "IngestLimits",
    "IngestResult", "InputError", "MonthlyPanel", "Problem", "RiskBands", "SpecMismatchError",
    "compute_raw_features", "fit_spec", "ingest", "ingest_frame", "key_metrics", "model_input",
    "raw_feature_matrix", "read_statements", "read_upload", "risk_score",
]
