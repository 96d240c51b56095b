#!/usr/bin/env bash
# Merges the shard reports downloaded into REPORTS_DIR (one folder per
# artifact) into OUTPUT. No report at all is an error of its own, named as
# such, rather than an unexpanded glob handed to merge; a missing shard is
# reported by merge itself. Under GitHub Actions, merge writes the job
# summary and an annotation per failure cause and per merge problem.
# Usage: merge-reports.sh REPORTS_DIR OUTPUT
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${1:?directory of downloaded reports}"
output="${2:?merged report to write}"
shopt -s nullglob
reports=("$dir"/*/fuzz-report.json)
if [[ "${#reports[@]}" -eq 0 ]]; then
  ci_error "no shard report arrived in $dir: every fuzz shard failed before writing one (see the fuzz jobs)"
  ci_summary "### Fuzz campaign: no shard report arrived" "" "Every shard failed before writing its report; see the fuzz jobs."
  exit 1
fi
echo "merging ${#reports[@]} shard report(s): ${reports[*]}"
replay_fuzz merge "${reports[@]}" --output "$output"
