#!/usr/bin/env bash
# Benchmark: `onair check` of a year of day files (365 days × 40 items) with a warm
# probe cache. Target: under one second. The cold run (every file probed by FFmpeg)
# is measured in the same invocation for reference.
# Usage: bench/check_year.sh [BUILD_DIR]       DAYS=30 bench/check_year.sh (a quick try)
# The last line, "RESULT check_year key=value ...", is for bench/run_all.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
onair="$build/cli/onair"
[ -x "$onair" ] || { echo "build onair first (scripts/build.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/media/src" "$work/schedules/templates"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
for i in 1 2 3 4 5; do
  ff -f lavfi -i "sine=frequency=$((200 + i * 100)):sample_rate=48000:duration=$((20 + i * 7))" \
     -ac 2 -c:a libmp3lame -b:a 128k "$work/media/src/$i.mp3"
done

# A weekday template of 8 programmes × 5 items; media paths are dated, so each day names
# 40 distinct files (hard links to the five real ones): 14,600 files in the year.
{
  echo 'title: "Chương trình phát thanh ngày {dd}/{mm}/{yyyy}"'
  echo "timezone: Asia/Ho_Chi_Minh"
  echo "programs:"
  for p in 0 1 2 3 4 5 6 7; do
    printf '  - id: p%d\n    at: "%02d:00"\n    items:\n' "$p" $((5 + p * 2))
    for k in 1 2 3 4 5; do
      printf '      - file: news/{date}/p%d-%d.mp3\n        title: "Bản tin %d.%d"\n' "$p" "$k" "$p" "$k"
    done
  done
} > "$work/schedules/templates/day.yaml"

start=$(date -d 2011-01-01 +%s)
files=()
days=${DAYS:-365}
for d in $(seq 0 $((days - 1))); do
  day=$(date -u -d "@$((start + d * 86400))" +%F)
  mkdir -p "$work/media/news/$day"
  for p in 0 1 2 3 4 5 6 7; do
    for k in 1 2 3 4 5; do ln "$work/media/src/$k.mp3" "$work/media/news/$day/p$p-$k.mp3"; done
  done
  echo "template: day" > "$work/schedules/$day.yaml"
  files+=("$work/schedules/$day.yaml")
done

cache="$work/probe-cache.json"
run() { "$onair" check "${files[@]}" --probe-cache "$cache" >/dev/null 2>&1; }
t0=$(date +%s.%N); run; t1=$(date +%s.%N)
t2=$(date +%s.%N); run; t3=$(date +%s.%N)
t4=$(date +%s.%N); run; t5=$(date +%s.%N)
cold=$(echo "$t1 - $t0" | bc -l)
warm1=$(echo "$t3 - $t2" | bc -l)
warm2=$(echo "$t5 - $t4" | bc -l)
warm=$(echo "if ($warm1 < $warm2) $warm1 else $warm2" | bc -l)
items=$((days * 40))
printf 'check of %d day files, %d items (%d distinct media files)\n' "$days" "$items" "$items"
printf '  cold (probe every file with FFmpeg): %8.3f s\n' "$cold"
printf '  warm (probe cache):                  %8.3f s   (%.1f µs per item)\n' "$warm" "$(echo "$warm * 1000000 / $items" | bc -l)"
printf '  warm / cold ratio:                   %8.3f\n' "$(echo "$warm / $cold" | bc -l)"
if (( $(echo "$warm < 1.0" | bc -l) )); then met=yes; echo "  target < 1 s: met"; else met=no; echo "  target < 1 s: MISSED"; fi
printf 'RESULT check_year days=%d items=%d cold_s=%.3f warm_s=%.3f met=%s\n' "$days" "$items" "$cold" "$warm" "$met"
