#!/usr/bin/env bash
# Merges the shard reports downloaded into REPORTS_DIR (one folder per
# artifact) into OUTPUT. No report at all is an error of its own, named as
# such, rather than an unexpanded glob handed to merge; a missing shard is
# reported by merge itself. Under GitHub Actions, merge writes the job
# summary and an annotation per failure cause and per merge problem.
# Usage: merge-reports.sh REPORTS_DIR OUTPUT [REPORT_NAME [MERGE ARGS...]]
#   REPORT_NAME: the report file in each artifact (default fuzz-report.json;
#   exhaust-report.json for exhaust shards); MERGE ARGS such as --allow-known.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir="${1:?directory of downloaded reports}"
output="${2:?merged report to write}"
name="${3:-fuzz-report.json}"
shift $(( $# < 3 ? $# : 3 ))
shopt -s nullglob
reports=("$dir"/*/"$name")
if [[ "${#reports[@]}" -eq 0 ]]; then
  ci_error "no shard report arrived in $dir: every shard failed before writing its $name (see the shard jobs)"
  ci_summary "### Merge: no shard report arrived" "" "Every shard failed before writing its $name; see the shard jobs."
  exit 1
fi
echo "merging ${#reports[@]} shard report(s): ${reports[*]}"
replay_fuzz merge "${reports[@]}" --output "$output" "$@"
