"""Benchmarks: speed figures measured next to a reference in the same run (see docs/)."""
