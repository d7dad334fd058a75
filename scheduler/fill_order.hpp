#pragma once
// The order fill files air in on a broadcast day: shuffled with a seed from the date (so
// plan and air agree), reshuffled each time round without repeating a track back to back.
// A FillSequence extends itself a round at a time, and FillOrders keeps one per day across
// re-plans: a re-plan walks the order it already has instead of rebuilding it, so a 24 h gap
// of fill costs a re-plan what a short one does.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <date/date.h>

#include "scheduler/frame_clock.hpp"
#include "scheduler/model.hpp"

namespace onair {

class Timeline;

class FillSequence {
 public:
  FillSequence(std::vector<std::filesystem::path> pool, FillOrder order, date::year_month_day day);
  // The pool index of the `n`th filler of the day (the pool must not be empty).
  std::size_t at(std::size_t n);
  const std::vector<std::filesystem::path>& pool() const { return pool_; }
  bool matches(const std::vector<std::filesystem::path>& pool, FillOrder order, date::year_month_day day) const {
    return order == order_ && day == day_ &&
           std::equal(pool.begin(), pool.end(), pool_.begin(), pool_.end(),
                      [](const auto& a, const auto& b) { return a.native() == b.native(); });
  }

 private:
  void next_round();

  std::vector<std::filesystem::path> pool_;
  FillOrder order_;
  date::year_month_day day_;
  std::mt19937_64 rng_;
  std::vector<std::uint32_t> round_;     // pool indices, in the order of the latest round
  std::vector<std::uint32_t> produced_;  // the day's order so far
};

// The first `count` fillers of a day's order (what FillSequence::at gives for 0…count-1).
std::vector<std::filesystem::path> fill_order(const std::vector<std::filesystem::path>& pool, FillOrder order,
                                              date::year_month_day day, std::size_t count);

// A day's order and its fill files' lengths in frames.
class FillDay {
 public:
  FillDay(std::vector<std::filesystem::path> pool, FillOrder order, date::year_month_day day)
      : sequence(std::move(pool), order, day) {}
  // The length in frames of pool entry `index` (0: unknown or undecodable), looked up in
  // the timeline once.
  FrameCount length(const Timeline& timeline, std::size_t index, int rate);
  void forget_lengths() { lengths_.clear(); }

  FillSequence sequence;

 private:
  std::vector<FrameCount> lengths_;  // -1: not looked up yet
  int rate_ = 0;
};

// One FillDay per broadcast day, kept across re-plans by whoever plans (one thread).
class FillOrders {
 public:
  // Lengths are kept for one timeline; another (a reload) looks them up again. `keep`
  // holds the timeline so its address is not reused by the next one while it is named here.
  void use(const Timeline* timeline, std::shared_ptr<const void> keep = {});
  FillDay& day(const std::vector<std::filesystem::path>& pool, FillOrder order, date::year_month_day day);

 private:
  const Timeline* timeline_ = nullptr;
  std::shared_ptr<const void> keep_;
  std::map<date::year_month_day, std::unique_ptr<FillDay>> days_;
};

}  // namespace onair
