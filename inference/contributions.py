"""Reasons that add up: each feature's contribution to a person's 0-100 score.

The contributions are Shapley values of the game "score of the person with the features in S
taken from the person and the rest from the reference" (the spec's reference person: the
imputed median training person), so for every person

    sum of contributions = 100 x p(person) - 100 x p(reference)  = score - reference score

exactly (to float precision), before the displayed score is rounded.

Method: exact Shapley values need all 2^F coalitions of the F features (2^26 here), so they are
estimated by permutation sampling (Strumbelj & Kononenko 2014, "Explaining prediction models
and individual predictions with feature contributions"): along a permutation, features switch
from the reference to the person one by one and each is credited with the change it makes.
Every permutation's credits telescope to exactly score - reference score, so the sum holds
whatever the number of permutations; sampling only affects how the total is split. Permutations
come in antithetic pairs (a permutation and its reverse: each feature is seen early and late,
which cancels most of the sampling error for a nearly additive model) and from a fixed seed, so
the same person always gets the same contributions. A feature at its reference value credits
exactly 0 in every permutation.

Missing data: a field the person did not give leaves the features that need it at the
reference, so they contribute 0, and the model's reaction to the absence sits on the
``missing_<field>`` indicator. That is not a reason: it is reported separately, with how far
providing the field could move the estimate, the range of the person's score when the field is
given with values from the 5th to the 95th percentile of the training persons who had it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from shared_features import FEATURES, OPTIONAL_FIELDS, FeatureSpec
from shared_features.features import RISK_DIRECTION

from .scorer import Scorer

# (index of missing_<field>, indices of the features that need <field>) per optional field.
_INDEX = {d.name: i for i, d in enumerate(FEATURES)}
MISSING_GROUPS: tuple[tuple[str, int, tuple[int, ...]], ...] = tuple(
    (field, _INDEX[f"missing_{field}"], tuple(i for i, d in enumerate(FEATURES)
                                              if field in d.needs))
    for field in OPTIONAL_FIELDS)
INDICATORS = np.array([ind for _, ind, _ in MISSING_GROUPS])
# +1 / -1: how a higher value of each feature moves risk as a person reasons it; 0: either way.
EXPECTED_SIGN = np.array([RISK_DIRECTION.get(d.name, 0) for d in FEATURES], dtype=float)


def against_direction(x: np.ndarray, reference: np.ndarray, log_odds: np.ndarray
                      ) -> np.ndarray:
    """(n, features) bool: contributions whose sign contradicts RISK_DIRECTION given where the
    person stands against the reference (savings above the reference raising the risk, say).

    Such a share is an interaction the model learned, not a reason a person can act on: it
    stays in the points, which still add up, but is never picked as a reason. A monotone
    feature cannot produce one (each of its marginal contributions has the expected sign);
    the free features can.
    """
    return EXPECTED_SIGN * np.sign(x - reference) * np.sign(log_odds) < 0


@dataclass
class Contributions:
    score: np.ndarray  # (n,) 100 x probability, unrounded
    reference_score: float  # 100 x the reference person's probability
    points: np.ndarray  # (n, features): Shapley values on the 0-100 score
    log_odds: np.ndarray  # (n, features): the same game on the logit (ranks saturated persons)


def permutations(n_features: int, n_permutations: int, seed: int = 0) -> np.ndarray:
    """(n_permutations, n_features) feature orders: random ones and their reverses."""
    rng = np.random.default_rng(seed)
    half = max(1, (n_permutations + 1) // 2)
    forward = np.argsort(rng.random((half, n_features)), axis=1)
    return np.concatenate([forward, forward[:, ::-1]])[:max(2, n_permutations)]


@dataclass(frozen=True)
class Game:
    """The sampled orders of the Shapley game; the same for every person (made once per size,
    ``game``)."""

    orders: np.ndarray  # (m, f) feature orders
    # (m * f,): where each feature's step is in the flattened (order, step) changes, per order
    credit_index: np.ndarray
    # (m, f + 1) int64: after 0 .. f steps of each order, the features joined so far as bits
    # (feature j is bit j)
    joined: np.ndarray


@functools.lru_cache(maxsize=8)
def game(n_features: int, n_permutations: int, seed: int = 0) -> Game:
    orders = permutations(n_features, n_permutations, seed)
    m, f = orders.shape
    joined = np.zeros((m, f + 1), dtype=np.int64)
    joined[:, 1:] = np.cumsum(np.int64(1) << orders.astype(np.int64), axis=1)
    inverse = np.argsort(orders, axis=1)  # the step at which each feature joins, per order
    out = Game(orders, (np.arange(m)[:, None] * f + inverse).ravel(), joined)
    for a in (out.orders, out.credit_index, out.joined):
        a.flags.writeable = False  # shared by every caller
    return out


# Where a walk step finds its value (``Coalitions.source``): the reference, the person's own
# prediction, or (>= 0) a row of ``Coalitions.rows``.
REFERENCE, OWN = -2, -1


@dataclass(frozen=True)
class Coalitions:
    """The model rows the persons' permutation walks need, each distinct coalition once.

    A feature at its reference value (e.g. every ``missing_<field>`` indicator of a field that
    was given) changes nothing when it joins: its step repeats the previous coalition and
    credits exactly 0. So a walk only needs the coalitions of the features that differ from the
    reference, and a coalition reached by several orders (always the first and last steps of
    many) is scored once. The estimator is the same as scoring every step of every order: the
    same coalitions get the same values; only repeats are not sent to the model.
    """

    rows: np.ndarray  # (distinct inner coalitions of all persons, f) float32 model rows
    source: np.ndarray  # (n, m, f + 1) int: REFERENCE, OWN or the row holding each step's value


def coalitions(x: np.ndarray, reference: np.ndarray, g: Game) -> Coalitions:
    """The distinct inner coalitions of every person's walks along ``g``'s orders."""
    x = np.asarray(x, dtype=np.float32)
    ref = np.asarray(reference, dtype=np.float32)
    n, f = x.shape
    if f + int(n).bit_length() > 62:
        raise ValueError(f"{n} persons of {f} features do not fit int64 coalition keys")
    differ = (x != ref) @ (np.int64(1) << np.arange(f, dtype=np.int64))  # (n,) bit masks
    keys = g.joined[None, :, :] & differ[:, None, None]  # (n, m, f + 1) coalitions walked
    own = keys == differ[:, None, None]  # every differing feature joined: the person
    own[:, :, 0], own[:, :, -1] = False, True  # the walk starts at the reference, ends at them
    inner = (keys != 0) & ~own
    # Persons apart: the person's index above the feature bits; each distinct coalition once.
    tagged = (keys | (np.arange(n, dtype=np.int64) << f)[:, None, None])[inner]
    distinct, which = np.unique(tagged, return_inverse=True)
    source = np.where(own, OWN, REFERENCE)
    source[inner] = which.reshape(-1)
    person, mask = distinct >> f, distinct & ((np.int64(1) << f) - 1)
    from_person = (mask[:, None] >> np.arange(f, dtype=np.int64)) & 1 == 1
    rows = np.where(from_person, x[person], ref)
    return Coalitions(rows.astype(np.float32, copy=False), source)


def contributions_from(p: np.ndarray, z: np.ndarray, own: tuple[np.ndarray, np.ndarray],
                       reference: tuple[float, float], g: Game, walks: Coalitions
                       ) -> Contributions:
    """The persons' contributions from the probabilities ``p`` and logits ``z`` of
    ``walks.rows``, their own (probability, logit) and the reference's.

    Along each order the coalition values run from the reference's to the person's own, so
    every order's credits add up to exactly ``own - reference``."""
    m, f = g.orders.shape
    n = len(own[0])
    source = walks.source
    at = np.maximum(source, 0)
    # [0]: the game on the 0-100 score, [1]: on the logit; both in one set of array calls.
    v = np.empty((2, n, m, f + 1))
    for k, (rows, mine, start) in enumerate(((100.0 * p, 100.0 * own[0], 100.0 * reference[0]),
                                             (z, own[1], reference[1]))):
        values = rows[at] if len(rows) else np.zeros(source.shape)
        v[k] = np.where(source == OWN, np.asarray(mine, dtype=np.float64)[:, None, None],
                        np.where(source == REFERENCE, start, values))
    step = np.diff(v, axis=3).reshape(2, n, m * f)  # the change when the step's feature joins
    credit = step[:, :, g.credit_index].reshape(2, n, m, f).mean(axis=2)
    return Contributions(100.0 * np.asarray(own[0], dtype=np.float64), 100.0 * reference[0],
                         credit[0], credit[1])


