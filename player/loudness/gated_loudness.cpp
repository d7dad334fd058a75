#include "player/loudness/gated_loudness.hpp"

#include <algorithm>
#include <cmath>

namespace onair {

namespace {

constexpr double kAbsoluteGate = -70.0;  // LUFS
constexpr double kRelativeGate = -10.0;  // LU
constexpr double kTop = 30.0;            // louder blocks share the top bin
constexpr int kPerLu = 10;
constexpr int kBins = static_cast<int>((kTop - kAbsoluteGate) * kPerLu);

double energy_of_lufs(double lufs) { return std::pow(10.0, (lufs + 0.691) / 10.0); }
const double kAbsoluteEnergy = energy_of_lufs(kAbsoluteGate);

int bin_of(double lufs) {
  return std::clamp(static_cast<int>(std::floor((lufs - kAbsoluteGate) * kPerLu)), 0, kBins - 1);
}

}  // namespace

double lufs_of_energy(double mean_energy) noexcept {
  return mean_energy > 0 ? -0.691 + 10.0 * std::log10(mean_energy) : -HUGE_VAL;
}

GatedLoudness::GatedLoudness() : count_(kBins, 0), energy_(kBins, 0.0) {}

void GatedLoudness::add_block(double e) noexcept {
  ++blocks_;
  if (!(e >= kAbsoluteEnergy)) return;  // under the absolute gate (or NaN)
  const int b = bin_of(lufs_of_energy(e));
  ++count_[static_cast<std::size_t>(b)];
  energy_[static_cast<std::size_t>(b)] += e;
}

double GatedLoudness::integrated_lufs() const noexcept {
  double sum = 0;
  std::uint64_t n = 0;
  for (int b = 0; b < kBins; ++b) {
    sum += energy_[static_cast<std::size_t>(b)];
    n += count_[static_cast<std::size_t>(b)];
  }
  if (n == 0) return -HUGE_VAL;
  const double gate = lufs_of_energy(sum / static_cast<double>(n)) + kRelativeGate;
  // Bins whose lower edge is at or over the gate.
  const int first = std::max(0, static_cast<int>(std::ceil((gate - kAbsoluteGate) * kPerLu - 1e-9)));
  sum = 0;
  n = 0;
  for (int b = first; b < kBins; ++b) {
    sum += energy_[static_cast<std::size_t>(b)];
    n += count_[static_cast<std::size_t>(b)];
  }
  return n == 0 ? -HUGE_VAL : lufs_of_energy(sum / static_cast<double>(n));
}

}  // namespace onair
