"""Serving: artifact loading, onnxruntime scoring, explanations, recommendations, the SQLite
store and the service layer that ties them (``inference.service.ScoringService``).

Importing this package has no side effects: nothing is loaded until a caller asks for it.
"""