def shapley(scorer: Scorer, x: np.ndarray, n_permutations: int = 16, seed: int = 0,
            chunk_persons: int = 256) -> Contributions:
    """Contributions of every feature for each row of ``x`` (standardised model inputs): per
    chunk of persons, one session batch of the persons and their coalitions."""
    x = np.asarray(x, dtype=np.float32)
    n, f = x.shape
    g = game(f, n_permutations, seed)
    reference = scorer.reference_run
    parts = []
    for start in range(0, n, chunk_persons):
        xs = x[start:start + chunk_persons]
        k = len(xs)
        walks = coalitions(xs, scorer.reference, g)
        p, z = scorer.run(np.concatenate([xs, walks.rows]))
        parts.append(contributions_from(p[k:], z[k:], (p[:k], z[:k]), reference, g, walks))
    if not parts:
        return Contributions(np.zeros(0), 100.0 * reference[0], np.zeros((0, f)),
                             np.zeros((0, f)))
    return Contributions(np.concatenate([c.score for c in parts]), parts[0].reference_score,
                         np.concatenate([c.points for c in parts]),
                         np.concatenate([c.log_odds for c in parts]))


@dataclass(frozen=True)
class MissingFieldRows:
    """Model rows for the persons' missing fields (``missing_field_rows``): per field not given,
    the person with it given at each training quantile of the features that need it."""

    rows: np.ndarray  # (persons-with-a-missing-field x levels, f), field by field
    owners: tuple[tuple[int, np.ndarray], ...]  # (field index, persons), in ``rows`` order
    levels: int
    n: int  # persons


