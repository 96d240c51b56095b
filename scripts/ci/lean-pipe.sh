#!/usr/bin/env bash
# Our lean-core and full traces for random seeds through upstream's real Lean
# checker, with the pipe a user types:
#   cross-validate --profile P --seed S | peering-replay -
# Needs `cross-validate` and `peering-replay` on PATH.
# Usage: lean-pipe.sh RUNS_PER_PROFILE OUT_DIR   (failing traces are kept in OUT_DIR)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs="${1:?runs per profile}"
out="${2:?output directory}"
mkdir -p "$out"
failed=0
for profile in lean-core full; do
  for _ in $(seq "$runs"); do
    seed="$(random_u64)"
    events="$(random_between 1 1024)"
    if ! cross-validate --profile "$profile" --seed "$seed" --events "$events" 2>/dev/null | peering-replay - > /dev/null; then
      failed=$((failed + 1))
      trace="$out/$profile-seed$seed-events$events.jsonl"
      cross-validate --profile "$profile" --seed "$seed" --events "$events" > "$trace" 2>/dev/null || true
      ci_error "peering-replay rejects: cross-validate --profile $profile --seed $seed --events $events (trace kept as $(basename "$trace"))"
    fi
  done
  echo "$profile: $runs random seeds piped into peering-replay"
done
ci_summary "### Our traces through Lean's peering-replay" "" "$((2 * runs)) traces (lean-core and full), $failed rejected."
[[ "$failed" -eq 0 ]]
