"""Scoring on a Dask cluster: ``stress-scorer batch`` (see docs/SCALE.md).

``read`` turns CSV/Parquet files into checked canonical rows, ``score`` scores one shuffled
partition (all of each person's rows), ``table`` names the output columns, ``worker`` gives each
Dask worker its one onnxruntime session, and ``run`` ties them into one streaming graph.
Needs the ``batch`` extra (dask, distributed, pyarrow); nothing here is imported by the service.
"""

# How ``stress-scorer batch --shuffle`` groups rows by person (``run.shuffle_method``). Here,
# where importing it needs no Dask: the command line offers these before Dask is imported.
SHUFFLES = ("auto", "tasks", "p2p")
