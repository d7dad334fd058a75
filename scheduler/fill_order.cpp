#include "scheduler/fill_order.hpp"

#include <algorithm>

#include "scheduler/timeline.hpp"

namespace onair {

FillSequence::FillSequence(std::vector<std::filesystem::path> pool, FillOrder order, date::year_month_day day)
    : pool_(std::move(pool)), order_(order), day_(day),
      rng_(static_cast<std::uint64_t>(date::sys_days(day).time_since_epoch().count())) {
  round_.resize(pool_.size());
  for (std::size_t i = 0; i < round_.size(); ++i) round_[i] = static_cast<std::uint32_t>(i);
}

void FillSequence::next_round() {
  if (order_ == FillOrder::shuffle) {
    // std::shuffle draws the same swaps whatever the elements are: shuffling indices gives
    // the order that shuffling the paths themselves gave.
    std::shuffle(round_.begin(), round_.end(), rng_);
    if (!produced_.empty() && round_.size() > 1 && pool_[round_.front()] == pool_[produced_.back()])
      std::swap(round_.front(), round_.back());
  }
  produced_.insert(produced_.end(), round_.begin(), round_.end());
}

std::size_t FillSequence::at(std::size_t n) {
  while (produced_.size() <= n) next_round();
  return produced_[n];
}

std::vector<std::filesystem::path> fill_order(const std::vector<std::filesystem::path>& pool, FillOrder order,
                                              date::year_month_day day, std::size_t count) {
  std::vector<std::filesystem::path> out;
  if (pool.empty()) return out;
  FillSequence sequence(pool, order, day);
  out.reserve(count);
  for (std::size_t n = 0; n < count; ++n) out.push_back(pool[sequence.at(n)]);
  return out;
}

FrameCount FillDay::length(const Timeline& timeline, std::size_t index, int rate) {
  if (rate != rate_ || lengths_.size() != sequence.pool().size()) {
    lengths_.assign(sequence.pool().size(), -1);
    rate_ = rate;
  }
  FrameCount& len = lengths_[index];
  if (len < 0) {
    const auto duration = timeline.media_duration(sequence.pool()[index].string());
    len = duration ? std::max<FrameCount>(0, frames_in(*duration, rate)) : 0;
  }
  return len;
}

void FillOrders::use(const Timeline* timeline, std::shared_ptr<const void> keep) {
  if (timeline == timeline_) return;
  timeline_ = timeline;
  keep_ = std::move(keep);
  for (auto& [date, d] : days_) d->forget_lengths();
}

FillDay& FillOrders::day(const std::vector<std::filesystem::path>& pool, FillOrder order, date::year_month_day day) {
  auto& d = days_[day];
  if (!d || !d->sequence.matches(pool, order, day)) d = std::make_unique<FillDay>(pool, order, day);
  // A station runs for months: only the latest days are kept.
  while (days_.size() > 8 && days_.begin()->first != day) days_.erase(days_.begin());
  return *d;
}

}  // namespace onair
