#!/usr/bin/env bash
# Installs what is missing, then configures and builds onair into build/ (or $ONAIR_BUILD_DIR).
# Extra arguments go to cmake's configure step (e.g. -DCMAKE_BUILD_TYPE=Debug).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${ONAIR_BUILD_DIR:-$here/build}
"$here/scripts/setup-deps.sh"
cmake -S "$here" -B "$build" -G Ninja -DONAIR_WERROR=ON "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
