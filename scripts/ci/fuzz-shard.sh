#!/usr/bin/env bash
# One shard of a profile's fuzz campaign, as CI runs it: in-process, two
# jobs, the image invariant required, failures minimized and kept.
# Writes OUT_DIR/fuzz-report.json, OUT_DIR/fuzz-junit.xml and failing traces
# under OUT_DIR/failures. Exit status: replay-fuzz's (0 passed, 1 failures).
# Usage: fuzz-shard.sh PROFILE SHARD CAMPAIGN_SEED CYCLES OUT_DIR   (SHARD as i/n)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

profile="${1:?profile}"
shard="${2:?shard i/n}"
seed="${3:?campaign seed}"
cycles="${4:?cycles}"
out="${5:?output directory}"
mkdir -p "$out"
replay_fuzz --profile "$profile" --cycles "$cycles" --event-range 32 1024 --jobs 2 \
  --require-cpp-image-invariant --campaign-seed "$seed" --shard "$shard" --timeout 300 \
  --minimize --save-failure-traces "$out/failures" \
  --report "$out/fuzz-report.json" --junit "$out/fuzz-junit.xml"
