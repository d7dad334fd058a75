#!/usr/bin/env bash
# Benchmark: CPU share and private memory of `onair play` airing a 128 kbit/s MP3 in real
# time for 60 s on the JACK dummy device (jackd -r -d dummy, started and stopped here).
# A JACK client's RSS includes ~50 MB of the server's shared memory, so the figure that
# counts is private memory: Private_Dirty from /proc/PID/smaps_rollup (Private_Clean, read-only
# library pages that merely no other process maps at the moment, is printed beside it).
# Targets: under 1% of one core and under 12 MB private.
# Reference, measured over the same window: the ffmpeg command decoding the same file at
# real-time pace (`ffmpeg -re ... -f f32le /dev/null`: the decoding work without a device).
#   bench/play_cpu.sh [BUILD_DIR]     SECONDS_MEASURED=60
# The last line, "RESULT play key=value ...", is for bench/run_all.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
onair=$build/cli/onair
span=${SECONDS_MEASURED:-60}
work=$(mktemp -d)
jack_pid=""
onair_pid=""
ff_pid=""
cleanup() {
  [ -n "$onair_pid" ] && kill "$onair_pid" 2>/dev/null || true
  [ -n "$ff_pid" ] && kill "$ff_pid" 2>/dev/null || true
  [ -n "$jack_pid" ] && kill "$jack_pid" 2>/dev/null && wait "$jack_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -x "$onair" ] || { echo "build onair first (scripts/build.sh)" >&2; exit 2; }

export JACK_DEFAULT_SERVER="onair-bench-$$" JACK_NO_START_SERVER=1
jackd -n "$JACK_DEFAULT_SERVER" -r -d dummy -r 48000 -p 1024 >"$work/jackd.log" 2>&1 &
jack_pid=$!
for _ in $(seq 100); do [ "$(jack_wait -s "$JACK_DEFAULT_SERVER" -c 2>/dev/null)" = running ] && break; sleep 0.1; done

mkdir -p "$work/media" "$work/schedules"
ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$((span + 30))" \
  -f lavfi -i "anoisesrc=sample_rate=44100:amplitude=0.05:duration=$((span + 30)):seed=1" \
  -filter_complex "[0:a][1:a]amix=inputs=2,aformat=channel_layouts=stereo" -c:a libmp3lame -b:a 128k "$work/media/item.mp3"
at=$(date -u -d "+3 seconds" +%H:%M:%S)
day=$(date -u -d "+3 seconds" +%F)
printf 'timezone: UTC\nprograms:\n  - id: bench\n    at: "%s"\n    items: [{file: item.mp3}]\n' "$at" > "$work/schedules/$day.yaml"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
"$onair" play "$work/schedules/$day.yaml" --output pa:system --probe-cache "$work/probe.json" >"$work/onair.log" 2>&1 &
onair_pid=$!
ffmpeg -nostdin -hide_banner -loglevel error -re -i "$work/media/item.mp3" -f f32le -ar 48000 -ac 2 -y /dev/null &
ff_pid=$!
sleep 8  # past start-up and the first seconds of air
t0=$(cpu_ticks "$onair_pid"); f0=$(cpu_ticks "$ff_pid"); s0=$(date +%s.%N)
sleep "$span"
t1=$(cpu_ticks "$onair_pid"); f1=$(cpu_ticks "$ff_pid"); s1=$(date +%s.%N)
memory() { awk '/^Private_Dirty:/ {d = $2} /^Private_Clean:/ {c = $2} /^Rss:/ {r = $2} /^Pss:/ {s = $2} END {print d, c, r, s}' "/proc/$1/smaps_rollup"; }
read -r dirty clean rss pss < <(memory "$onair_pid")
read -r ff_dirty _ < <(memory "$ff_pid")
kill "$ff_pid" 2>/dev/null || true; wait "$ff_pid" 2>/dev/null || true; ff_pid=""
priv=$dirty
underruns=$(grep -c "underrun" "$work/onair.log" || true)
cpu=$(echo "($t1 - $t0) * 100 / $ticks / ($s1 - $s0)" | bc -l)
ff_cpu=$(echo "($f1 - $f0) * 100 / $ticks / ($s1 - $s0)" | bc -l)
echo "onair play, ${span} s of a 128 kbit/s MP3 on the JACK dummy device (48 kHz, 1024-frame periods)"
printf '  CPU: %.2f%% of one core        (target < 1%%: %s; for scale MPD 0.23: 3.3%%, Liquidsoap 2.1: 2-2.7%%)\n' "$cpu" \
  "$( (( $(echo "$cpu < 1" | bc -l) )) && echo met || echo MISSED)"
printf '  private memory (Private_Dirty: heap, stacks, rings, written data): %.1f MB  (target < 12 MB: %s; MPD: 13 MB, Liquidsoap: >100 MB)\n' \
  "$(echo "$priv / 1024" | bc -l)" "$( (( priv < 12 * 1024 )) && echo met || echo MISSED)"
printf '  + Private_Clean %.1f MB: read-only library code (FFmpeg pulls in ~135 libraries) that no other\n' "$(echo "$clean / 1024" | bc -l)"
printf '    process maps right now; it is shared, and not counted, as soon as another FFmpeg/PortAudio process runs\n'
printf '  RSS %.1f MB, PSS %.1f MB (include JACK shared memory and shared libraries)\n' "$(echo "$rss / 1024" | bc -l)" "$(echo "$pss / 1024" | bc -l)"
printf '  reference, ffmpeg -re decoding the same file to /dev/null: CPU %.2f%%, Private_Dirty %.1f MB\n' "$ff_cpu" "$(echo "$ff_dirty / 1024" | bc -l)"
echo "  log lines mentioning underruns: $underruns"
printf 'RESULT play seconds=%d cpu_pct=%.3f ff_cpu_pct=%.3f private_mb=%.1f ff_private_mb=%.1f clean_mb=%.1f rss_mb=%.1f underruns=%d\n' \
  "$span" "$cpu" "$ff_cpu" "$(echo "$priv / 1024" | bc -l)" "$(echo "$ff_dirty / 1024" | bc -l)" "$(echo "$clean / 1024" | bc -l)" \
  "$(echo "$rss / 1024" | bc -l)" "$underruns"
kill -INT "$onair_pid"; wait "$onair_pid" 2>/dev/null || true; onair_pid=""
