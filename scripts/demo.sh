#!/usr/bin/env bash
# The demo: builds onair, generates the demo day's media (Vietnamese speech with espeak-ng,
# jingles and filler from ffmpeg), checks the day's schedule and prints its timeline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${ONAIR_BUILD_DIR:-$here/build}
ONAIR_BUILD_DIR=$build "$here/scripts/build.sh"
"$here/scripts/make-demo-media.sh" "$here/media"
onair="$build/app/onair"
day="$here/schedules/2011-11-26.yaml"
echo "== onair check $day"
"$onair" check "$day"
echo
echo "== onair plan $day"
"$onair" plan "$day"
