#!/usr/bin/env bash
# Finds (and where missing, installs into .tools/venv) the Python with
# openpyxl that the workbook tests fill templates with, as a focal point's
# spreadsheet program would. Prints the variable the tests read, for
# `eval`; progress goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.tools/venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" >&2
if ! "$venv/bin/python" -c "import openpyxl" 2>/dev/null; then
  echo "installing openpyxl into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check openpyxl==3.1.5 >&2
fi
echo "export IMRF_PYTHON='$venv/bin/python'"
