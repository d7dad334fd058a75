#!/usr/bin/env bash
# Benchmark: `onair render` of a full day (24 h of audio from MP3 files: 24 hourly
# programmes, each a one-hour 128 kbit/s MP3) against the ffmpeg command decoding the same
# files to 48 kHz float in the same invocation. Targets: wall within 1.2× of ffmpeg, CPU
# within 1.0×; and `render --asrun` (which measures every item's loudness and true peak on
# the output) within 1.0× the CPU of ffmpeg measuring the same audio with its ebur128 filter.
# The audio goes to /dev/null in both cases (24 h of float WAV would be 33 GB).
#   bench/render_day.sh [BUILD_DIR]        WORK_DIR=/var/tmp/x bench/render_day.sh
#   ITEMS=6 ITEM_SECONDS=600 bench/render_day.sh     (a quick try: one hour of six 10-minute files)
#   TO_FILE=1 ITEMS=1 ITEM_SECONDS=900 bench/render_day.sh   (both write a real float WAV file:
#                                                  the write path too, as a producer renders)
# Each side runs REPEAT=3 times, alternating; the least time of each is compared.
# MEASURE=0 leaves out the measuring pair. RESULT_NAME names the RESULT line (default render).
# The last line, "RESULT render key=value ...", is for bench/run_all.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
onair=$build/cli/onair
work=${WORK_DIR:-${TMPDIR:-/tmp}/onair-bench}
[ -x "$onair" ] || { echo "build onair first (scripts/build.sh)" >&2; exit 2; }
items=${ITEMS:-24}
span=${ITEM_SECONDS:-3600}
rm -rf "$work/day"
mkdir -p "$work/day/media" "$work/day/schedules"
mp3=$work/hour-128k.mp3
[ "$span" = 3600 ] || mp3=$work/${span}s-128k.mp3
if [ ! -s "$mp3" ]; then
  echo "generating a ${span} s 128k MP3 in $mp3 (about a minute for an hour)..." >&2
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$span" \
    -f lavfi -i "anoisesrc=sample_rate=44100:amplitude=0.05:duration=$span:seed=1" \
    -filter_complex "[0:a][1:a]amix=inputs=2,aformat=channel_layouts=stereo" \
    -c:a libmp3lame -b:a 128k "$mp3.tmp.mp3"
  mv "$mp3.tmp.mp3" "$mp3"
fi
: > "$work/day/list.txt"
{
  echo "timezone: UTC"
  echo "programs:"
  for h in $(seq 0 $((items - 1))); do
    ln -f "$mp3" "$work/day/media/h$h.mp3"
    t=$((h * span))
    printf '  - id: h%02d\n    at: "%02d:%02d:%02d"\n    items: [{file: h%d.mp3}]\n' "$h" $((t / 3600)) $((t / 60 % 60)) $((t % 60)) "$h"
    echo "file '$work/day/media/h$h.mp3'" >> "$work/day/list.txt"
  done
} > "$work/day/schedules/2011-11-26.yaml"

measure() {  # prints "wall cpu maxrss_kb"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.out" "$@" >"$work/last.out" 2>&1 || { cat "$work/last.out"; exit 1; }
  read -r wall user sys rss <"$work/time.out"
  echo "$wall $(echo "$user + $sys" | bc) $rss"
}
"$onair" check "$work/day/schedules/2011-11-26.yaml" --probe-cache "$work/day/probe.json" >/dev/null 2>&1
ff_out=(-f f32le -ar 48000 -ac 2 -y /dev/null) on_out=/dev/null
if [ -n "${TO_FILE:-}" ]; then
  ff_out=(-c:a pcm_f32le -ar 48000 -ac 2 -y "$work/day/ffmpeg.wav") on_out=$work/day/onair.wav
