import json

import numpy as np
import pytest

from shared_features import (
    FEATURE_NAMES,
    FEATURE_SPEC_VERSION,
    FeatureSpec,
    MonthlyPanel,
    RiskBands,
    SpecMismatchError,
    fit_spec,
    model_input,
    risk_score,
)


@pytest.fixture(scope="module")
def spec():
    rng = np.random.default_rng(0)
    raw = rng.gamma(2.0, 1.0, size=(500, len(FEATURE_NAMES)))
    raw[:100, 8] = np.nan  # liquidity_months missing for some
    return fit_spec(raw, risk_bands=RiskBands(0.2, 0.5))


def test_transform_imputes_clips_and_standardises(spec):
    raw = np.full((2, len(FEATURE_NAMES)), 1.0)
    raw[1, 8] = np.nan
    x = spec.transform(raw)
    assert x.dtype == np.float32 and not np.isnan(x).any()
    assert x[1, 8] == pytest.approx(spec.reference[8], abs=1e-6)  # NaN -> imputed median
    j = FEATURE_NAMES.index("liquidity_months")  # log1p transform
    f = spec.features[j]
    assert x[0, j] == pytest.approx((np.log1p(1.0) - f.mean) / f.std, rel=1e-5)
    clipped = spec.transform(np.full((1, len(FEATURE_NAMES)), 1e9))
    j = FEATURE_NAMES.index("income_volatility")  # clipped at 3
    f = spec.features[j]
    assert clipped[0, j] == pytest.approx((3.0 - f.mean) / f.std, rel=1e-5)


def test_training_features_are_standardised(spec):
    rng = np.random.default_rng(0)
    raw = rng.gamma(2.0, 1.0, size=(500, len(FEATURE_NAMES)))
    raw[:100, 8] = np.nan
    x = spec.transform(raw)
    varying = x.std(axis=0) > 0
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(x.std(axis=0)[varying], 1, atol=1e-4)


def test_save_load_round_trip(tmp_path, spec):
    spec.provenance["model_sha256"] = "abc"
    path = tmp_path / "feature_spec.json"
    spec.save(path)
    loaded = FeatureSpec.load(path)
    assert loaded.feature_names == list(FEATURE_NAMES)
    assert loaded.preprocessing_hash() == spec.preprocessing_hash()
    assert loaded.risk_bands == RiskBands(0.2, 0.5)
    assert loaded.provenance["model_sha256"] == "abc"
    loaded.check_compatible()


def test_other_major_version_is_refused(tmp_path, spec):
    d = spec.to_dict()
    major = int(FEATURE_SPEC_VERSION.split(".")[0])
    d["spec_version"] = f"{major + 1}.0.0"
    del d["preprocessing_sha256"], d["scoring_sha256"]  # edited on purpose: no hashes
    with pytest.raises(SpecMismatchError, match="major versions differ"):
        FeatureSpec.from_dict(d).check_compatible()


def test_other_features_are_refused(spec):
    d = spec.to_dict()
    d["features"] = d["features"][::-1]
    del d["preprocessing_sha256"], d["scoring_sha256"]  # edited on purpose: no hashes
    with pytest.raises(SpecMismatchError, match="other features than this code"):
        FeatureSpec.from_dict(d).check_compatible()


def test_edited_spec_fails_its_hash(tmp_path, spec):
    d = spec.to_dict()
    d["features"][0]["mean"] += 1.0
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(d))
    with pytest.raises(SpecMismatchError, match="does not match its contents"):
        FeatureSpec.load(path)


def test_missing_spec_file_is_a_clear_error(tmp_path):
    with pytest.raises(SpecMismatchError, match="not found"):
        FeatureSpec.load(tmp_path / "nope.json")


def test_bands_and_score_are_monotone():
    p = np.linspace(0, 1, 101)
    assert np.all(np.diff(risk_score(p)) >= 0)
    assert risk_score(np.array([0.0, 0.123, 1.0])).tolist() == [0, 12, 100]
    assert RiskBands(0.2, 0.5).band(np.array([0.1, 0.2, 0.49, 0.5])).tolist() == [
        "Low", "Moderate", "Moderate", "High"]


def test_model_input_uses_the_history_window(spec):
    panel = MonthlyPanel.from_arrays({"income": np.full((3, 20), 1000.0),
                                      "expenses": np.full((3, 20), 900.0)})
    x, raw = model_input(panel, spec)
    assert x.shape == (3, len(FEATURE_NAMES))
    assert raw["months_observed"].tolist() == [12.0, 12.0, 12.0]
