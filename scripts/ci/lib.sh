# Shared helpers for the scripts in scripts/ci (sourced, not run).

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
