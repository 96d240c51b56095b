#!/usr/bin/env bash
# replay-fuzz drives the C++ adapter through the protocol (explore profile):
# first under the C++ model, where every trace it returns must pass; then
# under both models through the divergence gate (explore-gate.sh), where
# only divergences the catalogue knows may appear.
# Usage: adapter-fuzz.sh ADAPTER CAMPAIGN_SEED CYCLES OUT_DIR
#   (OUT_DIR/fuzz-cpp: failures under the C++ model; OUT_DIR/adapter-both.json: the gate's report)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

adapter="${1:?path to the adapter}"
seed="${2:?campaign seed}"
cycles="${3:?cycles}"
out="${4:?output directory}"
mkdir -p "$out"
cpp_rc=0
replay_fuzz --profile explore --impl "$adapter" --model cpp --campaign-seed "$seed" --cycles "$cycles" \
  --event-range 32 400 --timeout 120 --save-failure-traces "$out/fuzz-cpp" || cpp_rc=$?
[[ "$cpp_rc" == 0 ]] || ci_error "the adapter's traces fail the C++ model (replay-fuzz exited $cpp_rc; traces in $out/fuzz-cpp)"
gate_rc=0
"$(dirname "$0")/explore-gate.sh" "$out/both" "$seed" "$cycles" --impl "$adapter" --event-range 32 400 --timeout 120 || gate_rc=$?
if [[ -f "$out/both/explore-report.json" ]]; then cp "$out/both/explore-report.json" "$out/adapter-both.json"; fi
[[ "$cpp_rc" == 0 && "$gate_rc" == 0 ]]
