#!/usr/bin/env bash
# Runs the jobs of .github/workflows/ci.yml here, step by step, with the
# same scripts and our own tools standing in for what only CI builds:
# upstream's Lean peering-replay (peering-replay-ts), upstream's C++
# cross_validate (our cross-validate) and the C++ adapter (peering-render
# --model cpp). Campaigns are smaller than CI's. GITHUB_ACTIONS and
# GITHUB_STEP_SUMMARY are set, so the annotations and the job summaries the
# steps write can be read at the end. Try a workflow change here before
# pushing it; what this cannot try (matrix, caches, artifacts' upload,
# conditions) the workflow test in npm test checks.
#
# Usage: scripts/ci/local.sh [--list] [JOB...]
#   JOB: test test-long fuzz merge explore exhaust upstream cpp-adapter
#        (default: every job but test and test-long, which are npm test and
#        npm run test:long as they stand)
#   --list  print the jobs and the steps each runs, and exit
# Env: LOCAL_CI_DIR (scratch directory, default: a new one under /tmp, kept),
#   LOCAL_CI_CYCLES (fuzz cycles per profile, default 12),
#   LOCAL_CI_EXHAUST_DEPTH (depth of the exhaustive shards, default 2; CI: 4).
# Exit status: 0 when every job passed, 1 otherwise (each job's status is listed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ALL_JOBS=(test test-long fuzz merge explore exhaust upstream cpp-adapter)
DEFAULT_JOBS=(fuzz merge explore exhaust upstream cpp-adapter)
cycles="${LOCAL_CI_CYCLES:-12}"
seed="$(random_u64)"
ci="$CI_REPO/scripts/ci"

steps_of() {
  case "$1" in
    test) echo "npm test" ;;
    test-long) echo "npm run test:long" ;;
    fuzz) echo "fuzz-shard.sh, for lean-core and full, shards 1/3 2/3 3/3 (reports laid out as download-artifact does)" ;;
    merge) echo "merge-reports.sh for lean-core and full (after fuzz)" ;;
    explore) echo "explore-gate.sh (replay-fuzz --profile explore --model both --allow-known)" ;;
    exhaust) echo "exhaust-shard.sh for shards 1/2 and 2/2 of scope small, then merge-reports.sh --allow-known (the union must be complete)" ;;
    upstream) echo "lean-pipe.sh, cpp-vs-ours.sh, mirror-differential.sh (stand-ins: peering-replay, cross_validate; our bins on PATH)" ;;
    cpp-adapter) echo "adapter-vs-upstream.sh, adapters/cpp/compare.sh, adapter-fuzz.sh (stand-ins: cross_validate, peering_adapter)" ;;
    *) return 1 ;;
  esac
}

# A PATH directory of tools: ours under their own names (as npm i -g installs
# them) and stand-ins under upstream's.
make_tools() {
  local bin="$1" node
  node="$(command -v node)"
  mkdir -p "$bin"
  tool() {
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$2" > "$bin/$1"
    chmod +x "$bin/$1"
  }
  tool cross-validate "$CI_REPO/dist/bin/cross-validate.js"
  tool peering-replay-ts "$CI_REPO/dist/scripts/peering-replay-ts.js"
  tool peering-trace-diff "$CI_REPO/dist/scripts/peering-trace-diff.js"
  tool replay-fuzz "$CI_REPO/dist/bin/replay-fuzz.js"
  tool peering-render "$CI_REPO/dist/scripts/peering-render.js"
  # Upstream's Lean checker: our mirror answers as Lean does.
  tool peering-replay "$CI_REPO/dist/scripts/peering-replay-ts.js"
  # Upstream's C++ generator.
  tool cross_validate "$CI_REPO/dist/bin/cross-validate.js"
  # The C++ adapter: our port of the same reducer, under the same protocol.
  printf '#!/bin/sh\nexec "%s" "%s" --model cpp "$@"\n' "$node" "$CI_REPO/dist/scripts/peering-render.js" > "$bin/peering_adapter"
  chmod +x "$bin/peering_adapter"
}

job_test() { (cd "$CI_REPO" && npm test); }
job_test_long() { (cd "$CI_REPO" && npm run test:long); }

