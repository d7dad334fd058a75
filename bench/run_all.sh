#!/usr/bin/env bash
# Runs every benchmark with a release build and writes docs/benchmarks.md: the machine, then
# one row per figure beside its reference (the ffmpeg command doing the same work, measured
# in the same run), the ratio, the target and whether it is met.
#   bench/run_all.sh                  the real report (about 35 minutes on 2 cores)
#   bench/run_all.sh --quick          shorter media, a few minutes: to try the scripts
# Options: --build-dir DIR (default build-release, configured here as Release),
#          --no-build (use DIR as it is), --out FILE (default docs/benchmarks.md),
#          --soak-log FILE (the output of a `bench/soak_week.sh` run made separately: the soak
#          measures memory, not speed, so it may run beside other work and save ~20 minutes).
# Run it on an otherwise idle machine: every figure is a ratio, but both sides share the CPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-release
out=$root/docs/benchmarks.md
quick=0 do_build=1 soak_log=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --build-dir) build=$(cd "$2" 2>/dev/null && pwd || echo "$2"); shift ;;
    --no-build) do_build=0 ;;
    --out) out=$2; shift ;;
    --soak-log) soak_log=$(realpath "$2"); shift ;;
    *) echo "usage: $0 [--quick] [--build-dir DIR] [--no-build] [--out FILE] [--soak-log FILE]" >&2; exit 2 ;;
  esac
  shift
done

if [ "$do_build" = 1 ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DONAIR_WERROR=ON -DONAIR_BENCH=ON \
    -DONAIR_TESTS=OFF >/dev/null
  cmake --build "$build" --target onair bench_decode bench_loudness soak_week
fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

# Runs one benchmark, keeping its output and duration; a failing one still leaves its figures.
declare -A took
bench() {
  local name=$1 t0; shift
  echo "=== $name: $*"
  t0=$(date +%s)
  "$@" 2>&1 | tee "$logs/$name.log" || true
  took[$name]=$(( $(date +%s) - t0 ))
}
if [ "$quick" = 1 ]; then
  bench check_year env DAYS=30 "$root/bench/check_year.sh" "$build"
  bench decode env SECONDS_OF_AUDIO=600 RUNS=1 "$root/bench/decode_vs_ffmpeg.sh" "$build"
  bench render env ITEMS=6 ITEM_SECONDS=600 MEASURE=0 "$root/bench/render_day.sh" "$build"
  bench render_measure env ITEMS=2 ITEM_SECONDS=300 RESULT_NAME=render_measure "$root/bench/render_day.sh" "$build"
  bench loudness "$build/bench/bench_loudness" 60
  bench loudness_scan env MINUTES=10 DAYS=30 "$root/bench/loudness_scan.sh" "$build"
  bench stream env SECONDS_OF_AUDIO=120 "$root/bench/stream_cpu.sh" "$build"
  bench say env RUNS=2 LOOPS=5 "$root/bench/say_cpu.sh" "$build"
  command -v jackd >/dev/null && bench play env SECONDS_MEASURED=15 "$root/bench/play_cpu.sh" "$build"
  [ -z "$soak_log" ] && bench soak "$root/bench/soak_week.sh" "$build" --hours 12 --files 100
else
  bench check_year "$root/bench/check_year.sh" "$build"
  bench decode "$root/bench/decode_vs_ffmpeg.sh" "$build"
  bench render env MEASURE=0 "$root/bench/render_day.sh" "$build"
  bench render_measure env ITEMS=6 ITEM_SECONDS=600 RESULT_NAME=render_measure "$root/bench/render_day.sh" "$build"
  bench loudness "$build/bench/bench_loudness" 600
  bench loudness_scan "$root/bench/loudness_scan.sh" "$build"
  bench stream "$root/bench/stream_cpu.sh" "$build"
  bench say "$root/bench/say_cpu.sh" "$build"
  command -v jackd >/dev/null && bench play "$root/bench/play_cpu.sh" "$build"
  [ -z "$soak_log" ] && bench soak "$root/bench/soak_week.sh" "$build"
fi
if [ -n "$soak_log" ]; then
  cp "$soak_log" "$logs/soak.log"
  took[soak]="run separately, $(sed -n 's/^RESULT soak .*wall_s=\([0-9.]*\).*/\1/p' "$soak_log" | tail -1)"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The RESULT line of a benchmark, and one value of it.
result() { [ -f "$logs/$1.log" ] && sed -n "s/^RESULT $1 //p" "$logs/$1.log" | tail -1 || true; }
get() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | sed 's/^\./0./'; }  # bc prints ".87"
ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }
yes_if() { [ "$(echo "$1" | bc -l)" = 1 ] && echo met || echo "**missed**"; }

cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
build_type=${build_type:-"RelWithDebInfo (the project default)"}
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ] && commit="$commit (with uncommitted changes)"
libav=$(for l in libavformat libavcodec libavutil libswresample; do echo "$l $(pkg-config --modversion $l)"; done | paste -sd, | sed 's/,/, /g')

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
missing() { row "$1" "not measured (see its output below)" "" "" "$2" "**not run**"; }

r=$(result check_year)
if [ -n "$r" ]; then
  w=$(get "$r" warm_s) c=$(get "$r" cold_s)
  row "\`onair check\` of $(get "$r" days) day files, $(get "$r" items) items, warm probe cache" "$w s" \
    "$c s (the same check, cold: every file probed by FFmpeg)" "$(ratio "$w" "$c")" "< 1 s" "$(yes_if "$w < 1")"
else missing "\`onair check\` of a year" "< 1 s"; fi

r=$(result decode)
if [ -n "$r" ]; then
  what="decode $(get "$r" seconds) s of 128k MP3 → 48 kHz float (best of $(get "$r" runs))"
  ref="\`ffmpeg -i X.mp3 -f f32le -ar 48000 -ac 2 /dev/null\`"
  row "$what, wall" "$(get "$r" on_wall_s) s" "$ref: $(get "$r" ff_wall_s) s" "$(get "$r" wall_ratio)" "≤ 1.00× ffmpeg" \
    "$(yes_if "$(get "$r" wall_ratio) <= 1")"
  row "$what, CPU time" "$(get "$r" on_cpu_s) s" "$(get "$r" ff_cpu_s) s" "$(get "$r" cpu_ratio)" "(for information)" "—"
  row "decoder memory beyond the libraries mapped at start" "$(get "$r" own_mb) MB (peak RSS $(get "$r" on_rss_mb) MB)" \
    "ffmpeg peak RSS $(get "$r" ff_rss_mb) MB" "$(ratio "$(get "$r" on_rss_mb)" "$(get "$r" ff_rss_mb)") (peak RSS)" "< 30 MB" \
    "$(yes_if "$(get "$r" own_mb) < 30")"
else missing "decode vs ffmpeg" "≤ ffmpeg wall, < 30 MB"; fi

r=$(result render)
if [ -n "$r" ]; then
  what="\`onair render\` of $(echo "scale=1; $(get "$r" seconds) / 3600" | bc) h of 128k MP3 to /dev/null"
  ref="\`ffmpeg -f concat -i list -f f32le -ar 48000 -ac 2 /dev/null\`"
  row "$what, wall" "$(get "$r" on_wall_s) s" "$ref: $(get "$r" ff_wall_s) s" "$(get "$r" wall_ratio)" "≤ 1.20× ffmpeg" \
    "$(yes_if "$(get "$r" wall_ratio) <= 1.2")"
  row "$what, CPU time" "$(get "$r" on_cpu_s) s" "$(get "$r" ff_cpu_s) s" "$(get "$r" cpu_ratio)" "≤ 1.00× ffmpeg" \
    "$(yes_if "$(get "$r" cpu_ratio) <= 1")"
else missing "render a day" "≤ 1.2× ffmpeg"; fi

