// The engine-thread entry points must not allocate: counted with a replaced global
// operator new that only counts while a thread-local flag is set.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "player/monitor/aircheck.hpp"
#include "player/monitor/silence_detector.hpp"
#include "support/test_media.hpp"

namespace {
thread_local bool g_counting = false;
std::atomic<long> g_allocations{0};
}  // namespace

// GCC pairs the malloc inside our operator new with the free inside our operator delete
// and warns about a mismatch that is not one.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  if (g_counting) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace onair {
namespace {

struct Counting {
  Counting() {
    g_allocations = 0;
    g_counting = true;
  }
  ~Counting() { g_counting = false; }
  long count() const { return g_allocations.load(); }
};

TEST(NoAllocation, CounterWorks) {
  Counting c;
  auto* v = new std::vector<int>(100);
  asm volatile("" : : "g"(v) : "memory");  // keep the compiler from eliding the pair
  const long n = c.count();
  delete v;
  EXPECT_GE(n, 2);  // proves the check below can fail
}

TEST(NoAllocation, SilenceDetectorFeed) {
  SilenceDetector d(SilenceOptions{}, 48000);
  std::vector<float> block(1024 * 2, 0.0f);
  long n = 0;
  {
    Counting c;
    for (int i = 0; i < 1000; ++i) d.feed(block.data(), 1024, 2);
    n = c.count();
  }
  EXPECT_EQ(n, 0);
  EXPECT_TRUE(d.silent());
}

TEST(NoAllocation, AirCheckWrite) {
  test::TempDir dir;
  AirCheckOptions o;
  o.folder = dir.path();
  o.time_zone = "UTC";
  AirCheckRecorder rec(o, {48000, 2});
  VirtualClock clock(TimePoint(std::chrono::hours(24 * 365 * 40)), 48000);
  std::vector<float> block(1024 * 2, 0.1f);
  long n = 0;
  {
    Counting c;  // counts this thread only: the worker may allocate freely
    for (int i = 0; i < 500; ++i) rec.write(block.data(), 1024, clock.time_of(FrameCount(i) * 1024));
    n = c.count();
  }
  EXPECT_EQ(n, 0);
  rec.close();
  EXPECT_EQ(rec.stats().frames_in, 500 * 1024);
}

}  // namespace
}  // namespace onair
