# Shared helpers for the scripts in scripts/ci (sourced, not run).

# The checkout these scripts belong to, and our built tools in it (run with
# the node on PATH, so the scripts work from any directory). REPLAY_FUZZ
# names another replay-fuzz to run (the tests of these scripts use a fake).
CI_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
replay_fuzz() {
  if [[ -n "${REPLAY_FUZZ:-}" ]]; then "$REPLAY_FUZZ" "$@"; else node "$CI_REPO/dist/bin/replay-fuzz.js" "$@"; fi
}
our_cross_validate() {
  node "$CI_REPO/dist/bin/cross-validate.js" "$@"
}

# A random uint64 seed, as decimal.
random_u64() {
  od -An -N8 -tu8 /dev/urandom | tr -d ' '
}

# A random integer in [lo, hi].
random_between() {
  local lo="$1" hi="$2"
  echo $(( lo + $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % (hi - lo + 1) ))
}

# Annotates a failure on GitHub (plain line elsewhere).
ci_error() {
  if [[ -n "${GITHUB_ACTIONS:-}" ]]; then echo "::error::$*"; else echo "error: $*" >&2; fi
}

# Appends Markdown to the job summary when there is one.
ci_summary() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then printf '%s\n' "$@" >> "$GITHUB_STEP_SUMMARY"; fi
}