r=$(result render_measure)
if [ -n "$r" ]; then
  row "\`onair render --asrun\` of $(echo "scale=1; $(get "$r" seconds) / 3600" | bc) h (each item's loudness and true peak measured on the output), CPU time" \
    "$(get "$r" om_cpu_s) s" "\`ffmpeg … -af aresample=48000,ebur128=peak=true\`: $(get "$r" fm_cpu_s) s" \
    "$(get "$r" measure_cpu_ratio)" "≤ 1.00× ffmpeg" "$(yes_if "$(get "$r" measure_cpu_ratio) <= 1")"
else missing "render with the as-run's loudness" "≤ 1.0× ffmpeg"; fi

r=$(result loudness)
if [ -n "$r" ]; then
  what="master processor (AGC + true-peak limiter), $(get "$r" seconds) s of 48 kHz stereo, CPU"
  row "$what, limiting most of the time (worst case)" "$(get "$r" limiting_pct)% of one core" \
    "AGC off and nothing to limit: $(get "$r" idle_pct)%; AGC on: $(get "$r" agc_pct)%" "—" "≤ 0.3%" \
    "$(yes_if "$(get "$r" limiting_pct) <= 0.3")"
else missing "master processor CPU" "≤ 0.3%"; fi

r=$(result loudness_scan)
if [ -n "$r" ]; then
  what="first loudness scan of a $(get "$r" minutes) min MP3 (\`onair check\`, empty cache: probe + scan)"
  ref="\`ffmpeg -i X.mp3 -af ebur128=peak=true -f null -\`"
  row "$what, wall" "$(get "$r" onair_wall_s) s" "$ref: $(get "$r" ffmpeg_wall_s) s" "$(get "$r" wall_ratio)" "≤ 1.00× ffmpeg" \
    "$(yes_if "$(get "$r" wall_ratio) <= 1")"
  row "$what, CPU time" "$(get "$r" onair_cpu_s) s" "$(get "$r" ffmpeg_cpu_s) s" "$(get "$r" cpu_ratio)" "(for information)" "—"
  row "warm \`onair check\` of $(get "$r" year_days) days with loudness on" "$(get "$r" year_warm_s) s (CPU $(get "$r" year_warm_cpu_s) s)" \
    "—" "—" "< 1 s" "$(yes_if "$(get "$r" year_warm_s) < 1")"
else missing "loudness scan" "≤ ffmpeg ebur128; warm year < 1 s"; fi

r=$(result stream)
if [ -n "$r" ]; then
  row "one 128 kbit/s MP3 stream (listen://, one listener), CPU" "$(get "$r" onair_cpu_s) s" \
    "\`ffmpeg -c:a libmp3lame -b:a 128k\`: $(get "$r" ffmpeg_cpu_s) s" "$(get "$r" cpu_ratio)" "≤ 1.00× ffmpeg" \
    "$(yes_if "$(get "$r" cpu_ratio) <= 1")"
  row "stream latency: frames handed to the output → bytes at a listener (no burst)" \
    "median $(get "$r" latency_median_ms) ms, max $(get "$r" latency_max_ms) ms" "—" "—" "(measured, documented)" "—"
else missing "stream CPU" "≤ 1.00× ffmpeg"; fi

r=$(result say)
if [ -n "$r" ]; then
  row "a one-minute bulletin ($(get "$r" words) words) rendered as a \`say:\` item, CPU" "$(get "$r" on_cpu_s) s" \
    "\`espeak-ng -v vi -w\` on the same text: $(get "$r" ref_cpu_s) s" "$(get "$r" cpu_ratio)" "≤ 1.10× espeak-ng" \
    "$(yes_if "$(get "$r" cpu_ratio) <= 1.1")"
  row "the \`onair say\` command on it (maps FFmpeg's libraries first), CPU" "$(get "$r" cli_cpu_s) s" \
    "$(get "$r" ref_cpu_s) s" "$(get "$r" cli_ratio)" "(for information)" "—"
