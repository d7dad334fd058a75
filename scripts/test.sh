#!/usr/bin/env bash
# Builds onair (warnings are errors) and runs the whole test suite.
# Works on a fresh Debian 12 machine: installs the packages it needs first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${ONAIR_BUILD_DIR:-$here/build}
ONAIR_BUILD_DIR=$build "$here/scripts/build.sh" "$@"
# Tests run with their own probe cache so nothing leaks into the user's.
export ONAIR_CACHE_DIR=${ONAIR_CACHE_DIR:-$build/test-cache}
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
