// The master processor's CPU cost (player/loudness/processor.hpp): seconds of 48 kHz stereo
// audio processed in blocks of 1024 frames, as a percentage of one core (thread CPU time
// over audio time, the best of 3 runs: on a shared machine the others only add), for the
// cases the bus meets. Target: ≤ 0.3 % for the whole processor.
//   bench_loudness [SECONDS]       (default 600)
// The last line, "RESULT loudness key=value ...", is for bench/run_all.sh.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "player/loudness/processor.hpp"

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Pink-ish noise (Paul Kellet's economy filter over xorshift white noise), 10 s looped: the
// processor's work does not depend on the values beyond whether they need limiting.
std::vector<float> noise(double gain) {
  std::vector<float> v(48000 * 10 * 2);
  std::uint32_t s = 12345;
  double b0 = 0, b1 = 0, b2 = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    const double w = (static_cast<double>(s) / 4294967296.0) * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.0990460;
    b1 = 0.96300 * b1 + w * 0.2965164;
    b2 = 0.57000 * b2 + w * 1.0526913;
    v[i] = static_cast<float>((b0 + b1 + b2 + w * 0.1848) * gain);
  }
  return v;
}

double percent(const std::vector<float>& source, const onair::BusControl& control, double seconds) {
  onair::MasterProcessor p({48000, 2});
  std::vector<float> block(1024 * 2);
  const long frames = static_cast<long>(seconds * 48000);
  const long loop = static_cast<long>(source.size() / 2);
  double work = 0;
  for (long i = 0; i < frames; i += 1024) {
    const long at = i % (loop - 1024);
    std::copy_n(source.data() + at * 2, 2048, block.data());
    const double t0 = thread_cpu_s();
    p.process(block.data(), 1024, control);
    work += thread_cpu_s() - t0;
  }
  return work / seconds * 100;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 600;
  const std::vector<float> quiet = noise(0.05);  // peaks around −12 dBFS: nothing to limit
  const std::vector<float> hot = noise(0.6);     // peaks over 0 dBFS: limiting most of the time
  onair::BusControl off, on;
  on.agc = true;
  auto best = [&](const std::vector<float>& source, const onair::BusControl& control) {
    double b = 1e9;
    for (int run = 0; run < 3; ++run) b = std::min(b, percent(source, control, seconds));
    return b;
  };
  const double idle = best(quiet, off);
  const double agc = best(quiet, on);
  const double limiting = best(hot, on);
  std::printf("master processor, %.0f s of 48 kHz stereo in blocks of 1024 frames, best of 3, %% of one core:\n", seconds);
  std::printf("  AGC off, under the ceiling (limiter idle):   %.3f %%\n", idle);
  std::printf("  AGC on, under the ceiling:                   %.3f %%\n", agc);
  std::printf("  AGC on, limiting most of the time:           %.3f %%\n", limiting);
  std::printf("RESULT loudness seconds=%.0f idle_pct=%.4f agc_pct=%.4f limiting_pct=%.4f\n", seconds, idle, agc, limiting);
  return 0;
}
