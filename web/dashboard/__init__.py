"""The dashboard blueprint at /: server-rendered Jinja pages over the same service layer as the
JSON API (upload, results, history, model). Templates live in web/templates, assets in
web/static; nothing here runs at import beyond defining the blueprint and its routes."""

from .views import bp

__all__ = ["bp"]
