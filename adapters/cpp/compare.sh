#!/usr/bin/env bash
# Byte-for-byte comparison of two implementations of the protocol
# (docs/protocol.md) on the same event streams: by default the C++ adapter
# against our port, `peering-render --model cpp`.
#
# usage: adapters/cpp/compare.sh ADAPTER [options] [STREAM.events.jsonl ...]
#   --profile P       generate streams with cross-validate --profile P (repeatable;
#                     default lean-core and full unless stream files are given)
#   --seeds FIRST N   seeds FIRST .. FIRST+N-1 per profile (default 1 20)
#   --events N        cross-validate --events (default 200)
#   --other CMD       the implementation to compare with (default: peering-render --model cpp)
#   --keep DIR        keep the streams and both traces of every difference in DIR
#
# Prints one line per difference (the first differing line, from
# peering-trace-diff) and a count per profile. Exit: 0 all identical,
# 1 differences, 2 usage.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
node_bin=${NODE:-node}
cross_validate=("$node_bin" "$here/dist/bin/cross-validate.js")
trace_diff=("$node_bin" "$here/dist/scripts/peering-trace-diff.js" --model cpp)
other=("$node_bin" "$here/dist/scripts/peering-render.js" --model cpp)

usage() { echo "usage: $0 ADAPTER [--profile P]... [--seeds FIRST N] [--events N] [--other CMD] [--keep DIR] [STREAM...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
adapter=$1; shift
[ -x "$adapter" ] || { echo "compare.sh: not an executable: $adapter" >&2; exit 2; }

profiles=(); streams=(); first=1; count=20; events=200; keep=
while [ $# -gt 0 ]; do
  case $1 in
    --profile) [ $# -ge 2 ] || usage; profiles+=("$2"); shift 2 ;;
    --seeds) [ $# -ge 3 ] || usage; first=$2; count=$3; shift 3 ;;
    --events) [ $# -ge 2 ] || usage; events=$2; shift 2 ;;
    --other) [ $# -ge 2 ] || usage; read -r -a other <<<"$2"; shift 2 ;;
    --keep) [ $# -ge 2 ] || usage; keep=$2; mkdir -p "$keep"; shift 2 ;;
    -*) usage ;;
    *) streams+=("$1"); shift ;;
  esac
done
[ ${#profiles[@]} -gt 0 ] || [ ${#streams[@]} -gt 0 ] || profiles=(lean-core full)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
differences=0

# Runs both implementations on one stream; prints the verdict line.
compare_stream() {
  local label=$1 stream=$2 a_rc=0 b_rc=0
  "$adapter" <"$stream" >"$work/a.jsonl" 2>"$work/a.err" || a_rc=$?
  "${other[@]}" <"$stream" >"$work/b.jsonl" 2>"$work/b.err" || b_rc=$?
  if [ $a_rc -eq $b_rc ] && cmp -s "$work/a.jsonl" "$work/b.jsonl"; then return 0; fi
  differences=$((differences + 1))
  local why
  if [ $a_rc -ne $b_rc ]; then
    why="exit $a_rc vs $b_rc: $(head -c 300 "$work/a.err" | head -1) | $(head -c 300 "$work/b.err" | head -1)"
  else
    why=$("${trace_diff[@]}" "$work/a.jsonl" "$work/b.jsonl" 2>&1 | head -3 | tr '\n' ' ' | cut -c1-400 || true)
  fi
  echo "DIFF $label: $why"
  if [ -n "$keep" ]; then
    local base="$keep/${label//[^A-Za-z0-9_.-]/_}"
    cp "$stream" "$base.events.jsonl"; cp "$work/a.jsonl" "$base.adapter.jsonl"; cp "$work/b.jsonl" "$base.other.jsonl"
  fi
  return 1
}

for profile in "${profiles[@]}"; do
  same=0
  for ((seed = first; seed < first + count; seed++)); do
    "${cross_validate[@]}" --profile "$profile" --seed "$seed" --events "$events" --emit events >"$work/events.jsonl" 2>/dev/null
    if compare_stream "$profile-seed-$seed" "$work/events.jsonl"; then same=$((same + 1)); fi
  done
  echo "$profile: $same of $count streams identical (seeds $first..$((first + count - 1)), --events $events)"
done
if [ ${#streams[@]} -gt 0 ]; then
  same=0
  for stream in "${streams[@]}"; do
    if compare_stream "$(basename "$stream")" "$stream"; then same=$((same + 1)); fi
  done
  echo "files: $same of ${#streams[@]} streams identical"
fi
[ $differences -eq 0 ]
