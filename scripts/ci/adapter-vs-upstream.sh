#!/usr/bin/env bash
# The C++ adapter against upstream's cross_validate on the same argv: our
# event stream (cross-validate --emit events) through the adapter must give
# upstream's trace byte for byte. Each side's exit status is checked on its
# own, so two failing sides (two empty outputs) never compare equal.
# Usage: adapter-vs-upstream.sh UPSTREAM_CROSS_VALIDATE ADAPTER OUT_DIR
#   (differences are kept in OUT_DIR/adapter-vs-upstream)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

upstream="${1:?path to upstream cross_validate}"
adapter="${2:?path to the adapter}"
out="${3:?output directory}/adapter-vs-upstream"
mkdir -p "$out"
argvs=("--profile lean-core --seed 1 --events 200" "--profile full --seed 7 --events 200")
failed=0
for i in "${!argvs[@]}"; do
  read -r -a args <<< "${argvs[$i]}"
  theirs_rc=0
  "$upstream" "${args[@]}" > "$out/upstream.out" 2> "$out/upstream.err" || theirs_rc=$?
  set +e
  our_cross_validate "${args[@]}" --emit events 2> "$out/events.err" | "$adapter" > "$out/adapter.out" 2> "$out/adapter.err"
  status=("${PIPESTATUS[@]}")
  set -e
  problem=""
  if [[ "$theirs_rc" != 0 ]]; then problem="upstream's cross_validate exited $theirs_rc"
  elif [[ "${status[0]}" != 0 ]]; then problem="cross-validate --emit events exited ${status[0]}"
  elif [[ "${status[1]}" != 0 ]]; then problem="the adapter exited ${status[1]}"
  elif [[ ! -s "$out/upstream.out" ]]; then problem="upstream's cross_validate wrote nothing"
  elif ! cmp -s "$out/upstream.out" "$out/adapter.out"; then problem="the adapter's trace differs from upstream's"
  fi
  if [[ -n "$problem" ]]; then
    failed=$((failed + 1))
    mkdir -p "$out/run$i"
    mv "$out"/upstream.* "$out"/adapter.* "$out"/events.err "$out/run$i/"
    printf '%s\n' "${argvs[$i]}" > "$out/run$i/argv"
    ci_error "adapter vs upstream, ${argvs[$i]}: $problem (outputs kept in run$i)"
  fi
done
rm -f "$out"/upstream.* "$out"/adapter.* "$out"/events.err
echo "${#argvs[@]} argv compared (adapter against upstream's cross_validate), $failed failed"
ci_summary "### C++ adapter against upstream's cross_validate" "" "${#argvs[@]} argv, $failed failed (byte for byte, each side's exit status checked)."
[[ "$failed" -eq 0 ]]
