#!/usr/bin/env bash
# Upstream's C++ cross_validate against our cross-validate on random argv:
# stdout byte for byte, stderr and exit status equal.
# Usage: cpp-vs-ours.sh UPSTREAM_CROSS_VALIDATE RUNS OUT_DIR   (`cross-validate` on PATH)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

upstream="${1:?path to upstream cross_validate}"
runs="${2:?number of runs}"
out="${3:?output directory}"
mkdir -p "$out"
profiles=(lean-core full)
formats=(jsonl legacy)
failed=0
for i in $(seq "$runs"); do
  args=(--profile "${profiles[$((RANDOM % 2))]}" --seed "$(random_u64)" --events "$(random_between 0 2000)" --format "${formats[$((RANDOM % 2))]}")
  ours_rc=0 theirs_rc=0
  cross-validate "${args[@]}" > "$out/ours.out" 2> "$out/ours.err" || ours_rc=$?
  "$upstream" "${args[@]}" > "$out/upstream.out" 2> "$out/upstream.err" || theirs_rc=$?
  if [[ "$ours_rc" != "$theirs_rc" ]] || ! cmp -s "$out/ours.out" "$out/upstream.out" || ! cmp -s "$out/ours.err" "$out/upstream.err"; then
    failed=$((failed + 1))
    keep="$out/run$i"
    mkdir -p "$keep"
    mv "$out"/ours.* "$out"/upstream.* "$keep/"
    printf '%s\n' "${args[*]}" > "$keep/argv"
    ci_error "cross-validate ${args[*]}: differs from upstream (exit $ours_rc vs $theirs_rc; outputs kept in run$i)"
    peering-trace-diff --model cpp --strict "$keep/upstream.out" "$keep/ours.out" | head -20 || true
  fi
done
rm -f "$out"/ours.* "$out"/upstream.*
echo "$runs random argv compared with upstream's cross_validate, $failed differed"
ci_summary "### Upstream C++ generator against ours" "" "$runs random argv, $failed differed (stdout bytes, stderr, exit status)."
[[ "$failed" -eq 0 ]]
