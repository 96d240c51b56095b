#!/usr/bin/env bash
# The Lean mirror kept honest against Lean itself: on every trace, real
# `peering-replay` and `peering-replay-ts --model lean` must both accept or
# both reject. Traces: the divergence fixtures, plus generated traces of
# every profile our cross-validate offers (explore when it exists).
# Usage: mirror-differential.sh REPO_DIR RUNS_PER_PROFILE OUT_DIR
#   (`cross-validate`, `peering-replay`, `peering-replay-ts` on PATH;
#    traces where the two disagree are kept in OUT_DIR)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

repo="${1:?repository checkout}"
runs="${2:?generated traces per profile}"
out="${3:?output directory}"
mkdir -p "$out/generated"

# Accept (0) or reject (1); anything else is a broken run, not a verdict.
verdict() {
  local rc=0
  "$@" > /dev/null 2>&1 || rc=$?
  case "$rc" in
    0) echo accept ;;
    1 | 3) echo reject ;;
    *) echo "error($rc)" ;;
  esac
}

traces=()
while IFS= read -r -d '' f; do traces+=("$f"); done < <(find "$repo/test/fixtures/divergences" -name '*.jsonl' -print0 2>/dev/null | sort -z)
profiles=(lean-core full)
if cross-validate --profile explore --seed 1 --events 5 > /dev/null 2>&1; then profiles+=(explore); fi
for profile in "${profiles[@]}"; do
  for _ in $(seq "$runs"); do
    seed="$(random_u64)"
    events="$(random_between 1 512)"
    trace="$out/generated/$profile-seed$seed-events$events.jsonl"
    cross-validate --profile "$profile" --seed "$seed" --events "$events" > "$trace" 2> /dev/null
    traces+=("$trace")
  done
done

differ=0
for trace in "${traces[@]}"; do
  lean="$(verdict peering-replay "$trace")"
  mirror="$(verdict peering-replay-ts --model lean "$trace")"
  if [[ "$lean" != "$mirror" || "$mirror" == error* ]]; then
    differ=$((differ + 1))
    cp "$trace" "$out/"
    ci_error "$(basename "$trace"): Lean's peering-replay says $lean, peering-replay-ts --model lean says $mirror"
  fi
done
rm -rf "$out/generated"
echo "${#traces[@]} traces (profiles: ${profiles[*]}, plus the divergence fixtures): $differ verdicts differ"
ci_summary "### Lean mirror against Lean" "" "${#traces[@]} traces (divergence fixtures; generated ${profiles[*]}): $differ verdicts differ."
[[ "$differ" -eq 0 ]]
