// The day's fill order: seeded by the date, reshuffled each round, no track twice in a row;
// FillSequence extends itself lazily and FillOrders keeps one per day across re-plans.
#include <gtest/gtest.h>

#include <date/date.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "scheduler/fill_order.hpp"

using namespace onair;
namespace fs = std::filesystem;

namespace {

const date::year_month_day kDay = date::year{2026} / 3 / 2;

std::vector<fs::path> pool_of(std::size_t n, const std::string& prefix = "/srv/onair/media/fill/f") {
  std::vector<fs::path> pool;
  for (std::size_t i = 0; i < n; ++i) pool.push_back(prefix + std::to_string(100000 + i) + ".wav");
  return pool;
}

// The algorithm fill_order had before FillSequence (it built the whole list each time):
// plan and air of an earlier version must keep agreeing with this one.
std::vector<fs::path> reference_order(const std::vector<fs::path>& pool, FillOrder order, date::year_month_day day,
                                      std::size_t count) {
  std::vector<fs::path> out;
  if (pool.empty()) return out;
  std::mt19937_64 rng(static_cast<std::uint64_t>(date::sys_days(day).time_since_epoch().count()));
  std::vector<fs::path> round = pool;
  while (out.size() < count) {
    if (order == FillOrder::shuffle) {
      std::shuffle(round.begin(), round.end(), rng);
      if (!out.empty() && round.size() > 1 && round.front() == out.back()) std::swap(round.front(), round.back());
    }
    for (const auto& f : round) {
      if (out.size() == count) break;
      out.push_back(f);
    }
  }
  return out;
}

std::vector<std::string> names(const std::vector<fs::path>& v) {
  std::vector<std::string> out;
  for (const auto& p : v) out.push_back(p.string());
  return out;
}

const char* name(FillOrder o) { return o == FillOrder::shuffle ? "shuffle" : "sequential"; }

}  // namespace

TEST(FillOrder, MatchesThePreviousImplementation) {
  for (const FillOrder order : {FillOrder::shuffle, FillOrder::sequential}) {
    for (const std::size_t size : {1u, 2u, 3u, 7u, 1000u}) {
      const auto pool = pool_of(size);
      for (const std::size_t count : {std::size_t{1}, size, 5 * size + 3}) {
        SCOPED_TRACE(std::string(name(order)) + " pool " + std::to_string(size) + " count " + std::to_string(count));
        const auto got = fill_order(pool, order, kDay, count);
        ASSERT_EQ(got.size(), count);
        EXPECT_EQ(names(got), names(reference_order(pool, order, kDay, count)));
      }
    }
  }
}

TEST(FillOrder, EmptyPoolGivesNothing) {
  EXPECT_TRUE(fill_order({}, FillOrder::shuffle, kDay, 10).empty());
}

TEST(FillOrder, SeededByTheDate) {
  const auto pool = pool_of(50);
  const auto a = names(fill_order(pool, FillOrder::shuffle, kDay, 200));
  // The same date again (plan and air, or a restart) gives the same order...
  EXPECT_EQ(a, names(fill_order(pool, FillOrder::shuffle, kDay, 200)));
  // ...the next day another one.
  const auto next = date::year_month_day(date::sys_days(kDay) + date::days(1));
  EXPECT_NE(a, names(fill_order(pool, FillOrder::shuffle, next, 200)));
  // Shuffled at all: not the pool's own order.
  EXPECT_NE(std::vector<std::string>(a.begin(), a.begin() + 50), names(pool));
}

TEST(FillOrder, EveryRoundOnceEachAndNoRepeatAcrossRounds) {
  for (const FillOrder order : {FillOrder::shuffle, FillOrder::sequential}) {
    for (const std::size_t size : {2u, 3u, 7u, 1000u}) {
      const auto pool = pool_of(size);
      const auto pool_names = names(pool);
      const std::set<std::string> all(pool_names.begin(), pool_names.end());
      // Several dates: the swap against a repeat only matters when a shuffle happens to
      // start with the previous round's last file, which a single seed may never do.
      for (int d = 0; d < 20; ++d) {
        const auto day = date::year_month_day(date::sys_days(kDay) + date::days(d));
        SCOPED_TRACE(std::string(name(order)) + " pool " + std::to_string(size) + " day " + std::to_string(d));
        const std::size_t rounds = size <= 7 ? 40 : 4;
        const auto got = names(fill_order(pool, order, day, rounds * size));
        for (std::size_t r = 0; r < rounds; ++r) {
          const std::set<std::string> round(got.begin() + static_cast<std::ptrdiff_t>(r * size),
                                            got.begin() + static_cast<std::ptrdiff_t>((r + 1) * size));
          ASSERT_EQ(round, all) << "round " << r;
        }
        for (std::size_t i = 1; i < got.size(); ++i) ASSERT_NE(got[i], got[i - 1]) << "at " << i;
      }
    }
  }
}

