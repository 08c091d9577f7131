"""Service settings: web/config.toml, then SCORER_CONFIG's file, then SCORER__SECTION__KEY
environment variables, then create_app's test_config; validated into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from inference.explain import ExplainOptions
from inference.recommend import RecommendOptions
from inference.store_health import StoreHealthOptions
from shared_features import IngestLimits
from shared_features.config import apply_env_overrides, load_config

DEFAULT_CONFIG_PATH = Path(__file__).with_name("config.toml")
ENV_PREFIX = "SCORER"
# The API's largest page of runs (GET /api/v1/runs?limit=); its schema declares it, so the
# OpenAPI document states it, and [runs] default_page_size may not exceed it.
MAX_PAGE_SIZE = 500


class ConfigError(ValueError):
    """A setting has the wrong type or value; the message names the variable to fix."""


@dataclass(frozen=True)
class Settings:
    artifacts_dir: Path
    intra_op_threads: int
    database_path: Path
    busy_timeout_ms: int
    store_health: StoreHealthOptions
    api_key: str
    trusted_proxy_hops: int
    max_upload_bytes: int
    limits: IngestLimits
    default_page_size: int
    explain: ExplainOptions
    recommend: RecommendOptions


def deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config_dict(overrides: Mapping[str, Any] | None = None,
                     environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    config = load_config(DEFAULT_CONFIG_PATH, prefix=ENV_PREFIX, environ={})
    other = env.get(f"{ENV_PREFIX}_CONFIG")
    if other:
        # Layered on the defaults, so the other file only needs the values it changes.
        config = deep_merge(config, load_config(other, prefix=ENV_PREFIX, environ={}))
    config = apply_env_overrides(config, ENV_PREFIX, env)
    return deep_merge(config, overrides or {})


def load_settings(overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings; raises ConfigError naming the offending variable."""
    return settings_from_config(load_config_dict(overrides, environ))


def _get(config: dict[str, Any], section: str, key: str, kind: type) -> Any:
    name = f"{ENV_PREFIX}__{section.upper()}__{key.upper()}"
    try:
        value = config[section][key]
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"setting [{section}] {key} ({name}) is missing") from exc
    try:
        if kind is bool and not isinstance(value, bool):
            raise TypeError
        if kind in (int, float) and (isinstance(value, bool) or not isinstance(value,
                                                                              (int, float))):
            raise TypeError
        if kind is int and value != int(value):
            raise TypeError
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting [{section}] {key} ({name}) must be {kind.__name__}, "
                          f"got {value!r}") from exc


def _options(cls: type, config: dict[str, Any], section: str) -> Any:
    values = dict(config.get(section, {}))
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"[{section}] has unknown settings {unknown}; known: {sorted(known)}")
    kwargs = {}
    for key, value in values.items():
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list | tuple):
                raise ConfigError(f"setting [{section}] {key} must be a list, got {value!r}")
            kwargs[key] = tuple(float(v) for v in value)
        else:
            kwargs[key] = _get(config, section, key, type(default))
    return cls(**kwargs)


def settings_from_config(config: dict[str, Any]) -> Settings:
    max_upload_mb = _get(config, "limits", "max_upload_mb", float)
    settings = Settings(
        artifacts_dir=Path(_get(config, "artifacts", "dir", str)),
        intra_op_threads=_get(config, "model", "intra_op_threads", int),
        database_path=Path(_get(config, "database", "path", str)),
        busy_timeout_ms=_get(config, "database", "busy_timeout_ms", int),
        store_health=StoreHealthOptions(
            quick_check_interval_s=_get(config, "database", "quick_check_interval_s", float),
            min_free_mb=_get(config, "database", "min_free_mb", float)),
        api_key=_get(config, "api", "key", str),
        trusted_proxy_hops=_get(config, "proxy", "trusted_hops", int),
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        limits=IngestLimits(
            max_months_per_person=_get(config, "limits", "max_months_per_person", int),
            max_persons=_get(config, "limits", "max_persons", int),
            max_problems=_get(config, "limits", "max_problems", int)),
        default_page_size=_get(config, "runs", "default_page_size", int),
        explain=_options(ExplainOptions, config, "explain"),
        recommend=_options(RecommendOptions, config, "recommend"),
    )
    for name in ("max_upload_bytes", "busy_timeout_ms", "default_page_size"):
        if getattr(settings, name) <= 0:
            raise ConfigError(f"setting {name} must be positive")
    if settings.trusted_proxy_hops < 0:
        raise ConfigError("setting [proxy] trusted_hops must be 0 or more")
    if settings.default_page_size > MAX_PAGE_SIZE:
        raise ConfigError(f"setting [runs] default_page_size must be at most {MAX_PAGE_SIZE}")
    if settings.limits.max_persons <= 0 or settings.limits.max_months_per_person <= 0:
        raise ConfigError("limits max_persons and max_months_per_person must be positive")
    return settings
