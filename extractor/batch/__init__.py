"""Batch runs over folders and archives: sources -> engine (workers) -> store -> reports.

`extractor run PATH... --out OUT` is `runner.run`. Each module has one job:
`sources` finds report files (walking folders and zip archives safely),
`worker` runs the pipeline on one file inside a worker process, `engines`
runs workers locally (pebble process pool with per-file time and memory
limits) or on a Ray cluster, `store` keeps results durably (SQLAlchemy,
SQLite by default), and `reports` renders what analysts and auditors read
(indicators.xlsx, findings.csv, the audit pages) from the store.
"""
