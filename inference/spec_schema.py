"""The feature spec's schema: types and ranges, checked before serving trusts a single value.

``feature_spec.json`` is read by every worker at start; a value of the wrong type (bands given
as text) or out of range (a zero std, a band above 1) would otherwise surface later, as a 500
on every score. Validated here, it is a refused artifact: /readyz answers 503 and says which
field is wrong.
"""

from __future__ import annotations

import math
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from shared_features.features import FEATURE_BY_NAME

_SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="must be a lowercase hex sha256")


class StrictFloat(fields.Float):
    """A JSON number, finite; text such as ``"0.4"`` is refused, not converted."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("must be a number")
        if not math.isfinite(value):
            raise ValidationError("must be finite")
        return float(value)


class FeatureParamsSchema(Schema):
    name = fields.String(required=True, validate=validate.OneOf(sorted(FEATURE_BY_NAME)))
    transform = fields.String(required=True, validate=validate.OneOf(["identity", "log1p"]))
    clip = fields.List(StrictFloat(), required=True, validate=validate.Length(equal=2))
    impute = StrictFloat(required=True)
    mean = StrictFloat(required=True)
    std = StrictFloat(required=True, validate=validate.Range(min=0, min_inclusive=False))
    # training quantiles (explanations' plausible values of a field not given); older specs
    # have none
    quantiles = fields.List(StrictFloat(), load_default=list)

    @validates_schema
    def _clip_ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        lo, hi = data.get("clip", (0.0, 1.0))
        if not lo < hi:
            raise ValidationError("clip must be [low, high] with low < high", "clip")


class RiskBandsSchema(Schema):
    moderate = StrictFloat(required=True, validate=validate.Range(0, 1, min_inclusive=False))
    high = StrictFloat(required=True, validate=validate.Range(0, 1, min_inclusive=False))

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("moderate", 0) >= data.get("high", 1):
            raise ValidationError("moderate must be below high", "moderate")


class CalibrationSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # documentation fields may be added by training

    method = fields.String(required=True)
    temperature = StrictFloat(validate=validate.Range(min=0, min_inclusive=False))
    applied_in_model = fields.Boolean(truthy={True}, falsy={False})


class ProvenanceSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # seeds, config hashes, metrics: documentation, not scoring

    model_sha256 = fields.String(required=True, validate=_SHA256)


class FeatureSpecSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # feature_names: derived, checked against the code elsewhere

    features = fields.List(fields.Nested(FeatureParamsSchema), required=True,
                           validate=validate.Length(min=1))
    spec_version = fields.String(required=True, validate=validate.Regexp(r"^\d+\.\d+\.\d+$"))
    history_months = fields.Integer(required=True, strict=True,
                                    validate=validate.Range(min=1, max=120))
    horizon_months = fields.Integer(required=True, strict=True,
                                    validate=validate.Range(min=1, max=60))
    risk_bands = fields.Nested(RiskBandsSchema, required=True)
    calibration = fields.Nested(CalibrationSchema, required=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)
    preprocessing_sha256 = fields.String(required=True, validate=_SHA256)
    scoring_sha256 = fields.String(required=True, validate=_SHA256)
    components = fields.List(fields.String(validate=validate.Regexp(r"^[a-z0-9_]+$")),
                             load_default=list)


def spec_problems(document: Any) -> list[str]:
    """What is wrong with a parsed feature_spec.json, as ``field: message`` lines (empty: fine)."""
    if not isinstance(document, dict):
        return ["the spec must be a JSON object"]
    try:
        FeatureSpecSchema().load(document)
    except ValidationError as exc:
        return _flatten(exc.messages)
    return []


def _flatten(messages: Any, path: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [line for key, value in messages.items()
                for line in _flatten(value, f"{path}.{key}" if path else str(key))]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{path or 'spec'}: {m}" for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in _flatten(m, path)]
    return [f"{path or 'spec'}: {messages}"]