else missing "speech rendering" "≤ 1.10× espeak-ng"; fi

r=$(result play)
if [ -n "$r" ]; then
  what="\`onair play\` of a 128k MP3 for $(get "$r" seconds) s on the JACK dummy device"
  ref="\`ffmpeg -re -i X.mp3 -f f32le /dev/null\` over the same seconds"
  row "$what, CPU" "$(get "$r" cpu_pct)% of one core" "$ref: $(get "$r" ff_cpu_pct)%" \
    "$(ratio "$(get "$r" cpu_pct)" "$(get "$r" ff_cpu_pct)")" "< 1%" "$(yes_if "$(get "$r" cpu_pct) < 1")"
  row "$what, private memory (Private_Dirty)" "$(get "$r" private_mb) MB" "$(get "$r" ff_private_mb) MB" \
    "$(ratio "$(get "$r" private_mb)" "$(get "$r" ff_private_mb)")" "< 12 MB" "$(yes_if "$(get "$r" private_mb) < 12")"
elif command -v jackd >/dev/null; then missing "play on JACK" "< 1% CPU, < 12 MB"
else row "play on JACK" "not measured: jackd is not installed" "" "" "< 1% CPU, < 12 MB" "**not run**"; fi

r=$(result soak)
if [ -n "$r" ]; then
  what="soak: $(get "$r" hours) simulated hours of the station, $(get "$r" records) as-run records"
  row "$what, resident memory" "start $(get "$r" rss_start_mb), after warm-up $(get "$r" rss_warm_mb), peak $(get "$r" rss_peak_mb), end $(get "$r" rss_end_mb) MB" \
    "—" "growth $(get "$r" growth_mb) MB, trend $(get "$r" slope_mb_per_day) MB/day" \
    "flat: growth ≤ 4 MB, trend ≤ 1 MB/day" "$([ "$(get "$r" flat)" = yes ] && echo met || echo '**missed**')"
  row "$what, as-run" "$(get "$r" items) programme items; $(get "$r" wall_s) s ($(get "$r" speed_x)× real time)" "—" "—" \
    "every item aired in full, on time" "$([ "$(get "$r" asrun_ok)" = yes ] && echo met || echo '**missed**')"
else missing "soak" "flat"; fi

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run_all.sh$([ "$quick" = 1 ] && echo " --quick")\` on $started; every figure beside its reference"
  echo "was measured in the same run, on this machine:"
  echo
  [ "$quick" = 1 ] && { echo "> **Quick run**: shorter media than the targets are stated for; these figures only show"; echo "> that the scripts work. Run \`bench/run_all.sh\` for the real report."; echo; }
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "- RAM: $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)"
  echo "- System: Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), $(uname -sr)"
  echo "- FFmpeg: $(ffmpeg -version | head -1 | cut -d' ' -f1-3); $libav"
  echo "- Compiler: $("$cxx" --version | head -1); build type $build_type"
  echo "- onair: commit $commit"
  echo "- Load average (1/5/15 min) before: $load_before, after: $load_after"
  echo
  echo "| what | onair | reference (same work, same run) | onair / reference | target | result |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "How each is measured: see the comment at the top of each script in \`bench/\`. The soak's"
  echo "memory rule: resident memory is sampled every 10 simulated minutes; after the warm-up (the"
  echo "first simulated day, or hour for runs under two days) it may grow at most 4 MB, the"
  echo "least-squares trend of the samples after the warm-up may not exceed 1 MB/day (judged when"
  echo "they span a day or more), and open files may not grow by more than 3."
  echo
  echo "## Output of each benchmark"
  for name in check_year decode render render_measure loudness loudness_scan stream say play soak; do
    [ -f "$logs/$name.log" ] || continue
    echo
    echo "### $name (${took[$name]} s)"
    echo
    echo '```'
    # Progress lines of the generators are noise here.
    grep -v '^generating ' "$logs/$name.log" | tail -40
    echo '```'
  done
} > "$out"
echo "wrote $out"
