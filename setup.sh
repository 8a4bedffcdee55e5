#!/usr/bin/env bash
# Sets up a fresh machine: a virtualenv in .venv with extractor and its test tools.
# EXTRACTOR_EXTRAS=test,ml adds the tagger's training stack (torch CPU wheel pinned).
set -euo pipefail
cd "$(dirname "$0")"
extras="${EXTRACTOR_EXTRAS:-test}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
echo "extractor installed in .venv (extras: ${extras})"
