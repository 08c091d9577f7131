"""Marshmallow schemas for every request and response of the JSON API (and the OpenAPI doc)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from inference.result import PARTS
from shared_features import FIELD_NAMES, KEY_METRICS

from ..settings import PAGE_SIZE_CEILING

# -- errors --------------------------------------------------------------------------------------


class ProblemSchema(Schema):
    row = fields.Integer(allow_none=True, metadata={
        "description": "Spreadsheet row (header = 1, first data row = 2) for CSV input; record "
                       "number (first = 1) for JSON records; null for the whole input"})
    column = fields.String(allow_none=True)
    value = fields.String(allow_none=True, metadata={"description": "What the input had there"})
    message = fields.String(required=True)
    file = fields.String(allow_none=True, metadata={
        "description": "The uploaded file the problem is in, when several were sent"})


class ErrorBodySchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = fields.String(required=True)
    problems = fields.List(fields.Nested(ProblemSchema), required=True, metadata={
        "description": "The first problems found (input errors), empty otherwise"})
    total_problems = fields.Integer(required=True, metadata={
        "description": "How many problems there are in all (more than listed when many)"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


# -- scoring requests ----------------------------------------------------------------------------


class Cell(fields.Field):
    """One record value: a number, a string as a user would type it (``"$1,234"``) or null."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or isinstance(value, str | int | float) and not isinstance(value, bool):
            return value
        raise ValidationError("must be a number, a string or null")


class ScoreQuerySchema(Schema):
    source_name = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "Name to show for this run (defaults to the uploaded file's name)"})
    person_id = fields.String(load_default="person_1", validate=validate.Length(min=1, max=100),
                              metadata={"description": "Whose statements these are: all "
                                        "statement files of one request are one person"})


class ScoreHeadersSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key", load_default=None,
        validate=[validate.Length(min=1, max=255),
                  validate.Regexp(r"^[\x21-\x7e]+$", error="must be printable ASCII without "
                                                          "spaces")],
        metadata={"description": "Any unique string (a UUID): a retry with the same key and "
                                 "body within 24 hours returns the run stored the first time "
                                 "instead of storing a second one; the same key with another "
                                 "body is a 422"})


class ScoreUploadSchema(Schema):
    file = fields.List(Upload(), required=True, metadata={
        "description": "One CSV of monthly records (one row per person per month), or one or "
                       "more bank and card statement exports of one person (repeat the "
                       "field); which one is detected from the content"})


class StatementsUploadSchema(Schema):
    file = fields.List(Upload(), required=True, metadata={
        "description": "One or more bank or card statement exports (CSV, any bank's layout) "
                       "of one person; repeat the field for each file"})


class SkippedRowSchema(Schema):
    row = fields.Integer(required=True, metadata={"description": "Line in the file (first = 1)"})
    reason = fields.String(required=True)


class StatementFileSchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["account", "card"]))
    currency = fields.String(allow_none=True, metadata={"description": "ISO code when found"})
    rows_read = fields.Integer(required=True, metadata={"description": "Booked transactions"})
    pending = fields.Integer(required=True, metadata={
        "description": "Pending (not yet booked) transactions: counted, not used"})
    rows_skipped = fields.List(fields.Nested(SkippedRowSchema), required=True, metadata={
        "description": "Rows that are not transactions (summary, balance, declined), with why"})
    rows_skipped_total = fields.Integer(required=True)
    date_min = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    date_max = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    inflow_total = fields.Float(required=True, metadata={
        "description": "Money in (for a card: payments and refunds), booked rows, >= 0"})
    outflow_total = fields.Float(required=True, metadata={
        "description": "Money out (for a card: charges and fees), booked rows, >= 0"})
    format = fields.Dict(required=True, metadata={
        "description": "What was found: encoding, delimiter, header row, decimal mark, date "
                       "format, the column used for each role"})
    warnings = fields.List(fields.String(), required=True)


MonthRecordSchema = Schema.from_dict(
    {"month": fields.String(required=True, metadata={"description": "YYYY-MM"}),
     **{name: fields.Float(allow_none=True) for name in FIELD_NAMES}},
    name="MonthRecordSchema")


class StatementsResultSchema(Schema):
    files = fields.List(fields.Nested(StatementFileSchema), required=True)
    months = fields.List(fields.Nested(MonthRecordSchema), required=True, metadata={
        "description": "The canonical monthly records the statements give (as the monthly CSV "
                       "would hold them); null where the statements cannot tell"})
    warnings = fields.List(fields.String(), required=True, metadata={
        "description": "Every assumption made reading the files and building the months"})


