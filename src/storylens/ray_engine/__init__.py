"""The Ray engine: `storylens analyze --engine ray`, the local stages spread over a Ray cluster.

sources.py     inputs as chunks (large JSONL and Parquet files in many), read with the local readers
duplicates.py  near-duplicates by grouping MinHash band keys; the local admission rule replayed
workers.py     the batch functions and actors Ray runs (reading actors load spaCy and the encoder once)
blocks.py      stories per block of days, blocks overlapping and merged at their edges
run.py         the driver: stages in order, results streamed into the store

Importing this package does not import Ray; running it needs `pip install 'storylens[ray]'`.
"""

from .run import RayOptions, RayRunSummary, run_on_ray

__all__ = ["RayOptions", "RayRunSummary", "run_on_ray"]
