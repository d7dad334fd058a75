#!/usr/bin/env bash
# Soak: a simulated week of the station daemon (7 day schedules, a few hundred media files,
# thousands of items) on a virtual clock, free-running into a null output, with resident
# memory sampled every 10 simulated minutes. Fails if memory is not flat (growth after the
# first day > 4 MB, or a trend over days 2-7 > 1 MB/day, or open files growing) or if the
# as-run misses or misplaces any scheduled item. See docs/benchmarks.md.
#   bench/soak_week.sh [BUILD_DIR] [soak_week options]     e.g. bench/soak_week.sh build --hours 12
# The line "RESULT soak key=value ..." is for bench/run_all.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then build=$1; shift; fi
soak=$build/bench/soak_week
[ -x "$soak" ] || { echo "missing $soak; build it first: cmake --build $build --target soak_week" >&2; exit 2; }
exec "$soak" --days 7 "$@"