class ScoreRecordsSchema(Schema):
    records = fields.List(
        fields.Dict(keys=fields.String(), values=Cell(allow_none=True)),
        required=True, validate=validate.Length(min=1), metadata={
            "description": "Monthly records with the CSV's column names as keys "
                           f"({', '.join(('person_id', 'month', *FIELD_NAMES))}; synonyms "
                           "are accepted)"})
    source_name = fields.String(load_default=None, validate=validate.Length(max=200))


# -- scoring results -----------------------------------------------------------------------------

KeyMetricsSchema = Schema.from_dict(
    {key: fields.Float(allow_none=True, metadata={"description": f"{label} ({unit})"})
     for key, label, unit, _ in KEY_METRICS},
    name="KeyMetricsSchema")


class InsightSchema(Schema):
    feature = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(allow_none=True, metadata={"description": "The person's raw value"})
    display_value = fields.String(allow_none=True)
    effect = fields.Float(required=True, metadata={
        "description": "The feature's Shapley contribution to the probability against the "
                       "training reference person; positive raises the risk"})
    points = fields.Float(required=True, metadata={"description": "effect on the 0-100 scale"})
    log_odds = fields.Float(required=True, metadata={
        "description": "The same effect on the log-odds; insights are ranked by it (it does "
                       "not vanish when the probability is close to 0 or 1)"})
    direction = fields.String(required=True, validate=validate.OneOf(["raises", "lowers"]))
    sentence = fields.String(required=True)


class MissingFieldSchema(Schema):
    field = fields.String(required=True, metadata={"description": "The upload column not given"})
    points = fields.Float(required=True, metadata={
        "description": "Its share of score minus reference_score: how the model reacts to the "
                       "absence (not a reason)"})
    low = fields.Float(required=True, metadata={
        "description": "Giving the column could lower the score by up to this many points "
                       "(values from the 5th to 95th percentile of persons who gave it)"})
    high = fields.Float(required=True, metadata={
        "description": "... or raise it by up to this many points"})
    sentence = fields.String(required=True)


class ContributionsSchema(Schema):
    score = fields.Float(required=True, metadata={"description": "100 x probability, unrounded"})
    reference_score = fields.Float(required=True, metadata={
        "description": "The score of the reference person (the training median)"})
    points = fields.Dict(keys=fields.String(), values=fields.Float(), required=True, metadata={
        "description": "Per feature, its Shapley value on the 0-100 score; with the missing "
                       "fields' points they add up to score - reference_score"})
    missing = fields.List(fields.Nested(MissingFieldSchema), required=True)


class RecommendationSchema(Schema):
    action = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    probability_after = fields.Float(required=True)
    risk_score_after = fields.Integer(required=True)
    risk_band_after = fields.String(required=True)
    risk_reduction = fields.Float(required=True, metadata={
        "description": "Probability now minus probability after the action"})
    points = fields.Float(required=True, metadata={"description": "risk_reduction x 100"})
    log_odds_reduction = fields.Float(required=True, metadata={
        "description": "The reduction on the log-odds; recommendations are ranked by it"})


HistorySchema = Schema.from_dict(
    {"months": fields.List(fields.String(allow_none=True), required=True, metadata={
        "description": "YYYY-MM, oldest first; null where the upload had no month column"}),
     **{name: fields.List(fields.Float(allow_none=True), required=True)
        for name in FIELD_NAMES}},
    name="HistorySchema")


# How each part of a person's result (inference.result.PARTS, the one definition) is described.
_PART_FIELDS: dict[str, Callable[[dict[str, Any]], fields.Field]] = {
    "person_id": lambda m: fields.String(required=True, metadata=m),
    "probability": lambda m: fields.Float(required=True, metadata=m),
    "risk_score": lambda m: fields.Integer(required=True, metadata=m),
    "risk_band": lambda m: fields.String(required=True, metadata=m),
    "components": lambda m: fields.Dict(keys=fields.String(), values=fields.Float(),
                                        required=True, metadata=m),
    "key_metrics": lambda m: fields.Nested(KeyMetricsSchema, required=True, metadata=m),
    "history": lambda m: fields.Nested(HistorySchema, required=True, metadata=m),
    "warnings": lambda m: fields.List(fields.String(), required=True, metadata=m),
    "insights": lambda m: fields.List(fields.Nested(InsightSchema), required=True,
                                      allow_none=True, metadata=m),
    "recommendations": lambda m: fields.List(fields.Nested(RecommendationSchema), required=True,
                                             allow_none=True, metadata=m),
    "contributions": lambda m: fields.Nested(ContributionsSchema, required=True, allow_none=True,
                                             metadata=m),
}
_LAZY_NOTE = (" Null in the results of a large run until the person is opened "
              "(GET /api/v1/runs/{run_id}/persons/{person_id}), which computes and keeps it.")


