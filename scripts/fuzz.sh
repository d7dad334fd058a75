#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each one
# for a bounded time, starting from the seed corpus in fuzz/corpus and every past finding
# in fuzz/regressions. Exits non-zero when a target crashes, hangs, leaks or runs out of
# memory; the input is left in build-fuzz/artifacts/ (turn it into a regression: see
# docs/quality.md).
#   scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]   (targets: schedule media)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${ONAIR_FUZZ_BUILD_DIR:-$here/build-fuzz}
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(schedule media)

"$here/scripts/setup-deps.sh"
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DONAIR_FUZZ=ON -DONAIR_TESTS=OFF -DONAIR_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
  # libFuzzer adds what it learns to the first corpus folder: keep that out of the repo.
  work="$build/corpus/$t"
  mkdir -p "$work"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$build/artifacts/$t-" "$work" "$here/fuzz/corpus/$t")
  [ -d "$here/fuzz/regressions/$t" ] && args+=("$here/fuzz/regressions/$t")
  case $t in
    schedule) args=(-dict="$here/fuzz/schedule.dict" -max_len=16384 "${args[@]}") ;;
    media) args=(-max_len=65536 "${args[@]}") ;;
  esac
  echo "== fuzz_$t for ${seconds}s"
  if ! "$build/fuzz/fuzz_$t" "${args[@]}" 2>"$build/fuzz_$t.log"; then
    status=1
    grep -E "ERROR|SUMMARY|Test unit written" "$build/fuzz_$t.log" || tail -30 "$build/fuzz_$t.log"
    echo "fuzz_$t FAILED (full log: $build/fuzz_$t.log)" >&2
  else
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)" "$build/fuzz_$t.log" | tr '\n' ' '
    echo
    echo "fuzz_$t: no crash in ${seconds}s"
  fi
done
exit $status
