#!/usr/bin/env bash
# Benchmark: `onair check` of one day with PROGRAMMES programmes (default 10,000, the
# per-day limit) of one item each, and of DAYS such day files at once. Shows that check
# is linear in the size of the day (it was quadratic: 100,000 programmes took 41 s).
# Usage: bench/check_long_day.sh [BUILD_DIR]     PROGRAMMES=5000 DAYS=3 bench/check_long_day.sh
# Prints wall time and peak RSS (/usr/bin/time -v) for each run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
onair="$build/cli/onair"
[ -x "$onair" ] || { echo "build onair first (scripts/build.sh)" >&2; exit 2; }
n=${PROGRAMMES:-10000}
days=${DAYS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/media" "$work/schedules"
ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" \
  -ac 2 -c:a libmp3lame -b:a 128k "$work/media/a.mp3"
# Programmes spread evenly over the day (millisecond start times), each one short item.
python3 - "$n" "$work/schedules/2011-01-01.yaml" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("timezone: Asia/Ho_Chi_Minh\nprograms:\n")
    for i in range(n):
        ms = i * 86_400_000 // n
        h, rem = divmod(ms, 3_600_000); m, rem = divmod(rem, 60_000); s, ms = divmod(rem, 1000)
        f.write(f'  - id: p{i}\n    at: "{h:02d}:{m:02d}:{s:02d}.{ms:03d}"\n    start: soft\n'
                f'    items:\n      - file: a.mp3\n')
PY
for d in $(seq 2 "$days"); do
  cp "$work/schedules/2011-01-01.yaml" "$work/schedules/2011-01-$(printf %02d "$d").yaml"
done
measure() {
  local label=$1; shift
  /usr/bin/time -v "$onair" check "$@" --probe-cache "$work/cache.json" >/dev/null 2>"$work/time.txt" || true
  local wall rss
  wall=$(grep "Elapsed (wall" "$work/time.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$work/time.txt" | awk '{print $NF}')
  echo "$label: wall $wall, peak RSS ${rss} KB"
  grep -m3 -E "error" "$work/time.txt" || true
}
"$onair" check "$work/schedules/2011-01-01.yaml" --probe-cache "$work/cache.json" >/dev/null 2>&1 || true
measure "1 day x $n programmes" "$work/schedules/2011-01-01.yaml"
measure "$days days x $n programmes" "$work"/schedules/*.yaml
