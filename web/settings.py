"""Service settings, loaded into Flask's ``app.config`` (the one place the app reads them).

Layers, each over the last: web/config.toml (the defaults, and the list of every setting), the
file named by SCORER_CONFIG, SCORER__SECTION__KEY environment variables, then the mapping given
to ``create_app`` (as in flaskr's ``test_config``). A TOML ``[section] key`` becomes the Flask key
``SECTION_KEY``: ``[database] path`` is ``app.config["DATABASE_PATH"]``, set from the
environment by ``SCORER__DATABASE__PATH``. Each value must have the type of its default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from inference.explain import ExplainOptions
from inference.recommend import RecommendOptions
from shared_features import IngestLimits
from shared_features.config import apply_env_overrides, load_config

DEFAULT_CONFIG_PATH = Path(__file__).with_name("config.toml")
ENV_PREFIX = "SCORER"
MEGABYTE = 1024 * 1024
# The largest pages the API ever serves: the schemas declare them (so the OpenAPI document
# states them) and the max_page_size settings may only lower them.
PAGE_SIZE_CEILING = {"RUNS_MAX_PAGE_SIZE": 500, "RESULTS_MAX_PAGE_SIZE": 1000}
# Settings that must be above zero (a zero page size or limit is never meant).
POSITIVE = ("LIMITS_MAX_UPLOAD_MB", "LIMITS_MAX_PERSONS", "LIMITS_MAX_MONTHS_PER_PERSON",
            "DATABASE_BUSY_TIMEOUT_MS", "RUNS_DEFAULT_PAGE_SIZE", "RUNS_MAX_PAGE_SIZE",
            "RESULTS_DEFAULT_PAGE_SIZE", "RESULTS_MAX_PAGE_SIZE",
            "AUTH_SESSION_HOURS", "AUTH_MAX_FAILURES", "AUTH_FAILURE_WINDOW_MINUTES")
NON_NEGATIVE = ("RETENTION_DAYS", "PROXY_TRUSTED_HOPS", "LIMITS_IN_MEMORY_BODY_MB")


class ConfigError(ValueError):
    """A setting is unknown or has the wrong type or value; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    default: Any

    @property
    def env_name(self) -> str:
        return f"{ENV_PREFIX}__{self.section.upper()}__{self.key.upper()}"

    def describe(self) -> str:
        return f"[{self.section}] {self.key} ({self.env_name})"


def config_key(section: str, key: str) -> str:
    return f"{section}_{key}".upper()


@cache
def known_settings() -> dict[str, Setting]:
    """Every setting there is: the ones web/config.toml gives a default for, by Flask key."""
    with open(DEFAULT_CONFIG_PATH, "rb") as fh:
        defaults = tomllib.load(fh)
    return {config_key(section, key): Setting(section, key, value)
            for section, values in defaults.items() for key, value in values.items()}


def load_config_file_and_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The defaults, SCORER_CONFIG's file and SCORER__* variables, as flat Flask keys."""
    env = os.environ if environ is None else environ
    sections = load_config(DEFAULT_CONFIG_PATH, prefix=ENV_PREFIX, environ={})
    other = env.get(f"{ENV_PREFIX}_CONFIG")
    if other:
        # Layered on the defaults, so the other file only needs the values it changes.
        sections = _merge(sections, load_config(other, prefix=ENV_PREFIX, environ={}))
    sections = apply_env_overrides(sections, ENV_PREFIX, env)
    return flatten(sections)


def flatten(sections: Mapping[str, Any]) -> dict[str, Any]:
    """``{"database": {"path": p}}`` -> ``{"DATABASE_PATH": p}``; unknown settings are errors."""
    flat: dict[str, Any] = {}
    for section, values in sections.items():
        if not isinstance(values, Mapping):
            raise ConfigError(f"[{section}] must be a section of settings, got {values!r}")
        for key, value in values.items():
            name = config_key(section, key)
            if name not in known_settings():
                known = sorted(s.key for s in known_settings().values() if s.section == section)
                raise ConfigError(f"[{section}] has no setting {key!r}"
                                  + (f"; known: {known}" if known else ""))
            flat[name] = value
    return flat


def validated(config: Mapping[str, Any]) -> dict[str, Any]:
    """Check every known setting in ``config`` against its default's type; return them coerced
    (an integer where a float is expected becomes a float, a list of numbers a tuple)."""
    out: dict[str, Any] = {}
    for name, setting in known_settings().items():
        if name not in config:
            raise ConfigError(f"setting {setting.describe()} is missing")
        out[name] = _coerce(setting, config[name])
    for name in POSITIVE:
        if out[name] <= 0:
            raise ConfigError(f"setting {known_settings()[name].describe()} must be positive, "
                              f"got {out[name]!r}")
    for name in NON_NEGATIVE:
        if out[name] < 0:
            raise ConfigError(f"setting {known_settings()[name].describe()} must be 0 or more, "
                              f"got {out[name]!r}")
    for name, ceiling in PAGE_SIZE_CEILING.items():
        if out[name] > ceiling:
            raise ConfigError(f"setting {known_settings()[name].describe()} must be at most "
                              f"{ceiling}, the largest page the API serves")
    return out


def _coerce(setting: Setting, value: Any) -> Any:
    default = setting.default
    wrong = ConfigError(f"setting {setting.describe()} must be "
                        f"{_kind_name(default)}, got {value!r}")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise wrong
        return value
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        if isinstance(default, int):
            if value != int(value):
                raise wrong
            return int(value)
        return float(value)
    if isinstance(default, list):
        if not isinstance(value, list | tuple) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise wrong
        return tuple(float(v) for v in value)
    if isinstance(default, str):
        if not isinstance(value, str | Path):
            raise wrong
        return str(value)
    return value


def _kind_name(default: Any) -> str:
    if isinstance(default, list):
        return "a list of numbers"
    return {bool: "true or false", int: "an integer", float: "a number",
            str: "a string"}.get(type(default), type(default).__name__)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


# -- typed views of app.config for the service layer (which knows nothing of Flask) ------------

def section(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The settings of one TOML section, by their TOML names: ``section(c, "explain")``."""
    return {s.key: config[key] for key, s in known_settings().items() if s.section == name}


def ingest_limits(config: Mapping[str, Any]) -> IngestLimits:
    limits = section(config, "limits")
    return IngestLimits(**{f.name: limits[f.name] for f in fields(IngestLimits)
                           if f.name in limits})


def explain_options(config: Mapping[str, Any]) -> ExplainOptions:
    return ExplainOptions(**section(config, "explain"))


def recommend_options(config: Mapping[str, Any]) -> RecommendOptions:
    return RecommendOptions(**section(config, "recommend"))