TEST(FillOrder, SequenceIsStableWhenAskedOutOfOrder) {
  const auto pool = pool_of(7);
  FillSequence jumped(pool, FillOrder::shuffle, kDay);
  const std::size_t far = jumped.at(5000);
  const std::size_t near = jumped.at(3);
  FillSequence fresh(pool, FillOrder::shuffle, kDay);
  EXPECT_EQ(near, fresh.at(3));
  EXPECT_EQ(far, fresh.at(5000));
  // And every position in between agrees with the list built at once.
  const auto whole = fill_order(pool, FillOrder::shuffle, kDay, 5001);
  for (std::size_t n = 5000 + 1; n-- > 0;) ASSERT_EQ(pool[jumped.at(n)], whole[n]) << "at " << n;
}

TEST(FillOrder, OrdersKeepTheDayAndStartAfreshForAChangedPool) {
  const auto pool = pool_of(30);
  FillOrders orders;
  FillDay& first = orders.day(pool, FillOrder::shuffle, kDay);
  (void)first.sequence.at(100);  // walked on: a re-plan keeps what it has
  FillDay& again = orders.day(pool, FillOrder::shuffle, kDay);
  EXPECT_EQ(&again, &first);
  const auto expected = fill_order(pool, FillOrder::shuffle, kDay, 200);
  for (std::size_t n = 0; n < 200; ++n) ASSERT_EQ(pool[again.sequence.at(n)], expected[n]) << n;

  // A file added to the folder (a reload): the order is that of the new pool.
  auto bigger = pool;
  bigger.push_back("/srv/onair/media/fill/new.wav");
  FillDay& changed = orders.day(bigger, FillOrder::shuffle, kDay);
  EXPECT_NE(&changed, &first);
  EXPECT_EQ(names(changed.sequence.pool()), names(bigger));
  const auto expected_bigger = fill_order(bigger, FillOrder::shuffle, kDay, 200);
  for (std::size_t n = 0; n < 200; ++n) ASSERT_EQ(bigger[changed.sequence.at(n)], expected_bigger[n]) << n;

  // Same names, other order setting: fresh as well.
  FillDay& sequential = orders.day(bigger, FillOrder::sequential, kDay);
  EXPECT_NE(&sequential, &changed);
  for (std::size_t n = 0; n < 62; ++n) ASSERT_EQ(sequential.sequence.at(n), n % bigger.size()) << n;
}

TEST(FillOrder, OrdersKeepDaysApart) {
  const auto pool = pool_of(30);
  FillOrders orders;
  FillDay& today = orders.day(pool, FillOrder::shuffle, kDay);
  const auto tomorrow_date = date::year_month_day(date::sys_days(kDay) + date::days(1));
  FillDay& tomorrow = orders.day(pool, FillOrder::shuffle, tomorrow_date);
  EXPECT_NE(&today, &tomorrow);
  EXPECT_EQ(&orders.day(pool, FillOrder::shuffle, kDay), &today);
  const auto expected = fill_order(pool, FillOrder::shuffle, tomorrow_date, 90);
  for (std::size_t n = 0; n < 90; ++n) ASSERT_EQ(pool[tomorrow.sequence.at(n)], expected[n]) << n;
  // Months on air: old days go, and one asked for again is made afresh, still right.
  for (int d = 2; d < 20; ++d) (void)orders.day(pool, FillOrder::shuffle, date::sys_days(kDay) + date::days(d));
  FillDay& back = orders.day(pool, FillOrder::shuffle, kDay);
  const auto expected_today = fill_order(pool, FillOrder::shuffle, kDay, 90);
  for (std::size_t n = 0; n < 90; ++n) ASSERT_EQ(pool[back.sequence.at(n)], expected_today[n]) << n;
}