def missing_field_rows(spec: FeatureSpec, x: np.ndarray, raw: np.ndarray) -> MissingFieldRows:
    """The rows ``missing_ranges_from`` needs scored. ``raw`` is the raw feature matrix
    (missing indicators are 1.0 where a field is absent)."""
    x = np.asarray(x, dtype=np.float32)
    quantiles = spec.standardised_quantiles  # (levels, features)
    levels = len(quantiles)
    blocks, owners = [], []
    for g, (_, ind, deps) in enumerate(MISSING_GROUPS):
        who = np.flatnonzero(raw[:, ind] >= 0.5)
        if len(who) == 0:
            continue
        given = np.float32((0.0 - spec.features[ind].mean) / spec.features[ind].std)
        rows = np.repeat(x[who][:, None, :], levels, axis=1)  # (k, levels, f)
        rows[:, :, ind] = given
        if deps:
            rows[:, :, list(deps)] = quantiles[None, :, list(deps)]
        blocks.append(rows.reshape(-1, x.shape[1]))
        owners.append((g, who))
    rows = np.concatenate(blocks) if blocks else np.zeros((0, x.shape[1]), dtype=np.float32)
    return MissingFieldRows(rows, tuple(owners), levels, len(x))


def missing_ranges_from(p: np.ndarray, missing: MissingFieldRows, probability: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """For each person and optional field they did not give: (low, high) change of the score
    in points if they gave it, over the training range of the features that need it, from the
    probabilities ``p`` of ``missing.rows`` and the persons' own ``probability``.

    Returns two (n, fields) arrays, NaN where the field was given."""
    low = np.full((missing.n, len(MISSING_GROUPS)), np.nan)
    high = np.full_like(low, np.nan)
    start = 0
    for g, who in missing.owners:
        part = p[start:start + len(who) * missing.levels].reshape(len(who), missing.levels)
        start += len(who) * missing.levels
        delta = 100.0 * (part - probability[who, None])
        low[who, g] = np.minimum(delta.min(axis=1), 0.0)
        high[who, g] = np.maximum(delta.max(axis=1), 0.0)
    return low, high


def missing_field_ranges(scorer: Scorer, x: np.ndarray, raw: np.ndarray,
                         probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``missing_ranges_from`` with its rows scored in one session call."""
    missing = missing_field_rows(scorer.spec, x, raw)
    p = scorer.run(missing.rows)[0] if len(missing.rows) else np.zeros(0)
    return missing_ranges_from(p, missing, probability)


# -- what a person sees --------------------------------------------------------------------------

def _missing_sentence(field: str, low: float, high: float) -> str:
    name = field.replace("_", " ")
    return (f"No {name} data was given. The estimate does not count that as a reason; giving "
            f"it could move your score by {low:+.0f} to {high:+.0f} points, depending on the "
            "figures.")


def explanation(contributions: Contributions, low: np.ndarray, high: np.ndarray,
                raw: np.ndarray, contrary: np.ndarray, top_up: int = 3, top_down: int = 2,
                min_points: float = 0.5, min_log_odds: float = 0.1
                ) -> tuple[list[list[dict]], list[dict]]:
    """Per person: the top reasons (insights) and the full contributions object.

    Reasons are the strongest contributions of data the person gave, ranked on the log-odds
    (which does not flatten where the probability saturates) and shown in points; one that is
    ``contrary`` to how a person reads the feature (``against_direction``) is not a reason. The
    contributions object holds every feature's points (they add up to ``score -
    reference_score``) and, separately, each field the person did not give: its share of the
    total and the range its figures could move the score.
    """
    from .explain import insight  # sentences and their wording live with the insights

    n = len(raw)
    indicator = np.zeros(raw.shape[1], dtype=bool)
    indicator[INDICATORS] = True
    unknown = np.isnan(raw) | indicator[None, :]
    z = np.where(unknown, 0.0, contributions.log_odds)
    pts = np.where(unknown, 0.0, contributions.points)
    worth = ((np.abs(pts) >= min_points) | (np.abs(z) >= min_log_odds)) & ~contrary
    up = np.argsort(-z, axis=1, kind="stable")[:, :top_up]
    down = np.argsort(z, axis=1, kind="stable")[:, :top_down]
    raw_l = np.round(raw, 4).tolist()
    pts_l, z_l = np.round(pts, 2).tolist(), np.round(z, 3).tolist()
    all_pts = np.round(contributions.points, 2).tolist()
    names = [d.name for d in FEATURES]
    insights, objects = [], []
    for i in range(n):
        chosen = ([j for j in up[i].tolist() if worth[i, j] and z[i, j] > 0]
                  + [j for j in down[i].tolist() if worth[i, j] and z[i, j] < 0])
        insights.append([insight(j, raw_l[i][j], pts_l[i][j] / 100.0, z_l[i][j], min_points)
                         for j in chosen])
        missing = []
        for g, (field, ind, deps) in enumerate(MISSING_GROUPS):
            if raw[i, ind] < 0.5:
                continue
            share = all_pts[i][ind] + sum(all_pts[i][j] for j in deps)
            lo, hi = round(float(low[i, g]), 1), round(float(high[i, g]), 1)
            missing.append({"field": field, "points": round(share, 2), "low": lo, "high": hi,
                            "sentence": _missing_sentence(field, lo, hi)})
        objects.append({
            "score": round(float(contributions.score[i]), 2),
            "reference_score": round(contributions.reference_score, 2),
            "points": {names[j]: all_pts[i][j] for j in range(len(names))
                       if not indicator[j] and all_pts[i][j] != 0.0},
            "missing": missing,
        })
    return insights, objects