def _person_result_schema() -> type[Schema]:
    missing = [p.name for p in PARTS if p.name not in _PART_FIELDS]
    if missing:
        raise RuntimeError(f"result parts {missing} have no API field in _PART_FIELDS")
    return Schema.from_dict(
        {p.name: _PART_FIELDS[p.name]({"description": p.description
                                       + (_LAZY_NOTE if p.lazy else "")}) for p in PARTS},
        name="PersonResultSchema")


PersonResultSchema = _person_result_schema()


class PageSchema(Schema):
    offset = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Persons in the run"})
    next_offset = fields.Integer(allow_none=True, metadata={
        "description": "offset of the next page; null on the last"})


class RunSummarySchema(Schema):
    id = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"description": "ISO 8601, UTC"})
    source_name = fields.String(allow_none=True)
    n_persons = fields.Integer(required=True)
    band_counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    mean_probability = fields.Float(allow_none=True)
    model_version = fields.String(required=True)
    model_sha256 = fields.String(required=True)
    warnings = fields.List(fields.String(), required=True, metadata={
        "description": "Ingestion warnings for the whole input"})


class ScoreResultSchema(RunSummarySchema):
    results = fields.List(fields.Nested(PersonResultSchema), required=True, metadata={
        "description": "All results of a small run; the first page of a large one"})
    results_page = fields.Nested(PageSchema, required=True, metadata={
        "description": "Which results are included; GET /api/v1/runs/{run_id}/results pages "
                       "through the rest"})


class ResultsPageSchema(PageSchema):
    run_id = fields.String(required=True)
    results = fields.List(fields.Nested(PersonResultSchema), required=True)


# Bounds declared in the schemas, so the OpenAPI document states them (and SQLite never sees an
# integer it cannot hold). The service's [runs]/[results] max_page_size may set a lower limit.
MAX_OFFSET = 1_000_000_000


def _page_limit(setting: str) -> fields.Integer:
    return fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=PAGE_SIZE_CEILING[setting]),
        metadata={"description": "Items per page (default and maximum: the service's "
                                 f"{setting.lower()} settings; never more than "
                                 f"{PAGE_SIZE_CEILING[setting]})"})


class ResultsQuerySchema(Schema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))
    limit = _page_limit("RESULTS_MAX_PAGE_SIZE")


class RunListQuerySchema(Schema):
    limit = _page_limit("RUNS_MAX_PAGE_SIZE")
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class RunListSchema(Schema):
    runs = fields.List(fields.Nested(RunSummarySchema), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


# -- model and health ----------------------------------------------------------------------------


class FeatureInfoSchema(Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    unit = fields.String(required=True)


class KeyMetricInfoSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    unit = fields.String(required=True)


class RiskBandsSchema(Schema):
    moderate = fields.Float(required=True, metadata={"description": "Moderate from here"})
    high = fields.Float(required=True, metadata={"description": "High from here"})


class ModelInfoSchema(Schema):
    spec_version = fields.String(required=True)
    code_spec_version = fields.String(required=True)
    model_sha256 = fields.String(required=True)
    preprocessing_sha256 = fields.String(required=True)
    history_months = fields.Integer(required=True)
    horizon_months = fields.Integer(required=True)
    risk_bands = fields.Nested(RiskBandsSchema, required=True)
    calibration = fields.Dict(required=True)
    provenance = fields.Dict(required=True)
    metrics = fields.Dict(allow_none=True)
    model_card = fields.String(allow_none=True, metadata={"description": "Markdown"})
    features = fields.List(fields.Nested(FeatureInfoSchema), required=True)
    key_metrics = fields.List(fields.Nested(KeyMetricInfoSchema), required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadySchema(Schema):
    status = fields.String(required=True)
    model_version = fields.String(required=True)
    model_sha256 = fields.String(required=True)


class DeletedSchema(Schema):
    deleted = fields.Integer(required=True, metadata={"description": "How many runs were deleted"})
