"""TOML configuration with environment-variable overrides, shared by training and serving.

A value at ``[section] key`` in the file is overridden by the environment variable
``<PREFIX>__SECTION__KEY`` (upper case, double underscores between levels), e.g.
``TRAIN__DATA__N_PEOPLE=20000`` or ``SCORER__LIMITS__MAX_PERSONS=500``. The value is read as a
TOML value when it parses as one (numbers, booleans, arrays) and as a plain string otherwise;
a setting whose file value is a string always takes the variable's text as it is (an API key
``1e3`` stays ``"1e3"``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _parse_env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_env_overrides(config: dict[str, Any], prefix: str,
                        environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return a copy of ``config`` with every ``PREFIX__A__B`` variable applied at [a] b."""
    environ = os.environ if environ is None else environ
    merged = _deep_copy(config)
    head = f"{prefix.upper()}__"
    for name, text in environ.items():
        if not name.startswith(head):
            continue
        path = [part.lower() for part in name[len(head):].split("__") if part]
        if not path:
            continue
        node = merged
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"{name}: [{part}] is a value, not a section, in the config")
        keep_text = isinstance(node.get(path[-1]), str)
        node[path[-1]] = text if keep_text else _parse_env_value(text)
    return merged


def load_config(path: str | Path, prefix: str,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read a TOML file and apply the environment overrides for ``prefix``."""
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    return apply_env_overrides(config, prefix, environ)


def _deep_copy(d: dict[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, dict) else v for k, v in d.items()}
