#!/usr/bin/env bash
# One shard of the exhaustive exploration CI runs: every event sequence of
# SCOPE up to DEPTH whose first event hashes to SHARD, through both models,
# with --allow-known (exit 0 while every cause found is a known divergence,
# 1 on a new one). Writes OUT_DIR/exhaust-report.json and the shortest
# witnesses under OUT_DIR/witnesses; merge-reports.sh with --allow-known
# then says whether the union is complete.
# Usage: exhaust-shard.sh OUT_DIR SHARD SCOPE DEPTH [REPLAY-FUZZ ARGS...]   (SHARD as i/n)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="${1:?output directory}"
shard="${2:?shard i/n}"
scope="${3:?scope}"
depth="${4:?depth}"
shift 4
mkdir -p "$out"
rc=0
replay_fuzz exhaust --scope "$scope" --depth "$depth" --shard "$shard" --allow-known --no-progress \
  --report "$out/exhaust-report.json" --witnesses "$out/witnesses" "$@" || rc=$?
case "$rc" in
  0) ci_summary "### Exhaustive shard $shard" "" "Scope $scope to depth $depth under both models: only known divergences." ;;
  1) ci_error "exhaust shard $shard: a cause the divergence catalogue does not know (see $out/exhaust-report.json and $out/witnesses)" ;;
  *) ci_error "exhaust shard $shard: replay-fuzz exited $rc (usage, setup or interrupted)" ;;
esac
exit "$rc"
