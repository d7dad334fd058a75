#!/usr/bin/env bash
# Speech rendering cost: a one-minute bulletin rendered as onair renders a say: item
# (normalise, speak with libespeak-ng, stream the WAV into the cache: bench_say, the daemon's
# path) against the `espeak-ng` command speaking the same, already normalised text to a
# WAV, in the same invocation; the `onair say` command is reported beside them. Each onair
# run starts from an empty speech cache, so it synthesises every time. The audio must be
# espeak-ng's, sample for sample.
#
#   bench/say_cpu.sh [BUILD_DIR]          (default: build)
#   RUNS=7 LOOPS=20 bench/say_cpu.sh build-release
# The last line, "RESULT say key=value ...", is for bench/run_all.sh.
#
# Target: onair's rendering at most 1.10x the espeak-ng command's CPU time (the normaliser
# and the cache are nearly free beside the synthesis).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
onair=$build/cli/onair
work=${WORK_DIR:-${TMPDIR:-/tmp}/onair-bench}/say
runs=${RUNS:-5}

[ -x "$onair" ] || { echo "missing $onair; build it first" >&2; exit 2; }
command -v espeak-ng >/dev/null || { echo "espeak-ng not found (apt-get install espeak-ng)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work"

# A commune bulletin as producers type it: abbreviations, dates, times, numbers, units.
cat >"$work/bulletin.txt" <<'TEXT'
UBND xã Tân Hòa thông báo: thực hiện Kế hoạch số 125/KH-UBND ngày 20/11/2011 của UBND huyện,
từ 7h30 đến 11h ngày 28/11/2011, Trạm y tế xã tổ chức tiêm phòng cho trẻ em dưới 5 tuổi tại
hội trường thôn 3. Đề nghị các hộ gia đình đưa trẻ đến đúng giờ, mang theo sổ tiêm chủng.
Dự báo thời tiết: ngày mai trời nhiều mây, có mưa rào, nhiệt độ từ 18 đến 25°C, lượng mưa
phổ biến 20 đến 45mm, gió đông bắc cấp 3, giật cấp 5. Bà con chú ý thu hoạch lúa mùa.
Giá lúa tại chợ xã hôm nay 7.500đ/kg, tăng 3,5% so với tuần trước; giá phân đạm 12.000đ/kg.
HTX nông nghiệp thông báo lịch bơm nước đợt II từ ngày 1/12 đến ngày 10/12/2011.
Mọi thắc mắc xin liên hệ cán bộ văn hóa xã, số điện thoại 0912.345.678.
Hội LHPN xã tổ chức hội nghị tổng kết năm 2011 vào lúc 14h ngày 30/11 tại nhà văn hóa xã.
TEXT

"$onair" say --file "$work/bulletin.txt" --print-text >"$work/spoken.txt"
words=$(wc -w <"$work/spoken.txt")
say=$build/bench/bench_say
[ -x "$say" ] || { echo "missing $say; build it first: cmake --build $build --target bench_say" >&2; exit 2; }
loops=${LOOPS:-10}

# CPU seconds (user + sys) per run and peak RSS of LOOPS runs of a command line.
measure() {
  /usr/bin/time -f "%U %S %M" -o "$work/time.out" sh -c "for i in \$(seq $loops); do $1 || exit 1; done" \
    >"$work/last.out" 2>&1 || { cat "$work/last.out"; exit 1; }
  read -r user sys rss <"$work/time.out"
  echo "$(echo "scale=4; ($user + $sys) / $loops" | bc) $rss"
}

ref_cmd="espeak-ng -v vi -s 160 -p 50 -w '$work/ref.wav' -f '$work/spoken.txt'"
# A new cache folder for every run (removed between rounds, outside the measurement).
path_cmd="'$say' '$work/bulletin.txt' '$work/cache/p'\$i >'$work/path.out'"
cli_cmd="'$onair' say --file '$work/bulletin.txt' --speech-cache '$work/cache/c'\$i --out '$work/onair.wav'"
best_ref=999 best_path=999 best_cli=999 ref_rss=0 path_rss=0 cli_rss=0
for r in $(seq "$runs"); do
  # Interleaved, so no one gets the quieter moments of a shared machine.
  rm -rf "$work/cache"
  read -r cpu rss < <(measure "$ref_cmd");  best_ref=$(echo "if ($cpu < $best_ref) $cpu else $best_ref" | bc);  ref_rss=$rss
  read -r cpu rss < <(measure "$path_cmd"); best_path=$(echo "if ($cpu < $best_path) $cpu else $best_path" | bc); path_rss=$rss
  read -r cpu rss < <(measure "$cli_cmd");  best_cli=$(echo "if ($cpu < $best_cli) $cpu else $best_cli" | bc);  cli_rss=$rss
  echo "run $r: espeak-ng ${best_ref}s, onair rendering ${best_path}s, onair say ${best_cli}s (best CPU per bulletin so far)"
done

pcm() { ffmpeg -nostdin -v error -i "$1" -f s16le - | md5sum | cut -d' ' -f1; }
ref_s=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/ref.wav")
same=no
[ "$(pcm "$work/ref.wav")" = "$(pcm "$(tail -1 "$work/path.out")")" ] && [ "$(pcm "$work/ref.wav")" = "$(pcm "$work/onair.wav")" ] && same=yes
ratio=$(echo "scale=2; $best_path / $best_ref" | bc)
cli_ratio=$(echo "scale=2; $best_cli / $best_ref" | bc)
startup=$(echo "scale=3; $best_cli - $best_path" | bc)
echo
echo "a bulletin of $words spoken words (${ref_s} s of speech), best CPU time per bulletin over $runs x $loops runs:"
echo "  espeak-ng -v vi -w (reference):   ${best_ref}s, peak RSS $((ref_rss / 1024)) MB"
echo "  onair's rendering (bench_say):    ${best_path}s, peak RSS $((path_rss / 1024)) MB  ratio $ratio (target <= 1.10)"
echo "  the onair say command:            ${best_cli}s, peak RSS $((cli_rss / 1024)) MB  ratio $cli_ratio"
echo "    (of which ~${startup}s maps the FFmpeg libraries the one onair binary links; the daemon pays it once)"
echo "  same audio as espeak-ng, sample for sample: $same"
printf 'RESULT say words=%d runs=%d loops=%d ref_cpu_s=%s on_cpu_s=%s cli_cpu_s=%s speech_s=%s ref_rss_mb=%d on_rss_mb=%d cpu_ratio=%s cli_ratio=%s same_audio=%s\n' \
  "$words" "$runs" "$loops" "$best_ref" "$best_path" "$best_cli" "$ref_s" $((ref_rss / 1024)) $((path_rss / 1024)) "$ratio" "$cli_ratio" "$same"
status=0
if [ "$(echo "$ratio > 1.10" | bc)" = 1 ]; then echo "FAIL: onair's rendering costs more than 1.10x espeak-ng"; status=1; fi
if [ "$same" != yes ]; then echo "FAIL: onair's speech is not espeak-ng's"; status=1; fi
[ "$status" = 0 ] && echo "PASS"
exit $status
