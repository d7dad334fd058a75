#pragma once
// Integrated loudness (ITU-R BS.1770-4 §2.8, EBU R128 "I") from gating blocks: the caller
// adds the mean weighted energy of each 400 ms block (blocks every 100 ms); integrated()
// applies the absolute gate (−70 LUFS) and the relative gate (10 LU under the loudness of
// the blocks over the absolute gate).
//
// Blocks go into a histogram of 0.1 LU bins from −70 to +30 LUFS, each bin keeping its count
// and the exact sum of its energies, so memory is fixed however long an item runs (a day's
// relay takes the same 12 KB as a jingle). Only the bin holding the relative gate is
// approximate: its blocks count if the bin's lower edge is at or over the gate (less than
// 0.01 LU off for programme material; libebur128's histogram mode does the same).
#include <cstdint>
#include <vector>

namespace onair {

class GatedLoudness {
 public:
  GatedLoudness();  // allocates the histogram

  void add_block(double mean_energy) noexcept;
  // −inf when no block is over the absolute gate (silence, or under 400 ms of audio).
  double integrated_lufs() const noexcept;
  std::int64_t blocks() const noexcept { return blocks_; }

 private:
  std::vector<std::uint32_t> count_;
  std::vector<double> energy_;
  std::int64_t blocks_ = 0;  // every block added, gated or not
};

// Loudness in LUFS of a mean weighted energy (−inf for 0).
double lufs_of_energy(double mean_energy) noexcept;

}  // namespace onair
