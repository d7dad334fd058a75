#include "scheduler/day_window.hpp"

#include <iterator>

namespace onair {

WindowDays window_days(date::year_month_day today, DayWindow window, const DayLoader& load) {
  const auto day_at = [&](int offset) { return date::year_month_day(date::sys_days(today) + date::days(offset)); };
  auto main = load(today);
  std::vector<BroadcastDay> before;  // nearest first
  for (int k = 1; k <= window.before; ++k) {
    auto d = load(day_at(-k));
    if (!d) break;
    before.push_back(std::move(*d));
  }
  WindowDays out;
  out.days.assign(std::make_move_iterator(before.rbegin()), std::make_move_iterator(before.rend()));
  if (!main) return out;
  out.today = out.days.size();
  out.days.push_back(std::move(*main));
  for (int k = 1; k <= window.after; ++k) {
    auto d = load(day_at(k));
    if (!d) break;
    out.days.push_back(std::move(*d));
  }
  return out;
}

}  // namespace onair
