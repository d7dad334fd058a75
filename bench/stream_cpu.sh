#!/usr/bin/env bash
# Benchmark: one 128 kbit/s MP3 stream from onair's built-in server (listen://: the FFmpeg
# encoder, the server and one loopback listener reading it) against the ffmpeg command
# encoding the same audio with libmp3lame to /dev/null, in the same invocation. Target: CPU
# ≤ 1.0× ffmpeg's. Then the latency from frames handed to the stream output to their bytes
# at a listener, paced in real time with no burst (a listener's own buffer comes on top).
#   bench/stream_cpu.sh [BUILD_DIR]      SECONDS_OF_AUDIO=600 bench/stream_cpu.sh
# Each side runs REPEAT=3 times, alternating; the least CPU of each is compared.
# The last line, "RESULT stream key=value ...", is for bench/run_all.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
helper=$build/bench/bench_stream
work=${WORK_DIR:-${TMPDIR:-/tmp}/onair-bench}
[ -x "$helper" ] || { echo "build with -DONAIR_BENCH=ON first" >&2; exit 2; }
span=${SECONDS_OF_AUDIO:-300}
mkdir -p "$work"
pcm=$work/stream-${span}s.f32
if [ ! -s "$pcm" ]; then
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$span" \
    -f lavfi -i "anoisesrc=sample_rate=48000:amplitude=0.05:duration=$span:seed=1" \
    -filter_complex "[0:a][1:a]amix=inputs=2,aformat=channel_layouts=stereo" -f f32le "$pcm.tmp"
  mv "$pcm.tmp" "$pcm"
fi
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_of() {  # the user+sys seconds of a command
  /usr/bin/time -f "%U %S" -o "$work/time.out" "$@" >"$work/last.out" 2>&1 || { cat "$work/last.out"; exit 1; }
  read -r user sys <"$work/time.out"
  echo "$user + $sys" | bc
}
min() { echo "if ($2 < $1 || $1 == 0) $2 else $1" | bc; }
ff=0 on=0
for _ in $(seq "${REPEAT:-3}"); do
  ff=$(min "$ff" "$(cpu_of ffmpeg -nostdin -hide_banner -loglevel error -f f32le -ar 48000 -ac 2 -i "$pcm" \
                         -c:a libmp3lame -b:a 128k -f mp3 -y /dev/null)")
  on=$(min "$on" "$(cpu_of "$helper" "$pcm" "$(port)")")
  bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$work/last.out")
  # The listener got the whole stream (128 kbit/s: 16,000 bytes a second), not a dropped part.
  [ "$bytes" -ge $((span * 16000 * 99 / 100)) ] || { echo "the listener got $bytes bytes of $((span * 16000))"; exit 1; }
done
ratio=$(echo "$on / $ff" | bc -l)
verdict=$( (( $(echo "$ratio <= 1.0" | bc -l) )) && echo met || echo MISSED)
lat_pcm=$work/stream-20s.f32
[ -s "$lat_pcm" ] || head -c $((20 * 48000 * 8)) "$pcm" >"$lat_pcm"
"$helper" "$lat_pcm" "$(port)" --latency >"$work/latency.out" 2>&1 || { cat "$work/latency.out"; exit 1; }
read -r median max < <(sed -n 's/.*median=\([0-9.-]*\) max=\([0-9.-]*\).*/\1 \2/p' "$work/latency.out")
echo "one 128 kbit/s MP3 stream of $span s of 48 kHz stereo"
printf '  ffmpeg -c:a libmp3lame (reference):   cpu %6.2f s\n' "$ff"
printf '  onair listen:// with one listener:    cpu %6.2f s\n' "$on"
printf '  ratio onair/ffmpeg: cpu %.2f (target ≤ 1.00: %s); %.2f%% of a core in real time\n' "$ratio" "$verdict" \
  "$(echo "$on / $span * 100" | bc -l)"
printf '  latency, frames handed to the output -> their bytes at a loopback listener: median %s ms, max %s ms\n' "$median" "$max"
echo "RESULT stream cpu_ratio=$(printf '%.2f' "$ratio") onair_cpu_s=$on ffmpeg_cpu_s=$ff latency_median_ms=$median latency_max_ms=$max"
