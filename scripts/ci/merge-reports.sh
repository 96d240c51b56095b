#!/usr/bin/env bash
# Merges the shard reports downloaded into REPORTS_DIR (one folder per
# artifact) into OUTPUT. No report at all is an error of its own, named as
# such, rather than an unexpanded glob handed to merge; a missing shard is
# reported by merge itself.
# Usage: merge-reports.sh REPORTS_DIR OUTPUT   (run from the repository root)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${1:?directory of downloaded reports}"
output="${2:?merged report to write}"
shopt -s nullglob
reports=("$dir"/*/fuzz-report.json)
if [[ "${#reports[@]}" -eq 0 ]]; then
  ci_error "no shard report arrived in $dir: every fuzz shard failed before writing one (see the test-and-fuzz jobs)"
  exit 1
fi
echo "merging ${#reports[@]} shard report(s): ${reports[*]}"
node dist/bin/replay-fuzz.js merge "${reports[@]}" --output "$output"
