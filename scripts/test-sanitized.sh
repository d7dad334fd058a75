#!/usr/bin/env bash
# The test suite again, under sanitizers (docs/quality.md):
#   scripts/test-sanitized.sh            AddressSanitizer + UndefinedBehaviorSanitizer, leaks
#                                        are failures; every test (CI runs this)
#   scripts/test-sanitized.sh thread     ThreadSanitizer; the engine and audio-path tests
# Extra arguments go to ctest (e.g. -R Relay).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kind=address,undefined
if [ "${1:-}" = thread ] || [ "${1:-}" = address,undefined ]; then kind=$1; shift; fi

case $kind in
  thread)
    build=${ONAIR_BUILD_DIR:-$here/build-tsan}
    # Where threads meet: the SPSC rings and stamp seqlock, outputs (PortAudio callback,
    # WAV, null), sources decoding on workers, the engine, the air-check recorder, relays,
    # the station daemon with its control server.
    areas=(output engine relay aircheck daemon control)
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4 suppressions=$here/scripts/tsan.supp ${TSAN_OPTIONS:-}"
    ;;
  *)
    build=${ONAIR_BUILD_DIR:-$here/build-asan}
    areas=()
    export LSAN_OPTIONS="suppressions=$here/scripts/lsan.supp ${LSAN_OPTIONS:-}"
    export ASAN_OPTIONS="detect_leaks=1 halt_on_error=1 detect_stack_use_after_return=1 strict_init_order=1 ${ASAN_OPTIONS:-}"
    export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"
    ;;
esac

"$here/scripts/setup-deps.sh"
cmake -S "$here" -B "$build" -G Ninja -DONAIR_WERROR=ON -DONAIR_SANITIZE="$kind" -DONAIR_BENCH=OFF >/dev/null
if [ ${#areas[@]} -gt 0 ]; then
  cmake --build "$build" --parallel "$(nproc)" --target onair $(printf 'test_%s ' "${areas[@]}")
  labels=(-L "^($(IFS='|'; echo "${areas[*]}"))\$")
else
  cmake --build "$build" --parallel "$(nproc)"
  labels=()
fi
export ONAIR_CACHE_DIR=${ONAIR_CACHE_DIR:-$build/test-cache}
cd "$build"
# Sanitized code runs 2–15× slower. The tests that measure real time (a JACK dummy server's
# rate, a stalled or dying device, a restarted process on air within 2 s) run alone, after
# the rest. They stay here because they are the only tests that reach the PortAudio
# callback/worker, the station's device-loss recovery and the crash-trace recovery.
realtime='^(PortAudioJack|DaemonProcess|PlaySignals)\.|DeviceLoss'
status=0
# Real-time suites run once, in the normal pass (docs/quality.md, "What runs once"): they
# measure timing and reach no code the rest of this pass leaves unchecked. LongFillTest
# builds a 100,000-item day while it airs, which an instrumented build cannot do on two
# cores without starving the output. ControlFloodDaemon holds 1,500 sockets against a
# playing daemon. SlowDiskTest times 2 s fsyncs against a paced output (the as-run queue it
# relies on runs in every daemon and `onair play` test). PlayJack times a hard start to 5 ms
# on JACK (PortAudioJack covers that output). DeviceVanish times a stuck PortAudio teardown
# in a child process (PortAudioJack covers server death; DeviceLoss the station's alarm).
# ListenPlay.FiftyListeners holds 50 listeners for 60 s (ListenServer's tests and the other
# ListenPlay test reach the same server code here). IcecastPush.AnOutageNeverTouchesTheSoundCard
# counts JACK underruns and times hard starts through an Icecast outage (the other IcecastPush
# outage test reaches the same reconnect code here).
once='^(LongFillTest|ControlFloodDaemon|SlowDiskTest|PlayJack|DeviceVanish)\.|^ListenPlay\.FiftyListeners|^IcecastPush\.AnOutageNeverTouchesTheSoundCard'
ctest --output-on-failure --parallel "$(nproc)" --timeout 1200 -E "$realtime|$once" "${labels[@]}" "$@" || status=1
ctest --output-on-failure --timeout 1200 -R "$realtime" "${labels[@]}" "$@" || status=1
exit $status
