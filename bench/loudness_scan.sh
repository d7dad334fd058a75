#!/usr/bin/env bash
# Benchmark: the first loudness measurement of a 1 h MP3 (`onair check` of a day with
# `loudness:` on and an empty probe cache: probe + scan) beside ffmpeg's own
# `ffmpeg -i FILE -af ebur128=peak=true -f null -` (CPU and wall; target ratio <= 1.0),
# then a warm `onair check` of a year of day files with loudness on (365 days using the
# same few files; target < 1 s).
# Usage: bench/loudness_scan.sh [BUILD_DIR]     MINUTES=10 DAYS=30 bench/loudness_scan.sh (quick)
# The last line, "RESULT loudness_scan key=value ...", is for bench/run_all.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
onair="$build/cli/onair"
[ -x "$onair" ] || { echo "build onair first (scripts/build.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/media" "$work/schedules"
minutes=${MINUTES:-60}
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

# Programme-like audio: pink noise whose level moves slowly (a non-trivial loudness range).
ff -f lavfi -i "anoisesrc=color=pink:amplitude=0.3:duration=$((minutes * 60)):seed=11" \
   -af "volume='0.6+0.4*sin(t/20)':eval=frame" -ac 2 -ar 44100 -c:a libmp3lame -b:a 128k "$work/media/long.mp3"
for i in 1 2 3; do
  ff -f lavfi -i "anoisesrc=color=pink:amplitude=0.$((i * 2)):duration=$((30 + i * 10)):seed=$i" \
     -ac 2 -c:a libmp3lame -b:a 128k "$work/media/s$i.mp3"
done

# CPU seconds (user+sys) and wall seconds of a command, from GNU time.
measure() {
  /usr/bin/time -f "%U %S %e" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  read -r u s e < "$work/time"
  echo "$(echo "$u + $s" | bc -l) $e"
}

printf 'date: 2011-11-26\nloudness: { target: -16 }\nprograms:\n  - at: "06:00"\n    items:\n      - file: long.mp3\n' \
  > "$work/schedules/long.yaml"
read -r ff_cpu ff_wall < <(measure ffmpeg -nostdin -hide_banner -nostats -i "$work/media/long.mp3" -af ebur128=peak=true -f null -)
read -r on_cpu on_wall < <(measure "$onair" check "$work/schedules/long.yaml" --probe-cache "$work/long-cache.json")
read -r warm_cpu warm_wall < <(measure "$onair" check "$work/schedules/long.yaml" --probe-cache "$work/long-cache.json")
cpu_ratio=$(echo "$on_cpu / $ff_cpu" | bc -l)
wall_ratio=$(echo "$on_wall / $ff_wall" | bc -l)
printf 'first loudness measurement of a %d min MP3 (44.1 kHz stereo, 128 kb/s)\n' "$minutes"
printf '  ffmpeg -af ebur128=peak=true:  cpu %7.2f s  wall %7.2f s\n' "$ff_cpu" "$ff_wall"
printf '  onair check (probe + scan):    cpu %7.2f s  wall %7.2f s   ratio cpu %.2f wall %.2f\n' \
  "$on_cpu" "$on_wall" "$cpu_ratio" "$wall_ratio"
printf '  onair check again (cached):    cpu %7.2f s  wall %7.2f s\n' "$warm_cpu" "$warm_wall"
if (( $(echo "$wall_ratio <= 1.0" | bc -l) )); then scan_met=yes; echo "  target ratio <= 1.0: met"; else scan_met=no; echo "  target ratio <= 1.0: MISSED"; fi

# A year: 365 day files, 6 programmes of 3 items each from the few short files, cued
# differently so each file has several measured ranges.
start=$(date -d 2011-01-01 +%s)
days=${DAYS:-365}
files=()
for d in $(seq 0 $((days - 1))); do
  day=$(date -u -d "@$((start + d * 86400))" +%F)
  {
    echo "date: $day"
    echo "loudness: { target: -16, true_peak: -1, max_gain: 12 }"
    echo "programs:"
    for p in 0 1 2 3 4 5; do
      printf '  - id: p%d\n    at: "%02d:00"\n    items:\n' "$p" $((6 + p * 2))
      for k in 1 2 3; do printf '      - file: s%d.mp3\n        in: "0:%02d"\n' "$k" $((p % 3 * 5)); done
    done
  } > "$work/schedules/$day.yaml"
  files+=("$work/schedules/$day.yaml")
done
year() { /usr/bin/time -f "%U %S %e" -o "$work/year-time" "$onair" check "${files[@]}" --media-root "$work/media" --probe-cache "$work/year-cache.json" >/dev/null 2>&1; }
t0=$(date +%s.%N); year; t1=$(date +%s.%N)
t2=$(date +%s.%N); year; t3=$(date +%s.%N)
read -r wu ws we < "$work/year-time"
year_cpu=$(echo "$wu + $ws" | bc -l)
cold=$(echo "$t1 - $t0" | bc -l)
warm=$(echo "$t3 - $t2" | bc -l)
printf 'check of %d day files with loudness on (%d items)\n' "$days" $((days * 18))
printf '  cold (probe + measure):  %7.3f s\n  warm (cache):            %7.3f s   (cpu %.2f s)\n' "$cold" "$warm" "$year_cpu"
if (( $(echo "$warm < 1.0" | bc -l) )); then year_met=yes; echo "  target < 1 s: met"; else year_met=no; echo "  target < 1 s: MISSED"; fi
printf 'RESULT loudness_scan minutes=%d ffmpeg_cpu_s=%.2f ffmpeg_wall_s=%.2f onair_cpu_s=%.2f onair_wall_s=%.2f cpu_ratio=%.2f wall_ratio=%.2f scan_met=%s year_days=%d year_warm_s=%.3f year_warm_cpu_s=%.2f year_met=%s\n' \
  "$minutes" "$ff_cpu" "$ff_wall" "$on_cpu" "$on_wall" "$cpu_ratio" "$wall_ratio" "$scan_met" "$days" "$warm" "$year_cpu" "$year_met"