job_fuzz() {
  local rc=0 profile shard
  for profile in lean-core full; do
    for shard in 1 2 3; do
      "$ci/fuzz-shard.sh" "$profile" "$shard/3" "$seed" "$cycles" "$work/fuzz-$profile-$shard" || rc=1
      # What download-artifact lays out for the merge job: one folder per artifact.
      mkdir -p "$work/reports-$profile/fuzz-report-$profile-$shard"
      cp "$work/fuzz-$profile-$shard"/fuzz-report.json "$work/fuzz-$profile-$shard"/fuzz-junit.xml "$work/reports-$profile/fuzz-report-$profile-$shard/" 2>/dev/null || true
    done
  done
  return "$rc"
}

job_merge() {
  local rc=0 profile
  for profile in lean-core full; do
    mkdir -p "$work/reports-$profile"
    "$ci/merge-reports.sh" "$work/reports-$profile" "$work/merged-$profile.json" || rc=1
  done
  return "$rc"
}

job_explore() {
  "$ci/explore-gate.sh" "$work/explore-out" "$seed" "$cycles" --event-range 32 400 --jobs 2 --minimize
}

job_exhaust() {
  local rc=0 shard depth="${LOCAL_CI_EXHAUST_DEPTH:-2}"
  for shard in 1 2; do
    "$ci/exhaust-shard.sh" "$work/exhaust-$shard" "$shard/2" small "$depth" --jobs 2 || rc=1
    mkdir -p "$work/reports-exhaust/exhaust-report-$shard"
    cp "$work/exhaust-$shard/exhaust-report.json" "$work/reports-exhaust/exhaust-report-$shard/" 2>/dev/null || true
  done
  "$ci/merge-reports.sh" "$work/reports-exhaust" "$work/merged-exhaust.json" exhaust-report.json --allow-known || rc=1
  return "$rc"
}

job_upstream() {
  local rc=0
  (cd "$work" && "$ci/lean-pipe.sh" 3 lean-pipe-failures) || rc=1
  (cd "$work" && "$ci/cpp-vs-ours.sh" "$work/bin/cross_validate" 5 cpp-differences) || rc=1
  (cd "$work" && "$ci/mirror-differential.sh" "$CI_REPO" 1 mirror-differences) || rc=1
  return "$rc"
}

job_cpp_adapter() {
  local rc=0
  "$ci/adapter-vs-upstream.sh" "$work/bin/cross_validate" "$work/bin/peering_adapter" "$work/adapter-differences" || rc=1
  "$CI_REPO/adapters/cpp/compare.sh" "$work/bin/peering_adapter" --profile lean-core --profile full --profile explore --seeds 1 3 --events 100 \
    --keep "$work/adapter-differences" "$CI_REPO"/test/fixtures/protocol/*.events.jsonl || rc=1
  "$ci/adapter-fuzz.sh" "$work/bin/peering_adapter" "$seed" "$cycles" "$work/adapter-differences" || rc=1
  return "$rc"
}

main() {
  local jobs=() job
  for arg in "$@"; do
    case "$arg" in
      --list)
        for job in "${ALL_JOBS[@]}"; do printf '%-12s %s\n' "$job" "$(steps_of "$job")"; done
        return 0 ;;
      -*) echo "local.sh: unknown option $arg (usage: local.sh [--list] [JOB...])" >&2; return 2 ;;
      *) steps_of "$arg" > /dev/null || { echo "local.sh: no job named $arg (jobs: ${ALL_JOBS[*]})" >&2; return 2; }
         jobs+=("$arg") ;;
    esac
  done
  [[ ${#jobs[@]} -gt 0 ]] || jobs=("${DEFAULT_JOBS[@]}")
  [[ -f "$CI_REPO/dist/bin/replay-fuzz.js" ]] || { echo "local.sh: no build in $CI_REPO/dist: run npm run build first" >&2; return 2; }

  work="${LOCAL_CI_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/local-ci.XXXXXX")}"
  mkdir -p "$work"
  make_tools "$work/bin"
  export PATH="$work/bin:$PATH" GITHUB_ACTIONS=true
  local results=() failed=0
  for job in "${jobs[@]}"; do
    export GITHUB_STEP_SUMMARY="$work/summary-$job.md"
    : > "$GITHUB_STEP_SUMMARY"
    echo "== local.sh: job $job: $(steps_of "$job")"
    if "job_${job//-/_}"; then results+=("$job: passed"); else results+=("$job: FAILED"); failed=1; fi
  done
  echo "== local.sh: campaign seed $seed; scratch, outputs and job summaries in $work"
  printf '  %s\n' "${results[@]}"
  return "$failed"
}

main "$@"
