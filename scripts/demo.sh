#!/usr/bin/env bash
# The demo: builds onair, generates the demo day's media (Vietnamese speech with espeak-ng,
# jingles and filler from ffmpeg), checks the day and prints its timeline, then airs the
# day from a moment just before its first programme: on the default output device in real
# time (a rehearsal: `play --from`), or — on a machine with no sound card — rendered by the
# same engine into out/demo-2011-11-26.wav, with the as-run log and its report.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${ONAIR_BUILD_DIR:-$here/build}
ONAIR_BUILD_DIR=$build "$here/scripts/build.sh"
"$here/scripts/make-demo-media.sh" "$here/media"
onair="$build/cli/onair"
day="$here/schedules/2011-11-26.yaml"
out="$here/out"
mkdir -p "$out"
echo "== onair check $day"
"$onair" check "$day"
echo
echo "== onair plan $day"
"$onair" plan "$day" 2>/dev/null
echo
rm -f "$out/demo-asrun.jsonl"
if "$onair" devices >/dev/null 2>&1; then
  echo "== onair play $day --from 05:29:55   (real time on the default device; Ctrl-C stops)"
  "$onair" play "$day" --from 05:29:55 --asrun "$out/demo-asrun.jsonl" --log-level info
else
  echo "== no sound card here: rendering the same audio with the same engine instead"
  "$onair" render "$day" --from 05:29:55 --to 05:35:20 --out "$out/demo-2011-11-26.wav" \
    --asrun "$out/demo-asrun.jsonl"
  echo "the day's audio is in $out/demo-2011-11-26.wav"
fi
echo
echo "== onair report $out/demo-asrun.jsonl"
"$onair" report "$out/demo-asrun.jsonl"
