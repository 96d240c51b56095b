#!/usr/bin/env bash
# The divergence gate: an explore campaign under both models with
# --allow-known, which exits 0 while every finding is a divergence the
# catalogue knows and 1 on anything else (a new divergence, a producer or
# implementation bug). Extra arguments go to replay-fuzz (--impl, --jobs...).
# Writes OUT_DIR/explore-report.json, OUT_DIR/explore.html and failing
# traces under OUT_DIR/failures. Needs replay-fuzz --allow-known.
# Usage: explore-gate.sh OUT_DIR CAMPAIGN_SEED CYCLES [REPLAY-FUZZ ARGS...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="${1:?output directory}"
seed="${2:?campaign seed}"
cycles="${3:?cycles}"
shift 3
mkdir -p "$out"
rc=0
replay_fuzz --profile explore --model both --allow-known --campaign-seed "$seed" --cycles "$cycles" \
  --save-failure-traces "$out/failures" --report "$out/explore-report.json" --html "$out/explore.html" "$@" || rc=$?
case "$rc" in
  0) ci_summary "### Explore gate" "" "$cycles cycles under both models: only known divergences." ;;
  1) ci_error "explore gate: a finding the divergence catalogue does not know, or a producer/implementation bug (see $out/explore-report.json)" ;;
  *) ci_error "explore gate: replay-fuzz exited $rc (usage or setup error)" ;;
esac
exit "$rc"
