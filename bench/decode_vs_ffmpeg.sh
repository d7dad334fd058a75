#!/usr/bin/env bash
# Decoding speed and memory: onair's Decoder (bench_decode) against the ffmpeg command
# line doing the same work (decode a one-hour 128 kbit/s MP3, resample 44.1 -> 48 kHz
# stereo float) in the same invocation, so both see the same machine and load.
#
#   bench/decode_vs_ffmpeg.sh [BUILD_DIR]      (default: build)
#   RUNS=5 WORK_DIR=/var/tmp/onair-bench bench/decode_vs_ffmpeg.sh build-decode
#   SECONDS_OF_AUDIO=600 bench/decode_vs_ffmpeg.sh     (a quick try on ten minutes)
# The last line, "RESULT decode key=value ...", is for bench/run_all.sh.
#
# Targets: no slower than ffmpeg (wall and CPU time); the decoder's own memory under
# 30 MB. Peak RSS is reported too; see docs/decoding.md for why it includes ~26 MB of
# shared libraries that are mapped before main() runs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
bench=$build/bench/bench_decode
work=${WORK_DIR:-${TMPDIR:-/tmp}/onair-bench}
runs=${RUNS:-3}
span=${SECONDS_OF_AUDIO:-3600}

if [ ! -x "$bench" ]; then
  echo "missing $bench; build it first: cmake --build $build --target bench_decode" >&2
  exit 2
fi
command -v ffmpeg >/dev/null || { echo "ffmpeg not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 2; }

mkdir -p "$work"
mp3=$work/hour-128k.mp3
[ "$span" = 3600 ] || mp3=$work/${span}s-128k.mp3
if [ ! -s "$mp3" ]; then
  echo "generating a ${span} s 128k MP3 in $mp3 (about a minute for an hour)..."
  # A tone plus noise: real encoder work and bit reservoir use, unlike pure silence.
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$span" \
    -f lavfi -i "anoisesrc=sample_rate=44100:amplitude=0.05:duration=$span:seed=1" \
    -filter_complex "[0:a][1:a]amix=inputs=2,aformat=channel_layouts=stereo" \
    -c:a libmp3lame -b:a 128k "$mp3.tmp.mp3"
  mv "$mp3.tmp.mp3" "$mp3"
fi

# Prints "wall cpu maxrss_kb" for a command (its own output goes to $work/last.out).
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.out" "$@" >"$work/last.out" 2>&1
  read -r wall user sys rss <"$work/time.out"
  echo "$wall $(echo "$user + $sys" | bc) $rss"
}

best_ff_wall=999999 best_ff_cpu=999999 ff_rss=0
best_our_wall=999999 best_our_cpu=999999 our_rss=0 our_memory=""
for i in $(seq "$runs"); do
  # Alternate the two so neither gets the quieter moments of a shared machine.
  read -r wall cpu rss < <(measure ffmpeg -nostdin -hide_banner -loglevel error \
                             -i "$mp3" -f f32le -ar 48000 -ac 2 -y /dev/null)
  echo "run $i ffmpeg: wall ${wall}s cpu ${cpu}s maxrss $((rss / 1024)) MB"
  best_ff_wall=$(echo "if ($wall < $best_ff_wall) $wall else $best_ff_wall" | bc)
  best_ff_cpu=$(echo "if ($cpu < $best_ff_cpu) $cpu else $best_ff_cpu" | bc)
  ff_rss=$(( rss > ff_rss ? rss : ff_rss ))

  read -r wall cpu rss < <(measure "$bench" "$mp3")
  grep -q "^frames=$((span * 48000)) " "$work/last.out" || { echo "onair decode failed:"; cat "$work/last.out"; exit 1; }
  echo "run $i onair:  wall ${wall}s cpu ${cpu}s maxrss $((rss / 1024)) MB"
  best_our_wall=$(echo "if ($wall < $best_our_wall) $wall else $best_our_wall" | bc)
  best_our_cpu=$(echo "if ($cpu < $best_our_cpu) $cpu else $best_our_cpu" | bc)
  our_rss=$(( rss > our_rss ? rss : our_rss ))
  our_memory=$(grep '^memory:' "$work/last.out")
done

wall_ratio=$(echo "scale=2; $best_our_wall / $best_ff_wall" | bc)
cpu_ratio=$(echo "scale=2; $best_our_cpu / $best_ff_cpu" | bc)
peak_rss=$(echo "$our_memory" | sed -n 's/.*peak_rss=\([0-9.]*\) MB.*/\1/p')
start_rss=$(echo "$our_memory" | sed -n 's/.*(start \([0-9.]*\) MB:.*/\1/p')
growth=$(echo "$peak_rss - $start_rss" | bc)

echo
echo "$span s of 128k MP3 -> 48 kHz stereo float, best of $runs:"
echo "  ffmpeg: wall ${best_ff_wall}s cpu ${best_ff_cpu}s peak RSS $((ff_rss / 1024)) MB"
echo "  onair:  wall ${best_our_wall}s cpu ${best_our_cpu}s peak RSS $((our_rss / 1024)) MB"
echo "  onair/ffmpeg time ratio: wall $wall_ratio, cpu $cpu_ratio (target <= 1.00)"
echo "  onair $our_memory"
echo "  onair peak RSS beyond the ${start_rss} MB mapped before decoding: ${growth} MB (target < 30 MB)"

printf 'RESULT decode seconds=%d runs=%d ff_wall_s=%s ff_cpu_s=%s ff_rss_mb=%d on_wall_s=%s on_cpu_s=%s on_rss_mb=%d wall_ratio=%s cpu_ratio=%s own_mb=%s\n' \
  "$span" "$runs" "$best_ff_wall" "$best_ff_cpu" $((ff_rss / 1024)) "$best_our_wall" "$best_our_cpu" $((our_rss / 1024)) \
  "$wall_ratio" "$cpu_ratio" "$growth"
status=0
if [ "$(echo "$cpu_ratio > 1.0" | bc)" = 1 ] && [ "$(echo "$wall_ratio > 1.0" | bc)" = 1 ]; then
  echo "FAIL: slower than ffmpeg"; status=1
fi
if [ "$(echo "$growth >= 30" | bc)" = 1 ]; then
  echo "FAIL: decoder memory above 30 MB"; status=1
fi
[ "$status" = 0 ] && echo "PASS"
exit $status