fi
# Each command REPEAT times (default 3), alternating; the least CPU (and wall) of each is
# kept: on a shared machine noise only ever adds time.
best() {  # best CUR_WALL CUR_CPU CUR_RSS NEW_WALL NEW_CPU NEW_RSS -> the smaller of each
  echo "$(echo "if ($4 < $1 || $1 == 0) $4 else $1" | bc) $(echo "if ($5 < $2 || $2 == 0) $5 else $2" | bc) $(( $6 > $3 ? $6 : $3 ))"
}
to=$(date -u -d "2011-11-26 00:00 UTC + $((items * span)) seconds" +%FT%T)
render=("$onair" render "$work/day/schedules/2011-11-26.yaml" --from 00:00 --to "$to" --out "$on_out" --probe-cache "$work/day/probe.json")
ffmpeg=(ffmpeg -nostdin -hide_banner -loglevel error -f concat -safe 0 -i "$work/day/list.txt")
# Two pairs of the same work: decoding to 48 kHz float; and that with the loudness of what
# went out measured (onair: each item's integrated loudness and true peak for the as-run;
# ffmpeg: its ebur128 filter with true peak, over the whole). MEASURE=0 skips the second.
ff_wall=0 ff_cpu=0 ff_rss=0 on_wall=0 on_cpu=0 on_rss=0
fm_wall=0 fm_cpu=0 fm_rss=0 om_wall=0 om_cpu=0 om_rss=0
for _ in $(seq "${REPEAT:-3}"); do
  read -r w c r < <(measure "${ffmpeg[@]}" "${ff_out[@]}")
  read -r ff_wall ff_cpu ff_rss < <(best "$ff_wall" "$ff_cpu" "$ff_rss" "$w" "$c" "$r")
  read -r w c r < <(measure "${render[@]}")
  read -r on_wall on_cpu on_rss < <(best "$on_wall" "$on_cpu" "$on_rss" "$w" "$c" "$r")
  grep -q "rendered" "$work/last.out" && cp "$work/last.out" "$work/render.out"
  [ "${MEASURE:-1}" = 0 ] && continue
  read -r w c r < <(measure "${ffmpeg[@]}" -af aresample=48000,ebur128=peak=true "${ff_out[@]}")
  read -r fm_wall fm_cpu fm_rss < <(best "$fm_wall" "$fm_cpu" "$fm_rss" "$w" "$c" "$r")
  read -r w c r < <(measure "${render[@]}" --asrun "$work/day/asrun.jsonl")
  read -r om_wall om_cpu om_rss < <(best "$om_wall" "$om_cpu" "$om_rss" "$w" "$c" "$r")
done
rm -f "$work/day/ffmpeg.wav" "$work/day/onair.wav"
total=$((items * span))
if [ $((total / 3600)) -gt 0 ]; then hms=$(printf '%d:%02d:%02d' $((total / 3600)) $((total / 60 % 60)) $((total % 60)))
else hms=$(printf '%d:%02d' $((total / 60)) $((total % 60))); fi  # as format_duration prints it
grep -q "rendered $hms.000" "$work/render.out" || { echo "render did not cover $hms:"; cat "$work/render.out"; exit 1; }
verdict() { (( $(echo "$1 <= $2" | bc -l) )) && echo met || echo MISSED; }
echo "render of $hms of audio ($items × ${span} s 128k MP3) to 48 kHz float"
printf '  ffmpeg decode (reference):            wall %7.2f s  cpu %7.2f s  maxrss %4d MB\n' "$ff_wall" "$ff_cpu" $((ff_rss / 1024))
printf '  onair render:                         wall %7.2f s  cpu %7.2f s  maxrss %4d MB\n' "$on_wall" "$on_cpu" $((on_rss / 1024))
ratio=$(echo "$on_wall / $ff_wall" | bc -l)
cpu_ratio=$(echo "$on_cpu / $ff_cpu" | bc -l)
printf '  ratio onair/ffmpeg: wall %.2f (target ≤ 1.20: %s)  cpu %.2f (target ≤ 1.00: %s)\n' \
  "$ratio" "$(verdict "$ratio" 1.2)" "$cpu_ratio" "$(verdict "$cpu_ratio" 1.0)"
echo "  speed: $(echo "$total / $on_wall" | bc)× real time"
m_cpu_ratio=0 m_wall_ratio=0
if [ "${MEASURE:-1}" != 0 ]; then
  m_asrun=$(grep -c '"lufs"' "$work/day/asrun.jsonl" || true)
  [ "$m_asrun" -ge "$items" ] || { echo "the as-run has $m_asrun measured records, expected $items"; exit 1; }
  printf '  ffmpeg decode + ebur128=peak=true:    wall %7.2f s  cpu %7.2f s  maxrss %4d MB\n' "$fm_wall" "$fm_cpu" $((fm_rss / 1024))
  printf '  onair render --asrun (each item measured): wall %7.2f s  cpu %7.2f s  maxrss %4d MB\n' "$om_wall" "$om_cpu" $((om_rss / 1024))
  m_wall_ratio=$(echo "$om_wall / $fm_wall" | bc -l)
  m_cpu_ratio=$(echo "$om_cpu / $fm_cpu" | bc -l)
  printf '  ratio onair/ffmpeg, measuring: wall %.2f  cpu %.2f (target ≤ 1.00: %s); the meter costs %.2f× the plain render\n' \
    "$m_wall_ratio" "$m_cpu_ratio" "$(verdict "$m_cpu_ratio" 1.0)" "$(echo "$om_cpu / $on_cpu" | bc -l)"
fi
printf 'RESULT %s seconds=%d ff_wall_s=%.2f ff_cpu_s=%.2f ff_rss_mb=%d on_wall_s=%.2f on_cpu_s=%.2f on_rss_mb=%d wall_ratio=%.2f cpu_ratio=%.2f fm_cpu_s=%.2f om_cpu_s=%.2f measure_cpu_ratio=%.2f measure_wall_ratio=%.2f\n' \
  "${RESULT_NAME:-render}" "$total" "$ff_wall" "$ff_cpu" $((ff_rss / 1024)) "$on_wall" "$on_cpu" $((on_rss / 1024)) "$ratio" "$cpu_ratio" \
  "$fm_cpu" "$om_cpu" "$m_cpu_ratio" "$m_wall_ratio"
