"""The JSON API blueprint, /api/v1."""

from .routes import blp

__all__ = ["blp"]
